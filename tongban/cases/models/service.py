from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.choices import ReferralKind, ReferralStatus, SessionType
from tongban.cases.models.case import Case


class ServiceSession(models.Model):
    """One service given to the child: counselling, group work, companionship, a visit or a call."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("type"), max_length=15, choices=SessionType.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("social worker"), on_delete=models.PROTECT,
                               related_name="+")
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    # Counselling notes: never shown to bureau officials or volunteers (access.may_read_counselling_notes).
    notes = models.TextField(_("notes"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service session")
        verbose_name_plural = _("service sessions")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["case", "held_on"], name="session_case_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%Y-%m-%d}"


class Attachment(models.Model):
    """A photo or PDF of a session, kept under MEDIA_ROOT and served only through an access-checked view."""

    session = models.ForeignKey(ServiceSession, on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(max_length=300, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Referral(models.Model):
    """A referral (转介) to a policy resource, tracked until the receiving organisation has done its part."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("resource"), max_length=12, choices=ReferralKind.choices)
    receiver = models.CharField(_("receiving organisation"), max_length=200)
    consent_checked = models.BooleanField(_("guardian agreed to share the child's information"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT)
    sent_on = models.DateField(_("sent on"))
    status_on = models.DateField(_("status since"))
    notes = models.TextField(_("what is asked"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.receiver}"


class FollowUp(models.Model):
    """A follow-up visit (跟进) scheduled at closure, e.g. 1, 3 and 6 months after it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after closure"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("visited on"), null=True, blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    notes = models.TextField(_("what you found"), blank=True)

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case} +{self.months}"
