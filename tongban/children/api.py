"""Children's files over the JSON API: the same selectors, door and audit trail as the file pages."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from tongban.accounts.access import scope_for
from tongban.api.bodies import body_doc, read_body
from tongban.api.common import RECORD_ID, REFUSALS, etag
from tongban.api.paging import DEFAULT_LIMIT, cursor_page
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children import services
from tongban.children.forms import ChildFilterForm
from tongban.children.models import ChildCategory
from tongban.children.selectors import access_child, child_file, children_visible_to, filter_children, search_children
from tongban.regions.selectors import regions_visible_to

router = Router()

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
