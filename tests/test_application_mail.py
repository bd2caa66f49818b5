"""Mail to applicants and staff, through a real SMTP server listening on localhost (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import time
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.core.management import call_command

from gongkai.applications import clock, services
from gongkai.applications.models import Application, Letter
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Role
from tests.conftest import make_org, make_user
from tests.test_applications import TODAY, applicant


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


def body(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


@pytest.mark.django_db(transaction=True)
def test_the_applicant_is_mailed_when_a_letter_is_issued(smtp: Inbox, today: dt.date) -> None:
    org = make_org("呼和浩特市财政局")
    clerk = make_user("clerk", org, Role.CLERK)
    app = services.submit_online(
        org=org, applicant=applicant(), secret="my-secret", today=dt.date(2026, 11, 2)
    ).application
    assert len(smtp.messages) == 1
    rcpt, message = smtp.messages[0]
    assert rcpt == ["wang@example.com"]
    assert "登记回执" in str(message["Subject"]) and app.tracking_code in body(message)
    # No personal data beyond the name travels by mail.
    assert app.id_number not in body(message) and app.phone not in body(message)
    services.transition(
        actor=clerk, application=app, action="request_correction", on=dt.date(2026, 11, 3), items="文号"
    )
    assert len(smtp.messages) == 2 and "补正告知书" in str(smtp.messages[1][1]["Subject"])
    assert Letter.objects.filter(application=app, emailed_at__isnull=False).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_failed_step_sends_no_mail(smtp: Inbox, today: dt.date) -> None:
    org = make_org("呼和浩特市财政局")
    clerk = make_user("clerk", org, Role.CLERK)
    app = services.submit_online(
        org=org, applicant=applicant(), secret="my-secret", today=dt.date(2026, 11, 2)
    ).application
    with pytest.raises(ValidationFailed):
        services.transition(actor=clerk, application=app, action="reply", on=dt.date(2026, 11, 3), reply_type="PARTIAL")
    assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_the_nightly_scan_reminds_the_handling_clerks_once(smtp: Inbox, today: dt.date) -> None:
    org = make_org("呼和浩特市财政局")
    quiet = make_org("呼和浩特市教育局")
    clerk = make_user("clerk", org, Role.CLERK)
    get_user_model().objects.filter(pk=clerk.pk).update(email="clerk@example.gov.cn")
    make_user("leader", org, Role.LEADER)
    overdue = services.submit_online(
        org=org, applicant=applicant(email="", delivery_way="post"), secret="my-secret", today=dt.date(2026, 10, 9)
    )
    soon = services.submit_online(
        org=org, applicant=applicant(email="", delivery_way="post"), secret="my-secret", today=dt.date(2026, 11, 2)
    )
    services.submit_online(
        org=org, applicant=applicant(email="", delivery_way="post"), secret="my-secret", today=dt.date(2026, 11, 20)
    )
    services.submit_online(
        org=quiet, applicant=applicant(email="", delivery_way="post"), secret="my-secret", today=dt.date(2026, 11, 20)
    )
    assert smtp.messages == []
    out = StringIO()
    call_command("applications_scan", "--date", "2026-11-26", stdout=out)
    assert "未办结 4 件；即将到期 1 件；已逾期 1 件；发送提醒 1 封" in out.getvalue()
    rcpt, message = smtp.messages[0]
    assert rcpt == ["clerk@example.gov.cn"]
    text = body(message)
    assert overdue.application.tracking_code in text and "已逾期" in text
    assert soon.application.tracking_code in text and "即将到期" in text
    # The same due dates are not reminded twice; a new due date is.
    call_command("applications_scan", "--date", "2026-11-26", stdout=StringIO())
    assert len(smtp.messages) == 1
    Application.objects.filter(pk=soon.application.pk).update(due_date=dt.date(2026, 11, 27))
    call_command("applications_scan", "--date", "2026-11-26", stdout=StringIO())
    assert len(smtp.messages) == 2 and overdue.application.tracking_code not in body(smtp.messages[1][1])


@pytest.mark.django_db(transaction=True)
def test_notices_go_out_in_the_background_and_failures_are_sent_again(
    smtp: Inbox, today: dt.date, settings: Any
) -> None:
    org = make_org("呼和浩特市财政局")
    settings.GONGKAI_MAIL_IN_BACKGROUND = True
    app = services.submit_online(
        org=org, applicant=applicant(), secret="my-secret", today=dt.date(2026, 11, 2)
    ).application
    for _ in range(100):  # the page returned at once; the mail follows from its own thread
        if smtp.messages:
            break
        time.sleep(0.05)
    assert len(smtp.messages) == 1 and app.tracking_code in body(smtp.messages[0][1])
    # The mail server is down for the next one: the letter is kept, the notice waits.
    settings.GONGKAI_MAIL_IN_BACKGROUND = False
    live_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()
    second = services.submit_online(
        org=org, applicant=applicant(), secret="my-secret", today=dt.date(2026, 11, 3)
    ).application
    letter = Letter.objects.get(application=second)
    assert letter.emailed_at is None and letter.email_attempts == 1
    settings.EMAIL_PORT = live_port
    out = StringIO()
    call_command("applications_scan", "--date", "2026-11-04", stdout=out)
    assert "补发文书通知 1 封" in out.getvalue()
    assert len(smtp.messages) == 2 and second.tracking_code in body(smtp.messages[1][1])
    letter.refresh_from_db()
    assert letter.emailed_at is not None
