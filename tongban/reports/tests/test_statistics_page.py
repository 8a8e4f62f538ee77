"""The statistics page: who may open it, what each viewer's figures contain, links to the lists they count,
and a number of queries that does not grow with the records."""

from datetime import date

import pytest

from tongban.cases.tests.factories import make_case, move, session
from tongban.children.tests.factories import make_child, village
from tongban.regions.models import Region
from tongban.reports.selectors import Period, statistics
from tongban.reports.selectors.figures import _cut_months
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.mark.parametrize("username", ["admin", "bureau_ordos", "bureau_dalate", "pm_ordos", "lead_dalate",
                                      "worker_dalate", "director_dalate", "worker_shuimogou"])
def test_everyone_who_works_with_children_s_files_opens_the_statistics(client, username):
    signed_in(client, username)

    response = client.get("/statistics/")

    assert response.status_code == 200
    assert b'data-table="children_by_region"' in response.content


def test_a_volunteer_gets_no_statistics(client):
    signed_in(client, "volunteer_dalate")

    assert client.get("/statistics/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/statistics/")

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_navigation_offers_statistics_to_staff_but_not_to_volunteers(client):
    signed_in(client, "bureau_dalate")
    assert b'href="/statistics/"' in client.get("/").content
    signed_in(client, "volunteer_dalate")
    assert b'href="/statistics/"' not in client.get("/").content


def test_a_bureau_official_of_dalate_sees_only_dalate():
    dalate, ordos = cast("bureau_dalate"), cast("bureau_ordos")
    this_year = Period(first=date(date.today().year, 1, 1), last=date.today())

    mine = statistics(dalate, this_year)
    city_view_of_dalate = statistics(ordos, Period(this_year.first, this_year.last, region=region("150621")))

    for key, table in mine.tables.items():
        assert table.total == city_view_of_dalate[key].total, key
    assert mine["children_by_region"].total < statistics(ordos, this_year)["children_by_region"].total


def test_a_region_outside_the_viewer_s_area_is_refused_and_figures_stay_in_the_area(client):
    signed_in(client, "bureau_dalate")
    dongsheng = region("150602")

    response = client.get("/statistics/", {"region": dongsheng.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    assert response.context["period"].region is None
    assert "东胜区" not in [r.label for r in response.context["stats"]["children_by_region"].rows]


def test_records_of_another_banner_never_reach_a_worker_s_figures():
    this_year = Period(first=date(date.today().year, 1, 1), last=date.today())
    before = {user: statistics(cast(user), this_year) for user in ("worker_etuoke", "worker_shuimogou")}

    case = make_case(name="钱小禾")
    move(case, "assessment")
    session(case)

    for user, figures in before.items():
        after = statistics(cast(user), this_year)
        for key, table in after.tables.items():
            assert table.total == figures[key].total, (user, key)


def test_figures_link_to_the_lists_they_count_with_their_filters(client):
    signed_in(client, "bureau_ordos")
    dalate = region("150621")

    stats = client.get("/statistics/", {"region": dalate.pk, "first": "2026-01-01", "last": "2026-06-30"}).context[
        "stats"]

    township = stats["children_by_region"].rows[0]
    assert township.url == f"/children/?region={region(township.key).pk}"
    assert stats["children_by_sex"].row("F").url == f"/children/?sex=F&region={dalate.pk}"
    assert stats["children_by_age"].row("6-11").url == f"/children/?age_min=6&age_max=11&region={dalate.pk}"
    assert stats["cases_by_stage"].row("plan").url == "/cases/?stage=plan"
    assert stats["activities_by_type"].rows[0].url.startswith("/activities/?type=")
    assert "first=2026-01-01&last=2026-06-30" in stats["activities_by_type"].rows[0].url
    assert stats["donations_by_donor_kind"].row("enterprise").url == (
        "/donations/?donor_kind=enterprise&first=2026-01-01&last=2026-06-30")


def test_a_linked_children_list_shows_as_many_children_as_the_figure(client):
    signed_in(client, "bureau_dalate")
    stats = client.get("/statistics/").context["stats"]

    row = stats["children_by_sex"].row("M")
    listed = client.get(row.url).context["page"].paginator.count

    assert listed == row.values[0]


def test_a_period_that_ends_before_it_starts_is_refused(client):
    signed_in(client, "bureau_ordos")

    response = client.get("/statistics/", {"first": "2026-05-01", "last": "2026-04-01"})

    assert response.context["form"].errors["last"]


# The number of queries, pinned: the same for a small or a large area, few or many records.
#  1 session, 2 user, 3 the user's region (their scope), 4-5 the regions shown by region (the area, the regions
#  below it; with a region chosen: the chosen region, the regions below it), 6 cases by stage, 7 by outcome,
#  8 sessions by project, team, type and month (the KPIs and charts use it too), 9 referrals, 10 categories;
#  a city's children from the summaries of files: 11 by area, sex, ethnicity and month of screening, 12 by area
#  and category, 13 by month of birth, 14 those born in a month an age band's boundary cuts (none on a month's last
#  day, when no boundary cuts a month: see cut_months_query below); the children served, from the first case of
#  each (reports.models.CaseArea): 15 by area, age band, sex, ethnicity and any category, 16 by category, 17 those
#  opened after the period by category and area; 18 activities, 19 attendance, 20 activity types, 21 brand lines,
#  22 volunteers, 23 hours at activities, 24 visits, 25 pairings, 26 donations; KPIs: 27 projects, 28 teams,
#  29 children served, 30 events, 31 closures, 32 plans, 33 open cases by worker; charts: 34 activities by month;
#  35 regions and 36 projects for the filters.
QUERIES = 36
# A county's regions shown are townships, which the summaries do not know: its children are counted from the
# files, in three queries instead of seven (by region; by category and region; by age band, sex, ethnicity, any
# category and month of screening).
QUERIES_OF_A_COUNTY = QUERIES - 4


def cut_months_query() -> int:
    """1 when an age band's boundary cuts a month of birth in this year's period to date (the page's default), 0 on
    a month's last day, when every boundary falls at a month's end."""
    return 1 if _cut_months(Period(date(date.today().year, 1, 1), date.today())) else 0


def test_the_statistics_page_takes_the_same_number_of_queries_however_many_records(client, django_assert_num_queries):
    signed_in(client, "bureau_ordos")
    client.get("/statistics/")
    city_queries = QUERIES - 1 + cut_months_query()
    with django_assert_num_queries(city_queries):
        client.get("/statistics/")
    dalate = region("150621").pk
    with django_assert_num_queries(QUERIES_OF_A_COUNTY):
        client.get("/statistics/", {"region": dalate})

    for i in range(5):
        case = make_case(name=f"孙小{'一二三四五'[i]}", region=village(index=i + 1))
        move(case, "assessment")
        session(case)
    make_child(name="周小六", region=village("150624"), actor=cast("pm_ordos"))

    with django_assert_num_queries(city_queries):
        client.get("/statistics/")
    with django_assert_num_queries(QUERIES_OF_A_COUNTY):
        client.get("/statistics/", {"region": dalate})
