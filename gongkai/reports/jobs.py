"""The reports' durable jobs (``core.jobs``): a published report's files, rendered right after it
is published so that no visitor of the portal waits for Chromium."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from gongkai.core.jobs import RENDER, enqueue, job
from gongkai.reports.models import AnnualReport, ReportState


@job(max_attempts=5, timeout=dt.timedelta(minutes=10), priority=RENDER)
def render_report(report_id: int) -> None:
    from gongkai.reports.downloads import published_file  # downloads renders with documents

    report = AnnualReport.objects.filter(pk=report_id, state=ReportState.PUBLISHED).select_related("org").first()
    if report is not None:
        for fmt in ("xlsx", "docx", "pdf"):
            published_file(report, fmt)


def after_publish(report: AnnualReport) -> None:
    """Called by the publishing step, inside its transaction."""
    if settings.GONGKAI_RENDER_AHEAD:
        enqueue(render_report, report.pk)
