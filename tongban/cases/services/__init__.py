"""Writes of case work. Pages (and later the API) come through here; every rule lives in these modules.

    case        opening, the stages and their transitions, editing with a version, transfer
    approvals   plan and closure sent to the team lead, and the lead's decision
    work        assessments, the plan's goals and tasks, sessions, referrals, follow-up visits
    files       attachments: type sniffed, size limited, photos re-encoded without metadata
"""

from tongban.cases.services.approvals import approval_decide, closure_submit, plan_submit
from tongban.cases.services.case import (
    CONFLICT_MESSAGE,
    TRANSITIONS,
    CaseConflict,
    case_move,
    case_open,
    case_transfer,
    case_update,
)
from tongban.cases.services.files import attachment_add, attachment_read
from tongban.cases.services.work import (
    assessment_record,
    follow_up_record,
    goal_add,
    goal_update,
    plan_save,
    referral_send,
    referral_update,
    session_record,
    task_add,
    task_done,
)

__all__ = [
    "CONFLICT_MESSAGE", "TRANSITIONS", "CaseConflict", "approval_decide", "assessment_record", "attachment_add",
    "attachment_read", "case_move", "case_open", "case_transfer", "case_update", "closure_submit",
    "follow_up_record", "goal_add", "goal_update", "plan_save", "plan_submit", "referral_send", "referral_update",
    "session_record", "task_add", "task_done",
]
