"""Regions over the JSON API: the caller's area only, through regions_visible_to()."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tongban.accounts.access import scope_for
from tongban.api.common import RECORD_ID, REFUSALS, page
from tongban.api.paging import DEFAULT_LIMIT, cursor_page
from tongban.regions.selectors import access_region, regions_visible_to

router = Router()

ORDERINGS = ("code", "name", "id")
OPTIONAL_ID = Field(None, ge=1, le=2**63 - 1)


class RegionOut(Schema):
    id: int
    code: str
    name: str
    level: int
    parent_id: int | None
    version: str


class RegionPage(Schema):
    items: list[RegionOut]
    next_cursor: str | None


class RegionFilters(Schema):
    parent: int | None = OPTIONAL_ID
    level: int | None = Field(None, ge=1, le=5)
    ordering: str = "code"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


@router.get("/", response={200: RegionPage, **REFUSALS}, summary="Regions of the caller's area")
def region_list(request: HttpRequest, filters: Query[RegionFilters]) -> Any:
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    qs = regions_visible_to(request.user)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.level is not None:
        qs = qs.filter(level=filters.level)
    return page(*cursor_page(qs, ordering=filters.ordering, allowed=ORDERINGS, cursor=filters.cursor,
                             limit=filters.limit))


@router.get("/{int:region_id}", response={200: RegionOut, **REFUSALS}, summary="One region")
def region_detail(request: HttpRequest, region_id: int = RECORD_ID) -> Any:
    return access_region(request.user, region_id)
