"""Case work (个案): a case and its stages, assessments, plan, sessions, referrals, transfers and follow-ups."""

from tongban.cases.models.assessment import Assessment, DomainScore
from tongban.cases.models.case import Approval, Case, CaseQuerySet, StageChange, Transfer
from tongban.cases.models.plan import Goal, Plan, Task
from tongban.cases.models.service import Attachment, FollowUp, Referral, ServiceSession

__all__ = [
    "Approval", "Assessment", "Attachment", "Case", "CaseQuerySet", "DomainScore", "FollowUp", "Goal", "Plan",
    "Referral", "ServiceSession", "StageChange", "Task", "Transfer",
]
