"""公文公开属性 in the workbench: the confidentiality reviewer registers each document the body issues
with its disclosure attribute; the clerk links a 主动公开 document to its catalogue item, or switches a
依申请公开 one to 主动公开 (Art. 44). Each body's 公文主动公开率 for a year, and the reasons for the rest
(a supervisor sees every body below it)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.catalogue import register
from gongkai.catalogue.models import DisclosureAttribute, IssuedDocument, Vocabulary, WithholdingReason
from gongkai.catalogue.selectors import attribute_figures, current_terms, issued_documents
from gongkai.core.errors import ApplicationError
from gongkai.core.numbers import parse_int
from gongkai.orgs import policies
from gongkai.orgs.selectors import bodies_seen_by, working_org_ids
from gongkai.workbench.forms import BodyForm, submit


class RegisterForm(BodyForm):
    title = forms.CharField(label="公文标题", max_length=500)
    doc_number = forms.CharField(label="文号（可选）", max_length=100, required=False)
    written_date = forms.DateField(label="成文日期", widget=forms.DateInput(attrs={"type": "date"}))
    attribute = forms.ChoiceField(label="公开属性", choices=DisclosureAttribute.choices)
    reason = forms.ChoiceField(
        label="不予公开的理由（不予公开时必选）", choices=[("", "—"), *WithholdingReason.choices], required=False
    )
    note = forms.CharField(label="说明（可选）", max_length=300, required=False)
    item = forms.CharField(label="主动公开的信息的索引号或编号（可选）", max_length=40, required=False)


def _topics() -> list[tuple[str, str]]:
    return [("", "请选择"), *((t.code, t.path_label) for t in current_terms(Vocabulary.TOPIC))]


def _year(request: HttpRequest) -> int:
    this_year = timezone.localdate().year
    try:
        return parse_int(request.GET.get("year") or this_year, label="年度", lo=2000, hi=this_year)
    except ApplicationError:
        return this_year


@login_required
def issued(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    reviewer_orgs = policies.orgs_where(request.user, "document.review")
    clerk_org_ids = {o.pk for o in policies.orgs_where(request.user, "document.create")}
    bodies = bodies_seen_by(request.user)
    figures = attribute_figures([o.pk for o in bodies], year)
    records = issued_documents(working_org_ids(request.user)).filter(written_date__year=year)
    return render(
        request,
        "workbench/issued.html",
        {
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "form": RegisterForm(orgs=reviewer_orgs, prefix="issued") if reviewer_orgs else None,
            "records": records,
            "clerk_org_ids": clerk_org_ids,
            "topics": _topics() if clerk_org_ids else [],
            "figures": [(o, figures[o.pk]) for o in bodies if figures[o.pk].total],
            "nav": "issued",
        },
    )


@login_required
@require_POST
def issued_register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST, orgs=policies.orgs_where(request.user, "document.review"), prefix="issued")
    registered: list[IssuedDocument] = []

    def run(data: dict[str, Any]) -> str:
        registered.append(register.issued_register(actor=request.user, **data))
        return f"已登记“{registered[0].title[:40]}”（{registered[0].get_attribute_display()}）。"

    if submit(request, form, "公文未登记", run):
        return _back_to_year(registered[0])
    return redirect("workbench:issued")


def _back_to_year(record: IssuedDocument) -> HttpResponse:
    return redirect(f"{reverse('workbench:issued')}?year={record.written_date.year}")


def _own_record(request: HttpRequest, pk: int) -> IssuedDocument:
    record = issued_documents(working_org_ids(request.user)).filter(pk=pk).first()
    if record is None:
        raise Http404("没有这份公文，或您无权办理。")
    return record


@login_required
@require_POST
def issued_link(request: HttpRequest, pk: int) -> HttpResponse:
    record = _own_record(request, pk)
    try:
        register.issued_link(actor=request.user, record=record, item=request.POST.get("item", ""))
    except ApplicationError as exc:
        messages.error(request, f"未关联：{exc.message}")
    else:
        messages.success(request, f"已将“{record.title[:40]}”关联到公开的信息。")
    return _back_to_year(record)


@login_required
@require_POST
def issued_make_proactive(request: HttpRequest, pk: int) -> HttpResponse:
    record = _own_record(request, pk)
    try:
        draft = register.issued_make_proactive(
            actor=request.user,
            record=record,
            topic=request.POST.get("topic", ""),
            basis=request.POST.get("basis", ""),
        )
    except ApplicationError as exc:
        messages.error(request, f"未转为主动公开：{exc.message}")
        return _back_to_year(record)
    messages.success(request, "已转为主动公开，并生成信息草稿；请补充后提交审核。")
    return redirect("workbench:document", pk=draft.pk)
