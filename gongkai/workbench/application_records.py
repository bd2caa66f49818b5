"""The records around a case in the workbench: the information a reply provides (Art. 36, 37),
reconsideration and litigation (Art. 51), the letters and uploaded files (each opening logged), and
the letter templates of a body."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gongkai.applications import disclosed, letters, selectors, services
from gongkai.applications.downloads import letter_response
from gongkai.applications.models import (
    Appeal,
    ApplicationFile,
    Letter,
    LetterKind,
    LetterTemplate,
    ReplyDocument,
)
from gongkai.applications.uploads import from_files
from gongkai.core.errors import ApplicationError
from gongkai.orgs import policies
from gongkai.workbench.application_views import staff_case


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@require_POST
def reply_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the information a reply provides: uploaded files, or a published catalogue item."""
    app = staff_case(request, pk)
    try:
        if request.POST.get("item", "").strip():
            doc = disclosed.add_item(actor=request.user, application=app, reference=request.POST["item"][:60])
            messages.success(request, f"已附上目录信息“{doc.title}”。")
        else:
            docs = disclosed.add_files(
                actor=request.user, application=app, uploads=from_files(request.FILES.getlist("files"))
            )
            messages.success(request, f"已附上{len(docs)}个文件。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('workbench:application', args=[app.pk])}#reply-documents")


def _reply_document(request: HttpRequest, pk: int) -> ReplyDocument:
    doc = ReplyDocument.objects.select_related("application__org", "item__org").filter(pk=pk).first()
    if doc is None or not policies.can(request.user, "application.read", doc.application.org):
        raise Http404("没有找到该项政府信息。")
    return doc


@login_required
@require_POST
def reply_document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _reply_document(request, pk)
    try:
        disclosed.remove(actor=request.user, document=doc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已移除“{doc.title}”。")
    return redirect(f"{reverse('workbench:application', args=[doc.application_id])}#reply-documents")


@login_required
def reply_document_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    doc = _reply_document(request, pk)
    if doc.item is not None:
        return redirect("portal:item", slug=doc.item.org.slug, pk=doc.item.pk)
    if not policies.can(request.user, "application.reply_files", doc.application.org):
        raise Http404("没有找到该项政府信息。")
    response = FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.title)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def appeal_add(request: HttpRequest, pk: int) -> HttpResponse:
    app = staff_case(request, pk)
    filed_on = _date(request.POST.get("filed_on", ""))
    try:
        if filed_on is None:
            raise ApplicationError("请填写申请或起诉日期。")
        services.appeal_record(
            actor=request.user,
            application=app,
            kind=request.POST.get("kind", ""),
            filed_on=filed_on,
            authority=request.POST.get("authority", ""),
            case_number=request.POST.get("case_number", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记。")
    return redirect("workbench:application", pk=app.pk)


@login_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = Appeal.objects.select_related("application", "org").filter(pk=pk).first()
    if appeal is None or not policies.can(request.user, "application.read", appeal.org):
        raise Http404("没有找到该记录。")
    try:
        services.appeal_decide(
            actor=request.user,
            appeal=appeal,
            result=request.POST.get("result", ""),
            decided_on=_date(request.POST.get("decided_on", "")),
            note=request.POST.get("note", "")[:2000],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "结果已登记。")
    return redirect("workbench:application", pk=appeal.application_id)


@login_required
def letter_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """A letter as a file. Without more, with the applicant's personal data masked (what anyone who
    may read the case sees); in full only by POST with a reason, as a logged reveal."""
    letter = Letter.objects.select_related("application__org").filter(pk=pk).first()
    if (
        letter is None
        or fmt not in ("docx", "pdf")
        or not policies.can(request.user, "application.read", letter.application.org)
    ):
        raise Http404("没有找到该文书。")
    if request.method == "POST":
        try:
            services.reveal_letter(actor=request.user, letter=letter, reason=request.POST.get("reason", ""), fmt=fmt)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("workbench:application", pk=letter.application_id)
        response = letter_response(letter, fmt, download=True)
    else:
        response = letter_response(letters.masked_copy(letter, selectors.masked(letter.application)), fmt)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def upload_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An applicant's uploaded file: it may hold identity papers, so only the handling body's staff
    may open it, with a reason, and each opening is logged as a reveal."""
    record = ApplicationFile.objects.select_related("application__org").filter(pk=pk).first()
    if record is None or not policies.can(request.user, "application.reveal", record.application.org):
        raise Http404("没有找到该文件。")
    app = record.application
    try:
        services.reveal_file(actor=request.user, record=record, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workbench:application", pk=app.pk)
    response = FileResponse(record.file.open("rb"), as_attachment=True, filename=record.filename)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def letter_templates(request: HttpRequest) -> HttpResponse:
    """Administrators edit the fill-in regions of an organisation's letters; the legal wording is
    shown, locked, around them."""
    orgs = policies.orgs_administered(request.user)
    if not orgs:
        messages.error(request, "只有管理员可以编辑文书模板。")
        return redirect("workbench:dashboard")
    slug = request.GET.get("org") or request.POST.get("org", "")
    org = next((o for o in orgs if o.slug == slug), orgs[0])
    kind = request.GET.get("kind") or request.POST.get("kind") or LetterKind.REPLY
    if kind not in LetterKind.values:
        kind = LetterKind.REPLY
    if request.method == "POST":
        regions = {name: request.POST.get(f"region_{name}", "") for name in letters.REGIONS}
        try:
            services.letter_template_save(actor=request.user, org=org, kind=kind, regions=regions)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "文书模板已保存。")
            return redirect(f"{request.path}?org={org.slug}&kind={kind}")
    template = LetterTemplate.objects.filter(org=org, kind=kind).first()
    current = template.regions if template else {}
    skeleton = letters.SKELETONS[kind]
    parts = []
    for para in skeleton.paragraphs:
        region = letters.region_name(para)
        if region:
            parts.append(
                {
                    "region": region,
                    "label": letters.REGIONS[region][0],
                    "text": current.get(region, letters.REGIONS[region][1]),
                }
            )
        elif para == letters.RIGHTS:
            # Shown as this body's letters will read (it names where to apply from its settings).
            parts.append({"locked": letters.rights(skeleton.rights_what, org, skeleton.rights_document)})
        else:
            parts.append({"locked": para})
    return render(
        request,
        "workbench/applications/letter_templates.html",
        {
            "orgs": orgs,
            "org": org,
            "kinds": LetterKind.choices,
            "kind": kind,
            "title": skeleton.title,
            "parts": parts,
            "placeholders": letters.facts_keys(),
            "reply_paragraphs": letters.REPLY_PARAGRAPHS if kind == LetterKind.REPLY else {},
            "rights_unset": not (org.reconsideration_body and org.competent_court),
            "nav": "applications",
        },
    )
