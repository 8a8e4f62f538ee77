"""Donors, donations and their allocations over the JSON API: the pages' selectors, door and service."""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from pydantic import ConfigDict

from tongban.activities.selectors import activities_visible_to
from tongban.api.bodies import api_names, body_doc, choices_of, read_body, read_form
from tongban.api.common import RECORD_ID, REFUSALS, WRITE_REFUSALS, page, staff_only, writing
from tongban.api.paging import DEFAULT_LIMIT, cursor_page
from tongban.children.selectors import children_visible_to
from tongban.donations import services
from tongban.donations.forms import DonorForm, donor_form_choices
from tongban.donations.models import Donation, Donor
from tongban.donations.selectors import (
    access_donation,
    access_donor,
    allocations_of,
    donations_visible_to,
    donors_visible_to,
    with_allocated,
)
from tongban.organisations.selectors import sites_visible_to

donors = Router()
donations = Router()

OPTIONAL_ID = Field(None, ge=1, le=2**63 - 1)


class RegionRef(Schema):
    id: int
    code: str
    name: str


class DonorOut(Schema):
    id: int
    kind: str
    # An anonymous donor's name is kept out of lists, receipts and reports: here too.
    name: str
    anonymous: bool
    organisation_id: int | None
    project_id: int
    region: RegionRef

    @staticmethod
    def resolve_name(obj: Donor) -> str:
        return obj.shown_name


class DonorPage(Schema):
    items: list[DonorOut]
    next_cursor: str | None


class DonorFilters(Schema):
    kind: Literal[tuple(Donor.Kind.values)] | None = None  # type: ignore[valid-type]
    project: int | None = OPTIONAL_ID
    ordering: str = "name"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


@donors.get("/", response={200: DonorPage, **REFUSALS}, summary="Donors of the caller's projects and area")
def donor_list(request: HttpRequest, filters: Query[DonorFilters]) -> Any:
    staff_only(request)
    qs = donors_visible_to(request.user).select_related("region")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.project is not None:
        qs = qs.filter(project_id=filters.project)
    return page(*cursor_page(qs, ordering=filters.ordering, allowed=("name", "id"), cursor=filters.cursor,
                             limit=filters.limit))


@donors.get("/{int:donor_id}", response={200: DonorOut, **REFUSALS}, summary="One donor")
def donor_detail(request: HttpRequest, donor_id: int = RECORD_ID) -> Any:
    staff_only(request)
    donor = access_donor(request.user, donor_id)
    return Donor.objects.select_related("region").get(pk=donor.pk)


DONOR_NAMES = {"organisation": "organisation_id", "project": "project_id", "region": "region_id"}


class DonorCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field("", json_schema_extra=choices_of(Donor.Kind.values, blank=True))
    name: str = Field("", description="may be left out for a known organisation: its name is taken")
    anonymous: bool = Field(False, description="kept out of lists, receipts and reports")
    organisation_id: int | None = Field(None, ge=1, le=2**63 - 1)
    project_id: int | None = Field(None, ge=1, le=2**63 - 1)
    region_id: int | None = Field(None, ge=1, le=2**63 - 1, description="the donor's city or county")
    phone: str = ""


@donors.post("/", response={201: DonorOut, **WRITE_REFUSALS}, openapi_extra=body_doc(DonorCreate),
             summary="Record a donor of one of the caller's projects (the page's form and service)")
def donor_create(request: HttpRequest) -> Any:
    staff_only(request)
    writing(request, "donation")
    form = read_form(request, DonorCreate, DonorForm, names=DONOR_NAMES, **donor_form_choices(request.user))
    with api_names(DONOR_NAMES):
        donor = services.donor_register(actor=request.user, **form.cleaned_data)
    return Reply(201, Donor.objects.select_related("region").get(pk=donor.pk))


class DonationOut(Schema):
    id: int
    donor_id: int
    donor_name: str
    donor_kind: str
    project_id: int
    region: RegionRef
    kind: str
    received_on: date
    value_yuan: Decimal
    allocated_yuan: Decimal
    goods_description: str
    quantity: int | None
    unit: str
    purpose: str
    receipt_number: str | None

    @staticmethod
    def resolve_donor_name(obj: Donation) -> str:
        return obj.donor.shown_name

    @staticmethod
    def resolve_donor_kind(obj: Donation) -> str:
        return obj.donor.kind

    @staticmethod
    def resolve_allocated_yuan(obj: Any) -> Decimal:
        return Decimal(obj.allocated).quantize(Decimal("0.01"))

    @staticmethod
    def resolve_receipt_number(obj: Donation) -> str | None:
        receipt = getattr(obj, "receipt", None)
        return receipt.number if receipt is not None else None


class AllocationOut(Schema):
    id: int
    child_id: int | None
    child_pseudonym: str | None
    # The name only for a child whose file the caller may open, as on the page.
    child_name: str | None
    activity_id: int | None
    site_id: int | None
    value_yuan: Decimal
    quantity: int | None
    allocated_on: date
    note: str


class DonationDetail(DonationOut):
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(obj: Any) -> list[dict[str, Any]]:
        return obj.allocation_rows


class DonationPage(Schema):
    items: list[DonationOut]
    next_cursor: str | None


class DonationFilters(Schema):
    donor: int | None = OPTIONAL_ID
    project: int | None = OPTIONAL_ID
    kind: Donation.Kind | None = None
    donor_kind: Literal[tuple(Donor.Kind.values)] | None = None  # type: ignore[valid-type]
    first: date | None = None
    last: date | None = None
    ordering: str = "-received_on"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


class DonationIn(Schema):
    kind: Donation.Kind
    received_on: date
    value_yuan: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2)
    goods_description: str = Field("", max_length=200)
    quantity: int | None = Field(None, ge=0, le=2**31 - 1)
    unit: str = Field("", max_length=20)
    purpose: str = Field("", max_length=300)


class AllocationIn(Schema):
    # Exactly one recipient, as on the page: a child, an activity or a site of the donation's project.
    child: int | None = Field(None, ge=1, le=2**63 - 1)
    activity: int | None = Field(None, ge=1, le=2**63 - 1)
    site: int | None = Field(None, ge=1, le=2**63 - 1)
    value_yuan: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2)
    quantity: int | None = Field(None, ge=0, le=2**31 - 1)
    allocated_on: date | None = None
    note: str = Field("", max_length=200)


def _donations(request: HttpRequest) -> Any:
    return with_allocated(donations_visible_to(request.user)).select_related("donor", "region", "receipt")


@donations.get("/", response={200: DonationPage, **REFUSALS}, summary="Donations of the caller's projects and area")
def donation_list(request: HttpRequest, filters: Query[DonationFilters]) -> Any:
    staff_only(request)
    qs = _donations(request)
    for name, field in (("donor", "donor_id"), ("project", "project_id"), ("kind", "kind"),
                        ("donor_kind", "donor__kind")):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{field: value})
    if filters.first:
        qs = qs.filter(received_on__gte=filters.first)
    if filters.last:
        qs = qs.filter(received_on__lte=filters.last)
    return page(*cursor_page(qs, ordering=filters.ordering, allowed=("received_on", "id"), cursor=filters.cursor,
                             limit=filters.limit))


def _detail(request: HttpRequest, donation_id: int) -> Donation:
    donation = _donations(request).get(pk=donation_id)
    allocations = list(allocations_of(donation))
    visible = set(children_visible_to(request.user).filter(
        pk__in=[a.child_id for a in allocations if a.child_id]).values_list("pk", flat=True))
    donation.allocation_rows = [{  # type: ignore[attr-defined]
        "id": a.pk, "child_id": a.child_id, "child_pseudonym": a.child.pseudonym if a.child_id else None,
        "child_name": a.child.name if a.child_id in visible else None, "activity_id": a.activity_id,
        "site_id": a.site_id, "value_yuan": a.value_yuan, "quantity": a.quantity, "allocated_on": a.allocated_on,
        "note": a.note} for a in allocations]
    return donation


@donations.get("/{int:donation_id}", response={200: DonationDetail, **REFUSALS},
               summary="One donation with its receipt number and allocations")
def donation_detail(request: HttpRequest, donation_id: int = RECORD_ID) -> Any:
    staff_only(request)
    access_donation(request.user, donation_id)
    return _detail(request, donation_id)


@donors.post("/{int:donor_id}/donations", response={201: DonationDetail, **REFUSALS},
             openapi_extra=body_doc(DonationIn),
             summary="Record money or goods from a donor; the numbered receipt is issued with it")
def donation_create(request: HttpRequest, donor_id: int = RECORD_ID) -> Any:
    donor = access_donor(request.user, donor_id, for_write=True)
    writing(request)
    payload = read_body(request, DonationIn)
    donation = services.donation_record(actor=request.user, donor=donor, kind=str(payload.kind),
                                        received_on=payload.received_on, value_yuan=payload.value_yuan,
                                        goods_description=payload.goods_description, quantity=payload.quantity,
                                        unit=payload.unit, purpose=payload.purpose)
    return Reply(201, _detail(request, donation.pk))


@donations.post("/{int:donation_id}/allocations", response={201: DonationDetail, **REFUSALS},
                openapi_extra=body_doc(AllocationIn),
                summary="Give part of a donation to a child, an activity or a site (never more than is left)")
def allocation_create(request: HttpRequest, donation_id: int = RECORD_ID) -> Any:
    donation = access_donation(request.user, donation_id, for_write=True)
    writing(request)
    payload = read_body(request, AllocationIn)
    # Recipients are looked up through the caller's own selectors; the service checks project and area again.
    found = {
        "child": payload.child and children_visible_to(request.user).filter(pk=payload.child).first(),
        "activity": payload.activity and activities_visible_to(request.user).filter(pk=payload.activity).first(),
        "site": payload.site and sites_visible_to(request.user).filter(pk=payload.site).first(),
    }
    for name, record in found.items():
        if getattr(payload, name) is not None and record is None:
            raise ValidationError({name: _("Choose where the donation goes.")})
    services.donation_allocate(actor=request.user, donation=donation, value_yuan=payload.value_yuan,
                               quantity=payload.quantity, allocated_on=payload.allocated_on, note=payload.note,
                               **{name: record for name, record in found.items() if record})
    return Reply(201, _detail(request, donation.pk))
