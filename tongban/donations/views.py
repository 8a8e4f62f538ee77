from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts.access import scope_for, sees_child_files
from tongban.activities.selectors import activities_visible_to
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children.selectors import children_visible_to, search_children
from tongban.core.forms import add_service_errors
from tongban.donations import services
from tongban.donations.forms import (
    AllocationForm,
    DonationFilterForm,
    DonationForm,
    DonorForm,
    PeriodForm,
    donor_form_choices,
)
from tongban.donations.models import Donor
from tongban.donations.receipts import receipt_pdf
from tongban.donations.selectors import (
    access_donation,
    access_donor,
    allocations_of,
    donations_visible_to,
    donors_visible_to,
    totals_by_donor_kind,
    with_allocated,
)
from tongban.organisations.selectors import sites_visible_to

PAGE_SIZE = 50



def _staff_only(request: HttpRequest) -> None:
    if not sees_child_files(request.user):
        raise PermissionDenied


@login_required
def donation_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = DonationFilterForm(request.GET or None)
    qs = donations_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["first"]:
            qs = qs.filter(received_on__gte=data["first"])
        if data["last"]:
            qs = qs.filter(received_on__lte=data["last"])
        if data["donor_kind"]:
            qs = qs.filter(donor__kind=data["donor_kind"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
    qs = with_allocated(qs).select_related("donor", "receipt", "region")
    page = Paginator(qs.order_by("-received_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "donations/list.html", {
        "page": page, "form": form, "query": query.urlencode(),
        "may_write": scope_for(request.user).may_write("donation"),
    })


@login_required
def donor_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    kind = request.GET.get("kind", "")
    qs = donors_visible_to(request.user)
    if kind in Donor.Kind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs.select_related("region").order_by("kind", "name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "donations/donors.html", {
        "page": page, "kind": kind, "kinds": Donor.Kind.choices, "query": f"kind={kind}" if kind else "",
        "may_write": scope_for(request.user).may_write("donation"),
    })


@login_required
def donor_create(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    if not scope_for(request.user).may_write("donation"):
        raise PermissionDenied
    form = DonorForm(request.POST or None, **donor_form_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            donor = services.donor_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The donor has been recorded."))
            return redirect("donations:donor", pk=donor.pk)
    return render(request, "donations/donor_form.html", {"form": form})


@login_required
def donor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    donor = access_donor(request.user, pk)
    donations = with_allocated(donations_visible_to(request.user).filter(donor=donor)).select_related("receipt")
    return render(request, "donations/donor.html", {
        "donor": donor, "donations": donations, "may_write": scope_for(request.user).may_write("donation"),
    })


@login_required
def donation_create(request: HttpRequest, pk: int) -> HttpResponse:
    donor = access_donor(request.user, pk, for_write=True)
    form = DonationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            donation = services.donation_record(actor=request.user, donor=donor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The donation has been recorded with receipt No. %(number)s.") % {
                "number": donation.receipt.number})
            return redirect("donations:detail", pk=donation.pk)
    return render(request, "donations/donation_form.html", {"form": form, "donor": donor})


def _allocation_form(request: HttpRequest, donation: Any, data: Any = None) -> AllocationForm:
    # Activities of the past year and those planned: what a donation is given to in practice.
    since = date.today() - timedelta(days=400)
    activities = (activities_visible_to(request.user).filter(project_id=donation.project_id, held_on__gte=since)
                  .select_related("type").order_by("-held_on"))
    sites = sites_visible_to(request.user).filter(project_id=donation.project_id)
    return AllocationForm(data, activities=activities, sites=sites)


@login_required
def donation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    donation = access_donation(request.user, pk)
    allocations = list(allocations_of(donation))
    allocated = sum((a.value_yuan for a in allocations), start=donation.value_yuan * 0)
    visible = set(children_visible_to(request.user).filter(
        pk__in=[a.child_id for a in allocations if a.child_id]).values_list("pk", flat=True))
    may_write = scope_for(request.user).may_write("donation")
    return render(request, "donations/detail.html", {
        "donation": donation, "allocations": allocations, "allocated": allocated,
        "left": donation.value_yuan - allocated, "visible": visible, "may_write": may_write,
        "form": _allocation_form(request, donation) if may_write else None,
    })


@login_required
@require_POST
def donation_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    donation = access_donation(request.user, pk, for_write=True)
    form = _allocation_form(request, donation, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        target: dict[str, Any] = {}
        if data["recipient"] == "child":
            matches = list(search_children(children_visible_to(request.user).filter(
                project_id=donation.project_id), data["child"] or "")[:2]) if data["child"] else []
            if len(matches) != 1:
                form.add_error("child", _("Give the child's name or the last digits of the ID number so that "
                                          "exactly one child matches.") if matches else _("No child matches."))
            else:
                target["child"] = matches[0]
        elif data[data["recipient"]] is None:
            form.add_error(data["recipient"], _("Choose where the donation goes."))
        else:
            target[data["recipient"]] = data[data["recipient"]]
        if not form.errors:
            try:
                services.donation_allocate(actor=request.user, donation=donation, value_yuan=data["value_yuan"],
                                           quantity=data["quantity"], allocated_on=data["allocated_on"],
                                           note=data["note"], **target)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The allocation has been recorded."))
                return redirect("donations:detail", pk=donation.pk)
    allocations = list(allocations_of(donation))
    allocated = sum((a.value_yuan for a in allocations), start=donation.value_yuan * 0)
    return render(request, "donations/detail.html", {
        "donation": donation, "allocations": allocations, "allocated": allocated,
        "left": donation.value_yuan - allocated, "visible": set(), "may_write": True, "form": form,
    }, status=400)


@login_required
def donation_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    donation = access_donation(request.user, pk)
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target=donation,
                 changes={"receipt": donation.receipt.number})
    response = HttpResponse(receipt_pdf(donation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{donation.receipt.number}.pdf"'
    return response


@login_required
def donation_totals(request: HttpRequest) -> HttpResponse:
    """Money and goods by kind of donor over a period: what funders and annual reports ask for."""
    _staff_only(request)
    today = date.today()
    form = PeriodForm(request.GET or None, initial={"first": date(today.year, 1, 1), "last": today})
    first, last = date(today.year, 1, 1), today
    if form.is_valid():
        first = form.cleaned_data["first"] or first
        last = form.cleaned_data["last"] or last
    rows = totals_by_donor_kind(request.user, first, last)
    return render(request, "donations/totals.html", {
        "form": form, "rows": rows, "first": first, "last": last,
        "total_money": sum((r.money for r in rows), start=rows[0].money * 0),
        "total_goods": sum((r.goods for r in rows), start=rows[0].goods * 0),
        "total_value": sum((r.value for r in rows), start=rows[0].value * 0),
        "total_donations": sum(r.donations for r in rows), "total_donors": sum(r.donors for r in rows),
    })
