from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.choices import Domain, Level, Method
from tongban.cases.models.case import Case
from tongban.children.choices import Risk


class Assessment(models.Model):
    """An assessment (预估) of the child's needs, domain by domain; repeated at evaluation to see the change."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments",
                             db_index=False)  # assessment_case_date_idx below
    assessed_on = models.DateField(_("date"))
    methods = models.JSONField(_("methods"), default=list)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assessor"), on_delete=models.PROTECT,
                                 related_name="+")
    needs = models.TextField(_("needs identified"))
    risk = models.CharField(_("overall risk level"), max_length=10, choices=Risk.choices)
    is_reassessment = models.BooleanField(_("re-assessment"), default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["assessed_on", "pk"]
        # Whether a case was assessed since a day (the dashboards' re-assessments due), from the index alone.
        indexes = [models.Index(fields=["case", "assessed_on"], name="assessment_case_date_idx")]

    def __str__(self) -> str:
        return f"{self.case.child.name} {self.assessed_on:%Y-%m-%d}"

    def method_labels(self) -> list[str]:
        return [str(Method(m).label) if m in Method.values else m for m in self.methods or []]


class DomainScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    domain = models.CharField(_("domain"), max_length=12, choices=Domain.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "domain"], name="one_score_per_domain")]

    def __str__(self) -> str:
        return f"{self.get_domain_display()} {self.level}"
