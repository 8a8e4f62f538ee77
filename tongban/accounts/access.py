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
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from tongban.accounts.models import Role, User
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
}
# Who may see a full ID number or phone (always with a recorded reason).
REVEALERS = frozenset({Role.PROJECT_ADMIN, Role.TEAM_LEAD, Role.WORKER, Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR})


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
