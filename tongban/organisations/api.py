"""Organisations, projects and sites over the JSON API: the caller's scope only, through the pages' selectors."""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tongban.api.common import RECORD_ID, REFUSALS, page, staff_only
from tongban.api.paging import DEFAULT_LIMIT, cursor_page
from tongban.organisations.models import Organisation, Site
from tongban.organisations.selectors import (
    access_organisation,
    access_project,
    access_site,
    organisations_visible_to,
    projects_visible_to,
    sites_visible_to,
)
from tongban.regions.models import Region

organisations = Router()
projects = Router()
sites = Router()

OPTIONAL_ID = Field(None, ge=1, le=2**63 - 1)


class RegionRef(Schema):
    id: int
    code: str
    name: str


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    region: RegionRef
    incubated_by_id: int | None
    registration_status: str
    registered_on: date | None
    address: str
    contact_phone: str
    services_offered: list[str]

    @staticmethod
    def resolve_services_offered(obj: Organisation) -> list[str]:
        return obj.services_list()


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    next_cursor: str | None


class OrganisationFilters(Schema):
    kind: Literal[tuple(Organisation.Kind.values)] | None = None  # type: ignore[valid-type]
    ordering: str = "name"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


@organisations.get("/", response={200: OrganisationPage, **REFUSALS},
                   summary="Organisations of the caller's area and projects")
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilters]) -> Any:
    staff_only(request)
    qs = organisations_visible_to(request.user).select_related("region")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return page(*cursor_page(qs, ordering=filters.ordering, allowed=("name", "id"), cursor=filters.cursor,
                             limit=filters.limit))


@organisations.get("/{int:organisation_id}", response={200: OrganisationOut, **REFUSALS},
                   summary="One organisation")
def organisation_detail(request: HttpRequest, organisation_id: int = RECORD_ID) -> Any:
    staff_only(request)
    return access_organisation(request.user, organisation_id)


class ProjectOut(Schema):
    id: int
    name: str
    funder_id: int
    contractor_id: int
    starts_on: date
    ends_on: date
    regions: list[RegionRef]
    budget_yuan: Decimal
    target_children: int
    target_sessions: int
    target_events: int

    @staticmethod
    def resolve_regions(obj: Any) -> list[Region]:
        return list(obj.regions.all())


class ProjectPage(Schema):
    items: list[ProjectOut]
    next_cursor: str | None


class ProjectFilters(Schema):
    active_on: date | None = None
    ordering: str = "-starts_on"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


@projects.get("/", response={200: ProjectPage, **REFUSALS}, summary="Service projects of the caller's scope")
def project_list(request: HttpRequest, filters: Query[ProjectFilters]) -> Any:
    staff_only(request)
    qs = projects_visible_to(request.user).prefetch_related("regions")
    if filters.active_on:
        qs = qs.active_on(filters.active_on)  # type: ignore[attr-defined]
    return page(*cursor_page(qs, ordering=filters.ordering, allowed=("starts_on", "name", "id"),
                             cursor=filters.cursor, limit=filters.limit))


@projects.get("/{int:project_id}", response={200: ProjectOut, **REFUSALS}, summary="One service project")
def project_detail(request: HttpRequest, project_id: int = RECORD_ID) -> Any:
    staff_only(request)
    return access_project(request.user, project_id)


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    project_id: int
    region: RegionRef
    address: str
    opening_hours: str
    capacity: int | None


class SitePage(Schema):
    items: list[SiteOut]
    next_cursor: str | None


class SiteFilters(Schema):
    project: int | None = OPTIONAL_ID
    kind: Literal[tuple(Site.Kind.values)] | None = None  # type: ignore[valid-type]
    ordering: str = "name"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


@sites.get("/", response={200: SitePage, **REFUSALS}, summary="Youth homes and project points of the caller's scope")
def site_list(request: HttpRequest, filters: Query[SiteFilters]) -> Any:
    staff_only(request)
    qs = sites_visible_to(request.user).select_related("region")
    if filters.project is not None:
        qs = qs.filter(project_id=filters.project)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return page(*cursor_page(qs, ordering=filters.ordering, allowed=("name", "id"), cursor=filters.cursor,
                             limit=filters.limit))


@sites.get("/{int:site_id}", response={200: SiteOut, **REFUSALS}, summary="One site")
def site_detail(request: HttpRequest, site_id: int = RECORD_ID) -> Any:
    staff_only(request)
    return access_site(request.user, site_id)
