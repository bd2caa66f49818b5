"""Finding any case of the user's bodies, and exporting what was found, masked (issue 18 §3)."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from gongkai.applications import exports, selectors, services
from gongkai.applications.models import (
    Application,
    State,
    Timeliness,
)
from gongkai.applications.outcomes import OUTCOMES
from gongkai.applications.receipt import CHANNEL_LABELS, Channel
from gongkai.core.errors import ApplicationError
from gongkai.core.numbers import parse_int
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.reports.downloads import XLSX_TYPE

# --- finding any case (issue 18 §3) ---------------------------------------------------------------


class CaseSearchForm(forms.Form):
    org = forms.TypedChoiceField(label="机关", required=False, coerce=int, empty_value=None)
    code = forms.CharField(label="查询码", required=False, max_length=20)
    words = forms.CharField(label="所需信息中的词语", required=False, max_length=100)
    masked_applicant = forms.CharField(
        label="申请人（按列表显示的隐去形式，如 王**、138****8000）", required=False, max_length=40
    )
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *State.choices])
    outcome = forms.ChoiceField(
        label="办理结果", required=False, choices=[("", "全部"), *[(o.code, f"{o.group} {o.label}") for o in OUTCOMES]]
    )
    channel = forms.ChoiceField(
        label="申请渠道", required=False, choices=[("", "全部"), *[(c.value, CHANNEL_LABELS[c]) for c in Channel]]
    )
    timeliness = forms.ChoiceField(label="答复时效", required=False, choices=[("", "全部"), *Timeliness.choices])
    received_from = forms.DateField(label="收到日期自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    received_to = forms.DateField(label="收到日期至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    replied_from = forms.DateField(label="答复日期自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    replied_to = forms.DateField(label="答复日期至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # By the applicant's full data: a logged reveal, sent by POST so the term stays out of addresses.
    applicant = forms.CharField(label="申请人完整姓名、身份证明号码或联系电话", required=False, max_length=60)
    reason = forms.CharField(label="查找理由（将记入审计日志）", required=False, max_length=200)

    def __init__(self, *args: Any, orgs: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["org"])
        field.choices = [("", "全部可查看的机关"), *[(o.pk, o.name) for o in orgs]]
        for name in ("received_from", "received_to", "replied_from", "replied_to"):
            self.fields[name].error_messages["invalid"] = "请输入正确的日期，如2026-01-31。"
        for name in ("org", "state", "outcome", "channel", "timeliness"):
            self.fields[name].error_messages["invalid_choice"] = "请从列表中选择。"

    def filters(self) -> selectors.CaseFilters:
        d = self.cleaned_data
        names = [f.name for f in dataclasses.fields(selectors.CaseFilters)]
        return selectors.CaseFilters(**{n: d[n] for n in names if d.get(n) not in (None, "")})


def _search_form(request: HttpRequest) -> tuple[CaseSearchForm, list[Organisation]]:
    orgs = policies.orgs_readable(request.user)
    data = request.POST if request.method == "POST" else request.GET
    return CaseSearchForm(data, orgs=orgs), orgs


def _searched(request: HttpRequest, form: CaseSearchForm) -> QuerySet[Application] | None:
    """The cases the form asks for; a search by full applicant data is logged first (POST only)."""
    if not form.is_valid():
        return None
    filters = form.filters()
    if request.method == "POST" and not filters.applicant:
        form.add_error("applicant", "请填写申请人的姓名或名称、身份证明号码或联系电话。")
        return None
    if filters.applicant:
        if request.method != "POST":
            form.add_error("applicant", "按申请人完整信息查找请使用下方的表单提交。")
            return None
        try:
            services.log_applicant_search(
                actor=request.user, term=filters.applicant, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return None
    return selectors.case_search(request.user, filters)


@login_required
def case_search(request: HttpRequest) -> HttpResponse:
    """Every case of the user's bodies, open or closed, by code, applicant (masked, or in full after
    a logged reveal), words of the request, state, outcome, channel and dates; exported masked."""
    form, orgs = _search_form(request)
    if not orgs:
        return render(request, "workbench/no_roles.html", status=403)
    found = _searched(request, form)
    page = 1
    try:
        page = parse_int(request.GET.get("page") or 1, label="页码", lo=1, hi=100_000)
    except ApplicationError:
        page = 1
    total = found.count() if found is not None else 0
    rows = list(found[(page - 1) * 50 : page * 50]) if found is not None else []
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "workbench/applications/search.html",
        {
            "form": form,
            "rows": [(app, selectors.masked(app)) for app in rows],
            "total": total,
            "page": page,
            "pages": max((total + 49) // 50, 1),
            "query": query.urlencode(),
            "by_applicant": request.method == "POST",
            "can_search_personal": bool(policies.orgs_where(request.user, "application.reveal")),
            "max_rows": exports.MAX_ROWS,
            "nav": "applications",
        },
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def case_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("csv", "xlsx"):
        raise Http404("没有这种格式。")
    form, orgs = _search_form(request)
    found = _searched(request, form) if orgs else None
    if found is None:
        problems = "；".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"查找条件有误，请修改后再导出：{problems}")
        return redirect("workbench:application_search")
    name = f"政府信息公开申请_{timezone.localdate():%Y%m%d}.{fmt}"
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(found), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.xlsx_bytes(found), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response
