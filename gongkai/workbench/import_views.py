"""Bulk import of a catalogue file from the workbench (``catalogue.uploads``): upload, then watch the
job's progress; the page refreshes itself while the import waits or runs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongkai.catalogue import selectors, uploads
from gongkai.catalogue.importing import EXPORT_FIELDS
from gongkai.catalogue.models import CatalogueUpload
from gongkai.core.errors import ApplicationError, NotFound
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation

REFRESH_SECONDS = 3


class UploadForm(forms.Form):
    org = forms.ModelChoiceField(
        label="默认发布机构（文件中未写明机构的行）", queryset=Organisation.objects.none(), empty_label=None
    )
    file = forms.FileField(label="目录文件（JSONL 或 CSV，可为 .gz 压缩）")

    def __init__(self, *args: object, orgs: list[Organisation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["org"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in orgs])  # type: ignore[attr-defined]


def _upload(request: HttpRequest, pk: int) -> CatalogueUpload:
    try:
        return selectors.upload_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    orgs = policies.orgs_where(request.user, "document.import")
    form = UploadForm(orgs=orgs)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, orgs=orgs)
        if form.is_valid():
            file = form.cleaned_data["file"]
            try:
                upload = uploads.upload_start(
                    actor=request.user, org=form.cleaned_data["org"], filename=file.name or "", data=file.read()
                )
            except ApplicationError as exc:
                form.add_error("file" if exc.field == "file" or exc.code == "unknown_format" else None, exc.message)
            else:
                messages.success(request, f"“{upload.original_name}”已上传，正在排队导入。")
                return redirect("workbench:import", pk=upload.pk)
    return render(
        request,
        "workbench/import_list.html",
        {
            "form": form,
            "can_import": bool(orgs),
            "uploads": selectors.uploads_for(request.user)[:50],
            "fields": EXPORT_FIELDS,
            "nav": "docs",
        },
        status=400 if form.errors else 200,
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _upload(request, pk)
    return render(
        request,
        "workbench/import_detail.html",
        {
            "upload": upload,
            "active": upload.state in uploads.ACTIVE,
            "refresh": REFRESH_SECONDS,
            "can_retry": upload.state == "failed" and policies.can(request.user, "document.import", upload.org),
            "nav": "docs",
        },
    )


@login_required
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _upload(request, pk)
    try:
        uploads.upload_retry(actor=request.user, upload=upload)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已重新排队，将从中断处继续导入。")
    return redirect("workbench:import", pk=upload.pk)
