"""Report downloads (XLSX tables, DOCX and PDF of the whole report), shared by the portal and the
workbench; each view decides who may download."""

from __future__ import annotations

import io

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase

from gongkai.core.pdf import RenderError
from gongkai.reports.models import AnnualReport
from gongkai.reports.presentation import xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(report: AnnualReport) -> FileResponse:
    return FileResponse(
        io.BytesIO(xlsx_bytes(report)), as_attachment=True, filename=f"{report}.xlsx", content_type=XLSX_TYPE
    )


CONTENT_TYPES = {
    "xlsx": XLSX_TYPE,
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def export_response(report: AnnualReport, fmt: str) -> HttpResponseBase:
    from gongkai.reports import documents

    if fmt == "xlsx":
        return xlsx_response(report)
    try:
        data = documents.to_pdf(report) if fmt == "pdf" else documents.to_docx(report)
    except RenderError as exc:
        return HttpResponse(exc.args[0], status=503, content_type="text/plain; charset=utf-8")
    return FileResponse(
        io.BytesIO(data), as_attachment=fmt == "docx", filename=f"{report}.{fmt}", content_type=CONTENT_TYPES[fmt]
    )
