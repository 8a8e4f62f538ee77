"""Photos and PDFs of sessions: the content decides the type, size is limited, where a photo was taken is removed."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tongban.cases import services
from tongban.cases.choices import Stage
from tongban.cases.models import Attachment
from tongban.cases.tests.factories import bring_to, make_case, reload, session
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CASE_ATTACHMENT_MAX_MB = 1


def photo_with_gps(fmt: str = "JPEG") -> bytes:
    image = Image.new("RGB", (40, 30), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (39.0, 51.0, 0.0), 3: "E", 4: (109.0, 58.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def a_session():
    case = bring_to(make_case(), Stage.INTERVENTION)
    return case, session(case)


def test_a_photo_is_kept_without_its_gps_position_or_camera():
    case, s = a_session()
    assert Image.open(io.BytesIO(photo_with_gps())).getexif().get_ifd(GPS_IFD)

    worker = cast("worker_dalate")
    kept = services.attachment_add(actor=worker, session=s, upload=upload("家访.jpg", photo_with_gps()))

    data = services.attachment_read(actor=cast("worker_dalate"), attachment=kept).read()
    assert kept.content_type == "image/jpeg"
    assert not Image.open(io.BytesIO(data)).getexif()
    assert b"Exif" not in data and b"PhoneMaker" not in data
    assert Image.open(io.BytesIO(data)).size == (40, 30)


def test_a_png_is_also_kept_without_metadata():
    _case, s = a_session()

    png = upload("画.png", photo_with_gps("PNG"))
    kept = services.attachment_add(actor=cast("worker_dalate"), session=s, upload=png)

    data = services.attachment_read(actor=cast("worker_dalate"), attachment=kept).read()
    assert kept.content_type == "image/png" and b"PhoneMaker" not in data


def test_a_pdf_is_kept_as_it_is():
    _case, s = a_session()

    kept = services.attachment_add(actor=cast("worker_dalate"), session=s, upload=upload("评估表.pdf", PDF))

    assert kept.content_type == "application/pdf"
    assert services.attachment_read(actor=cast("worker_dalate"), attachment=kept).read() == PDF


@pytest.mark.parametrize(("name", "data"), [
    ("照片.jpg", b"MZ\x90\x00 this is a program"),
    ("notes.pdf", b"<html><script>alert(1)</script></html>"),
    ("表格.xlsx", b"PK\x03\x04 a spreadsheet"),
])
def test_a_file_that_is_not_a_photo_or_pdf_is_refused_whatever_its_name(name, data):
    _case, s = a_session()

    with pytest.raises(ValidationError) as refused:
        services.attachment_add(actor=cast("worker_dalate"), session=s, upload=upload(name, data))

    assert "files" in refused.value.message_dict
    assert not Attachment.objects.filter(session=s).exists()


def test_a_file_larger_than_the_limit_is_refused():
    _case, s = a_session()
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)

    with pytest.raises(ValidationError) as refused:
        services.attachment_add(actor=cast("worker_dalate"), session=s, upload=upload("大文件.pdf", big))

    assert "1 MB" in refused.value.message_dict["files"][0]


def test_a_damaged_photo_is_refused():
    _case, s = a_session()

    with pytest.raises(ValidationError):
        services.attachment_add(actor=cast("worker_dalate"), session=s,
                                upload=upload("坏.jpg", b"\xff\xd8\xff\xe0junk"))


def test_a_wrong_file_refuses_the_whole_session_form_and_keeps_what_was_typed(client):
    case = bring_to(make_case(), Stage.INTERVENTION)
    signed_in(client, "worker_dalate")

    response = client.post(f"/cases/{case.pk}/sessions/new/", {
        "held_on": case.opened_on.isoformat(), "kind": "counselling", "minutes": 45, "notes": "第三次面谈",
        "files": [upload("x.jpg", b"not an image")]})

    assert response.status_code == 200
    assert "files" in response.context["form"].errors
    assert "第三次面谈" in response.content.decode()
    assert not reload(case).sessions.exists()


def test_a_session_with_photos_from_the_page(client):
    case = bring_to(make_case(), Stage.INTERVENTION)
    signed_in(client, "worker_dalate")

    client.post(f"/cases/{case.pk}/sessions/new/", {
        "held_on": case.opened_on.isoformat(), "kind": "home_visit", "minutes": 60, "notes": "家访",
        "files": [upload("a.jpg", photo_with_gps()), upload("b.pdf", PDF)]})

    assert sorted(Attachment.objects.filter(session__case=case).values_list("content_type", flat=True)) == [
        "application/pdf", "image/jpeg"]


@pytest.mark.parametrize(("username", "status"), [
    ("worker_dalate", 200), ("lead_dalate", 200), ("worker_etuoke", 404), ("volunteer_dalate", 404),
    ("bureau_ordos", 403)])
def test_attachments_are_served_only_through_the_access_door(client, username, status):
    _case, s = a_session()
    kept = services.attachment_add(actor=cast("worker_dalate"), session=s, upload=upload("a.jpg", photo_with_gps()))
    signed_in(client, username)

    response = client.get(f"/cases/attachments/{kept.pk}/")

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/jpeg" and "no-store" in response["Cache-Control"]


def test_anonymous_visitors_get_no_attachment(client):
    _case, s = a_session()
    kept = services.attachment_add(actor=cast("worker_dalate"), session=s, upload=upload("a.pdf", PDF))

    response = client.get(f"/cases/attachments/{kept.pk}/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("username", "shown"), [("worker_dalate", True), ("lead_dalate", True),
                                                 ("bureau_ordos", False)])
def test_the_case_page_counts_each_sessions_files_for_those_who_may_read_its_notes(client, username, shown):
    case, s = a_session()
    bare = session(case)
    for name in ("a.pdf", "b.pdf"):
        services.attachment_add(actor=cast("worker_dalate"), session=s, upload=upload(name, PDF))
    signed_in(client, username)

    lines = client.get(f"/cases/{case.pk}/").content.decode().split('<li class="record">')

    with_files = next(line for line in lines if f"/sessions/{s.pk}/" in line)
    without = next(line for line in lines if f"/sessions/{bare.pk}/" in line)
    assert (">2个附件<" in with_files) is shown
    assert "attachment" not in without and "附件" not in without
