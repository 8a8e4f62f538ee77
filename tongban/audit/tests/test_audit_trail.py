import pytest
from django.db import DatabaseError, connection, transaction

from tongban.audit.middleware import current_ip
from tongban.audit.models import AuditEvent, AuditIsAppendOnly
from tongban.audit.services import audit_record, model_changes
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists only on PostgreSQL; on SQLite only the ORM guard applies",
)


def make_event(username: str = "worker_dalate") -> AuditEvent:
    # The actor opens their own account record: its label is the person's full name.
    user = cast(username)
    return audit_record(actor=user, action=AuditEvent.Action.VIEW, target=user)


def test_saving_an_existing_event_is_refused():
    event = make_event()
    event.reason = "tidied up"
    with pytest.raises(AuditIsAppendOnly):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_deleting_an_event_is_refused():
    event = make_event()
    with pytest.raises(AuditIsAppendOnly):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_changes_to_events_are_refused():
    event = make_event()
    with pytest.raises(AuditIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="someone else")
    event.actor_label = "someone else"
    with pytest.raises(AuditIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["actor_label"])
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "worker_dalate"


def test_bulk_deletion_of_events_is_refused():
    event = make_event()
    with pytest.raises(AuditIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@postgres_only
def test_the_database_refuses_raw_updates_of_events():
    event = make_event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["someone else", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "worker_dalate"


@postgres_only
def test_the_database_refuses_raw_deletion_of_events():
    event = make_event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_event_records_who_did_what_to_which_record_and_from_where():
    worker, director = cast("worker_dalate"), cast("director_dalate")
    token = current_ip.set("10.9.8.7")
    try:
        event = audit_record(
            actor=worker,
            action=AuditEvent.Action.UPDATE,
            target=director,
            changes={"phone": "13800000000", "team": worker.team},
            reason="moved village",
        )
    finally:
        current_ip.reset(token)
    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.action) == (worker, "worker_dalate", "update")
    assert (event.target_type, event.target_id, event.target_label) == ("accounts.user", str(director.pk), "李桂兰")
    assert event.changes == {"phone": "13800000000", "team": worker.team_id}
    assert event.reason == "moved village"
    assert event.ip_address == "10.9.8.7"


def test_an_event_outside_a_request_has_no_address():
    assert make_event().ip_address is None


def test_a_changed_password_is_recorded_as_changed_but_never_stored():
    user = cast("worker_dalate")
    user.set_password("a brand new secret 2026")
    event = audit_record(
        actor=cast("pm_ordos"),
        action=AuditEvent.Action.UPDATE,
        target=user,
        changes=model_changes(user, ["password", "full_name"]),
    )
    event.refresh_from_db()
    assert event.changes == {"password": "***", "full_name": "张敏"}
    assert user.password not in repr(AuditEvent.objects.filter(pk=event.pk).values().get())


def test_admin_reads_the_whole_trail(client):
    make_event("worker_etuoke")
    make_event("worker_shuimogou")
    signed_in(client, "admin")
    response = client.get("/admin/audit/auditevent/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "其木格" in page
    assert "古丽娜尔·阿不都" in page


def test_project_admin_reads_only_what_their_own_staff_did(client):
    make_event("worker_etuoke")
    make_event("worker_shuimogou")
    signed_in(client, "pm_ordos")
    response = client.get("/admin/audit/auditevent/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "其木格" in page
    assert "古丽娜尔·阿不都" not in page


def test_project_admin_cannot_open_another_project_staff_event(client):
    theirs = make_event("worker_shuimogou")
    signed_in(client, "pm_ordos")
    response = client.get(f"/admin/audit/auditevent/{theirs.pk}/change/")
    # The admin answers "does not exist" by sending the user back to its index.
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_the_trail_can_be_searched_by_who_acted(client):
    make_event("worker_etuoke")
    make_event("worker_shuimogou")
    signed_in(client, "admin")
    page = client.get("/admin/audit/auditevent/", {"q": "worker_etuoke"}).content.decode()
    assert "其木格" in page
    assert "古丽娜尔·阿不都" not in page


def test_nobody_can_add_events_in_the_admin(client):
    signed_in(client, "admin")
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert 'href="/admin/audit/auditevent/add/"' not in client.get("/admin/audit/auditevent/").content.decode()


def test_an_event_opens_read_only_and_cannot_be_changed_or_deleted(client):
    event = make_event("worker_etuoke")
    signed_in(client, "admin")
    response = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"reason": "x"}).status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.parametrize(
    "username", ["bureau_ordos", "lead_dalate", "worker_dalate", "director_dalate", "volunteer_dalate"]
)
def test_people_without_admin_rights_are_sent_to_the_admin_sign_in(client, username):
    signed_in(client, username)
    response = client.get("/admin/audit/auditevent/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_anonymous_visitors_are_sent_to_the_admin_sign_in(client):
    response = client.get("/admin/audit/auditevent/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
