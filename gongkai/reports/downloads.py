"""Report downloads (XLSX tables, DOCX and PDF of the whole report), shared by the portal and the
workbench; each view decides who may download.

A published report no longer changes, so its files are rendered once and kept (``core.rendered``;
``jobs.render_report`` does it right after publishing); a report still in review is rendered on
each download, from its figures as they are then."""

from __future__ import annotations

import io

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase

from gongkai.core.pdf import RenderError
from gongkai.core.rendered import kept
from gongkai.reports.models import AnnualReport, ReportState
from gongkai.reports.presentation import xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


CONTENT_TYPES = {
    "xlsx": XLSX_TYPE,
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def render(report: AnnualReport, fmt: str) -> bytes:
    from gongkai.reports import documents

    if fmt == "xlsx":
        return xlsx_bytes(report)
    return documents.to_pdf(report) if fmt == "pdf" else documents.to_docx(report)


def published_file(report: AnnualReport, fmt: str) -> bytes:
    """The published report's file in this format, rendered once and kept."""
    return kept(report, fmt, lambda: render(report, fmt), f"report.{fmt}")[0]


def export_response(report: AnnualReport, fmt: str) -> HttpResponseBase:
    try:
        data = published_file(report, fmt) if report.state == ReportState.PUBLISHED else render(report, fmt)
    except RenderError as exc:
        return HttpResponse(exc.args[0], status=503, content_type="text/plain; charset=utf-8")
    return FileResponse(
        io.BytesIO(data), as_attachment=fmt != "pdf", filename=f"{report}.{fmt}", content_type=CONTENT_TYPES[fmt]
    )
