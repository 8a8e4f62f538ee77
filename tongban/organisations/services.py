"""Writes to sites (youth homes and project points)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.access import scope_for
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.organisations.models import Site
from tongban.organisations.selectors import sites_visible_to

SITE_FIELDS = ("name", "kind", "address", "opening_hours", "capacity")


@transaction.atomic
def site_update(*, actor: Any, site: Site, staff: Any = None, **fields: Any) -> Site:
    """Change a site's details and staff; staff are the project's team members of the site's county."""
    if not scope_for(actor).may_write("site"):
        raise PermissionDenied(_("Your account cannot change sites."))
    if not sites_visible_to(actor).filter(pk=site.pk).exists():
        raise PermissionDenied
    changed: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in SITE_FIELDS:
            raise TypeError(f"unknown site field {key}")
        if getattr(site, key) != value:
            setattr(site, key, value)
            changed[key] = value
    site.full_clean()
    site.save()
    if staff is not None:
        wrong = [u for u in staff if u.team_id is None or u.team.project_id != site.project_id
                 or not site.region.path.startswith(u.team.region.path)]
        if wrong:
            raise ValidationError({"staff": _("Staff are members of the project team of the site's county.")})
        site.staff.set(staff)
        changed["staff"] = [u.pk for u in staff]
    if changed:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=site, changes=changed)
    return site
