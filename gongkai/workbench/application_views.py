"""The staff side of 依申请公开: the inbox, registering an application, handling it step by step,
letters, reconsideration and litigation. Views parse input, call one service or selector, render."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.applications import access, disclosed, letters, proactive, selectors, services, workflow
from gongkai.applications.models import (
    OPEN_STATES,
    AppealKind,
    AppealResult,
    ApplicantType,
    Application,
    DeliveryForm,
    DeliveryWay,
    State,
)
from gongkai.applications.outcomes import BY_CODE
from gongkai.applications.receipt import CHANNEL_LABELS, Channel
from gongkai.applications.uploads import from_files
from gongkai.catalogue.models import Vocabulary
from gongkai.catalogue.selectors import current_terms
from gongkai.core import audit
from gongkai.core.errors import ApplicationError, NotFound
from gongkai.core.formfields import MultiFileField
from gongkai.core.numbers import parse_int
from gongkai.core.workflow import Transition
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import org_by_slug
from gongkai.workbench.step_forms import raw_params, step_form


def staff_case(request: HttpRequest, pk: int) -> Application:
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
        org_field = cast("forms.ModelChoiceField[Organisation]", self.fields["org"])
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
    steps = selectors.steps_open_to(user, app)
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
        "actions": steps,
        "step_forms": [step_form(t, record=app) for t in steps],
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
        "today": timezone.localdate(),
        "nav": "applications",
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = staff_case(request, pk)
    return render(request, "workbench/applications/detail.html", _detail_context(request, app))


@login_required
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    app = staff_case(request, pk)
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
    app = staff_case(request, pk)
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
    app = staff_case(request, pk)
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
    app = staff_case(request, pk)
    try:
        access.unlock_by_staff(actor=request.user, application=app)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "查询码已解除锁定。")
    return redirect("workbench:application", pk=app.pk)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    app = staff_case(request, pk)
    step = workflow.BY_ACTION.get(action)
    if step is None:
        raise Http404("没有这个操作。")
    params = raw_params(step, request.POST)
    if step.confirm:
        # Issue 18 §6: such a step (the reply) is taken only after the clerk has seen its letter as
        # it will be sent and confirmed it; a confirmation of a text that has changed since is shown
        # again. Going back, or a refusal, shows the form again with what was typed.
        if request.POST.get("back") == "1":
            return _form_again(request, app, step, error="")
        try:
            shown = services.preview(actor=request.user, application=app, action=action, **params)
        except ApplicationError as exc:
            return _form_again(request, app, step, error=exc.message)
        digest = "".join(letter.digest for letter in shown)
        if request.POST.get("confirmed") != "1" or request.POST.get("digest") != digest:
            changed = request.POST.get("confirmed") == "1"
            return _letter_preview(request, app, step, shown, digest, changed=changed)
    try:
        services.transition(actor=request.user, application=app, action=action, **params)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{step.label}。")
    return redirect("workbench:application", pk=app.pk)


def _form_again(request: HttpRequest, app: Application, step: Transition, *, error: str) -> HttpResponse:
    """The case page with this step's form holding what was typed (and the refusal, if any)."""
    context = _detail_context(request, app)
    context["step_forms"] = [
        step_form(t, request.POST, error=error) if t.action == step.action else f
        for t, f in zip(context["actions"], context["step_forms"], strict=True)
    ]
    return render(request, "workbench/applications/detail.html", context, status=400 if error else 200)


def _letter_preview(
    request: HttpRequest,
    app: Application,
    step: Transition,
    shown: list[services.LetterPreview],
    digest: str,
    *,
    changed: bool,
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
            "action": step.action,
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
