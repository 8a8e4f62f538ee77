"""What a worker or team lead must do next, computed from the records each time — never stored copies.

Each section is one query (or two with its count), whatever the size of the caseload.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from tongban.accounts.access import scope_for
from tongban.accounts.models import Role
from tongban.cases.choices import OPEN_STAGES, ApprovalState, Stage
from tongban.cases.models import Approval, Assessment, Case, FollowUp, ServiceSession, Task
from tongban.cases.selectors import cases_visible_to, stage_counts
from tongban.children.choices import LifeStatus, Risk, Status
from tongban.children.models import Child, ChildCategory, DifficultyCategory, FamilyMember, HomeVerification
from tongban.children.selectors import children_visible_to

# What a category entitles a child to (any one of the listed welfare benefits).
ENTITLEMENTS: dict[str, tuple[str, ...]] = {
    "orphan": ("orphan_allowance",),
    "de_facto_unsupported": ("unsupported_allowance",),
    "difficulty_disability": ("disability_subsidy", "rehabilitation"),
}
DROPPED_OUT = "辍学"
LIST_LENGTH = 20
FOLLOW_UP_NOTICE_DAYS = 7


@dataclass
class Warnings:
    no_contact: list[Case] = field(default_factory=list)
    risk_raised: list[Child] = field(default_factory=list)
    risk_raised_count: int = 0
    welfare_gaps: list[tuple[Child, list[str]]] = field(default_factory=list)
    welfare_gaps_count: int = 0

    @property
    def count(self) -> int:
        return len(self.no_contact) + self.risk_raised_count + self.welfare_gaps_count


@dataclass
class CaseWork:
    """The case-work sections of a worker's or team lead's dashboard."""

    by_stage: list[tuple[str, str, int]]
    tasks_overdue: list[Task]
    tasks_today: list[Task]
    assessments_due: list[Case]
    follow_ups_due: list[FollowUp]
    awaiting_approval: list[Approval]
    decisions: list[Approval]
    warnings: Warnings
    is_lead: bool = False

    @property
    def open_cases(self) -> int:
        return sum(n for stage, _label, n in self.by_stage if stage in OPEN_STAGES)


def responsible_cases(user: Any) -> QuerySet[Case]:
    """A worker answers for their own cases, a team lead for the cases of the team's region."""
    qs = cases_visible_to(user)
    if scope_for(user).role == Role.WORKER:
        qs = qs.filter(worker=user)
    return qs


def responsible_children(user: Any) -> QuerySet[Child]:
    qs = children_visible_to(user)
    if scope_for(user).role == Role.WORKER:
        qs = qs.filter(assigned_worker=user)
    return qs


def case_work(user: Any, today: date | None = None) -> CaseWork | None:
    """None for people who keep no cases (bureau, child directors, volunteers)."""
    scope = scope_for(user)
    if scope.role not in (Role.WORKER, Role.TEAM_LEAD):
        return None
    today = today or date.today()
    cases = responsible_cases(user)
    counts = stage_counts(cases)
    tasks = list(Task.objects.filter(owner=user, done_on__isnull=True, due_on__lte=today,
                                     goal__plan__case__stage__in=OPEN_STAGES)
                 .select_related("goal__plan__case__child").order_by("due_on", "pk")[:50])
    is_lead = scope.role == Role.TEAM_LEAD
    return CaseWork(
        by_stage=[(value, str(label), counts.get(value, 0)) for value, label in Stage.choices],
        tasks_overdue=[t for t in tasks if t.due_on < today],
        tasks_today=[t for t in tasks if t.due_on == today],
        assessments_due=assessments_due(cases, today),
        follow_ups_due=list(FollowUp.objects.filter(case__in=cases.values("pk"), case__stage=Stage.FOLLOW_UP,
                                                    done_on__isnull=True,
                                                    due_on__lte=today + timedelta(days=FOLLOW_UP_NOTICE_DAYS))
                            .select_related("case__child").order_by("due_on", "pk")[:50]),
        awaiting_approval=list(Approval.objects.filter(state=ApprovalState.PENDING, case__in=cases.values("pk"))
                               .select_related("case__child", "submitted_by").order_by("submitted_at")[:50])
        if is_lead else [],
        decisions=[] if is_lead else list(
            Approval.objects.filter(case__in=cases.values("pk"), decided_at__date__gte=today - timedelta(days=14))
            .exclude(state=ApprovalState.PENDING).select_related("case__child", "decided_by")
            .order_by("-decided_at")[:10]),
        warnings=early_warnings(user, today),
        is_lead=is_lead,
    )


def assessments_due(cases: QuerySet[Case], today: date) -> list[Case]:
    """Cases waiting for their first assessment, or for the re-assessment of their evaluation.

    Each carries `due_on`: the day it entered the stage plus CASE_ASSESSMENT_DAYS.
    """
    none_yet = ~Exists(Assessment.objects.filter(case=OuterRef("pk")))
    none_since = ~Exists(Assessment.objects.filter(case=OuterRef("pk"), assessed_on__gte=OuterRef("stage_since")))
    due = list(cases.filter(Q(stage=Stage.ASSESSMENT) & none_yet | Q(stage=Stage.EVALUATION) & none_since)
               .select_related("child").order_by("stage_since", "pk")[:50])
    for case in due:
        case.due_on = case.stage_since + timedelta(days=settings.CASE_ASSESSMENT_DAYS)  # type: ignore[attr-defined]
        case.overdue = case.due_on < today  # type: ignore[attr-defined]
    return due


def no_contact(cases: QuerySet[Case], today: date) -> QuerySet[Case]:
    """Open cases whose child had no session or visit for longer than their risk level allows."""
    last_session = Subquery(ServiceSession.objects.filter(case=OuterRef("pk")).order_by("-held_on")
                            .values("held_on")[:1])
    last_visit = Subquery(HomeVerification.objects.filter(child=OuterRef("child_id")).order_by("-visited_on")
                          .values("visited_on")[:1])
    qs = cases.open().annotate(last_contact=Greatest(Coalesce(last_session, F("opened_on")),
                                                     Coalesce(last_visit, F("opened_on"))))
    overdue = Q(pk__in=[])
    for risk, days in settings.CASE_CONTACT_DAYS.items():
        overdue |= Q(child__risk=risk, last_contact__lt=today - timedelta(days=days))
    return qs.filter(overdue).select_related("child").order_by("last_contact", "pk")


def risk_raised(children: QuerySet[Child]) -> QuerySet[Child]:
    """Children in service whose file shows what raises risk — a guardian dead or missing, school dropped out —
    while their recorded risk is still low or medium: the worker should reassess."""
    guardian_lost = Exists(FamilyMember.objects.filter(
        child=OuterRef("pk"), is_guardian=True, life_status__in=[LifeStatus.DEAD, LifeStatus.MISSING]))
    return (children.filter(status=Status.IN_SERVICE, risk__in=[Risk.LOW, Risk.MEDIUM])
            .annotate(guardian_lost=guardian_lost)
            .filter(Q(guardian_lost=True) | Q(grade__contains=DROPPED_OUT) | Q(school__contains=DROPPED_OUT)))


def welfare_gaps(children: QuerySet[Child]) -> QuerySet[Child]:
    """Children who meet a category but receive none of the welfare it entitles them to: a list for referral.

    Each row carries gap_<category code> flags saying which entitlement is missing.
    """
    gap = Q(pk__in=[])
    flags = {}
    for code, benefits in ENTITLEMENTS.items():
        lacks = Exists(ChildCategory.objects.filter(child=OuterRef("pk"), category__code=code))
        flags[f"gap_{code}"] = lacks
        missing = Q(**{f"gap_{code}": True})
        for benefit in benefits:
            missing &= ~Q(welfare__icontains=benefit)
        gap |= missing
    return children.annotate(**flags).filter(gap)


def early_warnings(user: Any, today: date) -> Warnings:
    children = responsible_children(user)
    raised = risk_raised(children)
    gaps = welfare_gaps(children)
    names = dict(DifficultyCategory.objects.filter(code__in=list(ENTITLEMENTS)).values_list("code", "name"))
    return Warnings(
        no_contact=list(no_contact(responsible_cases(user), today)[:50]),
        risk_raised=list(raised.order_by("pk")[:LIST_LENGTH]), risk_raised_count=raised.count(),
        welfare_gaps=[(c, missing_welfare(c, names)) for c in gaps.order_by("pk")[:LIST_LENGTH]],
        welfare_gaps_count=gaps.count(),
    )


def missing_welfare(child: Child, names: dict[str, str]) -> list[str]:
    """The categories of this child that lack their welfare, by name."""
    have = set(child.welfare or [])
    return [names.get(code, code) for code, benefits in ENTITLEMENTS.items()
            if getattr(child, f"gap_{code}", False) and not have & set(benefits)]
