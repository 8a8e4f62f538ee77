"""The activities' pages: who may open what, photos kept private, lists with a fixed number of queries."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from tongban.activities.models import Activity
from tongban.activities.tests.factories import activity_type, make_activity, record
from tongban.children.tests.factories import make_child
from tongban.testing import signed_in
from tongban.volunteers.tests.factories import dalate_site, make_volunteer, village_of

pytestmark = pytest.mark.django_db


def pages(a: Activity) -> list[str]:
    return [f"/activities/{a.pk}/"]


def write_pages(a: Activity) -> list[str]:
    return [f"/activities/{a.pk}/edit/", f"/activities/{a.pk}/invite/"]


def jpeg_with_location() -> SimpleUploadedFile:
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), "orange")
    exif = Image.Exif()
    exif[0x8825] = {2: (40.0, 18.0, 0.0)}  # GPS latitude
    exif[0x010F] = "PhoneMaker"
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("party.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize("username", ["lead_dalate", "worker_dalate", "pm_ordos", "bureau_dalate", "bureau_ordos"])
def test_the_people_of_the_banner_open_the_list_and_the_activity(client, username):
    activity = make_activity()
    signed_in(client, username)

    assert client.get("/activities/").status_code == 200
    assert client.get(f"/activities/{activity.pk}/").status_code == 200


@pytest.mark.parametrize("username", ["worker_etuoke", "worker_shuimogou"])
def test_an_activity_of_another_banner_is_not_found(client, username):
    activity = make_activity()
    signed_in(client, username)

    assert [client.get(u).status_code for u in pages(activity) + write_pages(activity)] == [404, 404, 404]
    assert client.post(f"/activities/{activity.pk}/attendance/", {"walk_ins": 3}).status_code == 404


def test_the_bureau_cannot_change_an_activity(client):
    activity = make_activity()
    signed_in(client, "bureau_dalate")

    assert [client.get(u).status_code for u in write_pages(activity)] == [403, 403]
    assert client.get("/activities/new/").status_code == 403
    assert client.post(f"/activities/{activity.pk}/attendance/", {"walk_ins": 3}).status_code == 403
    assert Activity.objects.get(pk=activity.pk).walk_ins == 0


def test_anonymous_visitors_are_sent_to_sign_in(client):
    activity = make_activity()

    for url in ["/activities/", "/activities/new/", "/activities/birthdays/", *pages(activity),
                *write_pages(activity)]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_team_lead_plans_an_activity_and_records_attendance_through_the_pages(client):
    kid = make_child(name="刘小花", region=village_of(dalate_site()))
    signed_in(client, "lead_dalate")
    site = dalate_site()
    client.post("/activities/new/", {"title": "国学课堂", "type": activity_type("traditional_culture").pk,
                                     "project": site.project_id, "site": site.pk, "held_on": "2026-01-10"})
    activity = Activity.objects.get(title="国学课堂")

    client.post(f"/activities/{activity.pk}/invite/", {"children": [kid.pk]})
    client.post(f"/activities/{activity.pk}/attendance/", {"attended": [kid.pk], "walk_ins": 2})

    assert activity.attendance.get().attended and Activity.objects.get(pk=activity.pk).walk_ins == 2


def test_a_worker_sees_names_only_of_the_children_whose_files_they_may_open(client):
    kid = make_child(name="刘小花", region=village_of(dalate_site()), status="in_service")
    activity = make_activity(invite=[kid])
    signed_in(client, "worker_dalate")

    html = client.get(f"/activities/{activity.pk}/").content.decode()

    assert "刘小花" not in html and kid.pseudonym in html


def test_photos_lose_their_location_and_are_served_only_inside_the_area(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = make_activity()
    signed_in(client, "lead_dalate")
    client.post(f"/activities/{activity.pk}/photos/", {"image": jpeg_with_location(), "caption": "切蛋糕"})
    photo = activity.photos.get()

    served = client.get(f"/activities/photos/{photo.pk}/")
    assert served.status_code == 200
    assert not Image.open(io.BytesIO(b"".join(served.streaming_content))).getexif()
    signed_in(client, "worker_etuoke")
    assert client.get(f"/activities/photos/{photo.pk}/").status_code == 404


def test_a_file_that_is_not_a_photo_is_refused(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = make_activity()
    signed_in(client, "lead_dalate")

    client.post(f"/activities/{activity.pk}/photos/", {"image": SimpleUploadedFile("x.jpg", b"not a photo")})

    assert not activity.photos.exists()


def test_the_activity_list_takes_the_same_number_of_queries_for_few_or_many(client, django_assert_num_queries):
    signed_in(client, "lead_dalate")
    make_activity()
    # 1. session, 2. user, 3. team, 4. region (the scope), 5.-7. sites, types and brand lines for the
    # filters, 8. count, 9. the page of activities with their counts
    with django_assert_num_queries(9):
        client.get("/activities/")
    kids = [make_child(name=f"孩子{i}", region=village_of(dalate_site())) for i in range(3)]
    for _ in range(8):
        record(make_activity(invite=kids), came=kids[:2], walk_ins=1)
    with django_assert_num_queries(9):
        response = client.get("/activities/")
    assert response.context["page"].paginator.count >= 9


def test_the_activity_page_takes_the_same_number_of_queries_for_few_or_many_children(
        client, django_assert_num_queries):
    signed_in(client, "lead_dalate")
    small = make_activity(invite=[make_child(name="一个", region=village_of(dalate_site()))])
    big = make_activity(invite=[make_child(name=f"孩子{i}", region=village_of(dalate_site())) for i in range(10)])
    for activity in (small, big):
        activity.volunteers_present.create(volunteer=make_volunteer(f"志愿者{activity.pk}"), hours=2)
    client.get(f"/activities/{small.pk}/")

    with CaptureQueriesContext(connection) as small_page:
        client.get(f"/activities/{small.pk}/")
    with django_assert_num_queries(len(small_page.captured_queries)):
        client.get(f"/activities/{big.pk}/")
