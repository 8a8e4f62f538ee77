"""PDF documents (receipts, printable files, reports): HTML rendered by WeasyPrint with Noto Sans CJK.

The fonts come from Debian's fonts-noto-cjk, installed by `make setup`; without them Chinese prints as empty
boxes. Documents are rendered in the default language (Chinese) whatever language the page was in: they are
filed and handed to funders.
"""

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header


def html_to_pdf(html: str) -> bytes:
    # WeasyPrint loads Pango and fonts on import: only when something is printed.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def render_pdf(template: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    with translation.override(language or settings.LANGUAGE_CODE):
        return html_to_pdf(render_to_string(template, context))


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """A PDF for the browser to show; never kept in a shared cache (it holds personal information)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=not inline, filename=filename)
    response["Cache-Control"] = "no-store"
    return response
