from typing import Any

from django.db.models import QuerySet

from tongban.accounts.access import access
from tongban.exports.models import ExportJob


def exports_of(user: Any) -> QuerySet[ExportJob]:
    """An export is its owner's alone: it may hold what only they were allowed to see that day."""
    if not getattr(user, "is_authenticated", False):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(owner_id=user.pk)


def access_export(user: Any, pk: Any) -> ExportJob:
    return access(user, exports_of(user), pk, kind="export")
