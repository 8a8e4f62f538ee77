"""Volunteers, pairings and their visits over the JSON API.

A volunteer reaches only their own pairings, through the volunteer-safe view of the child (pseudonym and age,
never the file); everything else answers them as the pages do. Staff see what their scope holds."""

import copy
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from pydantic import ConfigDict

from tongban.accounts.access import (
    VOLUNTEER_CHILD_FIELDS,
    may_log_visit,
    may_read_counselling_notes,
    scope_for,
    volunteer_child_view,
)
from tongban.accounts.models import Role
from tongban.api.bodies import api_names, body_doc, choices_of, date_field, read_body, read_form
from tongban.api.common import (
    RECORD_ID,
    REFUSALS,
    WRITE_REFUSALS,
    check_if_match,
    conflicts_as_412,
    etag,
    page,
    staff_only,
    writing,
)
from tongban.api.paging import DEFAULT_LIMIT, cursor_page
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children.selectors import access_child
from tongban.volunteers import services
from tongban.volunteers.forms import PairingEndForm, PairingForm, VolunteerForm
from tongban.volunteers.models import Availability, Pairing, PairingVisit, Skill, Volunteer
from tongban.volunteers.selectors import (
    access_pairing,
    access_volunteer,
    pairing_form_choices,
    pairings_visible_to,
    visits_of,
    volunteer_form_choices,
    volunteers_visible_to,
)

volunteers = Router()
pairings = Router()

OPTIONAL_ID = Field(None, ge=1, le=2**63 - 1)


def _masked_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "*" * len(digits)


class VolunteerOut(Schema):
    id: int
    name: str
    team_id: int
    team_name: str
    phone_masked: str
    is_party_member: bool
    skills: list[str]
    availability: list[str]
    joined_on: date
    active: bool
    ongoing_pairings: int
    version: int

    @staticmethod
    def resolve_team_name(obj: Volunteer) -> str:
        return obj.team.name

    @staticmethod
    def resolve_phone_masked(obj: Volunteer) -> str:
        return _masked_phone(obj.phone)


class VolunteerPage(Schema):
    items: list[VolunteerOut]
    next_cursor: str | None


class VolunteerFilters(Schema):
    team: int | None = OPTIONAL_ID
    active: bool | None = None
    ordering: str = "name"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


def _with_ongoing(qs: Any) -> Any:
    today = date.today()
    return qs.select_related("team").annotate(ongoing_pairings=Count(
        "pairings", filter=Q(pairings__starts_on__lte=today)
        & (Q(pairings__ends_on__isnull=True) | Q(pairings__ends_on__gte=today))))


@volunteers.get("/", response={200: VolunteerPage, **REFUSALS}, summary="Volunteers of the caller's area")
def volunteer_list(request: HttpRequest, filters: Query[VolunteerFilters]) -> Any:
    staff_only(request)
    qs = volunteers_visible_to(request.user)
    if filters.team is not None:
        qs = qs.filter(team_id=filters.team)
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    return page(*cursor_page(_with_ongoing(qs), ordering=filters.ordering, allowed=("name", "joined_on", "id"),
                             cursor=filters.cursor, limit=filters.limit))


@volunteers.get("/{int:volunteer_id}", response={200: VolunteerOut, **REFUSALS}, summary="One volunteer")
def volunteer_detail(request: HttpRequest, response: HttpResponse, volunteer_id: int = RECORD_ID) -> Any:
    staff_only(request)
    volunteer = access_volunteer(request.user, volunteer_id)
    return _volunteer_out(response, volunteer.pk)


def _volunteer_out(response: HttpResponse, pk: int) -> Volunteer:
    volunteer = _with_ongoing(Volunteer.objects.filter(pk=pk)).get()
    response["ETag"] = etag(volunteer)
    return volunteer


# Registering and editing volunteers: the page's form (teams and accounts of the caller's area) and services.

VOLUNTEER_NAMES = {"team": "team_id", "user": "user_id"}


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class VolunteerWrite(_In):
    name: str = ""
    team_id: int | None = Field(None, ge=1, le=2**63 - 1, description="a volunteer team of the caller's area")
    user_id: int | None = Field(None, ge=1, le=2**63 - 1,
                                description="the volunteer's account (volunteer role), if they sign in")
    phone: str = ""
    is_party_member: bool = False
    skills: list[str] = Field([], json_schema_extra={"items": {"type": "string", **choices_of(Skill.values)}})
    availability: list[str] = Field([], json_schema_extra={"items": {"type": "string",
                                                                     **choices_of(Availability.values)}})
    joined_on: str | None = date_field(None)
    active: bool = True
    notes: str = ""


@volunteers.post("/", response={201: VolunteerOut, **WRITE_REFUSALS}, openapi_extra=body_doc(VolunteerWrite),
                 summary="Register a volunteer in a volunteer team of the caller's area")
def volunteer_create(request: HttpRequest, response: HttpResponse) -> Any:
    staff_only(request)
    writing(request, "volunteer")
    form = read_form(request, VolunteerWrite, VolunteerForm, names=VOLUNTEER_NAMES,
                     initial={"joined_on": date.today(), "active": True},
                     **volunteer_form_choices(request.user))
    with api_names(VOLUNTEER_NAMES):
        volunteer = services.volunteer_register(actor=request.user, **form.cleaned_data)
    return Reply(201, _volunteer_out(response, volunteer.pk))


@volunteers.patch("/{int:volunteer_id}", response={200: VolunteerOut, **WRITE_REFUSALS},
                  openapi_extra=body_doc(VolunteerWrite),
                  summary="Change a volunteer: only the fields sent; If-Match with its ETag refuses lost edits (412)")
def volunteer_update(request: HttpRequest, response: HttpResponse, volunteer_id: int = RECORD_ID) -> Any:
    volunteer = access_volunteer(request.user, volunteer_id, for_write=True)
    writing(request)
    version = check_if_match(request, volunteer)
    form = read_form(request, VolunteerWrite, VolunteerForm, names=VOLUNTEER_NAMES,
                     initial=model_to_dict(volunteer, fields=VolunteerForm._meta.fields),
                     instance=copy.copy(volunteer), **volunteer_form_choices(request.user, volunteer))
    with api_names(VOLUNTEER_NAMES), conflicts_as_412():
        services.volunteer_update(actor=request.user, volunteer=Volunteer.objects.get(pk=volunteer.pk),
                                  version=version, **form.cleaned_data)
    return _volunteer_out(response, volunteer.pk)


class PairedChildOut(Schema):
    # Staff only: a volunteer gets the pseudonym and age, never the id or the name.
    id: int | None
    name: str | None
    pseudonym: str
    age: int


class VisitOut(Schema):
    id: int
    visited_on: date
    minutes: int
    # What was done and what worried the volunteer: for the volunteer and the child's social workers only.
    what_was_done: str | None
    concerns: str | None


class PairingOut(Schema):
    id: int
    volunteer_id: int
    volunteer_name: str
    child: PairedChildOut
    site_id: int | None
    site_name: str
    starts_on: date
    ends_on: date | None
    purpose: str
    is_ongoing: bool
    version: int


class PairingDetail(PairingOut):
    visits: list[VisitOut]


class PairingPage(Schema):
    items: list[PairingOut]
    next_cursor: str | None


class PairingFilters(Schema):
    volunteer: int | None = OPTIONAL_ID
    child: int | None = OPTIONAL_ID
    ongoing: bool | None = None
    ordering: str = "-starts_on"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


class VisitIn(Schema):
    visited_on: date
    minutes: int = Field(..., ge=1, le=32767)
    what_was_done: str = Field(..., max_length=5000)
    concerns: str = Field("", max_length=5000)


def _is_volunteer(request: HttpRequest) -> bool:
    return scope_for(request.user).role == Role.VOLUNTEER and not scope_for(request.user).everything


def _pairing_out(pairing: Pairing, *, volunteer_view: bool) -> dict[str, Any]:
    seen = volunteer_child_view(pairing)
    return {
        "id": pairing.pk, "volunteer_id": pairing.volunteer_id, "volunteer_name": pairing.volunteer.name,
        "child": {"id": None if volunteer_view else pairing.child_id,
                  "name": None if volunteer_view else pairing.child.name,
                  "pseudonym": seen.pseudonym, "age": seen.age},
        "site_id": pairing.site_id, "site_name": seen.site, "starts_on": pairing.starts_on,
        "ends_on": pairing.ends_on, "purpose": pairing.purpose, "is_ongoing": pairing.is_ongoing,
        "version": pairing.version,
    }


def _visit_out(visit: PairingVisit, *, show_notes: bool) -> dict[str, Any]:
    return {"id": visit.pk, "visited_on": visit.visited_on, "minutes": visit.minutes,
            "what_was_done": visit.what_was_done if show_notes else None,
            "concerns": visit.concerns if show_notes else None}


@pairings.get("/", response={200: PairingPage, **REFUSALS},
              summary="Volunteer–child pairings: a volunteer's own, or those of the children in the caller's scope")
def pairing_list(request: HttpRequest, filters: Query[PairingFilters]) -> Any:
    volunteer_view = _is_volunteer(request)
    if scope_for(request.user).is_empty and not volunteer_view:
        raise PermissionDenied
    qs = pairings_visible_to(request.user).select_related("volunteer", "child", "site")
    if volunteer_view:
        # The rest of the child's file never leaves the database for a volunteer.
        qs = qs.only("volunteer_id", "child_id", "site_id", "starts_on", "ends_on", "purpose", "version",
                     "volunteer__name",
                     "site__name", *(f"child__{n}" for n in VOLUNTEER_CHILD_FIELDS))
    if filters.volunteer is not None:
        qs = qs.filter(volunteer_id=filters.volunteer)
    if filters.child is not None:
        if volunteer_view:
            # A volunteer knows the child by pseudonym only: the file's number is not theirs to probe for.
            raise ValidationError({"child": _("Volunteers find their pairings without the child's file.")})
        qs = qs.filter(child_id=filters.child)
    if filters.ongoing is not None:
        ongoing = Pairing.objects.ongoing().values("pk")
        qs = qs.filter(pk__in=ongoing) if filters.ongoing else qs.exclude(pk__in=ongoing)
    rows, next_cursor = cursor_page(qs, ordering=filters.ordering, allowed=("starts_on", "id"),
                                    cursor=filters.cursor, limit=filters.limit)
    return page([_pairing_out(p, volunteer_view=volunteer_view) for p in rows], next_cursor)


def _pairing_detail(request: HttpRequest, pairing: Pairing) -> dict[str, Any]:
    volunteer_view = _is_volunteer(request)
    show_notes = volunteer_view or may_read_counselling_notes(request.user)
    out = _pairing_out(pairing, volunteer_view=volunteer_view)
    out["visits"] = [_visit_out(v, show_notes=show_notes) for v in visits_of(pairing)]
    return out


@pairings.get("/{int:pairing_id}", response={200: PairingDetail, **REFUSALS},
              summary="One pairing with its visit log")
def pairing_detail(request: HttpRequest, response: HttpResponse, pairing_id: int = RECORD_ID) -> Any:
    pairing = access_pairing(request.user, pairing_id)
    if not _is_volunteer(request):
        # Opened like the pairing's page: recorded for staff (the volunteer's own page is not).
        audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=pairing, changes={"via": "api"})
    response["ETag"] = etag(pairing)
    return _pairing_detail(request, pairing)


# Pairing a volunteer with a child, and ending it: the page's forms and services.

PAIRING_NAMES = {"volunteer": "volunteer_id", "site": "site_id", "child": "child_id"}


class PairingCreate(_In):
    child_id: int = Field(..., ge=1, le=2**63 - 1, description="a child of the caller's area, screened or in service")
    volunteer_id: int | None = Field(None, ge=1, le=2**63 - 1,
                                     description="an active volunteer of a team of the child's county or above")
    site_id: int | None = Field(None, ge=1, le=2**63 - 1, description="a site of the child's project")
    starts_on: str | None = date_field(None)
    ends_on: str | None = date_field(None)
    purpose: str = Field("", description="shown to the volunteer: write nothing here from the case file")


class PairingEnd(_In):
    ends_on: str | None = date_field(None)
    reason: str = ""


@pairings.post("/", response={201: PairingDetail, **WRITE_REFUSALS}, openapi_extra=body_doc(PairingCreate),
               summary="Pair a volunteer with a child (team leads and project admins)")
def pairing_create(request: HttpRequest, response: HttpResponse) -> Any:
    writing(request, "pairing")
    child_id = read_body(request, PairingCreate).child_id
    # The child named in the body is looked for through the caller's door, like the page's ?child=: 404 outside.
    child = access_child(request.user, child_id, for_write=True)
    form = read_form(request, PairingCreate, PairingForm, names=PAIRING_NAMES, initial={"starts_on": date.today()},
                     **pairing_form_choices(request.user, child))
    data = {k: v for k, v in form.cleaned_data.items() if k in PairingForm._meta.fields}
    with api_names(PAIRING_NAMES):
        pairing = services.pairing_create(actor=request.user, child=child, **data)
    response["ETag"] = etag(pairing)
    return Reply(201, _pairing_detail(request, access_pairing(request.user, pairing.pk)))


@pairings.post("/{int:pairing_id}/end", response={200: PairingDetail, **WRITE_REFUSALS},
               openapi_extra=body_doc(PairingEnd),
               summary="End a pairing (on `ends_on`, today if left out); If-Match with its ETag refuses lost edits")
def pairing_end(request: HttpRequest, response: HttpResponse, pairing_id: int = RECORD_ID) -> Any:
    pairing = access_pairing(request.user, pairing_id, for_write=True)
    writing(request)
    version = check_if_match(request, pairing)
    form = read_form(request, PairingEnd, PairingEndForm, initial={"ends_on": date.today()})
    with conflicts_as_412():
        ended = services.pairing_end(actor=request.user, pairing=pairing, ends_on=form.cleaned_data["ends_on"],
                                     reason=form.cleaned_data["reason"], version=version)
    response["ETag"] = etag(ended)
    return _pairing_detail(request, ended)


@pairings.post("/{int:pairing_id}/visits", response={201: VisitOut, **REFUSALS}, openapi_extra=body_doc(VisitIn),
               summary="Log a visit: by the paired volunteer, or by the child's social workers for them")
def visit_create(request: HttpRequest, pairing_id: int = RECORD_ID) -> Any:
    pairing = access_pairing(request.user, pairing_id)
    if not may_log_visit(request.user, pairing):
        raise PermissionDenied
    writing(request)
    payload = read_body(request, VisitIn)
    visit = services.visit_log(actor=request.user, pairing=pairing, visited_on=payload.visited_on,
                               minutes=payload.minutes, what_was_done=payload.what_was_done,
                               concerns=payload.concerns)
    return Reply(201, _visit_out(visit, show_notes=True))
