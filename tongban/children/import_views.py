"""Pages of the screening import (template, upload, preview, progress) and of the ledger export."""


from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from tongban.accounts.access import scope_for
from tongban.children.import_forms import ColumnsForm, ExportOptionsForm, ExportRevealForm, UploadForm
from tongban.children.ledger import export_ledger, ledger_children, ledger_filters
from tongban.children.models import ScreeningBatch
from tongban.children.screening import ERROR, SKIP, WARNING, FileRefused, build_template
from tongban.children.screening.services import (
    access_batch,
    batches_visible_to,
    recorded_plans,
    screening_confirm,
    screening_recheck,
    screening_upload,
)
from tongban.children.screening.storage import saving_progress
from tongban.exports.models import ExportJob
from tongban.exports.protect import protect_xlsx
from tongban.exports.services import export_request, ledger_file_name, needs_background
from tongban.regions.selectors import access_region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response


def _require_import(request: HttpRequest) -> None:
    if not scope_for(request.user).may_write("child"):
        raise PermissionDenied


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(build_template(), "困境儿童摸底排查模板.xlsx")


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    if request.method == "POST":
        if request.POST.get("region"):
            access_region(request.user, request.POST["region"])  # 404 outside the user's area
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = screening_upload(actor=request.user, project=form.cleaned_data["project"],
                                         region=form.cleaned_data["region"], file_name=upload.name,
                                         data=upload.read())
            except FileRefused as exc:
                form.add_error("file", str(exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("children:import_preview", batch.pk)
    else:
        form = UploadForm(user=request.user)
    recent = batches_visible_to(request.user).select_related("region", "created_by")[:10]
    return render(request, "children/import/upload.html", {"form": form, "recent": recent})


@login_required
@require_GET
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access_batch(request.user, pk)
    if batch.state != ScreeningBatch.State.PREVIEW:
        return redirect("children:import_progress", batch.pk)
    return render(request, "children/import/preview.html", _preview_context(batch, None))


def _preview_context(batch: ScreeningBatch, columns: ColumnsForm | None) -> dict[str, object]:
    plans = recorded_plans(batch)
    problems = batch.problems or []
    return {
        "batch": batch, "summary": batch.summary,
        "columns": columns or ColumnsForm(plans=plans),
        "unknown_columns": columns is not None or any(not plan.field for plan in plans),
        "errors": [p for p in problems if p["level"] == ERROR],
        "warnings": [p for p in problems if p["level"] == WARNING],
        "skipped": [p for p in problems if p["level"] == SKIP],
        "may_confirm": batch.state == ScreeningBatch.State.PREVIEW and not batch.summary.get("errors", 1),
    }


@login_required
@require_POST
def import_columns(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access_batch(request.user, pk)
    form = ColumnsForm(request.POST, plans=recorded_plans(batch))
    if not form.is_valid():
        return render(request, "children/import/preview.html", _preview_context(batch, form), status=400)
    try:
        screening_recheck(actor=request.user, batch=batch, chosen=form.chosen())
    except (ValidationError, FileRefused, OSError):
        return redirect("children:import_progress", batch.pk)
    return redirect("children:import_preview", batch.pk)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access_batch(request.user, pk)
    try:
        screening_confirm(actor=request.user, batch=batch)
    except ValidationError:
        return redirect("children:import_preview", batch.pk)
    return redirect("children:import_progress", batch.pk)


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access_batch(request.user, pk)
    working = batch.state in (ScreeningBatch.State.QUEUED, ScreeningBatch.State.RUNNING)
    saving = saving_progress(batch) if batch.state == ScreeningBatch.State.RUNNING else None
    response = render(request, "children/import/progress.html", {
        "batch": batch, "working": working, "summary": batch.summary,
        "saved": saving[0] if saving else None, "to_save": saving[1] if saving else None,
        "problems": [p for p in batch.problems or [] if p["level"] == ERROR],
        "flagged": [p for p in batch.problems or [] if p["level"] == WARNING],
        "list_url": f"{reverse('children:list')}?batch={batch.pk}",
    })
    response["Cache-Control"] = "no-store"
    if working:
        response["Refresh"] = "2"  # as the page's <meta http-equiv="refresh">, for browsers that skip it in <body>
    return response


def _export_page(request: HttpRequest, filters: dict[str, object], *, status: int = 200,
                 reveal_form: ExportRevealForm | None = None,
                 options_form: ExportOptionsForm | None = None) -> HttpResponse:
    count = ledger_children(request.user, filters).count()
    return render(request, "children/import/export.html", {
        "count": count, "query": request.GET.urlencode(), "background": needs_background(count),
        "threshold": settings.EXPORT_BACKGROUND_ROWS,
        "may_reveal": scope_for(request.user).may_reveal(), "reveal_form": reveal_form or ExportRevealForm(),
        "options_form": options_form or ExportOptionsForm(),
    }, status=status)


@login_required
@require_GET
def export_options(request: HttpRequest) -> HttpResponse:
    """What an export will hold: masked or for outsiders, locked with a password, or with full ID numbers."""
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    return _export_page(request, ledger_filters(request.user, request.GET))


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """GET: IDs masked (?outsiders=1: the version for outsiders). POST with a reason: full ID numbers, for roles
    that may see them; POST without one: the options (for outsiders, a password). More rows than
    EXPORT_BACKGROUND_ROWS go to the task worker and the user follows the progress."""
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    filters = ledger_filters(request.user, request.GET)
    reveal, reason, password, outsider = False, "", "", request.GET.get("outsiders") == "1"
    if request.method == "POST" and "reason" in request.POST:
        if not scope_for(request.user).may_reveal():
            raise PermissionDenied
        reveal_form = ExportRevealForm(request.POST)
        if not reveal_form.is_valid():
            return _export_page(request, filters, status=400, reveal_form=reveal_form)
        reveal, reason, password = True, reveal_form.cleaned_data["reason"], reveal_form.cleaned_data["password"]
        outsider = False
    elif request.method == "POST":
        options_form = ExportOptionsForm(request.POST)
        if not options_form.is_valid():
            return _export_page(request, filters, status=400, options_form=options_form)
        outsider, password = options_form.cleaned_data["outsiders"], options_form.cleaned_data["password"]
    elif request.method != "GET":
        return HttpResponse(status=405)
    children = ledger_children(request.user, filters)
    if needs_background(children.count()):
        job = export_request(actor=request.user, kind=ExportJob.Kind.CHILDREN_LEDGER, query=request.GET.urlencode(),
                             for_outsiders=outsider, full_numbers=reveal, reason=reason, password=password)
        return redirect("exports:detail", job.pk)
    content = export_ledger(request.user, children, reveal, reason=reason, filters=filters, outsider=outsider)
    if password:
        content = protect_xlsx(content, password)
    return _xlsx(content, ledger_file_name(outsider=outsider))
