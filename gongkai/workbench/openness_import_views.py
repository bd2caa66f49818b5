"""Importing past years of the openness records from the workbench (``openness.importing``): the
form on 公开工作记录, the upload, and a template per kind of record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from gongkai.openness import importing
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.workbench.forms import BodyForm, submit

IMPORT_MAX_BYTES = 5 * 1024 * 1024


class ImportForm(BodyForm):
    kind = forms.ChoiceField(label="记录类型", choices=[(k, v.label) for k, v in importing.KINDS.items()])
    file = forms.FileField(label="文件（CSV 或 XLSX，第一行为表头）")

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError("文件不能超过5 MB，请分成几个文件导入。")
        return file


def _import_orgs(request: HttpRequest) -> list[Organisation]:
    """The bodies where the user keeps some kind of record that can be imported (each row is then
    checked by its own service: a 公文 needs the reviewer, an offline count the clerk)."""
    seen: dict[int, Organisation] = {}
    for action in ("openness.record", "document.review", "message.reply"):
        seen.update((o.pk, o) for o in policies.orgs_where(request.user, action))
    return sorted(seen.values(), key=lambda o: o.path)


@login_required
@require_POST
def openness_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES, orgs=_import_orgs(request), prefix="import")

    def run(data: dict[str, Any]) -> str:
        upload = data["file"]
        count = importing.import_records(
            actor=request.user, org=data["org"], kind=data["kind"], name=upload.name or "", data=upload.read()
        )
        return f"已导入{count}条{importing.KINDS[data['kind']].label}记录。"

    submit(request, form, "未导入", run)
    return redirect("workbench:openness")


@login_required
def openness_import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in importing.KINDS:
        raise Http404("没有这种记录。")
    response = HttpResponse(importing.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


def import_form(request: HttpRequest) -> ImportForm | None:
    orgs = _import_orgs(request)
    return ImportForm(orgs=orgs, prefix="import") if orgs else None
