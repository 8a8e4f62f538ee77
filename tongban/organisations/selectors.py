from typing import Any

from django.db.models import Q, QuerySet

from tongban.accounts.access import access, scope_for
from tongban.organisations.models import Organisation, Project, Site, Team


def _ancestor_paths(path: str) -> list[str]:
    codes = [c for c in path.strip("/").split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def projects_visible_to(user: Any) -> QuerySet[Project]:
    scope = scope_for(user)
    if scope.everything:
        return Project.objects.all()
    if scope.project_ids is not None:
        return Project.objects.filter(pk__in=sorted(scope.project_ids))
    # Not bound to projects (bureau, child directors): every project that works
    # in their region, whether it covers a part of it or the region around it.
    overlapping = Q(pk__in=[])
    for path in scope.region_paths:
        overlapping |= Q(regions__path__startswith=path) | Q(regions__path__in=_ancestor_paths(path))
    ids = Project.objects.filter(overlapping).values("pk")
    return Project.objects.filter(pk__in=ids)


def teams_visible_to(user: Any) -> QuerySet[Team]:
    scope = scope_for(user)
    return Team.objects.filter(scope.project_q("project_id") & scope.region_q("region"))


def sites_visible_to(user: Any) -> QuerySet[Site]:
    scope = scope_for(user)
    return Site.objects.filter(scope.project_q("project_id") & scope.region_q("region"))


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    scope = scope_for(user)
    if scope.everything:
        return Organisation.objects.all()
    q = Q(pk=scope.organisation_id) if scope.organisation_id else Q(pk__in=[])
    if not scope.is_empty:
        projects = projects_visible_to(user)
        q |= scope.region_q("region")
        q |= Q(pk__in=projects.values("funder_id")) | Q(pk__in=projects.values("contractor_id"))
    return Organisation.objects.filter(q)


def access_project(user: Any, pk: Any, *, for_write: bool = False) -> Project:
    return access(user, projects_visible_to(user), pk, kind="project", for_write=for_write)


def access_team(user: Any, pk: Any, *, for_write: bool = False) -> Team:
    return access(user, teams_visible_to(user), pk, kind="team", for_write=for_write)


def access_site(user: Any, pk: Any, *, for_write: bool = False) -> Site:
    return access(user, sites_visible_to(user), pk, kind="site", for_write=for_write)


def access_organisation(user: Any, pk: Any, *, for_write: bool = False) -> Organisation:
    return access(user, organisations_visible_to(user), pk, kind="organisation", for_write=for_write)
