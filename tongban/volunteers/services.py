"""Writes for volunteers, pairings and the pairing visit log. Pages and the demo builder's rules come through here."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.access import may_log_visit, scope_for
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children.choices import Status
from tongban.children.models import Child
from tongban.children.selectors import children_visible_to
from tongban.core.versions import version_check, version_raise
from tongban.organisations.models import Organisation, Site
from tongban.organisations.selectors import organisations_visible_to, sites_visible_to
from tongban.volunteers.models import Availability, Pairing, PairingVisit, Skill, Volunteer
from tongban.volunteers.selectors import pairings_visible_to, volunteers_visible_to

VOLUNTEER_FIELDS = ("name", "phone", "is_party_member", "skills", "availability", "joined_on", "active", "notes",
                    "team", "user")
# Children who left the programme are not paired any more.
PAIRABLE = (Status.SCREENED, Status.IN_SERVICE)
MAX_VISIT_MINUTES = 600


def _require(actor: Any, kind: str, message: str) -> None:
    if not scope_for(actor).may_write(kind):
        raise PermissionDenied(message)


def _check_choices(values: list[str], choices: Any, field: str) -> None:
    unknown = [v for v in values if v not in choices.values]
    if unknown:
        raise ValidationError({field: _("Unknown choice: %(values)s") % {"values": "、".join(unknown)}})


def _check_team(actor: Any, team: Organisation) -> None:
    if team.kind != Organisation.Kind.VOLUNTEER_TEAM:
        raise ValidationError({"team": _("Choose a volunteer team.")})
    # A team is in the actor's area when its region is: the same door as the volunteers themselves.
    if not organisations_visible_to(actor).filter(pk=team.pk).exists() or not (
            scope_for(actor).everything or any(team.region.path.startswith(p) for p in scope_for(actor).region_paths)):
        raise ValidationError({"team": _("This volunteer team works outside your area.")})


@transaction.atomic
def volunteer_register(*, actor: Any, team: Organisation, name: str, joined_on: date | None = None,
                       **fields: Any) -> Volunteer:
    _require(actor, "volunteer", _("Your account cannot register volunteers."))
    _check_team(actor, team)
    volunteer = Volunteer(team=team, name=name.strip(), joined_on=joined_on or date.today())
    for key, value in fields.items():
        if key not in VOLUNTEER_FIELDS:
            raise TypeError(f"unknown volunteer field {key}")
        setattr(volunteer, key, value)
    _check_choices(volunteer.skills, Skill, "skills")
    _check_choices(volunteer.availability, Availability, "availability")
    _check_account(volunteer)
    volunteer.full_clean()
    volunteer.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=volunteer,
                 changes={"team": team.pk, "name": volunteer.name, "user": volunteer.user_id})
    return volunteer


def _check_account(volunteer: Volunteer) -> None:
    if volunteer.user_id and Volunteer.objects.filter(user_id=volunteer.user_id).exclude(pk=volunteer.pk).exists():
        raise ValidationError({"user": _("This account already belongs to another volunteer.")})


def _changed_meanwhile() -> str:
    return _("Someone else changed this record while you were editing it. "
             "Reload it to see their changes, then make yours again.")


@transaction.atomic
def volunteer_update(*, actor: Any, volunteer: Volunteer, version: int | None = None, **fields: Any) -> Volunteer:
    """Change a volunteer's details. With `version`, a change made meanwhile by someone else is refused."""
    _require(actor, "volunteer", _("Your account cannot change volunteers."))
    if not volunteers_visible_to(actor).filter(pk=volunteer.pk).exists():
        raise PermissionDenied
    version_check(volunteer, version, message=_changed_meanwhile())
    changed = {}
    for key, value in fields.items():
        if key not in VOLUNTEER_FIELDS:
            raise TypeError(f"unknown volunteer field {key}")
        if getattr(volunteer, key) != value:
            setattr(volunteer, key, value)
            changed[key] = value
    if "team" in changed:
        _check_team(actor, volunteer.team)
    _check_choices(volunteer.skills, Skill, "skills")
    _check_choices(volunteer.availability, Availability, "availability")
    _check_account(volunteer)
    volunteer.full_clean()
    if changed:
        version_raise(volunteer, message=_changed_meanwhile())
    volunteer.save()
    if changed:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=volunteer, changes=changed)
    return volunteer


@transaction.atomic
def pairing_create(*, actor: Any, volunteer: Volunteer, child: Child, starts_on: date, ends_on: date | None = None,
                   site: Site | None = None, purpose: str = "") -> Pairing:
    """Pair a volunteer with a child of the volunteer team's area, for a period."""
    _require(actor, "pairing", _("Your account cannot pair volunteers with children."))
    if not children_visible_to(actor).filter(pk=child.pk).exists():
        raise PermissionDenied
    if not volunteers_visible_to(actor).filter(pk=volunteer.pk).exists():
        raise PermissionDenied
    if not volunteer.active:
        raise ValidationError({"volunteer": _("%(name)s is no longer an active volunteer.") % {"name": volunteer}})
    if child.status not in PAIRABLE:
        raise ValidationError({"child": _("Only children still screened or in service can be paired.")})
    if not child.region.path.startswith(volunteer.team.region.path):
        raise ValidationError({"volunteer": _(
            "A volunteer of %(team)s can be paired only with a child living in %(region)s.") % {
            "team": volunteer.team, "region": volunteer.team.region}})
    if site is not None and (site.project_id != child.project_id
                             or not sites_visible_to(actor).filter(pk=site.pk).exists()):
        raise ValidationError({"site": _("Choose a site of the child's project in your area.")})
    if Pairing.objects.ongoing(starts_on).filter(volunteer=volunteer, child=child).exists():
        raise ValidationError(_("This volunteer is already paired with this child."))
    pairing = Pairing(volunteer=volunteer, child=child, site=site, starts_on=starts_on, ends_on=ends_on,
                      purpose=purpose.strip(), created_by=actor if getattr(actor, "is_authenticated", False) else None)
    pairing.full_clean()
    pairing.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=pairing,
                 changes={"volunteer": volunteer.pk, "child": child.pk, "starts_on": starts_on, "ends_on": ends_on})
    return pairing


@transaction.atomic
def pairing_end(*, actor: Any, pairing: Pairing, ends_on: date, reason: str = "",
                version: int | None = None) -> Pairing:
    """End a pairing on a day. With `version`, a change made meanwhile by someone else is refused."""
    _require(actor, "pairing", _("Your account cannot end pairings."))
    if not pairings_visible_to(actor).filter(pk=pairing.pk).exists():
        raise PermissionDenied
    version_check(pairing, version, message=_changed_meanwhile())
    if ends_on < pairing.starts_on:
        raise ValidationError({"ends_on": _("A pairing cannot end before it starts.")})
    pairing.ends_on, pairing.end_reason = ends_on, reason.strip()[:200]
    version_raise(pairing, message=_changed_meanwhile(), from_copy=version is not None)
    pairing.save(update_fields=["ends_on", "end_reason"])
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=pairing,
                 changes={"ends_on": ends_on, "end_reason": pairing.end_reason})
    return pairing


@transaction.atomic
def visit_log(*, actor: Any, pairing: Pairing, visited_on: date, minutes: int, what_was_done: str,
              concerns: str = "") -> PairingVisit:
    """Log a visit of the pairing's volunteer: by the volunteer, or by a worker for them."""
    if not pairings_visible_to(actor).filter(pk=pairing.pk).exists():
        raise PermissionDenied
    if not may_log_visit(actor, pairing):
        raise PermissionDenied(_("Only the paired volunteer or the child's social workers log visits."))
    if visited_on > date.today():
        raise ValidationError({"visited_on": _("A visit cannot be logged before it has happened.")})
    if visited_on < pairing.starts_on or (pairing.ends_on and visited_on > pairing.ends_on):
        raise ValidationError({"visited_on": _("The visit date lies outside the pairing's period.")})
    if not 1 <= minutes <= MAX_VISIT_MINUTES:
        raise ValidationError({"minutes": _("A visit lasts between 1 and %(max)s minutes.") % {
            "max": MAX_VISIT_MINUTES}})
    if not what_was_done.strip():
        raise ValidationError({"what_was_done": _("Say briefly what you did together.")})
    visit = PairingVisit(pairing=pairing, visited_on=visited_on, minutes=minutes,
                         what_was_done=what_was_done.strip(), concerns=concerns.strip(), recorded_by=actor)
    visit.full_clean()
    visit.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=visit,
                 changes={"visited_on": visited_on, "minutes": minutes, "concerns": bool(visit.concerns)})
    return visit
