from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.organisations.models import Organisation, Site


class Skill(models.TextChoices):
    TUTORING = "tutoring", _("homework tutoring")
    READING = "reading", _("reading and storytelling")
    ARTS = "arts", _("arts and crafts")
    MUSIC = "music", _("music and dance")
    SPORTS = "sports", _("sports and games")
    PSYCHOLOGY = "psychology", _("listening and emotional support")
    HEALTH = "health", _("health and first aid")
    LEGAL = "legal", _("legal advice")
    LIFE_SKILLS = "life_skills", _("cooking and life skills")
    TECHNOLOGY = "technology", _("science and technology")
    PHOTOGRAPHY = "photography", _("photography")
    LANGUAGES = "languages", _("Mongolian, Uyghur or other languages")


class Availability(models.TextChoices):
    WEEKDAY_DAYTIME = "weekday_day", _("weekday daytime")
    WEEKDAY_EVENING = "weekday_evening", _("weekday evenings")
    SATURDAY = "saturday", _("Saturdays")
    SUNDAY = "sunday", _("Sundays")
    SCHOOL_HOLIDAYS = "holidays", _("school holidays")


def _labels(choices: type[models.TextChoices], values: list[str]) -> list[str]:
    return [str(choices(v).label) if v in choices.values else v for v in values or []]


class VolunteerQuerySet(models.QuerySet["Volunteer"]):
    def active(self) -> "VolunteerQuerySet":
        return self.filter(active=True)

    def in_team(self, team: Organisation) -> "VolunteerQuerySet":
        return self.filter(team=team)


class Volunteer(models.Model):
    """A volunteer of a volunteer team, with or without an account to sign in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="volunteer_profile")
    team = models.ForeignKey(Organisation, verbose_name=_("volunteer team"), on_delete=models.PROTECT,
                             related_name="volunteers", limit_choices_to={"kind": Organisation.Kind.VOLUNTEER_TEAM})
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_party_member = models.BooleanField(_("Communist Party member"), default=False)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    joined_on = models.DateField(_("joined on"), default=date.today)
    active = models.BooleanField(_("active"), default=True)
    notes = models.CharField(_("remarks"), max_length=300, blank=True)
    # Goes up with every saved change, so that an edit made from a stale copy is refused (API: ETag / If-Match).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["team", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.team_id and self.team.kind != Organisation.Kind.VOLUNTEER_TEAM:
            raise ValidationError({"team": _("Choose a volunteer team.")})
        if self.user_id is not None:
            from tongban.accounts.models import Role

            if self.user.role != Role.VOLUNTEER:
                raise ValidationError({"user": _("Only an account with the volunteer role can be a volunteer's.")})
            if self.user.organisation_id not in (None, self.team_id):
                raise ValidationError({"user": _("This account belongs to another volunteer team.")})

    def skill_labels(self) -> list[str]:
        return _labels(Skill, self.skills)

    def availability_labels(self) -> list[str]:
        return _labels(Availability, self.availability)


class PairingQuerySet(models.QuerySet["Pairing"]):
    def ongoing(self, day: date | None = None) -> "PairingQuerySet":
        day = day or date.today()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class Pairing(models.Model):
    """A volunteer paired with one child for a period (e.g. a party-member mother, 党员妈妈结对)."""

    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT,
                                  related_name="pairings")
    child = models.ForeignKey("children.Child", verbose_name=_("child"), on_delete=models.PROTECT,
                              related_name="pairings")
    site = models.ForeignKey(Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="pairings", help_text=_("The youth home or project point the child attends."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    purpose = models.CharField(_("what the pairing is for"), max_length=300, blank=True,
                               help_text=_("Shown to the volunteer: write nothing here from the case file."))
    end_reason = models.CharField(_("why it ended"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Goes up when the pairing is ended, so that an end decided from a stale copy is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["child", "starts_on"], name="pairing_child_idx")]

    def __str__(self) -> str:
        # The child's pseudonym, never the name: pairings are shown to volunteers and in the audit trail.
        return f"{self.volunteer} · {self.child.pseudonym}"

    @property
    def is_ongoing(self) -> bool:
        today = date.today()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A pairing cannot end before it starts.")})


class PairingVisit(models.Model):
    """One visit of the pairing's volunteer to the child, as the volunteer tells it."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("pairing"), on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("visit date"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    what_was_done = models.TextField(_("what you did together"))
    concerns = models.TextField(_("concerns for the social worker"), blank=True,
                                help_text=_("Anything that worried you. The child's social worker reads it."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pairing visit")
        verbose_name_plural = _("pairing visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["pairing", "visited_on"], name="visit_pairing_day_idx")]

    def __str__(self) -> str:
        return f"{self.pairing} {self.visited_on}"

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
