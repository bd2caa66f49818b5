"""E-mail: to the applicant when a letter is issued, and to the handling staff before a deadline.

Mail goes through Django's SMTP backend (EMAIL_HOST/EMAIL_PORT), always from a durable job
(``applications.jobs``), never from the request: the job is written with the step that causes it,
and a mail the server refuses is tried again with backoff. Messages never carry the applicant's ID
number or other personal data beyond their name; the letter itself is read on the portal after
signing in with the tracking code and secret.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from gongkai.applications.models import Application, Letter, LetterKind
from gongkai.calendars.services import CalendarCache
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation

log = logging.getLogger(__name__)


def mail_applicant(app: Application, subject: str, lines: list[str], *, message_id: str = "") -> None:
    """One mail to the applicant's address, addressed by name, signed as the system; raises OSError
    when the server cannot be reached. ``message_id`` names the mail for good: a mail sent again
    after a worker died between sending and recording it carries the same id, so mail systems and
    the applicant can tell it is the same message."""
    body = "\n".join([f"{app.applicant_name}：", *lines, "", "本邮件由系统发送，请勿直接回复。"])
    headers = {"Message-ID": f"<{message_id}@gongkai>"} if message_id else {}
    EmailMessage(
        subject=f"【政府信息公开】{subject}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[app.email],
        headers=headers,
    ).send()


def send_letter_notice(letter_id: int) -> bool:
    """Mail the applicant that a letter was issued, once: the letter's row is locked while the mail
    goes out, and marked sent in the same transaction. Raises OSError when the server refuses (the
    job tries again); returns whether a mail was sent."""
    with transaction.atomic():
        letter = Letter.objects.select_for_update(of=("self",)).select_related("application__org").get(pk=letter_id)
        app = letter.application
        if not app.email or not letter.to_applicant or letter.emailed_at is not None:
            return False
        try:
            subject = f"{letter.title}（{app.tracking_code}）"
            mail_applicant(app, subject, _notice_lines(letter), message_id=f"letter-{letter.pk}")
        except OSError:
            failed = True
        else:
            failed = False
            sent = {"emailed_at": timezone.now(), "email_attempts": F("email_attempts") + 1}
            Letter.objects.filter(pk=letter.pk).update(**sent)
    if failed:
        Letter.objects.filter(pk=letter_id).update(email_attempts=F("email_attempts") + 1)
        raise OSError(f"could not send the notice of letter {letter_id}")
    return True


def _notice_lines(letter: Letter) -> list[str]:
    app = letter.application
    lines = [
        f"{app.org.name}就您的政府信息公开申请（查询码 {app.tracking_code}）"
        f"出具了《{letter.title}》（{letter.number}）。",
        f"请登录政府信息公开平台，凭查询码和查询密码查看并下载：{settings.GONGKAI_PUBLIC_URL}/apply/track/",
    ]
    if letter.kind == LetterKind.REPLY:
        lines += _documents_lines(app)
    return lines


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
    sent = _send_reminders(to_remind, today) if send and to_remind else 0
    return ScanResult(open_applications=total, due_soon=due_soon, overdue=overdue, reminders_sent=sent)


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
