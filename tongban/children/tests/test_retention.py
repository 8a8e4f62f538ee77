"""Files ended longer ago than the retention period are anonymised: dry run first, then for real, audited."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from tongban.audit.models import AuditEvent
from tongban.cases.choices import Stage
from tongban.cases.models import Attachment, Case, FollowUp, ServiceSession
from tongban.cases.services.files import storage
from tongban.cases.tests.factories import bring_to, make_case
from tongban.children.models import Child, FamilyMember
from tongban.children.selectors import children_visible_to, search_children
from tongban.children.services import consent_record
from tongban.children.tests.factories import make_member
from tongban.testing import cast

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def years_ago(years: float) -> date:
    return timezone.localdate() - timedelta(days=round(365.25 * years))


def a_file_ended(years: float, *, status: str = "closed") -> Child:
    """王子琪's file with a grandmother and a closed case whose notes name them both, last touched `years` ago."""
    case = bring_to(make_case(name="王子琪"), Stage.ENDED)
    child = case.child
    make_member(child, "p_grandmother", name="张桂兰", phone="13912345678", is_guardian=True)
    consent_record(actor=cast("lead_dalate"), child=child, guardian_name="张桂兰", relation="p_grandmother",
                   given_on=years_ago(years + 2), scopes=["records"])
    s = ServiceSession.objects.filter(case=case).first()
    ServiceSession.objects.filter(pk=s.pk).update(notes="子琪说起奶奶张桂兰时笑了。王子琪最近睡得好")
    stored = storage().save(f"cases/{case.pk}/home-visit.pdf", ContentFile(PDF))
    Attachment.objects.create(session=s, stored_name=stored, original_name="家访.pdf", content_type="application/pdf",
                              size=len(PDF), uploaded_by=cast("worker_dalate"))
    day = years_ago(years)
    Case.objects.filter(pk=case.pk).update(stage_since=day, closed_on=day)
    ServiceSession.objects.filter(case=case).update(held_on=day)
    FollowUp.objects.filter(case=case).update(done_on=day, due_on=day)
    Child.objects.filter(pk=child.pk).update(status=status, updated_at=timezone.now() - (timezone.localdate() - day))
    return Child.objects.get(pk=child.pk)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("anonymise_closed", *args, stdout=out)
    return out.getvalue()


def test_a_file_closed_longer_ago_than_the_period_is_anonymised():
    child = a_file_ended(6)

    run("--years", "5")

    child.refresh_from_db()
    assert child.name == child.pseudonym and child.anonymised_on == timezone.localdate()
    assert (child.id_encrypted, child.id_masked, child.id_digest, child.id_tail4) == ("", "", "", "")
    assert child.address == "" and child.school == ""
    member = FamilyMember.objects.get(child=child)
    assert (member.name, member.phone_encrypted, member.phone_masked, member.phone_digest) == ("", "", "", "")
    assert child.consents.get().guardian_name == "祖母（奶奶）"


def test_names_are_taken_out_of_session_notes_and_attachments_deleted():
    child = a_file_ended(6)

    run("--years", "5")

    notes = ServiceSession.objects.filter(case__child=child).values_list("notes", flat=True)
    assert all("王子琪" not in n and "子琪" not in n and "张桂兰" not in n for n in notes)
    assert any(child.pseudonym in n and "祖母" in n for n in notes)
    assert not Attachment.objects.filter(session__case__child=child).exists()
    assert not list((Path(settings.MEDIA_ROOT)).rglob("*.pdf"))


def test_an_anonymised_child_is_no_longer_found_by_name_or_id():
    child = a_file_ended(6)
    lead = cast("lead_dalate")

    run("--years", "5")

    assert not search_children(children_visible_to(lead), "王子琪").filter(pk=child.pk).exists()
    assert not search_children(children_visible_to(lead), "13912345678").filter(pk=child.pk).exists()


@pytest.mark.parametrize("status", ["moved", "aged_out"])
def test_files_moved_away_or_aged_out_are_anonymised_too(status):
    child = a_file_ended(6, status=status)

    run("--years", "5")

    assert Child.objects.get(pk=child.pk).anonymised_on is not None


def test_a_file_ended_more_recently_is_kept():
    child = a_file_ended(4)

    run("--years", "5")

    assert Child.objects.get(pk=child.pk).name == "王子琪"


def test_a_file_still_in_service_is_kept_however_old():
    child = a_file_ended(6, status="in_service")

    run("--years", "5")

    assert Child.objects.get(pk=child.pk).anonymised_on is None


def test_the_dry_run_says_what_would_change_and_changes_nothing():
    child = a_file_ended(6)
    events = AuditEvent.objects.count()

    out = run("--years", "5", "--dry-run")

    assert f"would anonymise #{child.pk} {child.pseudonym}" in out
    assert "ID number removed, 1 family names and 1 phones removed, 1 consents, 1 attachments deleted" in out
    assert "王子琪" not in out and "张桂兰" not in out
    assert Child.objects.get(pk=child.pk).name == "王子琪"
    assert AuditEvent.objects.count() == events


def test_each_anonymised_file_is_in_the_audit_trail_under_its_pseudonym():
    child = a_file_ended(6)

    run("--years", "5")

    event = AuditEvent.objects.get(target_type="children.child", target_id=str(child.pk), changes__anonymised=True)
    assert event.target_label == child.pseudonym and event.actor_label == "manage.py anonymise_closed"


def test_running_again_changes_nothing_more():
    a_file_ended(6)
    run("--years", "5")

    assert run("--years", "5").strip().endswith("0 files ended more than 5 years ago anonymised.")


def test_the_period_is_at_least_a_year():
    with pytest.raises(CommandError):
        run("--years", "0")
