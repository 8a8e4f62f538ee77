"""Inviting children to an activity and adding its photos over the API: the pages' selector, form and services,
the same refusals and audit events; photos sent as multipart/form-data, as the page sends them."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tongban.activities.models import ActivityPhoto, Attendance
from tongban.activities.tests.factories import make_activity
from tongban.api.tests.helpers import bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.children.tests.factories import make_child, village
from tongban.testing import cast
from tongban.volunteers.tests.factories import dalate_site, village_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def invite(client: Client, username: str | None, activity_id: int, children: list[int], *, scope: str = "read_write",
           **extra: Any) -> Any:
    headers = bearer(token_for(username, scope=scope)) if username else {}
    return client.post(f"/api/v1/activities/{activity_id}/invitations", {"children": children},
                       content_type="application/json", **headers, **extra)


def send_photo(client: Client, username: str | None, activity_id: int, body: dict[str, Any], *,
               scope: str = "read_write", **extra: Any) -> Any:
    headers = bearer(token_for(username, scope=scope)) if username else {}
    # The test client encodes a dict with files as multipart/form-data, like a browser's form.
    return client.post(f"/api/v1/activities/{activity_id}/photos", body, **headers, **extra)


def a_child_of_the_site(name: str = "刘小花") -> Any:
    return make_child(name=name, region=village_of(dalate_site()))


def jpeg_with_location() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), "orange")
    exif = Image.Exif()
    exif[0x8825] = {2: (40.0, 18.0, 0.0)}  # GPS latitude
    exif[0x010F] = "PhoneMaker"
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(out, format="PNG")
    return out.getvalue()


def invited(activity: Any) -> set[int]:
    return set(Attendance.objects.filter(activity=activity, invited=True).values_list("child_id", flat=True))


# Invitations ----------------------------------------------------------------------------------------------------

def test_a_worker_invites_children_of_the_site_and_it_is_audited(client: Client) -> None:
    activity = make_activity(days_ago=-7)
    first, second = a_child_of_the_site("刘小花"), a_child_of_the_site("王子琪")
    response = invite(client, "worker_dalate", activity.pk, [first.pk, second.pk])
    assert response.status_code == 200, response.json()
    assert invited(activity) == {first.pk, second.pk} and response.json()["invited"] == 2
    assert {row["child_id"] for row in response.json()["attendance"]} == {first.pk, second.pk}
    assert AuditEvent.objects.filter(action="update", target_type="activities.activity", target_id=str(activity.pk),
                                     actor__username="worker_dalate", changes__invited=sorted([first.pk, second.pk])
                                     ).exists()


def test_inviting_a_child_again_leaves_the_invitation_as_it_is(client: Client) -> None:
    child = a_child_of_the_site()
    activity = make_activity(days_ago=-7, invite=[child])
    changes = AuditEvent.objects.filter(target_type="activities.activity", action="update")
    before = changes.count()
    response = invite(client, "worker_dalate", activity.pk, [child.pk])
    assert response.status_code == 200 and invited(activity) == {child.pk}
    assert changes.count() == before


def test_a_child_the_invitation_page_would_not_offer_is_refused_alike_and_nobody_is_invited(
        client: Client) -> None:
    activity = make_activity(days_ago=-7)
    here = a_child_of_the_site()
    elsewhere = make_child(name="阿依古丽", region=village("150624"), actor=cast("pm_ordos"))
    answers = [invite(client, "worker_dalate", activity.pk, [here.pk, other], HTTP_ACCEPT_LANGUAGE="en")
               for other in (elsewhere.pk, 2**62)]
    assert [a.status_code for a in answers] == [422, 422]
    # A child outside the caller's area is refused in the same words as one that does not exist.
    assert answers[0].json()["errors"]["children"] == answers[1].json()["errors"]["children"]
    assert invited(activity) == set()


def test_an_empty_list_or_ids_beyond_the_databases_are_field_errors(client: Client) -> None:
    activity = make_activity(days_ago=-7)
    assert invite(client, "worker_dalate", activity.pk, []).status_code == 422
    assert invite(client, "worker_dalate", activity.pk, [2**70]).status_code == 422


def test_invitations_are_refused_outside_the_area_to_read_only_roles_and_tokens_and_to_strangers(
        client: Client) -> None:
    activity = make_activity(days_ago=-7)
    child = a_child_of_the_site()
    assert invite(client, "worker_etuoke", activity.pk, [child.pk]).status_code == 404
    assert invite(client, "bureau_dalate", activity.pk, [child.pk]).status_code == 403
    assert invite(client, "worker_dalate", activity.pk, [child.pk], scope="read").status_code == 403
    assert invite(client, None, activity.pk, [child.pk]).status_code == 401
    assert invited(activity) == set()


# Photos ---------------------------------------------------------------------------------------------------------

def test_a_photo_is_kept_without_its_location_and_it_is_audited(client: Client) -> None:
    activity = make_activity()
    body = {"image": SimpleUploadedFile("生日会.jpg", jpeg_with_location()), "caption": "孩子们一起吹蜡烛"}
    response = send_photo(client, "worker_dalate", activity.pk, body)
    assert response.status_code == 201, response.json()
    photo = ActivityPhoto.objects.get(pk=response.json()["id"])
    assert (photo.activity_id, photo.caption, response.json()["caption"]) == (activity.pk, "孩子们一起吹蜡烛",
                                                                               "孩子们一起吹蜡烛")
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()
    assert AuditEvent.objects.filter(action="create", target_type="activities.activityphoto",
                                     target_id=str(photo.pk), actor__username="worker_dalate").exists()


def test_the_photos_are_listed_with_the_activity(client: Client) -> None:
    activity = make_activity()
    photo_id = send_photo(client, "worker_dalate", activity.pk, {"image": SimpleUploadedFile("a.png", png())}
                          ).json()["id"]
    detail = client.get(f"/api/v1/activities/{activity.pk}", **bearer(token_for("worker_dalate"))).json()
    assert [p["id"] for p in detail["photos"]] == [photo_id]


def test_the_type_is_read_from_the_content_not_the_name(client: Client) -> None:
    activity = make_activity()
    renamed = send_photo(client, "worker_dalate", activity.pk, {"image": SimpleUploadedFile("scan.pdf", png())})
    disguised = send_photo(client, "worker_dalate", activity.pk,
                           {"image": SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" * 10)},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert renamed.status_code == 201
    assert disguised.status_code == 422
    assert any("\u4e00" <= ch <= "\u9fff" for ch in disguised.json()["errors"]["image"][0])
    assert ActivityPhoto.objects.filter(activity=activity).count() == 1


def test_a_photo_over_the_size_limit_is_refused(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tongban.activities.services.MAX_PHOTO_MB", 1)
    activity = make_activity()
    big = SimpleUploadedFile("big.jpg", jpeg_with_location() + b"0" * (1024 * 1024))
    response = send_photo(client, "worker_dalate", activity.pk, {"image": big}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "at most 1 MB" in response.json()["errors"]["image"][0]
    assert not ActivityPhoto.objects.exists()


def test_a_photo_sent_without_a_file_is_a_field_error(client: Client) -> None:
    activity = make_activity()
    response = client.post(f"/api/v1/activities/{activity.pk}/photos", {"caption": "x"},
                           content_type="application/json", **bearer(token_for("worker_dalate")))
    assert response.status_code == 422 and "image" in response.json()["errors"]


def test_photos_are_refused_outside_the_area_to_read_only_roles_and_tokens_and_to_strangers(client: Client) -> None:
    activity = make_activity()

    def body() -> dict[str, Any]:
        return {"image": SimpleUploadedFile("a.png", png())}
    assert send_photo(client, "worker_etuoke", activity.pk, body()).status_code == 404
    assert send_photo(client, "bureau_dalate", activity.pk, body()).status_code == 403
    assert send_photo(client, "worker_dalate", activity.pk, body(), scope="read").status_code == 403
    assert send_photo(client, None, activity.pk, body()).status_code == 401
    assert not ActivityPhoto.objects.exists()
