"""The ledger for outsiders (对外) and the ledger locked with a password."""

import io
import zipfile

import msoffcrypto
import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from tongban.audit.models import AuditEvent
from tongban.children.ledger import OUTSIDER_HEADERS, export_ledger
from tongban.children.models import Child
from tongban.exports.protect import open_protected
from tongban.exports.tests.factories import FAMILY_NAMES, imported_children
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def cells(content: bytes) -> list[list[object]]:
    return [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def all_text(content: bytes) -> str:
    return " ".join(str(v) for row in cells(content) for v in row if v is not None)


def secrets_of(children) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    for child in children:
        found += [child.name, child.id_number(), child.id_masked, child.address, child.birth_date.isoformat()]
    return found + FAMILY_NAMES + ["13912345678", "139****5678", "大树湾", "树林召"]


def test_a_ledger_for_outsiders_holds_pseudonyms_and_no_name_id_phone_or_address(tmp_path):
    batch, children = imported_children(tmp_path)
    content = export_ledger(cast("lead_dalate"), batch.children.all(), False, outsider=True)
    rows = cells(content)
    assert rows[0] == OUTSIDER_HEADERS
    assert {r[1] for r in rows[1:]} == {c.pseudonym for c in children}
    assert {r[5] for r in rows[1:]} == {c.id_masked[:6] + "*" * 12 for c in children}
    assert {r[7] for r in rows[1:]} == {"鄂尔多斯市 达拉特旗"}
    text = all_text(content)
    for secret in secrets_of(children) + ["明轩", "子琪", "祖拜旦", "麦麦提吐尔什"]:
        assert secret not in text, secret


def test_a_ledger_for_outsiders_never_holds_full_numbers():
    with pytest.raises(ValidationError):
        export_ledger(cast("lead_dalate"), Child.objects.none(), True, reason="核对", outsider=True)


def test_the_export_page_downloads_the_ledger_for_outsiders(client, tmp_path):
    batch, children = imported_children(tmp_path)
    signed_in(client, "bureau_dalate")
    response = client.get(f"/children/export.xlsx?batch={batch.pk}&outsiders=1")
    assert response.status_code == 200 and "%E5%AF%B9%E5%A4%96" in response["Content-Disposition"]  # 对外
    text = all_text(response.content)
    assert all(c.pseudonym in text for c in children)
    assert not any(secret in text for secret in secrets_of(children))
    assert AuditEvent.objects.filter(action="export").latest("pk").changes["for_outsiders"] is True


def test_a_locked_ledger_does_not_open_without_its_password_and_opens_with_it(client, tmp_path):
    batch, children = imported_children(tmp_path)
    signed_in(client, "worker_dalate")
    response = client.post(f"/children/export.xlsx?batch={batch.pk}", {"password": "童伴-2026-secret"})
    locked = response.content
    assert response.status_code == 200
    assert not zipfile.is_zipfile(io.BytesIO(locked))  # not a workbook anyone can unzip and read
    assert children[0].name.encode() not in locked and children[0].name.encode("utf-16-le") not in locked
    with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
        open_protected(locked, "a-wrong-password")
    rows = cells(open_protected(locked, "童伴-2026-secret"))
    assert {r[1] for r in rows[1:]} == {c.name for c in children}
    assert {r[7] for r in rows[1:]} == {c.id_masked for c in children}


def test_a_locked_ledger_for_outsiders_and_full_numbers_with_a_password(client, tmp_path):
    batch, children = imported_children(tmp_path)
    signed_in(client, "lead_dalate")
    outsiders = client.post(f"/children/export.xlsx?batch={batch.pk}", {"outsiders": "on", "password": "12345678"})
    assert {r[1] for r in cells(open_protected(outsiders.content, "12345678"))[1:]} == {c.pseudonym for c in children}
    full = client.post(f"/children/export.xlsx?batch={batch.pk}", {"reason": "申请补贴", "password": "87654321"})
    assert {r[7] for r in cells(open_protected(full.content, "87654321"))[1:]} == {c.id_number() for c in children}


def test_a_password_shorter_than_eight_characters_is_refused(client, tmp_path):
    batch, _children = imported_children(tmp_path)
    signed_in(client, "worker_dalate")
    response = client.post(f"/children/export.xlsx?batch={batch.pk}", {"password": "1234"})
    assert response.status_code == 400 and "8" in response.content.decode()


def test_the_export_page_offers_the_version_for_outsiders_and_the_lock(client):
    signed_in(client, "bureau_dalate")
    page = client.get("/children/export/").content.decode()
    assert "outsiders=1" in page and 'name="password"' in page and 'name="reason"' not in page
