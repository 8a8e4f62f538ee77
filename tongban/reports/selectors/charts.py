"""The series the statistics page draws with ECharts, from the same scoped records and filters as its tables.

Charts by region reuse the children's table by region; the stacked categories and the monthly trends are a few
more grouped queries. The result is plain JSON (numbers and strings) for Django's json_script.
"""

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases.models import ServiceSession
from tongban.children.models import ChildCategory, DifficultyCategory
from tongban.reports.selectors.figures import (
    Period,
    Statistics,
    cases_active_in,
    roll_up,
    scoped_activities,
    scoped_cases,
    scoped_children,
)


def months(p: Period) -> list[date]:
    """The first day of every month the period touches."""
    first, found = date(p.first.year, p.first.month, 1), []
    while first <= p.last:
        found.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return found


def _month_key(value: Any) -> str:
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return f"{value.year}-{value.month:02d}"


def chart_data(user: Any, p: Period, stats: Statistics) -> dict[str, Any]:
    regions = stats.regions
    by_region = stats["children_by_region"]
    region_rows = [r for r in by_region.rows if r.key]
    labels = [r.label for r in region_rows]

    # Children of each category in each region, a child counted once per category (subtypes under theirs).
    categories = list(DifficultyCategory.objects.filter(parent__isnull=True, active=True).order_by("order", "code"))
    served = cases_active_in(scoped_cases(user, p), p).values("child_id")
    on_file = scoped_children(user, p).filter(Q(created_at__lt=p.ends) | Q(pk__in=served))
    links = ChildCategory.objects.filter(child__in=on_file.values("pk"))
    per_path: dict[str, dict[str, int]] = defaultdict(dict)
    for r in (links.order_by().annotate(top=Coalesce("category__parent_id", "category_id"))
              .values("child__region__path", "top").annotate(n=Count("child", distinct=True))):
        per_path[r["child__region__path"]][str(r["top"])] = r["n"]
    totals, _elsewhere = roll_up(per_path, regions)
    stacked = [{"name": c.name, "data": [totals[reg.pk].get(str(c.pk), 0) for reg in regions]} for c in categories]
    stacked = [s for s in stacked if any(s["data"])]

    # Month by month: new files, sessions and group activities.
    month_keys = [f"{m.year}-{m.month:02d}" for m in months(p)]
    screened = {_month_key(r["month"]): r["n"] for r in scoped_children(user, p).filter(
        created_at__gte=p.starts, created_at__lt=p.ends).order_by().annotate(
        month=TruncMonth("created_at")).values("month").annotate(n=Count("pk"))}
    sessions = {_month_key(r["month"]): r["n"] for r in ServiceSession.objects.filter(
        case__in=scoped_cases(user, p).values("pk"), held_on__gte=p.first, held_on__lte=p.last).order_by().annotate(
        month=TruncMonth("held_on")).values("month").annotate(n=Count("pk"))}
    activities = {_month_key(r["month"]): r["n"] for r in scoped_activities(user, p).order_by().annotate(
        month=TruncMonth("held_on")).values("month").annotate(n=Count("pk"))}

    return {
        "regions": {
            "labels": labels,
            "series": [{"name": str(by_region.columns[i]), "data": [r.values[i] for r in region_rows]}
                       for i in (0, 2)],
        },
        "categories": {"labels": [r.name for r in regions], "series": stacked},
        "monthly": {
            "labels": month_keys,
            "series": [
                {"name": _("children screened"), "data": [screened.get(k, 0) for k in month_keys]},
                {"name": _("service sessions"), "data": [sessions.get(k, 0) for k in month_keys]},
                {"name": _("group activities"), "data": [activities.get(k, 0) for k in month_keys]},
            ],
        },
        "breakdown": {
            "name": str(by_region.columns[0]),
            "data": [{"name": r.label, "value": r.values[0]} for r in region_rows if r.values[0]],
        },
    }
