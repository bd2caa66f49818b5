"""The staff workbench. Views parse input, call one service or selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.applications import selectors as application_selectors
from gongkai.calendars.counting import DeadlineResult
from gongkai.catalogue import interpretation, selectors, services, workflow
from gongkai.catalogue.models import Attachment, Document, DocumentState
from gongkai.core.errors import ApplicationError, NotFound
from gongkai.orgs import policies
from gongkai.reports import selectors as report_selectors
from gongkai.workbench.forms import AttachmentForm, DocumentForm
from gongkai.workbench.step_forms import raw_params, step_form


def _document(request: HttpRequest, pk: int) -> Document:
    try:
        return selectors.staff_document(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _apply_error(form: DocumentForm, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not policies.is_staff_user(user):
        return render(request, "workbench/no_roles.html", status=403)
    extensions = application_selectors.awaiting_head(user)
    reports_to_approve = report_selectors.awaiting_approval(user)
    return render(
        request,
        "workbench/dashboard.html",
        {
            "counts": selectors.state_counts(user),
            "states": DocumentState.choices,
            "at_risk": selectors.at_risk_documents(user)[:10],
            "memberships": policies.memberships_of(user),
            "can_create": bool(policies.orgs_where(user, "document.create")),
            # What waits for the head of the disclosure office (Art. 33(2) extensions; reports).
            "extensions": extensions,
            "reports_to_approve": reports_to_approve,
            "awaiting_count": len(extensions) + len(reports_to_approve),
            "awaiting_interpretation": interpretation.awaiting_count(user),
            "nav": "home",
        },
    )


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.staff_documents(request.user)
    state = request.GET.get("state", "")
    if state in DocumentState.values:
        qs = qs.filter(state=state)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(title__icontains=q)
    page = Paginator(qs.order_by("-updated_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "workbench/document_list.html",
        {"page": page, "state": state, "q": q, "states": DocumentState.choices, "nav": "docs"},
    )


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    orgs = policies.orgs_where(request.user, "document.create")
    if not orgs:
        messages.error(request, "您没有新建政府信息的权限。")
        return redirect("workbench:dashboard")
    initial: dict[str, object] = {"formed_date": timezone.localdate()}
    policy_ref = request.GET.get("interprets", "").strip()[:40]
    if policy_ref:  # from the 政策解读 to-do list: a new interpretation of this policy
        initial.update(interprets=policy_ref, interpretation_form="text", interpreter="official")
    form = DocumentForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.document_create(actor=request.user, org=form.cleaned_data["org"], **form.service_fields())
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "草稿已保存。")
            return redirect("workbench:document", pk=doc.pk)
    return render(request, "workbench/document_form.html", {"form": form, "title": "新建政府信息"})


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    if not policies.can(request.user, "document.edit", doc.org) or doc.state != DocumentState.DRAFT:
        messages.error(request, "只有本机关公开专员可以修改草稿。")
        return redirect("workbench:document", pk=doc.pk)
    form = DocumentForm(request.POST or None, instance=doc)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(actor=request.user, document=doc, **form.service_fields())
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "修改已保存。")
            return redirect("workbench:document", pk=doc.pk)
    return render(request, "workbench/document_form.html", {"form": form, "title": f"修改：{doc.title}", "doc": doc})


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    actions = [t for t in workflow.transitions_from(doc.state) if policies.can(request.user, t.permission, doc.org)]
    if doc.validity == "repealed":
        actions = [t for t in actions if t.action != "revoke"]
    return render(
        request,
        "workbench/document_detail.html",
        {
            "doc": doc,
            "actions": actions,
            "step_forms": [step_form(t) for t in actions],
            "history": selectors.document_history(doc),
            "interpretations": selectors.interpretations_seen_by(request.user, doc),
            "can_edit": doc.state == DocumentState.DRAFT and policies.can(request.user, "document.edit", doc.org),
            "attachment_form": AttachmentForm(),
            "due_explanation": _explain(doc),
            "nav": "docs",
        },
    )


def _explain(doc: Document) -> str:
    data = doc.publish_due_explanation
    return "公开期限：" + DeadlineResult.from_dict(data).explain() if data else ""


@login_required
@require_POST
def document_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    doc = _document(request, pk)
    step = workflow.transition_for(action, doc.state) or workflow.DOCUMENT.by_action.get(action)
    if step is None:
        raise Http404("没有这个操作。")
    try:
        services.document_transition(actor=request.user, document=doc, action=action, **raw_params(step, request.POST))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{step.label}。")
    return redirect("workbench:document", pk=doc.pk)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件。")
        return redirect("workbench:document", pk=doc.pk)
    upload = form.cleaned_data["file"]
    try:
        services.attachment_add(actor=request.user, document=doc, name=upload.name, data=upload.read())
    except ApplicationError as exc:
        messages.error(request, f"上传失败：{exc.message}")
    else:
        messages.success(request, f"附件“{upload.name}”已上传。")
    return redirect("workbench:document", pk=doc.pk)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    att = Attachment.objects.filter(pk=pk, document__in=selectors.staff_documents(request.user)).first()
    if att is None:
        raise Http404("附件不存在。")
    try:
        services.attachment_remove(actor=request.user, attachment=att)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "附件已删除。")
    return redirect("workbench:document", pk=att.document_id)


@login_required
def at_risk(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/at_risk.html", {"rows": selectors.at_risk_documents(request.user), "nav": "risk"})
