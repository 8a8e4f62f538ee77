"""The ledger export: only what the user may see, ID numbers masked unless revealed with a reason."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from tongban.accounts.access import scope_for
from tongban.audit.models import AuditEvent
from tongban.children.ledger import HEADERS, export_ledger
from tongban.children.models import Child, ScreeningBatch
from tongban.children.screening.services import screening_commit, screening_upload
from tongban.children.selectors import children_visible_to
from tongban.children.tests.factories import born_years_ago, make_child, ordos_project
from tongban.children.tests.ledgers import child_row, ledger_bytes
from tongban.core.spreadsheets import safe_text
from tongban.regions.models import Region
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def imported(tmp_path, count: int, *, prefix: str = "台账") -> ScreeningBatch:  # type: ignore[no-untyped-def]
    """A Dalate screening of `count` children, with parents, a guardian and categories, imported."""
    rows = [child_row(f"{prefix}{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i}", birth=born_years_ago(5 + i % 10, days=i),
                      父亲状况="死亡" if i % 2 else "外出务工", 困境类型="单亲家庭") for i in range(count)]
    batch = screening_upload(actor=cast("worker_dalate"), project=ordos_project(),
                             region=Region.objects.get(code="150621"), file_name="l.xlsx",
                             data=ledger_bytes(tmp_path, rows))
    ScreeningBatch.objects.filter(pk=batch.pk).update(state=ScreeningBatch.State.QUEUED)
    return screening_commit(batch_id=batch.pk)


def rows_of(content: bytes) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(content)).active
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_export_holds_only_the_children_in_the_users_scope(tmp_path):
    batch = imported(tmp_path, 3)
    etuoke = cast("worker_etuoke")
    rows = rows_of(export_ledger(etuoke, Child.objects.all(), False))
    assert len(rows) == children_visible_to(etuoke).count()
    assert not {r["姓名"] for r in rows} & set(batch.children.values_list("name", flat=True))
    assert all(r["所属村（社区）"] not in ("大树湾村委会",) for r in rows)


def test_export_masks_id_numbers_and_phones(tmp_path):
    batch = imported(tmp_path, 2)
    rows = rows_of(export_ledger(cast("worker_dalate"), batch.children.all(), False))
    numbers = {c.id_number() for c in batch.children.all()}
    assert {r["身份证号"] for r in rows} == set(batch.children.values_list("id_masked", flat=True))
    assert not numbers & {r["身份证号"] for r in rows}
    assert {r["监护人联系电话"] for r in rows} == {"139****5678"}


def test_export_reveals_ids_when_asked_with_a_reason_and_records_one_event(tmp_path):
    batch = imported(tmp_path, 2)
    events = AuditEvent.objects.filter(action="export").count()
    rows = rows_of(export_ledger(cast("lead_dalate"), batch.children.all(), True, reason="申请孤儿基本生活费"))
    assert {r["身份证号"] for r in rows} == {c.id_number() for c in batch.children.all()}
    event = AuditEvent.objects.filter(action="export").latest("pk")
    assert AuditEvent.objects.filter(action="export").count() == events + 1
    assert (event.reason, event.changes["count"], event.changes["full_ids"]) == ("申请孤儿基本生活费", 2, True)


def test_revealing_needs_a_reason_and_a_role_that_may_reveal(tmp_path):
    batch = imported(tmp_path, 1)
    with pytest.raises(ValidationError):
        export_ledger(cast("lead_dalate"), batch.children.all(), True, reason=" ")
    with pytest.raises(PermissionDenied):
        export_ledger(cast("bureau_ordos"), batch.children.all(), True, reason="统计")


def test_an_export_without_full_numbers_is_recorded_too(tmp_path):
    batch = imported(tmp_path, 1)
    export_ledger(cast("bureau_ordos"), batch.children.all(), False)
    event = AuditEvent.objects.filter(action="export").latest("pk")
    assert (event.actor_label, event.changes["full_ids"], event.changes["count"]) == ("bureau_ordos", False, 1)


@pytest.mark.parametrize("size", [3, 30])
def test_export_takes_the_same_number_of_queries_for_3_or_30_children(tmp_path, size, django_assert_num_queries):
    batch = imported(tmp_path, size)
    user = cast("worker_dalate")
    scope_for(user)  # computed once per request, before the export
    qs = Child.objects.filter(screening_batch=batch)
    # children with their project; their regions; the regions' ancestors; their family members; their categories;
    # the audit event
    with django_assert_num_queries(6):
        rows = rows_of(export_ledger(user, qs, False))
    assert len(rows) == size


def test_family_and_categories_are_summarised_in_the_row(tmp_path):
    batch = imported(tmp_path, 2)
    rows = {r["姓名"]: r for r in rows_of(export_ledger(cast("worker_dalate"), batch.children.all(), False))}
    assert {name[-1]: row["父亲状况"] for name, row in rows.items()} == {"0": "外出务工", "1": "死亡"}
    assert {(r["监护人姓名"], r["与儿童关系"]) for r in rows.values()} == {("张桂兰", "祖母")}
    assert all("单亲家庭" in r["困境类型"] for r in rows.values())
    assert list(rows_of(export_ledger(cast("worker_dalate"), batch.children.all(), False))[0]) == HEADERS


def test_text_that_excel_would_run_as_a_formula_is_written_as_text():
    child = make_child(name="钱多多", address="=HYPERLINK(\"http://x\")", school="+1", grade="-2", health="@SUM(A1)")
    book = load_workbook(io.BytesIO(export_ledger(cast("lead_dalate"), Child.objects.filter(pk=child.pk), False)))
    row = {h: c for h, c in zip(HEADERS, list(book.active.iter_rows(min_row=2, max_row=2))[0], strict=True)}
    assert [row[h].value for h in ("现住址", "就读学校", "年级", "健康状况")] == [
        "'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)"]
    assert all(row[h].data_type == "s" for h in ("现住址", "就读学校", "年级", "健康状况"))
    assert safe_text("王子琪") == "王子琪"


def test_an_exported_ledger_reads_back_as_already_on_file(tmp_path):
    batch = imported(tmp_path, 3)
    content = export_ledger(cast("lead_dalate"), batch.children.all(), True, reason="核对")
    again = screening_upload(actor=cast("worker_dalate"), project=ordos_project(),
                             region=Region.objects.get(code="150621"), file_name="导出.xlsx", data=content)
    assert {p["level"] for p in again.problems} == {"skip"} and again.summary["skipped"] == 3


# Pages


def test_export_page_downloads_the_filtered_ledger_with_masked_ids(client, tmp_path):
    batch = imported(tmp_path, 3)
    signed_in(client, "worker_dalate")
    response = client.get(f"/children/export.xlsx?batch={batch.pk}")
    assert response.status_code == 200 and response["Content-Type"].endswith("spreadsheetml.sheet")
    rows = rows_of(response.content)
    assert {r["姓名"] for r in rows} == set(batch.children.values_list("name", flat=True))
    assert {r["身份证号"] for r in rows} == set(batch.children.values_list("id_masked", flat=True))


def test_export_page_honours_the_search(client, tmp_path):
    batch = imported(tmp_path, 3)
    name = batch.children.order_by("pk").first().name
    signed_in(client, "worker_dalate")
    rows = rows_of(client.get("/children/export.xlsx", {"q": name, "batch": batch.pk}).content)
    assert [r["姓名"] for r in rows] == [name]


def test_export_page_reveals_with_a_reason_for_a_team_lead(client, tmp_path):
    batch = imported(tmp_path, 1)
    signed_in(client, "lead_dalate")
    assert client.post(f"/children/export.xlsx?batch={batch.pk}", {"reason": ""}).status_code == 400
    response = client.post(f"/children/export.xlsx?batch={batch.pk}", {"reason": "申请补贴"})
    assert rows_of(response.content)[0]["身份证号"] == batch.children.get().id_number()


def test_read_only_official_exports_masked_but_may_not_reveal(client, tmp_path):
    batch = imported(tmp_path, 1)
    signed_in(client, "bureau_ordos")
    assert client.get(f"/children/export.xlsx?batch={batch.pk}").status_code == 200
    assert client.post(f"/children/export.xlsx?batch={batch.pk}", {"reason": "统计"}).status_code == 403
    assert client.get("/children/export/").status_code == 200


def test_export_of_another_banners_batch_is_empty(client, tmp_path):
    batch = imported(tmp_path, 2)
    signed_in(client, "worker_etuoke")
    assert rows_of(client.get(f"/children/export.xlsx?batch={batch.pk}").content) == []


def test_volunteer_and_anonymous_may_not_export(client):
    assert client.get("/children/export.xlsx")["Location"].startswith("/accounts/")
    signed_in(client, "volunteer_dalate")
    assert client.get("/children/export.xlsx").status_code == 403


def test_exporting_a_search_by_id_number_keeps_the_number_out_of_the_audit_trail(client, tmp_path):
    batch = imported(tmp_path, 1)
    number = batch.children.get().id_number()
    signed_in(client, "worker_dalate")
    assert len(rows_of(client.get("/children/export.xlsx", {"q": number}).content)) == 1
    event = AuditEvent.objects.filter(action="export").latest("pk")
    assert number not in str(event.changes) and "q=***" in event.changes["filters"]
