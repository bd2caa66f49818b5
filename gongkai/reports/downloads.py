"""The HTTP response for a report's tables as XLSX, shared by the portal and the workbench."""

from __future__ import annotations

import io

from django.http import FileResponse

from gongkai.reports.models import AnnualReport
from gongkai.reports.presentation import xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(report: AnnualReport) -> FileResponse:
    return FileResponse(
        io.BytesIO(xlsx_bytes(report)), as_attachment=True, filename=f"{report}.xlsx", content_type=XLSX_TYPE
    )
