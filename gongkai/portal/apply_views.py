"""The public side of 依申请公开: apply online, receive the tracking code, follow the case, read the
letters and send a correction. Access to a case is by tracking code plus the applicant's secret
(never by a number in the address); a verified case is remembered in the session only.

Over 400 lines on purpose: the applicant's pages share one access check and one session memory,
which a split would spread over several modules.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongkai.applications import access, selectors, services, workflow
from gongkai.applications.downloads import letter_response
from gongkai.applications.models import (
    ApplicantType,
    Application,
    DeliveryForm,
    DeliveryWay,
    Letter,
    Satisfaction,
)
from gongkai.applications.secret_rules import MIN_LENGTH as MIN_SECRET
from gongkai.applications.uploads import MAX_FILES, from_files
from gongkai.core import antiabuse, ratelimit
from gongkai.core.errors import ApplicationError
from gongkai.core.formfields import MultiFileField
from gongkai.orgs.selectors import org_by_slug

SESSION_KEY = "gongkai_applicant_cases"
T = TypeVar("T")
log = logging.getLogger(__name__)


class SecretPairForm(forms.Form):
    """A form where the applicant types a secret twice: plain Chinese messages, and the two must match."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_messages(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("secret") and data.get("secret") != data.get("secret2"):
            self.add_error("secret2", "两次输入的查询密码不一致。")
        return data


class ApplyForm(SecretPairForm):
    applicant_type = forms.ChoiceField(label="申请人类型", choices=ApplicantType.choices, initial=ApplicantType.NATURAL)
    applicant_name = forms.CharField(label="姓名或者名称", max_length=100)
    id_number = forms.CharField(
        label="身份证号码或统一社会信用代码",
        max_length=30,
        help_text="自然人填写居民身份证号码；法人或其他组织填写统一社会信用代码。",
    )
    contact_person = forms.CharField(label="联系人", max_length=50, required=False, help_text="法人或其他组织必填。")
    phone = forms.CharField(label="联系电话", max_length=30)
    email = forms.CharField(
        label="电子邮箱", max_length=254, required=False, help_text="填写后，答复等文书出具时会邮件通知您。"
    )
    address = forms.CharField(label="通信地址", max_length=200, required=False)
    postcode = forms.CharField(label="邮政编码", max_length=6, required=False)
    description = forms.CharField(
        label="所需政府信息的名称、文号或者便于查询的其他特征性描述",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    doc_number_hint = forms.CharField(label="文号（如知道）", max_length=100, required=False)
    delivery_form = forms.ChoiceField(label="获取信息的形式", choices=DeliveryForm.choices)
    delivery_way = forms.ChoiceField(label="获取信息的方式、途径", choices=DeliveryWay.choices)
    attachments = MultiFileField(label=f"附件（可选，最多{MAX_FILES}个：PDF、JPG、PNG、DOCX、TXT）", required=False)
    secret = forms.CharField(
        label="设置查询密码",
        widget=forms.PasswordInput(render_value=False),
        min_length=MIN_SECRET,
        max_length=64,
        help_text="至少8个字符。凭查询码和查询密码查询办理进度、查看答复、提交补正，请牢记。",
    )
    secret2 = forms.CharField(label="再次输入查询密码", widget=forms.PasswordInput(render_value=False), max_length=64)
    challenge_answer = forms.CharField(label="验证问题", max_length=10)
    challenge_token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(
        required=False, label="请勿填写此项", widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )

    def applicant(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k, "") for k in services.APPLICANT_FIELDS}


def plain_messages(form: forms.Form) -> None:
    """Django's stock messages ("确保该值不超过…") replaced by ones that name the field in plain words."""
    for field in form.fields.values():
        label = str(field.label or "该项")
        required = f"请{label}。" if label.startswith(("设置", "再次")) else f"请填写{label}。"
        if label == "验证问题":
            required = "请回答验证问题。"
        field.error_messages.update(
            {
                "required": required,
                "max_length": f"{label}最多%(limit_value)d个字，现在是%(show_value)d个。",
                "min_length": f"{label}至少%(limit_value)d个字，现在是%(show_value)d个。",
                "invalid_choice": f"请从列表中选择{label}。",
                "invalid": f"{label}的格式不正确。",
                "null_characters_not_allowed": f"{label}中有无法保存的字符，请删除后重新填写。",
            }
        )
        # Django's length validators carry their own copy of the message, and are shared between
        # copies of a form's fields: replace them with copies that carry ours.
        field.validators = [_with_message(v, field.error_messages) for v in field.validators]


def _with_message(validator: Any, messages: dict[str, Any]) -> Any:
    code = getattr(validator, "code", None)
    if code not in messages:
        return validator
    mine = copy.copy(validator)
    mine.message = messages[code]
    return mine


class TrackForm(forms.Form):
    tracking_code = forms.CharField(label="查询码", max_length=20)
    secret = forms.CharField(label="查询密码", widget=forms.PasswordInput, max_length=64)


class CorrectionForm(forms.Form):
    text = forms.CharField(label="补正内容", widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000)
    attachments = MultiFileField(label="补正材料（可选）", required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回理由（可选）", required=False, max_length=500)
    confirm = forms.BooleanField(
        label="我确认撤回本申请，撤回后本机关终止处理", error_messages={"required": "请勾选确认。"}
    )


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label="您对本次申请的办理是否满意？",
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意、基本满意或不满意。"},
    )
    comment = forms.CharField(
        label="意见和建议（可选）", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class RecoverByMailForm(forms.Form):
    tracking_code = forms.CharField(label="查询码", max_length=20)
    email = forms.CharField(label="申请时填写的电子邮箱", max_length=254)


class NewSecretForm(SecretPairForm):
    secret = forms.CharField(
        label="新的查询密码",
        widget=forms.PasswordInput(render_value=False),
        min_length=MIN_SECRET,
        max_length=64,
        help_text="至少8个字符，不要使用身份证号码或电话号码。",
    )
    secret2 = forms.CharField(
        label="再次输入新的查询密码", widget=forms.PasswordInput(render_value=False), max_length=64
    )


class ResetByCodeForm(NewSecretForm):
    tracking_code = forms.CharField(label="查询码", max_length=20)
    reset_code = forms.CharField(label="重置码（受理机关电话告知）", max_length=20)
    field_order = ["tracking_code", "reset_code", "secret", "secret2"]


def report_script_check(form: forms.Form) -> None:
    """On a form with errors, report the check against scripts too ("提交过快", a wrong answer), so
    that every error shows at once rather than after the others are mended."""
    try:
        antiabuse.check(
            form.data.get("challenge_token", ""), form.data.get("challenge_answer", ""), form.data.get("website", "")
        )
    except ApplicationError as exc:
        if not form.has_error("challenge_answer"):
            field_error(form, exc)
        elif exc.code != "challenge_wrong":  # an empty answer is reported already
            form.add_error(None, exc.message)


def fresh_challenge(form: forms.Form) -> str:
    """Put a new question in the form (a challenge is used once) and return it; the answer typed
    before is cleared."""
    question, token = antiabuse.new_challenge()
    data = form.data.copy() if isinstance(form.data, QueryDict) else None
    if data is not None:
        data["challenge_token"] = token
        data["challenge_answer"] = ""
        form.data = data
    else:
        form.initial["challenge_token"] = token
    return question


def field_error(form: forms.Form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    if exc.field == "challenge":
        field = "challenge_answer"
    elif exc.field == "files":  # the uploads' checks name the files; the form's field is attachments
        field = "attachments"
    form.add_error(field, exc.message)


def apply(request: HttpRequest, slug: str) -> HttpResponse:
    org = org_by_slug(slug)
    if org is None:
        raise Http404("没有这个机构。")
    who = ratelimit.client_address(request)
    form = ApplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if ratelimit.exceeded("apply", who, settings.GONGKAI_APPLY_RATE_PER_HOUR):
            form.add_error(None, "您提交申请过于频繁，请一小时后再试。已提交的申请不受影响。")
            status = 429
        elif not form.is_valid():
            report_script_check(form)
            status = 400
        else:
            try:
                antiabuse.verify(
                    form.cleaned_data["challenge_token"],
                    form.cleaned_data["challenge_answer"],
                    form.cleaned_data["website"],
                )
                ratelimit.hit("apply", who)
                result = services.submit_online(
                    org=org,
                    applicant=form.applicant(),
                    secret=form.cleaned_data["secret"],
                    uploads=from_files(form.cleaned_data["attachments"]),
                )
            except ApplicationError as exc:
                field_error(form, exc)
                status = 400
            except Exception:
                # Issue 4 §10: the submission is atomic, so on any failure nothing was saved; say so.
                log.exception("online application to %s failed", org.slug)
                form.add_error(None, "系统故障，您的申请没有提交成功，也没有保存任何内容。请稍后重新提交。")
                status = 500
            else:
                _remember(request, result.application)
                request.session["gongkai_just_submitted"] = result.application.pk
                return redirect("portal:apply_done")
    question = fresh_challenge(form)
    return render(
        request,
        "portal/apply/form.html",
        {
            "org": org,
            "form": form,
            "question": question,
            "section": "apply",
            "error_count": len(form.non_field_errors()) + sum(len(f.errors) for f in form.visible_fields()),
        },
        status=status,
    )


def _remember(request: HttpRequest, app: Application) -> None:
    cases = list(request.session.get(SESSION_KEY, []))
    if app.pk not in cases:
        cases.append(app.pk)
    request.session[SESSION_KEY] = cases[-20:]


def _case(request: HttpRequest) -> Application | None:
    cases = request.session.get(SESSION_KEY, [])
    pk = request.session.get("gongkai_current_case") or (cases[-1] if cases else None)
    if pk is None or pk not in cases:
        return None
    return Application.objects.select_related("org").filter(pk=pk).first()


def apply_done(request: HttpRequest) -> HttpResponse:
    pk = request.session.get("gongkai_just_submitted")
    app = Application.objects.select_related("org").filter(pk=pk).first() if pk else None
    if app is None:
        return redirect("portal:apply_track")
    return render(request, "portal/apply/done.html", {"app": app, "org": app.org, "section": "apply"})


def sign_in_with_code(request: HttpRequest, form: TrackForm, verify: Callable[[str, str], T]) -> tuple[T | None, int]:
    """Check a tracking code and password sent with ``form``: the record, or None with the page's
    status (a failure counts against the address, and too many in an hour stop it for a while)."""
    if request.method != "POST" or not form.is_valid():
        return None, 200
    who = ratelimit.client_address(request)
    if ratelimit.exceeded("track-fail", who, settings.GONGKAI_TRACK_FAILURES_PER_HOUR):
        form.add_error(None, "查询失败次数过多，请一小时后再试。")
        return None, 429
    try:
        return verify(form.cleaned_data["tracking_code"], form.cleaned_data["secret"]), 200
    except ApplicationError as exc:
        ratelimit.hit("track-fail", who)
        form.add_error(None, exc.message)
        return None, 403


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    app, status = sign_in_with_code(request, form, access.verify_applicant)
    if app is not None:
        _remember(request, app)
        request.session["gongkai_current_case"] = app.pk
        return redirect("portal:apply_status")
    return render(request, "portal/apply/track.html", {"form": form}, status=status)


def _status_context(
    app: Application,
    correction_form: CorrectionForm | None,
    *,
    withdraw_form: WithdrawForm | None = None,
    rating_form: RatingForm | None = None,
) -> dict[str, Any]:
    can_withdraw = workflow.applicant_may("withdraw", app.state)
    can_rate = app.replied_on is not None and app.withdrawn_on is None and app.rated_at is None
    return {
        "app": app,
        "org": app.org,
        "letters": selectors.letters_for_applicant(app),
        "documents": selectors.reply_documents_for_applicant(app),
        "files": app.files.all(),
        "timeline": selectors.applicant_timeline(app),
        "correction_form": correction_form,
        "withdraw_form": (withdraw_form or WithdrawForm()) if can_withdraw else None,
        "rating_form": (rating_form or RatingForm()) if can_rate else None,
        "section": "apply",
    }


def status(request: HttpRequest) -> HttpResponse:
    app = _case(request)
    if app is None:
        return redirect("portal:apply_track")
    form = CorrectionForm() if workflow.applicant_may("submit_correction", app.state) else None
    return render(request, "portal/apply/status.html", _status_context(app, form))


@require_POST
def withdraw(request: HttpRequest) -> HttpResponse:
    """The applicant withdraws the application (撤回): a recorded step that closes the case."""
    app = _case(request)
    if app is None:
        return redirect("portal:apply_track")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.applicant_withdraw(application=app, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "申请已撤回，受理机关将不再处理。终止处理告知书见下方文书。")
            return redirect("portal:apply_status")
    app.refresh_from_db()
    correction_form = CorrectionForm() if workflow.applicant_may("submit_correction", app.state) else None
    return render(
        request, "portal/apply/status.html", _status_context(app, correction_form, withdraw_form=form), status=400
    )


@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    app = _case(request)
    if app is None:
        return redirect("portal:apply_track")
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.applicant_rate(
                application=app, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except ApplicationError as exc:
            field_error(form, exc)
        else:
            messages.success(request, "感谢您的评价。")
            return redirect("portal:apply_status")
    app.refresh_from_db()
    return render(request, "portal/apply/status.html", _status_context(app, None, rating_form=form), status=400)


def recover(request: HttpRequest) -> HttpResponse:
    """A lost secret: a link to the e-mail address given in the application, or a reset code that
    the handling body gives by phone (``access``)."""
    who = ratelimit.client_address(request)
    mail_form = RecoverByMailForm(request.POST if request.POST.get("by") == "mail" else None, prefix="mail")
    code_form = ResetByCodeForm(request.POST if request.POST.get("by") == "code" else None, prefix="code")
    context: dict[str, Any] = {"mail_form": mail_form, "code_form": code_form, "section": "apply"}
    status = 200
    if request.method == "POST":
        if ratelimit.exceeded("recover", who, settings.GONGKAI_TRACK_FAILURES_PER_HOUR):
            context["error"] = "尝试次数过多，请一小时后再试。"
            return render(request, "portal/apply/recover.html", context, status=429)
        ratelimit.hit("recover", who)
        if request.POST.get("by") == "mail" and mail_form.is_valid():
            try:
                access.request_secret_reset(mail_form.cleaned_data["tracking_code"], mail_form.cleaned_data["email"])
            except ApplicationError as exc:
                field_error(mail_form, exc)
                status = 400
            else:
                # The same answer whether or not code and address matched.
                context["mail_sent"] = True
        elif request.POST.get("by") == "code" and code_form.is_valid():
            try:
                app = access.reset_with_code(
                    code_form.cleaned_data["tracking_code"],
                    code_form.cleaned_data["reset_code"],
                    code_form.cleaned_data["secret"],
                )
            except ApplicationError as exc:
                field_error(code_form, exc)
                status = 400
            else:
                messages.success(request, f"查询码 {app.tracking_code} 的查询密码已重新设置，请用新密码查询。")
                return redirect("portal:apply_track")
        else:
            status = 400
    return render(request, "portal/apply/recover.html", context, status=status)


def reset(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed for a lost secret: a GET shows the form (mail programs open links to preview
    them; nothing changes), the POST sets the new secret."""
    try:
        app = access.application_for_reset_token(token)
    except ApplicationError as exc:
        return render(request, "portal/apply/reset.html", {"error": exc.message, "section": "apply"}, status=400)
    form = NewSecretForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access.reset_with_token(token, form.cleaned_data["secret"])
        except ApplicationError as exc:
            field_error(form, exc)
        else:
            messages.success(request, f"查询码 {app.tracking_code} 的查询密码已重新设置，请用新密码查询。")
            return redirect("portal:apply_track")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "portal/apply/reset.html", {"form": form, "code": app.tracking_code, "section": "apply"}, status=status
    )


@require_POST
def correction(request: HttpRequest) -> HttpResponse:
    app = _case(request)
    if app is None:
        return redirect("portal:apply_track")
    form = CorrectionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.applicant_submit_correction(
                application=app, text=form.cleaned_data["text"], uploads=from_files(form.cleaned_data["attachments"])
            )
        except ApplicationError as exc:
            field_error(form, exc)
        else:
            messages.success(request, "补正材料已提交。答复期限自收到补正之日起重新计算。")
            return redirect("portal:apply_status")
    app.refresh_from_db()
    return render(request, "portal/apply/status.html", _status_context(app, form), status=400)


def uploaded_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A file the applicant sent with their application or correction: to them only (a case proved
    with code and secret in this session), as a download."""
    app = _case(request)
    record = app.files.filter(pk=pk).first() if app is not None else None
    if record is None:
        raise Http404("没有找到该文件。")
    response = FileResponse(record.file.open("rb"), as_attachment=True, filename=record.filename)
    response["Cache-Control"] = "no-store"
    return response


def reply_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A file the reply provides (Art. 36(2), 37): to the applicant of a case proved with code and
    secret in this session, once the reply has been issued."""
    app = _case(request)
    doc = selectors.reply_documents_for_applicant(app).filter(pk=pk).first() if app is not None else None
    if doc is None:
        raise Http404("没有找到该文件。")
    if doc.item is not None:
        return redirect("portal:item", slug=doc.item.org.slug, pk=doc.item.pk)
    response = FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.title)
    response["Cache-Control"] = "no-store"
    return response


def letter(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    app = _case(request)
    letter = Letter.objects.filter(pk=pk, to_applicant=True).first()
    if app is None or letter is None or letter.application_id != app.pk or fmt not in ("docx", "pdf"):
        raise Http404("没有找到该文书。")
    return letter_response(letter, fmt)


def unlock(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to the applicant when their tracking code was locked. A GET shows a button
    (mail programs open links to preview them); the POST unlocks."""
    context: dict[str, Any] = {"section": "apply"}
    if request.method == "POST":
        try:
            app = access.unlock_with_token(token)
        except ApplicationError as exc:
            context["error"] = exc.message
            return render(request, "portal/apply/unlock.html", context, status=400)
        context.update(done=True, code=app.tracking_code)
    return render(request, "portal/apply/unlock.html", context)


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    for key in (SESSION_KEY, "gongkai_current_case", "gongkai_just_submitted"):
        request.session.pop(key, None)
    return redirect("portal:apply_track")
