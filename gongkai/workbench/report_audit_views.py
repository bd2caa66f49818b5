"""年报审核 in the workbench (issue 23 §3): a supervisor audits a lower body's annual report, uploaded
as published (HTML, DOCX, PDF, text) or picked from the platform, and reads the findings; the
dashboard counts them (indicator ``report_audit_findings``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from gongkai.applications.uploads import Upload
from gongkai.orgs import policies
from gongkai.reports.audit import KINDS, MAX_BYTES
from gongkai.supervision import services
from gongkai.supervision.models import ReportAudit
from gongkai.workbench.forms import BodyForm, submit
from gongkai.workbench.supervision_views import findable_bodies


class ReportAuditForm(BodyForm):
    year = forms.IntegerField(label="年度", min_value=2008)
    file = forms.FileField(
        label="年报文件（HTML、DOCX、PDF或纯文本，20MB以内；不上传则审核该机关在平台上发布的该年度年报）",
        required=False,
    )
    last_year = forms.FileField(label="上一年度年报文件（可选，用于同比与跨年度衔接）", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("file", "last_year"):
            upload = data.get(name)
            if upload is not None and (upload.size or 0) > MAX_BYTES:
                self.add_error(name, "文件超过20MB，无法审核。")
        return data


def _upload(f: Any) -> Upload | None:
    return None if f is None else Upload(name=f.name or "", data=f.read())


@login_required
def report_audits(request: HttpRequest) -> HttpResponse:
    offices = policies.offices_supervised(request.user)
    if not offices:
        raise Http404("年报审核由督查机关进行。")
    orgs = findable_bodies(request)
    form = ReportAuditForm(orgs=orgs, prefix="audit", initial={"year": timezone.localdate().year - 1})
    if request.method == "POST":
        form = ReportAuditForm(request.POST, request.FILES, orgs=orgs, prefix="audit")
        created: list[ReportAudit] = []

        def run(data: dict[str, Any]) -> str:
            record = services.report_audit(
                actor=request.user,
                org=data["org"],
                year=data["year"],
                upload=_upload(data.get("file")),
                last_year=_upload(data.get("last_year")),
            )
            created.append(record)
            return f"已审核{record.org.name}{record.year}年度年报：发现{record.finding_count}处问题。"

        if submit(request, form, "未审核", run):
            return redirect("workbench:report_audit", pk=created[0].pk)
    audits = ReportAudit.objects.filter(office__in=offices).select_related("org", "audited_by")[:200]
    return render(
        request, "workbench/supervision/report_audits.html", {"form": form, "audits": audits, "nav": "supervision"}
    )


@login_required
def report_audit(request: HttpRequest, pk: int) -> HttpResponse:
    offices = policies.offices_supervised(request.user)
    record = ReportAudit.objects.filter(pk=pk, office__in=offices).select_related("org", "audited_by").first()
    if record is None:
        raise Http404("没有这份审核记录，或您不能查看。")
    findings = [{**f, "kind_label": KINDS.get(f["kind"], f["kind"])} for f in record.findings]
    return render(
        request,
        "workbench/supervision/report_audit.html",
        {"audit": record, "findings": findings, "nav": "supervision"},
    )
