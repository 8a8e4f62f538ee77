"""Writes for donors, donations, their numbered receipts and allocations."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongban.accounts.access import scope_for
from tongban.activities.models import Activity
from tongban.activities.selectors import activities_visible_to
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children.models import Child
from tongban.children.selectors import children_visible_to
from tongban.donations.models import Allocation, Donation, Donor, Receipt, ReceiptCounter
from tongban.donations.selectors import allocated_of, donations_visible_to, donors_visible_to
from tongban.organisations.models import Organisation, Project, Site
from tongban.organisations.selectors import projects_visible_to, sites_visible_to
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to

CENT = Decimal("0.01")


def _require_write(actor: Any) -> None:
    if not scope_for(actor).may_write("donation"):
        raise PermissionDenied(_("Your account cannot record donations."))


def _check_place(actor: Any, project: Project, region: Region) -> None:
    if not projects_visible_to(actor).filter(pk=project.pk).exists():
        raise PermissionDenied
    if not scope_for(actor).everything and not regions_visible_to(actor).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("This region is outside your working area.")})
    if not any(region.path.startswith(r.path) or r.path.startswith(region.path) for r in project.regions.all()):
        raise ValidationError({"region": _("This region is not covered by the project.")})


@transaction.atomic
def donor_register(*, actor: Any, kind: str, project: Project, region: Region, name: str = "",
                   anonymous: bool = False, organisation: Organisation | None = None, phone: str = "") -> Donor:
    _require_write(actor)
    _check_place(actor, project, region)
    donor = Donor(kind=kind, name=name.strip(), anonymous=anonymous, organisation=organisation, project=project,
                  region=region, phone=phone.strip())
    if organisation is not None and not donor.name:
        donor.name = organisation.name
    donor.full_clean()
    donor.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=donor,
                 changes={"kind": kind, "anonymous": anonymous})
    return donor


def receipt_issue(*, donation: Donation, issued_on: date) -> Receipt:
    """The next receipt number of the contractor's year, without gaps or repeats.

    Must run inside the transaction that records the donation: the counter row stays locked until it
    commits, so concurrent donations queue here, and a donation that fails gives its number back.
    """
    issuer_id = donation.project.contractor_id
    year = issued_on.year
    counter = ReceiptCounter.objects.select_for_update().filter(issuer_id=issuer_id, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                ReceiptCounter.objects.create(issuer_id=issuer_id, year=year, last=0)
        except IntegrityError:
            pass  # another donation created this year's counter meanwhile: take it in turn below
        counter = ReceiptCounter.objects.select_for_update().get(issuer_id=issuer_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return Receipt.objects.create(donation=donation, issuer_id=issuer_id, year=year, sequence=counter.last,
                                  issued_on=issued_on)


@transaction.atomic
def donation_record(*, actor: Any, donor: Donor, kind: str, received_on: date, value_yuan: Decimal,
                    region: Region | None = None, goods_description: str = "", quantity: int | None = None,
                    unit: str = "", purpose: str = "") -> Donation:
    """Record money (exact yuan) or goods (estimated value) from a donor, and issue its numbered receipt."""
    _require_write(actor)
    if not donors_visible_to(actor).filter(pk=donor.pk).exists():
        raise PermissionDenied
    region = region or donor.region
    _check_place(actor, donor.project, region)
    if received_on > date.today():
        raise ValidationError({"received_on": _("A donation cannot be recorded before it is received.")})
    if value_yuan is not None and value_yuan != value_yuan.quantize(CENT):
        raise ValidationError({"value_yuan": _("Give the value in yuan with at most two decimals (fen).")})
    donation = Donation(donor=donor, project=donor.project, region=region, kind=kind, received_on=received_on,
                        value_yuan=value_yuan, goods_description=goods_description.strip(), quantity=quantity,
                        unit=unit.strip(), purpose=purpose.strip(),
                        recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    donation.full_clean()
    donation.save()
    receipt = receipt_issue(donation=donation, issued_on=date.today())
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=donation,
                 changes={"kind": kind, "value_yuan": value_yuan, "receipt": receipt.number})
    return donation


@transaction.atomic
def donation_allocate(*, actor: Any, donation: Donation, value_yuan: Decimal, allocated_on: date | None = None,
                      child: Child | None = None, activity: Activity | None = None, site: Site | None = None,
                      quantity: int | None = None, note: str = "") -> Allocation:
    """Give part of a donation to a child, an activity or a site — never more than is left of it."""
    _require_write(actor)
    if not donations_visible_to(actor).filter(pk=donation.pk).exists():
        raise PermissionDenied
    if sum(x is not None for x in (child, activity, site)) != 1:
        raise ValidationError(_("Allocate to one child, one activity or one site."))
    if value_yuan is None or value_yuan <= 0:
        raise ValidationError({"value_yuan": _("The value must be more than zero.")})
    if value_yuan != value_yuan.quantize(CENT):
        raise ValidationError({"value_yuan": _("Give the value in yuan with at most two decimals (fen).")})
    _check_recipient(actor, donation, child, activity, site)
    # The donation row is locked until this allocation commits: two allocations at once cannot both
    # take what is left.
    locked = Donation.objects.select_for_update().get(pk=donation.pk)
    left = locked.value_yuan - allocated_of(locked)
    if value_yuan > left:
        raise ValidationError({"value_yuan": _(
            "This donation is worth ¥%(value)s and ¥%(allocated)s of it is already allocated, so at most "
            "¥%(left)s can still be allocated. Nothing was saved.") % {
            "value": locked.value_yuan, "allocated": locked.value_yuan - left, "left": left}})
    allocation = Allocation(donation=locked, child=child, activity=activity, site=site, value_yuan=value_yuan,
                            quantity=quantity, allocated_on=allocated_on or date.today(), note=note.strip(),
                            allocated_by=actor if getattr(actor, "is_authenticated", False) else None)
    allocation.full_clean()
    allocation.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=allocation,
                 changes={"value_yuan": value_yuan, "child": child, "activity": activity, "site": site})
    return allocation


def _check_recipient(actor: Any, donation: Donation, child: Child | None, activity: Activity | None,
                     site: Site | None) -> None:
    if child is not None and not children_visible_to(actor).filter(pk=child.pk,
                                                                   project_id=donation.project_id).exists():
        raise ValidationError({"child": _("This child is not in your area or not in the donation's project.")})
    if activity is not None and not activities_visible_to(actor).filter(
            pk=activity.pk, project_id=donation.project_id).exists():
        raise ValidationError({"activity": _("This activity is not in your area or not in the donation's project.")})
    if site is not None and not sites_visible_to(actor).filter(pk=site.pk, project_id=donation.project_id).exists():
        raise ValidationError({"site": _("This site is not in your area or not in the donation's project.")})
