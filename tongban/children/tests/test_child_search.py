"""Finding a child: by name, pinyin, ID tail or a guardian's phone, with filters, always within the user's scope.

The demo world has children of its own, so each test asserts on the files it built, never on totals.
"""

from datetime import date

import pytest
from django.db import connection

from tongban.accounts.models import User
from tongban.children import services
from tongban.children.models import Child
from tongban.children.selectors import children_visible_to, filter_children, search_children
from tongban.children.tests.factories import (
    born_years_ago,
    category,
    id_number,
    id_number_ending_in_x,
    make_child,
    make_member,
    village,
)
from tongban.core import crypto
from tongban.regions.models import Region
from tongban.testing import cast

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def found(username: str, text: str, *among: Child) -> set[str]:
    """The names, among the given files, that this user's search finds."""
    hits = set(search_children(children_visible_to(cast(username)), text).values_list("pk", flat=True))
    return {child.name for child in among if child.pk in hits}


def filtered(*among: Child, **filters: object) -> set[str]:
    hits = set(filter_children(children_visible_to(cast("lead_dalate")), **filters).values_list("pk", flat=True))
    return {child.name for child in among if child.pk in hits}


def colleague_of_worker_dalate() -> User:
    return User.objects.get(username="worker_dalate_1", team__region__code="150621")


# Search


def test_a_fragment_of_the_chinese_name_finds_the_child():
    ziqi, other = make_child(name="王子琪"), make_child(name="刘思雨")

    assert found("lead_dalate", "子琪", ziqi, other) == {"王子琪"}


def test_the_full_pinyin_finds_the_child():
    ziqi, other = make_child(name="子琪"), make_child(name="刘思雨")

    assert found("lead_dalate", "ziqi", ziqi, other) == {"子琪"}


def test_pinyin_initials_find_the_child():
    ziqi, other = make_child(name="子琪"), make_child(name="刘思雨")

    assert found("lead_dalate", "zq", ziqi, other) == {"子琪"}
    assert found("lead_dalate", "ZQ", ziqi, other) == {"子琪"}


def test_a_homophone_is_found_by_its_pinyin():
    ziqi, ziqi_other_character = make_child(name="子琪"), make_child(name="子淇")

    assert found("lead_dalate", "ziqi", ziqi, ziqi_other_character) == {"子琪", "子淇"}


@pytest.mark.parametrize("length", [4, 5, 6])
def test_the_last_digits_of_the_id_number_find_the_child(length):
    number = id_number(born_years_ago(9), "F")
    child, other = make_child(name="王子琪", id_number=number), make_child(name="刘思雨")

    assert found("lead_dalate", number[-length:], child, other) == {"王子琪"}


@pytest.mark.parametrize("length", [4, 5, 6])
def test_an_id_tail_ending_in_x_may_be_typed_in_lower_case(length):
    number = id_number_ending_in_x(born_years_ago(9), "M")
    child, other = make_child(name="王子琪", id_number=number), make_child(name="刘思雨")

    assert found("lead_dalate", number[-length:].lower(), child, other) == {"王子琪"}


def test_the_full_id_number_finds_the_child():
    number = id_number_ending_in_x(born_years_ago(9), "F")
    child, other = make_child(name="王子琪", id_number=number), make_child(name="刘思雨")

    assert found("lead_dalate", number, child, other) == {"王子琪"}
    assert found("lead_dalate", f"{number[:6]} {number[6:14]} {number[14:].lower()}", child, other) == {"王子琪"}


def _uses_index(qs, index: str) -> bool:
    """Whether the database can answer the query from this index. SQLite is told to use it, and refuses a query
    the index cannot serve. PostgreSQL is told not to read the whole table nor bitmaps (the test tables are small
    enough to read whole), and shows what it chose."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            table = Child._meta.db_table
            sql = sql.replace(f'FROM "{table}"', f'FROM "{table}" INDEXED BY {index}', 1)
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        else:
            cursor.execute(f"ANALYZE {Child._meta.db_table}")
            for kind in ("seqscan", "bitmapscan"):
                cursor.execute(f"SET LOCAL enable_{kind} = off")
            cursor.execute("EXPLAIN " + sql, params)
        return index in str(cursor.fetchall())


@pytest.mark.parametrize("numbers", [1, 150])
def test_id_numbers_are_looked_up_in_the_index_of_current_files_numbers(numbers):
    # one_current_file_per_id_number is the digests' only index: a ledger's check for files on record (hundreds of
    # numbers at once), a search by the full number and a registration must each be able to read it.
    if numbers > 1 and connection.vendor == "postgresql":
        pytest.skip("150 look-ups cost PostgreSQL more than reading the test's few children whole")
    digests = [crypto.blind_index(f"{n:018d}", "id") for n in range(numbers)]
    user = User.objects.get(username="lead_dalate")
    searched = search_children(children_visible_to(user), id_number(born_years_ago(9), "F"))

    assert _uses_index(Child.objects.with_id_digest(*digests).order_by().values_list("id_digest"),
                       "one_current_file_per_id_number")
    assert _uses_index(searched.order_by().values_list("id_digest"), "one_current_file_per_id_number")


def test_id_digits_typed_full_width_find_the_child():
    number = id_number(born_years_ago(9), "F")
    child, other = make_child(name="王子琪", id_number=number), make_child(name="刘思雨")

    assert found("lead_dalate", number[-4:].translate(FULL_WIDTH), child, other) == {"王子琪"}
    assert found("lead_dalate", number.translate(FULL_WIDTH), child, other) == {"王子琪"}


def test_a_guardians_phone_finds_the_child():
    child, other = make_child(name="王子琪"), make_child(name="刘思雨")
    make_member(child, "p_grandmother", phone="139-0477-1234", is_guardian=True)
    make_member(child, "p_grandfather", phone="13904775678")

    assert found("lead_dalate", "13904771234", child, other) == {"王子琪"}
    assert search_children(Child.objects.filter(pk=child.pk), "139 0477 5678").count() == 1


# Filters


def test_a_township_filter_includes_its_villages():
    first = village(index=0)
    other_township = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="150621").exclude(
        parent=first.parent).first()
    here, elsewhere = make_child(name="王子琪", region=first), make_child(name="刘思雨", region=other_township)

    assert filtered(here, elsewhere, region=first.parent) == {"王子琪"}
    assert filtered(here, elsewhere, region=Region.objects.get(code="150621")) == {"王子琪", "刘思雨"}


def test_a_parent_category_includes_its_subtypes():
    disabled = make_child(name="王子琪", disability="visual", disability_grade=2)
    recorded = make_child(name="张浩宇", categories=[category("difficulty_poverty")])
    other = make_child(name="刘思雨")

    assert filtered(disabled, recorded, other, category=category("difficulty")) == {"王子琪", "张浩宇"}
    assert filtered(disabled, recorded, other, category=category("difficulty_disability")) == {"王子琪"}


def test_a_child_in_two_subtypes_appears_once():
    child = make_child(name="王子琪", disability="visual", disability_grade=2,
                       categories=[category("difficulty_poverty")])

    hits = filter_children(children_visible_to(cast("lead_dalate")), category=category("difficulty"))

    assert list(hits.filter(pk=child.pk).values_list("pk", flat=True)) == [child.pk]


def test_filters_by_risk_status_sex_and_ethnicity():
    girl = make_child(name="王子琪", sex="F", risk="high", ethnicity="蒙古族")
    boy = make_child(name="张浩宇", sex="M", risk="low", ethnicity="汉族", status="in_service")

    assert filtered(girl, boy, risk="high") == {"王子琪"}
    assert filtered(girl, boy, status="in_service") == {"张浩宇"}
    assert filtered(girl, boy, sex="M") == {"张浩宇"}
    assert filtered(girl, boy, ethnicity="蒙古族") == {"王子琪"}


def test_an_age_range_includes_both_of_its_ends():
    children = [make_child(name=f"年龄{age}", birth_date=born_years_ago(age, days=days))
                for age, days in ((9, 300), (10, 1), (12, 364), (13, 1))]

    assert filtered(*children, age_min=10, age_max=12) == {"年龄10", "年龄12"}


def test_an_age_range_counts_age_on_the_given_day():
    child = make_child(name="王子琪", birth_date=date(2016, 7, 1))

    assert filtered(child, age_min=9, age_max=9, today=date(2025, 7, 1)) == {"王子琪"}
    assert filtered(child, age_min=9, age_max=9, today=date(2025, 6, 30)) == set()


# Scope


def test_a_worker_of_another_banner_does_not_find_a_dalate_child():
    ziqi = make_child(name="子琪")

    assert found("worker_etuoke", "zq", ziqi) == set()
    assert found("worker_etuoke", ziqi.id_number()[-4:], ziqi) == set()


def test_a_worker_finds_a_screened_child_of_their_teams_region():
    child = make_child(name="子琪", assigned_worker=colleague_of_worker_dalate())

    assert found("worker_dalate", "zq", child) == {"子琪"}


def test_a_worker_does_not_find_a_child_in_service_with_a_colleague():
    child = make_child(name="子琪", status="in_service", assigned_worker=colleague_of_worker_dalate())

    assert found("worker_dalate", "zq", child) == set()
    assert found(colleague_of_worker_dalate().username, "zq", child) == {"子琪"}


def test_a_worker_finds_a_child_in_service_with_them():
    child = make_child(name="子琪", status="in_service", assigned_worker=cast("worker_dalate"))

    assert found("worker_dalate", "zq", child) == {"子琪"}


def test_the_team_lead_finds_every_child_of_the_team_region():
    child = make_child(name="子琪", status="in_service", assigned_worker=colleague_of_worker_dalate())

    assert found("lead_dalate", "zq", child) == {"子琪"}
    assert found("bureau_dalate", "zq", child) == {"子琪"}


def test_a_merged_file_is_not_found_but_its_id_number_finds_the_kept_file():
    keep = make_child(name="子琪", with_id=False)
    drop = make_child(name="子琪", birth_date=keep.birth_date)
    services.children_merge(actor=cast("lead_dalate"), keep=keep, drop=drop)
    visible = children_visible_to(cast("lead_dalate"))

    assert set(search_children(visible, "zq").filter(pk__in=[keep.pk, drop.pk])) == {keep}
    assert list(search_children(visible, drop.id_number())) == [keep]


def test_initials_and_pinyin_of_the_given_name_find_the_child_too():
    actor = cast("lead_dalate")
    child = make_child(actor=actor, name="禤子琪")
    found = children_visible_to(actor)
    assert search_children(found, "zq").filter(pk=child.pk).exists()
    assert search_children(found, "ziqi").filter(pk=child.pk).exists()


def test_letters_ending_in_z_find_the_names_that_begin_or_end_with_them():
    # The index range of a prefix ends at the next letter ("zq" before "zr"): a prefix of z's has no next letter.
    among = make_child(name="张卓"), make_child(name="王子琪"), make_child(name="赵子"), make_child(name="李小泽")
    assert found("lead_dalate", "zz", *among) == {"张卓", "赵子"}
    assert found("lead_dalate", "z", *among) == {"张卓", "赵子", "李小泽"}
    assert found("lead_dalate", "xz", *among) == {"李小泽"}
    assert found("lead_dalate", "ze", *among) == {"李小泽"}
    assert found("lead_dalate", "zq", *among) == {"王子琪"}
    assert found("lead_dalate", "qz", *among) == set()


def test_a_renamed_child_is_found_by_the_end_of_the_new_name_only():
    child = make_child(name="王子琪")
    services.child_update(actor=cast("lead_dalate"), child=child, name="王思雨")

    assert found("lead_dalate", "sy", child) == {"王思雨"}
    assert found("lead_dalate", "siyu", child) == {"王思雨"}
    assert found("lead_dalate", "zq", child) == set()
    assert found("lead_dalate", "ziqi", child) == set()
