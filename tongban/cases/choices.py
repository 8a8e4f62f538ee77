"""Coded values of case work (MZ/T 094-2017 stages, assessment domains, session types, exits)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    INTAKE = "intake", _("intake")
    ASSESSMENT = "assessment", _("assessment")
    PLAN = "plan", _("plan")
    INTERVENTION = "intervention", _("intervention")
    EVALUATION = "evaluation", _("evaluation")
    CLOSURE = "closure", _("closure (awaiting approval)")
    FOLLOW_UP = "follow_up", _("follow-up")
    ENDED = "ended", _("ended")


# A case is open until its closure is approved; a child has at most one open case per project.
OPEN_STAGES = (Stage.INTAKE, Stage.ASSESSMENT, Stage.PLAN, Stage.INTERVENTION, Stage.EVALUATION, Stage.CLOSURE)
CLOSED_STAGES = (Stage.FOLLOW_UP, Stage.ENDED)


class Method(models.TextChoices):
    HOME_VISIT = "home_visit", _("home visit")
    OBSERVATION = "observation", _("observation")
    QUESTIONNAIRE = "questionnaire", _("questionnaire")
    NEIGHBOUR = "neighbour", _("neighbours")
    COMMUNITY = "community", _("village or community")
    SCHOOL = "school", _("school")


class Domain(models.TextChoices):
    SAFETY = "safety", _("safety")
    HEALTH = "health", _("health")
    EDUCATION = "education", _("education")
    PSYCHOLOGY = "psychology", _("psychology")
    FAMILY = "family", _("family relations")
    ECONOMY = "economy", _("economy")


class Level(models.IntegerChoices):
    """How much a domain worries the assessor: 1 is no concern, 4 needs action now."""

    FINE = 1, _("1 · no concern")
    SOME = 2, _("2 · some concern")
    SERIOUS = 3, _("3 · serious concern")
    SEVERE = 4, _("4 · severe, act now")


class SessionType(models.TextChoices):
    COUNSELLING = "counselling", _("case counselling")
    GROUP = "group", _("group psychological counselling")
    COMPANIONSHIP = "companionship", _("companionship")
    HOME_VISIT = "home_visit", _("home visit")
    PHONE = "phone", _("phone")
    REFERRAL = "referral", _("referral follow-up")


class ReferralKind(models.TextChoices):
    ASSISTANCE = "assistance", _("social assistance")
    WELFARE = "welfare", _("child welfare")
    MEDICAL = "medical", _("medical")
    EDUCATION = "education", _("education")
    LEGAL = "legal", _("legal")
    OTHER = "other", _("other")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted")
    DONE = "done", _("done")
    DECLINED = "declined", _("declined")


class ExitReason(models.TextChoices):
    GOALS_MET = "goals_met", _("goals met")
    MOVED = "moved", _("moved away")
    AGED_OUT = "aged_out", _("aged out")
    REFUSED = "refused", _("refused further service")
    TRANSFERRED = "transferred", _("transferred to another service")
    DIED = "died", _("died")
    OTHER = "other", _("other")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("waiting for the team lead")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned for changes")


class ApprovalKind(models.TextChoices):
    PLAN = "plan", _("service plan")
    CLOSURE = "closure", _("closure")


class ApprovalState(models.TextChoices):
    PENDING = "pending", _("waiting")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")
