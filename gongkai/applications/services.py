"""Writes to applications. Every function checks the policy (staff) or the applicant's proof (public),
validates, writes inside one transaction, recomputes the deadline, issues the letters the step needs
and leaves an audit event. E-mail goes out only after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone

from gongkai.applications import deadlines, disclosed, letters, notify, selectors, workflow
from gongkai.applications.fees import fee as compute_fee
from gongkai.applications.identity import id_number_problem
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
    Satisfaction,
    State,
    Timeliness,
)
from gongkai.applications.outcomes import BY_CODE, REPLY_TYPES
from gongkai.applications.receipt import Channel, receipt_date
from gongkai.applications.secret_rules import secret_problem
from gongkai.applications.uploads import Upload, check_uploads
from gongkai.calendars.services import CalendarCache, WorkingCalendar
from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.numbers import parse_int
from gongkai.core.text import clean_filename, has_control_characters, strip_control_characters
from gongkai.orgs import policies
from gongkai.orgs.credit_code import credit_code_problem, normalise_credit_code
from gongkai.orgs.models import Organisation

MAX_PAGES = 1_000_000
# Numbers typed into a step are parsed strictly (gongkai.core.numbers) within these bounds; each
# step then checks its own range with its own error code.
WIDE = 10**9
# Alphabet of tracking codes: no 0/O, 1/I/L, so a code read over the phone is not misheard.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

APPLICANT_FIELDS = (
    "applicant_type",
    "applicant_name",
    "id_number",
    "contact_person",
    "phone",
    "email",
    "address",
    "postcode",
    "description",
    "doc_number_hint",
    "delivery_form",
    "delivery_way",
)
# Personal data: kept out of the audit trail's copies (the trail records that it changed, not what to).
PERSONAL_FIELDS = ("applicant_name", "id_number", "contact_person", "phone", "email", "address", "postcode")


def _today() -> dt.date:
    return timezone.localdate()


def new_tracking_code(year: int) -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{year}-{body[:4]}-{body[4:]}"


def applicant_key(applicant_type: str, id_number: str) -> str:
    # Natural persons by ID number, organisations by credit code; hashed so the index holds no ID.
    group = "person" if applicant_type == ApplicantType.NATURAL else "org"
    return hashlib.sha256(f"{group}:{id_number.strip().upper()}".encode()).hexdigest()


def snapshot(app: Application) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: getattr(app, name)
        for name in (
            "state",
            "received_on",
            "clock_start",
            "due_date",
            "extension_days",
            "extension_proposed_days",
            "correction_due",
            "correction_received_on",
            "fee_yuan",
            "fee_due",
            "fee_paid_on",
            "reply_type",
            "outcome",
            "replied_on",
            "timeliness",
            "late_working_days",
            "archived_on",
        )
    }
    return data


# --- validation ---------------------------------------------------------------------------------


def clean_applicant(data: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise the applicant's part of an application (Art. 29). Raises ValidationFailed
    naming the field, in plain Chinese."""
    unknown = set(data) - set(APPLICANT_FIELDS)
    if unknown:
        raise ValidationFailed(f"未知字段：{'、'.join(sorted(unknown))}", code="unknown_field")
    out = {k: str(data.get(k) or "").strip() for k in APPLICANT_FIELDS}
    for name, value in out.items():
        # Control and bidi characters: never typed by a person, and able to make a name or a request
        # read differently from what is stored (U+202E reverses what follows).
        if has_control_characters(value, multiline=name == "description"):
            raise ValidationFailed(
                "填写的内容含有控制字符或文字方向控制符，请删除后重新填写。", code="invalid_characters", field=name
            )
    if out["applicant_type"] not in ApplicantType.values:
        raise ValidationFailed("请选择申请人类型。", code="required", field="applicant_type")
    natural = out["applicant_type"] == ApplicantType.NATURAL
    if not out["applicant_name"]:
        raise ValidationFailed("请填写姓名或者名称。", code="required", field="applicant_name")
    if len(out["applicant_name"]) > 100:
        raise ValidationFailed("姓名或者名称不能超过100个字。", code="too_long", field="applicant_name")
    if natural:
        out["id_number"] = out["id_number"].upper()
        problem = id_number_problem(out["id_number"], _today())
        if problem:
            raise ValidationFailed(problem, code="invalid_id_number", field="id_number")
    else:
        out["id_number"] = normalise_credit_code(out["id_number"])
        problem = credit_code_problem(out["id_number"])
        if problem:
            raise ValidationFailed(problem, code="invalid_credit_code", field="id_number")
        if not out["contact_person"]:
            raise ValidationFailed("法人或其他组织请填写联系人。", code="required", field="contact_person")
    phone = out["phone"].replace(" ", "").replace("-", "")
    if not (7 <= len(phone) <= 20 and phone.lstrip("+").isdigit()):
        raise ValidationFailed("请填写有效的联系电话（7至20位数字）。", code="invalid_phone", field="phone")
    if out["email"]:
        try:
            EmailValidator()(out["email"])
        except DjangoValidationError:
            raise ValidationFailed("电子邮箱格式不正确。", code="invalid_email", field="email") from None
    if out["postcode"] and not (len(out["postcode"]) == 6 and out["postcode"].isdigit()):
        raise ValidationFailed("邮政编码应为6位数字。", code="invalid_postcode", field="postcode")
    if not out["description"]:
        raise ValidationFailed(
            "请填写所需政府信息的名称、文号或者便于查询的其他特征性描述。", code="required", field="description"
        )
    if len(out["description"]) > 5000:
        raise ValidationFailed("所需信息的描述不能超过5000个字。", code="too_long", field="description")
    if out["delivery_form"] not in DeliveryForm.values:
        raise ValidationFailed("请选择获取信息的形式。", code="required", field="delivery_form")
    if out["delivery_way"] not in DeliveryWay.values:
        raise ValidationFailed("请选择获取信息的方式、途径。", code="required", field="delivery_way")
    if out["delivery_way"] == DeliveryWay.EMAIL and not out["email"]:
        raise ValidationFailed("选择电子邮件方式获取的，请填写电子邮箱。", code="required", field="email")
    if out["delivery_way"] == DeliveryWay.POST and not out["address"]:
        raise ValidationFailed("选择邮寄方式获取的，请填写通信地址。", code="required", field="address")
    for name, limit in (("contact_person", 50), ("address", 200), ("doc_number_hint", 100)):
        if len(out[name]) > limit:
            raise ValidationFailed(f"{name}过长（最多{limit}个字）。", code="too_long", field=name)
    return out


def _check_secret(secret: str, applicant: dict[str, Any]) -> None:
    problem = secret_problem(secret, id_number=applicant.get("id_number", ""), phone=applicant.get("phone", ""))
    if problem:
        raise ValidationFailed(f"{problem}查询和补正时需要使用，请牢记。", code="weak_secret", field="secret")


# --- deadlines ----------------------------------------------------------------------------------


def _pauses(app: Application) -> list[deadlines.Pause]:
    # A pause that still runs is assumed to last its whole period; the due date moves back when it
    # ends early, and the explanation says the date is provisional meanwhile.
    if app.pk is None:
        return []
    out = []
    for p in app.pauses.all():
        out.append(deadlines.Pause(begin=p.begin, end=p.end or p.period_due, reason=p.get_kind_display()))
    return out


def recompute_deadline(app: Application, calendar: WorkingCalendar | None = None) -> None:
    """Store the date the office must next act by, with its explanation.

    While a correction is awaited the reply clock does not run (it will start again from zero,
    Art. 30); the date to watch is the end of the correction period. Otherwise it is the reply
    deadline with pauses and the approved extension. A closed case has none.
    """
    if not app.is_open:
        app.due_date = None
        return
    if app.state == State.CORRECTION_REQUESTED:
        app.due_date = app.correction_due
        app.due_explanation = {
            "kind": "correction",
            "text": f"已于{letters.cn_date(app.correction_requested_on)}告知补正，"
            f"补正期限至{letters.cn_date(app.correction_due)}；答复期限自收到补正的申请之日起重新计算。",
        }
        return
    # Only the months the deadline can reach are loaded (20 + 20 working days and the pauses fit in
    # 240 days in all but extreme cases, which fall back to the whole calendar).
    cal = calendar or WorkingCalendar(app.org, since=app.clock_start, until=app.clock_start + dt.timedelta(days=240))
    pauses = _pauses(app)
    try:
        result = deadlines.reply_due(app.clock_start, cal, pauses=pauses, extension=app.extension_days)
    except ValueError:  # a windowed calendar too short for a case with long pauses: load it all
        result = deadlines.reply_due(
            app.clock_start, WorkingCalendar(app.org), pauses=pauses, extension=app.extension_days
        )
    app.due_date = result.due
    app.due_explanation = {"kind": "reply", **result.as_dict()}
    if app.art35_due is not None and app.art35_due > result.due:
        # Art. 35: the longer reasonable period the body set and told the applicant replaces it.
        app.due_date = app.art35_due
        app.due_explanation = {
            **app.due_explanation,
            "kind": "art35",
            "text": f"依第三十五条确定延迟答复的合理期限至{letters.cn_date(app.art35_due)}"
            f"（原答复期限{letters.cn_date(result.due)}）。",
        }


def recompute_provisional() -> int:
    """Deadlines computed while a year's official holiday schedule was missing (spec §9) are
    computed again; run by the nightly scan, so a schedule loaded today corrects them by tomorrow.
    Each date that moves is an audit event. Returns how many moved."""
    moved = 0
    calendars = CalendarCache()
    candidates = Application.objects.filter(is_open=True, due_explanation__provisional=True).values_list(
        "pk", flat=True
    )
    for pk in list(candidates):
        with transaction.atomic():
            app = Application.objects.select_for_update().select_related("org").get(pk=pk)
            before = (app.due_date, app.due_explanation)
            recompute_deadline(app, calendars.for_org(app.org))
            if (app.due_date, app.due_explanation) == before:
                continue
            app.save(update_fields=["due_date", "due_explanation", "updated_at"])
            audit.record(
                actor=None,
                action="application.deadline_recomputed",
                obj=app,
                before={"due_date": before[0]},
                after={"due_date": app.due_date, "provisional": app.due_explanation.get("provisional", False)},
                org_id=app.org_id,
            )
            moved += 1
    return moved


# --- letters ------------------------------------------------------------------------------------


def _issue_letter(app: Application, kind: str, *, on: dt.date, **extra: Any) -> Letter:
    template = LetterTemplate.objects.filter(org=app.org, kind=kind).first()
    title, body, to_applicant = letters.compose(kind, app, template.regions if template else {}, **extra)
    n = app.letters.count() + 1
    letter = Letter.objects.create(
        application=app,
        kind=kind,
        number=f"{app.tracking_code}-{n:02d}",
        title=title,
        recipient=extra.get("party") or app.applicant_name,
        body=body,
        issuer=app.org.name,
        issued_on=on,
        to_applicant=to_applicant,
    )
    if to_applicant and app.email:
        transaction.on_commit(lambda: notify.letter_issued(letter.pk))
    return letter


# --- intake -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    application: Application
    receipt: Letter


def _create(
    *,
    org: Organisation,
    applicant: dict[str, Any],
    channel: Channel,
    received_on: dt.date,
    dates: dict[str, dt.date | None],
    uploads: list[Upload],
    secret_hash: str,
    actor: Any,
    oral: bool,
    stored: _StoredFiles,
) -> Submitted:
    key = applicant_key(applicant["applicant_type"], applicant["id_number"])
    month_start = received_on.replace(day=1)
    # 国办函〔2020〕109号: the monthly count is of applications to the body that charges.
    earlier = Application.objects.filter(
        org=org, applicant_key=key, received_on__gte=month_start, received_on__lte=received_on
    ).count()
    # 31^8 codes a year: a clash is rare, and the unique constraint is the final guard.
    for _ in range(5):
        code = new_tracking_code(received_on.year)
        if not Application.objects.filter(tracking_code=code).exists():
            break
    else:
        raise RuntimeError("could not draw a free tracking code")
    app = Application(
        org=org,
        tracking_code=code,
        secret_hash=secret_hash,
        channel=channel,
        oral=oral,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        received_on=received_on,
        clock_start=received_on,
        applicant_key=key,
        month_seq=earlier + 1,
        state=State.RECEIVED,
        is_open=True,
        **dates,
        **applicant,
    )
    recompute_deadline(app)
    app.save()
    for upload in uploads:
        _store_file(app, upload, ApplicationFile.Kind.APPLICATION, stored)
    receipt = _issue_letter(app, LetterKind.RECEIPT, on=received_on)
    audit.record(
        actor=actor,
        action="application.received",
        obj=app,
        after={**snapshot(app), "channel": channel.value, "files": len(uploads)},
        org_id=org.pk,
    )
    return Submitted(app, receipt)


class _StoredFiles:
    """Files written to storage while a transaction is open. Storage is not transactional: if the
    block fails, the files are deleted again, so a failed submission leaves nothing behind."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, str]] = []

    def __enter__(self) -> _StoredFiles:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            for storage, name in self.items:
                storage.delete(name)


def _store_file(app: Application, upload: Upload, kind: str, stored: _StoredFiles) -> ApplicationFile:
    name = clean_filename(upload.name)
    record = ApplicationFile(application=app, kind=kind, filename=name, size=len(upload.data), sha256=upload.sha256)
    record.file.save(name, ContentFile(upload.data), save=False)
    stored.items.append((record.file.storage, str(record.file.name)))
    record.save()
    return record


def submit_online(
    *,
    org: Organisation,
    applicant: dict[str, Any],
    secret: str,
    uploads: list[Upload] = (),  # type: ignore[assignment]
    today: dt.date | None = None,
) -> Submitted:
    """An application made on the portal (Art. 29: 数据电文). The platform confirms receipt at once,
    so the receipt date is the day of submission (Art. 31(3), 双方确认之日)."""
    cleaned = clean_applicant(applicant)
    _check_secret(secret, cleaned)
    uploads = list(uploads)
    check_uploads(uploads)
    day = today or _today()
    return _atomic_create(
        org=org,
        applicant=cleaned,
        channel=Channel.ONLINE,
        received_on=day,
        dates={"confirmed_on": day, "submitted_on": day},
        uploads=uploads,
        secret=secret,
        actor=None,
        oral=False,
    )


def register(
    *,
    actor: Any,
    org: Organisation,
    channel: str,
    applicant: dict[str, Any],
    submitted_on: dt.date | None = None,
    signed_for_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
    oral: bool = False,
    secret: str = "",
    uploads: list[Upload] = (),  # type: ignore[assignment]
) -> Submitted:
    """Staff register an application received in person, by post, by letter, by fax or online
    (Art. 29, 31). An oral application is written down by the clerk (``oral=True``)."""
    policies.require(actor, "application.register", org)
    try:
        ch = Channel(channel)
    except ValueError:
        raise ValidationFailed("请选择申请渠道。", code="required", field="channel") from None
    if oral and ch != Channel.IN_PERSON:
        raise ValidationFailed("口头申请只能当面提出，由工作人员代为填写。", code="oral_not_in_person", field="oral")
    cleaned = clean_applicant(applicant)
    if secret:
        _check_secret(secret, cleaned)
    uploads = list(uploads)
    check_uploads(uploads)
    try:
        received = receipt_date(ch, submitted=submitted_on, signed_for=signed_for_on, confirmed=confirmed_on)
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="receipt_date_required", field="received") from None
    if received > _today():
        raise ValidationFailed("收到申请的日期不能晚于今天。", code="future_date", field="received")
    return _atomic_create(
        org=org,
        applicant=cleaned,
        channel=ch,
        received_on=received,
        dates={"submitted_on": submitted_on, "signed_for_on": signed_for_on, "confirmed_on": confirmed_on},
        uploads=uploads,
        secret=secret,
        actor=actor,
        oral=oral,
    )


def _atomic_create(*, secret: str, **kwargs: Any) -> Submitted:
    """All or nothing: the application, its files, its receipt and its audit event commit together.
    If anything fails, the files already written to storage are deleted as well (Issue 4 §10)."""
    # The deliberately slow hash is computed before the transaction, so it holds no lock.
    secret_hash = make_password(secret, hasher=settings.GONGKAI_SECRET_HASHER) if secret else ""
    with _StoredFiles() as stored, transaction.atomic():
        return _create(**kwargs, secret_hash=secret_hash, stored=stored)


# --- applicant access ---------------------------------------------------------------------------


def applicant_submit_correction(
    *,
    application: Application,
    text: str,
    uploads: list[Upload] = (),  # type: ignore[assignment]
    today: dt.date | None = None,
) -> Application:
    """The applicant answers a request for correction online (Art. 30). The reply clock starts again
    from the day the corrected application is received."""
    text = (text or "").strip()
    uploads = list(uploads)
    if not text and not uploads:
        raise ValidationFailed("请填写补正内容或上传补正材料。", code="required", field="correction_text")
    if len(text) > 5000:
        raise ValidationFailed("补正内容不能超过5000个字。", code="too_long", field="correction_text")
    if has_control_characters(text, multiline=True):
        raise ValidationFailed(
            "补正内容含有控制字符或文字方向控制符，请删除后重新填写。",
            code="invalid_characters",
            field="correction_text",
        )
    check_uploads(uploads)
    day = today or _today()
    with _StoredFiles() as stored, transaction.atomic():
        app = Application.objects.select_for_update().select_related("org").get(pk=application.pk)
        if not workflow.applicant_may("submit_correction", app.state):
            raise IllegalTransition("本申请目前不需要补正。", code="not_awaiting_correction")
        for upload in uploads:
            _store_file(app, upload, ApplicationFile.Kind.CORRECTION, stored)

        def correct() -> None:
            app.correction_received_on = day
            app.correction_text = text
            app.clock_start = day  # Art. 30: "答复期限自行政机关收到补正的申请之日起计算".

        # Recorded as the staff step of the same name: the body received the correction.
        _apply(
            app,
            workflow.APPLICANT_TRANSITIONS["submit_correction"],
            actor=None,
            change=correct,
            event="receive_correction",
        )
    return app


def applicant_withdraw(*, application: Application, reason: str = "", today: dt.date | None = None) -> Application:
    """The applicant withdraws an open application (撤回). The case closes; it counts in table 三
    under （六）其他处理 3.其他 (spec §9) and the body sends a letter confirming the closure."""
    reason = strip_control_characters(reason or "").strip()[:500]
    day = today or _today()
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("org").get(pk=application.pk)
        if not workflow.applicant_may("withdraw", app.state):
            raise IllegalTransition("本申请已经答复或终止处理，不能撤回。", code="not_withdrawable")

        def withdraw() -> None:
            # A consultation or a wait for a fee that still runs ends with the case.
            app.pauses.filter(end__isnull=True).update(end=day)
            app.withdrawn_on = day
            _close(app, day, "O3", f"申请人撤回申请。{reason}" if reason else "申请人撤回申请。")

        _apply(app, workflow.APPLICANT_TRANSITIONS["withdraw"], actor=None, change=withdraw, reason=reason)
        _issue_letter(app, LetterKind.CLOSURE, on=day)
    return app


@transaction.atomic
def applicant_rate(*, application: Application, rating: str, comment: str = "") -> Application:
    """After the reply, the applicant rates the handling once: 满意, 基本满意 or 不满意, with an
    optional comment (社会评议, Art. 48; counted by the supervision figures)."""
    if rating not in Satisfaction.values:
        raise ValidationFailed("请选择满意、基本满意或不满意。", code="required", field="rating")
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationFailed("评价意见不能超过500个字。", code="too_long", field="comment")
    if has_control_characters(comment, multiline=True):
        raise ValidationFailed("评价意见含有控制字符，请删除后重新填写。", code="invalid_characters", field="comment")
    app = Application.objects.select_for_update().select_related("org").get(pk=application.pk)
    if app.replied_on is None or app.withdrawn_on is not None:
        raise IllegalTransition("答复之后才能评价。", code="not_replied")
    if app.rated_at is not None:
        raise IllegalTransition("您已经评价过本次办理。", code="already_rated")
    app.satisfaction = rating
    app.satisfaction_comment = comment
    app.rated_at = timezone.now()
    app.save(update_fields=["satisfaction", "satisfaction_comment", "rated_at", "updated_at"])
    audit.record(
        actor=None,
        action="application.rated",
        obj=app,
        after={"satisfaction": rating},
        reason=comment,
        org_id=app.org_id,
    )
    return app


# --- staff transitions --------------------------------------------------------------------------


def _check_on(on: dt.date, app: Application) -> None:
    if on > _today():
        raise ValidationFailed("日期不能晚于今天。", code="future_date", field="on")
    if on < app.received_on:
        raise ValidationFailed("日期不能早于收到申请的日期。", code="before_receipt", field="on")


@transaction.atomic
def transition(
    *, actor: Any, application: Application, action: str, on: dt.date | None = None, **params: Any
) -> Application:
    """The single entry point for staff steps. An illegal step raises and changes nothing."""
    app = Application.objects.select_for_update().select_related("org").get(pk=application.pk)
    step = workflow.transition_for(action, app.state)
    if step is None:
        label = workflow.BY_ACTION[action].label if action in workflow.BY_ACTION else action
        raise IllegalTransition(f"“{app.get_state_display()}”状态的申请不能“{label}”。", code="illegal_transition")
    policies.require(actor, step.permission, app.org)
    day = on or _today()
    _check_on(day, app)
    reason = str(params.pop("reason", "") or "").strip()
    if step.needs_reason and not reason:
        raise ValidationFailed(f"“{step.label}”须填写理由。", code="reason_required", field="reason")
    cal = WorkingCalendar(app.org)

    def handle() -> None:
        _HANDLERS[action](app, actor=actor, on=day, cal=cal, reason=reason, **params)
        if action in ("reply", "not_gi"):
            _record_timeliness(app, day, cal)

    _apply(app, step, actor=actor, change=handle, reason=reason, calendar=cal)
    _after(app, action, day)
    return app


def _apply(
    app: Application,
    step: workflow.Transition,
    *,
    actor: Any,
    change: Callable[[], None],
    reason: str = "",
    event: str = "",
    calendar: WorkingCalendar | None = None,
) -> Application:
    """The one way an application changes state, for staff steps and the applicant's alike: the
    caller has locked the row and checked that the step may be taken; this applies the step's
    change, moves the state to the step's target (``is_open`` follows it), recomputes the deadline,
    saves, and records the audit event with what changed."""
    before = snapshot(app)
    change()
    app.state = step.target
    app.is_open = app.state in OPEN_STATES
    recompute_deadline(app, calendar)
    app.save()
    b, a = audit.changed_fields(before, snapshot(app))
    audit.record(
        actor=actor,
        action=f"application.{event or step.action}",
        obj=app,
        before=b,
        after=a,
        reason=reason,
        org_id=app.org_id,
    )
    return app


@dataclass(frozen=True)
class LetterPreview:
    kind: str
    title: str
    number: str
    recipient: str
    body: list[str]
    issued_on: dt.date

    @property
    def digest(self) -> str:
        """A fingerprint of the text, so a confirmation can tell it still issues what was shown."""
        text = "\n".join([self.title, self.recipient, *self.body, self.issued_on.isoformat()])
        return hashlib.sha256(text.encode()).hexdigest()


class _Rollback(Exception):
    def __init__(self, previews: list[LetterPreview]) -> None:
        super().__init__("preview")
        self.previews = previews


def preview(
    *, actor: Any, application: Application, action: str, on: dt.date | None = None, **params: Any
) -> list[LetterPreview]:
    """The letters a step would issue, composed exactly as the step composes them and after every
    check the step makes (it raises the same errors). The step runs in a transaction that is then
    rolled back: nothing is saved, logged or mailed (mail waits for a commit that never comes)."""
    existing = set(Letter.objects.filter(application=application).values_list("pk", flat=True))
    try:
        with transaction.atomic():
            app = transition(actor=actor, application=application, action=action, on=on, **params)
            issued = [
                LetterPreview(
                    kind=letter.kind,
                    title=letter.title,
                    number=letter.number,
                    recipient=letter.recipient,
                    body=[str(p) for p in letter.body],
                    issued_on=letter.issued_on,
                )
                for letter in app.letters.exclude(pk__in=existing).order_by("id")
            ]
            raise _Rollback(issued)
    except _Rollback as done:
        return done.previews


def _record_timeliness(app: Application, on: dt.date, cal: WorkingCalendar) -> None:
    """Art. 33: a reply within 20 working days (pauses not counted) is on time; one after them but
    within the extension the head approved is 延期办结; any later one is late, by so many working
    days. The deadline is the one in force on the day of the reply (before it is cleared)."""
    due = app.due_date
    if due is None:
        return
    base = due
    if app.extension_days or app.art35_due:
        base = deadlines.reply_due(app.clock_start, cal, pauses=_pauses(app), extension=0).due
    app.reply_due = due
    app.late_working_days = 0
    if on <= base:
        app.timeliness = Timeliness.ON_TIME
    elif app.art35_due is not None and on <= due:
        app.timeliness = Timeliness.DELAYED
    elif on <= due:
        app.timeliness = Timeliness.EXTENDED
    else:
        app.timeliness = Timeliness.LATE
        app.late_working_days = cal.working_days_between(due, on)


def _no_params(params: dict[str, Any]) -> None:
    if params:
        raise ValidationFailed(f"未知参数：{'、'.join(sorted(params))}", code="unknown_field")


def _accept(app: Application, *, actor: Any, on: dt.date, cal: WorkingCalendar, reason: str, **params: Any) -> None:
    _no_params(params)


def _request_correction(
    app: Application,
    *,
    actor: Any,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    items: str = "",
    period: int = 15,
    **params: Any,
) -> None:
    _no_params(params)
    items = (items or reason).strip()
    if not items:
        raise ValidationFailed("请说明需要补正的事项。", code="required", field="items")
    if app.correction_requested_on is not None:
        raise IllegalTransition("补正只能一次性告知，本申请已告知过补正。", code="correction_once")
    # Art. 30: within 7 working days of receipt.
    limit = cal.add_working_days(app.received_on, deadlines.CORRECTION_NOTICE_DAYS).due
    if on > limit:
        raise IllegalTransition(
            f"补正告知应自收到申请之日起7个工作日内作出（至{limit:%Y年%m月%d日}），已超过期限。",
            code="correction_too_late",
        )
    period = parse_int(period, label="补正期限（工作日）", lo=-WIDE, hi=WIDE, field="period")
    if not 1 <= period <= 60:
        raise ValidationFailed("补正期限应为1至60个工作日。", code="invalid_period", field="period")
    app.correction_requested_on = on
    app.correction_items = items
    app.correction_due = cal.add_working_days(on, period).due


def _abandon(app: Application, *, actor: Any, on: dt.date, cal: WorkingCalendar, reason: str, **params: Any) -> None:
    _no_params(params)
    if app.correction_due is None:  # the workflow allows abandon only after a request for correction
        raise IllegalTransition("本申请没有告知补正，不能按逾期未补正处理。", code="no_correction_requested")
    if on <= app.correction_due:
        raise IllegalTransition(
            f"补正期限至{app.correction_due:%Y年%m月%d日}，期限届满后才能按放弃申请处理。", code="period_running"
        )
    _close(app, on, "O1", reason)


def _receive_correction_step(
    app: Application, *, actor: Any, on: dt.date, cal: WorkingCalendar, reason: str, text: str = "", **params: Any
) -> None:
    _no_params(params)
    app.correction_received_on = on
    app.correction_text = (text or reason).strip()
    app.clock_start = on  # Art. 30


def _consult(
    app: Application,
    *,
    actor: Any,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    party: str = "",
    kind: str = "third_party",
    **params: Any,
) -> None:
    _no_params(params)
    party = (party or "").strip()
    if not party:
        raise ValidationFailed("请填写征求意见的对象。", code="required", field="party")
    if kind not in (Pause.Kind.THIRD_PARTY, Pause.Kind.AGENCY):
        raise ValidationFailed("征求意见的类型不正确。", code="invalid_choice", field="kind")
    due = cal.add_working_days(on, deadlines.CONSULTATION_DAYS).due
    Pause.objects.create(application=app, kind=kind, party=party, begin=on, period_due=due)
    _issue_letter(app, LetterKind.CONSULTATION, on=on, party=party, consultation=letters.consultation_text(kind))


def _end_consultation(
    app: Application,
    *,
    actor: Any,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    opinion: str = "",
    objected: bool = False,
    **params: Any,
) -> None:
    _no_params(params)
    pause = app.pauses.filter(end__isnull=True, kind__in=[Pause.Kind.THIRD_PARTY, Pause.Kind.AGENCY]).first()
    if pause is None:
        raise IllegalTransition("没有正在进行的征求意见。", code="no_consultation")
    if on < pause.begin:
        raise ValidationFailed("结束日期不能早于发出征求意见的日期。", code="before_begin", field="on")
    # Art. 32, 34: silence for 15 working days ends the consultation on the last day of the period.
    pause.end = min(on, pause.period_due)
    pause.opinion = (opinion or reason).strip() or "逾期未提出意见"
    pause.objected = bool(objected) and pause.kind == Pause.Kind.THIRD_PARTY
    pause.save()


def _disclose_over_objection(
    app: Application,
    *,
    actor: Any,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    content: str = "",
    **params: Any,
) -> None:
    """Art. 32: "行政机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，并将决定公开的政府信息
    内容和理由书面告知第三方". The decision, its reason and the letter to the third party are recorded."""
    _no_params(params)
    pause = app.pauses.filter(
        kind=Pause.Kind.THIRD_PARTY, objected=True, disclosed_over_objection_on__isnull=True
    ).last()
    if pause is None:
        raise IllegalTransition(
            "只有第三方不同意公开的，才需要作出“决定予以公开”；请先在征求意见结束时记录第三方的反对意见。",
            code="no_objection",
        )
    content = (content or "").strip()
    if not content:
        raise ValidationFailed("请写明决定公开的政府信息内容。", code="required", field="content")
    pause.disclosed_over_objection_on = on
    pause.disclosure_content = content[:2000]
    pause.disclosure_reason = reason
    pause.save()
    _issue_letter(app, LetterKind.THIRD_PARTY_DECISION, on=on, party=pause.party, content=content, ground=reason)


def _ask_reasons(
    app: Application, *, actor: Any, on: dt.date, cal: WorkingCalendar, reason: str, period: int = 10, **params: Any
) -> None:
    """Art. 35: "申请人申请公开政府信息的数量、频次明显超过合理范围，行政机关可以要求申请人说明理由"."""
    _no_params(params)
    if app.art35_asked_on is not None:
        raise IllegalTransition("已经要求申请人说明过理由。", code="already_asked")
    period = parse_int(period, label="说明理由期限（工作日）", lo=-WIDE, hi=WIDE, field="period")
    if not 1 <= period <= 30:
        raise ValidationFailed("说明理由的期限应为1至30个工作日。", code="invalid_period", field="period")
    app.art35_asked_on = on
    app.art35_reasons_due = cal.add_working_days(on, period).due


def _record_reasons(
    app: Application, *, actor: Any, on: dt.date, cal: WorkingCalendar, reason: str, text: str = "", **params: Any
) -> None:
    _no_params(params)
    if app.art35_asked_on is None:
        raise IllegalTransition("没有要求申请人说明理由。", code="not_asked")
    text = (text or reason).strip()
    if not text:
        raise ValidationFailed("请填写申请人说明的理由。", code="required", field="text")
    app.art35_reasons = text[:5000]


def _set_longer_period(
    app: Application,
    *,
    actor: Any,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    until: dt.date | str | None = None,
    **params: Any,
) -> None:
    """Art. 35: "申请理由合理，但是无法在本条例第三十三条规定的期限内答复申请人的，可以确定延迟答复的合理
    期限并告知申请人". Decided, like an extension, while the reply period still runs."""
    _no_params(params)
    if app.art35_asked_on is None:
        raise IllegalTransition("须先要求申请人说明理由（第三十五条）。", code="not_asked")
    if app.art35_due is not None:
        raise IllegalTransition("已经确定过延迟答复的期限。", code="already_set")
    if isinstance(until, str):
        try:
            until = dt.date.fromisoformat(until)
        except ValueError:
            until = None
    if not isinstance(until, dt.date):
        raise ValidationFailed("请填写延迟答复的期限（日期）。", code="required", field="until")
    if app.due_date and on > app.due_date:
        raise IllegalTransition(
            f"答复期限（{app.due_date:%Y年%m月%d日}）已过，不能再确定延迟答复的期限；请尽快答复。",
            code="already_overdue",
        )
    if app.due_date and until <= app.due_date:
        raise ValidationFailed(
            f"延迟答复的期限应晚于现在的答复期限（{app.due_date:%Y年%m月%d日}）。", code="invalid_date", field="until"
        )
    if until > on + dt.timedelta(days=366):
        raise ValidationFailed("延迟答复的期限不能超过一年。", code="invalid_date", field="until")
    app.art35_due = until
    app.art35_ground = reason


def _propose_extension(
    app: Application, *, actor: Any, on: dt.date, cal: WorkingCalendar, reason: str, days: int = 0, **params: Any
) -> None:
    _no_params(params)
    days = parse_int(days, label="延长工作日数", lo=-WIDE, hi=WIDE, field="days")
    if app.extension_days:
        raise IllegalTransition("本申请已经延期，延长的期限最长不得超过20个工作日。", code="already_extended")
    if not 1 <= days <= deadlines.MAX_EXTENSION:
        raise ValidationFailed("延长的期限应为1至20个工作日（第三十三条）。", code="invalid_extension", field="days")
    if app.due_date and on > app.due_date:
        raise IllegalTransition(
            f"答复期限（{app.due_date:%Y年%m月%d日}）已过，不能再提请延期；请尽快答复。", code="already_overdue"
        )
    app.extension_proposed_days = days
    app.extension_reason = reason


def _approve_extension(
    app: Application, *, actor: Any, on: dt.date, cal: WorkingCalendar, reason: str, **params: Any
) -> None:
    _no_params(params)
    if not app.extension_proposed_days:
        raise IllegalTransition("没有待批准的延期申请。", code="no_extension_proposed")
    # Art. 33(2): an extension extends a period that is still running; once the reply deadline has
    # passed there is nothing left to extend, and the reply is late whatever is approved now.
    if app.due_date and on > app.due_date:
        raise IllegalTransition(
            f"答复期限（{app.due_date:%Y年%m月%d日}）已过，不能再批准延期；请尽快答复。", code="already_overdue"
        )
    app.extension_days = app.extension_proposed_days
    app.extension_proposed_days = 0
    app.extension_approved_by = actor
    app.extension_approved_on = on


def _decline_extension(
    app: Application, *, actor: Any, on: dt.date, cal: WorkingCalendar, reason: str, **params: Any
) -> None:
    _no_params(params)
    if not app.extension_proposed_days:
        raise IllegalTransition("没有待批准的延期申请。", code="no_extension_proposed")
    app.extension_proposed_days = 0


def _fee_notice(
    app: Application,
    *,
    actor: Any,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    pages: int | None = None,
    **params: Any,
) -> None:
    _no_params(params)
    # A real request runs to thousands of pages, not billions (the fee column is an integer of 元).
    pages = None if pages in ("", None) else parse_int(pages, label="页数", lo=-WIDE, hi=WIDE, field="pages")
    if pages is not None and not 0 <= pages <= MAX_PAGES:
        raise ValidationFailed(f"页数应为0至{MAX_PAGES}。", code="invalid_pages", field="pages")
    # 国办函〔2020〕109号: the notice goes out within the reply period (it pauses a running clock).
    if app.due_date and on > app.due_date:
        raise IllegalTransition(
            f"收费通知应在答复期限（{app.due_date:%Y年%m月%d日}）内发出，已超过期限。", code="fee_notice_too_late"
        )
    if pages is not None and app.delivery_form == DeliveryForm.INSPECT:
        raise ValidationFailed("查阅、抄录方式不按页计收。", code="invalid_pages", field="pages")
    app.month_seq = selectors.monthly_count(app)
    amount, scale = compute_fee(k_in_month=app.month_seq, pages=pages)
    if amount == 0:
        raise IllegalTransition(
            "按国办函〔2020〕109号的标准，本申请不收取信息处理费（本月前10件或30页以内免费）。", code="no_fee_due"
        )
    app.fee_yuan = amount
    app.fee_scale = scale
    app.fee_pages = pages
    app.fee_notice_on = on
    app.fee_due = cal.add_working_days(on, deadlines.FEE_PAYMENT_DAYS).due
    # Choice to review (docs/applications.md): the time to pay does not count against the reply deadline.
    Pause.objects.create(application=app, kind=Pause.Kind.FEE, party="申请人", begin=on, period_due=app.fee_due)


def _fee_paid(app: Application, *, actor: Any, on: dt.date, cal: WorkingCalendar, reason: str, **params: Any) -> None:
    _no_params(params)
    if app.fee_notice_on is None:
        raise IllegalTransition("本申请没有发出收费通知。", code="no_fee_notice")
    if on < app.fee_notice_on:
        raise ValidationFailed("缴费日期不能早于收费通知日期。", code="before_begin", field="on")
    app.fee_paid_on = on
    app.pauses.filter(kind=Pause.Kind.FEE, end__isnull=True).update(end=on)


def _fee_lapsed(app: Application, *, actor: Any, on: dt.date, cal: WorkingCalendar, reason: str, **params: Any) -> None:
    _no_params(params)
    if app.fee_due is None:
        raise IllegalTransition("本申请没有发出收费通知。", code="no_fee_notice")
    if on <= app.fee_due:
        raise IllegalTransition(
            f"缴费期限至{app.fee_due:%Y年%m月%d日}，期限届满后才能按放弃申请处理。", code="period_running"
        )
    app.pauses.filter(kind=Pause.Kind.FEE, end__isnull=True).update(end=app.fee_due)
    _close(app, on, "O2", reason)


def _reply(
    app: Application,
    *,
    actor: Any,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    reply_type: str = "",
    outcome: str = "",
    text: str = "",
    withheld: list[dict[str, str]] | None = None,
    competent_body: str = "",
    competent_unknown: bool = False,
    query_law: str = "",
    query_where: str = "",
    **params: Any,
) -> None:
    _no_params(params)
    if reply_type not in REPLY_TYPES:
        raise ValidationFailed("请选择答复类型。", code="required", field="reply_type")
    allowed = REPLY_TYPES[reply_type][1]
    if not outcome and len(allowed) == 1:
        outcome = allowed[0]
    if outcome not in allowed:
        raise ValidationFailed(
            f"“{REPLY_TYPES[reply_type][0]}”的办理结果应为：{'；'.join(BY_CODE[c].label for c in allowed)}。",
            code="outcome_mismatch",
            field="outcome",
        )
    if outcome in ("O1", "O2"):
        raise ValidationFailed(
            "逾期不补正、逾期不缴费应通过相应步骤终止处理。", code="outcome_mismatch", field="outcome"
        )
    if app.state == State.IN_REVIEW and app.pauses.filter(end__isnull=True).exists():
        raise IllegalTransition("征求意见或缴费尚未结束，不能答复。", code="pause_running")
    text = (text or "").strip()
    if reply_type == "PARTIAL":
        # Art. 37: what was withheld, and why, item by item.
        rows = [
            {"item": str(w.get("item", "")).strip(), "reason": str(w.get("reason", "")).strip()}
            for w in (withheld or [])
        ]
        rows = [r for r in rows if r["item"] or r["reason"]]
        if not rows or any(not r["item"] or not r["reason"] for r in rows):
            raise ValidationFailed(
                "部分公开须逐项列明不予公开的内容及理由。", code="withheld_required", field="withheld"
            )
        app.withheld = rows
    elif withheld:
        raise ValidationFailed("只有部分公开需要列明不予公开的内容。", code="withheld_not_allowed", field="withheld")
    if reply_type == "NOT_THIS_BODY":
        # Art. 36(5): "能够确定负责公开该政府信息的行政机关的，告知申请人该行政机关的名称、联系方式".
        # The clerk names it, or says in so many words that it cannot be determined.
        competent_body = (competent_body or "").strip()
        if competent_unknown:
            competent_body = letters.COMPETENT_UNKNOWN
        elif not competent_body:
            raise ValidationFailed(
                "请填写负责公开该政府信息的行政机关的名称和联系方式；确实无法确定的，请勾选“无法确定”。",
                code="competent_body_required",
                field="competent_body",
            )
        app.competent_body = competent_body[:200]
    elif competent_body or competent_unknown:
        raise ValidationFailed(
            "只有“非本机关负责公开”的答复需要填写负责公开的机关。",
            code="competent_body_not_allowed",
            field="competent_body",
        )
    if reply_type in ("WITHHOLD", "NOT_HANDLED", "PARTIAL", "CLOSED") and not text:
        raise ValidationFailed("请写明答复的理由或内容。", code="required", field="text")
    disclosed.check_for_reply(app, reply_type, text)
    if reply_type == "QUERY_PROCEDURE":
        # Art. 36(7): name the law whose procedure governs the query, and where to apply under it.
        query_law, query_where = (query_law or "").strip(), (query_where or "").strip()
        if not query_law:
            raise ValidationFailed(
                "请写明该查询事项适用的法律、行政法规（如《不动产登记暂行条例》）。",
                code="query_law_required",
                field="query_law",
            )
        if not query_where:
            raise ValidationFailed(
                "请写明申请人应向哪个机关或场所申请查询。", code="query_where_required", field="query_where"
            )
        app.query_law, app.query_where = query_law[:200], query_where[:200]
    elif query_law or query_where:
        raise ValidationFailed(
            "只有行政查询事项的答复需要填写适用的法律和办理机关。", code="query_not_allowed", field="query_law"
        )
    if outcome == "N4" and app.art35_asked_on is None:
        # Art. 35: "不予处理" follows a request for the reasons that the body judged unreasonable.
        raise ValidationFailed(
            "以“无正当理由大量反复申请”不予处理，须先要求申请人说明理由（第三十五条）。",
            code="not_asked",
            field="outcome",
        )
    if reply_type == "STILL_UNCLEAR" and app.correction_received_on is None:
        raise ValidationFailed("只有补正后仍不明确的申请才能这样答复。", code="outcome_mismatch", field="reply_type")
    app.reply_type = reply_type
    app.outcome = outcome
    app.outcome_basis = BY_CODE[outcome].basis
    app.reply_text = text
    app.replied_on = on


def _not_gi(
    app: Application, *, actor: Any, on: dt.date, cal: WorkingCalendar, reason: str, text: str = "", **params: Any
) -> None:
    _no_params(params)
    # Art. 39(1): a petition, complaint or report is not handled as an application; row N1.
    app.reply_type = "NOT_HANDLED"
    app.outcome = "N1"
    app.outcome_basis = BY_CODE["N1"].basis
    app.reply_text = (text or reason).strip()
    app.replied_on = on


def _archive(app: Application, *, actor: Any, on: dt.date, cal: WorkingCalendar, reason: str, **params: Any) -> None:
    _no_params(params)
    app.archived_on = on


def _close(app: Application, on: dt.date, outcome: str, reason: str) -> None:
    app.reply_type = "CLOSED"
    app.outcome = outcome
    app.outcome_basis = BY_CODE[outcome].basis
    app.reply_text = reason
    app.replied_on = on


_HANDLERS: dict[str, Callable[..., None]] = {
    "accept": _accept,
    "request_correction": _request_correction,
    "receive_correction": _receive_correction_step,
    "abandon": _abandon,
    "consult": _consult,
    "end_consultation": _end_consultation,
    "propose_extension": _propose_extension,
    "approve_extension": _approve_extension,
    "decline_extension": _decline_extension,
    "fee_notice": _fee_notice,
    "fee_paid": _fee_paid,
    "fee_lapsed": _fee_lapsed,
    "reply": _reply,
    "not_gi": _not_gi,
    "archive": _archive,
    "ask_reasons": _ask_reasons,
    "record_reasons": _record_reasons,
    "set_longer_period": _set_longer_period,
    "disclose_over_objection": _disclose_over_objection,
}
if set(_HANDLERS) != set(workflow.BY_ACTION):  # checked at import: a step without a handler never ships
    raise ImportError(f"transitions without a handler: {sorted(set(workflow.BY_ACTION) ^ set(_HANDLERS))}")

# The letter each step issues, once the new state and deadline are known.
_LETTERS = {
    "request_correction": LetterKind.CORRECTION,
    "approve_extension": LetterKind.EXTENSION,
    "fee_notice": LetterKind.FEE,
    "reply": LetterKind.REPLY,
    "not_gi": LetterKind.NOT_GI,
    "abandon": LetterKind.CLOSURE,
    "fee_lapsed": LetterKind.CLOSURE,
    "ask_reasons": LetterKind.ART35_REASONS,
    "set_longer_period": LetterKind.ART35_DELAY,
}


def _after(app: Application, action: str, on: dt.date) -> None:
    kind = _LETTERS.get(action)
    if kind is not None:
        _issue_letter(app, kind, on=on)


# --- personal data ------------------------------------------------------------------------------


def reveal_personal_data(*, actor: Any, application: Application, reason: str = "") -> dict[str, str]:
    """The applicant's personal data in full, for the handling body's own staff, logged every time
    with the reason given (a reveal without a reason is refused)."""
    _log_reveal(actor=actor, application=application, reason=reason, what={"fields": list(PERSONAL_FIELDS)})
    return {name: getattr(application, name) for name in PERSONAL_FIELDS}


def reveal_letter(*, actor: Any, letter: Letter, reason: str = "", fmt: str = "") -> Letter:
    """A letter in full (it names the applicant, and may give their address): like any full view of
    personal data, only for the handling body's staff, with a reason, logged."""
    _log_reveal(
        actor=actor,
        application=letter.application,
        reason=reason,
        what={"letter": letter.number, "format": fmt},
    )
    return letter


def reveal_file(*, actor: Any, record: ApplicationFile, reason: str = "") -> ApplicationFile:
    """An applicant's uploaded file (identity papers among them): a logged reveal with a reason."""
    _log_reveal(actor=actor, application=record.application, reason=reason, what={"file": record.filename})
    return record


def log_applicant_search(*, actor: Any, term: str, reason: str) -> list[Organisation]:
    """A search by an applicant's full name, ID number or phone tells whose cases exist: like a
    reveal, it needs a reason and is logged, at each body where the user may see personal data in
    full (the only bodies it searches). The term is logged masked. Returns those bodies."""
    reason = strip_control_characters(reason or "").strip()[:200]
    if not reason:
        raise ValidationFailed(
            "按申请人完整信息查找须填写理由（将记入审计日志）。", code="reason_required", field="reason"
        )
    term = (term or "").strip()
    if not term:
        raise ValidationFailed("请填写申请人的姓名或名称、身份证明号码或联系电话。", code="required", field="applicant")
    bodies = policies.orgs_where(actor, "application.reveal")
    if not bodies:
        raise PermissionDenied("只有受理机关的工作人员可以按申请人的完整信息查找。", code="permission_denied")
    shown = selectors.mask_name(term) if not term[:1].isdigit() else selectors.mask_phone(term)
    with transaction.atomic():
        for org in bodies:
            audit.record(
                actor=actor,
                action="application.search_personal",
                obj=org,
                after={"term": shown},
                reason=reason,
                org_id=org.pk,
            )
    return bodies


def _log_reveal(*, actor: Any, application: Application, reason: str, what: dict[str, Any]) -> None:
    policies.require(actor, "application.reveal", application.org)
    reason = strip_control_characters(reason or "").strip()[:200]
    if not reason:
        raise ValidationFailed("请填写查看理由（将记入审计日志）。", code="reason_required", field="reason")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="application.reveal",
            obj=application,
            after=what,
            reason=reason,
            org_id=application.org_id,
        )


# --- appeals (Art. 51) --------------------------------------------------------------------------


@transaction.atomic
def appeal_record(
    *, actor: Any, application: Application, kind: str, filed_on: dt.date, authority: str, case_number: str = ""
) -> Appeal:
    policies.require(actor, "appeal.record", application.org)
    if kind not in AppealKind.values:
        raise ValidationFailed("请选择行政复议或行政诉讼的类型。", code="required", field="kind")
    if application.replied_on is None:
        raise ValidationFailed("申请尚未答复或终止，不能登记行政复议、行政诉讼。", code="not_replied", field="kind")
    if filed_on < application.replied_on or filed_on > _today():
        raise ValidationFailed("申请或起诉日期应在答复之后、今天之前。", code="invalid_date", field="filed_on")
    authority = (authority or "").strip()
    if not authority:
        raise ValidationFailed("请填写复议机关或受理法院。", code="required", field="authority")
    appeal = Appeal.objects.create(
        application=application,
        org=application.org,
        kind=kind,
        filed_on=filed_on,
        authority=authority[:100],
        case_number=(case_number or "").strip()[:100],
    )
    audit.record(
        actor=actor,
        action="appeal.recorded",
        obj=appeal,
        after={"kind": kind, "filed_on": filed_on, "authority": authority, "application": application.tracking_code},
        org_id=application.org_id,
    )
    return appeal


@transaction.atomic
def appeal_decide(*, actor: Any, appeal: Appeal, result: str, decided_on: dt.date | None, note: str = "") -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("org").get(pk=appeal.pk)
    policies.require(actor, "appeal.record", appeal.org)
    if result not in AppealResult.values:
        raise ValidationFailed("请选择结果。", code="required", field="result")
    if result == AppealResult.PENDING:
        decided_on = None
    elif decided_on is None or decided_on < appeal.filed_on or decided_on > _today():
        raise ValidationFailed("审结日期应在申请或起诉之后、今天之前。", code="invalid_date", field="decided_on")
    before = {"result": appeal.result, "decided_on": appeal.decided_on}
    appeal.result = result
    appeal.decided_on = decided_on
    appeal.note = (note or "").strip()
    appeal.save()
    audit.record(
        actor=actor,
        action="appeal.decided",
        obj=appeal,
        before=before,
        after={"result": result, "decided_on": decided_on},
        reason=appeal.note,
        org_id=appeal.org_id,
    )
    return appeal


# --- letter templates ---------------------------------------------------------------------------


@transaction.atomic
def letter_template_save(*, actor: Any, org: Organisation, kind: str, regions: dict[str, str]) -> LetterTemplate:
    policies.require(actor, "letters.edit", org)
    if kind not in LetterKind.values:
        raise ValidationFailed("文书类型不正确。", code="invalid_choice", field="kind")
    cleaned: dict[str, str] = {}
    for name, text in regions.items():
        text = (text or "").strip()
        problem = letters.region_problem(name, text)
        if problem:
            raise ValidationFailed(problem, code="invalid_region", field=name)
        cleaned[name] = text
    template, _ = LetterTemplate.objects.get_or_create(org=org, kind=kind)
    before = dict(template.regions)
    template.regions = {**template.regions, **cleaned}
    template.save()
    audit.record(
        actor=actor, action="letters.template_saved", obj=template, before=before, after=template.regions, org_id=org.pk
    )
    return template
