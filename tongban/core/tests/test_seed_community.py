"""The demo's community work (seed 1, see conftest.py): calibrated on DOMAIN.md and consistent with the rules."""

from decimal import Decimal

import pytest
from django.db.models import Count, F, Q, Sum

from tongban.activities.models import Activity, Attendance
from tongban.donations.models import Donation, Donor, Receipt
from tongban.donations.selectors import with_allocated
from tongban.organisations.models import Organisation, Site
from tongban.volunteers.models import Pairing, PairingVisit, Volunteer

pytestmark = pytest.mark.django_db


def ordos(qs):  # type: ignore[no-untyped-def]
    return qs.filter(project__name="鄂尔多斯市困境儿童关爱服务项目")


def test_donors_are_23_enterprises_13_social_organisations_and_2000_plus_individuals_in_ordos():
    kinds = dict(ordos(Donor.objects).values_list("kind").annotate(n=Count("pk")))

    assert kinds["enterprise"] == 23 and kinds["social_org"] == 13 and kinds["individual"] >= 2000


def test_ordos_received_more_than_200000_yuan_of_money_and_goods():
    total = ordos(Donation.objects).aggregate(total=Sum("value_yuan"))["total"]

    assert total > Decimal("200000")
    assert ordos(Donation.objects).filter(kind="goods").exists()


def test_every_donation_has_a_receipt_numbered_without_gaps_per_contractor_and_year():
    assert Receipt.objects.count() == Donation.objects.count()
    for issuer, year in Receipt.objects.values_list("issuer", "year").distinct():
        numbers = list(Receipt.objects.filter(issuer=issuer, year=year).order_by("sequence")
                       .values_list("sequence", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))


def test_no_donation_is_allocated_beyond_its_value():
    assert not with_allocated(Donation.objects.all()).filter(allocated__gt=F("value_yuan")).exists()


def test_every_volunteer_account_has_a_profile_and_volunteer_dalate_a_pairing_with_visits():
    assert Volunteer.objects.filter(user__isnull=False).count() == 109
    pairing = Pairing.objects.get(volunteer__user__username="volunteer_dalate")
    assert pairing.child.region.path.startswith("/150000/150600/150621/")
    assert pairing.visits.exists()


def test_visits_lie_inside_their_pairing_and_in_the_past():
    from datetime import date

    assert not PairingVisit.objects.filter(Q(visited_on__lt=F("pairing__starts_on"))
                                           | Q(visited_on__gt=date.today())).exists()


def test_only_held_activities_have_children_who_came_and_each_youth_home_has_twelve_birthday_parties():
    assert not Attendance.objects.filter(attended=True).exclude(activity__status=Activity.Status.HELD).exists()
    for home in Site.objects.filter(kind=Site.Kind.YOUTH_HOME):
        assert Activity.objects.filter(site=home, type__code="birthday_party").count() == 12


def test_the_ordos_project_holds_its_15_service_events_under_the_five_dreams():
    events = ordos(Activity.objects).filter(site__isnull=True)

    assert events.count() == 15
    assert not ordos(Activity.objects).filter(brand_line__isnull=True).exists()


def test_sites_have_opening_hours_capacity_and_staff_and_partners_a_registration_status():
    assert not Site.objects.filter(Q(opening_hours="") | Q(capacity__isnull=True)).exists()
    assert Site.objects.filter(staff__isnull=False).exists()
    assert not Organisation.objects.filter(incubated_by__isnull=False, registration_status="").exists()
