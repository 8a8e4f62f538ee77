from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from django.db.models import Count, Q
from django.urls import reverse

from tongban.accounts.access import scope_for
from tongban.accounts.selectors import users_visible_to
from tongban.children.choices import Risk, Status
from tongban.children.selectors import children_visible_to
from tongban.organisations.selectors import (
    organisations_visible_to,
    projects_visible_to,
    sites_visible_to,
    teams_visible_to,
)
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    count: int
    url: str = ""


def dashboard_figures(user: Any) -> list[Figure]:
    """The counts on a user's dashboard: only what that user may see."""
    scope = scope_for(user)
    if scope.is_empty:
        return []
    regions = regions_visible_to(user)
    children = children_visible_to(user).aggregate(
        total=Count("pk"), in_service=Count("pk", filter=Q(status=Status.IN_SERVICE)),
        high_risk=Count("pk", filter=Q(risk__in=[Risk.HIGH, Risk.CRITICAL])))
    return [
        Figure("children", _("Children's files"), children["total"], reverse("children:list")),
        Figure("children_in_service", _("Children in service"), children["in_service"],
               reverse("children:list") + "?status=" + Status.IN_SERVICE),
        Figure("children_high_risk", _("Children at high risk"), children["high_risk"]),
        Figure("projects", _("Service projects"), projects_visible_to(user).count()),
        Figure("teams", _("Project teams"), teams_visible_to(user).count()),
        Figure("sites", _("Youth homes and project points"), sites_visible_to(user).count()),
        Figure("townships", _("Townships and streets"), regions.at_level(Region.Level.TOWNSHIP).count()),
        Figure("villages", _("Villages and communities"), regions.at_level(Region.Level.VILLAGE).count()),
        Figure("organisations", _("Organisations"), organisations_visible_to(user).count()),
        Figure("users", _("Colleagues with accounts"), users_visible_to(user).count()),
    ]
