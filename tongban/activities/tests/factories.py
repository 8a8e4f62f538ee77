"""Builders for group activities, always through the services."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tongban.accounts.models import User
from tongban.activities import services
from tongban.activities.models import Activity, ActivityType
from tongban.children.models import Child
from tongban.organisations.models import Site
from tongban.testing import cast
from tongban.volunteers.models import Volunteer
from tongban.volunteers.tests.factories import dalate_site


def activity_type(code: str = "after_school_630") -> ActivityType:
    return ActivityType.objects.get(code=code)


def make_activity(*, actor: User | None = None, site: Site | None = None, days_ago: int = 3,
                  invite: list[Child] | None = None, type_code: str = "after_school_630", **fields: Any) -> Activity:
    """A 6:30 class at the Dalate project point a few days ago, planned by the Dalate team lead."""
    actor = actor or cast("lead_dalate")
    site = site or dalate_site()
    fields.setdefault("title", "六点半课堂：数学辅导")
    activity = services.activity_plan(actor=actor, project=site.project, site=site, type=activity_type(type_code),
                                      held_on=date.today() - timedelta(days=days_ago), **fields)
    if invite:
        services.children_invite(actor=actor, activity=activity, children=invite)
    return activity


def record(activity: Activity, came: list[Child], walk_ins: int = 0, *, actor: User | None = None) -> Activity:
    return services.attendance_record(actor=actor or cast("lead_dalate"), activity=activity,
                                      attended=[c.pk for c in came], walk_ins=walk_ins)


def serve(activity: Activity, volunteer: Volunteer, hours: str, *, actor: User | None = None) -> None:
    services.volunteer_hours_record(actor=actor or cast("lead_dalate"), activity=activity, volunteer=volunteer,
                                    hours=Decimal(hours))
