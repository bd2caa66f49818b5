"""Writes to annual reports: prepare (compute from the records), enter figures from other systems,
override a computed figure with a reason, edit the narrative, and move through the workflow. Every
write checks the policy, runs in one transaction and leaves an audit event. Review is refused while
any identity of the tables fails (issue 5 §3); approval also while a warning of the report auditor
(``auditing``, issue 23) is not acknowledged with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from gongkai.applications.models import Application
from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, ValidationFailed
from gongkai.core.numbers import parse_decimal, parse_int
from gongkai.core.types import Actor
from gongkai.core.workflow import Step, Transition, lock, run_transition
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.reports import auditing, compute, jobs, overview, tables, workflow
from gongkai.reports.models import AnnualReport, ReportState
from gongkai.reports.tables import MAX_AMOUNT, MAX_COUNT, Cell, Problem


def statutory_due(org: Organisation, year: int) -> dt.date:
    """Art. 49: a department publishes by 31 January; a government's report, published by its
    disclosure office, by 31 March."""
    return dt.date(year + 1, 3, 31) if org.is_government() else dt.date(year + 1, 1, 31)


def _key(cell: Cell) -> str:
    return f"{cell[0]}|{cell[1]}"


def _cell(key: str) -> Cell:
    row, _, col = key.partition("|")
    return row, col


def _snapshot(scope: compute.Scope, year: int) -> dict[str, dict[str, int]]:
    return {
        "t2": {_key(c): v for c, v in compute.table2_instruments(scope, year).items()},
        "t3": {_key(c): v for c, v in compute.table3(scope, year).items()},
        "t4": {_key(c): v for c, v in compute.table4(scope, year).items()},
        "timeliness": compute.timeliness(scope, year),
    }


@transaction.atomic
def report_prepare(*, actor: Actor, org: Organisation, year: int) -> AnnualReport:
    """Create the year's report or recompute its draft from the records."""
    policies.require(actor, "report.edit", org)
    if year < 2019 or year >= timezone.localdate().year + 1:
        raise ValidationFailed(
            "年度应在2019年至今年之间（2021年格式适用于2020年度及以后）。", code="invalid_year", field="year"
        )
    report, created = AnnualReport.objects.select_for_update().get_or_create(
        org=org, year=year, defaults={"due_date": statutory_due(org, year)}
    )
    if report.state != ReportState.DRAFT:
        raise IllegalTransition("只有草稿状态的年报可以重新计算；请先退回修改。", code="not_draft")
    computed: dict[str, Any] = {"self": _snapshot(compute.Scope(org), year)}
    if org.is_government() and org.children.exists():
        computed["subtree"] = _snapshot(compute.Scope(org, subtree=True), year)
    start, end = compute.year_bounds(year)
    fees = Application.objects.filter(org=org, fee_paid_on__gte=start, fee_paid_on__lte=end).aggregate(
        n=Count("id"), total=Sum("fee_yuan")
    )
    report.computed = computed
    untouched = not report.overview.strip() or report.overview == overview.draft_text(report.facts)
    report.facts = overview.compute_facts(org, year)
    if untouched:
        # Section 一 is written from the records until staff edit it; their text is kept (and its
        # figures checked) when the records are counted again.
        report.overview = overview.draft_text(report.facts)
    report.computed_at = timezone.now()
    report.imported_from = ""
    report.fee_cases, report.fee_yuan = fees["n"] or 0, fees["total"] or 0
    _save(report)
    audit.record(
        actor=actor,
        action="report.prepared" if created else "report.recomputed",
        obj=report,
        after={"year": year, "t3_new": computed["self"]["t3"].get("NEW|TOT", 0), "fee_yuan": report.fee_yuan},
        org_id=org.pk,
    )
    return report


def effective(report: AnnualReport, part: str = "self") -> dict[str, dict[Cell, Any]]:
    """The tables as shown: computed, plus figures entered from other systems, plus overrides."""
    base = report.computed.get(part, {})
    out: dict[str, dict[Cell, Any]] = {t: {_cell(k): v for k, v in base.get(t, {}).items()} for t in ("t2", "t3", "t4")}
    if part == "self":
        for key, entry in report.entered.items():
            value = entry["value"]
            out["t2"][_cell(key)] = Decimal(value) if key == "FEES|amount" else value
        for o in report.overrides:
            out[{"二": "t2", "三": "t3", "四": "t4"}[o["table"]]][_cell(o["cell"])] = o["value"]
    return out


def report_problems(report: AnnualReport) -> list[Problem]:
    found: list[Problem] = []
    for part in report.computed:
        t = effective(report, part)
        found += tables.t2_problems(t["t2"]) + tables.t3_problems(t["t3"]) + tables.t4_problems(t["t4"])
    return found + fact_problems(report)


def fact_problems(report: AnnualReport) -> list[Problem]:
    """Section 一's figures against the records: every figure the prose still introduces with a
    fact's words must be the value computed from the records when the draft was prepared."""
    return [
        Problem(
            "一",
            (m.fact.key, ""),
            f"总体情况写“{report.overview[m.start : m.end]}”，但记录中{m.fact.before}为{m.computed}{m.fact.unit}。",
        )
        for m in overview.mentions(report.overview, report.facts)
        if m.stated != m.computed and not m.fact.in_tables
    ]


def _save(report: AnnualReport) -> None:
    """Every write of a report goes through here: the count of failing checks (blocking problems
    and the auditor's unacknowledged warnings) is kept with it."""
    report.problem_count = len(report_problems(report)) + len(auditing.unacknowledged(report))
    report.save()


@transaction.atomic
def report_acknowledge(*, actor: Actor, report: AnnualReport, key: str, reason: str) -> AnnualReport:
    """The approver has read one of the auditor's warnings and says why the report stands (issue 23
    §3); the reason is kept with the report and audited. Identities cannot be acknowledged."""
    report = lock(AnnualReport, report.pk)
    policies.require(actor, "report.approve", report.org)
    if report.state == ReportState.PUBLISHED:
        raise IllegalTransition("年报已发布，不能再确认审核意见。", code="published")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "请写明为什么这处提示不影响年报（如：分项中另有未列出的类别）。", code="reason_required", field="reason"
        )
    finding = next((f for f in auditing.warnings(report) if f.key == key), None)
    if finding is None:
        raise ValidationFailed(
            "这条审核提示已不存在（年报已修改），请刷新后再看。", code="unknown_finding", field="key"
        )
    entry = {"key": key, "explanation": finding.explanation, "reason": reason[:500]}
    entry.update(by=getattr(actor, "username", ""), at=timezone.now().isoformat())
    report.acknowledgements = [a for a in report.acknowledgements if a["key"] != key] + [entry]
    _save(report)
    audit.record(
        actor=actor, action="report.finding_acknowledged", obj=report, after=entry, reason=reason, org_id=report.org_id
    )
    return report


def _draft(report: AnnualReport, actor: Actor) -> AnnualReport:
    locked = AnnualReport.objects.select_for_update(of=("self",)).select_related("org").get(pk=report.pk)
    policies.require(actor, "report.edit", locked.org)
    if locked.state != ReportState.DRAFT:
        raise IllegalTransition("只有草稿状态的年报可以修改；请先退回修改。", code="not_draft")
    return locked


@transaction.atomic
def report_enter(*, actor: Actor, report: AnnualReport, row: str, value: Any, source: str) -> AnnualReport:
    """A figure of table 二 that lives in another system (行政许可, 行政处罚, 行政强制 decisions,
    行政事业性收费 amount), with where it came from."""
    report = _draft(report, actor)
    column = "amount" if row == "FEES" else "decisions"
    if (row, column) not in tables.T2_ENTERED:
        raise ValidationFailed("该项由系统根据记录计算，不能录入。", code="computed_cell", field="row")
    source = (source or "").strip()
    if not source:
        raise ValidationFailed(
            "请注明数据来源（如：市政务服务平台导出，2026年1月5日）。", code="source_required", field="source"
        )
    if row == "FEES":
        number = parse_decimal(value, label="收费金额（万元）", lo=Decimal(0), hi=MAX_AMOUNT, field="value")
    else:
        number = Decimal(parse_int(value, label="处理决定数量", lo=0, hi=MAX_COUNT, field="value"))
    key = _key((row, column))
    before = report.entered.get(key)
    report.entered[key] = {"value": str(number) if row == "FEES" else int(number), "source": source[:200]}
    _save(report)
    audit.record(
        actor=actor,
        action="report.entered",
        obj=report,
        before={key: before},
        after={key: report.entered[key]},
        org_id=report.org_id,
    )
    return report


@transaction.atomic
def report_override(
    *, actor: Actor, report: AnnualReport, table: str, row: str, column: str, value: int, reason: str
) -> AnnualReport:
    """Type over a computed figure: only with a written reason, kept with the report and audited."""
    report = _draft(report, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("改动系统计算的数字须写明理由。", code="reason_required", field="reason")
    key = {"二": "t2", "三": "t3", "四": "t4"}.get(table)
    if key is None or _key((row, column)) not in report.computed.get("self", {}).get(key, {}):
        raise ValidationFailed("没有这个单元格。", code="unknown_cell", field="cell")
    value = parse_int(value, label="数字", lo=0, hi=MAX_COUNT, field="value")
    entry = {"table": table, "cell": _key((row, column)), "value": value, "reason": reason[:500]}
    entry.update(by=getattr(actor, "username", ""), at=timezone.now().isoformat())
    report.overrides = [o for o in report.overrides if (o["table"], o["cell"]) != (table, entry["cell"])] + [entry]
    _save(report)
    audit.record(actor=actor, action="report.overridden", obj=report, after=entry, reason=reason, org_id=report.org_id)
    return report


@transaction.atomic
def report_edit_text(
    *, actor: Actor, report: AnnualReport, overview: str, problems_text: str, other_text: str
) -> AnnualReport:
    report = _draft(report, actor)
    before = {"overview": report.overview, "problems_text": report.problems_text, "other_text": report.other_text}
    for name, text in (("overview", overview), ("problems_text", problems_text), ("other_text", other_text)):
        if len(text or "") > 20000:
            raise ValidationFailed("每部分不能超过20000字。", code="too_long", field=name)
        setattr(report, name, (text or "").strip())
    _save(report)
    b, a = audit.changed_fields(
        before, {"overview": report.overview, "problems_text": report.problems_text, "other_text": report.other_text}
    )
    if a:
        audit.record(actor=actor, action="report.text_edited", obj=report, before=b, after=a, org_id=report.org_id)
    return report


@transaction.atomic
def report_redraft_overview(*, actor: Actor, report: AnnualReport) -> AnnualReport:
    """Replace section 一 with the paragraph written from the records (recomputed now); the former
    text stays in the audit trail."""
    report = _draft(report, actor)
    before = report.overview
    report.facts = overview.compute_facts(report.org, report.year)
    report.overview = overview.draft_text(report.facts)
    _save(report)
    audit.record(
        actor=actor,
        action="report.overview_drafted",
        obj=report,
        before={"overview": before},
        after={"overview": report.overview, "facts": report.facts},
        org_id=report.org_id,
    )
    return report


@transaction.atomic
def report_transition(*, actor: Actor, report: AnnualReport, action: str, **params: Any) -> AnnualReport:
    """One step of ``workflow.TRANSITIONS``; ``params`` are ``reason`` and ``on`` (default today)."""
    report = lock(AnnualReport, report.pk)

    def authorise(step: Transition) -> None:
        policies.require(actor, step.permission, report.org)

    def handle(step: Step) -> None:
        if action in ("review", "approve", "publish"):
            found = report_problems(report)
            if found:
                listed = "；".join(p.message for p in found[:5])
                more = f"等{len(found)}处" if len(found) > 5 else ""
                raise IllegalTransition(
                    f"年报中有数字不符，不能{step.transition.label}：{listed}{more}", code="identity_failed"
                )
        if action in ("approve", "publish"):
            # Issue 23 §3: the auditor's warnings do not block, but each is read and answered first.
            open_warnings = auditing.unacknowledged(report)
            if open_warnings:
                raise IllegalTransition(
                    f"还有{len(open_warnings)}条审核提示未确认，不能{step.transition.label}：{open_warnings[0].explanation}",
                    code="findings_unacknowledged",
                )
        if action == "publish":
            # Art. 49: the report covers a year, so it is published after the year ends.
            if step.on <= dt.date(report.year, 12, 31):
                raise IllegalTransition(f"{report.year}年度尚未结束，年报不能发布。", code="year_not_over")
            report.published_on = step.on

    run_transition(
        workflow.REPORT,
        report,
        action=action,
        actor=actor,
        raw=params,
        today=timezone.localdate(),
        authorise=authorise,
        handle=handle,
        snapshot=lambda r: {"state": r.state, "published_on": r.published_on},
    )
    if action == "publish":
        jobs.after_publish(report)  # its files are rendered by a job of this transaction
    return report


@transaction.atomic
def report_import_xlsx(*, actor: Actor, org: Organisation, year: int, filename: str, data: bytes) -> AnnualReport:
    """A past year's tables compiled elsewhere, in the exported layout. The workbook is checked as
    the system's own figures are (``xlsx.from_xlsx`` names the bad cell); it replaces a draft's
    tables, and its outside figures are recorded as entered from the file."""
    from gongkai.reports import xlsx

    policies.require(actor, "report.edit", org)
    if year < 2020 or year >= timezone.localdate().year:
        raise ValidationFailed(
            "只能导入已经结束的年度（2020年度起适用2021年格式）。", code="invalid_year", field="year"
        )
    parsed = xlsx.from_xlsx(data)
    report, _ = AnnualReport.objects.select_for_update().get_or_create(
        org=org, year=year, defaults={"due_date": statutory_due(org, year)}
    )
    if report.state != ReportState.DRAFT:
        raise IllegalTransition("只有草稿状态的年报可以导入；请先退回修改。", code="not_draft")
    source = f"导入：{filename[:150]}"
    report.computed = {
        "self": {
            "t2": {_key(c): v for c, v in parsed["t2"].items() if c not in tables.T2_ENTERED},
            "t3": {_key(c): v for c, v in parsed["t3"].items()},
            "t4": {_key(c): v for c, v in parsed["t4"].items()},
        }
    }
    report.entered = {
        _key(c): {"value": str(v) if c == ("FEES", "amount") else v, "source": source}
        for c, v in parsed["t2"].items()
        if c in tables.T2_ENTERED
    }
    report.overrides = []
    report.imported_from = filename[:200]
    report.computed_at = timezone.now()
    _save(report)
    audit.record(
        actor=actor,
        action="report.imported",
        obj=report,
        after={"file": filename, "t3_new": parsed["t3"][("NEW", "TOT")]},
        org_id=org.pk,
    )
    return report
