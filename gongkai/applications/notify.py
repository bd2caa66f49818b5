"""E-mail: to the applicant when a letter is issued, and to the handling staff before a deadline.

Mail goes through Django's SMTP backend (EMAIL_HOST/EMAIL_PORT). Messages never carry the
applicant's ID number or other personal data beyond their name; the letter itself is read on the
portal after signing in with the tracking code and secret. A mail that cannot be sent is logged
and does not undo the step that caused it: the letter is kept and shown either way.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connections
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from gongkai.applications.models import Application, Letter, LetterKind
from gongkai.calendars.services import CalendarCache
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation

log = logging.getLogger(__name__)


MAX_ATTEMPTS = 5


def letter_issued(letter_id: int) -> None:
    """Called when the step that issued the letter has committed. The mail goes out from a
    background thread, so a slow or unreachable mail server never holds up the applicant's or the
    clerk's page; a notice that fails is sent again by the nightly scan (``send_pending``)."""
    if settings.GONGKAI_MAIL_IN_BACKGROUND:
        threading.Thread(target=_send_in_thread, args=(letter_id,), daemon=True).start()
    else:
        send_letter_notice(letter_id)


def _send_in_thread(letter_id: int) -> None:
    try:
        send_letter_notice(letter_id)
    finally:
        connections.close_all()  # the thread's own database connection


def send_pending(limit: int = 500) -> int:
    """Letter notices not yet mailed (the server was down, the process stopped): try them again."""
    pending = (
        Letter.objects.filter(emailed_at__isnull=True, to_applicant=True, email_attempts__lt=MAX_ATTEMPTS)
        .exclude(application__email="")
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(send_letter_notice(pk) for pk in list(pending))


def mail_applicant(app: Application, subject: str, lines: list[str]) -> None:
    """One mail to the applicant's address, addressed by name, signed as the system; raises OSError
    when the server cannot be reached."""
    body = "\n".join([f"{app.applicant_name}：", *lines, "", "本邮件由系统发送，请勿直接回复。"])
    EmailMessage(
        subject=f"【政府信息公开】{subject}", body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[app.email]
    ).send()


def send_letter_notice(letter_id: int) -> bool:
    letter = Letter.objects.select_related("application", "application__org").get(pk=letter_id)
    app = letter.application
    if not app.email or not letter.to_applicant or letter.emailed_at is not None:
        return False
    lines = [
        f"{app.org.name}就您的政府信息公开申请（查询码 {app.tracking_code}）"
        f"出具了《{letter.title}》（{letter.number}）。",
        f"请登录政府信息公开平台，凭查询码和查询密码查看并下载：{settings.GONGKAI_PUBLIC_URL}/apply/track/",
    ]
    if letter.kind == LetterKind.REPLY:
        lines += _documents_lines(app)
    try:
        mail_applicant(app, f"{letter.title}（{app.tracking_code}）", lines)
    except OSError:
        log.exception("could not send the letter notice for %s", letter.number)
        Letter.objects.filter(pk=letter.pk).update(email_attempts=F("email_attempts") + 1)
        return False
    Letter.objects.filter(pk=letter.pk).update(emailed_at=timezone.now(), email_attempts=F("email_attempts") + 1)
    return True


def _documents_lines(app: Application) -> list[str]:
    """The information the reply provides (Art. 36(1)(2), 37): files are downloaded after signing in
    (the mail never carries them, nor a link that works without the secret); catalogue items are
    public, so their addresses are given."""
    docs = list(app.reply_documents.select_related("item__org"))
    if not docs:
        return []
    lines = ["", "本次答复提供的政府信息："]
    for i, doc in enumerate(docs, 1):
        if doc.item is not None:
            url = f"{settings.GONGKAI_PUBLIC_URL}{reverse('portal:item', args=[doc.item.org.slug, doc.item.pk])}"
            lines.append(f"  {i}. {doc.title}：{url}")
        else:
            lines.append(f"  {i}. {doc.title}（登录上述平台后下载）")
    return lines


@dataclass(frozen=True)
class ScanResult:
    open_applications: int
    due_soon: int
    overdue: int
    reminders_sent: int
    notices_resent: int = 0


def scan(today: dt.date | None = None, *, send: bool = True) -> ScanResult:
    """The nightly scan over every open application: count due-soon and overdue ones and remind the
    handling clerks, once per due date, of what falls due within GONGKAI_DUE_SOON_WORKING_DAYS."""
    today = today or timezone.localdate()
    calendars = CalendarCache()
    window = settings.GONGKAI_DUE_SOON_WORKING_DAYS
    horizon_by_org: dict[int, dt.date] = {}
    due_soon = overdue = 0
    to_remind: dict[int, list[Application]] = {}
    rows = (
        Application.objects.filter(is_open=True, due_date__isnull=False)
        .only("id", "org_id", "due_date", "reminded_for", "tracking_code", "state")
        .order_by()
        .iterator(chunk_size=5000)
    )
    total = 0
    orgs = {o.pk: o for o in Organisation.objects.only("id", "path")}
    for app in rows:
        total += 1
        horizon = horizon_by_org.get(app.org_id)
        if horizon is None:
            # Each body's own calendar (its local holidays) decides what "due soon" means for it.
            horizon = calendars.for_org(orgs[app.org_id]).add_working_days(today, window).due
            horizon_by_org[app.org_id] = horizon
        if app.due_date is None:  # filtered out by the query; kept for the type checker
            continue
        if app.due_date < today:
            overdue += 1
        elif app.due_date <= horizon:
            due_soon += 1
        else:
            continue
        if app.reminded_for != app.due_date:
            to_remind.setdefault(app.org_id, []).append(app)
    sent = resent = 0
    if send:
        if to_remind:
            sent = _send_reminders(to_remind, today)
        resent = send_pending()
    return ScanResult(
        open_applications=total, due_soon=due_soon, overdue=overdue, reminders_sent=sent, notices_resent=resent
    )


def _send_reminders(to_remind: dict[int, list[Application]], today: dt.date) -> int:
    # Those who handle applications at each body (orgs.policies decides who that is).
    by_org = policies.to_remind(list(to_remind), "application.handle")
    org_names = dict(Organisation.objects.filter(pk__in=list(by_org)).values_list("pk", "name"))
    sent = 0
    connection = get_connection()
    for org_id, apps in to_remind.items():
        recipients = sorted(set(by_org.get(org_id, [])))
        if not recipients:
            continue
        lines = [f"{org_names[org_id]}有{len(apps)}件政府信息公开申请即将到期或已经逾期：", ""]
        for app in sorted(apps, key=lambda a: (a.due_date, a.pk)):
            mark = "已逾期" if app.due_date and app.due_date < today else "即将到期"
            lines.append(f"  {app.tracking_code}  {app.get_state_display()}  期限 {app.due_date:%Y-%m-%d}  {mark}")
        lines += ["", f"请登录工作台办理：{settings.GONGKAI_PUBLIC_URL}/workbench/applications/"]
        message = EmailMessage(
            subject=f"【政府信息公开】{len(apps)}件申请即将到期或已逾期",
            body="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
            connection=connection,
        )
        try:
            message.send()
        except OSError:
            log.exception("could not send reminders for organisation %s", org_id)
            continue
        sent += 1
        # One update per due date, not per application.
        by_due: dict[dt.date | None, list[int]] = {}
        for app in apps:
            by_due.setdefault(app.due_date, []).append(app.pk)
        for due, ids in by_due.items():
            Application.objects.filter(pk__in=ids).update(reminded_for=due)
    return sent
