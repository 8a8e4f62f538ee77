"""Group activities and their attendance over the JSON API: the pages' selectors, door and service."""

import copy
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from pydantic import ConfigDict

from tongban.activities import services
from tongban.activities.forms import ActivityEditForm, ActivityForm, PhotoForm
from tongban.activities.models import Activity, ActivityPhoto, ActivityVolunteer
from tongban.activities.selectors import (
    access_activity,
    activities_visible_to,
    attendance_of,
    invitable_children,
    with_counts,
)
from tongban.api.bodies import api_names, body_doc, checked, choices_of, date_field, read_body, read_form
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
from tongban.children.selectors import children_visible_to
from tongban.organisations.selectors import projects_visible_to, sites_visible_to
from tongban.regions.selectors import regions_visible_to

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
    version: int

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


class PhotoOut(Schema):
    id: int
    caption: str
    uploaded_at: datetime


class ActivityDetail(ActivitySummary):
    plan: str
    summary: str
    attendance: list[AttendanceOut]
    volunteers: list[VolunteerPresentOut]
    photos: list[PhotoOut]

    @staticmethod
    def resolve_photos(obj: Any) -> list[Any]:
        return list(obj.photos.all())

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
        Prefetch("volunteers_present", ActivityVolunteer.objects.select_related("volunteer").order_by("pk")),
        Prefetch("photos", ActivityPhoto.objects.only("activity_id", "caption", "uploaded_at")),
    ).get(pk=activity_id)
    rows = list(attendance_of(activity))
    visible = set(children_visible_to(request.user).filter(pk__in=[a.child_id for a in rows])
                  .values_list("pk", flat=True))
    activity.attendance_rows = [  # type: ignore[attr-defined]
        {"child_id": a.child_id, "pseudonym": a.child.pseudonym,
         "name": a.child.name if a.child_id in visible else None, "invited": a.invited, "attended": a.attended}
        for a in rows]
    return activity


def _with_etag(response: HttpResponse, activity: Activity) -> Activity:
    response["ETag"] = etag(activity)
    return activity


@router.get("/{int:activity_id}", response={200: ActivityDetail, **REFUSALS},
            summary="One activity with its attendance and the volunteers present")
def activity_detail(request: HttpRequest, response: HttpResponse, activity_id: int = RECORD_ID) -> Any:
    staff_only(request)
    access_activity(request.user, activity_id)
    return _with_etag(response, _detail(request, activity_id))


@router.post("/{int:activity_id}/attendance", response={200: ActivityDetail, **WRITE_REFUSALS},
             openapi_extra=body_doc(AttendanceIn),
             summary="Record who came (invited children present, walk-ins): the activity is then held")
def activity_attendance(request: HttpRequest, response: HttpResponse, activity_id: int = RECORD_ID) -> Any:
    activity = access_activity(request.user, activity_id, for_write=True)
    writing(request)
    check_if_match(request, activity)
    payload = read_body(request, AttendanceIn)
    services.attendance_record(actor=request.user, activity=activity, attended=payload.attended,
                               walk_ins=payload.walk_ins, summary=payload.summary)
    return _with_etag(response, _detail(request, activity_id))


# Planning and editing -----------------------------------------------------------------------------------------
# The body is checked for its types here, then by the page's own form (same rules, same messages in the caller's
# language), and written by the page's service (same area checks, same audit event).

# The form's field names → the API's, which match what the API returns.
ACTIVITY_NAMES = {"project": "project_id", "site": "site_id", "region": "region_id"}
TIME = {"json_schema_extra": {"format": "time", "description": "HH:MM"}}


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ActivityCreate(_In):
    """A new activity at a site (its region and address follow) or, away from a site, in a region."""

    title: str = ""
    type: str = Field("", description="the code of an activity type in use, e.g. birthday_party")
    brand_line: str | None = Field(None, description="the code of a brand line in use, e.g. culture")
    project_id: int | None = Field(None, ge=1, le=2**63 - 1)
    site_id: int | None = Field(None, ge=1, le=2**63 - 1)
    region_id: int | None = Field(None, ge=1, le=2**63 - 1, description="only for an activity away from a site")
    held_on: str | None = date_field(None)
    starts_at: str | None = Field(None, **TIME)
    place: str = ""
    plan: str = ""


class ActivityEdit(_In):
    title: str = ""
    type: str = Field("", description="the code of an activity type in use")
    brand_line: str | None = Field(None, description="the code of a brand line in use")
    held_on: str | None = date_field(None)
    starts_at: str | None = Field(None, **TIME)
    place: str = ""
    status: str = Field("", json_schema_extra=choices_of(Activity.Status.values, blank=True))
    plan: str = ""
    summary: str = ""


class _ByCode:
    """The page's form with type and brand line named by their codes, which an integrating system can know."""

    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.fields["type"].to_field_name = "code"
        self.fields["brand_line"].to_field_name = "code"


class _ActivityForm(_ByCode, ActivityForm):
    pass


class _ActivityEditForm(_ByCode, ActivityEditForm):
    pass


@router.post("/", response={201: ActivityDetail, **WRITE_REFUSALS}, openapi_extra=body_doc(ActivityCreate),
             summary="Plan an activity (the page's checks: the project, site and region of the caller's area)")
def activity_create(request: HttpRequest, response: HttpResponse) -> Any:
    staff_only(request)
    writing(request, "activity")
    form = read_form(request, ActivityCreate, _ActivityForm, names=ACTIVITY_NAMES,
                     projects=projects_visible_to(request.user), sites=sites_visible_to(request.user),
                     regions=regions_visible_to(request.user))
    with api_names(ACTIVITY_NAMES):
        activity = services.activity_plan(actor=request.user, **form.cleaned_data)
    return Reply(201, _with_etag(response, _detail(request, activity.pk)))


@router.patch("/{int:activity_id}", response={200: ActivityDetail, **WRITE_REFUSALS},
              openapi_extra=body_doc(ActivityEdit),
              summary="Change an activity: only the fields sent; If-Match with its ETag refuses lost edits (412)")
def activity_update(request: HttpRequest, response: HttpResponse, activity_id: int = RECORD_ID) -> Any:
    activity = access_activity(request.user, activity_id, for_write=True)
    writing(request)
    version = check_if_match(request, activity)
    initial = model_to_dict(activity, fields=ActivityEditForm._meta.fields)
    initial["type"] = activity.type.code
    initial["brand_line"] = activity.brand_line.code if activity.brand_line_id else None
    form = read_form(request, ActivityEdit, _ActivityEditForm, initial=initial, instance=copy.copy(activity))
    with conflicts_as_412():
        services.activity_update(actor=request.user, activity=Activity.objects.get(pk=activity.pk), version=version,
                                 **form.cleaned_data)
    return _with_etag(response, _detail(request, activity.pk))


# Invitations and photos ---------------------------------------------------------------------------------------
# The children the invitation page offers (invitable_children) and the page's photo form, written by the page's
# services: the same checks and the same audit events.

ChildId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class InvitationsIn(_In):
    children: list[ChildId] = Field(..., min_length=1, max_length=500,
                                    description="ids of children of the caller's area whom the activity's project "
                                                "(and site) serve, as the invitation page offers them")


def _photo_body_doc() -> dict[str, Any]:
    """The page's photo form, sent as multipart/form-data."""
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["image"], "properties": {
            "image": {"type": "string", "format": "binary",
                      "description": f"a JPEG or PNG photo (read from its content), at most {services.MAX_PHOTO_MB} "
                                     "MB; kept re-encoded, without where it was taken or the camera's data"},
            "caption": {"type": "string", "maxLength": 200}}}}}}}


@router.post("/{int:activity_id}/invitations", response={200: ActivityDetail, **WRITE_REFUSALS},
             openapi_extra=body_doc(InvitationsIn),
             summary="Invite registered children to the activity; those already invited are left as they are")
def activity_invite(request: HttpRequest, response: HttpResponse, activity_id: int = RECORD_ID) -> Any:
    activity = access_activity(request.user, activity_id, for_write=True)
    writing(request)
    wanted = set(read_body(request, InvitationsIn).children)
    children = list(invitable_children(request.user, activity).filter(pk__in=wanted))
    if len(children) != len(wanted):
        # Said alike of a child outside the caller's area and of an id that does not exist.
        raise ValidationError({"children": _("Some of these children cannot be invited: only children of your area "
                                             "whom the activity's project and site serve can be.")})
    services.children_invite(actor=request.user, activity=activity, children=children)
    return _with_etag(response, _detail(request, activity_id))


@router.post("/{int:activity_id}/photos", response={201: PhotoOut, **WRITE_REFUSALS},
             openapi_extra=_photo_body_doc(),
             summary="Add a photo of the activity as multipart/form-data (`image`, `caption`), like the page")
def photo_create(request: HttpRequest, activity_id: int = RECORD_ID) -> Any:
    activity = access_activity(request.user, activity_id, for_write=True)
    writing(request)
    form = checked(PhotoForm(request.POST, request.FILES))
    return Reply(201, services.photo_add(actor=request.user, activity=activity, upload=form.cleaned_data["image"],
                                         caption=form.cleaned_data["caption"]))
