from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from tongban.organisations.models import Organisation, Team
from tongban.regions.models import Region


class Role(models.TextChoices):
    BUREAU = "bureau", _("bureau official")
    PROJECT_ADMIN = "project_admin", _("project admin")
    TEAM_LEAD = "team_lead", _("team lead")
    WORKER = "worker", _("social worker")
    CHILD_DIRECTOR = "child_director", _("child director (village)")
    CHILD_SUPERVISOR = "child_supervisor", _("child supervisor (township)")
    VOLUNTEER = "volunteer", _("volunteer")


class User(AbstractUser):
    """A person who signs in. What they may see follows from role + organisation + region (+ team)."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="members",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("For team members this is the team's region."),
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="members",
    )
    # Raised by "sign out everywhere": every session signed with an earlier value stops being valid.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django signs each session with a hash of the password, so changing it signs out every other device;
        # the generation does the same without a new password. Generation 0 keeps Django's own hash, so that
        # sessions open before this existed stay valid.
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac("tongban.accounts.User.session_generation", f"{self.password}:{self.session_generation}",
                           secret=secret, algorithm="sha256").hexdigest()

    def clean(self) -> None:
        super().clean()
        if not self.role:
            return
        errors: dict[str, str] = {}
        org_kind = self.organisation.kind if self.organisation_id else None
        if self.role in (Role.TEAM_LEAD, Role.WORKER):
            if not self.team_id:
                errors["team"] = _("Team leads and social workers belong to a team.")
            else:
                self.region = self.team.region
                if self.organisation_id is None:
                    self.organisation = self.team.project.contractor
        elif self.team_id:
            errors["team"] = _("Only team leads and social workers belong to a team.")
        if self.role == Role.BUREAU:
            if org_kind != Organisation.Kind.BUREAU:
                errors["organisation"] = _("A bureau official belongs to a civil-affairs bureau.")
            if not self.region_id or self.region.level not in (Region.Level.CITY, Region.Level.COUNTY):
                errors["region"] = _("A bureau official's region is a city or a county/banner/district.")
        elif self.role == Role.PROJECT_ADMIN:
            if org_kind != Organisation.Kind.CONTRACTOR:
                errors["organisation"] = _("A project admin belongs to a contractor association.")
        elif self.role == Role.CHILD_DIRECTOR:
            if not self.region_id or self.region.level != Region.Level.VILLAGE:
                errors["region"] = _("A child director's region is a village or community.")
        elif self.role == Role.CHILD_SUPERVISOR:
            if not self.region_id or self.region.level != Region.Level.TOWNSHIP:
                errors["region"] = _("A child supervisor's region is a township or street.")
        if errors:
            raise ValidationError(errors)
