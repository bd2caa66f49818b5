"""Supervision in the workbench (issue 22): the dashboard of a supervised subtree with the records
behind every number, 督查 findings opened from a cell or by hand, the body's rectification and the
office's decision, and the office's 责任追究 records."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gongkai.applications.uploads import Upload, from_files
from gongkai.core.errors import ApplicationError
from gongkai.core.types import user_of
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.supervision import exports, selectors, services
from gongkai.supervision import workflow as finding_workflow
from gongkai.supervision.indicators import BY_KEY, GROUPS, Period
from gongkai.supervision.models import Conduct, EvaluationSource, Finding, PublicEvaluation, Rectification
from gongkai.supervision.periods import KINDS, period_from
from gongkai.workbench.forms import BodyForm, submit

BODIES_PER_PAGE = 50


def _period(request: HttpRequest) -> tuple[Period, str]:
    """The period asked for, or this year with the reason it was not taken."""
    today = timezone.localdate()
    try:
        return period_from(request.GET, today), ""
    except ApplicationError as exc:
        return period_from({}, today), exc.message


def _root(request: HttpRequest) -> Organisation | None:
    """The subtree asked for, within those the user may see; its first one otherwise."""
    roots = selectors.supervised_roots(request.user)
    wanted = request.GET.get("root", "")
    if wanted.isdigit():
        org = Organisation.objects.filter(pk=int(wanted)).first()
        if org is not None and any(org.path.startswith(r.path) for r in roots):
            return org
    return roots[0] if roots else None


def _reachable(request: HttpRequest, org: Organisation) -> bool:
    return any(org.path.startswith(r.path) for r in selectors.supervised_roots(request.user))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    root = _root(request)
    period, refused = _period(request)
    if refused:
        messages.error(request, f"期间未采用：{refused}")
    context: dict[str, Any] = {
        "roots": selectors.supervised_roots(request.user),
        "groups": GROUPS,
        "kinds": KINDS,
        "period": period,
        "nav": "supervision",
        "open_findings": selectors.open_findings_count(request.user),
    }
    if root is not None:
        board = selectors.dashboard(root, period, request.GET.get("group", ""), timezone.localdate())
        page = Paginator(board.rows, BODIES_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            {
                "root": root,
                "board": board,
                "page": page,
                "cell_query": urlencode({"start": period.start, "end": period.end, "label": period.label}),
                # The next page keeps what was asked (the scope, the group, the period).
                "page_query": "".join(f"{urlencode({k: v})}&" for k, v in request.GET.items() if k != "page"),
                "params": request.GET,
            }
        )
    return render(request, "workbench/supervision/dashboard.html", context)


class OpenFindingForm(BodyForm):
    title = forms.CharField(label="问题", max_length=200)
    detail = forms.CharField(label="问题描述和整改要求", max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))
    working_days = forms.IntegerField(label="整改时限（工作日）", min_value=1, max_value=services.MAX_WORKING_DAYS)
    indicator = forms.CharField(widget=forms.HiddenInput, required=False)
    period_start = forms.DateField(widget=forms.HiddenInput, required=False)
    period_end = forms.DateField(widget=forms.HiddenInput, required=False)


def findable_bodies(request: HttpRequest) -> list[Organisation]:
    """The bodies the user may open findings against: strictly below its offices."""
    out: list[Organisation] = []
    for office in policies.offices_supervised(request.user):
        out += list(Organisation.objects.filter(path__startswith=office.path).exclude(pk=office.pk))
    return sorted({o.pk: o for o in out}.values(), key=lambda o: o.path)


@login_required
def cell(request: HttpRequest) -> HttpResponse:
    """The records behind one body's number (never an applicant's or a writer's personal data)."""
    indicator = BY_KEY.get(request.GET.get("indicator", ""))
    wanted = request.GET.get("org", "")
    org = Organisation.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    if indicator is None or org is None or not _reachable(request, org):
        raise Http404("没有这项数字，或您无权查看。")
    try:
        period = period_from(
            {"period": "custom", "start": request.GET.get("start", ""), "end": request.GET.get("end", "")},
            timezone.localdate(),
        )
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    rows = selectors.cell_rows(indicator, org, period, timezone.localdate())
    can_open = policies.can(request.user, "finding.open", org)
    form = None
    if can_open:
        form = OpenFindingForm(
            orgs=[org],
            prefix="finding",
            initial={
                "org": org,
                "title": f"{indicator.label}问题",
                "indicator": indicator.key,
                "period_start": period.start,
                "period_end": period.end,
                "working_days": 20,
            },
        )
    return render(
        request,
        "workbench/supervision/cell.html",
        {"indicator": indicator, "org": org, "period": period, "rows": rows, "form": form, "nav": "supervision"},
    )


@login_required
@require_POST
def finding_open(request: HttpRequest) -> HttpResponse:
    form = OpenFindingForm(request.POST, orgs=findable_bodies(request), prefix="finding")
    opened: list[Finding] = []

    def run(data: dict[str, Any]) -> str:
        opened.append(services.finding_open(actor=request.user, **data))
        return f"已下发督查问题“{opened[0].title}”，整改期限{opened[0].due_date:%Y-%m-%d}。"

    if submit(request, form, "督查问题未下发", run):
        return redirect("workbench:finding", pk=opened[0].pk)
    back = request.META.get("HTTP_REFERER", "")
    # Back to the page the form was on (a cell's records), never to another site.
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("workbench:findings")


@login_required
def findings(request: HttpRequest) -> HttpResponse:
    rows = selectors.findings_for(request.user)
    orgs = findable_bodies(request)
    return render(
        request,
        "workbench/supervision/findings.html",
        {
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "today": timezone.localdate(),
            "form": OpenFindingForm(orgs=orgs, prefix="finding", initial={"working_days": 20}) if orgs else None,
            "my_offices": {o.pk for o in policies.offices_supervised(request.user)},
            "nav": "findings",
        },
    )


def _finding(request: HttpRequest, pk: int) -> Finding:
    found = selectors.findings_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("没有这个督查问题，或您无权查看。")
    return found


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    steps = [
        t
        for t in finding_workflow.FINDING.steps_from(finding.state)
        if policies.can(request.user, t.permission, finding.org)
    ]
    return render(
        request,
        "workbench/supervision/finding.html",
        {
            "finding": finding,
            "rectifications": finding.rectifications.select_related("submitted_by", "decided_by"),
            "steps": {t.action: t for t in steps},
            "today": timezone.localdate(),
            "nav": "findings",
        },
    )


@login_required
@require_POST
def finding_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    finding = _finding(request, pk)
    params = {k: request.POST[k] for k in ("text", "note", "reason") if k in request.POST}
    try:
        evidence: Upload | None = None
        files = request.FILES.getlist("evidence")
        if files:
            (evidence,) = from_files(files[:1])
        services.finding_transition(actor=request.user, finding=finding, action=action, evidence=evidence, **params)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        label = finding_workflow.FINDING.label(action)
        messages.success(request, f"已{label}。")
    return redirect("workbench:finding", pk=finding.pk)


@login_required
def evidence(request: HttpRequest, pk: int, rid: int) -> FileResponse:
    finding = _finding(request, pk)
    found = Rectification.objects.filter(pk=rid, finding=finding).exclude(evidence="").first()
    if found is None:
        raise Http404("没有这份佐证材料。")
    return FileResponse(found.evidence.open("rb"), as_attachment=True, filename=found.evidence_name)


class AccountabilityForm(BodyForm):
    conduct = forms.ChoiceField(label="违法行为", choices=Conduct.choices)
    facts = forms.CharField(label="事实", max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))
    measure = forms.CharField(label="处理措施", max_length=200)
    decided_on = forms.DateField(label="决定日期", widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def accountability(request: HttpRequest) -> HttpResponse:
    if not policies.offices_supervised(request.user):
        raise Http404("责任追究记录只对督查机关开放。")
    orgs = findable_bodies(request)
    form = AccountabilityForm(orgs=orgs, prefix="acc")
    if request.method == "POST":
        form = AccountabilityForm(request.POST, orgs=orgs, prefix="acc")

        def run(data: dict[str, Any]) -> str:
            record = services.accountability_record(actor=request.user, **data)
            return f"已登记对{record.org.name}的责任追究。"

        if submit(request, form, "未登记", run):
            return redirect("workbench:accountability")
    records = selectors.accountability_for(request.user)
    counts: dict[str, int] = {}
    for record in records:
        counts[record.get_conduct_display()] = counts.get(record.get_conduct_display(), 0) + 1
    return render(
        request,
        "workbench/supervision/accountability.html",
        {"form": form, "records": records[:200], "counts": counts, "nav": "supervision"},
    )


@login_required
@require_POST
def findings_circular(request: HttpRequest) -> HttpResponse:
    """A 通报 (DOCX) of the findings a supervisor selected, opened by its office."""
    offices = policies.offices_supervised(request.user)
    ids = [int(x) for x in request.POST.getlist("finding") if x.isdigit()][:200]
    chosen = list(
        selectors.findings_for(request.user)
        .filter(pk__in=ids, office__in=offices)
        .prefetch_related("rectifications")
        .order_by("org__path", "opened_on")
    )
    if not chosen:
        messages.error(request, "请先勾选要通报的督查问题（本机关下发的）。")
        return redirect("workbench:findings")
    data = exports.findings_docx(chosen[0].office.name, chosen)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = 'attachment; filename="findings-circular.docx"'
    return response


class EvaluationForm(BodyForm):
    source = forms.ChoiceField(label="评议方式", choices=EvaluationSource.choices)
    period_start = forms.DateField(label="评议期间起", widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label="评议期间止", widget=forms.DateInput(attrs={"type": "date"}))
    score = forms.IntegerField(label="得分（百分制）", min_value=0, max_value=100)
    note = forms.CharField(label="说明（评估机构、参加人数等）", max_length=300)


@login_required
def evaluations(request: HttpRequest) -> HttpResponse:
    """社会评议 entered by the user's offices for the bodies below them."""
    offices = policies.offices_supervised(request.user)
    if not offices:
        raise Http404("社会评议由督查机关录入。")
    orgs = findable_bodies(request)
    form = EvaluationForm(orgs=orgs, prefix="eval")
    if request.method == "POST":
        form = EvaluationForm(request.POST, orgs=orgs, prefix="eval")

        def run(data: dict[str, Any]) -> str:
            record = services.evaluation_enter(actor=request.user, **data)
            return f"已录入{record.org.name}的社会评议（{record.score}分）。"

        if submit(request, form, "未录入", run):
            return redirect("workbench:evaluations")
    records = PublicEvaluation.objects.filter(office__in=offices).select_related("org")[:200]
    return render(
        request,
        "workbench/supervision/evaluations.html",
        {"form": form, "records": records, "nav": "supervision"},
    )


class DigestForm(forms.Form):
    enabled = forms.BooleanField(label="接收每日提醒邮件", required=False)
    applications = forms.BooleanField(label="依申请公开：即将到期和逾期的申请", required=False)
    catalogue = forms.BooleanField(label="主动公开：即将到期和逾期未公开的信息", required=False)
    messages = forms.BooleanField(label="政民互动：逾期未答复的留言", required=False)
    findings = forms.BooleanField(label="督查：待整改、待审核和整改逾期的问题", required=False)


@login_required
def digest(request: HttpRequest) -> HttpResponse:
    """The person's own choice of the daily digest, and what it would say today."""
    from gongkai.supervision.digest import lines_for
    from gongkai.supervision.models import DigestPreference

    user = user_of(request.user)
    if user is None:  # login_required let it through, so this cannot happen
        raise Http404("请先登录。")
    pref = DigestPreference.objects.filter(user=user).first() or DigestPreference(user=user)
    form = DigestForm(initial={f: getattr(pref, f) for f in services.DIGEST_FLAGS})
    if request.method == "POST":
        form = DigestForm(request.POST)

        def run(data: dict[str, Any]) -> str:
            services.digest_preference_save(actor=request.user, **data)
            return "已保存每日提醒设置。"

        if submit(request, form, "未保存", run):
            return redirect("workbench:digest")
    return render(
        request,
        "workbench/supervision/digest.html",
        {
            "form": form,
            "email": user.email,
            "preview": lines_for(user, timezone.localdate(), pref),
            "nav": "home",
        },
    )
