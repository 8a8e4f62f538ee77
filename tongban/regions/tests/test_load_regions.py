"""Loading official division codes: all or nothing, with errors a person can act on.

The test database already holds the shipped Ordos/Urumqi file (seeded once per
session); the small files here use the made-up province 99 so they never clash.
"""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from tongban.audit.models import AuditEvent
from tongban.core.demo import REGIONS_FILE
from tongban.regions.models import Region
from tongban.regions.services import regions_load, regions_parse_csv

pytestmark = pytest.mark.django_db

HEADER = "code,name,level,parent_code,version\n"
SMALL_PROVINCE = HEADER + (
    "990000,测试自治区,province,,NBS-2023\n"
    "990100,测试市,city,990000,NBS-2023\n"
    "990102,测试区,county,990100,NBS-2023\n"
    "990102001000,测试街道,township,990102,NBS-2023\n"
    "990102001001,测试社区,village,990102001000,NBS-2023\n"
)


def write_csv(tmp_path: Path, text: str, name: str = "regions.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, *args: str) -> str:
    """Run the command on a file and return what it printed."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("load_regions", str(write_csv(tmp_path, text)), *args, stdout=out)
    return out.getvalue()


def refused(tmp_path: Path, text: str) -> str:
    """Run the command on a bad file, check that nothing was written, and return the error."""
    regions_before, events_before = Region.objects.count(), AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("load_regions", str(write_csv(tmp_path, text)), stdout=io.StringIO())
    assert Region.objects.count() == regions_before
    assert AuditEvent.objects.count() == events_before
    return str(error.value)


# Loading a good file


def test_loading_a_file_creates_regions_with_their_levels_parents_and_paths(tmp_path):
    output = load(tmp_path, SMALL_PROVINCE)

    assert "5 created, 0 updated" in output
    village = Region.objects.select_related("parent__parent").get(code="990102001001")
    assert village.level == Region.Level.VILLAGE
    assert village.parent.code == "990102001000"
    assert village.parent.parent.code == "990102"
    assert village.path == "/990000/990100/990102/990102001000/990102001001/"
    assert Region.objects.get(code="990000").parent is None
    assert Region.objects.get(code="990100").level == Region.Level.CITY


def test_loading_a_file_leaves_a_trace_in_the_audit_trail(tmp_path):
    load(tmp_path, SMALL_PROVINCE)

    event = AuditEvent.objects.order_by("-pk").first()
    assert event is not None
    assert event.actor_label == "load_regions"
    assert event.changes == {"regions_created": 5, "regions_updated": 0}


def test_reloading_a_file_updates_names_and_version_without_duplicates(tmp_path):
    load(tmp_path, SMALL_PROVINCE)
    count = Region.objects.count()

    renamed = SMALL_PROVINCE.replace(
        "测试社区,village,990102001000,NBS-2023", "新测试社区,village,990102001000,NBS-2024")
    output = load(tmp_path, renamed)

    assert "0 created, 5 updated" in output
    assert Region.objects.count() == count
    village = Region.objects.get(code="990102001001")
    assert (village.name, village.version) == ("新测试社区", "NBS-2024")
    assert village.path == "/990000/990100/990102/990102001000/990102001001/"


def test_parents_may_come_later_in_the_file(tmp_path):
    children_first = HEADER + (
        "990102001001,测试社区,village,990102001000,NBS-2023\n"
        "990102001000,测试街道,township,990102,NBS-2023\n"
        "990102,测试区,county,990100,NBS-2023\n"
        "990100,测试市,city,990000,NBS-2023\n"
        "990000,测试自治区,province,,NBS-2023\n"
    )
    load(tmp_path, children_first)

    village = Region.objects.get(code="990102001001")
    assert village.parent == Region.objects.get(code="990102001000")
    assert village.path == "/990000/990100/990102/990102001000/990102001001/"


def test_a_new_region_may_hang_under_a_region_already_in_the_database(tmp_path):
    load(tmp_path, HEADER + "150621999999,新建社区,village,150621001000,NBS-2023\n")

    village = Region.objects.get(code="150621999999")
    assert village.parent.code == "150621001000"
    assert village.path == "/150000/150600/150621/150621001000/150621999999/"
    assert village in Region.objects.within(Region.objects.get(code="150621"))


def test_rows_without_a_version_take_the_code_table_named_on_the_command_line(tmp_path):
    load(tmp_path, HEADER + "990000,测试自治区,province,,\n", "--code-table", "NBS-2024")

    assert Region.objects.get(code="990000").version == "NBS-2024"


def test_loading_a_small_file_does_not_query_region_by_region(tmp_path, django_assert_num_queries):
    rows = regions_parse_csv(io.StringIO(SMALL_PROVINCE))

    # Thousands of regions are already loaded; the load must not ask for each one's parent.
    # 1. every region (codes, parents, paths), 2. savepoint, 3. insert the new regions,
    # 4. link parents and paths in one update, 5. the audit event, 6. release the savepoint.
    with django_assert_num_queries(6):
        result = regions_load(rows=rows)

    assert result.created == 5


# Refusing a bad file: a clear error naming the line, and nothing written


def test_an_unknown_parent_code_is_refused_and_nothing_is_loaded(tmp_path):
    error = refused(tmp_path, SMALL_PROVINCE + "990102001002,孤儿社区,village,990102999000,NBS-2023\n")

    assert "Line 7" in error
    assert "990102999000" in error
    assert "unknown" in error
    assert not Region.objects.filter(code="990000").exists()


def test_a_level_that_does_not_descend_is_refused(tmp_path):
    error = refused(tmp_path, HEADER + (
        "990000,测试自治区,province,,NBS-2023\n"
        "990100,测试市,city,990000,NBS-2023\n"
        "990102,测试区,county,990100,NBS-2023\n"
        "990103,放错的区,county,990102,NBS-2023\n"
    ))

    assert "Line 5" in error
    assert "990103 cannot lie under 990102" in error


def test_a_region_under_a_lower_level_region_already_loaded_is_refused(tmp_path):
    error = refused(tmp_path, HEADER + "150699,倒挂的旗,county,150621001000,NBS-2023\n")

    assert "Line 2" in error
    assert "not of a higher level" in error


def test_parents_that_go_round_in_a_circle_are_refused(tmp_path):
    # A (county) under B (city), B under A: whichever way it is read, it is not a tree.
    error = refused(tmp_path, HEADER + (
        "990102,甲区,county,990100,NBS-2023\n"
        "990100,乙市,city,990102,NBS-2023\n"
    ))

    assert "Line 2: the parents of 990102 go round in a circle." in error
    assert "Line 3" in error


def test_a_region_cannot_be_its_own_parent(tmp_path):
    error = refused(tmp_path, HEADER + "990100,自己的市,city,990100,NBS-2023\n")

    assert "Line 2" in error
    assert "990100" in error


def test_a_code_that_appears_twice_is_refused(tmp_path):
    error = refused(tmp_path, SMALL_PROVINCE + "990100,另一个测试市,city,990000,NBS-2023\n")

    assert "Line 7: the code 990100 appears twice." in error
    assert not Region.objects.filter(code="990102").exists()


@pytest.mark.parametrize("bad_code", ["15A621", "1506210010001", ""])
def test_a_code_that_is_not_a_division_code_is_refused(tmp_path, bad_code):
    error = refused(tmp_path, SMALL_PROVINCE + f"{bad_code},坏代码,village,990102001000,NBS-2023\n")

    assert "Line 7" in error
    assert "is not a division code" in error


def test_a_row_without_a_name_or_with_an_unknown_level_is_refused(tmp_path):
    error = refused(tmp_path, HEADER + "990000,,province,,NBS-2023\n990100,测试市,metropolis,,NBS-2023\n")

    assert "Line 2: the region 990000 has no name." in error
    assert "Line 3: unknown level 'metropolis'" in error


def test_a_file_missing_columns_is_refused(tmp_path):
    error = refused(tmp_path, "code,name,level\n990000,测试自治区,province\n")

    assert "lacks the columns: parent_code, version" in error


def test_every_bad_line_is_named_at_once(tmp_path):
    error = refused(tmp_path, HEADER + "99A000,坏,province,,X\n990100,测试市,city,,X\n990100,重复,city,,X\n")

    assert "Line 2" in error
    assert "Line 4" in error
    assert "Line 3" not in error


def test_a_missing_file_is_refused_with_its_name(tmp_path):
    with pytest.raises(CommandError, match="no-such-file.csv"):
        call_command("load_regions", str(tmp_path / "no-such-file.csv"))


def test_the_service_raises_a_validation_error_listing_each_bad_line():
    rows = regions_parse_csv(io.StringIO(HEADER + "990101,甲区,county,990999,X\n990102,乙区,county,990998,X\n"))

    with translation.override("en"), pytest.raises(ValidationError) as error:
        regions_load(rows=rows)

    assert [m[:7] for m in error.value.messages] == ["Line 2:", "Line 3:"]


# The shipped code table, as seeded into every test database


def test_ordos_has_its_nine_county_level_regions():
    ordos = Region.objects.get(code="150600")

    assert ordos.level == Region.Level.CITY
    assert ordos.parent.code == "150000"
    assert sorted(ordos.children.values_list("code", flat=True)) == [
        "150602", "150603", "150621", "150622", "150623", "150624", "150625", "150626", "150627",
    ]
    assert set(ordos.children.values_list("level", flat=True)) == {Region.Level.COUNTY}


def test_urumqi_has_its_eight_county_level_regions():
    urumqi = Region.objects.get(code="650100")

    assert urumqi.parent.code == "650000"
    assert sorted(urumqi.children.values_list("code", flat=True)) == [
        "650102", "650103", "650104", "650105", "650106", "650107", "650109", "650121",
    ]


def test_townships_and_villages_have_twelve_digit_codes_under_their_county():
    below_county = Region.objects.filter(level__in=[Region.Level.TOWNSHIP, Region.Level.VILLAGE])

    assert below_county.filter(level=Region.Level.TOWNSHIP).count() > 0
    assert below_county.filter(level=Region.Level.VILLAGE).count() > 0
    assert all(len(code) == 12 for code in below_county.values_list("code", flat=True))
    dalate_village = Region.objects.select_related("parent").get(code="150621001001")
    assert dalate_village.level == Region.Level.VILLAGE
    assert dalate_village.parent.level == Region.Level.TOWNSHIP
    assert dalate_village.path == "/150000/150600/150621/150621001000/150621001001/"


def test_every_shipped_region_comes_from_the_2023_code_table():
    assert Region.objects.count() > 2000
    assert not Region.objects.exclude(version="NBS-2023").exists()


def test_every_shipped_path_ends_with_the_regions_own_code_under_its_parents_path():
    for code, path, parent_path in Region.objects.values_list("code", "path", "parent__path"):
        assert path == (parent_path or "/") + f"{code}/"


def test_reloading_the_shipped_file_changes_nothing():
    before = list(Region.objects.values_list("code", "name", "level", "parent_id", "path", "version"))

    call_command("load_regions", str(REGIONS_FILE), stdout=io.StringIO())

    assert list(Region.objects.values_list("code", "name", "level", "parent_id", "path", "version")) == before


# Region.clean and the subtree query


def test_a_region_cannot_be_moved_under_one_of_its_own_sub_regions():
    ordos = Region.objects.get(code="150600")
    ordos.parent = Region.objects.get(code="150621")

    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            ordos.full_clean()

        assert error.value.message_dict["parent"] == [
            "A region cannot lie inside itself or one of its own sub-regions."]


def test_a_region_cannot_be_its_own_parent_region():
    dalate = Region.objects.get(code="150621")
    dalate.parent = dalate

    with pytest.raises(ValidationError) as error:
        dalate.full_clean()

    assert "parent" in error.value.message_dict


def test_a_region_must_hang_under_a_higher_level():
    village = Region(code="150621001999", name="新社区", level=Region.Level.COUNTY, version="NBS-2023",
                     parent=Region.objects.get(code="150621001001"))

    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            village.full_clean()

        assert "higher level" in error.value.message_dict["parent"][0]


def test_a_region_code_has_digits_only():
    region = Region(code="15062X", name="坏代码", level=Region.Level.COUNTY, version="NBS-2023")

    with pytest.raises(ValidationError) as error:
        region.full_clean()

    assert "code" in error.value.message_dict


def test_within_gives_a_region_and_everything_below_it():
    dalate = Region.objects.get(code="150621")

    within = Region.objects.within(dalate)

    assert dalate in within
    assert all(code.startswith("150621") for code in within.values_list("code", flat=True))
    assert within.count() == 1 + dalate.children.count() + Region.objects.filter(parent__parent=dalate).count()
    assert not within.filter(code__in=["150600", "150624", "650105"]).exists()


def test_within_a_village_is_only_that_village():
    village = Region.objects.get(code="150621001001")

    assert list(Region.objects.within(village)) == [village]
