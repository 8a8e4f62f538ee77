"""The summaries of the children's files stay equal to the files themselves, whatever writes them: each test writes
through one path that changes files or their categories, then compares the summaries with a count of the files and
the statistics' figures of the children with counting.py."""

import json
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection
from django.utils import timezone

from tongban.children import services as child_services
from tongban.children.models import Child, ChildCategory, DifficultyCategory
from tongban.children.tests.factories import born_years_ago, category, make_child, reload, village
from tongban.regions.models import Region
from tongban.reports import child_days
from tongban.reports.models import ChildBirthMonth, ChildCategoryDay, ChildDay
from tongban.reports.selectors import AGE_BANDS, Period, statistics
from tongban.reports.tests import counting
from tongban.reports.tests.counting import Area
from tongban.reports.tests.test_session_days import area_of
from tongban.testing import cast

pytestmark = pytest.mark.django_db

# Viewers whose children's figures come from the summaries, with the area they see ("": everything).
VIEWERS = [("bureau_ordos", "150600"), ("admin", ""), ("pm_ordos", "150600")]


def counted_from_files() -> Counter:
    found: Counter = Counter()
    tops: dict[int, set[int]] = {}
    for link in ChildCategory.objects.select_related("category"):
        tops.setdefault(link.child_id, set()).update({link.category.parent_id or link.category_id, 0})
    for c in Child.objects.filter(merged_into__isnull=True).select_related("region__parent__parent"):
        key = (timezone.localdate(c.created_at), area_of(c.region), c.project_id)
        found[("day", *key, c.sex, c.ethnicity)] += 1
        found[("birth", *key, c.birth_date.replace(day=1))] += 1
        for top in tops.get(c.pk, ()):
            found[("category", *key, top)] += 1
    return found


def summaries() -> Counter:
    found: Counter = Counter()
    for d in ChildDay.objects.exclude(files=0):
        found[("day", d.day, d.area, d.project, d.sex, d.ethnicity)] += d.files
    for b in ChildBirthMonth.objects.exclude(files=0):
        found[("birth", b.day, b.area, b.project, b.born)] += b.files
    for g in ChildCategoryDay.objects.exclude(files=0):
        found[("category", g.day, g.area, g.project, g.category)] += g.files
    return found


def this_year() -> tuple[date, date]:
    return date(date.today().year, 1, 1), date.today()


def assert_figures(period: tuple[date, date]) -> None:
    for username, code in VIEWERS:
        stats = statistics(cast(username), Period(*period))
        area = Area(Region.objects.get(code=code).path if code else "/", *period)
        for sex in ("M", "F"):
            assert stats["children_by_sex"].row(sex).values == counting.by(area, lambda c: c.sex).get(
                sex, [0, 0, 0]), username
        assert {r.key: r.values for r in stats["children_by_ethnicity"].rows} == counting.by(
            area, lambda c: c.ethnicity), username
        for low, high in AGE_BANDS:
            key = f"{low}-{high}" if high is not None else f"{low}+"
            expected = counting.by(area, lambda c, low=low, high=high, last=area.last: str(
                c.age_on(last) >= low and (high is None or c.age_on(last) <= high))).get("True", [0, 0, 0])
            assert stats["children_by_age"].row(key).values == expected, (username, key)
        for row in stats["children_by_category"].rows:
            assert row.values == counting.in_category(area, row.key), (username, row.key)
        with_any = {cc.child_id for cc in ChildCategory.objects.all()}
        assert stats["children_by_category"].total == counting.add(
            [f for pk, f in counting.child_figures(area).items() if pk in with_any]), username
        assert stats["children_by_region"].total == counting.add(list(counting.child_figures(area).values()))


def assert_exact(period: tuple[date, date] | None = None) -> None:
    """The summaries equal the files, and the viewers' figures of children equal a count of the records."""
    assert summaries() == counted_from_files()
    for model in (ChildDay, ChildBirthMonth, ChildCategoryDay):
        assert not model.objects.filter(files__lt=0).exists()
    assert_figures(period or this_year())


def test_the_summaries_start_equal_to_the_files_on_record():
    assert ChildDay.objects.exists()
    assert_exact()


def test_a_child_registered_counts_at_once_with_their_categories():
    child = make_child(name="赵小北", region=village("150621", index=4), categories=[category("single_parent")])

    assert ChildCategory.objects.filter(child=child).exists()
    assert_exact()


def test_a_file_s_region_sex_ethnicity_and_birth_date_changed_move_its_counts():
    child = make_child(name="钱小南", with_id=False)

    child_services.child_update(actor=cast("pm_ordos"), child=reload(child), region=village("150624"),
                                assigned_worker=cast("worker_etuoke"))
    assert_exact()
    child_services.child_update(actor=cast("pm_ordos"), child=reload(child), sex="M", ethnicity="蒙古族",
                                birth_date=born_years_ago(15), status="in_service")
    assert_exact()


def test_categories_recorded_changed_and_removed_move_the_counts():
    child = make_child(name="孙小西")
    subtype = DifficultyCategory.objects.filter(parent__isnull=False, active=True, rule="").first()
    assert subtype is not None

    child_services.child_update(actor=cast("lead_dalate"), child=reload(child), categories=[subtype])
    assert_exact()
    link = ChildCategory.objects.get(child=child, category=subtype)
    # Another link of the same family does not count the child twice; moving it to another category does.
    ChildCategory.objects.create(child=child, category=subtype.parent, source="recorded")
    assert_exact()
    ChildCategory.objects.filter(pk=link.pk).update(category=category("single_parent"))
    assert_exact()
    ChildCategory.objects.filter(child=child).delete()
    assert_exact()


def test_two_files_merged_count_once_under_the_kept_file():
    drop = make_child(name="周小东", region=village("150621", index=5), categories=[category("single_parent")])
    keep = make_child(name="周小东", region=village("150624", index=2), actor=cast("pm_ordos"),
                      categories=[category("single_parent")], with_id=False)

    child_services.children_merge(actor=cast("pm_ordos"), keep=keep, drop=reload(drop))

    assert reload(drop).merged_into_id == keep.pk
    assert_exact()


def test_a_file_deleted_takes_its_counts_out():
    child = make_child(name="吴小中", categories=[category("single_parent")])

    Child.objects.get(pk=child.pk).delete()

    assert_exact()


def test_files_and_links_inserted_in_bulk_as_seed_demo_and_the_importer_do_are_counted():
    template = make_child(name="郑小一")
    made = Child.objects.bulk_create([
        Child(project_id=template.project_id, region=village("150621", index=i % 7), name=f"郑小{i}",
              pseudonym=f"bulk{i:03d}", sex="MF"[i % 2], birth_date=born_years_ago(i % 19, days=i),
              ethnicity=("汉族", "蒙古族")[i % 2]) for i in range(40)])
    single, orphan = category("single_parent"), DifficultyCategory.objects.filter(parent__isnull=False).first()
    ChildCategory.objects.bulk_create([ChildCategory(child=c, category=single, source="recorded") for c in made]
                                      + [ChildCategory(child=c, category=orphan, source="recorded")
                                         for c in made[::3]])
    assert_exact()
    Child.objects.filter(pk__in=[c.pk for c in made[:10]]).update(sex="F", region=village("150624"))
    ChildCategory.objects.filter(child__in=made[10:20], category=orphan).update(category=orphan.parent)
    assert_exact()
    ChildCategory.objects.filter(child__in=made).delete()
    Child.objects.filter(pk__in=[c.pk for c in made]).delete()
    assert_exact()


def test_a_file_opened_late_in_the_evening_counts_on_its_local_day():
    child = make_child(name="冯小晚")
    evening = timezone.make_aware(datetime.combine(date.today() - timedelta(days=40), time(23, 30)))
    Child.objects.filter(pk=child.pk).update(created_at=evening)

    assert ChildDay.objects.filter(day=evening.date(), files__gt=0).exists()
    assert_exact()
    assert_exact((date.today() - timedelta(days=60), date.today() - timedelta(days=40)))
    assert_exact((date.today() - timedelta(days=39), date.today()))


def test_children_born_on_either_side_of_an_age_band_s_boundary_count_in_their_band():
    last = date.today() - timedelta(days=1)
    for years in (6, 12, 15, 18):
        for days in (-1, 0, 1):
            make_child(name=f"陈小{years}{days}", birth_date=born_years_ago(years, days=days, today=last),
                       with_id=False)

    assert_exact((date(last.year, 1, 1), last))


def test_a_category_moved_under_another_counts_its_children_there():
    subtype = DifficultyCategory.objects.filter(parent__isnull=False).first()
    other = DifficultyCategory.objects.filter(parent__isnull=True).exclude(pk=subtype.parent_id).first()

    DifficultyCategory.objects.filter(pk=subtype.pk).update(parent=other)

    assert_exact()


def test_rebuilding_the_summaries_gives_what_the_triggers_kept():
    make_child(name="褚小六", categories=[category("single_parent")])
    kept = summaries()

    child_days.rebuild(connection)

    assert summaries() == kept


def test_a_worker_s_and_a_county_s_figures_come_from_the_files_and_agree():
    period = this_year()
    make_child(name="卫小七")

    for username, code in (("worker_dalate", None), ("bureau_dalate", "150621")):
        stats = statistics(cast(username), Period(*period))
        if code:
            area = Area(Region.objects.get(code=code).path, *period)
            assert stats["children_by_region"].total == counting.add(list(counting.child_figures(area).values()))
        assert stats["children_by_sex"].total == stats["children_by_region"].total


def test_a_screening_ledger_imported_counts_every_file_and_category(tmp_path, settings):
    from tongban.children.tests.ledgers import child_row
    from tongban.children.tests.test_screening_import import commit, upload

    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [child_row("王子琪", 父亲状况="死亡", 母亲状况="死亡", 困境类型="孤儿"),
            child_row("巴特尔", sex="M", 民族="蒙古族", 是否享受低保="是"),
            child_row("古丽娜尔·阿不都", 监护人姓名="李秀英", 与儿童关系="母亲")]

    assert commit(upload(tmp_path, rows)).created_count == 3
    assert_exact()
    # The files written after the import count as before (on SQLite the import set the row triggers aside).
    make_child(name="赵小后", region=village("150621", index=5), categories=[category("single_parent")])
    assert_exact()


def test_an_import_that_fails_while_writing_leaves_the_summaries_and_their_triggers(tmp_path, settings,
                                                                                     monkeypatch):
    from tongban.children.screening import writing
    from tongban.children.tests.ledgers import child_row
    from tongban.children.tests.test_screening_import import commit, upload

    settings.MEDIA_ROOT = tmp_path / "media"
    batch = upload(tmp_path, [child_row("王子琪", 父亲状况="死亡", 母亲状况="死亡", 困境类型="孤儿")])
    insert = writing._insert

    def fail_at_the_categories(model, rows):  # type: ignore[no-untyped-def]
        if model is ChildCategory:
            raise IntegrityError("another file took the same ID number meanwhile")
        insert(model, rows)

    monkeypatch.setattr(writing, "_insert", fail_at_the_categories)

    assert commit(batch).state == "failed"
    assert not Child.objects.filter(name="王子琪", screening_batch=batch).exists()
    make_child(name="赵小后", region=village("150621", index=5), categories=[category("single_parent")])
    assert_exact()


def _plans_of_trigger_statements(run: Callable[[], object]) -> list[dict]:
    """The plans PostgreSQL used for the statements the triggers ran during `run` (auto_explain, as notices)."""
    plans: list[dict] = []

    def keep(diag: Any) -> None:
        head, _, plan = (diag.message_primary or "").partition("plan:")
        if head.startswith("duration:"):
            plans.append(json.loads(plan))

    with connection.cursor() as cursor:
        try:
            cursor.execute("LOAD 'auto_explain'")
        except DatabaseError:  # not a superuser: the module may not be loaded
            pytest.skip("auto_explain cannot be loaded by this database user")
        for setting, value in (("log_min_duration", "0"), ("log_nested_statements", "on"),
                               ("log_format", "json"), ("log_level", "notice")):
            cursor.execute(f"SET LOCAL auto_explain.{setting} = '{value}'")
    connection.connection.add_notice_handler(keep)
    try:
        run()
    finally:
        connection.connection.remove_notice_handler(keep)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL auto_explain.log_min_duration = -1")
    return plans


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for inner in plan.get("Plans", []):
        yield from _nodes(inner)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement triggers")
def test_the_files_trigger_plans_each_statement_for_the_files_it_wrote():
    """seed_demo --children 100000 stalled on PostgreSQL: PL/pgSQL planned the files' trigger once, on the first
    batch, while no child had a category yet, and kept that plan (read the links' whole table for each new file)
    for every later batch. Each statement is now planned for the rows it has when it runs."""
    template = make_child(name="郑一号")

    def written(n: int) -> float:
        """What the planner expected reading the new files to cost, for a statement writing n files."""
        plans = _plans_of_trigger_statements(lambda: Child.objects.bulk_create([
            Child(project_id=template.project_id, region=template.region, name=f"郑小{n}{i}",
                  pseudonym=f"batch{n}-{i}", sex="MF"[i % 2], birth_date=born_years_ago(8, days=i))
            for i in range(n)]))
        counted = [p for p in plans if p["Query Text"].lstrip().startswith(f"INSERT INTO {child_days.CATEGORIES}")]
        assert counted
        return sum(node["Total Cost"] for p in counted for node in _nodes(p["Plan"])
                   if node["Node Type"] == "Named Tuplestore Scan")

    one, many = written(1), written(200)
    assert many > 20 * one, "the plan of one file's statement was kept for 200 files"
    assert_exact()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigger functions")
def test_the_triggers_statements_are_run_without_compiling_them():
    """Each batch of seed_demo's files made PostgreSQL compile the triggers' statements (JIT), which took longer than
    running them; the trigger functions turn it off for themselves."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_jit_available()")
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL has no JIT")
    template = make_child(name="郑一号")
    thresholds = ("jit_above_cost", "jit_inline_above_cost", "jit_optimize_above_cost")

    def written() -> None:
        with connection.cursor() as cursor:
            for setting in thresholds:
                cursor.execute(f"SET LOCAL {setting} = 0")  # every statement dear enough to compile
        Child.objects.bulk_create([
            Child(project_id=template.project_id, region=template.region, name=f"郑小{i}", pseudonym=f"jit{i}",
                  sex="MF"[i % 2], birth_date=born_years_ago(8, days=i)) for i in range(3)])
        with connection.cursor() as cursor:
            for setting in thresholds:
                cursor.execute(f"SET LOCAL {setting} TO DEFAULT")

    plans = _plans_of_trigger_statements(written)

    counted = [p for p in plans if p["Query Text"].lstrip().startswith("INSERT INTO reports_child")]
    assert len(counted) == 3
    assert not [p for p in counted if "JIT" in p], "compiled"
    assert_exact()
