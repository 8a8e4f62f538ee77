from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.accounts.access import scope_for
from tongban.accounts.selectors import users_visible_to
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


def dashboard_figures(user: Any) -> list[Figure]:
    """The counts on a user's dashboard: only what that user may see."""
    scope = scope_for(user)
    if scope.is_empty:
        return []
    regions = regions_visible_to(user)
    return [
        Figure("projects", _("Service projects"), projects_visible_to(user).count()),
        Figure("teams", _("Project teams"), teams_visible_to(user).count()),
        Figure("sites", _("Youth homes and project points"), sites_visible_to(user).count()),
        Figure("townships", _("Townships and streets"), regions.at_level(Region.Level.TOWNSHIP).count()),
        Figure("villages", _("Villages and communities"), regions.at_level(Region.Level.VILLAGE).count()),
        Figure("organisations", _("Organisations"), organisations_visible_to(user).count()),
        Figure("users", _("Colleagues with accounts"), users_visible_to(user).count()),
    ]
