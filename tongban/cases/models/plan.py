from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.choices import Domain, PlanState
from tongban.cases.models.case import Case


class Plan(models.Model):
    """The service plan (服务计划) of a case: an aim, goals tied to needs and domains, and tasks with owners."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    aim = models.TextField(_("overall aim"))
    state = models.CharField(_("state"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")

    def __str__(self) -> str:
        return str(self.case)


class Goal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("domain"), max_length=12, choices=Domain.choices)
    need = models.CharField(_("need it answers"), max_length=300)
    description = models.CharField(_("goal"), max_length=500)
    due_on = models.DateField(_("to reach by"))

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class Task(models.Model):
    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="tasks")
    description = models.CharField(_("task"), max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who does it"), on_delete=models.PROTECT,
                              related_name="case_tasks")
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_on", "due_on"], name="task_owner_due_idx")]

    def __str__(self) -> str:
        return self.description
