from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.cases.choices import CLOSED_STAGES, OPEN_STAGES, ApprovalKind, ApprovalState, ExitReason, Stage
from tongban.children.models import Child
from tongban.organisations.models import Project, Team
from tongban.regions.models import Region


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> "CaseQuerySet":
        return self.filter(stage__in=OPEN_STAGES)

    def closed(self) -> "CaseQuerySet":
        return self.filter(stage__in=CLOSED_STAGES)

    def in_stage(self, stage: str) -> "CaseQuerySet":
        return self.filter(stage=stage)

    def in_region(self, region: Region) -> "CaseQuerySet":
        return self.filter(child__region__in=Region.objects.within(region).values("pk"))

    def of_worker(self, worker: object) -> "CaseQuerySet":
        return self.filter(worker=worker)


class Case(models.Model):
    """One child's case (个案) in one project, from intake to the end of follow-up."""

    class Source(models.TextChoices):
        SCREENING = "screening", _("screening")
        SCHOOL = "school", _("school")
        COMMUNITY = "community", _("village or community")
        FAMILY = "family", _("the child or family asked")
        REFERRAL = "referral", _("referred by another service")
        OTHER = "other", _("other")

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="cases")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="cases")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("social worker"), on_delete=models.PROTECT,
                               related_name="cases")
    opened_on = models.DateField(_("intake date"))
    source = models.CharField(_("how the case came in"), max_length=12, choices=Source.choices,
                              default=Source.SCREENING)
    reason = models.TextField(_("why the case is opened"), help_text=_("The child's situation and what is asked for."))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.INTAKE)
    stage_since = models.DateField(_("in this stage since"))
    exit_reason = models.CharField(_("exit reason"), max_length=12, choices=ExitReason.choices, blank=True)
    closure_summary = models.TextField(_("closure summary"), blank=True)
    follow_up_months = models.JSONField(_("follow-up after (months)"), default=list, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["child", "project"], condition=Q(stage__in=OPEN_STAGES),
                                    name="one_open_case_per_child_and_project"),
        ]
        indexes = [
            models.Index(fields=["worker", "stage"], name="case_worker_stage_idx"),
            models.Index(fields=["team", "stage"], name="case_team_stage_idx"),
            # The case list in its order: the newest cases of a project are read from the index and checked
            # against the viewer's area one by one, instead of joining every case of the city and sorting.
            models.Index(fields=["project", "opened_on", "id"], name="case_project_opened_idx"),
            # The cases of an area, by stage, with their children (matched against child_region_files_idx): the
            # dashboards count them and pick the ones due or overdue from the indexes alone, then load the rows shown.
            models.Index(fields=["project", "stage", "child", "opened_on", "stage_since", "worker", "id"],
                         name="case_project_stage_idx"),
            # The statistics and KPIs ask of a city's cases which child, when open, which project, team and
            # worker, which stage and outcome: all of it from this index, not from rows with their long texts.
            models.Index(fields=["child", "opened_on", "closed_on", "project", "team", "worker", "stage",
                                 "exit_reason"], name="case_statistics_idx"),
            # The children served in a period (a case open at some time in it), as the statistics ask of a city:
            # the list of their ids read from this index alone, whatever the project or worker the viewer has.
            models.Index(fields=["opened_on", "closed_on", "project", "worker", "child"],
                         name="case_served_children_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.child.name} · {self.opened_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class StageChange(models.Model):
    """The case's history of stages: who moved it, when, why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    changed_on = models.DateField()
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class Approval(models.Model):
    """A plan or a closure sent to the team lead, and the lead's answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("what"), max_length=10, choices=ApprovalKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=ApprovalState.choices, default=ApprovalState.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], condition=Q(state="pending"),
                                    name="one_pending_approval_per_case_and_kind"),
        ]
        # A worker's dashboard shows the lead's decisions of the last days: those few, then each tested against
        # the worker's cases, instead of every approval of the worker's cases.
        indexes = [models.Index(fields=["decided_at", "case"], name="approval_decided_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_state_display()}"


class Transfer(models.Model):
    """A case handed from one worker (and team) to another; every hand-over is kept."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    transferred_on = models.DateField(_("date"))
    from_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("new social worker"),
                                  on_delete=models.PROTECT, related_name="+")
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-transferred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_worker} → {self.to_worker}"
