"""The staff side of 依申请公开: the inbox, registering an application, handling it step by step,
letters, reconsideration and litigation. Views parse input, call one service or selector, render."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from gongkai.applications import access, disclosed, exports, letters, proactive, selectors, services, workflow
from gongkai.applications.downloads import letter_response
from gongkai.applications.models import (
    OPEN_STATES,
    Appeal,
    AppealKind,
    AppealResult,
    ApplicantType,
    Application,
    ApplicationFile,
    DeliveryForm,
    DeliveryWay,
    Letter,
    LetterKind,
    LetterTemplate,
    Pause,
    ReplyDocument,
    State,
    Timeliness,
)
from gongkai.applications.outcomes import BY_CODE, OUTCOMES, REPLY_TYPES
from gongkai.applications.receipt import CHANNEL_LABELS, Channel
from gongkai.applications.uploads import from_files
from gongkai.catalogue.models import Vocabulary
from gongkai.catalogue.selectors import current_terms
from gongkai.core import audit
from gongkai.core.errors import ApplicationError, NotFound
from gongkai.core.formfields import MultiFileField
from gongkai.core.numbers import parse_int
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import org_by_slug
from gongkai.reports.downloads import XLSX_TYPE


def _application(request: HttpRequest, pk: int) -> Application:
    try:
        return selectors.staff_application(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """One body's open applications. The body is one the user works at or oversees; a supervisor
    reaches the bodies below it from the overview of its subtree (read-only, masked)."""
    orgs = policies.orgs_of(request.user)
    if not orgs:
        return render(request, "workbench/no_roles.html", status=403)
    slug = request.GET.get("org", "")
    org = next((o for o in orgs if o.slug == slug), None)
    if org is None and slug:
        found = org_by_slug(slug)
        org = found if found is not None and policies.can(request.user, "application.read", found) else None
    org = org or orgs[0]
    if org not in orgs:
        orgs = [*orgs, org]
    state = request.GET.get("state", "")
    try:
        page = parse_int(request.GET.get("page") or 1, label="页码", lo=1, hi=100_000)
    except ApplicationError:
        page = 1
    rows, total = selectors.inbox(request.user, org, page=page, state=state)
    pages = max((total + 29) // 30, 1)
    return render(
        request,
        "workbench/applications/inbox.html",
        {
            "orgs": orgs,
            "org": org,
            "rows": rows,
            "total": total,
            "page": page,
            "pages": pages,
            "state": state,
            "states": [(s, label) for s, label in State.choices if s in OPEN_STATES],
            "can_register": policies.can(request.user, "application.register", org),
            "can_edit_letters": policies.can(request.user, "letters.edit", org),
            "overview": selectors.oversight_overview(request.user),
            "conversions": selectors.proactive_conversions(org, timezone.localdate().year),
            "today": timezone.localdate(),
            "nav": "applications",
        },
    )


class RegisterForm(forms.Form):
    org = forms.ModelChoiceField(label="受理机关", queryset=Organisation.objects.none())
    channel = forms.ChoiceField(label="申请渠道", choices=[(c.value, CHANNEL_LABELS[c]) for c in Channel])
    oral = forms.BooleanField(label="口头提出，由工作人员代为填写（第二十九条）", required=False)
    submitted_on = forms.DateField(
        label="提交日期（当面提交）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    signed_for_on = forms.DateField(
        label="签收日期（邮寄）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    confirmed_on = forms.DateField(
        label="确认日期（平常信函、传真、互联网）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    applicant_type = forms.ChoiceField(label="申请人类型", choices=ApplicantType.choices)
    applicant_name = forms.CharField(label="姓名或者名称", max_length=100)
    id_number = forms.CharField(label="身份证号码或统一社会信用代码", max_length=30)
    contact_person = forms.CharField(label="联系人", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=30)
    email = forms.CharField(label="电子邮箱", max_length=254, required=False)
    address = forms.CharField(label="通信地址", max_length=200, required=False)
    postcode = forms.CharField(label="邮政编码", max_length=6, required=False)
    description = forms.CharField(label="所需政府信息的描述", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    doc_number_hint = forms.CharField(label="文号", max_length=100, required=False)
    delivery_form = forms.ChoiceField(label="获取信息的形式", choices=DeliveryForm.choices)
    delivery_way = forms.ChoiceField(label="获取信息的方式、途径", choices=DeliveryWay.choices)
    secret = forms.CharField(
        label="查询密码（可选，由申请人设定）",
        required=False,
        max_length=64,
        widget=forms.PasswordInput(render_value=False),
    )
    attachments = MultiFileField(label="申请材料扫描件（可选）", required=False)

    def __init__(self, *args: Any, orgs: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = cast(forms.ModelChoiceField, self.fields["org"])
        org_field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in orgs])
        if len(orgs) == 1:
            self.fields["org"].initial = orgs[0]


@login_required
def register(request: HttpRequest) -> HttpResponse:
    orgs = policies.orgs_where(request.user, "application.register")
    if not orgs:
        messages.error(request, "您没有登记政府信息公开申请的权限。")
        return redirect("workbench:applications")
    form = RegisterForm(request.POST or None, request.FILES or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = services.register(
                actor=request.user,
                org=d["org"],
                channel=d["channel"],
                applicant={k: d.get(k, "") for k in services.APPLICANT_FIELDS},
                submitted_on=d["submitted_on"],
                signed_for_on=d["signed_for_on"],
                confirmed_on=d["confirmed_on"],
                oral=d["oral"],
                secret=d["secret"],
                uploads=from_files(d["attachments"]),
            )
        except ApplicationError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            messages.success(request, f"申请已登记，查询码 {result.application.tracking_code}。")
            return redirect("workbench:application", pk=result.application.pk)
    return render(request, "workbench/applications/register.html", {"form": form, "nav": "applications"})


def _detail_context(request: HttpRequest, app: Application, revealed: dict[str, str] | None = None) -> dict[str, Any]:
    user = request.user
    actions = [t for t in workflow.transitions_from(app.state) if policies.can(user, t.permission, app.org)]
    if app.extension_proposed_days:
        actions = [t for t in actions if t.action != "propose_extension"]
    else:
        actions = [t for t in actions if t.action not in ("approve_extension", "decline_extension")]
    if app.extension_days:
        actions = [t for t in actions if t.action != "propose_extension"]
    # Art. 35 and Art. 32 steps are offered only when they can apply.
    hidden = set()
    if app.art35_asked_on:
        hidden.add("ask_reasons")
    else:
        hidden |= {"record_reasons", "set_longer_period"}
    if app.art35_due:
        hidden.add("set_longer_period")
    if not app.pauses.filter(objected=True, disclosed_over_objection_on__isnull=True).exists():
        hidden.add("disclose_over_objection")
    actions = [t for t in actions if t.action not in hidden]
    return {
        "app": app,
        "masked": selectors.masked(app),
        "revealed": revealed,
        "can_reveal": policies.can(user, "application.reveal", app.org),
        "can_unlock": app.track_locked_at is not None and policies.can(user, "application.handle", app.org),
        "can_reset_secret": policies.can(user, "application.handle", app.org),
        "can_make_proactive": app.outcome in ("GRANT", "PARTIAL")
        and app.proactive_document_id is None
        and policies.can(user, "application.handle", app.org)
        and policies.can(user, "document.create", app.org),
        "topics": current_terms(Vocabulary.TOPIC) if app.outcome in ("GRANT", "PARTIAL") else [],
        "proactive_bases": proactive.BASES,
        "reply": {"withheld": []},
        "withheld_rows": range(3),
        "actions": {t.action: t for t in actions},
        "reply_types": [(k, v[0], [(c, BY_CODE[c].label) for c in v[1]]) for k, v in REPLY_TYPES.items()],
        "pauses": app.pauses.all(),
        "files": app.files.all(),
        "documents": app.reply_documents.select_related("item__org"),
        "can_attach": app.state in disclosed.EDITABLE_STATES and policies.can(user, "application.handle", app.org),
        "can_open_files": policies.can(user, "application.reply_files", app.org),
        "letters": app.letters.all(),
        "appeals": app.appeals.all(),
        "appeal_kinds": AppealKind.choices,
        "appeal_results": AppealResult.choices,
        "can_record_appeal": policies.can(user, "appeal.record", app.org) and app.replied_on is not None,
        "history": [(e, audit.ACTION_LABELS.get(e.action, e.action)) for e in audit.history_for(app)],
        "earlier": selectors.applicant_history(user, app),
        "similar": selectors.similar_applications(app),
        "monthly": selectors.monthly_count(app),
        "outcome": BY_CODE.get(app.outcome),
        "pause_kinds": [(Pause.Kind.THIRD_PARTY, "第三方"), (Pause.Kind.AGENCY, "其他机关")],
        "today": timezone.localdate(),
        "nav": "applications",
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = _application(request, pk)
    return render(request, "workbench/applications/detail.html", _detail_context(request, app))


@login_required
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    app = _application(request, pk)
    try:
        data = services.reveal_personal_data(
            actor=request.user, application=app, reason=request.POST.get("reason", "")[:200]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workbench:application", pk=app.pk)
    response = render(request, "workbench/applications/detail.html", _detail_context(request, app, revealed=data))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def make_proactive(request: HttpRequest, pk: int) -> HttpResponse:
    """Art. 44: the replied information becomes a catalogue draft."""
    app = _application(request, pk)
    p = request.POST
    try:
        doc = proactive.convert(
            actor=request.user,
            application=app,
            basis=p.get("basis", ""),
            title=p.get("title", "")[:500],
            topic=p.get("topic", "")[:20],
            summary=p.get("summary", "")[:2000],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workbench:application", pk=app.pk)
    messages.success(request, "已转为主动公开信息草稿，请补充内容并送审后发布（第二十六条：20个工作日内公开）。")
    return redirect("workbench:document", pk=doc.pk)


@login_required
@require_POST
def reset_code(request: HttpRequest, pk: int) -> HttpResponse:
    """A one-time code for an applicant who lost the secret and has no e-mail: shown once, here, to
    be read out on the phone number given in the application (never stored in the clear)."""
    app = _application(request, pk)
    try:
        code = access.issue_reset_code(actor=request.user, application=app)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workbench:application", pk=app.pk)
    context = _detail_context(request, app)
    context["reset_code"] = code
    response = render(request, "workbench/applications/detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def unlock_tracking(request: HttpRequest, pk: int) -> HttpResponse:
    app = _application(request, pk)
    try:
        access.unlock_by_staff(actor=request.user, application=app)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "查询码已解除锁定。")
    return redirect("workbench:application", pk=app.pk)


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    app = _application(request, pk)
    if action not in workflow.BY_ACTION:
        raise Http404("没有这个操作。")
    p = request.POST
    params: dict[str, Any] = {"reason": p.get("reason", "")[:2000]}
    if p.get("on"):
        on = _date(p["on"])
        if on is None:
            messages.error(request, "日期格式不正确。")
            return redirect("workbench:application", pk=app.pk)
        params["on"] = on
    if action == "request_correction":
        params.update(items=p.get("items", "")[:2000], period=p.get("period") or 15)
    elif action == "receive_correction":
        params.update(text=p.get("text", "")[:5000])
    elif action == "consult":
        params.update(party=p.get("party", "")[:200], kind=p.get("kind", "third_party"))
    elif action == "end_consultation":
        params.update(opinion=p.get("opinion", "")[:5000], objected=p.get("objected") == "1")
    elif action == "ask_reasons":
        params.update(period=p.get("period") or 10)
    elif action == "record_reasons":
        params.update(text=p.get("text", "")[:5000])
    elif action == "set_longer_period":
        params.update(until=_date(p.get("until", "")))
    elif action == "disclose_over_objection":
        params.update(content=p.get("content", "")[:2000])
    elif action == "propose_extension":
        params.update(days=p.get("days") or 0)
    elif action == "fee_notice":
        params.update(pages=p.get("pages") or None)
    elif action == "reply":
        withheld = [
            {"item": item, "reason": reason}
            for item, reason in zip(p.getlist("withheld_item"), p.getlist("withheld_reason"), strict=False)
            if item.strip() or reason.strip()
        ]
        params.update(
            reply_type=p.get("reply_type", ""),
            outcome=p.get("outcome", ""),
            text=p.get("text", "")[:20000],
            withheld=withheld or None,
            competent_body=p.get("competent_body", "")[:200],
            competent_unknown=p.get("competent_unknown") == "1",
            query_law=p.get("query_law", "")[:200],
            query_where=p.get("query_where", "")[:200],
        )
    elif action == "not_gi":
        params.update(text=p.get("text", "")[:5000])
    try:
        # Plain integers only; each step checks its own range (and says so with its own code).
        for key, label in (("days", "延长工作日数"), ("period", "补正期限"), ("pages", "页数")):
            if key in params and params[key] not in (None, ""):
                params[key] = parse_int(params[key], label=label, lo=-services.WIDE, hi=services.WIDE, field=key)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workbench:application", pk=app.pk)
    if action == "reply":
        # Issue 18 §6: a reply goes out only after the clerk has seen the letter as it will be sent
        # and confirmed it; a confirmation of a text that has changed since is shown again. Going
        # back, or a refusal, shows the form again with what was typed.
        if p.get("back") == "1":
            return _reply_form_again(request, app, error="")
        try:
            shown = services.preview(actor=request.user, application=app, action=action, **params)
        except ApplicationError as exc:
            return _reply_form_again(request, app, error=exc.message)
        digest = "".join(letter.digest for letter in shown)
        if p.get("confirmed") != "1" or p.get("digest") != digest:
            changed = p.get("confirmed") == "1"
            return _reply_preview(request, app, shown, digest, changed=changed)
    try:
        services.transition(actor=request.user, application=app, action=action, **params)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{workflow.BY_ACTION[action].label}。")
    return redirect("workbench:application", pk=app.pk)


def _reply_form_again(request: HttpRequest, app: Application, *, error: str) -> HttpResponse:
    p = request.POST
    context = _detail_context(request, app)
    context["reply"] = {
        "reply_type": p.get("reply_type", ""),
        "outcome": p.get("outcome", ""),
        "text": p.get("text", ""),
        "competent_body": p.get("competent_body", ""),
        "competent_unknown": p.get("competent_unknown") == "1",
        "query_law": p.get("query_law", ""),
        "query_where": p.get("query_where", ""),
        "on": p.get("on", ""),
        "withheld": list(zip(p.getlist("withheld_item"), p.getlist("withheld_reason"), strict=False)),
    }
    context["reply_error"] = error
    return render(request, "workbench/applications/detail.html", context, status=400 if error else 200)


def _reply_preview(
    request: HttpRequest, app: Application, shown: list[services.LetterPreview], digest: str, *, changed: bool
) -> HttpResponse:
    # Everything the clerk typed goes back as hidden fields, so the confirmation issues exactly it.
    fields = [
        (key, value)
        for key in request.POST
        if key not in ("csrfmiddlewaretoken", "confirmed", "digest", "back")
        for value in request.POST.getlist(key)
    ]
    response = render(
        request,
        "workbench/applications/reply_preview.html",
        {
            "app": app,
            "letters": [letters.masked_preview(app, letter, selectors.masked(app)) for letter in shown],
            "fields": fields,
            "digest": digest,
            "changed": changed,
            "documents": app.reply_documents.select_related("item"),
            "nav": "applications",
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def reply_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the information a reply provides: uploaded files, or a published catalogue item."""
    app = _application(request, pk)
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
    app = _application(request, pk)
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
