"""The progress of a large export and the download of its file."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.exports.selectors import access_export
from tongban.exports.storage import stored_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_export(request.user, pk)
    response = render(request, "exports/detail.html", {"job": job})
    response["Cache-Control"] = "no-store"
    if job.working:
        response["Refresh"] = "2"
    return response


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_export(request.user, pk)
    if job.state != job.State.DONE:
        raise Http404
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target=job,
                 changes={"what": "download", "kind": job.kind, "for_outsiders": job.for_outsiders,
                          "full_ids": job.full_numbers, "protected": job.protected})
    response = HttpResponse(stored_bytes(job.stored_file), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=job.file_name)
    response["Cache-Control"] = "no-store"
    return response
