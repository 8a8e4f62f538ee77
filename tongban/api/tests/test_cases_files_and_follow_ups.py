"""Photos and PDFs of a session sent with it over the API (multipart, as the page sends them), and follow-up visits
after closure: the page's forms, the case services, their checks of type and size and their audit events."""

import io
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tongban.api.tests.helpers import bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.cases.choices import Stage
from tongban.cases.models import Attachment, ServiceSession
from tongban.cases.tests.factories import bring_to, days_ago, make_case, reload

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CASE_ATTACHMENT_MAX_MB = 1


def photo() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def fields(**overrides: Any) -> dict[str, Any]:
    return {"held_on": days_ago(3).isoformat(), "kind": "home_visit", "minutes": "45", "notes": "家访，祖母在家",
            **overrides}


def send(client: Client, username: str, case_id: int, body: dict[str, Any], **extra: Any) -> Any:
    # The test client encodes a dict with files as multipart/form-data, like a browser's form.
    return client.post(f"/api/v1/cases/{case_id}/sessions", body, **bearer(token_for(username)), **extra)


def test_a_session_with_a_photo_and_a_pdf_keeps_both_without_the_photos_metadata(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    files = [SimpleUploadedFile("家访.jpg", photo()), SimpleUploadedFile("评估表.pdf", PDF)]
    response = send(client, "worker_dalate", case.pk, {**fields(), "files": files})
    assert response.status_code == 201, response.json()
    session = ServiceSession.objects.get(pk=response.json()["id"])
    kept = list(session.attachments.order_by("pk"))
    assert [a.content_type for a in kept] == ["image/jpeg", "application/pdf"]
    assert [a["name"] for a in response.json()["attachments"]] == ["家访.jpg", "评估表.pdf"]
    assert AuditEvent.objects.filter(action="create", target_type="cases.servicesession",
                                     target_id=str(session.pk), actor__username="worker_dalate").exists()


def test_a_file_that_is_neither_photo_nor_pdf_is_refused_in_chinese_and_nothing_is_written(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    body = {**fields(), "files": [SimpleUploadedFile("病毒.exe", b"MZ\x90\x00" * 10)]}
    response = send(client, "worker_dalate", case.pk, body, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["errors"]["files"][0])
    assert not ServiceSession.objects.filter(case=case).exists() and not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * (1024 * 1024 + 1))
    response = send(client, "worker_dalate", case.pk, {**fields(), "files": [big]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "larger than 1 MB" in response.json()["errors"]["files"][0]
    assert not ServiceSession.objects.filter(case=case).exists()


def test_the_form_fields_of_a_multipart_session_are_checked_like_the_pages(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    response = send(client, "worker_dalate", case.pk, fields(minutes="2"))
    assert response.status_code == 422 and response.json()["errors"]["minutes"]


def test_the_bureau_cannot_send_a_session_with_files(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    body = {**fields(), "files": [SimpleUploadedFile("评估表.pdf", PDF)]}
    assert send(client, "bureau_dalate", case.pk, body).status_code == 403
    assert send(client, "worker_etuoke", case.pk, body).status_code == 404
    assert not Attachment.objects.exists()


# Follow-up visits ---------------------------------------------------------------------------------------------

def post(client: Client, username: str, url: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, body, content_type="application/json", **bearer(token_for(username)), **extra)


def test_recording_the_last_follow_up_ends_the_case_and_is_audited(client: Client) -> None:
    case = bring_to(make_case(), Stage.FOLLOW_UP)
    follow_ups = list(case.follow_ups.order_by("months"))
    for follow_up in follow_ups:
        response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/follow-ups/{follow_up.pk}",
                        {"notes": "孩子状态稳定，按时上学"})
        assert response.status_code == 200, response.json()
        assert response.json()["done_on"] == date.today().isoformat()
        assert AuditEvent.objects.filter(action="update", target_type="cases.followup",
                                         target_id=str(follow_up.pk), actor__username="worker_dalate").exists()
    assert reload(case).stage == Stage.ENDED


def test_a_follow_up_without_notes_is_a_field_error_in_chinese(client: Client) -> None:
    case = bring_to(make_case(), Stage.FOLLOW_UP)
    follow_up = case.follow_ups.first()
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/follow-ups/{follow_up.pk}", {},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["errors"]["notes"][0])
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


def test_a_follow_up_is_refused_outside_the_area_to_read_only_roles_and_with_a_stale_etag(client: Client) -> None:
    case = bring_to(make_case(), Stage.FOLLOW_UP)
    follow_up = case.follow_ups.first()
    url = f"/api/v1/cases/{case.pk}/follow-ups/{follow_up.pk}"
    assert post(client, "worker_etuoke", url, {"notes": "x"}).status_code == 404
    assert post(client, "bureau_dalate", url, {"notes": "x"}).status_code == 403
    stale = f'"case-{case.pk}-v{reload(case).version - 1}"'
    assert post(client, "worker_dalate", url, {"notes": "x"}, HTTP_IF_MATCH=stale).status_code == 412
    follow_up.refresh_from_db()
    assert follow_up.done_on is None
