"""Group activities and their attendance over the JSON API: the pages' selectors, door and service."""

from datetime import date, time
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tongban.activities import services
from tongban.activities.models import Activity, ActivityVolunteer
from tongban.activities.selectors import access_activity, activities_visible_to, attendance_of, with_counts
from tongban.api.bodies import body_doc, read_body
from tongban.api.common import RECORD_ID, REFUSALS, page, staff_only, writing
from tongban.api.paging import DEFAULT_LIMIT, cursor_page
from tongban.children.selectors import children_visible_to

router = Router()

ORDERINGS = ("held_on", "id")
OPTIONAL_ID = Field(None, ge=1, le=2**63 - 1)
CODE = Field("", max_length=40, pattern=r"^[-a-zA-Z0-9_]*$")


class RegionRef(Schema):
    id: int
    code: str
    name: str


class ActivitySummary(Schema):
    id: int
    title: str
    project_id: int
    site_id: int | None
    region: RegionRef
    type: str
    type_name: str
    brand_line: str | None
    held_on: date
    starts_at: time | None
    place: str
    status: str
    walk_ins: int
    invited: int
    attended: int

    @staticmethod
    def resolve_type(obj: Activity) -> str:
        return obj.type.code

    @staticmethod
    def resolve_type_name(obj: Activity) -> str:
        return obj.type.name

    @staticmethod
    def resolve_brand_line(obj: Activity) -> str | None:
        return obj.brand_line.code if obj.brand_line_id else None

    @staticmethod
    def resolve_invited(obj: Any) -> int:
        return int(obj.invited_count)

    @staticmethod
    def resolve_attended(obj: Any) -> int:
        return int(obj.attended_count)


class AttendanceOut(Schema):
    child_id: int
    pseudonym: str
    # The name only for a child whose file the caller may open, as on the page; the others by pseudonym.
    name: str | None
    invited: bool
    attended: bool


class VolunteerPresentOut(Schema):
    volunteer_id: int
    name: str
    hours: Decimal


class ActivityDetail(ActivitySummary):
    plan: str
    summary: str
    attendance: list[AttendanceOut]
    volunteers: list[VolunteerPresentOut]

    @staticmethod
    def resolve_attendance(obj: Any) -> list[dict[str, Any]]:
        return obj.attendance_rows

    @staticmethod
    def resolve_volunteers(obj: Any) -> list[dict[str, Any]]:
        return [{"volunteer_id": v.volunteer_id, "name": v.volunteer.name, "hours": v.hours}
                for v in obj.volunteers_present.all()]


class ActivityPage(Schema):
    items: list[ActivitySummary]
    next_cursor: str | None


class ActivityFilters(Schema):
    project: int | None = OPTIONAL_ID
    site: int | None = OPTIONAL_ID
    type: str = CODE
    brand_line: str = CODE
    status: Activity.Status | None = None
    first: date | None = None
    last: date | None = None
    ordering: str = "-held_on"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


class AttendanceIn(Schema):
    attended: list[int] = Field(..., max_length=2000)
    walk_ins: int = Field(0, ge=0, le=10000)
    summary: str | None = Field(None, max_length=5000)


@router.get("/", response={200: ActivityPage, **REFUSALS}, summary="Group activities of the caller's scope")
def activity_list(request: HttpRequest, filters: Query[ActivityFilters]) -> Any:
    staff_only(request)
    qs = activities_visible_to(request.user)
    if filters.project is not None:
        qs = qs.filter(project_id=filters.project)
    if filters.site is not None:
        qs = qs.filter(site_id=filters.site)
    if filters.type:
        qs = qs.filter(type__code=filters.type)
    if filters.brand_line:
        qs = qs.filter(brand_line__code=filters.brand_line)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.first:
        qs = qs.filter(held_on__gte=filters.first)
    if filters.last:
        qs = qs.filter(held_on__lte=filters.last)
    qs = with_counts(qs).select_related("type", "brand_line", "region")
    return page(*cursor_page(qs, ordering=filters.ordering, allowed=ORDERINGS, cursor=filters.cursor,
                             limit=filters.limit))


def _detail(request: HttpRequest, activity_id: int) -> Activity:
    activity = with_counts(activities_visible_to(request.user)).select_related(
        "type", "brand_line", "region").prefetch_related(
        Prefetch("volunteers_present", ActivityVolunteer.objects.select_related("volunteer").order_by("pk"))
    ).get(pk=activity_id)
    rows = list(attendance_of(activity))
    visible = set(children_visible_to(request.user).filter(pk__in=[a.child_id for a in rows])
                  .values_list("pk", flat=True))
    activity.attendance_rows = [  # type: ignore[attr-defined]
        {"child_id": a.child_id, "pseudonym": a.child.pseudonym,
         "name": a.child.name if a.child_id in visible else None, "invited": a.invited, "attended": a.attended}
        for a in rows]
    return activity


@router.get("/{int:activity_id}", response={200: ActivityDetail, **REFUSALS},
            summary="One activity with its attendance and the volunteers present")
def activity_detail(request: HttpRequest, activity_id: int = RECORD_ID) -> Any:
    staff_only(request)
    access_activity(request.user, activity_id)
    return _detail(request, activity_id)


@router.post("/{int:activity_id}/attendance", response={200: ActivityDetail, **REFUSALS},
             openapi_extra=body_doc(AttendanceIn),
             summary="Record who came (invited children present, walk-ins): the activity is then held")
def activity_attendance(request: HttpRequest, activity_id: int = RECORD_ID) -> Any:
    activity = access_activity(request.user, activity_id, for_write=True)
    writing(request)
    payload = read_body(request, AttendanceIn)
    services.attendance_record(actor=request.user, activity=activity, attended=payload.attended,
                               walk_ins=payload.walk_ins, summary=payload.summary)
    return _detail(request, activity_id)
