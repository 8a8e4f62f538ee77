"""Sites with opening hours, capacity and staff; the partner organisations the contractor incubated."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.organisations import services
from tongban.organisations.models import Organisation, RegistrationStatus, Site
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


def dalate_site() -> Site:
    return Site.objects.filter(region__path__startswith="/150000/150600/150621/").order_by("pk").first()


def test_a_team_lead_sets_opening_hours_capacity_and_staff_of_a_site():
    site = dalate_site()

    services.site_update(actor=cast("lead_dalate"), site=site, opening_hours="周一至周五 16:00–19:30", capacity=40,
                         staff=[cast("worker_dalate")])

    site.refresh_from_db()
    assert (site.opening_hours, site.capacity) == ("周一至周五 16:00–19:30", 40)
    assert list(site.staff.all()) == [cast("worker_dalate")]


def test_staff_of_another_banner_are_refused():
    with pytest.raises(ValidationError):
        services.site_update(actor=cast("lead_dalate"), site=dalate_site(), staff=[cast("worker_etuoke")])


def test_the_bureau_cannot_change_a_site():
    with pytest.raises(PermissionDenied):
        services.site_update(actor=cast("bureau_dalate"), site=dalate_site(), capacity=10)


@pytest.mark.parametrize("username", ["lead_dalate", "worker_dalate", "bureau_dalate", "pm_ordos"])
def test_the_people_of_the_banner_open_the_site_pages(client, username):
    signed_in(client, username)

    assert client.get("/organisations/sites/").status_code == 200
    assert client.get(f"/organisations/sites/{dalate_site().pk}/").status_code == 200


def test_a_site_of_another_banner_is_not_found(client):
    signed_in(client, "worker_etuoke")

    assert client.get(f"/organisations/sites/{dalate_site().pk}/").status_code == 404
    assert client.get(f"/organisations/sites/{dalate_site().pk}/edit/").status_code == 404


def test_the_bureau_and_workers_cannot_open_the_site_form(client):
    for username in ("bureau_dalate", "worker_dalate"):
        signed_in(client, username)
        assert client.get(f"/organisations/sites/{dalate_site().pk}/edit/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in ["/organisations/sites/", f"/organisations/sites/{dalate_site().pk}/", "/organisations/partners/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_site_form_saves_through_the_page(client):
    signed_in(client, "lead_dalate")
    site = dalate_site()

    client.post(f"/organisations/sites/{site.pk}/edit/", {
        "name": site.name, "kind": site.kind, "address": site.address, "opening_hours": "周六 9:00–17:00",
        "capacity": "30", "staff": [cast("lead_dalate").pk]})

    site.refresh_from_db()
    assert site.capacity == 30 and site.staff.count() == 1


def test_the_project_admin_sees_the_nine_social_organisations_and_nine_volunteer_teams(client):
    signed_in(client, "pm_ordos")

    partners = list(client.get("/organisations/partners/").context["partners"])

    assert sum(p.kind == "social_org" for p in partners) == 9
    assert sum(p.kind == "volunteer_team" for p in partners) == 9


def test_a_team_lead_sees_the_partners_of_the_banner_only(client):
    signed_in(client, "lead_dalate")

    partners = client.get("/organisations/partners/").context["partners"]

    assert {p.region.code for p in partners} == {"150621"}


def test_partners_show_their_registration_status_and_services(client):
    org = Organisation.objects.get(name="达拉特旗党员妈妈志愿服务队")
    org.registration_status, org.services_offered = RegistrationStatus.FILED, "一对一结对帮扶\n节日慰问"
    org.save()
    signed_in(client, "lead_dalate")

    html = client.get("/organisations/partners/").content.decode()

    assert "一对一结对帮扶" in html and "节日慰问" in html


def test_the_partner_list_takes_the_same_number_of_queries_whatever_its_length(client, django_assert_num_queries):
    signed_in(client, "pm_ordos")
    # 1. session, 2. user, 3.-4. the admin's projects and regions (the scope), 5. the partners with their
    # volunteers counted
    with django_assert_num_queries(5):
        client.get("/organisations/partners/")
    ordos = Organisation.objects.get(name="鄂尔多斯市社会工作协会")
    Organisation.objects.bulk_create(Organisation(name=f"新孵化组织{i}", kind="social_org", region=ordos.region,
                                                  incubated_by=ordos) for i in range(5))
    with django_assert_num_queries(5):
        client.get("/organisations/partners/")


def test_the_site_list_takes_the_same_number_of_queries_whatever_its_length(client, django_assert_num_queries):
    signed_in(client, "pm_ordos")
    # 1. session, 2. user, 3.-4. the admin's projects and regions (the scope), 5. the sites with their staff
    # and this year's activities counted
    with django_assert_num_queries(5):
        client.get("/organisations/sites/")
    site = dalate_site()
    Site.objects.bulk_create(Site(project=site.project, region=site.region, name=f"新站点{i}") for i in range(5))
    with django_assert_num_queries(5):
        response = client.get("/organisations/sites/")
    assert len(response.context["sites"]) >= 14
