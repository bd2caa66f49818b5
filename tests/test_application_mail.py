"""Mail to applicants and staff, through a real SMTP server listening on localhost (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gongkai.applications import clock, services
from gongkai.applications.models import Application, Letter
from gongkai.core import jobs
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Role
from tests.conftest import Inbox, body, free_port, make_org, make_user
from tests.test_applications import TODAY, applicant


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


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
def test_a_notice_the_server_refuses_is_sent_again_later(smtp: Inbox, today: dt.date, settings: Any) -> None:
    """The step never waits for the mail server: the notice is a job; refused, it is tried again
    later (the queue's retries: tests/test_jobs.py), and the letter is kept meanwhile."""
    org = make_org("呼和浩特市财政局")
    live_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # the mail server is down
    app = services.submit_online(
        org=org, applicant=applicant(), secret="my-secret", today=dt.date(2026, 11, 3)
    ).application
    letter = Letter.objects.get(application=app)
    assert letter.emailed_at is None and letter.email_attempts == 1 and smtp.messages == []
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now()
    settings.EMAIL_PORT = live_port
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    assert jobs.run_ready() == 1
    assert len(smtp.messages) == 1 and app.tracking_code in body(smtp.messages[0][1])
    letter.refresh_from_db()
    assert letter.emailed_at is not None
