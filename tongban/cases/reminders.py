"""What a worker or team lead must do next, computed each time from the records and from the rows the database keeps
exact beside them (reports.CaseArea: each case's stage, its child's risk, its latest session and visit) — never from
copies the application would have to remember to update.

Each section is one or two queries whatever the size of the caseload: a list's first LIST_LENGTH ids with the
number of all its records, then the rows shown.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, Func, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from tongban.accounts.access import cases_by_area_q, scope_for
from tongban.accounts.models import Role
from tongban.cases.choices import OPEN_STAGES, ApprovalState, Stage
from tongban.cases.models import Approval, Assessment, Case, FollowUp, Task
from tongban.cases.selectors import cases_visible_to, stage_counts
from tongban.children.choices import LifeStatus, Risk, Status
from tongban.children.models import Child, ChildCategory, DifficultyCategory, FamilyMember
from tongban.children.selectors import children_visible_to
from tongban.regions.models import Region
from tongban.reports.models import CaseArea

# What a category entitles a child to (any one of the listed welfare benefits).
ENTITLEMENTS: dict[str, tuple[str, ...]] = {
    "orphan": ("orphan_allowance",),
    "de_facto_unsupported": ("unsupported_allowance",),
    "difficulty_disability": ("disability_subsidy", "rehabilitation"),
}
DROPPED_OUT = "辍学"
LIST_LENGTH = 20
FOLLOW_UP_NOTICE_DAYS = 7
DECISIONS_DAYS = 14  # a worker sees the lead's decisions of the last two weeks


@dataclass
class Warnings:
    no_contact: list[Case] = field(default_factory=list)
    no_contact_count: int = 0
    risk_raised: list[Child] = field(default_factory=list)
    risk_raised_count: int = 0
    welfare_gaps: list[tuple[Child, list[str]]] = field(default_factory=list)
    welfare_gaps_count: int = 0

    @property
    def count(self) -> int:
        return self.no_contact_count + self.risk_raised_count + self.welfare_gaps_count


@dataclass
class CaseWork:
    """The case-work sections of a worker's or team lead's dashboard: each list its first LIST_LENGTH records, each
    count all of them."""

    by_stage: list[tuple[str, str, int]]
    tasks_overdue: list[Task]
    tasks_overdue_count: int
    tasks_today: list[Task]
    tasks_today_count: int
    assessments_due: list[Case]
    assessments_due_count: int
    follow_ups_due: list[FollowUp]
    follow_ups_due_count: int
    awaiting_approval: list[Approval]
    awaiting_approval_count: int
    decisions: list[Approval]
    warnings: Warnings
    is_lead: bool = False

    @property
    def open_cases(self) -> int:
        return sum(n for stage, _label, n in self.by_stage if stage in OPEN_STAGES)


def responsible_cases(user: Any) -> QuerySet[Case]:
    """A worker answers for their own cases, a team lead for the cases of the team's region."""
    if scope_for(user).role == Role.WORKER:
        return cases_visible_to(user).filter(worker=user)
    return cases_visible_to(user)


def kept_rows(user: Any, counties: list[int]) -> QuerySet[CaseArea]:
    """The cases a worker or team lead answers for, as their kept rows (reports.CaseArea: each case's project, worker
    and stage and its child's area, kept by the database), read from the rows' indexes instead of joining the cases
    to the area's 16,000 children for each list: `counties` are the ids of the user's regions at county level or
    above, the only areas a row can have. Where the rows cannot say whose cases they are (a team of an area below a
    county), the rows of responsible_cases()."""
    by_area = cases_by_area_q(user, area="area", project="project", worker="worker")
    if by_area is None:
        return CaseArea.objects.filter(case__in=responsible_cases(user).values("pk"))
    return CaseArea.objects.filter(by_area, area__in=counties)


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
    regions = list(Region.objects.filter(scope.region_q()).values_list("pk", "level"))
    # Counted and chosen from the cases' kept rows, which say enough (id, stage): a banner's 5,000 cases, or a
    # worker's, are not looked up one by one for each list.
    rows = kept_rows(user, [pk for pk, level in regions if level <= Region.Level.COUNTY])

    def ids(*stages: str) -> QuerySet[Any]:
        """The ids of the cases answered for, of these stages (of any when none is named)."""
        return (rows.filter(stage__in=stages) if stages else rows).values("case_id")

    counts = stage_counts(rows)
    tasks = (Task.objects.filter(owner=user, done_on__isnull=True, goal__plan__case__stage__in=OPEN_STAGES)
             .order_by("due_on", "pk"))
    # The rows shown load only what the lists show: a file's other fields (its welfare list decoded, its encrypted
    # ID) would cost more than the list itself.
    with_case = Task.objects.select_related("goal__plan__case__child").only("description", "due_on",
                                                                           "goal__plan__case__child__name")
    overdue, overdue_count = first_and_count(tasks.filter(due_on__lt=today), with_case)
    due_today, today_count = first_and_count(tasks.filter(due_on=today), with_case)
    assessments, assessments_count = assessments_due(
        Case.objects.filter(pk__in=ids(Stage.ASSESSMENT, Stage.EVALUATION)), today)
    follow_ups, follow_ups_count = first_and_count(
        FollowUp.objects.filter(case__in=ids(), case__stage=Stage.FOLLOW_UP, done_on__isnull=True,
                                due_on__lte=today + timedelta(days=FOLLOW_UP_NOTICE_DAYS)).order_by("due_on", "pk"),
        FollowUp.objects.select_related("case__child").only("months", "due_on", "case__child__name"))
    is_lead = scope.role == Role.TEAM_LEAD
    waiting, waiting_count = first_and_count(
        Approval.objects.filter(state=ApprovalState.PENDING, case__in=ids())
        .order_by("submitted_at", "pk"),
        Approval.objects.select_related("case__child", "submitted_by")) if is_lead else ([], 0)
    return CaseWork(
        by_stage=[(value, str(label), counts.get(value, 0)) for value, label in Stage.choices],
        tasks_overdue=overdue, tasks_overdue_count=overdue_count,
        tasks_today=due_today, tasks_today_count=today_count,
        assessments_due=assessments, assessments_due_count=assessments_count,
        follow_ups_due=follow_ups, follow_ups_due_count=follow_ups_count,
        awaiting_approval=waiting, awaiting_approval_count=waiting_count,
        decisions=[] if is_lead else decisions(ids(), today),
        warnings=early_warnings(user, today, regions, rows.filter(stage__in=OPEN_STAGES)),
        is_lead=is_lead,
    )


def decisions(case_ids: QuerySet[Any], today: date) -> list[Approval]:
    """The lead's latest decisions on the cases of these ids, of the last DECISIONS_DAYS: the few decided since then
    are read from their index and each tested against the cases (on SQLite the cases would otherwise be walked
    first)."""
    since = timezone.make_aware(datetime.combine(today - timedelta(days=DECISIONS_DAYS), time.min))
    return list(Approval.objects.alias(plain_case=NotAnIndexKey(F("case_id"), output_field=models.BigIntegerField()))
                .filter(plain_case__in=case_ids, decided_at__gte=since)
                .exclude(state=ApprovalState.PENDING).select_related("case__child", "decided_by")
                .order_by("-decided_at", "-pk")[:10])


def first_and_count(matches: QuerySet[Any], rows: QuerySet[Any]) -> tuple[list[Any], int]:
    """The first LIST_LENGTH of `matches` as records of `rows` (with what they show), and how many match."""
    shown, count = shown_and_counted(matches)
    return in_order(rows, shown), count


def assessments_due(cases: QuerySet[Case], today: date) -> tuple[list[Case], int]:
    """Cases waiting for their first assessment, or for the re-assessment of their evaluation (the first
    LIST_LENGTH, the longest waiting first, and how many in all).

    Each carries `due_on`: the day it entered the stage plus CASE_ASSESSMENT_DAYS.
    """
    none_yet = ~Exists(Assessment.objects.filter(case=OuterRef("pk")))
    none_since = ~Exists(Assessment.objects.filter(case=OuterRef("pk"), assessed_on__gte=OuterRef("stage_since")))
    waiting = (cases.filter(Q(stage=Stage.ASSESSMENT) & none_yet | Q(stage=Stage.EVALUATION) & none_since)
               .order_by("stage_since", "pk"))
    due, count = first_and_count(waiting, Case.objects.select_related("child").only("stage", "stage_since",
                                                                                      "child__name"))
    for case in due:
        case.due_on = case.stage_since + timedelta(days=settings.CASE_ASSESSMENT_DAYS)  # type: ignore[attr-defined]
        case.overdue = case.due_on < today  # type: ignore[attr-defined]
    return due, count


class NotAnIndexKey(Func):
    """A column as it is, said so that SQLite does not choose an index for its condition (unary "+", SQLite's own
    way of saying so); PostgreSQL reads the plain column."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra)


def no_contact(rows: QuerySet[CaseArea], today: date) -> QuerySet[CaseArea]:
    """The cases of these kept rows whose child had no session or visit for longer than their risk level allows,
    the longest without contact first; each carries `last_contact` (its primary key is the case's).

    Read from the rows the database keeps for each case with its stage, the child's risk and the days of the case's
    latest session and the child's latest visit: each of a banner's 5,000 cases is tested on its row, instead of
    looking up its child, sessions and visits (a team lead's warning on PostgreSQL: 52 ms before)."""
    # One comparison with the day the child's risk level allows since the last contact.
    allowed_since = models.Case(*(When(risk=risk, then=Value(today - timedelta(days=days)))
                                  for risk, days in settings.CASE_CONTACT_DAYS.items()),
                                output_field=models.DateField())
    return (rows.annotate(allowed_since=allowed_since)
            .filter(opened_on__lt=F("allowed_since"))
            .filter(Q(last_session__isnull=True) | Q(last_session__lt=F("allowed_since")))
            .filter(Q(last_visit__isnull=True) | Q(last_visit__lt=F("allowed_since")))
            .annotate(last_contact=Greatest(Coalesce("last_session", "opened_on"), Coalesce("last_visit", "opened_on")))
            .order_by("last_contact", "pk"))


def lost_guardians() -> QuerySet[FamilyMember]:
    """Guardians who died or are missing (few, read from family_guardian_status_idx)."""
    return FamilyMember.objects.filter(is_guardian=True, life_status__in=[LifeStatus.DEAD, LifeStatus.MISSING])


def risk_raised(children: QuerySet[Child]) -> QuerySet[Child]:
    """Children in service whose file shows what raises risk — a guardian dead or missing, school dropped out —
    while their recorded risk is still low or medium: the worker should reassess."""
    # The children with a lost guardian are few and found from an index, once; each child of the area
    # is then tested against that set instead of looking up its family one by one.
    lost = Q(pk__in=lost_guardians().values("child_id"))
    return (children.filter(status=Status.IN_SERVICE, risk__in=[Risk.LOW, Risk.MEDIUM])
            .filter(lost | Q(grade__contains=DROPPED_OUT) | Q(school__contains=DROPPED_OUT)).order_by("pk"))


def welfare_gaps(children: QuerySet[Child], categories: dict[str, int]) -> QuerySet[Child]:
    """Children who meet a category but receive none of the welfare it entitles them to: a list for referral.

    `categories` maps the entitling categories' codes to their ids.
    """
    gap = Q(pk__in=[])
    for code, benefits in ENTITLEMENTS.items():
        if code not in categories:
            continue
        # The category's members are read once from its index; each child is then tested against that set
        # instead of looking up its categories one by one. Not an index key: SQLite would otherwise walk the
        # city's members of each category and look up each file (a worker's gaps 28 → 6 ms at 100,000 children).
        missing = Q(plain_pk__in=ChildCategory.objects.filter(category_id=categories[code]).values("child_id"))
        for benefit in benefits:
            missing &= ~Q(welfare__icontains=benefit)
        gap |= missing
    plain_pk = NotAnIndexKey(F("pk"), output_field=models.BigIntegerField())
    return children.alias(plain_pk=plain_pk).filter(gap).order_by("pk")


def gap_flags(categories: dict[str, int]) -> dict[str, Exists]:
    """gap_<category code>: whether the child is in that entitling category (for the rows shown)."""
    return {f"gap_{code}": Exists(ChildCategory.objects.filter(child=OuterRef("pk"), category_id=categories[code]))
            for code in ENTITLEMENTS if code in categories}


def shown_and_counted(matches: QuerySet[Any], *carried: str) -> tuple[list[tuple[Any, ...]], int]:
    """The first LIST_LENGTH matches (their id and the `carried` values) and the number of all matches, in one
    query that reads only indexed columns: the rows shown are loaded by id afterwards.

    Sorted by the count first (the same on every row): the database then gathers every match of the area and
    sorts them, instead of walking the whole city's records in the list's order until it meets enough of the area's.
    """
    order = matches.query.order_by
    rows = list(matches.annotate(matches_count=Window(Count("pk"))).order_by("matches_count", *order)
                .values_list("pk", "matches_count", *carried)[:LIST_LENGTH])
    return rows, (rows[0][1] if rows else 0)


def in_order(qs: QuerySet[Any], rows: list[tuple[Any, ...]]) -> list[Any]:
    found = qs.in_bulk([row[0] for row in rows])
    return [found[row[0]] for row in rows if row[0] in found]


def early_warnings(user: Any, today: date, regions: list[tuple[int, int]], open_rows: QuerySet[CaseArea]) -> Warnings:
    """The warnings of the user's area (`regions`: the ids and levels of the user's regions) and open cases (their
    kept rows)."""
    # The area's villages named by id as well: PostgreSQL then reads a banner's files from the area's index by
    # village instead of testing every file of the project against the area's list, welfare text included (lead's
    # welfare gaps 53 → 15 ms). The scope's own condition stays: this only narrows it.
    children = responsible_children(user).filter(region_id__in=[pk for pk, _level in regions])
    categories = {code: (pk, name) for code, pk, name in DifficultyCategory.objects.filter(
        code__in=list(ENTITLEMENTS)).values_list("code", "pk", "name")}
    names = {code: name for code, (_pk, name) in categories.items()}
    ids = {code: pk for code, (pk, _name) in categories.items()}
    quiet, quiet_count = shown_and_counted(no_contact(open_rows, today), "last_contact")
    no_contact_cases = in_order(Case.objects.select_related("child").only("child__name", "child__risk"), quiet)
    last_contact = {row[0]: row[2] for row in quiet}
    for case in no_contact_cases:
        case.last_contact = last_contact[case.pk]  # type: ignore[attr-defined]
    raised, raised_count = first_and_count(risk_raised(children), Child.objects.only("name", "risk").annotate(
        guardian_lost=Exists(lost_guardians().filter(child=OuterRef("pk")))))
    gaps, gaps_count = first_and_count(welfare_gaps(children, ids),
                                       Child.objects.only("name", "welfare").annotate(**gap_flags(ids)))
    return Warnings(
        no_contact=no_contact_cases, no_contact_count=quiet_count, risk_raised=raised, risk_raised_count=raised_count,
        welfare_gaps=[(c, missing_welfare(c, names)) for c in gaps], welfare_gaps_count=gaps_count,
    )


def missing_welfare(child: Child, names: dict[str, str]) -> list[str]:
    """The categories of this child that lack their welfare, by name."""
    have = set(child.welfare or [])
    return [names.get(code, code) for code, benefits in ENTITLEMENTS.items()
            if getattr(child, f"gap_{code}", False) and not have & set(benefits)]
