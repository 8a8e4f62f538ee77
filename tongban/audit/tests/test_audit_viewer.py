"""Administrators read the audit trail under Administration, filter it and take it away as CSV."""

import csv
import io

import pytest

from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


def rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_audit_list_offers_filters_and_an_export(client):
    signed_in(client, "admin")

    html = client.get("/admin/audit/auditevent/?action__exact=view").content.decode()

    assert 'id="changelist-filter"' in html
    assert "/admin/audit/auditevent/export.csv?action__exact=view" in html


def test_the_export_holds_the_filtered_events_only(client):
    audit_record(actor=cast("worker_dalate"), action="reveal", reason="核对低保资格")
    audit_record(actor=cast("worker_dalate"), action="view")
    signed_in(client, "admin")

    response = client.get("/admin/audit/auditevent/export.csv?action__exact=reveal")

    assert response["Content-Type"].startswith("text/csv")
    header, *events = rows(response)
    assert header[0] in ("when", "时间")
    assert [(row[1], row[6]) for row in events] == [("worker_dalate", "核对低保资格")]


def test_a_project_admin_exports_only_what_their_own_staff_did(client):
    audit_record(actor=cast("worker_dalate"), action="view", reason="ordos staff")
    audit_record(actor=cast("worker_shuimogou"), action="view", reason="urumqi staff")
    signed_in(client, "pm_ordos")

    reasons = [row[6] for row in rows(client.get("/admin/audit/auditevent/export.csv"))[1:]]

    assert "ordos staff" in reasons and "urumqi staff" not in reasons


@pytest.mark.parametrize("username", ["lead_dalate", "bureau_ordos", "volunteer_dalate"])
def test_people_without_the_audit_right_cannot_export_it(client, username):
    signed_in(client, username)

    response = client.get("/admin/audit/auditevent/export.csv")

    assert response.status_code in (302, 403)
    assert not response.get("Content-Type", "").startswith("text/csv")


def test_formula_looking_text_in_the_trail_is_exported_as_text(client):
    audit_record(actor=cast("worker_dalate"), action="view", reason="=HYPERLINK(\"http://x\")")
    signed_in(client, "admin")

    reasons = [row[6] for row in rows(client.get("/admin/audit/auditevent/export.csv"))[1:]]

    assert "'=HYPERLINK(\"http://x\")" in reasons


def test_exporting_the_trail_is_itself_recorded(client):
    signed_in(client, "admin")

    client.get("/admin/audit/auditevent/export.csv?action__exact=login")

    event = AuditEvent.objects.filter(action="export").first()
    assert event.changes["what"] == "audit trail"
    assert event.changes["filters"] == "action__exact=login"
