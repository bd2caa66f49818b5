"""The daily digest by e-mail (issue 22 §6): each person, once a day, what needs action at the bodies
they work at and, for supervisors, below their offices — applications and catalogue items due soon
or overdue, messages unanswered past their limit, findings to answer, to decide or overdue — as they
chose (``DigestPreference``). Counts and tracking codes only: no applicant's or writer's details.

The nightly job (``supervision.jobs``) is idempotent: a person's digest of a day is recorded
(``DigestSent``) in the transaction that sends it, so a job run again sends nothing twice; it returns
what it sent. Nothing to say, no mail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q

from gongkai.applications.models import Application
from gongkai.applications.selectors import due_soon_horizon
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors import OPEN_STATES
from gongkai.interaction.models import Message, MessageState
from gongkai.orgs import policies
from gongkai.supervision.models import DigestPreference, DigestSent, Finding, FindingState

LISTED = 10  # tracking codes and titles named per line; the rest counted


def _named(values: list[str]) -> str:
    more = f"等{len(values)}项" if len(values) > LISTED else ""
    return "、".join(values[:LISTED]) + more


def lines_for(user: User, today: dt.date, pref: DigestPreference | None = None) -> list[str]:
    """What the person's digest says today (empty: nothing needs them)."""
    pref = pref or DigestPreference(user=user)
    out: list[str] = []
    handles = policies.orgs_where(user, "application.handle")
    if pref.applications:
        for org in handles:
            horizon = due_soon_horizon(org, today)
            open_apps = Application.objects.filter(org=org, is_open=True, due_date__isnull=False)
            overdue = list(
                open_apps.filter(due_date__lt=today).order_by("due_date").values_list("tracking_code", flat=True)
            )
            soon = list(
                open_apps.filter(due_date__gte=today, due_date__lte=horizon)
                .order_by("due_date")
                .values_list("tracking_code", flat=True)
            )
            if overdue:
                out.append(f"{org.name}：{len(overdue)}件申请已逾期未答复（{_named(overdue)}）。")
            if soon:
                out.append(f"{org.name}：{len(soon)}件申请将于{horizon:%m月%d日}前到期（{_named(soon)}）。")
    if pref.catalogue:
        for org in policies.orgs_where(user, "document.create"):
            unpublished = list(
                Document.objects.filter(org=org, state__in=OPEN_STATES, publish_due__lt=today).values_list(
                    "title", flat=True
                )
            )
            if unpublished:
                out.append(f"{org.name}：{len(unpublished)}条信息已过第二十六条的公开期限（{_named(unpublished)}）。")
    if pref.messages:
        for org in policies.orgs_where(user, "message.reply"):
            n = Message.objects.filter(org=org, state=MessageState.RECEIVED, due_date__lt=today).count()
            if n:
                out.append(f"{org.name}：{n}件留言已超过答复时限。")
    if pref.findings:
        for org in policies.orgs_where(user, "finding.respond"):
            for f in Finding.objects.filter(org=org, state=FindingState.OPEN).order_by("due_date"):
                when = "已逾期" if f.due_date < today else f"期限{f.due_date:%m月%d日}"
                out.append(f"{org.name}：督查问题“{f.title}”待整改（{when}）。")
        for office in policies.offices_supervised(user):
            below = Q(org__path__startswith=office.path) & ~Q(org=office)
            to_decide = Finding.objects.filter(below, office=office, state=FindingState.RESPONDED).count()
            late = Finding.objects.filter(below, office=office, state=FindingState.OPEN, due_date__lt=today).count()
            if to_decide:
                out.append(f"{office.name}：{to_decide}个督查问题的整改情况待审核。")
            if late:
                out.append(f"{office.name}：{late}个督查问题整改逾期。")
    return out


@dataclass
class DigestRun:
    day: dt.date
    sent: list[str] = field(default_factory=list)  # usernames
    nothing_to_say: int = 0
    already_sent: int = 0
    turned_off: int = 0


def send_digests(today: dt.date) -> DigestRun:
    """Send the day's digests to every active person with an e-mail address; idempotent."""
    run = DigestRun(today)
    prefs = {p.user_id: p for p in DigestPreference.objects.all()}
    users = get_user_model().objects.filter(is_active=True).exclude(email="").order_by("pk")
    for user in users:
        pref = prefs.get(user.pk)
        if pref is not None and not pref.enabled:
            run.turned_off += 1
            continue
        if DigestSent.objects.filter(user=user, day=today).exists():
            run.already_sent += 1
            continue
        lines = lines_for(user, today, pref)
        if not lines:
            run.nothing_to_say += 1
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, day=today, lines=lines)
                _mail(user, today, lines)
        except IntegrityError:  # another run recorded it first
            run.already_sent += 1
            continue
        run.sent.append(user.get_username())
    return run


def _mail(user: User, today: dt.date, lines: list[str]) -> None:
    body = "\n".join(
        [
            f"{user.get_full_name() or user.get_username()}：",
            f"截至{today:%Y年%-m月%-d日}，以下事项需要办理：",
            *(f"· {line}" for line in lines),
            "",
            f"请登录政府信息公开工作台办理：{settings.GONGKAI_PUBLIC_URL}/workbench/",
            f"修改提醒内容：{settings.GONGKAI_PUBLIC_URL}/workbench/digest/",
            "本邮件由系统发送，请勿直接回复。",
        ]
    )
    EmailMessage(
        subject=f"【政府信息公开】每日待办提醒（{today:%Y-%m-%d}）",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Message-ID": f"<digest-{user.pk}-{today:%Y%m%d}@gongkai>"},
    ).send()
