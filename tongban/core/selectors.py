from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.accounts.access import scope_for
from tongban.accounts.models import Role
from tongban.accounts.selectors import users_visible_to
from tongban.activities.selectors import activity_figures
from tongban.children.choices import Risk, Status
from tongban.children.selectors import children_visible_to
from tongban.donations.selectors import donation_figures
from tongban.organisations.selectors import (
    organisations_visible_to,
    projects_visible_to,
    sites_visible_to,
    teams_visible_to,
)
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to
from tongban.volunteers.models import Volunteer
from tongban.volunteers.selectors import hours_of


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    count: int
    url: str = ""


def dashboard_figures(user: Any) -> list[Figure]:
    """The counts on a user's dashboard: only what that user may see."""
    scope = scope_for(user)
    if scope.role == Role.VOLUNTEER:
        return volunteer_figures(user)
    if scope.is_empty:
        return []
    places = regions_visible_to(user).aggregate(
        townships=Count("pk", filter=Q(level=Region.Level.TOWNSHIP)),
        villages=Count("pk", filter=Q(level=Region.Level.VILLAGE)))
    # Counted over columns of the area's list index (never null), not the primary key: PostgreSQL then counts
    # a banner's files from that index alone instead of reading every file of the city.
    children = children_visible_to(user).aggregate(
        total=Count("*"), in_service=Count("status", filter=Q(status=Status.IN_SERVICE)),
        high_risk=Count("risk", filter=Q(risk__in=[Risk.HIGH, Risk.CRITICAL])))
    return [
        Figure("children", _("Children's files"), children["total"], reverse("children:list")),
        Figure("children_in_service", _("Children in service"), children["in_service"],
               reverse("children:list") + "?status=" + Status.IN_SERVICE),
        Figure("children_high_risk", _("Children at high risk"), children["high_risk"]),
        Figure("projects", _("Service projects"), projects_visible_to(user).count()),
        Figure("teams", _("Project teams"), teams_visible_to(user).count()),
        Figure("sites", _("Youth homes and project points"), sites_visible_to(user).count()),
        Figure("townships", _("Townships and streets"), places["townships"]),
        Figure("villages", _("Villages and communities"), places["villages"]),
        Figure("organisations", _("Organisations"), organisations_visible_to(user).count()),
        Figure("users", _("Colleagues with accounts"), users_visible_to(user).count()),
        *community_figures(user),
    ]


def community_figures(user: Any) -> list[Figure]:
    """This year's group activities and donations in the user's area."""
    today = date.today()
    first = date(today.year, 1, 1)
    activities = activity_figures(user, first, today)
    donations = donation_figures(user, first, today)
    return [
        Figure("activities", _("Activities held this year"), activities["activities"],
               reverse("activities:list") + f"?status=held&first={first.isoformat()}"),
        Figure("participations", _("Children taking part this year"), activities["participations"]),
        Figure("donations_value", _("Yuan donated this year"), int(donations["value"]), reverse("donations:totals")),
    ]


def volunteer_figures(user: Any) -> list[Figure]:
    """A volunteer's own figures: their pairings and the hours they served; none before a pairing is set up."""
    volunteer = Volunteer.objects.filter(user_id=user.pk).first()
    if volunteer is None or not volunteer.pairings.exists():
        return []
    today = date.today()
    hours = hours_of(volunteer, date(today.year, 1, 1), today)
    return [
        Figure("pairings", _("Children paired with you"), volunteer.pairings.ongoing(today).count(),
               reverse("volunteers:mine")),
        Figure("hours", _("Hours you served this year"), int(hours.total), reverse("volunteers:mine")),
        Figure("visits", _("Visits this year"), hours.visits),
    ]


def dashboard_case_work(user: Any) -> Any:
    """The case-work sections of a worker's or team lead's dashboard (None for everyone else): cases by stage,
    tasks due, assessments and follow-ups due, approvals waiting, early warnings. Computed, never stored."""
    from tongban.cases.reminders import case_work

    return case_work(user)
