"""The series the statistics page draws with ECharts, from the same scoped records and filters as its tables.

Charts by region reuse the children's table by region; the stacked categories and the monthly trends are a few
more grouped queries. The result is plain JSON (numbers and strings) for Django's json_script.
"""

from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from tongban.reports.selectors.figures import (
    Period,
    Statistics,
    month_bucket,
    months,
    roll_up,
    scoped_activities,
)


def chart_data(user: Any, p: Period, stats: Statistics) -> dict[str, Any]:
    regions = stats.regions
    by_region = stats["children_by_region"]
    region_rows = [r for r in by_region.rows if r.key]
    labels = [r.label for r in region_rows]

    # Children of each category in each region (subtypes under theirs), counted with the table by category.
    totals, _elsewhere = roll_up(stats.category_paths, regions)
    stacked = [{"name": row.label, "data": [totals[reg.pk].get(row.key, 0) for reg in regions]}
               for row in stats["children_by_category"].rows]
    stacked = [s for s in stacked if any(s["data"])]

    # Month by month: new files, sessions and group activities.
    month_keys = [f"{m.year}-{m.month:02d}" for m in months(p)]
    screened = stats.screened_months
    sessions: dict[str, int] = defaultdict(int)
    for r in stats.sessions:
        sessions[r["month"]] += r["n"]
    activities = dict(scoped_activities(user, p).order_by().annotate(month=month_bucket("held_on", p))
                      .values("month").annotate(n=Count("pk")).values_list("month", "n"))

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
