from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.organisations.models import Project, Site
from tongban.regions.models import Region

BIRTHDAY_PARTY = "birthday_party"


class ActivityType(models.Model):
    """A kind of group activity (birthday party, 6:30 class, …). Configurable data, seeded by migration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class BrandLine(models.Model):
    """A service brand line, e.g. the five "dreams" (5个筑梦). Configurable data, seeded by migration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("brand line")
        verbose_name_plural = _("brand lines")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ActivityQuerySet(models.QuerySet["Activity"]):
    def held(self) -> "ActivityQuerySet":
        return self.filter(status=Activity.Status.HELD)

    def between(self, first: date, last: date) -> "ActivityQuerySet":
        return self.filter(held_on__gte=first, held_on__lte=last)

    def at_site(self, site: Site) -> "ActivityQuerySet":
        return self.filter(site=site)


class Activity(models.Model):
    """A group event at a site or in a region, with the children invited and attending and the volunteers present."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="activities")
    site = models.ForeignKey(Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="activities")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+",
                               help_text=_("Where it takes place; for an activity at a site, the site's region."))
    type = models.ForeignKey(ActivityType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+")
    brand_line = models.ForeignKey(BrandLine, verbose_name=_("brand line"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    plan = models.TextField(_("plan"), blank=True)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    walk_ins = models.PositiveIntegerField(_("walk-in children"), default=0,
                                           help_text=_("Children who came without being on the registry list."))
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Goes up with every change of the activity's own fields, so that an edit made from a stale copy is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["project", "held_on"], name="activity_project_day_idx"),
            models.Index(fields=["region", "held_on"], name="activity_region_day_idx"),
            models.Index(fields=["site", "type", "held_on"], name="activity_site_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def clean(self) -> None:
        if self.site_id and self.project_id and self.site.project_id != self.project_id:
            raise ValidationError({"site": _("This site belongs to another project.")})
        if self.project_id and self.region_id and not any(
                self.region.path.startswith(r.path) for r in self.project.regions.all()):
            raise ValidationError({"region": _("This region is not covered by the project.")})


class Attendance(models.Model):
    """A registered child invited to an activity, and whether they came."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    child = models.ForeignKey("children.Child", verbose_name=_("child"), on_delete=models.PROTECT,
                              related_name="attendances")
    invited = models.BooleanField(_("invited"), default=True)
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["activity", "child"], name="child_once_per_activity")]
        indexes = [models.Index(fields=["child", "attended"], name="attendance_child_idx")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.child.pseudonym}"


class ActivityVolunteer(models.Model):
    """A volunteer present at an activity, and the hours they served there."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="volunteers_present")
    volunteer = models.ForeignKey("volunteers.Volunteer", verbose_name=_("volunteer"), on_delete=models.PROTECT,
                                  related_name="presences")
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = _("volunteer present")
        verbose_name_plural = _("volunteers present")
        constraints = [models.UniqueConstraint(fields=["activity", "volunteer"], name="volunteer_once_per_activity")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.volunteer}"

    def clean(self) -> None:
        if self.hours is not None and not (Decimal("0.5") <= self.hours <= Decimal("24")):
            raise ValidationError({"hours": _("Hours served at one activity lie between 0.5 and 24.")})


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    # Photos of children are never served as public media: a view checks access first.
    image = models.FileField(_("photo"), upload_to="activities/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name
