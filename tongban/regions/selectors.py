from typing import Any

from tongban.accounts.access import access, scope_for
from tongban.regions.models import Region, RegionQuerySet


def regions_visible_to(user: Any) -> RegionQuerySet:
    return Region.objects.filter(scope_for(user).region_q())


def access_region(user: Any, pk: Any, *, for_write: bool = False) -> Region:
    return access(user, regions_visible_to(user), pk, kind="region", for_write=for_write)
