"""Assessment (考核) in the workbench: an office's supervisors define the year's scheme (one row per
indicator: full marks, target, deductions, veto), score every body below the office, adjust a score
only with a reason and another supervisor's approval, and export the result (XLSX, 通报 DOCX)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core.errors import ApplicationError
from gongkai.core.numbers import parse_int
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.supervision import assessment, exports
from gongkai.supervision.indicators import GROUPS, INDICATORS
from gongkai.supervision.models import Adjustment, AssessmentScheme, ScoreRun
from gongkai.supervision.scoring import full_marks, parse_item

FIELDS = ("weight", "target", "deduct_per", "deduct_cap", "veto_at")


def _offices(request: HttpRequest) -> list[Organisation]:
    return [o for o in policies.offices_supervised(request.user) if policies.can(request.user, "assessment.manage", o)]


def _scheme(request: HttpRequest, pk: int) -> AssessmentScheme:
    scheme = AssessmentScheme.objects.filter(pk=pk, office__in=_offices(request)).select_related("office").first()
    if scheme is None:
        raise Http404("没有这个考核方案，或您无权查看。")
    return scheme


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    offices = _offices(request)
    return render(
        request,
        "workbench/supervision/assessment_list.html",
        {
            "offices": offices,
            "schemes": AssessmentScheme.objects.filter(office__in=offices).select_related("office"),
            "year": timezone.localdate().year,
            "nav": "supervision",
        },
    )


@login_required
def scheme_edit(request: HttpRequest) -> HttpResponse:
    """The year's scheme of an office, as a table of every indicator; saving makes the draft or, if
    the latest version is locked, a new version."""
    offices = _offices(request)
    source = request.POST if request.method == "POST" else request.GET
    wanted = str(source.get("office", ""))
    office = next((o for o in offices if str(o.pk) == wanted), None)
    if office is None:
        raise Http404("请选择您所在的督查机关。")
    try:
        year = parse_int(source.get("year") or timezone.localdate().year, label="考核年度", lo=2000, hi=2100)
    except ApplicationError:
        year = timezone.localdate().year
    latest = AssessmentScheme.objects.filter(office=office, year=year).order_by("-version").first()
    current = {i["indicator"]: i for i in (latest.items if latest else [])}
    typed: dict[str, dict[str, str]] = {}
    if request.method == "POST":
        typed = {i.key: {f: request.POST.get(f"{i.key}-{f}", "") for f in FIELDS} for i in INDICATORS}
        try:
            items = [item for key, raw in typed.items() if (item := parse_item(key, raw)) is not None]
            scheme = assessment.scheme_save(
                actor=request.user, office=office, year=year, name=request.POST.get("name", ""), items=items
            )
        except ApplicationError as exc:
            messages.error(request, f"方案未保存：{exc.message}")
        else:
            messages.success(request, f"已保存{scheme}，满分{full_marks(assessment.scheme_items(scheme))}分。")
            return redirect("workbench:assessment_scheme", pk=scheme.pk)
    rows = [
        (
            g,
            [
                (i, typed.get(i.key) or {f: current.get(i.key, {}).get(f) or "" for f in FIELDS})
                for i in INDICATORS
                if i.group == g
            ],
        )
        for g in GROUPS
    ]
    return render(
        request,
        "workbench/supervision/scheme_edit.html",
        {
            "office": office,
            "year": year,
            "latest": latest,
            "name": request.POST.get("name")
            if request.method == "POST"
            else (latest.name if latest else f"{year}年度政务公开工作考核方案"),
            "rows": rows,
            "nav": "supervision",
        },
    )


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    items = assessment.scheme_items(scheme)
    labels = {i.key: i for i in INDICATORS}
    return render(
        request,
        "workbench/supervision/scheme.html",
        {
            "scheme": scheme,
            "items": [(labels[i.indicator], i) for i in items],
            "full_marks": full_marks(items),
            "versions": AssessmentScheme.objects.filter(office=scheme.office, year=scheme.year),
            "runs": scheme.runs.all(),
            "nav": "supervision",
        },
    )


@login_required
@require_POST
def scheme_score(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    try:
        run = assessment.score_run(actor=request.user, scheme=scheme)
    except ApplicationError as exc:
        messages.error(request, f"未评分：{exc.message}")
        return redirect("workbench:assessment_scheme", pk=scheme.pk)
    messages.success(request, f"已对{len(run.results)}个机关评分，方案已锁定。")
    return redirect("workbench:assessment_run", pk=run.pk)


def _run(request: HttpRequest, pk: int) -> ScoreRun:
    run = ScoreRun.objects.filter(pk=pk, scheme__office__in=_offices(request)).select_related("scheme__office").first()
    if run is None:
        raise Http404("没有这次评分，或您无权查看。")
    return run


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    ranked = assessment.ranking(run)
    return render(
        request,
        "workbench/supervision/run.html",
        {
            "run": run,
            "ranked": ranked,
            "pending": run.adjustments.filter(state="proposed").select_related("org", "proposed_by"),
            "decided": run.adjustments.exclude(state="proposed").select_related("org", "proposed_by", "decided_by"),
            "nav": "supervision",
        },
    )


@login_required
@require_POST
def run_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    wanted = request.POST.get("org", "")
    org = Organisation.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    try:
        if org is None:
            raise Http404("没有这个机关。")
        assessment.adjustment_propose(
            actor=request.user,
            run=run,
            org=org,
            points=request.POST.get("points", ""),
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as exc:
        messages.error(request, f"未提出调整：{exc.message}")
    else:
        messages.success(request, "已提出调整，待另一名监督人员批准。")
    return redirect("workbench:assessment_run", pk=run.pk)


@login_required
@require_POST
def adjustment_decide(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    run = _run(request, pk)
    adjustment = Adjustment.objects.filter(pk=aid, run=run).first()
    if adjustment is None:
        raise Http404("没有这项调整。")
    approve = request.POST.get("decision") == "approve"
    try:
        assessment.adjustment_decide(actor=request.user, adjustment=adjustment, approve=approve)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已批准调整。" if approve else "已不予批准。")
    return redirect("workbench:assessment_run", pk=run.pk)


@login_required
def run_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = _run(request, pk)
    kinds: dict[str, tuple[Any, str]] = {
        "xlsx": (exports.to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "docx": (exports.to_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    }
    if fmt not in kinds:
        raise Http404("没有这种格式。")
    render_file, content_type = kinds[fmt]
    response = HttpResponse(render_file(run), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="assessment-{run.scheme.year}-{run.pk}.{fmt}"'
    return response
