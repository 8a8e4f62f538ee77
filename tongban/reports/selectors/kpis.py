"""KPIs against a project's targets, for the project and for each of its teams, with a traffic light.

A project's targets (children served, service sessions, group events) are for its whole period and all its
teams. For a part of the period and a part of the area they are shared out: by the days of the project that fall
in the period, and equally among the project's teams (a team is one banner or district). The closure rate, the
median days from intake to plan and to closure and the caseload per worker are judged against fixed bounds.

Everything is counted through the same scoped querysets as the statistics, in a fixed number of grouped queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tongban.accounts.access import children_by_area_q
from tongban.activities.models import Activity, Attendance
from tongban.cases.choices import ExitReason
from tongban.cases.models import Plan, ServiceSession
from tongban.organisations.models import Project, Team
from tongban.organisations.selectors import projects_visible_to, teams_visible_to
from tongban.regions.models import Region
from tongban.reports.selectors.figures import (
    DaysBetween,
    Period,
    Statistics,
    case_areas_in_view,
    case_counts,
    cases_active_in,
    cut_path,
    scoped_activities,
    scoped_case_ids,
    scoped_children,
    served_children,
)

GREEN, AMBER, RED = "green", "amber", "red"
# Volumes (children, sessions, events) against the target's share: on track from 90 %, behind from 60 %.
ON_TRACK, BEHIND = Decimal("0.9"), Decimal("0.6")
# Cases closed with their goals met: most closures should be for that reason, not moves, refusals or age.
GOALS_MET_GOOD, GOALS_MET_FAIR = Decimal("0.7"), Decimal("0.5")
# Intake to an approved plan: the first assessment is due within CASE_ASSESSMENT_DAYS; a plan within twice that
# is on time, three times that is late.
PLAN_DAYS_GOOD_FACTOR, PLAN_DAYS_FAIR_FACTOR = 2, 3
# Open cases per social worker: intensive case work is commonly planned at about 1 worker to 25 cases.
CASELOAD_GOOD, CASELOAD_FAIR = 25, 35

LIGHT_LABELS = {GREEN: _("on track"), AMBER: _("needs attention"), RED: _("off track"), "": _("no target")}


@dataclass
class Kpi:
    key: str
    label: str
    value: Any
    target: Any = None  # the share of the target that falls in the period and area, when there is one
    light: str = ""
    bound: str = ""  # what is on track for a KPI judged against a fixed bound ("≤ 30")

    @property
    def light_label(self) -> str:
        return str(LIGHT_LABELS[self.light])

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return int(Decimal(self.value) * 100 / Decimal(self.target))


@dataclass
class Figures:
    """What one team (or a whole project) did in the period."""

    children: int = 0
    sessions: int = 0
    events: int = 0
    closed: int = 0
    goals_met: int = 0
    plan_days: list[int] = field(default_factory=list)
    closure_days: list[int] = field(default_factory=list)
    open_cases: int = 0
    workers: int = 0

    @property
    def closure_rate(self) -> Decimal | None:
        return (Decimal(self.goals_met) / self.closed).quantize(Decimal("0.01")) if self.closed else None

    @property
    def caseload(self) -> Decimal | None:
        return (Decimal(self.open_cases) / self.workers).quantize(Decimal("0.1")) if self.workers else None


@dataclass
class TeamKpis:
    team: Team
    kpis: list[Kpi]

    def kpi(self, key: str) -> Kpi:
        return next(k for k in self.kpis if k.key == key)


@dataclass
class ProjectKpis:
    project: Project
    share: Decimal  # the part of the project's period that lies in the statistics' period
    kpis: list[Kpi]
    teams: list[TeamKpis]

    def kpi(self, key: str) -> Kpi:
        return next(k for k in self.kpis if k.key == key)


def _volume_light(value: int, target: Decimal | None) -> str:
    if not target:
        return ""
    ratio = Decimal(value) / target
    return GREEN if ratio >= ON_TRACK else AMBER if ratio >= BEHIND else RED


def _lower_is_better(value: Any, good: Any, fair: Any) -> str:
    if value is None:
        return ""
    return GREEN if value <= good else AMBER if value <= fair else RED


def _kpis(f: Figures, targets: tuple[Decimal | None, Decimal | None, Decimal | None]) -> list[Kpi]:
    plan_days = _median_days(f.plan_days)
    closure_days = _median_days(f.closure_days)
    rate = f.closure_rate
    plan_good = settings.CASE_ASSESSMENT_DAYS * PLAN_DAYS_GOOD_FACTOR
    plan_fair = settings.CASE_ASSESSMENT_DAYS * PLAN_DAYS_FAIR_FACTOR
    children_target, sessions_target, events_target = targets
    return [
        Kpi("children", str(_("children served")), f.children, children_target,
            _volume_light(f.children, children_target)),
        Kpi("sessions", str(_("service sessions")), f.sessions, sessions_target,
            _volume_light(f.sessions, sessions_target)),
        Kpi("events", str(_("group events")), f.events, events_target, _volume_light(f.events, events_target)),
        Kpi("closure_rate", str(_("closed with goals met")), f"{int(rate * 100)}%" if rate is not None else "–",
            light="" if rate is None else GREEN if rate >= GOALS_MET_GOOD else AMBER if rate >= GOALS_MET_FAIR
            else RED, bound=f"≥ {int(GOALS_MET_GOOD * 100)}%"),
        Kpi("plan_days", str(_("median days from intake to plan")), plan_days if plan_days is not None else "–",
            light=_lower_is_better(plan_days, plan_good, plan_fair), bound=f"≤ {plan_good}"),
        Kpi("closure_days", str(_("median days from intake to closure")),
            closure_days if closure_days is not None else "–"),
        Kpi("caseload", str(_("open cases per social worker")), f.caseload if f.caseload is not None else "–",
            light=_lower_is_better(f.caseload, CASELOAD_GOOD, CASELOAD_FAIR), bound=f"≤ {CASELOAD_GOOD}"),
    ]


def _median_days(days: list[int]) -> int | None:
    # Whole days, halves rounded up: "a median of 30.5 days" reads as false precision to a funder.
    return int(Decimal(str(median(days))).quantize(Decimal("1"), rounding=ROUND_HALF_UP)) if days else None


def _share(project: Project, p: Period) -> Decimal:
    days = (project.ends_on - project.starts_on).days + 1
    overlap = (min(project.ends_on, p.last) - max(project.starts_on, p.first)).days + 1
    return (Decimal(max(overlap, 0)) / days) if days > 0 else Decimal(0)


def _target(value: int, share: Decimal, parts: Decimal) -> Decimal | None:
    if not value:
        return None
    return (Decimal(value) * share * parts).quantize(Decimal("1"))


def _team_of(teams: list[Team], project_id: int, path: str) -> Team | None:
    return next((t for t in teams if t.project_id == project_id and path.startswith(t.region.path)), None)


def _children_served(user: Any, p: Period, ids: list[int], activities: QuerySet[Activity],
                     team_areas: list[Region]) -> list[dict[str, Any]]:
    """Children served in the period: a case of one of the projects `ids` open in it, or a group activity attended
    in it; each child once, counted by the child's project and region path (cut to the teams' areas).

    When areas and projects say which cases and files the viewer sees (and the teams' areas are counties or
    larger), the children with a case are counted from CaseArea, which carries each case's child, the child's
    project and area: a city's served children without reading a file; the few who only attended an activity are
    added from their files. Otherwise (a social worker's own children, a township) the files are counted."""
    children = scoped_children(user, p).filter(project_id__in=ids)
    attended = Attendance.objects.filter(activity__in=activities.values("pk"), attended=True).values("child_id")
    through_cases = served_children(user, p, projects=ids)
    by_path = cut_path("region__path", team_areas)
    chosen = case_areas_in_view(user, p)
    by_area = children_by_area_q(user, area="area", project="child_project")
    if chosen is None or by_area is None or any(area.level > Region.Level.COUNTY for area in team_areas):
        served = children.filter(Q(pk__in=through_cases) | Q(pk__in=attended))
        return list(served.order_by().values("project_id", path=by_path).annotate(n=Count("pk")))
    with_case = list(cases_active_in(chosen.filter(by_area, project__in=ids, child_project__in=ids), p).order_by()
                     .values("child_project", "area").annotate(n=Count("child", distinct=True)))
    path_of = dict(Region.objects.filter(pk__in={r["area"] for r in with_case}).values_list("pk", "path"))
    # Tested child by child (a few thousand attended), not against the list of the city's served children.
    only_attended = children.filter(pk__in=attended).exclude(Exists(through_cases.filter(child_id=OuterRef("pk"))))
    return [*({"project_id": r["child_project"], "path": path_of[r["area"]], "n": r["n"]} for r in with_case),
            *only_attended.order_by().values("project_id", path=by_path).annotate(n=Count("pk"))]


def project_kpis(user: Any, p: Period, stats: Statistics | None = None) -> list[ProjectKpis]:
    """Each project in view (the chosen one, or those the viewer sees that ran in the period), with its teams.

    Given the page's statistics, their counts of sessions and cases by team are used instead of counting again."""
    projects = projects_visible_to(user).filter(starts_on__lte=p.last, ends_on__gte=p.first)
    if p.project is not None:
        projects = projects.filter(pk=p.project.pk)
    projects = list(projects.annotate(team_count=Count("teams")).order_by("-starts_on", "name"))
    if not projects:
        return []
    ids = [project.pk for project in projects]
    teams = [t for t in teams_visible_to(user).filter(project_id__in=ids).select_related("region")
             .order_by("project_id", "region__code")
             if p.region is None or t.region.path.startswith(p.region.path) or p.region.path.startswith(t.region.path)]
    by_team: dict[int, Figures] = defaultdict(Figures)
    by_project: dict[int, Figures] = defaultdict(Figures)

    team_ids = {t.pk for t in teams}

    def both(project_id: int, team: Team | int | None) -> list[Figures]:
        team_id = team.pk if isinstance(team, Team) else team
        return [by_project[project_id]] + ([by_team[team_id]] if team_id in team_ids else [])

    case_ids = scoped_case_ids(user, p, ids)
    activities = scoped_activities(user, p).filter(project_id__in=ids)
    team_areas = [t.region for t in teams]
    for r in _children_served(user, p, ids, activities, team_areas):
        for f in both(r["project_id"], _team_of(teams, r["project_id"], r["path"])):
            f.children += r["n"]
    sessions = stats.sessions if stats is not None else (
        ServiceSession.objects.filter(case_id__in=case_ids, held_on__gte=p.first, held_on__lte=p.last)
        .order_by().values("case__project_id", "case__team_id").annotate(n=Count("pk")))
    for r in sessions:
        if r["case__project_id"] in ids:
            for f in both(r["case__project_id"], r["case__team_id"]):
                f.sessions += r["n"]
    for r in (activities.order_by().values("project_id", path=cut_path("region__path", team_areas))
              .annotate(n=Count("pk"))):
        for f in both(r["project_id"], _team_of(teams, r["project_id"], r["path"])):
            f.events += r["n"]
    counts = stats.cases if stats is not None else case_counts(user, p)
    for r in counts.closed:
        if r["project_id"] in ids:
            for f in both(r["project_id"], r["team_id"]):
                f.closed += r["n"]
                f.goals_met += r["n"] if r["exit_reason"] == ExitReason.GOALS_MET else 0
                f.closure_days.extend([r["days"]] * r["n"])
    # Days from intake to plan, counted by the database: a row per team and number of days, not per plan.
    waited = DaysBetween("approved_on", "case__opened_on")
    for project_id, team_id, days, n in (
            Plan.objects.filter(case_id__in=case_ids, approved_on__gte=p.first, approved_on__lte=p.last)
            .order_by().values_list("case__project_id", "case__team_id", waited).annotate(n=Count("pk"))):
        for f in both(project_id, team_id):
            f.plan_days.extend([days] * n)
    for r in counts.active:
        if r["project_id"] in ids and r["open_at_end"]:
            for f in both(r["project_id"], r["team_id"]):
                f.open_cases += r["open_at_end"]
                f.workers += 1

    result = []
    for project in projects:
        share = _share(project, p)
        own_teams = [t for t in teams if t.project_id == project.pk]
        parts = Decimal(len(own_teams)) / project.team_count if project.team_count else Decimal(1)
        whole = tuple(_target(v, share, parts) for v in (project.target_children, project.target_sessions,
                                                          project.target_events))
        one_team = Decimal(1) / project.team_count if project.team_count else Decimal(0)
        team_targets = tuple(_target(v, share, one_team) for v in (project.target_children, project.target_sessions,
                                                                   project.target_events))
        result.append(ProjectKpis(
            project=project, share=share, kpis=_kpis(by_project[project.pk], whole),  # type: ignore[arg-type]
            teams=[TeamKpis(t, _kpis(by_team[t.pk], team_targets)) for t in own_teams]))  # type: ignore[arg-type]
    return result
