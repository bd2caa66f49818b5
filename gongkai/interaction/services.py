"""Writes of 政民互动: the public's messages and the body's answers. Every function checks the policy,
validates, writes inside one transaction and leaves an audit event; the steps go through the
workflow table (``workflow.MESSAGE``)."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone

from gongkai.applications import services as applications
from gongkai.applications.receipt import Channel as ApplicationChannel
from gongkai.applications.secret_rules import secret_problem
from gongkai.calendars.services import WorkingCalendar
from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.jobs import enqueue
from gongkai.core.monthly import replace_month
from gongkai.core.numbers import check_past_month
from gongkai.core.text import has_control_characters
from gongkai.core.types import Actor, user_of
from gongkai.core.workflow import Step, Transition, lock, run_transition
from gongkai.interaction import workflow
from gongkai.interaction.jobs import mail_reply_notice
from gongkai.interaction.models import (
    Channel,
    Message,
    MessageBox,
    MessageState,
    OfflineChannel,
    OfflineTally,
    Satisfaction,
)
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LIMITS = {"writer_name": 60, "phone": 30, "email": 254, "subject": 100, "body": 5000}


def snapshot(message: Message) -> dict[str, Any]:
    # No personal data and no text in the trail: what changed, not what the writer wrote.
    return {
        "state": message.state,
        "replied_on": message.replied_on,
        "published": message.published,
        "application": message.application_id,
    }


@transaction.atomic
def box_configure(
    *, actor: Actor, org: Organisation, channel: str, enabled: bool, reply_working_days: int, intro: str = ""
) -> MessageBox:
    """Switch a channel on or off for a body and set its reply limit."""
    policies.require(actor, "interaction.configure", org)
    if channel not in Channel.values:
        raise ValidationFailed("渠道不正确。", code="invalid_choice", field="channel")
    if not 1 <= reply_working_days <= 60:
        raise ValidationFailed("答复时限应为1至60个工作日。", code="out_of_range", field="reply_working_days")
    box, created = MessageBox.objects.select_for_update().get_or_create(org=org, channel=channel)
    before = {"enabled": box.enabled, "reply_working_days": box.reply_working_days} if not created else {}
    box.enabled, box.reply_working_days, box.intro = enabled, reply_working_days, intro.strip()[:2000]
    box.save()
    audit.record(
        actor=actor,
        action="message.box_configured",
        obj=box,
        before=before,
        after={"channel": channel, "enabled": enabled, "reply_working_days": reply_working_days},
        org_id=org.pk,
    )
    return box


def _clean_writer(data: dict[str, Any]) -> dict[str, str]:
    out = {k: str(data.get(k) or "").strip() for k in LIMITS}
    for name, value in out.items():
        if has_control_characters(value, multiline=name == "body"):
            raise ValidationFailed(
                "填写的内容含有控制字符或文字方向控制符，请删除后重新填写。", code="invalid_characters", field=name
            )
        if len(value) > LIMITS[name]:
            raise ValidationFailed(f"内容过长（不超过{LIMITS[name]}个字）。", code="too_long", field=name)
    for name, label in (("writer_name", "姓名"), ("subject", "标题"), ("body", "留言内容")):
        if not out[name]:
            raise ValidationFailed(f"请填写{label}。", code="required", field=name)
    phone = out["phone"].replace(" ", "").replace("-", "")
    if not (7 <= len(phone) <= 20 and phone.lstrip("+").isdigit()):
        raise ValidationFailed("请填写有效的联系电话（7至20位数字）。", code="invalid_phone", field="phone")
    if out["email"]:
        try:
            EmailValidator()(out["email"])
        except DjangoValidationError:
            raise ValidationFailed("电子邮箱格式不正确。", code="invalid_email", field="email") from None
    return out


def _new_code(year: int) -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"M{year}-{body[:4]}-{body[4:]}"


def message_submit(
    *, box: MessageBox, writer: dict[str, Any], secret: str, consent: bool, today: dt.date | None = None
) -> Message:
    """A message written on the portal. The reply is due ``box.reply_working_days`` working days
    after the day it is received (the day of writing: the portal confirms receipt at once)."""
    if not box.enabled:
        raise IllegalTransition("该渠道未开通。", code="channel_closed")
    cleaned = _clean_writer(writer)
    problem = secret_problem(secret, phone=cleaned["phone"])
    if problem:
        raise ValidationFailed(f"{problem}查询答复时需要使用，请牢记。", code="weak_secret", field="secret")
    day = today or timezone.localdate()
    due = WorkingCalendar(box.org).add_working_days(day, box.reply_working_days)
    with transaction.atomic():
        code = _new_code(day.year)
        while Message.objects.filter(tracking_code=code).exists():
            code = _new_code(day.year)
        message = Message.objects.create(
            box=box,
            org=box.org,
            tracking_code=code,
            secret_hash=make_password(secret, hasher=settings.GONGKAI_SECRET_HASHER),
            consent_to_publish=bool(consent),
            received_on=day,
            due_date=due.due,
            due_provisional=due.provisional,
            **cleaned,
        )
        audit.record(
            actor=None,
            action="message.received",
            obj=message,
            after={"channel": box.channel, "tracking_code": code, "due_date": due.due},
            org_id=box.org_id,
        )
    return message


@functools.cache
def _stand_in_hash(hasher: str) -> str:
    return make_password("gongkai-no-such-message", hasher=hasher)


def verify_writer(tracking_code: str, secret: str) -> Message:
    """The message whose code and password these are; ``PermissionDenied`` otherwise (the caller
    limits attempts per address, as for applications)."""
    code = (tracking_code or "").strip().upper()[:20]
    found = Message.objects.select_related("org", "box").filter(tracking_code=code).first() if code else None
    # An unknown code costs what a known one costs (a hash is checked either way).
    stored = found.secret_hash if found is not None else _stand_in_hash(settings.GONGKAI_SECRET_HASHER)
    if not check_password(secret or "", stored) or found is None:
        raise PermissionDenied("查询码或查询密码不正确。", code="bad_credentials")
    return found


@transaction.atomic
def message_reveal(*, actor: Actor, message: Message) -> dict[str, str]:
    """The writer's contact details, for the body's working staff; every reveal is logged."""
    policies.require(actor, "message.reveal", message.org)
    audit.record(actor=actor, action="message.reveal", obj=message, org_id=message.org_id)
    return {"writer_name": message.writer_name, "phone": message.phone, "email": message.email}


@transaction.atomic
def message_transition(*, actor: Actor, message: Message, action: str, **params: Any) -> Message:
    """One step of ``workflow.MESSAGE``; ``params`` are the step's parameters, ``reason`` and ``on``."""
    message = lock(Message, message.pk)

    def authorise(step: Transition) -> None:
        policies.require(actor, step.permission, message.org)

    def handle(step: Step) -> None:
        if step.on > timezone.localdate() or step.on < message.received_on:
            raise ValidationFailed("日期应在收到留言之日至今天之间。", code="invalid_date", field="on")
        if action == "reply":
            message.reply = step.params["reply"]
            message.replied_on = step.on
            message.replied_by = user_of(actor)
        elif action == "dismiss":
            message.dismiss_reason = step.reason
        elif action == "convert":
            _convert(actor, message, step)
        elif action == "publish":
            if not message.consent_to_publish:
                raise IllegalTransition("留言人未同意公开，不能公开。", code="no_consent")
            message.published = True
            message.published_question = step.params["question"]
            message.published_reply = step.params["answer"]
            message.published_on = step.on
        elif action == "unpublish":
            if not message.published:
                raise IllegalTransition("该留言未公开。", code="not_published")
            message.published = False

    run_transition(
        workflow.MESSAGE,
        message,
        action=action,
        actor=actor,
        raw=params,
        today=timezone.localdate(),
        authorise=authorise,
        handle=handle,
        snapshot=snapshot,
    )
    if action == "reply" and message.email:
        # Enqueued with the reply: the writer is told if and only if the reply commits.
        enqueue(mail_reply_notice, message.pk)
    return message


def _convert(actor: Actor, message: Message, step: Step) -> None:
    """Register the application the message really is (Art. 29: 数据电文; received the day the body
    confirms it, Art. 31). The writer follows it with the message's password."""
    p = step.params
    submitted = applications.register(
        actor=actor,
        org=message.org,
        channel=ApplicationChannel.ONLINE,
        applicant={
            "applicant_type": p["applicant_type"],
            "applicant_name": message.writer_name,
            "id_number": p["id_number"],
            "contact_person": p.get("contact_person") or "",
            "phone": message.phone,
            "email": message.email,
            "description": p["description"],
            "delivery_form": p["delivery_form"],
            "delivery_way": p["delivery_way"],
        },
        confirmed_on=step.on,
    )
    app = submitted.application
    app.secret_hash = message.secret_hash  # the same hasher: the writer's password opens both
    app.save(update_fields=["secret_hash"])
    message.application = app


@transaction.atomic
def message_rate(*, message: Message, satisfaction: str) -> Message:
    """The writer's rating of the reply (the caller has checked the code and password): once, and
    only after a reply."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.state != MessageState.REPLIED:
        raise IllegalTransition("答复后才能评价。", code="not_replied")
    if message.satisfaction:
        raise IllegalTransition("已经评价过了。", code="already_rated")
    if satisfaction not in Satisfaction.values:
        raise ValidationFailed("请选择满意度。", code="required", field="satisfaction")
    message.satisfaction = satisfaction
    message.save(update_fields=["satisfaction", "updated_at"])
    audit.record(
        actor=None, action="message.rated", obj=message, after={"satisfaction": satisfaction}, org_id=message.org_id
    )
    return message


@transaction.atomic
def tally_enter(
    *, actor: Actor, org: Organisation, channel: str, year: int, month: int, count: int, source: str
) -> OfflineTally:
    """A month's count for a channel outside the platform, with where it comes from; entering the
    same month again replaces it (the trail keeps both)."""
    user = policies.require(actor, "message.reply", org)
    if channel not in OfflineChannel.values:
        raise ValidationFailed("渠道不正确。", code="invalid_choice", field="channel")
    check_past_month(year, month)
    if not 0 <= count <= 10_000_000:
        raise ValidationFailed("件数应为0至10000000。", code="out_of_range", field="count")
    source = source.strip()
    if not source or has_control_characters(source):
        raise ValidationFailed("请写明数据来源（如热线系统导出、接待登记簿）。", code="required", field="source")
    return replace_month(
        OfflineTally,
        subject={"org": org, "channel": channel},
        year=year,
        month=month,
        figures={"count": count},
        source=source[:200],
        actor=actor,
        entered_by=user,
        action="message.tally_entered",
        org_id=org.pk,
        shown={"channel": channel},
    )
