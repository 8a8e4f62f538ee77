"""The one door: what each person in the demo cast may see and change.

Every page, export and admin list reads through these selectors, so what is
asserted here is what each role sees anywhere in Tongban.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from tongban.accounts.access import scope_for
from tongban.accounts.models import Role, User
from tongban.accounts.selectors import access_user, users_visible_to
from tongban.organisations.models import Organisation, Project, Site, Team
from tongban.organisations.selectors import (
    access_organisation,
    access_project,
    access_site,
    access_team,
    organisations_visible_to,
    projects_visible_to,
    sites_visible_to,
    teams_visible_to,
)
from tongban.regions.models import Region
from tongban.regions.selectors import access_region, regions_visible_to
from tongban.testing import cast, make_user

pytestmark = pytest.mark.django_db

ORDOS_COUNTIES = {"150602", "150603", "150621", "150622", "150623", "150624", "150625", "150626", "150627"}
URUMQI_COUNTIES = {"650102", "650103", "650104", "650105", "650106", "650107", "650109", "650121"}
ORDOS_PROJECT = "鄂尔多斯市困境儿童关爱服务项目"
URUMQI_PROJECT = "乌鲁木齐市青少年之家社会工作服务项目"


def team_in(county_code: str) -> Team:
    return Team.objects.get(region__code=county_code)


def team_counties(user: object) -> set[str]:
    return set(teams_visible_to(user).values_list("region__code", flat=True))


def region_codes(user: object) -> list[str]:
    return list(regions_visible_to(user).values_list("code", flat=True))


def sees_nothing(user: object) -> bool:
    selectors = [regions_visible_to, teams_visible_to, sites_visible_to, projects_visible_to,
                 organisations_visible_to]
    return not any(selector(user).exists() for selector in selectors)


# What each member of the cast sees


@pytest.mark.parametrize(("username", "counties"), [
    ("admin", ORDOS_COUNTIES | URUMQI_COUNTIES),
    ("bureau_ordos", ORDOS_COUNTIES),
    ("pm_ordos", ORDOS_COUNTIES),
    ("bureau_dalate", {"150621"}),
    ("lead_dalate", {"150621"}),
    ("worker_dalate", {"150621"}),
    ("worker_etuoke", {"150624"}),
    ("worker_shuimogou", {"650105"}),
    ("director_dalate", set()),
    ("volunteer_dalate", set()),
])
def test_each_cast_member_sees_the_teams_of_their_own_area(username, counties):
    assert team_counties(cast(username)) == counties


@pytest.mark.parametrize(("username", "root"), [
    ("bureau_ordos", "150600"),
    ("pm_ordos", "150600"),
    ("bureau_dalate", "150621"),
    ("lead_dalate", "150621"),
    ("worker_dalate", "150621"),
    ("worker_etuoke", "150624"),
    ("worker_shuimogou", "650105"),
    ("director_dalate", "150621001001"),
])
def test_each_cast_member_sees_exactly_the_regions_of_their_area(username, root):
    visible = set(region_codes(cast(username)))
    expected = set(Region.objects.within(Region.objects.get(code=root)).values_list("code", flat=True))

    if username == "pm_ordos":
        # A project admin works in the counties the project covers, not the city office itself.
        expected.discard("150600")
    assert visible == expected


@pytest.mark.parametrize(("username", "projects"), [
    ("admin", {ORDOS_PROJECT, URUMQI_PROJECT}),
    ("bureau_ordos", {ORDOS_PROJECT}),
    ("bureau_dalate", {ORDOS_PROJECT}),
    ("pm_ordos", {ORDOS_PROJECT}),
    ("worker_dalate", {ORDOS_PROJECT}),
    ("director_dalate", {ORDOS_PROJECT}),
    ("worker_shuimogou", {URUMQI_PROJECT}),
    ("volunteer_dalate", set()),
])
def test_each_cast_member_sees_the_projects_working_in_their_area(username, projects):
    assert set(projects_visible_to(cast(username)).values_list("name", flat=True)) == projects


def test_worker_scope_is_their_team_county_and_project():
    worker = cast("worker_dalate")

    scope = scope_for(worker)

    assert scope.role == Role.WORKER
    assert scope.region_paths == ("/150000/150600/150621/",)
    assert scope.project_ids == {Project.objects.get(name=ORDOS_PROJECT).pk}
    assert scope.team_id == worker.team_id
    assert not scope.read_only


def test_bureau_scope_is_their_city_read_only_and_not_tied_to_a_project():
    scope = scope_for(cast("bureau_ordos"))

    assert scope.region_paths == ("/150000/150600/",)
    assert scope.project_ids is None
    assert scope.read_only
    assert not any(scope.may_write(kind) for kind in ["region", "organisation", "project", "team", "site", "user"])


def test_project_admin_scope_is_the_counties_their_projects_cover():
    scope = scope_for(cast("pm_ordos"))

    assert {path.strip("/").split("/")[-1] for path in scope.region_paths} == ORDOS_COUNTIES
    assert scope.project_ids == {Project.objects.get(name=ORDOS_PROJECT).pk}
    assert scope.may_write("team") and scope.may_write("user")
    assert not scope.may_write("region")


# A worker of one banner never sees another banner's data


def test_worker_sees_only_sites_of_their_project_in_their_banner():
    sites = sites_visible_to(cast("worker_dalate"))

    assert sites.exists()
    assert all(site.region.path.startswith("/150000/150600/150621/") for site in sites)
    assert set(sites.values_list("project__name", flat=True)) == {ORDOS_PROJECT}


def test_worker_cannot_see_other_banner_team():
    worker = cast("worker_dalate")

    with pytest.raises(Http404):
        access_team(worker, team_in("150624").pk)
    with pytest.raises(Http404):
        access_team(worker, team_in("650105").pk)
    assert access_team(worker, team_in("150621").pk) == worker.team


def test_worker_cannot_open_a_site_or_region_of_another_banner():
    worker = cast("worker_dalate")
    etuoke_site = Site.objects.filter(region__path__startswith="/150000/150600/150624/").first()
    assert etuoke_site is not None

    with pytest.raises(Http404):
        access_site(worker, etuoke_site.pk)
    with pytest.raises(Http404):
        access_region(worker, Region.objects.get(code="150624").pk)
    with pytest.raises(Http404):
        access_region(worker, Region.objects.get(code="150600").pk)


def test_worker_in_etuoke_sees_nothing_of_dalate():
    worker = cast("worker_etuoke")

    assert team_counties(worker) == {"150624"}
    assert not regions_visible_to(worker).filter(code__startswith="150621").exists()
    assert not sites_visible_to(worker).filter(region__code__startswith="150621").exists()
    assert not users_visible_to(worker).filter(username__in=["worker_dalate", "lead_dalate"]).exists()


def test_urumqi_worker_never_sees_ordos():
    worker = cast("worker_shuimogou")

    assert not regions_visible_to(worker).filter(code__startswith="1506").exists()
    assert not sites_visible_to(worker).filter(project__name=ORDOS_PROJECT).exists()
    assert not projects_visible_to(worker).filter(name=ORDOS_PROJECT).exists()
    assert not organisations_visible_to(worker).filter(region__code__startswith="15").exists()
    assert not users_visible_to(worker).filter(region__code__startswith="15").exists()
    with pytest.raises(Http404):
        access_project(worker, Project.objects.get(name=ORDOS_PROJECT).pk)


def test_ordos_worker_never_sees_urumqi():
    worker = cast("worker_dalate")

    assert not regions_visible_to(worker).filter(code__startswith="65").exists()
    assert not sites_visible_to(worker).filter(project__name=URUMQI_PROJECT).exists()
    assert not organisations_visible_to(worker).filter(region__code__startswith="65").exists()
    assert not users_visible_to(worker).filter(region__code__startswith="65").exists()


def test_worker_may_change_their_site_but_not_their_team():
    worker = cast("worker_dalate")
    site = sites_visible_to(worker).get()

    with pytest.raises(PermissionDenied):
        access_team(worker, worker.team_id, for_write=True)
    with pytest.raises(PermissionDenied):
        access_site(worker, site.pk, for_write=True)
    assert access_site(cast("lead_dalate"), site.pk, for_write=True) == site


# Bureau officials read their area and change nothing


def test_city_bureau_sees_all_nine_ordos_teams_and_nothing_of_urumqi():
    bureau = cast("bureau_ordos")

    assert team_counties(bureau) == ORDOS_COUNTIES
    assert sites_visible_to(bureau).count() == Site.objects.filter(project__name=ORDOS_PROJECT).count()
    assert not regions_visible_to(bureau).filter(code__startswith="65").exists()
    assert not organisations_visible_to(bureau).filter(region__code__startswith="65").exists()
    assert not users_visible_to(bureau).filter(username__in=["worker_shuimogou", "pm_urumqi"]).exists()


def test_bureau_may_open_a_team_but_not_change_it():
    bureau = cast("bureau_ordos")
    team = team_in("150621")

    assert access_team(bureau, team.pk) == team
    with pytest.raises(PermissionDenied):
        access_team(bureau, team.pk, for_write=True)
    with pytest.raises(PermissionDenied):
        access_project(bureau, team.project_id, for_write=True)


def test_bureau_gets_not_found_for_a_team_outside_its_city():
    bureau = cast("bureau_ordos")

    with pytest.raises(Http404):
        access_team(bureau, team_in("650105").pk)
    # Refused as "not found" even when asking to write: we do not confirm the team exists.
    with pytest.raises(Http404):
        access_team(bureau, team_in("650105").pk, for_write=True)


def test_county_bureau_sees_only_its_own_banner():
    bureau = cast("bureau_dalate")

    assert team_counties(bureau) == {"150621"}
    assert all(code.startswith("150621") for code in region_codes(bureau))
    with pytest.raises(Http404):
        access_team(bureau, team_in("150624").pk)


def test_bureau_sees_field_staff_of_its_area_but_not_other_bureaus():
    visible = set(users_visible_to(cast("bureau_dalate")).values_list("username", flat=True))

    assert {"lead_dalate", "worker_dalate", "director_dalate"} <= visible
    assert not visible & {"worker_etuoke", "worker_shuimogou", "bureau_ordos", "pm_ordos"}


# Project admins, child directors, volunteers


def test_project_admin_sees_all_ordos_teams_sites_and_staff_but_not_urumqi():
    pm = cast("pm_ordos")
    staff = set(users_visible_to(pm).values_list("username", flat=True))

    assert team_counties(pm) == ORDOS_COUNTIES
    assert set(sites_visible_to(pm).values_list("project__name", flat=True)) == {ORDOS_PROJECT}
    assert {"lead_dalate", "worker_dalate", "worker_etuoke", "director_dalate", "volunteer_dalate"} <= staff
    assert not staff & {"worker_shuimogou", "pm_urumqi", "bureau_ordos", "admin"}
    assert not organisations_visible_to(pm).filter(region__code__startswith="65").exists()


def test_project_admin_may_change_their_teams_but_not_urumqi_teams():
    pm = cast("pm_ordos")

    assert access_team(pm, team_in("150624").pk, for_write=True) == team_in("150624")
    with pytest.raises(Http404):
        access_team(pm, team_in("650105").pk, for_write=True)
    with pytest.raises(PermissionDenied):
        access_region(pm, Region.objects.get(code="150621").pk, for_write=True)


def test_child_director_sees_only_their_village():
    director = cast("director_dalate")

    assert region_codes(director) == [director.region.code]
    assert not teams_visible_to(director).exists()
    assert not sites_visible_to(director).exists()
    with pytest.raises(Http404):
        access_region(director, director.region.parent_id)


def test_volunteer_sees_no_regions_teams_sites_or_projects():
    volunteer = cast("volunteer_dalate")

    assert not regions_visible_to(volunteer).exists()
    assert not teams_visible_to(volunteer).exists()
    assert not sites_visible_to(volunteer).exists()
    assert not projects_visible_to(volunteer).exists()
    assert scope_for(volunteer).is_empty


def test_volunteer_sees_their_own_volunteer_team_only():
    volunteer = cast("volunteer_dalate")

    assert list(organisations_visible_to(volunteer)) == [volunteer.organisation]


# Deny by default


def test_user_without_a_role_sees_nothing():
    nobody = make_user("new_colleague")

    assert scope_for(nobody).is_empty
    assert sees_nothing(nobody)
    # Only their own account, so that they can change their password.
    assert list(users_visible_to(nobody)) == [nobody]


def test_user_with_a_role_but_no_region_sees_nothing():
    # As an import might leave it before anyone completes the account (make_user would refuse it).
    half_done = User.objects.create(username="half_done", role=Role.BUREAU)

    assert scope_for(half_done).is_empty
    assert sees_nothing(half_done)


def test_inactive_user_sees_nothing():
    worker = cast("worker_dalate")
    worker.is_active = False
    worker.save()

    assert scope_for(worker).is_empty
    assert sees_nothing(worker)
    assert not users_visible_to(worker).exists()
    with pytest.raises(Http404):
        access_team(worker, team_in("150621").pk)


def test_anonymous_visitor_sees_nothing():
    anonymous = AnonymousUser()

    assert sees_nothing(anonymous)
    assert not users_visible_to(anonymous).exists()
    with pytest.raises(Http404):
        access_user(anonymous, cast("worker_dalate").pk)


def test_superuser_sees_and_may_change_everything():
    admin = cast("admin")

    assert regions_visible_to(admin).count() == Region.objects.count()
    assert projects_visible_to(admin).count() == Project.objects.count()
    assert sites_visible_to(admin).count() == Site.objects.count()
    assert organisations_visible_to(admin).count() == Organisation.objects.count()
    assert users_visible_to(admin).count() == User.objects.count()
    assert access_team(admin, team_in("650105").pk, for_write=True) == team_in("650105")


def test_a_nonsense_primary_key_is_not_found_rather_than_an_error():
    with pytest.raises(Http404):
        access_team(cast("admin"), "not-a-number")
    with pytest.raises(Http404):
        access_organisation(cast("admin"), None)


# users_visible_to


def test_worker_sees_own_team_members_but_not_other_banner_workers():
    worker = cast("worker_dalate")
    visible = set(users_visible_to(worker).values_list("username", flat=True))

    team_members = set(User.objects.filter(team=worker.team).values_list("username", flat=True))
    assert team_members <= visible
    assert "lead_dalate" in visible
    assert "director_dalate" in visible
    assert not visible & {"worker_etuoke", "worker_shuimogou", "bureau_dalate", "volunteer_dalate"}


def test_worker_cannot_open_the_account_of_another_banner_worker():
    with pytest.raises(Http404):
        access_user(cast("worker_dalate"), cast("worker_etuoke").pk)


# The rules on a person's scope (User.clean), in words a project admin understands


def clean_errors(**fields: object) -> dict[str, list[str]]:
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            User(username="someone_new", **fields).full_clean(exclude=["password"])
        return {field: [str(m) for m in messages] for field, messages in error.value.message_dict.items()}


def test_a_worker_without_a_team_is_refused():
    errors = clean_errors(role=Role.WORKER, organisation=cast("pm_ordos").organisation)

    assert errors == {"team": ["Team leads and social workers belong to a team."]}


def test_a_bureau_official_with_a_village_region_is_refused():
    errors = clean_errors(role=Role.BUREAU, organisation=cast("bureau_ordos").organisation,
                          region=Region.objects.get(code="150621001001"))

    assert errors == {"region": ["A bureau official's region is a city or a county/banner/district."]}


def test_a_bureau_official_outside_a_bureau_is_refused():
    errors = clean_errors(role=Role.BUREAU, organisation=cast("pm_ordos").organisation,
                          region=Region.objects.get(code="150600"))

    assert errors == {"organisation": ["A bureau official belongs to a civil-affairs bureau."]}


def test_a_child_director_with_a_township_region_is_refused():
    errors = clean_errors(role=Role.CHILD_DIRECTOR, region=Region.objects.get(code="150621001000"))

    assert errors == {"region": ["A child director's region is a village or community."]}


def test_a_child_supervisor_with_a_village_region_is_refused():
    errors = clean_errors(role=Role.CHILD_SUPERVISOR, region=Region.objects.get(code="150621001001"))

    assert errors == {"region": ["A child supervisor's region is a township or street."]}


def test_a_project_admin_of_a_non_contractor_organisation_is_refused():
    errors = clean_errors(role=Role.PROJECT_ADMIN, organisation=cast("bureau_ordos").organisation)

    assert errors == {"organisation": ["A project admin belongs to a contractor association."]}


def test_only_team_members_belong_to_a_team():
    errors = clean_errors(role=Role.VOLUNTEER, organisation=cast("volunteer_dalate").organisation,
                          team=team_in("150621"))

    assert errors == {"team": ["Only team leads and social workers belong to a team."]}


def test_a_new_worker_takes_region_and_organisation_from_their_team():
    team = team_in("150624")

    worker = make_user("worker_etuoke_new", role=Role.WORKER, team=team)

    assert worker.region == team.region
    assert worker.organisation == team.project.contractor
    assert team_counties(worker) == {"150624"}
