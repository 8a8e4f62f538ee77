"""Retention: files closed, moved away or aged out longer ago than the retention period are anonymised.

What stays is what the funder's figures need — sex, birth date, region down to the village, categories, risk,
status, the cases' stages, dates and minutes of service. What goes: the child's name (the pseudonym takes its
place), the ID number and its search digests, address and school, family members' names and phones, the
guardian's name on consents, session attachments (photos, scans), home-verification corrections; every free text
of the file and its cases keeps its words but not the names of the child or the family (the same Scrubber as the
documents for outsiders). Each anonymised file is written to the audit trail.

Not reached from here (see SECURITY.md): labels already written to the audit trail, which is append-only, and
screening ledgers and exports kept as files.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.cases.models import (
    Approval,
    Assessment,
    Attachment,
    Case,
    DomainScore,
    FollowUp,
    Goal,
    Plan,
    Referral,
    ServiceSession,
    StageChange,
    Task,
    Transfer,
)
from tongban.cases.services.files import storage as attachment_storage
from tongban.children.choices import Status
from tongban.children.models import Child, Consent, FamilyMember, HomeVerification
from tongban.children.outsiders import Scrubber
from tongban.children.search import name_keys
from tongban.volunteers.models import Pairing, PairingVisit

ENDED = (Status.CLOSED, Status.MOVED, Status.AGED_OUT)

# Free text, by model: (the model, the path from it to the child, its text fields).
FREE_TEXT: list[tuple[Any, str, tuple[str, ...]]] = [
    (Case, "child", ("reason", "closure_summary")),
    (StageChange, "case__child", ("comment",)),
    (Approval, "case__child", ("comment",)),
    (Transfer, "case__child", ("reason",)),
    (Assessment, "case__child", ("needs",)),
    (DomainScore, "assessment__case__child", ("notes",)),
    (Plan, "case__child", ("aim",)),
    (Goal, "plan__case__child", ("need", "description")),
    (Task, "goal__plan__case__child", ("description",)),
    (ServiceSession, "case__child", ("participants", "notes")),
    (Referral, "case__child", ("notes", "outcome")),
    (FollowUp, "case__child", ("notes",)),
    (HomeVerification, "child", ("notes",)),
    (Pairing, "child", ("purpose", "end_reason")),
    (PairingVisit, "pairing__child", ("what_was_done", "concerns")),
    (FamilyMember, "child", ("health", "condition_evidence")),
    (Consent, "child", ("document",)),
]


@dataclass
class Planned:
    """What anonymising one file changes: shown by --dry-run, done otherwise."""

    child_id: int
    pseudonym: str
    status: str
    ended_on: date
    family_members: int = 0
    phones: int = 0
    consents: int = 0
    attachments: int = 0
    texts: dict[str, int] = field(default_factory=dict)
    has_id_number: bool = False

    def summary(self) -> str:
        texts = sum(self.texts.values())
        return (f"#{self.child_id} {self.pseudonym} ({self.status}, last activity {self.ended_on}): name → pseudonym"
                f"{', ID number removed' if self.has_id_number else ''}, {self.family_members} family names and "
                f"{self.phones} phones removed, {self.consents} consents, {self.attachments} attachments deleted, "
                f"names taken out of {texts} texts")


def last_activity(child_ids: list[int]) -> dict[int, date]:
    """The last day anything happened on each file: a change to it, a case's stage, closure or session."""
    last: dict[int, date] = {}

    def later(pk: int, day: Any) -> None:
        if day is not None:
            day = day.date() if hasattr(day, "date") and callable(day.date) else day
            if pk not in last or day > last[pk]:
                last[pk] = day

    for pk, updated in Child.objects.filter(pk__in=child_ids).values_list("pk", "updated_at"):
        later(pk, timezone.localtime(updated).date())
    for row in Case.objects.filter(child_id__in=child_ids).values("child_id").annotate(
            a=Max("stage_since"), b=Max("closed_on"), c=Max("sessions__held_on"), d=Max("follow_ups__done_on")):
        for key in "abcd":
            later(row["child_id"], row[key])
    return last


def due_for_anonymisation(years: int, today: date | None = None) -> Iterator[Child]:
    """Files ended (closed, moved away, aged out) with nothing done on them for more than `years` years,
    no case still open, not anonymised yet; and the duplicates merged into them."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=round(365.25 * years))
    open_cases = Case.objects.open().values("child_id")
    candidates = list(Child.objects.current().filter(status__in=ENDED, anonymised_on__isnull=True)
                      .exclude(pk__in=open_cases).values_list("pk", flat=True))
    ended = last_activity(candidates)
    due = [pk for pk in candidates if ended[pk] < cutoff]
    merged = Child.objects.filter(merged_into_id__in=due, anonymised_on__isnull=True).values_list("pk", flat=True)
    for child in Child.objects.filter(pk__in=[*due, *merged]).order_by("pk"):
        child.ended_on = ended.get(child.pk) or ended.get(child.merged_into_id)  # type: ignore[attr-defined]
        yield child


def _scrubber(child: Child, family: list[FamilyMember]) -> Scrubber:
    return Scrubber(name=child.name, pseudonym=child.pseudonym,
                    family=[(m.name, m.get_relation_display()) for m in family if m.name])


def plan(child: Child) -> Planned:
    family = list(child.family.all())
    scrub = _scrubber(child, family)
    planned = Planned(child.pk, child.pseudonym, child.status, child.ended_on,  # type: ignore[attr-defined]
                      family_members=sum(1 for m in family if m.name),
                      phones=sum(1 for m in family if m.phone_encrypted or m.phone_masked),
                      consents=child.consents.count(), has_id_number=bool(child.id_encrypted),
                      attachments=Attachment.objects.filter(session__case__child=child).count())
    for model, path, names in FREE_TEXT:
        changed = 0
        for row in model.objects.filter(**{path: child}).values_list(*names):
            changed += sum(1 for text in row if text and scrub(text) != text)
        if changed:
            planned.texts[model._meta.label_lower] = changed
    for name in ("notes", "health", "psychological_state"):
        if getattr(child, name) and scrub(getattr(child, name)) != getattr(child, name):
            planned.texts["children.child"] = planned.texts.get("children.child", 0) + 1
    return planned


@transaction.atomic
def anonymise(*, child: Child, actor_label: str = "manage.py anonymise_closed") -> Planned:
    """Anonymise one ended file in place; recorded in the audit trail under the pseudonym."""
    planned = plan(child)
    family = list(child.family.all())
    scrub = _scrubber(child, family)
    for model, path, names in FREE_TEXT:
        for record in model.objects.filter(**{path: child}).only("pk", *names):
            new = {n: scrub(getattr(record, n)) for n in names if getattr(record, n)}
            if any(new[n] != getattr(record, n) for n in new):
                model.objects.filter(pk=record.pk).update(**new)
    FamilyMember.objects.filter(child=child).update(name="", phone_encrypted="", phone_masked="", phone_digest="")
    for consent in Consent.objects.filter(child=child):
        Consent.objects.filter(pk=consent.pk).update(guardian_name=consent.get_relation_display())
    HomeVerification.objects.filter(child=child).update(corrections={})
    store = attachment_storage()
    for attachment in Attachment.objects.filter(session__case__child=child):
        store.delete(attachment.stored_name)
        attachment.delete()
    Child.objects.filter(pk=child.pk).update(
        name=child.pseudonym, **name_keys(child.pseudonym),
        id_encrypted="", id_masked="", id_digest="", id_tail4="", id_tail5="", id_tail6="",
        address="", school="", notes=scrub(child.notes), health=scrub(child.health),
        psychological_state=scrub(child.psychological_state), anonymised_on=timezone.localdate(),
    )
    child.refresh_from_db()
    audit_record(actor=None, actor_label=actor_label, action=AuditEvent.Action.UPDATE, target=child,
                 changes={"anonymised": True, "last_activity": str(planned.ended_on),
                          "family_members": planned.family_members, "attachments_deleted": planned.attachments,
                          "texts": sum(planned.texts.values())})
    return planned
