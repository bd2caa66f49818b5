"""The staff side of annual reports: the year's list (and, for supervisors, who has not published),
compiling a report from the records, checking it, and taking it through review to publication."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from gongkai.core.errors import ApplicationError
from gongkai.core.numbers import parse_int
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.reports import auditing, overview
from gongkai.reports import selectors as report_selectors
from gongkai.reports import services as reports
from gongkai.reports import workflow as report_workflow
from gongkai.reports.downloads import CONTENT_TYPES, export_response
from gongkai.reports.models import AnnualReport
from gongkai.reports.presentation import comparison, report_context, trend_svg
from gongkai.reports.tables import MAX_COUNT
from gongkai.workbench.step_forms import raw_params, step_form


def _year(request: HttpRequest) -> int:
    try:
        return parse_int(request.GET.get("year") or timezone.localdate().year - 1, label="年度", lo=2000, hi=2100)
    except ApplicationError:
        return timezone.localdate().year - 1


def _posted_year(request: HttpRequest) -> int:
    return parse_int(request.POST.get("year", ""), label="年度", lo=2000, hi=2100, field="year")


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = []
    for org in policies.orgs_of(request.user):
        report = AnnualReport.objects.filter(org=org, year=year).first()
        rows.append({"org": org, "report": report, "can_prepare": policies.can(request.user, "report.edit", org)})
    return render(
        request,
        "workbench/reports/list.html",
        {
            "year": year,
            "years": list(range(timezone.localdate().year - 1, 2019, -1)),
            "rows": rows,
            "not_published": report_selectors.not_published(request.user, year),
            "nav": "reports",
        },
    )


def _member_org(request: HttpRequest) -> Organisation | None:
    """The body named in the form, if the user belongs to it (the service then checks the role)."""
    return policies.org_held(request.user, request.POST.get("org", ""))


@login_required
@require_POST
def report_prepare(request: HttpRequest) -> HttpResponse:
    org = _member_org(request)
    if org is None:
        raise Http404("没有这个机关。")
    try:
        report = reports.report_prepare(actor=request.user, org=org, year=_posted_year(request))
    except (ApplicationError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "年度不正确。"))
        return redirect("workbench:reports")
    messages.success(request, "已按记录计算年报各表。")
    return redirect("workbench:report", pk=report.pk)


def _report(request: HttpRequest, pk: int) -> AnnualReport:
    report = AnnualReport.objects.select_related("org").filter(pk=pk).first()
    if report is None or not policies.can_read_internal(request.user, report.org):
        raise Http404("没有找到该年报。")
    return report


def overview_with_sources(report: AnnualReport) -> SafeString:
    """Section 一 as HTML, each figure a fact introduces linked to the records behind it; a figure
    that disagrees with the records is marked."""
    text, parts, at = report.overview, [], 0
    for m in overview.mentions(text, report.facts):
        parts.append(escape(text[at : m.start]))
        url = reverse("workbench:report_fact", args=[report.pk, m.fact.key])
        if m.stated == m.computed:
            parts.append(
                format_html('<a class="fact" href="{}" title="查看来源记录">{}</a>', url, text[m.start : m.end])
            )
        else:
            parts.append(
                format_html(
                    '<a class="fact mismatch" href="{}" title="记录中为{}{}">{}</a>',
                    url,
                    m.computed,
                    m.fact.unit,
                    text[m.start : m.end],
                )
            )
        at = m.end
    parts.append(escape(text[at:]))
    # Safe: every piece of the text was escaped above; the links were built by format_html.
    return mark_safe("".join(parts).replace("\n", "<br>"))


@login_required
def report_fact(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The records behind one figure of section 一 (what a click on the figure shows)."""
    report = _report(request, pk)
    fact = overview.BY_KEY.get(key)
    if fact is None:
        raise Http404("没有这项数字。")
    rows = overview.sources(fact, report.org, report.year)
    return render(
        request,
        "workbench/reports/fact.html",
        {
            "report": report,
            "fact": fact,
            "stored": report.facts.get(key),
            "now": fact.value(report.org, report.year),
            "rows": rows,
            "nav": "reports",
        },
    )


def _warnings(report: AnnualReport) -> list[dict[str, Any]]:
    """The auditor's warnings on the report as it stands, each with its acknowledgement if given."""
    given = {a["key"]: a for a in report.acknowledgements}
    return [{"finding": f, "ack": given.get(f.key)} for f in auditing.warnings(report)]


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    previous = AnnualReport.objects.filter(org=report.org, year=report.year - 1).first()
    context: dict[str, Any] = report_context(report)
    user = request.user
    context.update(
        {
            "problems": reports.report_problems(report),
            "warnings": _warnings(report),
            "can_acknowledge": report.state != "published" and policies.can(user, "report.approve", report.org),
            "overview_html": overview_with_sources(report),
            "previous": previous,
            "comparison": [row for row in comparison(report, previous) if row["this"] or row["last"]],
            "trend": mark_safe(
                trend_svg(
                    list(AnnualReport.objects.filter(org=report.org, year__lte=report.year, year__gt=report.year - 5))
                )
            ),
            "entered_rows": [
                ("LICENCE", "行政许可 本年处理决定数量"),
                ("PENALTY", "行政处罚 本年处理决定数量"),
                ("COERCION", "行政强制 本年处理决定数量"),
                ("FEES", "行政事业性收费 本年收费金额（万元）"),
            ],
            "entered": report.entered,
            "can_edit": report.state == "draft" and policies.can(user, "report.edit", report.org),
            "step_forms": [
                step_form(t)
                for t in report_workflow.REPORT.steps_from(report.state)
                if policies.can(user, t.permission, report.org)
            ],
            "nav": "reports",
        }
    )
    return render(request, "workbench/reports/detail.html", context)


@login_required
@require_POST
def report_edit(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    report = _report(request, pk)
    p = request.POST
    try:
        if what == "text":
            reports.report_edit_text(
                actor=request.user,
                report=report,
                overview=p.get("overview", ""),
                problems_text=p.get("problems_text", ""),
                other_text=p.get("other_text", ""),
            )
        elif what == "enter":
            reports.report_enter(
                actor=request.user,
                report=report,
                row=p.get("row", ""),
                value=p.get("value", ""),
                source=p.get("source", ""),
            )
        elif what == "override":
            value = parse_int(p.get("value", ""), label="数字", lo=0, hi=MAX_COUNT, field="value")
            reports.report_override(
                actor=request.user,
                report=report,
                table=p.get("table", ""),
                row=p.get("row", ""),
                column=p.get("column", ""),
                value=value,
                reason=p.get("reason", ""),
            )
        elif what == "acknowledge":
            reports.report_acknowledge(
                actor=request.user, report=report, key=p.get("key", ""), reason=p.get("reason", "")
            )
        elif what == "recompute":
            reports.report_prepare(actor=request.user, org=report.org, year=report.year)
        elif what == "redraft":
            reports.report_redraft_overview(actor=request.user, report=report)
        elif what in report_workflow.REPORT.by_action:
            step = report_workflow.REPORT.by_action[what]
            reports.report_transition(actor=request.user, report=report, action=what, **raw_params(step, p))
        else:
            raise Http404("没有这个操作。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存。")
    return redirect("workbench:report", pk=report.pk)


@login_required
def report_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    if fmt not in CONTENT_TYPES:
        raise Http404("没有这种格式。")
    return export_response(_report(request, pk), fmt)


@login_required
@require_POST
def report_import(request: HttpRequest) -> HttpResponse:
    org = _member_org(request)
    upload = request.FILES.get("file")
    if org is None or upload is None:
        messages.error(request, "请选择机关和工作簿文件。")
        return redirect("workbench:reports")
    if (upload.size or 0) > 5 * 1024 * 1024:
        messages.error(request, "工作簿不能超过5 MB。")
        return redirect("workbench:reports")
    try:
        report = reports.report_import_xlsx(
            actor=request.user,
            org=org,
            year=_posted_year(request),
            filename=upload.name or "report.xlsx",
            data=upload.read(),
        )
    except (ApplicationError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "年度不正确。"))
        return redirect("workbench:reports")
    messages.success(request, "工作簿已导入，各表勾稽关系校验通过。")
    return redirect("workbench:report", pk=report.pk)
