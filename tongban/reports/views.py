from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from tongban.core.pdf import pdf_response
from tongban.organisations.selectors import projects_visible_to
from tongban.regions.selectors import regions_visible_to
from tongban.reports import documents, services
from tongban.reports.drafting import draft_report, guard_names
from tongban.reports.forms import PeriodForm, ReportForm
from tongban.reports.selectors import may_see_statistics, statistics
from tongban.reports.selectors.charts import chart_data
from tongban.reports.selectors.kpis import project_kpis

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period_form(request: HttpRequest) -> PeriodForm:
    if not may_see_statistics(request.user):
        raise PermissionDenied
    today = date.today()
    return PeriodForm(request.GET or None, regions=regions_visible_to(request.user),
                      projects=projects_visible_to(request.user),
                      initial={"first": date(today.year, 1, 1), "last": today})


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    form = _period_form(request)
    period = form.period()
    stats = statistics(request.user, period)
    return render(request, "reports/statistics.html", {
        "form": form, "stats": stats, "period": period, "query": request.GET.urlencode(),
        "kpis": project_kpis(request.user, period, stats), "charts": chart_data(request.user, period, stats),
    })


@login_required
def statistics_excel(request: HttpRequest) -> HttpResponse:
    """Every table of the page, with the page's filters, as one workbook."""
    period = _period_form(request).period()
    content = documents.statistics_workbook(request.user, period)
    services.statistics_exported(actor=request.user, period=period, kind="xlsx")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=documents.file_name(period, "xlsx"))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def statistics_pdf(request: HttpRequest) -> HttpResponse:
    """The whole page, with the page's filters, on A4."""
    period = _period_form(request).period()
    content = documents.statistics_pdf(request.user, period)
    services.statistics_exported(actor=request.user, period=period, kind="pdf")
    return pdf_response(content, documents.file_name(period, "pdf"))


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def report_draft(request: HttpRequest) -> HttpResponse:
    """A first draft of the project report for the period, in a form to edit before export."""
    period_form = _period_form(request)
    draft = draft_report(request.user, period_form.period())
    return render(request, "reports/report.html", {
        "period_form": period_form, "query": request.GET.urlencode(),
        "form": ReportForm(initial={"title": draft.title, "text": draft.text}),
    })


@login_required
@require_POST
def report_export(request: HttpRequest) -> HttpResponse:
    """The edited report as Word or PDF, every child's name replaced by the pseudonym whoever typed it."""
    period_form = _period_form(request)
    form = ReportForm(request.POST)
    kind = request.POST.get("format")
    if not form.is_valid() or kind not in ("pdf", "docx"):
        return render(request, "reports/report.html", {"period_form": period_form, "form": form, "query": ""},
                      status=400)
    title = guard_names(request.user, form.cleaned_data["title"])
    paragraphs = [guard_names(request.user, p) for p in form.paragraphs()]
    services.report_exported(actor=request.user, kind=kind, title=title)
    name = f"report-{date.today():%Y%m%d}.{kind}"
    if kind == "pdf":
        return pdf_response(documents.report_pdf(title, paragraphs, user=request.user), name, inline=False)
    response = HttpResponse(documents.report_docx(title, paragraphs), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response
