"""The funder's statistics over the JSON API: the same figures as /statistics/, through the same selector."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tongban.api.common import REFUSALS
from tongban.organisations.selectors import projects_visible_to
from tongban.regions.selectors import regions_visible_to
from tongban.reports.forms import PeriodForm
from tongban.reports.selectors import may_see_statistics, statistics

router = Router()

OPTIONAL_ID = Field(None, ge=1, le=2**63 - 1)
Figure = int | Decimal


class RowOut(Schema):
    key: str
    label: str
    values: list[Figure]


class TableOut(Schema):
    key: str
    title: str
    label_header: str
    columns: list[str]
    rows: list[RowOut]
    total: list[Figure]
    note: str


class HeadlineOut(Schema):
    key: str
    label: str
    value: Figure


class PeriodOut(Schema):
    first: date
    last: date
    region_id: int | None
    project_id: int | None


class StatisticsOut(Schema):
    period: PeriodOut
    headline: list[HeadlineOut]
    tables: list[TableOut]


class StatisticsFilters(Schema):
    first: date | None = None
    last: date | None = None
    region: int | None = OPTIONAL_ID
    project: int | None = OPTIONAL_ID


@router.get("/", response={200: StatisticsOut, **REFUSALS},
            summary="The statistics page's figures for a period, region (with everything below) and project")
def statistics_figures(request: HttpRequest, filters: Query[StatisticsFilters]) -> Any:
    if not may_see_statistics(request.user):
        raise PermissionDenied
    today = date.today()
    form = PeriodForm({k: ("" if v is None else v) for k, v in filters.dict().items()},
                      regions=regions_visible_to(request.user), projects=projects_visible_to(request.user),
                      initial={"first": date(today.year, 1, 1), "last": today})
    # The page falls back to this year for what it cannot use; a program is told instead.
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    p = form.period()
    stats = statistics(request.user, p)
    return {
        "period": {"first": p.first, "last": p.last, "region_id": p.region.pk if p.region else None,
                   "project_id": p.project.pk if p.project else None},
        "headline": [{"key": key, "label": label, "value": value} for key, label, value, _url in stats.headline],
        "tables": [{"key": t.key, "title": t.title, "label_header": t.label_header, "columns": t.columns,
                    "rows": [{"key": r.key, "label": r.label, "values": r.values} for r in t.rows],
                    "total": t.total, "note": t.note} for t in stats.tables.values()],
    }
