"""Each figure of the statistics equals a count taken record by record (tests/counting.py), in several areas and
periods, including a region where nothing was recorded."""

from datetime import date
from decimal import Decimal

import pytest

from tongban.activities.models import Activity
from tongban.children.models import Child, ChildCategory
from tongban.children.tests.factories import born_years_ago, village
from tongban.donations.models import Donation
from tongban.regions.models import Region
from tongban.reports.selectors import AGE_BANDS, Period, _years_before, statistics
from tongban.reports.tests import counting
from tongban.reports.tests.counting import Area
from tongban.testing import cast

pytestmark = pytest.mark.django_db



def this_year() -> tuple[date, date]:
    # Asked when needed, never at import: a run that passes midnight must not count today's records as tomorrow's.
    return date(date.today().year, 1, 1), date.today()


def last_year() -> tuple[date, date]:
    return date(date.today().year - 1, 1, 1), date(date.today().year - 1, 12, 31)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def empty_township() -> Region:
    """A township of Ordos where no child lives and no activity or donation took place."""
    used = {c.region.path for c in Child.objects.select_related("region")}
    used |= {a.region.path for a in Activity.objects.select_related("region")}
    used |= {d.region.path for d in Donation.objects.select_related("region")}
    for township in Region.objects.filter(level=Region.Level.TOWNSHIP, code__startswith="1506").order_by("code"):
        if not any(path.startswith(township.path) for path in used):
            return township
    raise AssertionError("every township of Ordos has records")


SCENARIOS = [
    # viewer, region chosen on the page (None: the viewer's whole area), the area it amounts to, period
    ("bureau_dalate", None, "150621", this_year),
    ("bureau_ordos", "150621", "150621", this_year),
    ("bureau_ordos", None, "150600", this_year),
    ("admin", "150600", "150600", last_year),
    ("admin", "empty", "empty", this_year),
]


@pytest.fixture(params=SCENARIOS, ids=lambda s: f"{s[0]}-{s[1]}-{s[3].__name__}")
def case(request):  # type: ignore[no-untyped-def]
    username, chosen, area_code, period = request.param
    first, last = period()
    empty = empty_township() if area_code == "empty" else None
    chosen_region = empty if chosen == "empty" else (region(chosen) if chosen else None)
    area_region = empty if area_code == "empty" else region(area_code)
    stats = statistics(cast(username), Period(first=first, last=last, region=chosen_region))
    return stats, Area(area_region.path, first, last)


def test_children_by_sex_age_and_ethnicity_are_the_children_of_the_area(case):
    stats, area = case

    for sex in ("M", "F"):
        assert stats["children_by_sex"].row(sex).values == counting.by(area, lambda c: c.sex).get(sex, [0, 0, 0])
    ethnicities = counting.by(area, lambda c: c.ethnicity)
    assert {r.key: r.values for r in stats["children_by_ethnicity"].rows} == ethnicities
    for low, high in AGE_BANDS:
        key = f"{low}-{high}" if high is not None else f"{low}+"
        expected = counting.by(area, lambda c, low=low, high=high: str(
            c.age_on(area.last) >= low and (high is None or c.age_on(area.last) <= high))).get("True", [0, 0, 0])
        assert stats["children_by_age"].row(key).values == expected, key
    assert stats["children_by_sex"].total == counting.add(list(counting.child_figures(area).values()))


def test_children_by_category_count_a_subtype_under_its_category_and_each_child_once_in_the_total(case):
    stats, area = case
    table = stats["children_by_category"]

    for row in table.rows:
        assert row.values == counting.in_category(area, row.key), row.key
    with_any = {cc.child_id for cc in ChildCategory.objects.all()}
    assert table.total == counting.add([f for pk, f in counting.child_figures(area).items() if pk in with_any])


def test_children_by_region_add_up_the_regions_below(case):
    stats, area = case
    table = stats["children_by_region"]

    for row in table.rows:
        if row.key:
            below = Area(region(row.key).path, area.first, area.last)
            assert row.values == counting.add(list(counting.child_figures(below).values())), row.label
    assert table.total == counting.add(list(counting.child_figures(area).values()))


def test_cases_sessions_and_referrals_are_those_of_the_area_and_period(case):
    stats, area = case

    stages = counting.cases_by_stage(area)
    assert {r.key: r.values[0] for r in stats["cases_by_stage"].rows if r.values[0]} == dict(stages)
    exits = counting.cases_closed_by_exit(area)
    assert {r.key: r.values[0] for r in stats["cases_by_outcome"].rows if r.values[0]} == dict(exits)
    sessions = counting.sessions(area)
    assert {r.key: [r.values[0], r.values[1]] for r in stats["sessions_by_type"].rows if r.values[0]} == {
        k: [n, counting.hours(m)] for k, (n, m) in sessions.items()}
    referrals = counting.referrals(area)
    table = stats["referrals"]
    for row in table.rows:
        assert row.values[:4] == [referrals[(row.key, s)] for s in ("sent", "accepted", "done", "declined")]
    assert table.total[-1] == sum(referrals.values())


def test_activities_by_type_and_brand_line_count_activities_and_participations(case):
    stats, area = case

    by_type = counting.activity_figures(area, lambda a: a.type.code)
    assert {r.key: r.values for r in stats["activities_by_type"].rows if r.values[0]} == by_type
    by_line = counting.activity_figures(area, lambda a: a.brand_line.code if a.brand_line else "")
    assert {r.key: r.values for r in stats["activities_by_brand_line"].rows if r.values[0]} == by_line


def test_volunteers_hours_pairings_and_visits_are_those_of_the_area(case):
    stats, area = case

    expected = counting.volunteer_figures(area)
    assert {r.label: r.values[:3] for r in stats["volunteers_by_team"].rows} == expected
    pairings = counting.pairings(area)
    assert stats["pairings"].total[0] == len(pairings)
    assert stats["pairings"].total[1] == sum(1 for p in pairings if p.starts_on >= area.first)
    assert stats["pairings"].total[2] == sum(1 for p in pairings for v in p.visits.all() if area.during(v.visited_on))


def test_donations_by_kind_of_donor_are_the_money_and_goods_received_in_the_area(case):
    stats, area = case

    expected = counting.donations(area)
    for row in stats["donations_by_donor_kind"].rows:
        money, goods = expected.get(row.key, [Decimal(0), Decimal(0)])
        assert row.values[2:] == [money, goods, money + goods], row.key


def test_a_region_where_nothing_was_recorded_shows_zero_everywhere():
    township = empty_township()

    stats = statistics(cast("admin"), Period(*this_year(), region=township))

    for table in stats.tables.values():
        assert not any(table.total), table.key
    assert all(figure == 0 for _key, _label, figure, _url in stats.headline)


def test_a_child_registered_today_counts_once_in_each_breakdown_and_is_served_when_a_case_opens():
    from tongban.cases.tests.factories import make_case

    dalate = Period(*this_year(), region=region("150621"))
    before = statistics(cast("bureau_ordos"), dalate)

    case = make_case(name="赵小满", sex="M", birth_date=born_years_ago(7), ethnicity="蒙古族")

    after = statistics(cast("bureau_ordos"), dalate)
    for key in ("children_by_region", "children_by_sex", "children_by_age", "children_by_ethnicity"):
        assert [a - b for a, b in zip(after[key].total, before[key].total, strict=True)] == [1, 1, 1], key
    assert after["children_by_sex"].value("M", 2) == before["children_by_sex"].value("M", 2) + 1
    assert after["children_by_age"].value("6-11") == before["children_by_age"].value("6-11") + 1
    assert after["children_by_ethnicity"].value("蒙古族") == before["children_by_ethnicity"].value("蒙古族") + 1
    assert after["cases_by_stage"].value("intake") == before["cases_by_stage"].value("intake") + 1
    assert case.child.birth_date > _years_before(date.today(), 12)


def test_records_of_last_year_leave_this_year_s_figures_alone():
    from tongban.cases.tests.factories import make_case, move, session

    dalate = Period(*this_year(), region=region("150621"))
    before = statistics(cast("bureau_dalate"), dalate)
    case = make_case(opened_on=date(date.today().year - 1, 3, 1))
    move(case, "assessment")
    session(case, on=date(date.today().year - 1, 4, 1))

    after = statistics(cast("bureau_dalate"), dalate)
    assert after["sessions_by_type"].total == before["sessions_by_type"].total
    before_figures = statistics(cast("bureau_dalate"), Period(*last_year()))
    assert before_figures["sessions_by_type"].value("counselling") >= 1


def test_a_child_in_a_category_and_in_its_subtypes_counts_once_under_the_category():
    from tongban.children.tests.factories import category, make_child

    both = make_child(name="钱小禾")
    two_subtypes = make_child(name="孙小木")
    for child, codes in ((both, ("difficulty", "difficulty_poverty")),
                         (two_subtypes, ("difficulty_poverty", "difficulty_disability"))):
        for code in codes:
            ChildCategory.objects.get_or_create(child=child, category=category(code),
                                                defaults={"source": ChildCategory.Source.RECORDED})
    first, last = this_year()
    area = Area(region("150621").path, first, last)

    table = statistics(cast("bureau_dalate"), Period(first, last))["children_by_category"]

    assert table.row("difficulty").values == counting.in_category(area, "difficulty")
    with_any = {cc.child_id for cc in ChildCategory.objects.all()}
    assert table.total == counting.add([f for pk, f in counting.child_figures(area).items() if pk in with_any])


@pytest.mark.parametrize("username", ["worker_dalate", "lead_dalate", "pm_ordos", "director_dalate"])
def test_children_served_are_the_viewer_s_children_with_a_case_the_viewer_may_see(username):
    from tongban.cases.selectors import cases_visible_to
    from tongban.cases.tests.factories import make_case
    from tongban.children.selectors import children_visible_to

    make_case(name="李小林")
    user = cast(username)
    first, last = this_year()

    stats = statistics(user, Period(first, last))

    visible = set(children_visible_to(user).values_list("pk", flat=True))
    with_case = {c.child_id for c in cases_visible_to(user)
                 if c.opened_on <= last and (c.closed_on is None or c.closed_on >= first)}
    assert stats["children_by_region"].total[2] == len(visible & with_case)
    assert stats["children_by_sex"].total[2] == len(visible & with_case)


def test_served_children_roll_up_into_the_regions_shown_from_any_level_of_region():
    """Children are grouped by their region's path cut to the regions shown: a village's child lands in its
    township and banner, a child recorded at the banner itself lands in the banner's row of the city and under
    "recorded at a higher level" when the banner is shown by its townships."""
    from tongban.cases.tests.factories import make_case

    banner = region("150621")
    township = village().parent
    city_view = Period(*this_year())
    banner_view = Period(*this_year(), region=banner)
    city_before = statistics(cast("bureau_ordos"), city_view)["children_by_region"]
    banner_before = statistics(cast("bureau_ordos"), banner_view)["children_by_region"]

    make_case(name="周小川", region=village())
    make_case(name="吴小溪", region=banner)

    city = statistics(cast("bureau_ordos"), city_view)["children_by_region"]
    assert city.value("150621", 2) == city_before.value("150621", 2) + 2
    in_banner = statistics(cast("bureau_ordos"), banner_view)["children_by_region"]
    assert in_banner.value(township.code, 2) == banner_before.value(township.code, 2) + 1
    higher = [row.values[2] for row in in_banner.rows if not row.key]
    higher_before = [row.values[2] for row in banner_before.rows if not row.key] or [0]
    assert higher == [higher_before[0] + 1]
    assert in_banner.total[2] == banner_before.total[2] + 2
