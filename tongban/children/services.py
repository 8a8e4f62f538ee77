"""Writes to children's files. Pages, the API and the importer all come through here."""

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from tongban.accounts.access import scope_for
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children import idnumber, rules
from tongban.children.models import (
    Child,
    ChildCategory,
    Consent,
    DifficultyCategory,
    DuplicateDecision,
    FamilyMember,
    HomeVerification,
)
from tongban.children.search import SEARCH_KEYS, name_keys, normalise_name
from tongban.children.selectors import children_visible_to
from tongban.core.versions import version_check, version_raise
from tongban.organisations.models import Project
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to

# Fields of the file that a form or an import may set directly.
CHILD_FIELDS = (
    "name", "pseudonym", "sex", "birth_date", "ethnicity", "hukou", "address", "school", "grade", "health",
    "disability", "disability_grade", "psychological_state", "welfare", "risk", "status", "region", "project",
    "assigned_worker",
)
FAMILY_FIELDS = (
    "relation", "name", "life_status", "health", "disability", "disability_grade", "condition", "condition_since",
    "condition_evidence", "works_away", "monthly_income_yuan", "is_guardian", "guardianship_quality",
)
PSEUDONYM_STEMS = "晨曦星月阳光小树苗禾朵雨露彩虹云帆春芽向日葵蒲公英萤火虫海豚小鹿"


class DuplicateSuspected(ValidationError):
    """Raised when a new file may describe a child already on record; carries the candidates."""

    def __init__(self, candidates: list[tuple[Child, str]]) -> None:
        super().__init__(_("This child may already have a file. Check the files listed below."), code="duplicate")
        self.candidates = candidates


@dataclass(frozen=True)
class IdCheck:
    number: str
    birth_date: date | None
    sex: str


def check_id_number(raw: str, *, birth_date: date | None, sex: str) -> IdCheck:
    """Validate an ID number and cross-check it against the typed birth date and sex.

    Empty is allowed (not every child has a number yet); birth date and sex are
    taken from the number when they were not typed.
    """
    if not raw or not str(raw).strip():
        return IdCheck("", birth_date, sex)
    try:
        parsed = idnumber.parse(raw)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    errors: dict[str, str] = {}
    if birth_date and birth_date != parsed.birth_date:
        errors["birth_date"] = _("The birth date %(typed)s does not match the ID number, which says %(id)s.") % {
            "typed": birth_date.isoformat(), "id": parsed.birth_date.isoformat()}
    if sex and sex != parsed.sex:
        errors["sex"] = _("The sex does not match the ID number (its 17th digit is odd for boys, even for girls).")
    if errors:
        raise ValidationError(errors)
    return IdCheck(parsed.number, parsed.birth_date, parsed.sex)


def _require_write(actor: Any) -> None:
    if not scope_for(actor).may_write("child"):
        raise PermissionDenied(_("Your account cannot change children's files."))


def _check_place(actor: Any, project: Project, region: Region) -> None:
    if not regions_visible_to(actor).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("This region is outside your working area.")})
    if not any(region.path.startswith(r.path) for r in project.regions.all()):
        raise ValidationError({"region": _("This region is not covered by the project %(project)s.")
                                % {"project": project}})


def new_pseudonym(project: Project, rng: random.Random | None = None) -> str:
    """A friendly made-up name, unique within the project, for publication and volunteers."""
    rng = rng or random.Random()
    taken = set(Child.objects.filter(project=project).values_list("pseudonym", flat=True))
    for _attempt in range(1000):
        stem = "".join(rng.sample(PSEUDONYM_STEMS, 2))
        candidate = f"{stem}{rng.randint(1, 999):03d}"
        if candidate not in taken:
            return candidate
    raise RuntimeError("no free pseudonym")


def _refuse_taken_pseudonym(child: Child) -> None:
    if child.pseudonym and Child.objects.filter(project_id=child.project_id, pseudonym=child.pseudonym).exclude(
            pk=child.pk).exists():
        raise ValidationError({"pseudonym": _("Another child of this project already has this pseudonym.")})


def _check_worker(child: Child) -> None:
    worker = child.assigned_worker
    if worker is not None and (worker.team_id is None or worker.team.project_id != child.project_id
                               or not child.region.path.startswith(worker.team.region.path)):
        raise ValidationError({"assigned_worker": _(
            "The assigned social worker must belong to the project team of the child's county.")})


def _refuse_taken_id(child: Child) -> None:
    # Checked before full_clean(), whose message for the unique constraint names the constraint, not the problem.
    if child.id_digest and Child.objects.with_id_digest(child.id_digest).exclude(pk=child.pk).exists():
        raise ValidationError({"id_number": _("A file with this ID number already exists.")})


def _apply(child: Child, fields: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in fields.items():
        if name not in CHILD_FIELDS:
            raise TypeError(f"unknown child field {name}")
        if name == "name":
            value = normalise_name(value)
        if getattr(child, name, None) != value:
            setattr(child, name, value)
            changed.append(name)
    if "name" in changed or not child.name_pinyin:
        for key, value in name_keys(child.name).items():
            setattr(child, key, value)
    return changed


@transaction.atomic
def child_register(*, actor: Any, id_number: str = "", confirmed_new: bool = False,
                   categories: list[DifficultyCategory] | None = None, **fields: Any) -> Child:
    """Open a new file. Suspected duplicates are refused until the user confirms the child is new."""
    from tongban.children.selectors import duplicate_candidates

    _require_write(actor)
    ids = check_id_number(id_number, birth_date=fields.get("birth_date"), sex=fields.get("sex", ""))
    fields["birth_date"], fields["sex"] = ids.birth_date, ids.sex
    child = Child(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _apply(child, fields)
    if not child.pseudonym and child.project_id:
        child.pseudonym = new_pseudonym(child.project)
    if ids.number:
        child.set_id_number(ids.number)
        _refuse_taken_id(child)
    _refuse_taken_pseudonym(child)
    child.full_clean(exclude=SEARCH_KEYS)
    _check_place(actor, child.project, child.region)
    _check_worker(child)
    candidates = duplicate_candidates(name=child.name, birth_date=child.birth_date, region=child.region,
                                      id_digest=child.id_digest)
    if candidates and not confirmed_new:
        raise DuplicateSuspected(candidates)
    child.save()
    if categories:
        _set_recorded_categories(child, categories)
    child_recompute_categories(child=child)
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=child,
                 changes={**{k: v for k, v in fields.items()}, "id_number": "***" if ids.number else ""})
    return child


@transaction.atomic
def child_update(*, actor: Any, child: Child, version: int | None = None, id_number: str | None = None,
                 categories: list[DifficultyCategory] | None = None, **fields: Any) -> Child:
    """Change a file. With `version`, a change made meanwhile by someone else is refused, not overwritten."""
    _require_write(actor)
    if not children_visible_to(actor).filter(pk=child.pk).exists():
        raise PermissionDenied
    if version is not None and version != child.version:
        raise ValidationError(_("Someone else changed this file while you were editing it. "
                                "Reload it to see their changes, then make yours again."), code="conflict")
    changes: dict[str, Any] = {}
    if id_number is None and child.id_encrypted and ("birth_date" in fields or "sex" in fields):
        id_number = child.id_number()  # a typed birth date or sex must still agree with the number on file
    if id_number is not None:
        ids = check_id_number(id_number, birth_date=fields.get("birth_date", child.birth_date),
                              sex=fields.get("sex", child.sex))
        if ids.number != (child.id_number() if child.id_encrypted else ""):
            child.set_id_number(ids.number)
            _refuse_taken_id(child)
            changes["id_number"] = "***"
        if ids.birth_date:
            fields["birth_date"], fields["sex"] = ids.birth_date, ids.sex
    changed = _apply(child, fields)
    if "pseudonym" in changed:
        _refuse_taken_pseudonym(child)
    child.full_clean(exclude=SEARCH_KEYS)
    if "region" in changed or "project" in changed:
        _check_place(actor, child.project, child.region)
    if {"assigned_worker", "region", "project"} & set(changed):
        _check_worker(child)
    changes.update({name: getattr(child, name) for name in changed})
    updated = Child.objects.filter(pk=child.pk, version=child.version).update(version=F("version") + 1)
    if not updated:
        raise ValidationError(_("Someone else changed this file while you were editing it. "
                                "Reload it to see their changes, then make yours again."), code="conflict")
    child.version += 1
    child.save()
    if categories is not None:
        _set_recorded_categories(child, categories)
        changes["categories"] = [c.code for c in categories]
    child_recompute_categories(child=child)
    if changes:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=child, changes=changes)
    return child


def _set_recorded_categories(child: Child, categories: list[DifficultyCategory]) -> None:
    manual = [c for c in categories if not c.is_computed]
    ChildCategory.objects.filter(child=child, source=ChildCategory.Source.RECORDED).exclude(
        category__in=manual).delete()
    have = set(ChildCategory.objects.filter(child=child).values_list("category_id", flat=True))
    ChildCategory.objects.bulk_create([
        ChildCategory(child=child, category=c, source=ChildCategory.Source.RECORDED) for c in manual
        if c.pk not in have])


def child_recompute_categories(*, child: Child, today: date | None = None) -> list[rules.Finding]:
    """Bring the computed categories in line with the file; reasons are kept in the default language."""
    today = today or date.today()
    with translation.override(settings.LANGUAGE_CODE):
        findings = rules.evaluate(child, list(child.family.all()), today)
    by_rule = {c.rule: c for c in DifficultyCategory.objects.exclude(rule="").filter(active=True)}
    wanted = {by_rule[f.rule].pk: f for f in findings if f.rule in by_rule}
    current = {cc.category_id: cc for cc in ChildCategory.objects.filter(child=child,
                                                                          source=ChildCategory.Source.COMPUTED)}
    ChildCategory.objects.filter(pk__in=[cc.pk for cid, cc in current.items() if cid not in wanted]).delete()
    for cid, finding in wanted.items():
        cc = current.get(cid)
        if cc is None:
            ChildCategory.objects.update_or_create(child=child, category_id=cid, defaults={
                "source": ChildCategory.Source.COMPUTED, "reason": finding.reason})
        elif cc.reason != finding.reason:
            cc.reason = finding.reason
            cc.save(update_fields=["reason"])
    return findings


@transaction.atomic
def family_member_save(*, actor: Any, child: Child, member: FamilyMember | None = None, phone: str | None = None,
                       version: int | None = None, **fields: Any) -> FamilyMember:
    """Add or change a family member. With `version`, a change made meanwhile by someone else is refused."""
    _require_write(actor)
    if not children_visible_to(actor).filter(pk=child.pk).exists():
        raise PermissionDenied
    is_new = member is None
    member = member or FamilyMember(child=child)
    if member.child_id != child.pk:
        raise PermissionDenied
    if not is_new:
        version_check(member, version, message=_family_changed_meanwhile())
    changed = []
    for name, value in fields.items():
        if name not in FAMILY_FIELDS:
            raise TypeError(f"unknown family field {name}")
        if name == "name":
            value = normalise_name(value)
        if getattr(member, name) != value:
            setattr(member, name, value)
            changed.append(name)
    if phone is not None:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if digits and not (7 <= len(digits) <= 12):
            raise ValidationError({"phone": _("A phone number has 7 to 12 digits.")})
        member.set_phone(digits)
        changed.append("phone")
    member.full_clean()
    if not is_new and changed:
        version_raise(member, message=_family_changed_meanwhile())
    member.save()
    child_recompute_categories(child=child)
    audit_record(actor=actor, action=AuditEvent.Action.CREATE if is_new else AuditEvent.Action.UPDATE,
                 target=member, changes={n: ("***" if n == "phone" else getattr(member, n)) for n in changed})
    return member


def _family_changed_meanwhile() -> str:
    return _("Someone else changed this file while you were editing it. "
             "Reload it to see their changes, then make yours again.")


@transaction.atomic
def family_member_delete(*, actor: Any, member: FamilyMember) -> None:
    _require_write(actor)
    child = member.child
    if not children_visible_to(actor).filter(pk=child.pk).exists():
        raise PermissionDenied
    audit_record(actor=actor, action=AuditEvent.Action.DELETE, target=member)
    member.delete()
    child_recompute_categories(child=child)


def child_reveal_id(*, actor: Any, child: Child, reason: str, what: str = "id") -> str:
    """The full ID number (or a guardian's phone), for a permitted role with a stated reason, audited."""
    if not scope_for(actor).may_reveal():
        raise PermissionDenied(_("Your role cannot see full ID numbers."))
    if not children_visible_to(actor).filter(pk=child.pk).exists():
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why you need the full number; the reason is recorded.")})
    audit_record(actor=actor, action=AuditEvent.Action.REVEAL, target=child, reason=reason[:300],
                 changes={"field": what})
    return child.id_number()


@transaction.atomic
def consent_record(*, actor: Any, child: Child, guardian_name: str, relation: str, given_on: date,
                   scopes: list[str], document: str = "") -> Consent:
    _require_write(actor)
    if not children_visible_to(actor).filter(pk=child.pk).exists():
        raise PermissionDenied
    if given_on > date.today():
        raise ValidationError({"given_on": _("The consent date cannot be in the future.")})
    if not scopes:
        raise ValidationError({"scopes": _("Tick what the guardian agreed to.")})
    consent = Consent(child=child, guardian_name=normalise_name(guardian_name), relation=relation,
                      given_on=given_on, scopes=list(scopes), document=document, recorded_by=actor)
    consent.full_clean()
    consent.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=consent,
                 changes={"child": child.pk, "scopes": list(scopes)})
    return consent


def consent_missing(child: Child, today: date | None = None) -> bool:
    """Children under 14 need a guardian's consent on file (Personal Information Protection Law)."""
    today = today or date.today()
    if child.age_on(today) >= 14:
        return False
    return not any(c.withdrawn_on is None for c in child.consents.all())


@transaction.atomic
def children_merge(*, actor: Any, keep: Child, drop: Child) -> Child:
    """Same child, two files: move family, consents and categories to `keep`; `drop` stays, marked merged."""
    _require_write(actor)
    visible = children_visible_to(actor)
    if keep.pk == drop.pk or not visible.filter(pk__in=[keep.pk, drop.pk]).count() == 2:
        raise PermissionDenied
    from tongban.cases.models import Case  # cases build on children, not the other way round

    if Case.objects.open().filter(child=keep).exists() and Case.objects.open().filter(child=drop).exists():
        raise ValidationError(_("Both files have an open case. Close or transfer one of the cases before merging."))
    Case.objects.filter(child=drop).update(child=keep)
    FamilyMember.objects.filter(child=drop).update(child=keep)
    Consent.objects.filter(child=drop).update(child=keep)
    HomeVerification.objects.filter(child=drop).update(child=keep)
    have = set(ChildCategory.objects.filter(child=keep).values_list("category_id", flat=True))
    ChildCategory.objects.filter(child=drop, category_id__in=have).delete()
    ChildCategory.objects.filter(child=drop).update(child=keep)
    drop.merged_into = keep  # leaves the one-file-per-ID constraint before its number moves over
    drop.save()
    if not keep.id_encrypted and drop.id_encrypted:
        keep.set_id_number(drop.id_number())
    keep.version += 1
    keep.save()
    child_recompute_categories(child=keep)
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=keep, changes={"merged_from": drop.pk})
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=drop, changes={"merged_into": keep.pk})
    return keep


def duplicates_mark_different(*, actor: Any, first: Child, second: Child) -> None:
    _require_write(actor)
    a, b = sorted([first.pk, second.pk])
    DuplicateDecision.objects.get_or_create(first_id=a, second_id=b, defaults={"decided_by": actor})
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=first, changes={"not_same_as": second.pk})


def children_age_out(*, today: date | None = None) -> int:
    """Mark adults as aged out (orphans still at school stay). Run daily by the task worker."""
    today = today or date.today()
    adult_birth = rules_adult_cutoff(today)
    changed = 0
    for child in Child.objects.current().filter(birth_date__lte=adult_birth, status__in=["screened", "in_service"]):
        findings = child_recompute_categories(child=child, today=today)
        if rules.has_aged_out(child, findings, today):
            Child.objects.filter(pk=child.pk).update(status="aged_out", version=F("version") + 1)
            audit_record(actor=None, actor_label="system", action=AuditEvent.Action.UPDATE, target=child,
                         changes={"status": "aged_out"})
            changed += 1
    return changed


def rules_adult_cutoff(today: date) -> date:
    try:
        return today.replace(year=today.year - rules.ADULT_AGE)
    except ValueError:
        return today.replace(year=today.year - rules.ADULT_AGE, day=28)


@transaction.atomic
def home_verification_record(*, actor: Any, child: Child, visited_on: date, child_seen: bool,
                             guardian_present: bool, notes: str = "", corrections: dict[str, Any] | None = None,
                             version: int | None = None) -> HomeVerification:
    """Record a home-verification visit; what the visitor corrected is written to the file at once."""
    _require_write(actor)
    if not children_visible_to(actor).filter(pk=child.pk).exists():
        raise PermissionDenied
    if visited_on > date.today():
        raise ValidationError({"visited_on": _("The visit date cannot be in the future.")})
    corrections = {k: v for k, v in (corrections or {}).items() if getattr(child, k, None) != v}
    if corrections:
        child_update(actor=actor, child=child, version=version, **corrections)
    visit = HomeVerification.objects.create(
        child=child, visited_on=visited_on, visitor=actor, child_seen=child_seen, guardian_present=guardian_present,
        file_confirmed=not corrections, notes=notes,
        corrections={k: str(v) for k, v in corrections.items()},
    )
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=visit,
                 changes={"child": child.pk, "corrected": sorted(corrections)})
    return visit
