"""Screening import: a county ledger is checked row by row, then imported whole or not at all."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from openpyxl import Workbook, load_workbook

from tongban.audit.models import AuditEvent
from tongban.children.models import Child, ChildCategory, FamilyMember, ImportMapping, ScreeningBatch
from tongban.children.screening import FileRefused, build_template, read_ledger
from tongban.children.screening.mapping import remembered_for
from tongban.children.screening.rows import read_date
from tongban.children.screening.services import screening_commit, screening_confirm, screening_recheck, screening_upload
from tongban.children.tests.factories import (
    born_years_ago,
    id_number,
    id_number_ending_in_x,
    make_child,
    ordos_project,
)
from tongban.children.tests.ledgers import COUNTY_HEADERS, child_row, ledger_bytes, write_ledger
from tongban.regions.models import Region
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(tmp_path, rows, *, user="worker_dalate", county="150621", **options):  # type: ignore[no-untyped-def]
    return screening_upload(actor=cast(user), project=ordos_project(), region=Region.objects.get(code=county),
                            file_name="台账.xlsx", data=ledger_bytes(tmp_path, rows, **options))


def commit(batch: ScreeningBatch) -> ScreeningBatch:
    """What the task worker does once the user has confirmed."""
    ScreeningBatch.objects.filter(pk=batch.pk).update(state=ScreeningBatch.State.QUEUED)
    return screening_commit(batch_id=batch.pk)


def places(batch: ScreeningBatch, level: str = "error") -> set[tuple[int | None, str]]:
    return {(p["row"], p["column"]) for p in batch.problems if p["level"] == level}


def mistyped(number: str) -> str:
    return number[:-1] + ("1" if number[-1] == "0" else "0")


def mixed_rows() -> list[dict | None]:
    good_birth, other = born_years_ago(9), born_years_ago(11, days=100)
    first = child_row("王子琪", birth=good_birth, 出生年月=f"{good_birth.year}.{good_birth.month}.{good_birth.day}")
    return [
        first,  # row 3
        child_row("巴特尔", birth=other, sex="M", 出生年月=f"{other.year}年{other.month}月{other.day}日"),  # row 4
        child_row("李小雨", number=mistyped(id_number(good_birth))),  # row 5: check digit wrong
        child_row("赵思远", birth=other, 出生年月=date(2013, 1, 1).isoformat()),  # row 6: birth date contradicts ID
        child_row(""),  # row 7: empty name
        child_row("刘欣怡", 出生年月="2013-02-30", 公民身份号码=""),  # row 8: impossible date
        {**first, "序号": 7},  # row 9: row 3 again
    ]


def test_a_ledger_with_bad_rows_writes_nothing_and_reports_every_bad_row(tmp_path):
    children = Child.objects.count()
    batch = upload(tmp_path, mixed_rows())
    assert places(batch) == {(5, "公民身份号码"), (6, "出生年月"), (7, "儿童姓名"), (8, "出生年月"),
                             (9, "公民身份号码")}
    assert batch.summary["error_rows"] == 5
    batch = commit(batch)
    assert batch.state == ScreeningBatch.State.FAILED
    assert Child.objects.count() == children
    assert not Child.objects.filter(screening_batch=batch).exists()


def test_problems_name_the_row_and_the_columns_header_in_the_file(tmp_path):
    batch = upload(tmp_path, mixed_rows())
    by_row = {p["row"]: p for p in batch.problems if p["level"] == "error"}
    assert "3" in by_row[9]["message"]  # the repeated row says which row it repeats
    assert "2013-02-30" in by_row[8]["message"]


def test_a_clean_ledger_opens_every_row_once_with_family_and_categories(tmp_path):
    rows = [child_row("王子琪", 父亲状况="死亡", 母亲状况="死亡", 困境类型="孤儿"),
            child_row("巴特尔", sex="M", 民族="蒙古族", 是否享受低保="是"),
            child_row("古丽娜尔·阿不都", 监护人姓名="李秀英", 与儿童关系="母亲", 备注="随外祖母生活")]
    batch = commit(upload(tmp_path, rows))
    assert batch.state == ScreeningBatch.State.DONE and batch.created_count == 3
    children = {c.name: c for c in Child.objects.filter(screening_batch=batch)}
    assert set(children) == {"王子琪", "巴特尔", "古丽娜尔·阿不都"}
    assert ChildCategory.objects.filter(child=children["王子琪"], category__code="orphan", source="computed").exists()
    assert children["巴特尔"].welfare == ["dibao"] and children["巴特尔"].ethnicity == "蒙古族"
    mother = FamilyMember.objects.get(child=children["古丽娜尔·阿不都"], relation="mother")
    assert mother.is_guardian and mother.phone() == "13912345678"
    assert children["古丽娜尔·阿不都"].notes == "随外祖母生活" and children["王子琪"].name_initials == "wzq"
    assert children["王子琪"].name_initials_rev == "qzw" and children["王子琪"].name_pinyin_rev == "iqizgnaw"
    assert len({c.pseudonym for c in children.values()}) == 3


def test_a_clean_import_writes_one_audit_event_for_the_whole_batch(tmp_path):
    batch = commit(upload(tmp_path, [child_row("王子琪"), child_row("李小雨")]))
    events = AuditEvent.objects.filter(target_type="children.screeningbatch", target_id=str(batch.pk))
    assert [(e.action, e.changes["created"]) for e in events] == [("create", 2)]
    assert not AuditEvent.objects.filter(target_type="children.child",
                                         target_id__in=[str(c.pk) for c in batch.children.all()]).exists()


def test_importing_the_same_ledger_twice_opens_no_file_twice(tmp_path):
    rows = [child_row("王子琪"), child_row("李小雨"), child_row("刘欣怡", 公民身份号码="")]
    first = commit(upload(tmp_path, rows))
    second = upload(tmp_path, rows)
    assert second.summary["errors"] == 0 and second.summary["skipped"] == 3
    second = commit(second)
    assert (first.created_count, second.created_count) == (3, 0)
    assert Child.objects.filter(name__in=["王子琪", "李小雨", "刘欣怡"]).count() == 3


def test_a_child_already_on_file_is_skipped_and_the_others_are_imported(tmp_path):
    existing = make_child(name="陈一诺")
    rows = [child_row("陈一诺", birth=existing.birth_date, number=existing.id_number()), child_row("王子琪")]
    batch = upload(tmp_path, rows)
    assert places(batch, "skip") == {(3, "公民身份号码")} and batch.summary["errors"] == 0
    assert commit(batch).created_count == 1


def test_a_near_match_on_file_is_flagged_but_imported(tmp_path):
    existing = make_child(name="陈一诺", with_id=False)
    batch = upload(tmp_path, [child_row("陈一诺", birth=existing.birth_date)])
    assert places(batch, "warning") >= {(3, "儿童姓名")}
    assert commit(batch).created_count == 1


def test_no_id_number_or_phone_is_stored_in_plain_text(tmp_path):
    number = id_number(born_years_ago(8), "M")
    commit(upload(tmp_path, [child_row("王子琪", birth=born_years_ago(8), sex="M", number=number.lower(),
                                       监护人联系电话="13700001111")]))
    tables = [t for t in connection.introspection.table_names() if t.startswith(("children_", "audit_"))]
    with connection.cursor() as cursor:
        for table in tables:
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "  # noqa: S608
                               f"WHERE CAST({name} AS TEXT) LIKE %s OR CAST({name} AS TEXT) LIKE %s",
                               [f"%{number}%", "%13700001111%"])
                assert cursor.fetchone()[0] == 0, f"{table}.{column.name}"


def test_dates_are_read_in_every_spelling_people_use():
    spellings = [date(2013, 5, 1), 41395, 41395.0, "2013.5.1", "2013/05/01", "2013-05-01", "2013年5月1日", "20130501"]
    assert {read_date(s) for s in spellings} == {date(2013, 5, 1)}
    assert read_date("2013-02-30") == "bad"
    assert read_date("五月一日") is None


def test_date_cells_and_excel_serial_numbers_in_a_file_are_read(tmp_path):
    first, second = born_years_ago(7), born_years_ago(12)
    serial = (second - date(1899, 12, 30)).days
    batch = upload(tmp_path, [child_row("王子琪", birth=first, 出生年月=first), child_row("李小雨", birth=second,
                                                                                     出生年月=serial)])
    assert batch.summary["errors"] == 0
    assert sorted(commit(batch).children.values_list("birth_date", flat=True)) == [second, first]


def test_id_numbers_typed_in_full_width_or_with_a_small_x_are_accepted(tmp_path):
    number = id_number_ending_in_x(born_years_ago(7))
    wide = number[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x"
    batch = upload(tmp_path, [child_row("王子琪", birth=born_years_ago(7), number=wide)])
    assert batch.summary["errors"] == 0
    assert commit(batch).children.get().id_number() == number


def test_the_village_is_found_by_name_and_a_township_tells_twins_apart(tmp_path):
    township, village = "所属乡镇（街道）", "所属村（社区）"
    rows = [child_row("王子琪", **{township: "", village: "沟心召村委会"}),
            child_row("李小雨", **{township: "吉格斯太镇", village: "沟心召村"}),
            child_row("刘欣怡", **{village: "没有这个村"})]
    batch = upload(tmp_path, rows)
    assert places(batch) == {(3, "所属村（社区）"), (5, "所属村（社区）")}


def test_a_category_the_rules_do_not_confirm_is_flagged(tmp_path):
    batch = upload(tmp_path, [child_row("王子琪", 困境类型="孤儿、单亲家庭", 父亲状况="健在", 母亲状况="健在")])
    assert (3, "困境类型") in places(batch, "warning")
    child = commit(batch).children.get()
    assert set(child.categories.values_list("category__code", "source")) == {("single_parent", "recorded")}


def test_unknown_columns_are_reported_until_mapped_or_ignored(tmp_path):
    headers = [*COUNTY_HEADERS, "身高", "儿童名"]
    headers.remove("儿童姓名")
    batch = upload(tmp_path, [{**child_row("王子琪"), "儿童名": "王子琪", "身高": 130}], headers=headers)
    assert places(batch) >= {(2, "身高"), (2, "儿童名")}
    letters = {c[2]: c[1] for c in batch.mapping["columns"]}
    batch = screening_recheck(actor=cast("worker_dalate"), batch=batch,
                              chosen={letters["身高"]: "ignore", letters["儿童名"]: "name"})
    assert batch.summary["errors"] == 0


def test_the_confirmed_mapping_is_remembered_for_the_organisation_only(tmp_path):
    headers = [("儿童名" if h == "儿童姓名" else h) for h in COUNTY_HEADERS]
    batch = upload(tmp_path, [{**child_row("王子琪"), "儿童名": "王子琪"}], headers=headers)
    letter = next(c[1] for c in batch.mapping["columns"] if c[2] == "儿童名")
    batch = screening_recheck(actor=cast("worker_dalate"), batch=batch, chosen={letter: "name"})
    screening_confirm(actor=cast("worker_dalate"), batch=batch)
    assert ImportMapping.objects.get(organisation=cast("worker_dalate").organisation).headers["儿童名"] == "name"
    again = upload(tmp_path, [{**child_row("李小雨"), "儿童名": "李小雨"}], headers=headers, user="lead_dalate")
    assert again.summary["errors"] == 0
    assert {c[2]: c[4] for c in again.mapping["columns"]}["儿童名"] == "remembered"
    assert "儿童名" not in remembered_for(cast("worker_shuimogou").organisation_id)


def test_a_required_column_missing_is_reported(tmp_path):
    headers = [h for h in COUNTY_HEADERS if h != "所属村（社区）"]
    batch = upload(tmp_path, [child_row("王子琪")], headers=headers)
    assert places(batch) == {(2, "所属村（社区）")}


def test_formulas_and_merged_cells_in_the_data_are_refused(tmp_path):
    path = write_ledger(tmp_path / "l.xlsx", [child_row("王子琪"), child_row("李小雨"), child_row("刘欣怡")])
    book = load_workbook(path)
    book.active["J3"] = '=CONCATENATE("树林召镇","3号")'
    book.active.merge_cells("G4:G5")
    book.save(path)
    batch = screening_upload(actor=cast("worker_dalate"), project=ordos_project(),
                             region=Region.objects.get(code="150621"), file_name="l.xlsx", data=path.read_bytes())
    assert places(batch) == {(3, "现住址"), (4, "户籍性质")}


def test_empty_rows_are_skipped_silently(tmp_path):
    batch = upload(tmp_path, [child_row("王子琪"), None, {"序号": 3}, child_row("李小雨")])
    assert batch.summary == {**batch.summary, "rows": 2, "errors": 0, "to_create": 2}


@pytest.mark.parametrize("data", ["姓名,出生日期\n王子琪,2013-05-01\n".encode(), b"\xd0\xcf\x11\xe0old xls", b""])
def test_a_file_that_is_not_an_xlsx_workbook_is_refused_and_leaves_no_trace(data):
    batches = ScreeningBatch.objects.count()
    with pytest.raises(FileRefused):
        screening_upload(actor=cast("worker_dalate"), project=ordos_project(),
                         region=Region.objects.get(code="150621"), file_name="x.xlsx", data=data)
    assert ScreeningBatch.objects.count() == batches


def test_a_file_over_the_size_limit_is_refused(tmp_path, settings):
    settings.SCREENING_MAX_UPLOAD_MB = 1
    data = ledger_bytes(tmp_path, [child_row("王子琪")]) + b"\0" * (1024 * 1024)
    with pytest.raises(FileRefused, match="MB"):
        read_ledger(data)


def test_the_template_has_instructions_drop_downs_and_an_example_that_is_never_imported(tmp_path):
    content = build_template()
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[:2] == ["填表说明", "儿童信息"]
    assert len(book["儿童信息"].data_validations.dataValidation) >= 7
    batch = screening_upload(actor=cast("worker_dalate"), project=ordos_project(),
                             region=Region.objects.get(code="150621"), file_name="t.xlsx", data=content)
    assert batch.summary["rows"] == 0 and batch.summary["errors"] == 0


def test_a_ledger_without_a_header_row_is_refused(tmp_path):
    book = Workbook()
    book.active.append(["台账"])
    book.active.append(["王子琪", "女", "2013-05-01"])
    stream = io.BytesIO()
    book.save(stream)
    with pytest.raises(FileRefused):
        read_ledger(stream.getvalue())


# Pages


def post_ledger(client, tmp_path, rows, county="150621"):  # type: ignore[no-untyped-def]
    upload_file = SimpleUploadedFile("台账.xlsx", ledger_bytes(tmp_path, rows))
    return client.post("/children/import/", {"project": ordos_project().pk,
                                             "region": Region.objects.get(code=county).pk, "file": upload_file})


def test_worker_uploads_a_ledger_and_sees_its_preview(client, tmp_path):
    signed_in(client, "worker_dalate")
    response = post_ledger(client, tmp_path, mixed_rows())
    batch = ScreeningBatch.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/children/import/{batch.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "公民身份号码" in page.content.decode()
    assert b'disabled aria-disabled="true"' in page.content


def test_bureau_official_may_not_import(client, tmp_path):
    signed_in(client, "bureau_ordos")
    assert client.get("/children/import/").status_code == 403
    assert post_ledger(client, tmp_path, [child_row("王子琪")]).status_code == 403


def test_worker_may_not_import_into_another_banner(client, tmp_path):
    signed_in(client, "worker_dalate")
    batches = ScreeningBatch.objects.count()
    assert post_ledger(client, tmp_path, [child_row("王子琪")], county="150624").status_code == 404
    assert ScreeningBatch.objects.count() == batches


def test_another_banners_batch_is_not_found(client, tmp_path):
    batch = upload(tmp_path, [child_row("王子琪")])
    signed_in(client, "worker_etuoke")
    assert client.get(f"/children/import/{batch.pk}/").status_code == 404
    assert client.post(f"/children/import/{batch.pk}/confirm/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    for url in ["/children/import/", "/children/import/template.xlsx", "/children/import/1/progress/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/")


def test_the_template_downloads_as_xlsx(client):
    signed_in(client, "worker_dalate")
    response = client.get("/children/import/template.xlsx")
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert "attachment" in response["Content-Disposition"]


def test_an_oversized_upload_gets_a_clear_message_on_the_form(client, tmp_path, settings):
    settings.SCREENING_MAX_UPLOAD_MB = 1
    signed_in(client, "worker_dalate")
    big = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"\0" * (1024 * 1024 + 1))
    response = client.post("/children/import/", {"project": ordos_project().pk,
                                                 "region": Region.objects.get(code="150621").pk, "file": big})
    assert response.status_code == 200 and "MB" in response.content.decode()


def test_confirming_queues_the_import_and_the_task_worker_writes_it(client, tmp_path, monkeypatch):
    # As in core's task test: inside the test's transaction the worker must keep its connection.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    signed_in(client, "worker_dalate")
    post_ledger(client, tmp_path, [child_row("王子琪"), child_row("李小雨")])
    batch = ScreeningBatch.objects.latest("pk")
    response = client.post(f"/children/import/{batch.pk}/confirm/")
    assert response["Location"] == f"/children/import/{batch.pk}/progress/"
    assert b"<progress" in client.get(response["Location"]).content
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    batch.refresh_from_db()
    assert (batch.state, batch.created_count) == (ScreeningBatch.State.DONE, 2)
    assert f"/children/?batch={batch.pk}".encode() in client.get(response["Location"]).content


def test_confirming_is_refused_while_problems_remain(client, tmp_path):
    signed_in(client, "worker_dalate")
    post_ledger(client, tmp_path, mixed_rows())
    batch = ScreeningBatch.objects.latest("pk")
    assert client.post(f"/children/import/{batch.pk}/confirm/")["Location"] == f"/children/import/{batch.pk}/"
    batch.refresh_from_db()
    assert batch.state == ScreeningBatch.State.PREVIEW


def test_files_opened_after_the_preview_are_skipped_at_commit(tmp_path):
    birth = born_years_ago(10)
    number = id_number(birth)
    batch = upload(tmp_path, [child_row("王子琪", birth=birth, number=number), child_row("李小雨")])
    make_child(name="王子琪", id_number=number)  # registered by hand while the ledger waited
    batch = commit(batch)
    assert (batch.state, batch.created_count, batch.summary["skipped"]) == ("done", 1, 1)


def test_the_worker_checks_every_row_again_when_the_previews_reading_is_gone(tmp_path):
    batch = upload(tmp_path, [child_row("王子琪"), child_row("李小雨")])
    for leftover in (tmp_path / "media" / "screening").glob("*.checked"):
        leftover.unlink()
    batch = commit(batch)
    assert (batch.state, batch.created_count, batch.rows_done, batch.rows_total) == ("done", 2, 2, 2)


def test_the_progress_page_shows_how_many_rows_are_saved(client, tmp_path):
    batch = upload(tmp_path, [child_row("王子琪")])
    ScreeningBatch.objects.filter(pk=batch.pk).update(state=ScreeningBatch.State.RUNNING)
    progress_file = next((tmp_path / "media" / "screening").glob("*.xlsx.enc")).with_suffix(".progress")
    progress_file.write_text("450 900")
    signed_in(client, "worker_dalate")
    response = client.get(f"/children/import/{batch.pk}/progress/")
    assert b'max="900" value="450"' in response.content and response["Refresh"] == "2"


def test_the_uploaded_ledger_is_kept_encrypted(tmp_path):
    number = id_number(born_years_ago(6))
    upload(tmp_path, [child_row("王子琪", birth=born_years_ago(6), number=number)])
    for stored in (tmp_path / "media" / "screening").iterdir():
        assert stored.read_bytes()[:2] != b"PK" and number.encode() not in stored.read_bytes()


def test_duplicates_on_file_and_inside_the_ledger_are_each_reported_on_their_own_row(tmp_path):
    on_file = make_child(name="陈一诺")
    twin = make_child(name="周思远", with_id=False, birth_date=born_years_ago(10))
    birth = born_years_ago(7)
    rows = [
        child_row("陈一诺", birth=on_file.birth_date, number=on_file.id_number()),  # row 3: on file by ID number
        child_row("周思远", birth=twin.birth_date, 公民身份号码="", **{"所属乡镇（街道）": twin.region.parent.name,
                                                                 "所属村（社区）": twin.region.name}),  # row 4: on file
        # by name, birth date and village
        child_row("赵天宇", birth=birth, sex="M"),  # row 5
        child_row("赵天宇", birth=birth, sex="M"),  # row 6: row 5's name and birth date, another ID number
        child_row("王子琪"),  # row 7
    ]
    batch = upload(tmp_path, rows)
    assert places(batch, "skip") == {(3, "公民身份号码"), (4, "儿童姓名")}
    assert (6, "儿童姓名") in places(batch, "warning") and (5, "儿童姓名") not in places(batch, "warning")
    message = next(p["message"] for p in batch.problems if p["row"] == 6 and p["level"] == "warning")
    assert "第 5 行" in message or "Row 5" in message
    assert commit(batch).created_count == 3


def test_the_same_id_number_twice_in_a_ledger_is_refused_on_the_second_row(tmp_path):
    number = id_number(born_years_ago(7), "M")
    rows = [child_row("赵天宇", birth=born_years_ago(7), sex="M", number=number),
            child_row("赵天雨", birth=born_years_ago(7), sex="M", number=number)]
    batch = upload(tmp_path, rows)
    assert places(batch) == {(4, "公民身份号码")}
    message = next(p["message"] for p in batch.problems if p["row"] == 4)
    assert "第 3 行" in message or "row 3" in message


def test_a_name_that_sounds_the_same_with_the_same_birth_date_on_file_is_flagged(tmp_path):
    existing = make_child(name="陈一诺", with_id=False)
    batch = upload(tmp_path, [child_row("陈依诺", birth=existing.birth_date), child_row("王子琪")])
    assert places(batch, "warning") >= {(3, "儿童姓名")}
    assert (4, "儿童姓名") not in places(batch, "warning")
    assert commit(batch).created_count == 2


def test_the_command_line_import_skips_files_on_record_and_opens_each_other_child_once(tmp_path):
    from tongban.children.screening.services import screening_import_now

    on_file = make_child(name="陈一诺")
    number = id_number(born_years_ago(8), "M")
    rows = [child_row("陈一诺", birth=on_file.birth_date, number=on_file.id_number()),
            child_row("王子琪", birth=born_years_ago(8), sex="M", number=number)]
    check, batch = screening_import_now(actor=cast("lead_dalate"), project=ordos_project(),
                                        region=Region.objects.get(code="150621"), file_name="台账.xlsx",
                                        data=ledger_bytes(tmp_path, rows))
    assert batch is not None and batch.created_count == 1 and batch.summary["skipped"] == 1
    assert check.summary()["skipped"] == 1
    imported = Child.objects.get(name="王子琪")
    reference = Child()
    reference.set_id_number(number)
    for field in ("id_masked", "id_digest", "id_tail4", "id_tail5", "id_tail6"):
        assert getattr(imported, field) == getattr(reference, field)
    assert imported.id_number() == number
    events = AuditEvent.objects.filter(target_type="children.screeningbatch", target_id=str(batch.pk))
    assert [(e.action, e.changes["created"], e.changes["skipped"]) for e in events] == [("create", 1, 1)]
