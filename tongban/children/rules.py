"""Categories that the law defines are computed from the file, never typed in.

Each rule returns a Finding with the reason in words, so the file can say why a
child is (or is no longer) in a category.
  - orphan (孤儿): under 18 (or still at school), both parents dead or missing;
  - de-facto unsupported (事实无人抚养儿童, 民发〔2019〕62号): both parents each meet a
    condition, or one is dead/missing and the other meets one;
  - rural left-behind (农村留守儿童, 国发〔2016〕13号): under 16, rural household,
    both parents working away, or one away and the other unable to be guardian.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from tongban.children.choices import Disability, Hukou, LifeStatus, ParentCondition, Relation, Welfare

ADULT_AGE = 18
LEFT_BEHIND_AGE = 16
LOST_CONTACT_MONTHS = 6


@dataclass(frozen=True)
class Finding:
    rule: str
    reason: str


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def parent_condition(parent, today: date) -> str | None:  # type: ignore[no-untyped-def]
    """Why this parent cannot raise the child in the sense of 民发〔2019〕62号, or None."""
    grade = parent.disability_grade
    if grade in (1, 2) and parent.disability:
        return _("severe disability (grade %(grade)d)") % {"grade": grade}
    if grade in (3, 4) and parent.disability in (Disability.MENTAL, Disability.INTELLECTUAL):
        return _("grade %(grade)d mental or intellectual disability") % {"grade": grade}
    condition = parent.condition
    if not condition:
        return None
    if condition == ParentCondition.LOST_CONTACT:
        if parent.condition_since is None or _months_between(parent.condition_since, today) < LOST_CONTACT_MONTHS:
            return None
        return _("lost contact since %(since)s") % {"since": parent.condition_since.isoformat()}
    label = str(ParentCondition(condition).label)
    if parent.condition_since:
        return _("%(condition)s since %(since)s") % {"condition": label, "since": parent.condition_since.isoformat()}
    return label


def _gone(parent) -> bool:  # type: ignore[no-untyped-def]
    return parent.life_status in (LifeStatus.DEAD, LifeStatus.MISSING)


def _describe(parent) -> str:  # type: ignore[no-untyped-def]
    return f"{parent.get_relation_display()}：{parent.get_life_status_display()}"


def evaluate(child, family: Sequence, today: date) -> list[Finding]:  # type: ignore[no-untyped-def]
    """All categories the rules give this child today, each with its reason."""
    findings: list[Finding] = []
    age = _age(child.birth_date, today)
    father = next((m for m in family if m.relation == Relation.FATHER), None)
    mother = next((m for m in family if m.relation == Relation.MOTHER), None)
    parents = [p for p in (father, mother) if p is not None]

    if father and mother and _gone(father) and _gone(mother):
        if age < ADULT_AGE or (child.school and age >= ADULT_AGE):
            reason = f"{_describe(father)}；{_describe(mother)}"
            if age >= ADULT_AGE:
                reason += "；" + _("still at school after 18")
            findings.append(Finding("orphan", reason))
    elif father and mother and age < ADULT_AGE:
        conditions = {id(p): parent_condition(p, today) for p in parents}
        meets = [p for p in parents if conditions[id(p)]]
        gone = [p for p in parents if _gone(p)]
        if len(meets) == 2 or (len(meets) == 1 and len(gone) == 1):
            parts = [f"{p.get_relation_display()}：{conditions[id(p)]}" if conditions[id(p)] else _describe(p)
                     for p in parents]
            findings.append(Finding("de_facto_unsupported", "；".join(parts)))

    if age < LEFT_BEHIND_AGE and child.hukou == Hukou.RURAL and father and mother:
        away = [p for p in parents if p.life_status == LifeStatus.ALIVE and p.works_away]
        unable = [p for p in parents if p not in away and (_gone(p) or parent_condition(p, today))]
        if len(away) == 2:
            findings.append(Finding("left_behind", _("both parents work away from home; rural household; under 16")))
        elif len(away) == 1 and len(unable) == 1:
            findings.append(Finding("left_behind", _(
                "%(away)s works away from home and %(other)s cannot act as guardian; rural household; under 16")
                % {"away": away[0].get_relation_display(), "other": unable[0].get_relation_display()}))

    if child.disability and age < ADULT_AGE:
        grade = f" {child.get_disability_grade_display()}" if child.disability_grade else ""
        findings.append(Finding("own_disability", _("the child's own disability: %(kind)s") % {
            "kind": f"{child.get_disability_display()}{grade}"}))
    welfare = set(child.welfare or [])
    if Welfare.DIBAO in welfare:
        findings.append(Finding("welfare_dibao", _("the family receives the minimum living allowance (低保)")))
    if Welfare.TEKUN in welfare:
        findings.append(Finding("welfare_tekun", _("the family receives extreme-poverty support (特困)")))
    for rule, condition in (("parent_in_prison", ParentCondition.IN_PRISON),
                            ("parent_drugs", ParentCondition.DRUG_REHAB)):
        who = [p.get_relation_display() for p in parents if p.condition == condition]
        if who:
            findings.append(Finding(rule, f"{'、'.join(who)}：{ParentCondition(condition).label}"))
    return findings


def has_aged_out(child, findings: Sequence[Finding], today: date) -> bool:  # type: ignore[no-untyped-def]
    """Adults leave the programme, except orphans whose support continues while at school."""
    return _age(child.birth_date, today) >= ADULT_AGE and not any(f.rule == "orphan" for f in findings)
