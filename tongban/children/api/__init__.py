"""Children's files over the JSON API: the same selectors, door, forms, services and audit trail as the file pages."""

import copy
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from pydantic import ConfigDict

from tongban.accounts.access import scope_for
from tongban.api.bodies import api_names, body_doc, choices_of, date_field, read_body, read_form
from tongban.api.common import (
    RECORD_ID,
    REFUSALS,
    WRITE_REFUSALS,
    ValidationErrorOut,
    check_if_match,
    conflicts_as_412,
    etag,
    writing,
)
from tongban.api.paging import DEFAULT_LIMIT, cursor_page
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children import services
from tongban.children.api.verification import router as verification_router
from tongban.children.choices import (
    ETHNIC_GROUPS,
    Disability,
    DisabilityGrade,
    GuardianshipQuality,
    Hukou,
    LifeStatus,
    ParentCondition,
    Relation,
    Risk,
    Sex,
    Status,
    Welfare,
)
from tongban.children.forms import ChildFilterForm, ChildForm, ConsentForm, FamilyMemberForm, child_form_choices
from tongban.children.models import Child, ChildCategory, Consent, FamilyMember
from tongban.children.selectors import access_child, child_file, children_visible_to, filter_children, search_children
from tongban.regions.selectors import regions_visible_to

router = Router()
router.add_router("", verification_router)  # home-verification visits: tongban/children/api/verification.py

ORDERINGS = ("name_pinyin", "birth_date", "updated_at", "id")


class RegionRef(Schema):
    id: int
    code: str
    name: str


class CategoryOut(Schema):
    code: str
    name: str
    source: str
    reason: str

    @staticmethod
    def resolve_code(obj: ChildCategory) -> str:
        return obj.category.code

    @staticmethod
    def resolve_name(obj: ChildCategory) -> str:
        return obj.category.name


class ChildSummary(Schema):
    id: int
    name: str
    pseudonym: str
    sex: str
    birth_date: date
    ethnicity: str
    id_number_masked: str
    region: RegionRef
    project_id: int
    risk: str
    status: str
    assigned_worker_id: int | None
    categories: list[CategoryOut]
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_id_number_masked(obj: Any) -> str:
        return obj.id_masked

    @staticmethod
    def resolve_categories(obj: Any) -> list[Any]:
        return list(obj.categories.all())


class FamilyMemberOut(Schema):
    id: int
    relation: str
    name: str
    life_status: str
    health: str
    disability: str
    disability_grade: int | None
    condition: str
    condition_since: date | None
    condition_evidence: str
    works_away: bool
    monthly_income_yuan: int | None
    is_guardian: bool
    guardianship_quality: str
    phone_masked: str
    version: int


class ConsentOut(Schema):
    id: int
    guardian_name: str
    relation: str
    given_on: date
    scopes: list[str]
    document: str
    withdrawn_on: date | None


class ChildDetail(ChildSummary):
    hukou: str
    address: str
    school: str
    grade: str
    health: str
    disability: str
    disability_grade: int | None
    psychological_state: str
    notes: str
    welfare: list[str]
    family: list[FamilyMemberOut]
    consents: list[ConsentOut]

    @staticmethod
    def resolve_family(obj: Any) -> list[Any]:
        return list(obj.family.all())

    @staticmethod
    def resolve_consents(obj: Any) -> list[Any]:
        return list(obj.consents.all())


class ChildPage(Schema):
    items: list[ChildSummary]
    next_cursor: str | None


class ChildFilters(Schema):
    q: str = ""
    region: int | None = None
    category: int | None = None
    risk: str = ""
    status: str = ""
    sex: str = ""
    ethnicity: str = ""
    age_min: int | None = None
    age_max: int | None = None
    ordering: str = "name_pinyin"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


class RevealIn(Schema):
    reason: str


class RevealOut(Schema):
    id_number: str


@router.get("/", response={200: ChildPage, **REFUSALS}, summary="Children's files the caller may see")
def child_list(request: HttpRequest, filters: Query[ChildFilters]) -> Any:
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    raw = filters.dict()
    form = ChildFilterForm({k: ("" if v is None else v) for k, v in raw.items()
                            if k not in ("ordering", "cursor", "limit")},
                           regions=regions_visible_to(request.user))
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    data = form.cleaned_data
    qs = search_children(children_visible_to(request.user), data["q"] or "")
    qs = filter_children(qs, region=data["region"], category=data["category"], risk=data["risk"],
                         status=data["status"], sex=data["sex"], ethnicity=data["ethnicity"],
                         age_min=data["age_min"], age_max=data["age_max"])
    qs = qs.select_related("region").prefetch_related(
        Prefetch("categories", ChildCategory.objects.select_related("category")))
    rows, next_cursor = cursor_page(qs, ordering=filters.ordering, allowed=ORDERINGS, cursor=filters.cursor,
                                    limit=filters.limit)
    return {"items": rows, "next_cursor": next_cursor}


@router.get("/{int:child_id}", response={200: ChildDetail, **REFUSALS}, summary="One child's file")
def child_detail(request: HttpRequest, response: HttpResponse, child_id: int = RECORD_ID) -> Any:
    child = child_file(request.user, child_id)
    # Opening a file through the API is recorded like opening it on its page.
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=child, changes={"via": "api"})
    response["ETag"] = etag(child)
    return child


@router.post("/{int:child_id}/reveal", response={200: RevealOut, **REFUSALS}, openapi_extra=body_doc(RevealIn),
             summary="The full ID number, for roles that may reveal it, with a recorded reason")
def child_reveal(request: HttpRequest, response: HttpResponse, child_id: int = RECORD_ID) -> Any:
    child = access_child(request.user, child_id)
    payload = read_body(request, RevealIn)
    number = services.child_reveal_id(actor=request.user, child=child, reason=payload.reason)
    response["Cache-Control"] = "no-store"
    return {"id_number": number}


# Writes ------------------------------------------------------------------------------------------------------
# Each body is checked for its types here, then by the page's own form (the same rules and messages in the caller's
# language), and written by the same service as the page: same duplicate checks, same ID-number rules, same audit.

# The form's field names → the API's, which match what the API returns.
CHILD_NAMES = {"project": "project_id", "region": "region_id", "assigned_worker": "assigned_worker_id",
               "recorded_categories": "categories"}
# What a new file starts with when the body leaves it out, as the page's form shows it.
CHILD_DEFAULTS = {"ethnicity": "汉族", "risk": Risk.LOW, "status": Status.SCREENED}


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ChildWrite(_In):
    """A child's file. `categories` are the codes of the categories recorded by hand; the others (orphan,
    de-facto unsupported, left-behind…) are worked out from the family details."""

    name: str = ""
    id_number: str = Field("", description="18 characters; birth date and sex are read from it")
    sex: str = Field("", json_schema_extra=choices_of(Sex.values, blank=True))
    birth_date: str | None = date_field(None)
    ethnicity: str = Field("汉族", json_schema_extra=choices_of(ETHNIC_GROUPS))
    hukou: str = Field("", json_schema_extra=choices_of(Hukou.values, blank=True))
    project_id: int | None = Field(None, ge=1, le=2**63 - 1)
    region_id: int | None = Field(None, ge=1, le=2**63 - 1,
                                  description="the village or community where the child lives now")
    address: str = ""
    school: str = ""
    grade: str = ""
    health: str = ""
    disability: str = Field("", json_schema_extra=choices_of(Disability.values, blank=True))
    disability_grade: int | None = Field(None, json_schema_extra=choices_of(DisabilityGrade.values))
    psychological_state: str = ""
    welfare: list[str] = Field([], json_schema_extra={"items": {"type": "string", **choices_of(Welfare.values)}})
    categories: list[str] = []
    risk: str = Field(Risk.LOW, json_schema_extra=choices_of(Risk.values))
    status: str = Field(Status.SCREENED, json_schema_extra=choices_of(Status.values))
    assigned_worker_id: int | None = Field(None, ge=1, le=2**63 - 1)
    pseudonym: str = Field("", description="left empty, one is made up")


class ChildCreate(ChildWrite):
    confirmed_new: bool = Field(False, description="send true after checking the possible duplicates named in a "
                                                   "refusal: the child is a different child")


class DuplicateRefusal(ValidationErrorOut):
    # Possible existing files of the same child, those the caller may open (others are not disclosed).
    duplicates: list[int] = []


class FamilyMemberWrite(_In):
    relation: str = Field("", json_schema_extra=choices_of(Relation.values, blank=True))
    name: str = ""
    life_status: str = Field(LifeStatus.ALIVE, json_schema_extra=choices_of(LifeStatus.values))
    is_guardian: bool = False
    guardianship_quality: str = Field("", json_schema_extra=choices_of(GuardianshipQuality.values, blank=True))
    works_away: bool = False
    health: str = ""
    disability: str = Field("", json_schema_extra=choices_of(Disability.values, blank=True))
    disability_grade: int | None = Field(None, json_schema_extra=choices_of(DisabilityGrade.values))
    condition: str = Field("", json_schema_extra=choices_of(ParentCondition.values, blank=True))
    condition_since: str | None = date_field(None)
    condition_evidence: str = ""
    monthly_income_yuan: int | None = Field(None, ge=0, le=2**31 - 1)
    phone: str = Field("", description="kept encrypted; shown masked")


class ConsentWrite(_In):
    guardian_name: str = ""
    relation: str = Field("", json_schema_extra=choices_of(Relation.values, blank=True))
    given_on: str | None = date_field(None)
    scopes: list[str] = Field([], json_schema_extra={"items": {"type": "string",
                                                               **choices_of(Consent.Scope.values)}})
    document: str = ""


def _in_full(child: Child) -> Child:
    """The file as ChildDetail shows it, for the record a service has just written."""
    prefetch_related_objects([child], "family", "consents",
                             Prefetch("categories", ChildCategory.objects.select_related("category")))
    return child


def _child_form_values(child: Child) -> dict[str, Any]:
    values = model_to_dict(child, fields=ChildForm._meta.fields)
    values["welfare"] = list(child.welfare or [])
    values["recorded_categories"] = [cc.category.code for cc in child.categories.select_related("category")
                                     if cc.source == ChildCategory.Source.RECORDED]
    return values


def _child_form(request: HttpRequest, schema: type[Schema], *, instance: Child | None = None) -> ChildForm:
    initial = _child_form_values(instance) if instance is not None else dict(CHILD_DEFAULTS)
    form = read_form(request, schema, _CodedChildForm, initial=initial, names=CHILD_NAMES,
                     instance=copy.copy(instance) if instance is not None else None,
                     **child_form_choices(request.user))
    return form


class _CodedChildForm(ChildForm):
    """The page's form; categories named by their code, which an integrating system can know, not by row id."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recorded_categories"].to_field_name = "code"


@router.post("/", response={201: ChildDetail, **{**WRITE_REFUSALS, 422: DuplicateRefusal}},
             openapi_extra=body_doc(ChildCreate),
             summary="Open a new file (with the page's checks: ID number, duplicates, working area)")
def child_create(request: HttpRequest, response: HttpResponse) -> Any:
    writing(request, "child")
    form = _child_form(request, ChildCreate)
    try:
        with api_names(CHILD_NAMES):
            child = services.child_register(
                actor=request.user, id_number=form.cleaned_data["id_number"],
                confirmed_new=form.cleaned_data["confirmed_new"],
                categories=list(form.cleaned_data["recorded_categories"]), **form.service_fields())
    except services.DuplicateSuspected as exc:
        visible = set(children_visible_to(request.user).filter(pk__in=[c.pk for c, _why in exc.candidates])
                      .values_list("pk", flat=True))
        return Reply(422, {"detail": exc.messages[0], "errors": {"confirmed_new": [exc.messages[0]]},
                     "duplicates": sorted(visible)})
    response["ETag"] = etag(child)
    return Reply(201, _in_full(child))


@router.patch("/{int:child_id}", response={200: ChildDetail, **WRITE_REFUSALS}, openapi_extra=body_doc(ChildWrite),
              summary="Change a file: only the fields sent; If-Match with the file's ETag refuses lost edits (412)")
def child_update(request: HttpRequest, response: HttpResponse, child_id: int = RECORD_ID) -> Any:
    child = access_child(request.user, child_id, for_write=True)
    writing(request)
    version = check_if_match(request, child)
    form = _child_form(request, ChildWrite, instance=child)
    id_number = form.cleaned_data["id_number"]
    try:
        with api_names(CHILD_NAMES):
            updated = services.child_update(
                actor=request.user, child=child, version=version, id_number=id_number or None,
                categories=list(form.cleaned_data["recorded_categories"]), **form.service_fields())
    except ValidationError as exc:
        if getattr(exc, "code", None) == "conflict":
            raise HttpError(412, str(exc.messages[0])) from None
        raise
    response["ETag"] = etag(updated)
    return _in_full(updated)


@router.get("/{int:child_id}/family", response={200: list[FamilyMemberOut], **REFUSALS},
            summary="The child's family members and guardians")
def family_list(request: HttpRequest, child_id: int = RECORD_ID) -> Any:
    child = access_child(request.user, child_id)
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=child, changes={"via": "api",
                                                                                            "part": "family"})
    return list(child.family.all())


@router.post("/{int:child_id}/family", response={201: FamilyMemberOut, **WRITE_REFUSALS},
             openapi_extra=body_doc(FamilyMemberWrite), summary="Add a family member or guardian")
def family_create(request: HttpRequest, response: HttpResponse, child_id: int = RECORD_ID) -> Any:
    child = access_child(request.user, child_id, for_write=True)
    writing(request)
    form = read_form(request, FamilyMemberWrite, FamilyMemberForm, initial={"life_status": LifeStatus.ALIVE})
    data = {k: v for k, v in form.cleaned_data.items() if k != "phone"}
    member = services.family_member_save(actor=request.user, child=child, phone=form.cleaned_data["phone"], **data)
    response["ETag"] = etag(member)
    return Reply(201, member)


@router.get("/{int:child_id}/family/{int:member_id}", response={200: FamilyMemberOut, **REFUSALS},
            summary="One family member or guardian")
def family_detail(request: HttpRequest, response: HttpResponse, child_id: int = RECORD_ID,
                  member_id: int = RECORD_ID) -> Any:
    child = access_child(request.user, child_id)
    member = get_object_or_404(FamilyMember, pk=member_id, child=child)
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=child, changes={"via": "api",
                                                                                            "part": "family"})
    response["ETag"] = etag(member)
    return member


@router.patch("/{int:child_id}/family/{int:member_id}", response={200: FamilyMemberOut, **WRITE_REFUSALS},
              openapi_extra=body_doc(FamilyMemberWrite),
              summary="Change a family member: only the fields sent; If-Match with its ETag refuses lost edits (412)")
def family_update(request: HttpRequest, response: HttpResponse, child_id: int = RECORD_ID,
                  member_id: int = RECORD_ID) -> Any:
    child = access_child(request.user, child_id, for_write=True)
    member = get_object_or_404(FamilyMember, pk=member_id, child=child)
    writing(request)
    version = check_if_match(request, member)
    form = read_form(request, FamilyMemberWrite, FamilyMemberForm,
                     initial=model_to_dict(member, fields=FamilyMemberForm._meta.fields), instance=copy.copy(member))
    data = {k: v for k, v in form.cleaned_data.items() if k != "phone"}
    phone = form.cleaned_data["phone"]
    # The phone is kept unless one is sent (it is never sent back in full).
    with conflicts_as_412():
        saved = services.family_member_save(actor=request.user, child=child, member=member,
                                            phone=phone if phone else None, version=version, **data)
    response["ETag"] = etag(saved)
    return saved


@router.get("/{int:child_id}/consents", response={200: list[ConsentOut], **REFUSALS},
            summary="The guardians' consents on file")
def consent_list(request: HttpRequest, child_id: int = RECORD_ID) -> Any:
    child = access_child(request.user, child_id)
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=child, changes={"via": "api",
                                                                                            "part": "consents"})
    return list(child.consents.all())


@router.post("/{int:child_id}/consents", response={201: ConsentOut, **WRITE_REFUSALS},
             openapi_extra=body_doc(ConsentWrite), summary="Record a guardian's consent")
def consent_create(request: HttpRequest, child_id: int = RECORD_ID) -> Any:
    child = access_child(request.user, child_id, for_write=True)
    writing(request)
    form = read_form(request, ConsentWrite, ConsentForm)
    return Reply(201, services.consent_record(actor=request.user, child=child, **form.cleaned_data))
