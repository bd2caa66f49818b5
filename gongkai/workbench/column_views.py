"""重点领域 columns in the workbench: the body's clerk opens columns for key areas, files published
items into them and closes them; everyone sees the columns of the bodies they work at or oversee
that are overdue for an update under their declared frequency."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.catalogue import columns
from gongkai.catalogue.models import Document, KeyArea, KeyColumn, UpdateFrequency
from gongkai.catalogue.selectors import column_items, key_columns
from gongkai.core.errors import ApplicationError
from gongkai.orgs import policies
from gongkai.orgs.selectors import bodies_seen_by
from gongkai.workbench.forms import BodyForm, submit


class OpenForm(BodyForm):
    area = forms.ChoiceField(label="重点领域", choices=())
    name = forms.CharField(label="栏目名称（可选，默认为领域名称）", max_length=100, required=False)
    frequency = forms.ChoiceField(label="更新频率", choices=UpdateFrequency.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = KeyArea.objects.filter(is_current=True)
        self.fields["area"].choices = [(a.code, f"{a.label}（{a.get_source_display()}）") for a in areas]  # type: ignore[attr-defined]


class FileForm(forms.Form):
    column = forms.ModelChoiceField(label="栏目", queryset=KeyColumn.objects.none(), empty_label=None)
    items = forms.CharField(
        label="信息的索引号（以空格或换行分隔）", max_length=25_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, org_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = KeyColumn.objects.filter(org_id__in=org_ids, active=True)  # type: ignore[attr-defined]


def _clerk_org_ids(request: HttpRequest) -> list[int]:
    return [o.pk for o in policies.orgs_where(request.user, "document.create")]


@login_required
def key_columns_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    orgs = policies.orgs_where(request.user, "document.create")
    own = [o.pk for o in orgs]
    seen = key_columns([o.pk for o in bodies_seen_by(request.user)])
    return render(
        request,
        "workbench/key_columns.html",
        {
            "today": today,
            "overdue": [s for s in seen if s.stale_on(today)],
            "own": key_columns(own, active_only=False) if own else [],
            "open_form": OpenForm(orgs=orgs, prefix="open") if orgs else None,
            "file_form": FileForm(org_ids=own, prefix="file") if own else None,
            "nav": "columns",
        },
    )


@login_required
@require_POST
def column_open(request: HttpRequest) -> HttpResponse:
    form = OpenForm(request.POST, orgs=policies.orgs_where(request.user, "document.create"), prefix="open")

    def run(data: dict[str, Any]) -> str:
        return f"已开设栏目“{columns.column_open(actor=request.user, **data).name}”。"

    submit(request, form, "栏目未开设", run)
    return redirect("workbench:key_columns")


@login_required
@require_POST
def column_file(request: HttpRequest) -> HttpResponse:
    form = FileForm(request.POST, org_ids=_clerk_org_ids(request), prefix="file")

    def run(data: dict[str, Any]) -> str:
        added = columns.column_file(actor=request.user, column=data["column"], items=data["items"].split())
        return f"已将{added}条信息归入“{data['column'].name}”。"

    submit(request, form, "未归入栏目", run)
    return redirect("workbench:key_columns")


def _own_column(request: HttpRequest, pk: int) -> KeyColumn:
    column = KeyColumn.objects.filter(pk=pk, org_id__in=_clerk_org_ids(request)).select_related("org").first()
    if column is None:
        raise Http404("没有这个栏目，或您无权管理。")
    return column


@login_required
def column_detail(request: HttpRequest, pk: int) -> HttpResponse:
    column = _own_column(request, pk)
    return render(
        request,
        "workbench/key_column.html",
        {"column": column, "items": column_items(column)[:500], "nav": "columns"},
    )


@login_required
@require_POST
def column_unfile(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    column = _own_column(request, pk)
    document = Document.objects.filter(pk=doc_pk).first()
    try:
        if document is None:
            raise Http404("没有这条信息。")
        columns.column_unfile(actor=request.user, column=column, document=document)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将“{document.title[:40]}”移出栏目。")
    return redirect("workbench:key_column", pk=column.pk)


@login_required
@require_POST
def column_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    column = _own_column(request, pk)
    try:
        columns.column_set_active(actor=request.user, column=column, active=not column.active)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'停用' if column.active else '重新启用'}栏目“{column.name}”。")
    return redirect("workbench:key_columns")
