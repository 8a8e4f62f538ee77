"""Receipt numbers stay without gaps or repeats when many donations are recorded at the same moment.

This needs real concurrent transactions, so it runs only on PostgreSQL, with threads that each hold their own
connection and see only committed data. It is a transactional test: pytest-django runs those after all the
others and empties the database afterwards, so it builds the little it needs itself instead of using the demo.
"""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from tongban.accounts.models import User
from tongban.donations import services
from tongban.donations.models import Donor, Receipt
from tongban.organisations.models import Organisation, Project
from tongban.regions.models import Region

THREADS = 8
EACH = 5


def a_small_world() -> tuple[User, Donor]:
    """A region, a bureau and a contractor with one project, a donor, and a system administrator."""
    region = Region.objects.create(code="990100", name="并发测试市", level=Region.Level.CITY, path="/990100/",
                                   version="test")
    bureau = Organisation.objects.create(name="并发测试民政局", kind=Organisation.Kind.BUREAU, region=region)
    contractor = Organisation.objects.create(name="并发测试社工协会", kind=Organisation.Kind.CONTRACTOR, region=region)
    project = Project.objects.create(name="并发测试项目", funder=bureau, contractor=contractor,
                                     starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    project.regions.set([region])
    admin = User.objects.create(username="concurrency_admin", is_superuser=True)
    donor = Donor.objects.create(kind=Donor.Kind.INDIVIDUAL, name="并发捐赠人", project=project, region=region)
    return admin, donor


@pytest.mark.django_db(transaction=True)
def test_concurrent_donations_get_receipt_numbers_without_gaps_or_repeats():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writing transaction at a time, so nothing is concurrent")
    admin, donor = a_small_world()
    start, errors = threading.Barrier(THREADS), []

    def record_donations() -> None:
        try:
            start.wait()
            for _ in range(EACH):
                services.donation_record(actor=admin, donor=donor, kind="money", received_on=date.today(),
                                         value_yuan=Decimal("10.00"))
        except Exception as exc:  # reported below, with the thread's own traceback lost but the cause kept
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record_donations) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    numbers = sorted(Receipt.objects.filter(issuer=donor.project.contractor).values_list("sequence", flat=True))
    assert numbers == list(range(1, THREADS * EACH + 1))
