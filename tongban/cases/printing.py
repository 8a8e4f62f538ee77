"""The printable child file (一人一档) and case file, as PDF.

A printed file holds what its pages show the same user: the child's basics, family, categories with their
reasons, consent, and for each case the user may see its intake, assessments, plan, sessions, referrals,
hand-overs and follow-ups, then the timeline. ID numbers and phones are always masked. Counselling notes are
printed only for the roles that may read them (accounts/access.py). Printed "for outsiders" (对外), the file
names the child by the pseudonym, the family by their relation, keeps addresses to the county and leaves the
counselling notes out whoever prints it (children/outsiders.py).
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation

from tongban.accounts.access import may_read_counselling_notes
from tongban.cases.models import Case, StageChange
from tongban.cases.selectors import Event, assessment_comparison, cases_in_full, child_timeline, scores_in_order
from tongban.cases.wording import event_words
from tongban.children import rules
from tongban.children.models import Child
from tongban.children.outsiders import Scrubber, county_label, outsider_id, outsider_phone
from tongban.children.selectors import children_visible_to
from tongban.core.pdf import html_to_pdf

CASE_EVENTS = {"case_opened", "plan_approved", "case_closed", "assessment", "session", "referral", "transfer",
               "follow_up"}


def child_file_pdf(user: Any, child: Child, *, outsider: bool, today: date | None = None) -> bytes:
    """The whole file of a child loaded by child_file(); only the cases this user may see."""
    cases = list(_cases(user).filter(child=child).order_by("opened_on", "pk"))
    return _pdf(user, child, cases, child_timeline(user, child), outsider=outsider, kind="child", today=today)


def case_file_pdf(user: Any, case: Case, *, outsider: bool, today: date | None = None) -> bytes:
    """One case loaded by case_file(), with its child's basics; the family and categories only for those who
    may open the child's file itself."""
    full = _cases(user).get(pk=case.pk)
    child = children_visible_to(user).select_related("project", "region__parent__parent").prefetch_related(
        "family", "consents", "categories__category").filter(pk=case.child_id).first()
    timeline = [e for e in child_timeline(user, full.child) if e.kind not in CASE_EVENTS or _case_of(e) == case.pk]
    return _pdf(user, child or full.child, [full], timeline, outsider=outsider, kind="case", today=today,
                child_visible=child is not None)


def _cases(user: Any) -> Any:
    return cases_in_full(user).prefetch_related(
        Prefetch("stage_changes", StageChange.objects.select_related("changed_by")))


def _case_of(event: Event) -> int | None:
    obj = event.obj
    return obj.pk if isinstance(obj, Case) else getattr(obj, "case_id", None)


def _pdf(user: Any, child: Child, cases: list[Case], timeline: list[Event], *, outsider: bool, kind: str,
         today: date | None, child_visible: bool = True) -> bytes:
    today = today or date.today()
    with translation.override(settings.LANGUAGE_CODE):
        family = list(child.family.all()) if child_visible else []
        findings = {f.rule: f.reason for f in rules.evaluate(child, family, today)} if child_visible else {}
        categories = [(cc, findings.get(cc.category.rule, cc.reason) if cc.category.rule else "")
                      for cc in child.categories.all()] if child_visible else []
        scrub = Scrubber(name=child.name, pseudonym=child.pseudonym,
                         family=[(m.name, str(m.get_relation_display())) for m in family])
        html = render_to_string("cases/print/file.html", {
            "kind": kind, "child": child, "outsider": outsider, "today": today, "age": child.age_on(today),
            "child_visible": child_visible,
            "shown_name": child.pseudonym if outsider else child.name,
            "id_shown": outsider_id(child.id_masked) if outsider else child.id_masked,
            "county": county_label(child.region),
            "family": [(m, outsider_phone(m.phone_masked) if outsider else m.phone_masked) for m in family],
            "categories": categories,
            "consents": list(child.consents.all()) if child_visible else [],
            "cases": [_case_context(c) for c in cases],
            "show_notes": may_read_counselling_notes(user) and not outsider,
            "timeline": [(e, event_words(e)) for e in timeline],
            "printed_by": user,
        })
        if outsider:
            # Names in free text (reasons, needs, summaries, the timeline) give way to the pseudonym.
            html = scrub(html)
        return html_to_pdf(html)


def _case_context(case: Case) -> dict[str, Any]:
    assessments = list(case.assessments.all())
    plan = getattr(case, "plan", None)
    return {
        "case": case, "assessments": [(a, scores_in_order(a)) for a in assessments],
        "comparison": assessment_comparison(assessments), "plan": plan,
        "goals": list(plan.goals.all()) if plan else [], "sessions": sorted(
            case.sessions.all(), key=lambda s: (s.held_on, s.pk)),
        "minutes": sum(s.minutes for s in case.sessions.all()),
        "referrals": list(case.referrals.all()), "transfers": list(case.transfers.all()),
        "follow_ups": list(case.follow_ups.all()), "stages": list(case.stage_changes.all()),
    }
