"""Reads of annual reports: the portal's list, and the supervisors' list of who has not published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from gongkai.core.types import Actor
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.reports.models import AnnualReport, ReportState
from gongkai.reports.services import statutory_due


def published_reports(org: Organisation) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(org=org, state=ReportState.PUBLISHED).order_by("-year")


def awaiting_approval(user: Actor) -> list[AnnualReport]:
    """Reports reviewed and waiting for the user's approval (Art. 49–50: the leader approves)."""
    orgs = policies.orgs_where(user, "report.approve")
    if not orgs:
        return []
    return list(AnnualReport.objects.filter(org__in=orgs, state=ReportState.REVIEWED).select_related("org"))


@dataclass(frozen=True)
class PublicationRow:
    org: Organisation
    report: AnnualReport | None
    due: dt.date
    overdue: bool


def not_published(user: Actor, year: int, today: dt.date | None = None) -> list[PublicationRow]:
    """Bodies the user oversees (or works in) whose report for the year is not published, with the
    statutory due date (Art. 49) and whether it has passed, soonest due first."""
    today = today or timezone.localdate()
    reports = {
        r.org_id: r
        for r in AnnualReport.objects.filter(policies.internal_orgs_q(user), year=year).select_related("org")
    }
    rows = []
    for org in Organisation.objects.filter(is_active=True).order_by("path"):
        if not policies.can_read_internal(user, org):
            continue
        report = reports.get(org.pk)
        if report is not None and report.state == ReportState.PUBLISHED:
            continue
        due = statutory_due(org, year)
        rows.append(PublicationRow(org=org, report=report, due=due, overdue=today > due))
    rows.sort(key=lambda r: (r.due, r.org.path))
    return rows
