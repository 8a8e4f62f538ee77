"""Home-verification visits (上门核查) over the JSON API: the verification page's form and service.

What the visitor corrects is written to the file at once (child_update, with the file's version: If-Match → 412);
a visit that corrects nothing confirms the file. Mounted on the children router (tongban/children/api).
"""

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja import Status as Reply
from pydantic import ConfigDict

from tongban.api.bodies import body_doc, choices_of, date_field, read_form
from tongban.api.common import RECORD_ID, WRITE_REFUSALS, check_if_match, conflicts_as_412, etag, writing
from tongban.children import services
from tongban.children.choices import Risk
from tongban.children.forms import VerificationForm
from tongban.children.models import Child
from tongban.children.selectors import access_child

router = Router()


class VerificationOut(Schema):
    id: int
    visited_on: date
    visitor_id: int
    child_seen: bool
    guardian_present: bool
    file_confirmed: bool
    corrections: dict[str, str]
    notes: str


class VerificationWrite(Schema):
    """The visit; the file's fields sent are what the visitor found (those left out stay as they are)."""

    model_config = ConfigDict(extra="forbid")

    visited_on: str | None = date_field(None)
    child_seen: bool = True
    guardian_present: bool = True
    notes: str = ""
    address: str = ""
    school: str = ""
    grade: str = ""
    health: str = ""
    psychological_state: str = ""
    risk: str = Field("", json_schema_extra=choices_of(Risk.values))


@router.post("/{int:child_id}/verifications", response={201: VerificationOut, **WRITE_REFUSALS},
             openapi_extra=body_doc(VerificationWrite),
             summary="Record a home-verification visit: the file confirmed, or corrected with the fields sent "
                     "(If-Match with the file's ETag refuses lost edits: 412)")
def verification_create(request: HttpRequest, response: HttpResponse, child_id: int = RECORD_ID) -> Any:
    child = access_child(request.user, child_id, for_write=True)
    writing(request)
    version = check_if_match(request, child)
    on_file = {name: getattr(child, name) for name in VerificationForm.CORRECTABLE}
    form = read_form(request, VerificationWrite, VerificationForm, initial={
        **on_file, "visited_on": date.today(), "child_seen": True, "guardian_present": True,
        "version": child.version})
    data = form.cleaned_data
    with conflicts_as_412():
        visit = services.home_verification_record(
            actor=request.user, child=child, visited_on=data["visited_on"], child_seen=data["child_seen"],
            guardian_present=data["guardian_present"], notes=data["notes"],
            corrections={name: data[name] for name in VerificationForm.CORRECTABLE}, version=version)
    response["ETag"] = etag(Child.objects.only("version").get(pk=child.pk))
    return Reply(201, visit)
