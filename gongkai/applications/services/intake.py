"""Intake (Art. 29, 31): an application submitted online or registered by staff, with its files, its
receipt letter and its audit event, all in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator
from django.db import transaction

from gongkai.applications import clock
from gongkai.applications.identity import id_number_problem
from gongkai.applications.models import (
    ApplicantType,
    Application,
    ApplicationFile,
    DeliveryForm,
    DeliveryWay,
    Letter,
    LetterKind,
    State,
)
from gongkai.applications.receipt import Channel, receipt_date
from gongkai.applications.secret_rules import secret_problem
from gongkai.applications.services.common import (
    APPLICANT_FIELDS,
    applicant_key,
    issue_letter,
    new_tracking_code,
    recompute_deadline,
    snapshot,
)
from gongkai.applications.uploads import Upload, check_uploads
from gongkai.core import audit
from gongkai.core.errors import ValidationFailed
from gongkai.core.text import clean_filename, has_control_characters
from gongkai.core.types import Actor, user_of
from gongkai.orgs import policies
from gongkai.orgs.credit_code import credit_code_problem, normalise_credit_code
from gongkai.orgs.models import Organisation


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
        problem = id_number_problem(out["id_number"], clock.today())
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
    actor: Actor,
    oral: bool,
    stored: StoredFiles,
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
        registered_by=user_of(actor),
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
        store_file(app, upload, ApplicationFile.Kind.APPLICATION, stored)
    receipt = issue_letter(app, LetterKind.RECEIPT, on=received_on)
    audit.record(
        actor=actor,
        action="application.received",
        obj=app,
        after={**snapshot(app), "channel": channel.value, "files": len(uploads)},
        org_id=org.pk,
    )
    return Submitted(app, receipt)


class StoredFiles:
    """Files written to storage while a transaction is open. Storage is not transactional: if the
    block fails, the files are deleted again, so a failed submission leaves nothing behind."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, str]] = []

    def __enter__(self) -> StoredFiles:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            for storage, name in self.items:
                storage.delete(name)


def store_file(app: Application, upload: Upload, kind: str, stored: StoredFiles) -> ApplicationFile:
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
    day = today or clock.today()
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
    actor: Actor,
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
    if received > clock.today():
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
    with StoredFiles() as stored, transaction.atomic():
        return _create(**kwargs, secret_hash=secret_hash, stored=stored)
