"""The one door for access: who may see and change what.

Every page, API call, export, report and search asks this module. It is
deny-by-default: a user without a complete scope (role + organisation +
region, + team for team members) sees nothing.

A scope is a set of region subtrees (by materialised path) and, for people
who work inside a project, the set of projects they work for.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from tongban.accounts.models import Role, User
from tongban.children.models import Child
from tongban.organisations.models import Project
from tongban.regions.models import Region

M = TypeVar("M", bound=Model)

# What each role may change, by kind of record. Anything not listed is read-only
# (if visible at all). Superusers may change everything.
WRITERS: dict[str, frozenset[str]] = {
    "region": frozenset(),
    "organisation": frozenset({Role.PROJECT_ADMIN}),
    "project": frozenset({Role.PROJECT_ADMIN}),
    "team": frozenset({Role.PROJECT_ADMIN}),
    "site": frozenset({Role.PROJECT_ADMIN, Role.TEAM_LEAD}),
    "user": frozenset({Role.PROJECT_ADMIN}),
    "child": frozenset({Role.PROJECT_ADMIN, Role.TEAM_LEAD, Role.WORKER, Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR}),
    # Case work is done by the project's social workers; child directors register and visit, they keep no cases.
    "case": frozenset({Role.PROJECT_ADMIN, Role.TEAM_LEAD, Role.WORKER}),
    # Handing a case to another worker or team is a decision of the team lead or the project admin.
    "case_transfer": frozenset({Role.PROJECT_ADMIN, Role.TEAM_LEAD}),
    # Community work. Volunteers write only the visit log of their own pairings: may_log_visit() decides that.
    "activity": frozenset({Role.PROJECT_ADMIN, Role.TEAM_LEAD, Role.WORKER}),
    "volunteer": frozenset({Role.PROJECT_ADMIN, Role.TEAM_LEAD}),
    "pairing": frozenset({Role.PROJECT_ADMIN, Role.TEAM_LEAD}),
    "visit": frozenset({Role.PROJECT_ADMIN, Role.TEAM_LEAD, Role.WORKER}),
    "donation": frozenset({Role.PROJECT_ADMIN, Role.TEAM_LEAD}),
}
# Who may see a full ID number or phone (always with a recorded reason).
REVEALERS = frozenset({Role.PROJECT_ADMIN, Role.TEAM_LEAD, Role.WORKER, Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR})
# Who may read what was said in service sessions (counselling notes) and their attachments: the people doing the
# case work. Bureau officials and volunteers never do, whatever else they see.
NOTE_READERS = frozenset({Role.PROJECT_ADMIN, Role.TEAM_LEAD, Role.WORKER})


@dataclass(frozen=True)
class Scope:
    role: str = ""
    everything: bool = False
    region_paths: tuple[str, ...] = ()
    # None: not limited to particular projects (bureau, child directors).
    project_ids: frozenset[int] | None = field(default_factory=frozenset)
    team_id: int | None = None
    organisation_id: int | None = None
    read_only: bool = True

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.region_paths

    def region_q(self, field_name: str = "") -> Q:
        """Rows whose region (reached by `field_name`, "" for regions themselves)
        lies in one of the scope's subtrees."""
        if self.everything:
            return Q()
        if not self.region_paths:
            return Q(pk__in=[])
        inside = Q()
        for path in self.region_paths:
            inside |= Q(path__startswith=path)
        if not field_name:
            return inside
        # The subtree's region ids first (one small indexed query), then the rows by their
        # indexed region column: far cheaper than testing each row's path through a join.
        return Q(**{f"{field_name}__in": Region.objects.filter(inside).values("pk")})

    def project_q(self, field_name: str) -> Q:
        if self.everything or self.project_ids is None:
            return Q()
        return Q(**{f"{field_name}__in": sorted(self.project_ids)})

    def may_reveal(self) -> bool:
        return self.everything or self.role in REVEALERS

    def may_write(self, kind: str) -> bool:
        if self.everything:
            return True
        return not self.read_only and self.role in WRITERS.get(kind, frozenset())


_NO_SCOPE = Scope()


def scope_for(user: Any) -> Scope:
    """The user's scope, computed once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NO_SCOPE
    cached = getattr(user, "_tongban_scope", None)
    if cached is None:
        cached = _compute_scope(user)
        user._tongban_scope = cached
    return cached


def _compute_scope(user: User) -> Scope:
    if user.is_superuser:
        return Scope(role="superuser", everything=True, project_ids=None, read_only=False)
    role = user.role
    if role in (Role.TEAM_LEAD, Role.WORKER):
        if user.team_id is None:
            return _NO_SCOPE
        team = user.team
        return Scope(
            role=role, region_paths=(team.region.path,), project_ids=frozenset({team.project_id}),
            team_id=team.pk, organisation_id=user.organisation_id, read_only=False,
        )
    if role == Role.PROJECT_ADMIN:
        if user.organisation_id is None:
            return _NO_SCOPE
        projects = Project.objects.filter(contractor_id=user.organisation_id).prefetch_related("regions")
        ids = frozenset(p.pk for p in projects)
        paths = tuple(sorted({r.path for p in projects for r in p.regions.all()}))
        return Scope(
            role=role, region_paths=_outermost(paths), project_ids=ids,
            organisation_id=user.organisation_id, read_only=False,
        )
    if role == Role.BUREAU and user.region_id:
        return Scope(role=role, region_paths=(user.region.path,), project_ids=None,
                     organisation_id=user.organisation_id, read_only=True)
    if role in (Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR) and user.region_id:
        return Scope(role=role, region_paths=(user.region.path,), project_ids=None,
                     organisation_id=user.organisation_id, read_only=False)
    # Volunteers see only their own pairings, which are granted record by record,
    # never through a region. Everyone else without a complete scope sees nothing.
    return Scope(role=role, organisation_id=user.organisation_id)


def _outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths that lie inside another path of the set."""
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def children_q(user: Any) -> Q:
    """Which children's files a user may see.

    Region and project as for everything else; a social worker, in addition, sees
    only the children assigned to them plus those still at the screening stage in
    their team's region. Volunteers see children only through their pairings.
    """
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.role == Role.PROJECT_ADMIN:
        # A file's region always lies in its project's regions (the services see to it), and a
        # project admin's regions are exactly their projects' regions: the project decides.
        q = scope.project_q("project_id")
    else:
        q = scope.region_q("region") & scope.project_q("project_id")
    if scope.role == Role.WORKER:
        q &= Q(assigned_worker_id=user.pk) | Q(status="screened")
    return q


def cases_q(user: Any) -> Q:
    """Which cases a user may see (on the Case model).

    A team lead sees every case of the children in their team's region, a social worker the cases assigned to
    them, a project admin the cases of their projects, a bureau official (read-only) the cases in their region.
    Child directors, supervisors and volunteers keep no cases and see none.
    """
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.role == Role.PROJECT_ADMIN:
        return scope.project_q("project_id")
    if scope.role == Role.WORKER:
        # A worker's few cases are read from their index, then each case's child by its id is tested against
        # the area. Said as a join, SQLite probed the children's (region, id) index once per region of the
        # area for every case (1,079 cases x 179 villages of a banner); said as "child among the area's
        # children", it walked the banner's 16,000 children to find the worker's cases.
        in_area = Exists(Child.objects.filter(scope.region_q("region"), pk=OuterRef("child_id")))
        return Q(in_area, worker_id=user.pk) & scope.project_q("project_id")
    if scope.role in (Role.TEAM_LEAD, Role.BUREAU):
        return scope.region_q("child__region") & scope.project_q("project_id")
    return Q(pk__in=[])


def children_q_through(user: Any, prefix: str) -> Q:
    """children_q(user) asked of records that name their child by `prefix` (a child's links to categories): the
    records are chosen by joining their child, not by a list of every visible child's id."""
    return _under(prefix, children_q(user))


def cases_of_visible_children_q(user: Any) -> Q:
    """cases_q(user) asked only of cases whose child is already among children_q(user)'s: the test of the child's
    region is left out because it holds (every role that tests it sees children only in the same regions). What
    remains reads the case alone, so counting a city's children "with a case" needs no second join from each case
    back to its child."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.role == Role.PROJECT_ADMIN:
        return scope.project_q("project_id")
    if scope.role in (Role.TEAM_LEAD, Role.WORKER, Role.BUREAU):
        q = scope.project_q("project_id")
        if scope.role == Role.WORKER:
            q &= Q(worker_id=user.pk)
        return q
    return Q(pk__in=[])


def cases_by_area_q(user: Any, *, area: str, project: str, worker: str = "") -> Q | None:
    """cases_q(user) said of a summary kept by area (the child's region at county level or above, see
    reports.models.SessionDay) and project, or None when the user's cases are chosen by more than that: a social
    worker's own cases (unless the summary keeps each case's worker, in the column `worker`), an area below a county,
    a role that keeps no cases. Callers then count the records."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.role == Role.PROJECT_ADMIN:
        return scope.project_q(project)
    if scope.role == Role.BUREAU:
        region = user.region
    elif scope.role == Role.TEAM_LEAD or (scope.role == Role.WORKER and worker):
        region = user.team.region
    else:
        return None
    if region.level > Region.Level.COUNTY or (region.path,) != scope.region_paths:
        return None
    q = scope.region_q(area) & scope.project_q(project)
    return q & Q(**{worker: user.pk}) if scope.role == Role.WORKER else q


def children_by_area_q(user: Any, *, area: str, project: str) -> Q | None:
    """children_q(user) said of a summary of files kept by area and project (reports.models.ChildDay and its
    siblings), or None when the user's files are chosen by more than that: a social worker's own children, an area
    below a county, a role that sees no files through a region. Callers then count the files."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.role == Role.PROJECT_ADMIN:
        return scope.project_q(project)
    if scope.role in (Role.BUREAU, Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR):
        region = user.region
    elif scope.role == Role.TEAM_LEAD:
        region = user.team.region
    else:
        return None
    if region is None or region.level > Region.Level.COUNTY or (region.path,) != scope.region_paths:
        return None
    return scope.region_q(area) & scope.project_q(project)


def may_read_counselling_notes(user: Any) -> bool:
    scope = scope_for(user)
    return scope.everything or (not scope.is_empty and scope.role in NOTE_READERS)


def may_approve(user: Any, team: Any) -> bool:
    """Plans and closures are approved by the lead of the case's team: the team's region and project are theirs.

    Nobody else approves, not even a superuser or the project admin: approval is the lead's professional judgement.
    """
    scope = scope_for(user)
    if scope.role != Role.TEAM_LEAD or team is None:
        return False
    return (team.project_id in (scope.project_ids or ())
            and any(team.region.path.startswith(path) for path in scope.region_paths))


# Community work ---------------------------------------------------------------------------------------------

def _under(prefix: str, q: Q) -> Q:
    """The same condition, asked of a related record: children_q(user) on Child becomes one on Pairing.child."""
    moved = Q()
    moved.connector, moved.negated = q.connector, q.negated
    moved.children = [_under(prefix, c) if isinstance(c, Q) else (f"{prefix}__{c[0]}", c[1]) for c in q.children]
    return moved


def _region_and_project_q(user: Any, region_field: str) -> Q:
    """Records placed in a region and belonging to a project (activities, donations, donors)."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.is_empty:
        return Q(pk__in=[])
    if scope.role == Role.PROJECT_ADMIN:
        return scope.project_q("project_id")
    return scope.region_q(region_field) & scope.project_q("project_id")


def activities_q(user: Any) -> Q:
    """Group activities: those of the user's projects held in their area. Volunteers see their own hours only."""
    return _region_and_project_q(user, "region")


def donations_q(user: Any) -> Q:
    """Donations (and, with the same fields, donors): the project's, received in the user's area."""
    return _region_and_project_q(user, "region")


def volunteers_q(user: Any) -> Q:
    """Volunteer profiles: those of the volunteer teams in the user's area; a volunteer sees their own."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.role == Role.VOLUNTEER:
        return Q(user_id=user.pk) if getattr(user, "pk", None) else Q(pk__in=[])
    if scope.is_empty:
        return Q(pk__in=[])
    return scope.region_q("team__region")


def pairings_q(user: Any) -> Q:
    """Volunteer–child pairings. A volunteer sees their own pairings, granted record by record and never through
    a region; everyone else sees the pairings of the children whose files they may open."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if scope.role == Role.VOLUNTEER:
        return Q(volunteer__user_id=user.pk) if getattr(user, "pk", None) else Q(pk__in=[])
    if scope.is_empty:
        return Q(pk__in=[])
    return _under("child", children_q(user)) & Q(child__merged_into__isnull=True)


def may_log_visit(user: Any, pairing: Any) -> bool:
    """The volunteer of an ongoing pairing logs their own visits; the child's workers may log them on their behalf."""
    scope = scope_for(user)
    if scope.everything:
        return True
    if scope.role == Role.VOLUNTEER:
        return pairing.volunteer.user_id == user.pk and pairing.is_ongoing
    return scope.may_write("visit")


def sees_child_files(user: Any) -> bool:
    """Whether a user works with children's files at all; volunteers know a child only through a pairing."""
    scope = scope_for(user)
    return scope.everything or (not scope.is_empty and scope.role != Role.VOLUNTEER)


# All a volunteer may know of the child they are paired with; the rest of the file is never loaded for them.
VOLUNTEER_CHILD_FIELDS = ("pseudonym", "birth_date")


@dataclass(frozen=True)
class PairedChild:
    """The volunteer-safe view of a child: pseudonym, age and site, never the name, ID, address or case notes."""

    pseudonym: str
    age: int
    site: str


def volunteer_child_view(pairing: Any, today: Any = None) -> PairedChild:
    from datetime import date

    today = today or date.today()
    child = pairing.child
    born = child.birth_date
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return PairedChild(pseudonym=child.pseudonym, age=age, site=pairing.site.name if pairing.site_id else "")


def access(user: Any, queryset: QuerySet[M], pk: Any, *, kind: str, for_write: bool = False) -> M:
    """Load one object through a scoped queryset, or refuse.

    Out of scope is 404 (we do not confirm that the record exists);
    visible but not writable by this user is 403.
    """
    try:
        obj = queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if for_write and not scope_for(user).may_write(kind):
        raise PermissionDenied
    return obj
