"""Scoped reads of group activities, their attendance, the children of a site and their birthdays."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from tongban.accounts.access import access, activities_q
from tongban.activities.models import Activity, ActivityVolunteer, Attendance
from tongban.children.choices import Status
from tongban.children.models import Child
from tongban.children.selectors import children_visible_to
from tongban.organisations.models import Site
from tongban.regions.models import Region

# Children a site still serves: screened or in service, not closed, moved away or aged out.
SERVED = (Status.SCREENED, Status.IN_SERVICE)


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    return Activity.objects.filter(activities_q(user))


def access_activity(user: Any, pk: Any, *, for_write: bool = False) -> Activity:
    qs = activities_visible_to(user).select_related("project", "site", "region", "type", "brand_line", "created_by")
    return access(user, qs, pk, kind="activity", for_write=for_write)


def with_counts(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """Each activity with its invited and attending children, in the same query as the activity."""
    return qs.annotate(
        invited_count=Count("attendance", filter=Q(attendance__invited=True), distinct=True),
        attended_count=Count("attendance", filter=Q(attendance__attended=True), distinct=True),
    )


@dataclass(frozen=True)
class Turnout:
    invited: int
    attended: int
    walk_ins: int
    volunteers: int
    volunteer_hours: Any

    @property
    def participants(self) -> int:
        """Everyone who came: registered children who attended plus walk-ins."""
        return self.attended + self.walk_ins


def turnout(activity: Activity) -> Turnout:
    counts = activity.attendance.aggregate(invited=Count("pk", filter=Q(invited=True)),
                                           attended=Count("pk", filter=Q(attended=True)))
    hours = ActivityVolunteer.objects.filter(activity=activity).aggregate(n=Count("pk"), hours=Sum("hours"))
    return Turnout(invited=counts["invited"], attended=counts["attended"], walk_ins=activity.walk_ins,
                   volunteers=hours["n"], volunteer_hours=hours["hours"] or 0)


def attendance_of(activity: Activity) -> QuerySet[Attendance]:
    return activity.attendance.select_related("child").only(
        "invited", "attended", "activity_id", "child__name", "child__pseudonym", "child__birth_date",
        "child__name_pinyin").order_by("child__name_pinyin", "pk")


def children_of_site(site: Site) -> QuerySet[Child]:
    """The children a site serves: current files of its project living in the site's region."""
    return Child.objects.current().filter(project_id=site.project_id, status__in=SERVED,
                                          region__in=Region.objects.within(site.region).values("pk"))


def invitable_children(user: Any, activity: Activity) -> QuerySet[Child]:
    """The children the user may invite to the activity: files they may see, of the activity's project and, for an
    activity at a site, those the site serves."""
    children = children_visible_to(user).filter(project_id=activity.project_id)
    if activity.site_id:
        children = children.filter(pk__in=children_of_site(activity.site).values("pk"))
    return children


def birthdays(user: Any, site: Site, month: int) -> QuerySet[Child]:
    """Children of the site, visible to the user, whose birthday falls in the month, by day of birth."""
    return (children_of_site(site).filter(pk__in=children_visible_to(user).values("pk"), birth_date__month=month)
            .only("name", "pseudonym", "birth_date", "sex").order_by("birth_date__day", "name_pinyin", "pk"))


def birthday_party_of(site: Site, year: int, month: int) -> Activity | None:
    return (Activity.objects.filter(site=site, type__code="birthday_party", held_on__year=year, held_on__month=month)
            .exclude(status=Activity.Status.CANCELLED).first())


def attendance_for_child(child: Child) -> QuerySet[Attendance]:
    """What a child took part in, for the child's timeline."""
    return (child.attendances.filter(attended=True, activity__status=Activity.Status.HELD)
            .select_related("activity__type", "activity__site").order_by("-activity__held_on"))


def activity_figures(user: Any, first: date, last: date) -> dict[str, int]:
    """Held activities in the period, and how many times registered children and walk-ins took part."""
    held = activities_visible_to(user).held().between(first, last)
    totals = held.aggregate(n=Count("pk", distinct=True), walk_ins=Sum("walk_ins"))
    attended = Attendance.objects.filter(activity__in=held.values("pk"), attended=True).count()
    return {"activities": totals["n"], "participations": attended + (totals["walk_ins"] or 0)}
