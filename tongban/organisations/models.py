from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.regions.models import Region


class RegistrationStatus(models.TextChoices):
    INCUBATING = "incubating", _("being incubated, not registered")
    FILED = "filed", _("filed with the community (备案)")
    REGISTERED = "registered", _("registered with civil affairs")
    DEREGISTERED = "deregistered", _("deregistered")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        BUREAU = "bureau", _("civil-affairs bureau")
        CONTRACTOR = "contractor", _("contractor association")
        SOCIAL_ORG = "social_org", _("incubated social organisation")
        VOLUNTEER_TEAM = "volunteer_team", _("volunteer team")
        SCHOOL = "school", _("school")
        ENTERPRISE = "enterprise", _("enterprise")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    incubated_by = models.ForeignKey(
        "self", verbose_name=_("incubated by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="incubated",
    )
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # For the social organisations and volunteer teams a contractor incubates (孵化).
    registration_status = models.CharField(_("registration status"), max_length=20,
                                           choices=RegistrationStatus.choices, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    services_offered = models.TextField(_("services offered"), blank=True,
                                        help_text=_("What the organisation does for children, one line each."))

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def services_list(self) -> list[str]:
        return [line.strip() for line in self.services_offered.splitlines() if line.strip()]


class ProjectQuerySet(models.QuerySet["Project"]):
    def active_on(self, day) -> "ProjectQuerySet":  # type: ignore[no-untyped-def]
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class Project(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    funder = models.ForeignKey(
        Organisation, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="funded_projects",
    )
    contractor = models.ForeignKey(
        Organisation, verbose_name=_("contractor"), on_delete=models.PROTECT, related_name="contracted_projects",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    regions = models.ManyToManyField(Region, verbose_name=_("covered regions"), related_name="projects")
    budget_yuan = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, default=0)
    target_children = models.PositiveIntegerField(_("target: children served"), default=0)
    target_sessions = models.PositiveIntegerField(_("target: service sessions"), default=0)
    target_events = models.PositiveIntegerField(_("target: group events"), default=0)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("service project")
        verbose_name_plural = _("service projects")
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The project cannot end before it starts.")})
        if self.contractor_id and self.contractor.kind != Organisation.Kind.CONTRACTOR:
            raise ValidationError({"contractor": _("The contractor must be a contractor association.")})


class Team(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="teams")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("project team")
        verbose_name_plural = _("project teams")
        ordering = ["project", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "region"], name="one_team_per_project_region"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.region_id and self.region.level != Region.Level.COUNTY:
            raise ValidationError({"region": _("A team works for one county, banner or district.")})
        if self.project_id and self.region_id and not _covers(self.project, self.region):
            raise ValidationError({"region": _("This region is not covered by the project.")})


class Site(models.Model):
    class Kind(models.TextChoices):
        YOUTH_HOME = "youth_home", _("youth home")
        PROJECT_POINT = "project_point", _("project point")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="sites")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.YOUTH_HOME)
    address = models.CharField(_("address"), max_length=300, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True,
                                     help_text=_("e.g. Mon–Fri 16:00–19:30, Sat 9:00–17:00"))
    capacity = models.PositiveIntegerField(_("capacity (children at a time)"), null=True, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True,
                                   related_name="sites_staffed")

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["project", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.project_id and self.region_id and not _covers(self.project, self.region):
            raise ValidationError({"region": _("This region is not covered by the project.")})


def _covers(project: Project, region: Region) -> bool:
    """Whether a region lies inside (or is) one of the project's covered regions."""
    return any(region.path.startswith(covered.path) for covered in project.regions.all())
