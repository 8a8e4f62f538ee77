"""Scoped reads of volunteers, pairings and their visits, and the hours volunteers served."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import DecimalField, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from tongban.accounts.access import (
    VOLUNTEER_CHILD_FIELDS,
    PairedChild,
    access,
    pairings_q,
    scope_for,
    volunteer_child_view,
    volunteers_q,
)
from tongban.accounts.models import Role
from tongban.activities.models import Activity, ActivityVolunteer
from tongban.volunteers.models import Pairing, PairingVisit, Volunteer

ZERO = Decimal("0.0")


def volunteers_visible_to(user: Any) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(volunteers_q(user))


def access_volunteer(user: Any, pk: Any, *, for_write: bool = False) -> Volunteer:
    qs = volunteers_visible_to(user).select_related("team__region", "user")
    return access(user, qs, pk, kind="volunteer", for_write=for_write)


def pairings_visible_to(user: Any) -> QuerySet[Pairing]:
    return Pairing.objects.filter(pairings_q(user))


def access_pairing(user: Any, pk: Any, *, for_write: bool = False) -> Pairing:
    """A pairing the user may see. For a volunteer only the fields of VOLUNTEER_CHILD_FIELDS of the child are
    loaded: the rest of the file never leaves the database for them."""
    qs = pairings_visible_to(user).select_related("volunteer__team", "child", "site")
    if scope_for(user).role == Role.VOLUNTEER:
        qs = qs.only("starts_on", "ends_on", "purpose", "end_reason", "version", "volunteer__name",
                     "volunteer__user_id",
                     "volunteer__team__name", "site__name",
                     *(f"child__{name}" for name in VOLUNTEER_CHILD_FIELDS))
    return access(user, qs, pk, kind="pairing", for_write=for_write)


def volunteer_form_choices(user: Any, instance: Volunteer | None = None) -> dict[str, QuerySet[Any]]:
    """What the volunteer form offers this user: the volunteer teams of their area, and the volunteer accounts not
    yet taken (or the volunteer's own) of those teams or of none."""
    from django.db.models import Q

    from tongban.accounts.models import User
    from tongban.organisations.models import Organisation
    from tongban.organisations.selectors import organisations_visible_to

    scope = scope_for(user)
    teams = organisations_visible_to(user).filter(kind=Organisation.Kind.VOLUNTEER_TEAM)
    if not scope.everything:
        teams = teams.filter(scope.region_q("region"))
    accounts = User.objects.filter(role=Role.VOLUNTEER, is_active=True).filter(
        Q(volunteer_profile__isnull=True) | Q(volunteer_profile=instance) if instance else
        Q(volunteer_profile__isnull=True)).filter(Q(organisation__in=teams) | Q(organisation__isnull=True))
    return {"teams": teams, "accounts": accounts}


def pairing_form_choices(user: Any, child: Any) -> dict[str, QuerySet[Any]]:
    """What the pairing form offers for a child: active volunteers of teams of the child's county or above, the
    sites of the child's project in the user's area."""
    from tongban.organisations.selectors import sites_visible_to
    from tongban.regions.models import Region

    county_and_above = Region.objects.filter(code__in=child.region.ancestor_codes()).values("pk")
    return {
        "volunteers": volunteers_visible_to(user).active().select_related("team").filter(
            team__region__in=list(county_and_above.values_list("pk", flat=True))),
        "sites": sites_visible_to(user).filter(project_id=child.project_id),
    }


def visits_of(pairing: Pairing) -> QuerySet[PairingVisit]:
    return pairing.visits.select_related("recorded_by")


@dataclass(frozen=True)
class VolunteerPairing:
    """A pairing as its volunteer sees it."""

    pk: int
    starts_on: date
    ends_on: date | None
    purpose: str
    is_ongoing: bool
    child: PairedChild


def pairings_for_volunteer(user: Any) -> list[VolunteerPairing]:
    """The signed-in volunteer's own pairings, through the volunteer-safe view of the child. Two queries at most."""
    qs = (pairings_visible_to(user).filter(volunteer__user_id=user.pk).select_related("child", "site")
          .only("starts_on", "ends_on", "purpose", "site__name", *(f"child__{n}" for n in VOLUNTEER_CHILD_FIELDS)))
    return [VolunteerPairing(pk=p.pk, starts_on=p.starts_on, ends_on=p.ends_on, purpose=p.purpose,
                             is_ongoing=p.is_ongoing, child=volunteer_child_view(p)) for p in qs]


def volunteer_view_of(pairing: Pairing) -> VolunteerPairing:
    return VolunteerPairing(pk=pairing.pk, starts_on=pairing.starts_on, ends_on=pairing.ends_on,
                            purpose=pairing.purpose, is_ongoing=pairing.is_ongoing,
                            child=volunteer_child_view(pairing))


# Hours served ----------------------------------------------------------------------------------------------

def _presences(first: date | None, last: date | None) -> QuerySet[ActivityVolunteer]:
    qs = ActivityVolunteer.objects.filter(activity__status=Activity.Status.HELD)
    if first:
        qs = qs.filter(activity__held_on__gte=first)
    if last:
        qs = qs.filter(activity__held_on__lte=last)
    return qs


def _visits(first: date | None, last: date | None) -> QuerySet[PairingVisit]:
    qs = PairingVisit.objects.all()
    if first:
        qs = qs.filter(visited_on__gte=first)
    if last:
        qs = qs.filter(visited_on__lte=last)
    return qs


def with_hours(qs: QuerySet[Volunteer], first: date | None = None, last: date | None = None) -> QuerySet[Volunteer]:
    """Volunteers annotated with activity_hours and visit_minutes in the period, in the same single query."""
    activity_hours = (_presences(first, last).filter(volunteer=OuterRef("pk")).order_by()
                      .values("volunteer").annotate(total=Sum("hours")).values("total"))
    visit_minutes = (_visits(first, last).filter(pairing__volunteer=OuterRef("pk")).order_by()
                     .values("pairing__volunteer").annotate(total=Sum("minutes")).values("total"))
    return qs.annotate(
        activity_hours=Coalesce(Subquery(activity_hours, output_field=DecimalField(max_digits=8, decimal_places=1)),
                                Value(ZERO), output_field=DecimalField(max_digits=8, decimal_places=1)),
        visit_minutes=Coalesce(Subquery(visit_minutes, output_field=IntegerField()), Value(0)),
    )


@dataclass(frozen=True)
class Hours:
    activity_hours: Decimal
    visit_minutes: int
    activities: int
    visits: int

    @property
    def visit_hours(self) -> Decimal:
        return (Decimal(self.visit_minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def total(self) -> Decimal:
        return self.activity_hours + self.visit_hours


def hours_of(volunteer: Volunteer, first: date | None = None, last: date | None = None) -> Hours:
    """What one volunteer served: hours at held activities plus the minutes of their pairing visits."""
    from django.db.models import Count

    a = _presences(first, last).filter(volunteer=volunteer).aggregate(hours=Sum("hours"), n=Count("pk"))
    v = _visits(first, last).filter(pairing__volunteer=volunteer).aggregate(minutes=Sum("minutes"), n=Count("pk"))
    return Hours(activity_hours=a["hours"] or ZERO, visit_minutes=v["minutes"] or 0, activities=a["n"],
                 visits=v["n"])


def service_record(volunteer: Volunteer, first: date | None = None,
                   last: date | None = None) -> tuple[list[ActivityVolunteer], list[dict[str, Any]]]:
    """The lines of a certificate: each activity served, and the visits of each pairing (by pseudonym) summed."""
    from django.db.models import Count, Max, Min

    presences = list(_presences(first, last).filter(volunteer=volunteer).select_related(
        "activity__type", "activity__site").order_by("activity__held_on", "pk"))
    visits = list(_visits(first, last).filter(pairing__volunteer=volunteer)
                  .values("pairing_id", "pairing__child__pseudonym")
                  .annotate(minutes=Sum("minutes"), n=Count("pk"), first=Min("visited_on"), last=Max("visited_on"))
                  .order_by("first"))
    for line in visits:
        line["hours"] = (Decimal(line["minutes"]) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return presences, visits
