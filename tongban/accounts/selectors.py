from typing import Any

from django.db.models import Q, QuerySet

from tongban.accounts.access import access, scope_for
from tongban.accounts.models import Role, User


def users_visible_to(user: Any) -> QuerySet[User]:
    """People whose accounts this user may see: staff of their projects and region."""
    scope = scope_for(user)
    if scope.everything:
        return User.objects.all()
    # Like scope_for: a deactivated account sees nothing, not even itself.
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return User.objects.none()
    q = Q(pk=user.pk)
    if scope.role == Role.PROJECT_ADMIN:
        q |= Q(team__project_id__in=sorted(scope.project_ids or ()))
        q |= Q(organisation_id=scope.organisation_id)
        q |= Q(role__in=[Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR]) & scope.region_q("region")
        q |= Q(role=Role.VOLUNTEER) & scope.region_q("organisation__region")
    elif scope.role in (Role.TEAM_LEAD, Role.WORKER):
        q |= Q(team_id=scope.team_id)
        q |= Q(role__in=[Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR]) & scope.region_q("region")
    elif scope.role == Role.BUREAU:
        q |= Q(role__in=[Role.TEAM_LEAD, Role.WORKER, Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR]) & scope.region_q(
            "region")
    return User.objects.filter(q)


def access_user(user: Any, pk: Any, *, for_write: bool = False) -> User:
    return access(user, users_visible_to(user), pk, kind="user", for_write=for_write)
