"""Figures counted the slow, obvious way: every record loaded and tested in Python, no grouping in SQL.

The statistics must agree with these counts. The area is a region path (a bureau official's area is their
region: no project limit), so these helpers know nothing of the selectors they check.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from tongban.activities.models import Activity, ActivityVolunteer, Attendance
from tongban.cases.models import Case, Referral, ServiceSession
from tongban.children.models import Child, ChildCategory
from tongban.donations.models import Donation
from tongban.volunteers.models import Pairing, PairingVisit, Volunteer


@dataclass(frozen=True)
class Area:
    path: str
    first: date
    last: date

    def has(self, region) -> bool:  # type: ignore[no-untyped-def]
        return region.path.startswith(self.path)

    def during(self, day: date) -> bool:
        return self.first <= day <= self.last


def _ends(area: Area) -> datetime:
    return timezone.make_aware(datetime.combine(area.last + timedelta(days=1), time.min))


def _starts(area: Area) -> datetime:
    return timezone.make_aware(datetime.combine(area.first, time.min))


def cases_active(area: Area) -> list[Case]:
    return [c for c in Case.objects.select_related("child__region") if area.has(c.child.region)
            and c.opened_on <= area.last and (c.closed_on is None or c.closed_on >= area.first)]


def children(area: Area) -> list[Child]:
    return [c for c in Child.objects.filter(merged_into__isnull=True).select_related("region") if area.has(c.region)]


def child_figures(area: Area) -> dict[int, tuple[int, int, int]]:
    """For each child of the area: (on record at the end, screened in the period, served through case work)."""
    served = {c.child_id for c in cases_active(area)}
    figures = {}
    for child in children(area):
        is_served = child.pk in served
        figures[child.pk] = (int(child.created_at < _ends(area) or is_served),
                             int(_starts(area) <= child.created_at < _ends(area)), int(is_served))
    return figures


def add(figures: list[tuple[int, int, int]]) -> list[int]:
    return [sum(f[i] for f in figures) for i in range(3)]


def by(area: Area, key) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    figures = child_figures(area)
    groups: dict[str, list[tuple[int, int, int]]] = {}
    for child in children(area):
        groups.setdefault(key(child), []).append(figures[child.pk])
    return {k: add(v) for k, v in groups.items()}


def in_category(area: Area, code: str) -> list[int]:
    figures = child_figures(area)
    ids = {cc.child_id for cc in ChildCategory.objects.select_related("category__parent")
           if cc.category.code == code or (cc.category.parent and cc.category.parent.code == code)}
    return add([f for pk, f in figures.items() if pk in ids])


def cases_by_stage(area: Area) -> Counter[str]:
    return Counter(c.stage for c in cases_active(area))


def cases_closed_by_exit(area: Area) -> Counter[str]:
    return Counter(c.exit_reason for c in Case.objects.select_related("child__region")
                   if area.has(c.child.region) and c.closed_on and area.during(c.closed_on))


def sessions(area: Area) -> dict[str, list]:
    found: dict[str, list] = {}
    for s in ServiceSession.objects.select_related("case__child__region"):
        if area.has(s.case.child.region) and area.during(s.held_on):
            n, minutes = found.get(s.kind, [0, 0])
            found[s.kind] = [n + 1, minutes + s.minutes]
    return found


def referrals(area: Area) -> Counter[tuple[str, str]]:
    return Counter((r.kind, r.status) for r in Referral.objects.select_related("case__child__region")
                   if area.has(r.case.child.region) and area.during(r.sent_on))


def activities(area: Area) -> list[Activity]:
    return [a for a in Activity.objects.select_related("region", "type", "brand_line")
            if area.has(a.region) and a.status == "held" and area.during(a.held_on)]


def activity_figures(area: Area, key) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    """By key(activity): activities, registered children attending, walk-ins, participations."""
    found: dict[str, list[int]] = {}
    came = Counter(a.activity_id for a in Attendance.objects.filter(attended=True))
    for a in activities(area):
        row = found.setdefault(key(a), [0, 0, 0, 0])
        row[0] += 1
        row[1] += came[a.pk]
        row[2] += a.walk_ins
        row[3] += came[a.pk] + a.walk_ins
    return found


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def volunteer_figures(area: Area) -> dict[str, list]:
    """By volunteer team name: active volunteers, hours at activities, hours of pairing visits."""
    found: dict[str, list] = {}
    for v in Volunteer.objects.select_related("team__region"):
        if v.active and area.has(v.team.region):
            found.setdefault(v.team.name, [0, Decimal(0), 0])[0] += 1
    held = {a.pk for a in activities(area)}
    for p in ActivityVolunteer.objects.select_related("volunteer__team"):
        if p.activity_id in held:
            found.setdefault(p.volunteer.team.name, [0, Decimal(0), 0])[1] += p.hours
    for v in PairingVisit.objects.select_related("pairing__child__region", "pairing__volunteer__team"):
        if area.has(v.pairing.child.region) and area.during(v.visited_on):
            found.setdefault(v.pairing.volunteer.team.name, [0, Decimal(0), 0])[2] += v.minutes
    return {k: [n, h, hours(m)] for k, (n, h, m) in found.items()}


def pairings(area: Area) -> list[Pairing]:
    return [p for p in Pairing.objects.select_related("child__region") if area.has(p.child.region)
            and p.starts_on <= area.last and (p.ends_on is None or p.ends_on >= area.first)
            and p.child.merged_into_id is None]


def donations(area: Area) -> dict[str, list[Decimal]]:
    """By kind of donor: money, goods."""
    found: dict[str, list[Decimal]] = {}
    for d in Donation.objects.select_related("region", "donor"):
        if area.has(d.region) and area.during(d.received_on):
            row = found.setdefault(d.donor.kind, [Decimal(0), Decimal(0)])
            row[0 if d.kind == "money" else 1] += d.value_yuan
    return found
