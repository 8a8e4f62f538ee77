"""Allocating a donation to children, activities and sites: never beyond its value, and nothing written if refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.activities.tests.factories import make_activity
from tongban.audit.models import AuditEvent
from tongban.children.tests.factories import make_child, village
from tongban.donations import services
from tongban.donations.models import Allocation
from tongban.donations.selectors import allocated_of
from tongban.donations.tests.factories import make_donation
from tongban.testing import cast
from tongban.volunteers.tests.factories import dalate_site

pytestmark = pytest.mark.django_db


def allocate(donation, value: str, **recipient):  # type: ignore[no-untyped-def]
    recipient = recipient or {"site": dalate_site()}
    return services.donation_allocate(actor=cast("lead_dalate"), donation=donation, value_yuan=Decimal(value),
                                      **recipient)


def test_a_donation_is_allocated_to_a_child_an_activity_and_a_site_up_to_its_value():
    donation = make_donation("1000.00")

    allocate(donation, "300.00", child=make_child())
    allocate(donation, "450.50", activity=make_activity())
    allocate(donation, "249.50", site=dalate_site())

    assert allocated_of(donation) == Decimal("1000.00")


def test_over_allocation_is_refused_with_a_clear_message_and_nothing_is_written():
    donation = make_donation("1000.00")
    allocate(donation, "800.00")
    allocations, events = Allocation.objects.count(), AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        allocate(donation, "200.01")

    assert refused.value.message_dict["value_yuan"] == [
        "This donation is worth ¥1000.00 and ¥800.00 of it is already allocated, so at most ¥200.00 can still "
        "be allocated. Nothing was saved."]
    assert (Allocation.objects.count(), AuditEvent.objects.count()) == (allocations, events)


def test_the_exact_rest_of_a_donation_can_still_be_allocated():
    donation = make_donation("99.99", kind="goods", goods_description="书包", quantity=3, unit="个")
    allocate(donation, "33.33")

    allocate(donation, "66.66")

    assert allocated_of(donation) == donation.value_yuan


def test_an_allocation_goes_to_exactly_one_recipient():
    donation = make_donation()

    with pytest.raises(ValidationError, match="one child, one activity or one site"):
        allocate(donation, "10", child=make_child(), site=dalate_site())


def test_amounts_finer_than_a_fen_or_not_above_zero_are_refused():
    donation = make_donation()

    for value in ("0.001", "0", "-5"):
        with pytest.raises(ValidationError):
            allocate(donation, value)


def test_a_child_of_another_banner_cannot_receive_from_a_dalate_lead():
    etuoke = make_child(actor=cast("pm_ordos"), region=village("150624"))

    with pytest.raises(ValidationError):
        allocate(make_donation(), "10", child=etuoke)


def test_the_bureau_cannot_allocate():
    with pytest.raises(PermissionDenied):
        services.donation_allocate(actor=cast("bureau_dalate"), donation=make_donation(), value_yuan=Decimal("1"),
                                   site=dalate_site())


def test_over_allocation_through_the_page_shows_the_message_and_writes_nothing(client):
    from tongban.testing import signed_in

    donation = make_donation("100.00")
    signed_in(client, "lead_dalate")

    response = client.post(f"/donations/{donation.pk}/allocate/", {
        "recipient": "site", "site": dalate_site().pk, "value_yuan": "150.00", "allocated_on": "2026-11-01"})

    assert response.status_code == 400
    assert "¥100.00" in response.content.decode()
    assert not donation.allocations.exists()
