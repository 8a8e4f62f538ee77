"""Large exports, prepared by the task worker while the user watches the progress."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """One export asked for by one user; only that user sees it and downloads the file."""

    class Kind(models.TextChoices):
        CHILDREN_LEDGER = "children_ledger", _("children's ledger")

    class State(models.TextChoices):
        QUEUED = "queued", _("in the queue")
        RUNNING = "running", _("being prepared")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    # The list page's filters as a query string; the worker reads them again within the owner's scope of the day.
    query = models.TextField(blank=True)
    for_outsiders = models.BooleanField(_("for outsiders"), default=False)
    full_numbers = models.BooleanField(_("with full ID numbers"), default=False)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    protected = models.BooleanField(_("protected with a password"), default=False)
    # Encrypted with the field keys, and wiped as soon as the file is locked with it.
    password_sealed = models.TextField(blank=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    stored_file = models.CharField(max_length=200, blank=True, editable=False)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def working(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
