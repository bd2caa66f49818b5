"""Writes of supervision: a 督查 finding opened against a body below the office, the body's
rectification (with its evidence) and the office's decision, and 责任追究 records. Each checks the
policy, writes in one transaction and leaves an audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from gongkai.applications.uploads import Upload, check_upload
from gongkai.calendars.services import WorkingCalendar
from gongkai.core import audit
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.inputs import long_text, past_date, required_text
from gongkai.core.numbers import parse_int
from gongkai.core.text import clean_filename
from gongkai.core.types import Actor, user_of
from gongkai.core.workflow import Step, Transition, lock, run_transition
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.supervision import workflow
from gongkai.supervision.indicators import BY_KEY as INDICATORS
from gongkai.supervision.models import (
    Accountability,
    Conduct,
    DigestPreference,
    EvaluationSource,
    Finding,
    PublicEvaluation,
    Rectification,
    ReportAudit,
)

MAX_WORKING_DAYS = 120


def _office_of(actor: Actor, org: Organisation, action: str) -> tuple[Organisation, User]:
    """The office the actor supervises the body from (the nearest one above it), and the actor."""
    user = policies.require(actor, action, org)
    offices = [o for o in policies.offices_supervised(actor) if org.path.startswith(o.path) and o.pk != org.pk]
    if not offices:  # policies.require let it through, so this cannot happen; kept as a guard
        raise PermissionDenied("您不是该机关的上级督查机关。", code="permission_denied")
    return max(offices, key=lambda o: len(o.path)), user


@transaction.atomic
def finding_open(
    *,
    actor: Actor,
    org: Organisation,
    title: str,
    detail: str,
    working_days: Any,
    indicator: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> Finding:
    """Open a finding with a deadline in working days on the body's calendar (from today)."""
    office, user = _office_of(actor, org, "finding.open")
    days = parse_int(working_days, label="整改时限（工作日）", lo=1, hi=MAX_WORKING_DAYS, field="working_days")
    if indicator and indicator not in INDICATORS:
        raise ValidationFailed("来源指标不正确。", code="invalid_choice", field="indicator")
    today = timezone.localdate()
    due = WorkingCalendar(org).add_working_days(today, days)
    finding = Finding.objects.create(
        org=org,
        office=office,
        title=required_text(title, "问题", "title", 200),
        detail=long_text(detail, "问题描述和整改要求", "detail"),
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        opened_on=today,
        working_days=days,
        due_date=due.due,
        due_provisional=due.provisional,
        opened_by=user,
    )
    audit.record(
        actor=actor,
        action="finding.opened",
        obj=finding,
        after={"title": finding.title, "indicator": indicator, "due_date": finding.due_date, "office": office.pk},
        org_id=org.pk,
    )
    return finding


def _snapshot(finding: Finding) -> dict[str, Any]:
    return {"state": finding.state, "closed_on": finding.closed_on}


@transaction.atomic
def finding_transition(
    *, actor: Actor, finding: Finding, action: str, evidence: Upload | None = None, **params: Any
) -> Finding:
    """One step of ``workflow.FINDING``: the body responds (with an optional evidence file), the
    office accepts or returns."""
    finding = lock(Finding, finding.pk)
    if evidence is not None:
        check_upload(evidence)

    def authorise(step: Transition) -> None:
        policies.require(actor, step.permission, finding.org)

    def handle(step: Step) -> None:
        if action == "respond":
            rectification = Rectification(
                finding=finding, text=step.params["text"], submitted_by=user_of(actor), submitted_on=step.on
            )
            if evidence is not None:
                rectification.evidence_name = clean_filename(evidence.name)
                rectification.evidence.save(rectification.evidence_name, ContentFile(evidence.data), save=False)
            rectification.save()
        else:
            latest = finding.rectifications.order_by("-id").first()
            if latest is not None:
                latest.accepted = action == "accept"
                latest.decision_note = step.params.get("note") or step.reason
                latest.decided_by = user_of(actor)
                latest.decided_on = step.on
                latest.save()
            if action == "accept":
                finding.closed_on = step.on

    run_transition(
        workflow.FINDING,
        finding,
        action=action,
        actor=actor,
        raw=params,
        today=timezone.localdate(),
        authorise=authorise,
        handle=handle,
        snapshot=_snapshot,
    )
    return finding


@transaction.atomic
def accountability_record(
    *,
    actor: Actor,
    org: Organisation,
    conduct: str,
    facts: str,
    measure: str,
    decided_on: Any,
    finding: Finding | None = None,
) -> Accountability:
    """A 责任追究 measure decided against a body below the office (Art. 52–53)."""
    office, user = _office_of(actor, org, "accountability.record")
    if conduct not in Conduct.values:
        raise ValidationFailed("请选择违法行为（第五十二条、第五十三条）。", code="invalid_choice", field="conduct")
    if finding is not None and finding.org_id != org.pk:
        raise ValidationFailed("督查问题不属于该机关。", code="invalid_finding", field="finding")
    record = Accountability.objects.create(
        org=org,
        office=office,
        conduct=conduct,
        facts=long_text(facts, "事实", "facts"),
        measure=required_text(measure, "处理措施", "measure", 200),
        decided_on=past_date(decided_on, "decided_on"),
        finding=finding,
        recorded_by=user,
    )
    audit.record(
        actor=actor,
        action="accountability.recorded",
        obj=record,
        after={"conduct": conduct, "measure": record.measure, "decided_on": record.decided_on},
        org_id=office.pk,  # the office's record, not the body's
    )
    return record


@transaction.atomic
def evaluation_enter(
    *, actor: Actor, org: Organisation, source: str, period_start: Any, period_end: Any, score: Any, note: str
) -> PublicEvaluation:
    """社会评议 of a body below the office for a period (third-party assessment, 评议 meeting, survey),
    with its score out of 100 and where it comes from; it feeds the dashboard and the schemes."""
    office, user = _office_of(actor, org, "evaluation.record")
    if source not in EvaluationSource.values:
        raise ValidationFailed("请选择评议方式。", code="invalid_choice", field="source")
    start, end = past_date(period_start, "period_start"), past_date(period_end, "period_end")
    if end < start:
        raise ValidationFailed("评议期间止不能早于起。", code="invalid_period", field="period_end")
    record = PublicEvaluation.objects.create(
        org=org,
        office=office,
        source=source,
        period_start=start,
        period_end=end,
        score=parse_int(score, label="得分", lo=0, hi=100, field="score"),
        note=required_text(note, "说明", "note", 300),
        entered_by=user,
    )
    audit.record(
        actor=actor,
        action="evaluation.entered",
        obj=record,
        after={"source": source, "period_end": end, "score": record.score},
        org_id=org.pk,
    )
    return record


@transaction.atomic
def report_audit(
    *,
    actor: Actor,
    org: Organisation,
    year: Any,
    upload: Upload | None = None,
    last_year: Upload | None = None,
) -> ReportAudit:
    """Audit a lower body's annual report (issue 23 §3): the uploaded published report, or, without
    a file, the body's report of that year on the platform. The audit replaces the body's earlier
    audit of the same year as the one the dashboard counts."""
    from gongkai.reports import audit as auditor
    from gongkai.reports import auditing
    from gongkai.reports.models import AnnualReport, ReportState

    office, user = _office_of(actor, org, "report.audit")
    year = parse_int(year, label="年度", lo=2008, hi=timezone.localdate().year, field="year")
    report = None
    if upload is None:
        # A body's report reaches its supervisors when it is published (a draft is its own work).
        report = AnnualReport.objects.filter(org=org, year=year, state=ReportState.PUBLISHED).first()
        if report is None:
            raise ValidationFailed(
                f"平台上没有{org.name}{year}年度已发布的年报，请上传其发布的年报文件。", code="no_report", field="file"
            )
        found = auditing.findings(report)
    else:
        try:
            document = auditor.read(upload.data, upload.name)
            last = auditor.read(last_year.data, last_year.name) if last_year is not None else None
        except auditor.Unreadable as exc:
            raise ValidationFailed(str(exc), code="unreadable", field="file") from exc
        found = auditor.audit(document, auditor.Context(last=last))
    ReportAudit.objects.filter(org=org, year=year, current=True).update(current=False)
    record = ReportAudit.objects.create(
        org=org,
        office=office,
        year=year,
        source="platform" if upload is None else "upload",
        filename=clean_filename(upload.name)[:200] if upload is not None else "",
        report=report,
        findings=[f.as_dict() for f in found],
        finding_count=len(found),
        audited_by=user,
    )
    audit.record(
        actor=actor,
        action="report.audited",
        obj=record,
        after={"year": year, "source": record.source, "file": record.filename, "findings": len(found)},
        org_id=org.pk,
    )
    return record


DIGEST_FLAGS = ("enabled", "applications", "catalogue", "messages", "findings")


@transaction.atomic
def digest_preference_save(*, actor: Actor, **flags: bool) -> DigestPreference:
    """A person's own choice of what the daily digest tells them."""
    user = user_of(actor)
    if user is None:
        raise PermissionDenied("请先登录。", code="permission_denied")
    unknown = set(flags) - set(DIGEST_FLAGS)
    if unknown:
        raise ValidationFailed(f"未知设置：{'、'.join(sorted(unknown))}", code="unknown_field")
    pref, _ = DigestPreference.objects.select_for_update().get_or_create(user=user)
    before = {f: getattr(pref, f) for f in DIGEST_FLAGS}
    for name, value in flags.items():
        setattr(pref, name, bool(value))
    pref.save()
    audit.record(
        actor=actor,
        action="digest.preference_saved",
        obj=pref,
        before=before,
        after={f: getattr(pref, f) for f in DIGEST_FLAGS},
    )
    return pref
