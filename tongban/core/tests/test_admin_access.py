"""The demo cast walks through Django admin, which goes through the same access door."""

from datetime import date

import pytest

from tongban.audit.models import AuditEvent
from tongban.organisations.models import Project, Site, Team
from tongban.regions.models import Region
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "/admin/",
    "/admin/regions/region/",
    "/admin/organisations/organisation/",
    "/admin/organisations/project/",
    "/admin/organisations/team/",
    "/admin/organisations/site/",
    "/admin/accounts/user/",
    "/admin/audit/auditevent/",
]
NOT_STAFF = ["bureau_ordos", "lead_dalate", "worker_dalate", "director_dalate", "volunteer_dalate"]


def ordos_team_names() -> list[str]:
    return list(Team.objects.filter(region__code__startswith="1506").values_list("name", flat=True))


def urumqi_team_names() -> list[str]:
    return list(Team.objects.filter(region__code__startswith="6501").values_list("name", flat=True))


def team_form(team: Team, **changes: object) -> dict[str, object]:
    return {"project": team.project_id, "region": team.region_id, "name": team.name, **changes}


# Who gets in


@pytest.mark.parametrize("url", CHANGELISTS)
def test_superuser_opens_every_admin_list(client, url):
    signed_in(client, "admin")

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", CHANGELISTS)
def test_project_admin_opens_every_admin_list(client, url):
    signed_in(client, "pm_ordos")

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("username", NOT_STAFF)
@pytest.mark.parametrize("url", ["/admin/", "/admin/organisations/team/", "/admin/accounts/user/"])
def test_people_without_admin_rights_are_sent_to_the_admin_sign_in(client, username, url):
    signed_in(client, username)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/admin/login/?next={url}"


@pytest.mark.parametrize("url", ["/admin/", "/admin/organisations/team/", "/admin/accounts/user/"])
def test_anonymous_visitors_are_sent_to_the_admin_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/admin/login/?next={url}"


def test_non_staff_cannot_open_a_team_change_page_even_in_their_own_area(client):
    signed_in(client, "lead_dalate")
    team = Team.objects.get(region__code="150621")

    response = client.get(f"/admin/organisations/team/{team.pk}/change/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


# What a project admin sees


def test_project_admin_sees_ordos_teams_and_no_urumqi_team(client):
    signed_in(client, "pm_ordos")

    html = client.get("/admin/organisations/team/").content.decode()

    assert all(name in html for name in ordos_team_names())
    assert not any(name in html for name in urumqi_team_names())


def test_project_admin_does_not_see_the_urumqi_project_anywhere_in_the_team_list(client):
    signed_in(client, "pm_ordos")
    urumqi_project = Project.objects.get(regions__code="650100")

    html = client.get("/admin/organisations/team/").content.decode()

    # Not in the rows, nor in the "by project" filter on the side.
    assert urumqi_project.name not in html


def test_project_admin_sees_ordos_sites_and_no_urumqi_youth_home(client):
    signed_in(client, "pm_ordos")

    html = client.get("/admin/organisations/site/").content.decode()

    assert Project.objects.get(regions__code="650100").name not in html

    assert all(name in html for name in Site.objects.filter(region__code__startswith="1506")
               .values_list("name", flat=True))
    assert not any(name in html for name in Site.objects.filter(region__code__startswith="6501")
                   .values_list("name", flat=True))


def test_project_admin_cannot_add_or_change_regions(client):
    signed_in(client, "pm_ordos")
    dalate = Region.objects.get(code="150621")

    assert client.get("/admin/regions/region/add/").status_code == 403
    response = client.post(f"/admin/regions/region/{dalate.pk}/change/",
                           {"code": "150621", "name": "改名旗", "level": 3, "version": "X"})

    assert response.status_code == 403
    assert Region.objects.get(pk=dalate.pk).name == dalate.name


def test_project_admin_cannot_open_an_urumqi_team(client):
    signed_in(client, "pm_ordos")
    urumqi_team = Team.objects.get(region__code="650105")

    response = client.get(f"/admin/organisations/team/{urumqi_team.pk}/change/", follow=True)

    # Admin treats it as missing: back to the index, and the team is not shown.
    assert response.redirect_chain[-1][0] == "/admin/"
    assert urumqi_team.name not in response.content.decode()


def test_project_admin_cannot_change_an_urumqi_team(client):
    signed_in(client, "pm_ordos")
    urumqi_team = Team.objects.get(region__code="650105")

    response = client.post(f"/admin/organisations/team/{urumqi_team.pk}/change/",
                           team_form(urumqi_team, name="被改掉的项目组"))

    assert response.status_code == 302
    assert Team.objects.get(pk=urumqi_team.pk).name == urumqi_team.name


def test_project_admin_cannot_open_a_bureau_officials_account(client):
    signed_in(client, "pm_ordos")
    bureau = cast("bureau_ordos")

    response = client.get(f"/admin/accounts/user/{bureau.pk}/change/", follow=True)

    assert response.redirect_chain[-1][0] == "/admin/"
    assert bureau.full_name not in response.content.decode()


def test_project_admin_opens_their_own_workers_account(client):
    signed_in(client, "pm_ordos")
    worker = cast("worker_dalate")

    response = client.get(f"/admin/accounts/user/{worker.pk}/change/")

    assert response.status_code == 200
    assert worker.full_name in response.content.decode()


def test_region_choices_for_a_team_are_limited_to_the_project_admins_area(client):
    signed_in(client, "pm_ordos")
    url = "/admin/autocomplete/?app_label=organisations&model_name=team&field_name=region&term="

    ordos = [r["text"] for r in client.get(url + "达拉特").json()["results"]]
    urumqi = client.get(url + "水磨沟").json()["results"]

    assert "达拉特旗" in ordos
    assert urumqi == []
    signed_in(client, "admin")
    assert "水磨沟区" in [r["text"] for r in client.get(url + "水磨沟").json()["results"]]


# The audit trail


def test_opening_an_account_in_admin_is_written_to_the_audit_trail(client):
    admin = signed_in(client, "admin")
    worker = cast("worker_dalate")

    client.get(f"/admin/accounts/user/{worker.pk}/change/")

    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).order_by("-pk").first()
    assert event is not None
    assert (event.actor_id, event.target_type, event.target_id) == (admin.pk, "accounts.user", str(worker.pk))


def test_opening_the_accounts_list_is_not_an_opening_of_each_account(client):
    signed_in(client, "pm_ordos")
    views_before = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count()

    client.get("/admin/accounts/user/")

    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count() == views_before


def test_saving_a_team_in_admin_writes_the_changed_fields_to_the_audit_trail(client):
    pm = signed_in(client, "pm_ordos")
    team = Team.objects.get(region__code="150621")

    response = client.post(f"/admin/organisations/team/{team.pk}/change/", team_form(team, name="达拉特旗一组"))

    assert response.status_code == 302
    assert Team.objects.get(pk=team.pk).name == "达拉特旗一组"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).order_by("-pk").first()
    assert event is not None
    assert (event.actor_id, event.target_type, event.target_id) == (pm.pk, "organisations.team", str(team.pk))
    assert event.changes == {"name": "达拉特旗一组"}


def test_a_refused_save_writes_nothing_to_the_audit_trail(client):
    signed_in(client, "pm_ordos")
    urumqi_team = Team.objects.get(region__code="650105")
    events_before = AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).count()

    client.post(f"/admin/organisations/team/{urumqi_team.pk}/change/", team_form(urumqi_team, name="改"))

    assert AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).count() == events_before


# Query counts


def add_teams(count: int) -> None:
    """More teams for pm_ordos: a second project of the same association in the Ordos banners."""
    ordos_project = Project.objects.get(regions__code="150621")
    second = Project.objects.create(name="鄂尔多斯市儿童之家第二期", funder=ordos_project.funder,
                                    contractor=ordos_project.contractor, starts_on=date(2026, 1, 1),
                                    ends_on=date(2026, 12, 31))
    counties = list(ordos_project.regions.order_by("code")[:count])
    second.regions.set(counties)
    Team.objects.bulk_create(Team(project=second, region=c, name=f"{c.name}二期项目组") for c in counties)


def test_team_list_takes_a_fixed_number_of_queries_whatever_the_number_of_teams(
        client, django_assert_num_queries):
    signed_in(client, "pm_ordos")
    # 1. session, 2. user, 3. their projects and 4. those projects' regions (the scope),
    # 5. the projects of visible teams (filter), 6.-7. counts with and without filters,
    # 8.-9. Django's own permissions (for the menu entries of unscoped admins like groups),
    # 10. the teams with project and region.
    with django_assert_num_queries(10):
        assert client.get("/admin/organisations/team/").status_code == 200

    add_teams(5)

    with django_assert_num_queries(10):
        response = client.get("/admin/organisations/team/")
    assert "达拉特旗二期项目组" in response.content.decode()
