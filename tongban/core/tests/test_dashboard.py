"""The dashboard: each person in the demo cast signs in and sees the figures of their own area."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tongban.organisations.models import Project, Site, Team
from tongban.regions.models import Region
from tongban.testing import cast, make_user, signed_in

pytestmark = pytest.mark.django_db


def figures_for(client: Client, username: str) -> dict[str, int]:
    signed_in(client, username)
    response = client.get("/")
    assert response.status_code == 200
    return {figure.key: figure.count for figure in response.context["figures"]}


def in_default_language(message: str) -> str:
    # As the page shows it, whether or not its translation has landed yet.
    with translation.override(settings.LANGUAGE_CODE):
        return escape(gettext(message))


def villages_under(code: str) -> int:
    return Region.objects.filter(level=Region.Level.VILLAGE, path__contains=f"/{code}/").count()


def test_worker_sees_their_team_project_and_the_villages_of_their_banner(client):
    figures = figures_for(client, "worker_dalate")

    assert figures["teams"] == 1
    assert figures["projects"] == 1
    assert figures["villages"] == villages_under("150621")
    assert figures["townships"] == Region.objects.filter(level=Region.Level.TOWNSHIP, parent__code="150621").count()
    assert figures["sites"] == Site.objects.filter(region__code__startswith="150621").count()


def test_worker_sees_the_same_places_as_their_team_lead(client):
    # Children differ on purpose: a worker sees their own cases and the screening stage only.
    worker = {k: v for k, v in figures_for(client, "worker_dalate").items() if not k.startswith("children")}
    lead = {k: v for k, v in figures_for(client, "lead_dalate").items() if not k.startswith("children")}
    assert worker == lead


def test_worker_sees_fewer_children_than_their_team_lead(client):
    assert figures_for(client, "worker_dalate")["children"] < figures_for(client, "lead_dalate")["children"]


def test_workers_of_two_banners_see_different_villages(client):
    dalate = figures_for(client, "worker_dalate")
    etuoke = figures_for(client, "worker_etuoke")

    assert etuoke["villages"] == villages_under("150624")
    assert etuoke["villages"] != dalate["villages"]


def test_city_bureau_sees_all_nine_ordos_teams(client):
    figures = figures_for(client, "bureau_ordos")

    assert figures["teams"] == 9
    assert figures["projects"] == 1
    assert figures["villages"] == villages_under("150600")
    assert figures["sites"] == Site.objects.filter(region__code__startswith="1506").count()


def test_county_bureau_sees_its_banner_only(client):
    figures = figures_for(client, "bureau_dalate")

    assert figures["teams"] == 1
    assert figures["villages"] == villages_under("150621")


def test_bureau_is_told_their_account_is_read_only(client):
    read_only = in_default_language("Your account can read but not change records.")

    signed_in(client, "bureau_ordos")
    assert read_only in client.get("/").content.decode()
    signed_in(client, "worker_dalate")
    assert read_only not in client.get("/").content.decode()


def test_project_admin_sees_every_team_of_their_project(client):
    figures = figures_for(client, "pm_ordos")

    assert figures["teams"] == Team.objects.filter(project__contractor__name="鄂尔多斯市社会工作协会").count() == 9
    assert figures["projects"] == 1


def test_child_director_sees_one_village_and_no_team(client):
    figures = figures_for(client, "director_dalate")

    assert figures["villages"] == 1
    assert figures["townships"] == 0
    assert figures["teams"] == 0


def test_urumqi_worker_sees_one_project_and_nothing_of_dalate(client):
    figures = figures_for(client, "worker_shuimogou")

    assert figures["projects"] == 1
    assert figures["villages"] == villages_under("650105")
    assert "达拉特" not in client.get("/").content.decode()


def test_superuser_sees_every_project_and_team(client):
    figures = figures_for(client, "admin")

    assert figures["projects"] == Project.objects.count()
    assert figures["teams"] == Team.objects.count()
    assert figures["villages"] == Region.objects.filter(level=Region.Level.VILLAGE).count()


def test_volunteer_sees_the_volunteer_message_and_no_figures(client):
    # A volunteer not yet paired with a child (volunteer_dalate is, in the demo).
    client.force_login(make_user("volunteer_new", role="volunteer", organisation=cast("volunteer_dalate").organisation))

    response = client.get("/")

    assert response.status_code == 200
    assert response.context["figures"] == []
    html = response.content.decode()
    assert 'class="figures"' not in html
    assert 'role="alert"' not in html
    assert in_default_language("As a volunteer you see the children you are paired with and your own visit log. "
                               "Your pairings appear here once your team lead sets them up.") in html


def test_user_without_a_role_is_told_they_have_no_working_area(client):
    client.force_login(make_user("new_colleague"))

    response = client.get("/")

    assert response.status_code == 200
    assert response.context["figures"] == []
    html = response.content.decode()
    assert '<section class="card warning" role="alert">' in html
    assert in_default_language("Your account has no working area yet") in html
    assert 'class="figures"' not in html
    assert '<html lang="zh-hans">' in html


def test_the_no_working_area_message_is_in_english_for_english_readers(client):
    client.force_login(make_user("new_colleague"))
    client.cookies["django_language"] = "en"

    html = client.get("/").content.decode()

    assert "Your account has no working area yet" in html


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_deactivated_account_is_sent_to_sign_in(client):
    worker = signed_in(client, "worker_dalate")
    worker.is_active = False
    worker.save()

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


# Query counts: the same whatever the size of the area


def test_worker_dashboard_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    signed_in(client, "worker_dalate")
    # 1. session, 2. user, 3. their team and 4. its region (the scope),
    # 5. the children figures, 6.-11. the six other figures (townships and villages counted together), 12.-13.
    # activities held this year and the children who took part, 14. donations this year, 15.-28. case work (the
    # area's regions by id, cases by stage; each list's first ids with its count — tasks overdue, tasks due today,
    # assessments due, follow-ups due — and the rows shown of each list that has any: here two; the lead's
    # decisions, the entitling categories, then each early warning's first ids with its count — no contact, risk
    # raised, welfare gaps — and the rows shown of each warning that has any: here one), 29. the organisation shown
    # under the name
    with django_assert_num_queries(29):
        client.get("/")


def test_bureau_dashboard_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    signed_in(client, "bureau_ordos")
    # 1. session, 2. user, 3. their region (the scope), 4. the children figures, 5.-10. the
    # six other figures (townships and villages counted together), 11.-12. activities and participations,
    # 13. donations, 14. the organisation shown under the name
    with django_assert_num_queries(14):
        client.get("/")


def test_dashboard_query_count_does_not_grow_with_more_sites(client, django_assert_num_queries):
    signed_in(client, "worker_dalate")
    team = Team.objects.select_related("project").get(region__code="150621")
    townships = Region.objects.filter(parent=team.region)[:5]
    Site.objects.bulk_create(Site(project=team.project, region=t, name=f"{t.name}新站点") for t in townships)

    with django_assert_num_queries(29):
        response = client.get("/")
    assert {f.key: f.count for f in response.context["figures"]}["sites"] == 6
