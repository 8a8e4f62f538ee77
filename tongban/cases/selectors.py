"""Scoped reads of case work: every list and every single case goes through cases_visible_to / access_case."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from tongban.accounts.access import access, cases_q, may_read_counselling_notes
from tongban.cases.choices import Domain, Level
from tongban.cases.models import (
    Approval,
    Assessment,
    Attachment,
    Case,
    DomainScore,
    FollowUp,
    Goal,
    Referral,
    ServiceSession,
    Task,
    Transfer,
)
from tongban.core.links import link_maker


def cases_visible_to(user: Any) -> QuerySet[Case]:
    return Case.objects.filter(cases_q(user))


def access_case(user: Any, pk: Any, *, for_write: bool = False) -> Case:
    qs = cases_visible_to(user).select_related("child__region", "team__region", "worker", "project")
    return access(user, qs, pk, kind="case", for_write=for_write)


def sessions_of(user: Any, case: Case) -> QuerySet[ServiceSession]:
    """A case's sessions as this user may see them: without their notes for bureau officials and volunteers."""
    qs = ServiceSession.objects.filter(case=case).select_related("worker")
    if not may_read_counselling_notes(user):
        qs = qs.defer("notes")
    return qs


def case_file(user: Any, pk: Any) -> Case:
    """A case with everything its page shows, in a fixed number of queries however long the case has run."""
    return access(user, cases_in_full(user), pk, kind="case")


def cases_in_full(user: Any) -> QuerySet[Case]:
    """The user's cases with everything a case page or a printed file shows, prefetched: a fixed number of
    queries however many cases and sessions. Session notes are not even loaded for those who may not read them."""
    readers = may_read_counselling_notes(user)
    sessions = ServiceSession.objects.select_related("worker")
    if readers:
        # The page shows how many files each session keeps: counted with the sessions, not prefetched as a queryset
        # per session (for a case of 110 sessions that cost more than reading them).
        files = (Attachment.objects.filter(session=OuterRef("pk")).order_by().values("session")
                 .annotate(n=Count("pk")).values("n"))
        sessions = sessions.annotate(attachment_count=Coalesce(Subquery(files, output_field=IntegerField()), 0))
    else:
        sessions = sessions.defer("notes")
    return cases_visible_to(user).select_related(
        "child__region__parent", "team__region", "worker", "project", "plan").prefetch_related(
        Prefetch("assessments", Assessment.objects.select_related("assessor").prefetch_related(
            Prefetch("scores", DomainScore.objects.all()))),
        Prefetch("plan__goals", Goal.objects.prefetch_related(
            Prefetch("tasks", Task.objects.select_related("owner")))),
        Prefetch("sessions", sessions),
        "referrals",
        Prefetch("transfers", Transfer.objects.select_related("from_worker", "to_worker", "from_team", "to_team")),
        Prefetch("approvals", Approval.objects.select_related("submitted_by", "decided_by")),
        Prefetch("follow_ups"),
    )


def access_session(user: Any, case: Case, pk: Any) -> ServiceSession:
    return access(user, sessions_of(user, case).prefetch_related("attachments"), pk, kind="case")


def access_attachment(user: Any, pk: Any) -> Attachment:
    """404 outside the user's cases; 403 for those who see the case but may not read its session notes."""
    qs = Attachment.objects.filter(session__case__in=cases_visible_to(user).values("pk"))
    attachment = access(user, qs, pk, kind="case")
    if not may_read_counselling_notes(user):
        raise PermissionDenied
    return attachment


@dataclass
class DomainChange:
    domain: str
    label: str
    first: int | None
    latest: int | None
    first_notes: str = ""
    latest_notes: str = ""

    @property
    def change(self) -> int | None:
        """Negative is better: the levels count concern."""
        if self.first is None or self.latest is None:
            return None
        return self.latest - self.first

    @property
    def first_label(self) -> str:
        return str(Level(self.first).label) if self.first else ""

    @property
    def latest_label(self) -> str:
        return str(Level(self.latest).label) if self.latest else ""


def assessment_comparison(assessments: list[Assessment]) -> list[DomainChange]:
    """Per domain, the first assessment beside the latest re-assessment (empty with a single assessment)."""
    if len(assessments) < 2:
        return []
    first = {s.domain: s for s in assessments[0].scores.all()}
    latest = {s.domain: s for s in assessments[-1].scores.all()}
    rows = []
    for domain in Domain:
        a, b = first.get(domain.value), latest.get(domain.value)
        rows.append(DomainChange(domain.value, str(domain.label), a.level if a else None, b.level if b else None,
                                 a.notes if a else "", b.notes if b else ""))
    return rows


def scores_in_order(assessment: Assessment) -> list[DomainScore]:
    order = {d: i for i, d in enumerate(Domain.values)}
    return sorted(assessment.scores.all(), key=lambda s: order.get(s.domain, 99))


def list_cases(user: Any, *, stage: str = "", mine: bool = False) -> QuerySet[Case]:
    qs = cases_visible_to(user)
    if stage:
        qs = qs.filter(stage=stage)
    if mine:
        qs = qs.filter(worker=user)
    return qs.select_related("child__region__parent", "worker", "team").order_by("-opened_on", "-pk")


def with_session_counts(cases: Iterable[Case]) -> list[Case]:
    """The cases of one page, each with `session_count`: one grouped query for the page, not a join of every
    session of every case in the list (a city's million sessions) before the page is cut."""
    cases = list(cases)
    counts = dict(ServiceSession.objects.filter(case_id__in=[c.pk for c in cases]).order_by().values("case_id")
                  .annotate(n=Count("pk")).values_list("case_id", "n"))
    for case in cases:
        case.session_count = counts.get(case.pk, 0)  # type: ignore[attr-defined]
    return cases


def stage_counts(qs: QuerySet[Case]) -> dict[str, int]:
    return {row["stage"]: row["n"] for row in qs.order_by().values("stage").annotate(n=Count("pk"))}


def open_case_of(user: Any, child_pk: int) -> Case | None:
    return cases_visible_to(user).open().filter(child_id=child_pk).first()


# The child's timeline


@dataclass(frozen=True)
class Event:
    """One line of a child's timeline; `kind` picks how the template words it, `url` leads to the record."""

    day: date
    kind: str
    obj: Any = None
    url: str = ""
    # Same-day events keep the order of the work: intake before assessment before sessions.
    rank: int = 0


def child_timeline(user: Any, child: Any) -> list[Event]:
    """Screening, file, home visits and, for those who see the child's cases, every step of them — newest first.

    One query per kind of record, whatever the number of cases and sessions.
    """
    from django.urls import reverse

    events: list[Event] = [Event(child.created_at.date(), "file_opened", child, rank=0)]
    if child.screening_batch_id:
        events.append(Event(child.screening_batch.created_at.date(), "screened", child.screening_batch, rank=0))
    for visit in child.verifications.select_related("visitor"):
        events.append(Event(visit.visited_on, "verification", visit, rank=1))
    events += _community_events(child)
    cases = list(cases_visible_to(user).filter(child=child).select_related("plan", "worker"))
    if cases:
        ids = [c.pk for c in cases]
        url = {c.pk: reverse("cases:detail", args=[c.pk]) for c in cases}
        for case in cases:
            events.append(Event(case.opened_on, "case_opened", case, url[case.pk], rank=2))
            plan = getattr(case, "plan", None)
            if plan is not None and plan.approved_on:
                events.append(Event(plan.approved_on, "plan_approved", plan, f"{url[case.pk]}#plan", rank=4))
            if case.closed_on:
                events.append(Event(case.closed_on, "case_closed", case, url[case.pk], rank=8))
        for a in Assessment.objects.filter(case_id__in=ids).select_related("assessor"):
            events.append(Event(a.assessed_on, "assessment", a, f"{url[a.case_id]}#assessment-{a.pk}", rank=3))
        session_link = {c.pk: link_maker("cases:session", c.pk) for c in cases}
        # What a session's line says (kind, minutes) and where it leads: a year of sessions loaded whole, each with
        # its worker's account, cost more than the rest of the timeline (110 sessions 2.9 → 0.9 ms).
        for s in ServiceSession.objects.filter(case_id__in=ids).only("case_id", "held_on", "kind", "minutes"):
            events.append(Event(s.held_on, "session", s, session_link[s.case_id](s.pk), rank=5))
        for r in Referral.objects.filter(case_id__in=ids):
            events.append(Event(r.sent_on, "referral", r, f"{url[r.case_id]}#referral-{r.pk}", rank=6))
        for t in Transfer.objects.filter(case_id__in=ids).select_related("from_worker", "to_worker"):
            events.append(Event(t.transferred_on, "transfer", t, f"{url[t.case_id]}#transfers", rank=7))
        for f in FollowUp.objects.filter(case_id__in=ids, done_on__isnull=False):
            events.append(Event(f.done_on, "follow_up", f, f"{url[f.case_id]}#follow-ups", rank=9))  # type: ignore[arg-type]
    events.sort(key=lambda e: (e.day, e.rank), reverse=True)
    return events


def _community_events(child: Any) -> list[Event]:
    """Volunteer pairings and the group activities the child took part in (apps volunteers and activities)."""
    from tongban.activities.selectors import attendance_for_child

    pairing, activity = link_maker("volunteers:pairing"), link_maker("activities:detail")
    events = [Event(p.starts_on, "pairing", p, pairing(p.pk), rank=1)
              for p in child.pairings.select_related("volunteer__team")]
    events += [Event(a.activity.held_on, "activity", a, activity(a.activity_id), rank=1)
               for a in attendance_for_child(child)]
    return events


def team_workers_for(child: Any) -> QuerySet[Any]:
    """Social workers and leads of the project teams that cover the child's region: who may take the child's case."""
    from tongban.accounts.models import Role, User

    return User.objects.filter(role__in=[Role.WORKER, Role.TEAM_LEAD], is_active=True,
                               team__project_id=child.project_id,
                               team__region__code__in=child.region.ancestor_codes()).select_related("team")
