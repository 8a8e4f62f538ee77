"""Writes for group activities: planning, inviting, attendance, volunteers' hours, photos, birthday parties."""

import calendar
import io
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from tongban.accounts.access import scope_for
from tongban.activities.models import (
    BIRTHDAY_PARTY,
    Activity,
    ActivityPhoto,
    ActivityType,
    ActivityVolunteer,
    Attendance,
    BrandLine,
)
from tongban.activities.selectors import activities_visible_to, birthday_party_of, birthdays
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children.models import Child
from tongban.children.selectors import children_visible_to
from tongban.core.versions import version_check, version_raise
from tongban.organisations.models import Project, Site
from tongban.organisations.selectors import projects_visible_to, sites_visible_to
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to
from tongban.volunteers.models import Volunteer
from tongban.volunteers.selectors import volunteers_visible_to

ACTIVITY_FIELDS = ("title", "plan", "held_on", "starts_at", "place", "type", "brand_line", "status", "summary")
MAX_PHOTO_MB = 8


def _require_write(actor: Any) -> None:
    if not scope_for(actor).may_write("activity"):
        raise PermissionDenied(_("Your account cannot plan or record activities."))


def _require_visible(actor: Any, activity: Activity) -> None:
    _require_write(actor)
    if not activities_visible_to(actor).filter(pk=activity.pk).exists():
        raise PermissionDenied


@transaction.atomic
def activity_plan(*, actor: Any, project: Project, type: ActivityType, held_on: date, title: str,
                  site: Site | None = None, region: Region | None = None, brand_line: BrandLine | None = None,
                  plan: str = "", starts_at: Any = None, place: str = "") -> Activity:
    """Plan an activity at a site (its region follows) or in a region of the user's area."""
    _require_write(actor)
    if not projects_visible_to(actor).filter(pk=project.pk).exists():
        raise PermissionDenied
    if site is not None:
        if not sites_visible_to(actor).filter(pk=site.pk).exists():
            raise ValidationError({"site": _("This site is outside your area.")})
        region = site.region
        place = place or site.address or site.name
    if region is None:
        raise ValidationError({"region": _("Choose a site, or the region where the activity takes place.")})
    if not regions_visible_to(actor).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("This region is outside your working area.")})
    activity = Activity(project=project, site=site, region=region, type=type, brand_line=brand_line,
                        title=title.strip(), plan=plan, held_on=held_on, starts_at=starts_at, place=place,
                        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    activity.full_clean()
    activity.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=activity,
                 changes={"type": type.code, "held_on": held_on, "site": site.pk if site else None,
                          "region": region.pk})
    return activity


def _conflict() -> str:
    return _("Someone else changed this activity while you were editing it. "
             "Reload it to see their changes, then make yours again.")


@transaction.atomic
def activity_update(*, actor: Any, activity: Activity, version: int | None = None, **fields: Any) -> Activity:
    """Change an activity. With `version`, a change made meanwhile by someone else is refused, not overwritten."""
    _require_visible(actor, activity)
    version_check(activity, version, message=_conflict())
    changed = {}
    for key, value in fields.items():
        if key not in ACTIVITY_FIELDS:
            raise TypeError(f"unknown activity field {key}")
        if getattr(activity, key) != value:
            setattr(activity, key, value)
            changed[key] = value
    if activity.status == Activity.Status.HELD and activity.held_on > date.today():
        raise ValidationError({"status": _("An activity in the future cannot be marked as held yet.")})
    activity.full_clean()
    if changed:
        version_raise(activity, message=_conflict())
    activity.save()
    if changed:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=activity, changes=changed)
    return activity


@transaction.atomic
def children_invite(*, actor: Any, activity: Activity, children: Iterable[Child]) -> int:
    """Invite registered children; those already invited are left as they are. Returns how many were added."""
    _require_visible(actor, activity)
    ids = {c.pk for c in children}
    allowed = set(children_visible_to(actor).filter(pk__in=ids, project_id=activity.project_id)
                  .values_list("pk", flat=True))
    if ids - allowed:
        raise ValidationError(_("Some of these children are not in your area or not in the activity's project."))
    have = set(activity.attendance.filter(child_id__in=ids).values_list("child_id", flat=True))
    new = [Attendance(activity=activity, child_id=pk, invited=True) for pk in sorted(ids - have)]
    Attendance.objects.bulk_create(new)
    if new:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=activity,
                     changes={"invited": [a.child_id for a in new]})
    return len(new)


@transaction.atomic
def attendance_record(*, actor: Any, activity: Activity, attended: Iterable[int], walk_ins: int,
                      summary: str | None = None) -> Activity:
    """Record who came: the invited children who attended, and how many walk-ins. The activity is then held."""
    _require_visible(actor, activity)
    if activity.held_on > date.today():
        raise ValidationError(_("Attendance is recorded once the activity has taken place."))
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(_("This activity was cancelled."))
    if walk_ins < 0:
        raise ValidationError({"walk_ins": _("The number of walk-ins cannot be negative.")})
    came = set(attended)
    rows = list(activity.attendance.all())
    unknown = came - {a.child_id for a in rows}
    if unknown:
        raise ValidationError(_("Invite a child before marking them as present."))
    changed = [a for a in rows if a.attended != (a.child_id in came)]
    for a in changed:
        a.attended = a.child_id in came
    Attendance.objects.bulk_update(changed, ["attended"])
    activity.walk_ins = walk_ins
    activity.status = Activity.Status.HELD
    if summary is not None:
        activity.summary = summary
    activity.save(update_fields=["walk_ins", "status", "summary"])
    # Recording attendance changes the status and summary: copies taken before it are stale.
    version_raise(activity, message=_conflict(), from_copy=False)
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=activity,
                 changes={"attended": sorted(came), "walk_ins": walk_ins})
    return activity


@transaction.atomic
def volunteer_hours_record(*, actor: Any, activity: Activity, volunteer: Volunteer,
                           hours: Decimal) -> ActivityVolunteer:
    """Record (or correct) the hours a volunteer served at an activity."""
    _require_visible(actor, activity)
    if not volunteers_visible_to(actor).filter(pk=volunteer.pk).exists():
        raise ValidationError({"volunteer": _("This volunteer belongs to a team outside your area.")})
    if activity.held_on > date.today():
        raise ValidationError(_("Hours are recorded once the activity has taken place."))
    presence = ActivityVolunteer.objects.filter(activity=activity, volunteer=volunteer).first() or ActivityVolunteer(
        activity=activity, volunteer=volunteer)
    presence.hours = hours
    presence.full_clean()
    presence.save()
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=activity,
                 changes={"volunteer": volunteer.pk, "hours": hours})
    return presence


@transaction.atomic
def photo_add(*, actor: Any, activity: Activity, upload: Any, caption: str = "") -> ActivityPhoto:
    """Keep a photo of the activity, re-encoded so that no location or camera data stays in it."""
    from PIL import Image, UnidentifiedImageError

    _require_visible(actor, activity)
    if upload.size > MAX_PHOTO_MB * 1024 * 1024:
        raise ValidationError({"image": _("A photo may be at most %(mb)s MB.") % {"mb": MAX_PHOTO_MB}})
    try:
        with Image.open(upload) as image:
            image.load()
            clean = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError({"image": _("This file is not a photo (JPEG or PNG).")}) from None
    clean.thumbnail((2000, 2000))
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85)
    photo = ActivityPhoto(activity=activity, caption=caption.strip(), uploaded_by=actor)
    photo.image.save(f"activity-{activity.pk}.jpg", ContentFile(out.getvalue()), save=False)
    photo.full_clean()
    photo.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=photo, changes={"activity": activity.pk})
    return photo


def last_saturday(year: int, month: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - 5) % 7)


@transaction.atomic
def birthday_party_create(*, actor: Any, site: Site, year: int, month: int, held_on: date | None = None) -> Activity:
    """One action: the month's collective birthday party at a site, with every child born that month invited."""
    _require_write(actor)
    if not sites_visible_to(actor).filter(pk=site.pk).exists():
        raise PermissionDenied
    # Two people pressing the button at once make one party: the second waits here, then finds the first.
    Site.objects.select_for_update().filter(pk=site.pk).first()
    existing = birthday_party_of(site, year, month)
    if existing is not None:
        raise ValidationError(_("The birthday party of %(month)s at %(site)s already exists.") % {
            "month": f"{year}-{month:02d}", "site": site.name}, code="exists")
    held_on = held_on or last_saturday(year, month)
    if (held_on.year, held_on.month) != (year, month):
        raise ValidationError({"held_on": _("The party takes place in the month of the birthdays.")})
    party_type = ActivityType.objects.get(code=BIRTHDAY_PARTY)
    month_name = formats.date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
    activity = activity_plan(actor=actor, project=site.project, type=party_type, site=site, held_on=held_on,
                             title=_("Birthday party of %(month)s") % {"month": month_name})
    children_invite(actor=actor, activity=activity, children=list(birthdays(actor, site, month)))
    return activity
