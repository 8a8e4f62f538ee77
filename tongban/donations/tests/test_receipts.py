"""Numbered receipts: one per donation, in order without gaps, per contractor and year; printed as PDF in Chinese."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tongban.donations.models import Receipt, ReceiptCounter
from tongban.donations.receipts import receipt_pdf, yuan_in_capitals
from tongban.donations.tests.factories import make_donation, make_donor
from tongban.testing import signed_in

pytestmark = pytest.mark.django_db


def test_each_donation_gets_the_next_receipt_number_of_the_year():
    first, second, third = (make_donation() for _ in range(3))

    numbers = [d.receipt.sequence for d in (first, second, third)]

    assert numbers == list(range(numbers[0], numbers[0] + 3))
    assert first.receipt.number == f"{first.receipt.year}-{numbers[0]:06d}"


def test_a_refused_donation_gives_its_number_back():
    before = make_donation().receipt.sequence

    with pytest.raises(ValidationError):
        make_donation("0.00")

    assert make_donation().receipt.sequence == before + 1


def test_the_receipt_counter_holds_the_last_number_issued():
    donation = make_donation()

    counter = ReceiptCounter.objects.get(issuer=donation.receipt.issuer, year=donation.receipt.year)
    assert counter.last == Receipt.objects.filter(issuer=counter.issuer, year=counter.year).count()


@pytest.mark.parametrize(("amount", "words"), [
    ("1000.00", "壹仟元整"), ("1234.50", "壹仟贰佰叁拾肆元伍角"), ("100005.07", "壹拾万零伍元零柒分"),
    ("0.30", "零元叁角"), ("20000.00", "贰万元整"), ("1010.00", "壹仟零壹拾元整"),
])
def test_amounts_are_written_in_capitals_as_on_chinese_receipts(amount, words):
    assert yuan_in_capitals(Decimal(amount)) == words


def test_the_receipt_pdf_prints_chinese_as_text():
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: `make setup` installs it")
    donation = make_donation("1234.50", donor=make_donor("鄂尔多斯市爱心羊绒有限公司"))

    pdf = receipt_pdf(donation)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()

    assert pdf.startswith(b"%PDF")
    assert "鄂尔多斯市爱心羊绒有限公司" in text and "壹仟贰佰叁拾肆元伍角" in text
    assert donation.receipt.number in text


def test_an_anonymous_donor_stays_anonymous_on_the_receipt_and_in_lists(client):
    donor = make_donor("王先生", kind="individual", anonymous=True)
    donation = make_donation("50.00", donor=donor)
    signed_in(client, "lead_dalate")

    assert "王先生" not in client.get("/donations/").content.decode()
    assert "王先生" not in client.get(f"/donations/{donation.pk}/").content.decode()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=receipt_pdf(donation), capture_output=True,
                              check=True).stdout.decode()
        assert "王先生" not in text


def test_an_anonymous_donor_needs_no_name():
    donor = make_donor("", kind="individual", anonymous=True)

    assert donor.shown_name


def test_a_named_donor_needs_a_name():
    with pytest.raises(ValidationError):
        make_donor("", kind="individual")
