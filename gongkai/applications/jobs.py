"""The applications' durable jobs (``core.jobs``): every mail to an applicant, rendering each issued
letter to DOCX and PDF, and the nightly scan.

A mail job is enqueued inside the step that causes it, so it exists if and only if the step commits;
each is idempotent (a letter's notice is marked sent under a lock; an unlock or reset link is made
when the mail is sent, from the application as it is then; a letter's file is rendered once and kept).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from gongkai.applications import notify, render
from gongkai.applications.models import Application, Letter
from gongkai.core import jobs
from gongkai.core.jobs import enqueue, job

MAIL_TIMEOUT = dt.timedelta(minutes=2)


@job(max_attempts=12, timeout=MAIL_TIMEOUT)
def mail_letter_notice(letter_id: int) -> None:
    notify.send_letter_notice(letter_id)


@job(max_attempts=12, timeout=MAIL_TIMEOUT)
def mail_unlock_link(application_id: int) -> None:
    from gongkai.applications import access  # access enqueues this job

    access.send_unlock_mail(application_id)


@job(max_attempts=6, timeout=MAIL_TIMEOUT)
def mail_reset_link(application_id: int) -> None:
    from gongkai.applications import access  # access enqueues this job

    access.send_reset_mail(application_id)


@job(max_attempts=5, timeout=dt.timedelta(minutes=5), priority=jobs.RENDER)
def render_letter(letter_id: int) -> None:
    """Both files of an issued letter, so that the first download does not wait for Chromium."""
    letter = Letter.objects.filter(pk=letter_id).select_related("application").first()
    if letter is not None:
        for fmt in ("docx", "pdf"):
            render.rendered(letter, fmt)


@dataclass(frozen=True)
class Nightly:
    recomputed: int
    scan: notify.ScanResult


def nightly(today: dt.date | None = None, *, send: bool = True) -> Nightly:
    """Recompute the deadlines that were provisional, then count and remind (docs/operations.md)."""
    from gongkai.applications.services import recompute_provisional  # the services enqueue jobs

    return Nightly(recompute_provisional(), notify.scan(today, send=send))


@job(max_attempts=3, timeout=dt.timedelta(hours=2))
def nightly_scan() -> None:
    nightly()


def after_issue(letter: Letter) -> None:
    """Called by the step that issued ``letter``, inside its transaction: the notice to the applicant
    and the letter's files."""
    if letter.to_applicant and letter.application.email:
        enqueue(mail_letter_notice, letter.pk)
    if settings.GONGKAI_RENDER_AHEAD:
        enqueue(render_letter, letter.pk)


def unlock_link(app: Application) -> None:
    enqueue(mail_unlock_link, app.pk)


def reset_link(app: Application) -> None:
    enqueue(mail_reset_link, app.pk)


def schedule() -> None:
    """The periodic jobs of this app (called at start-up)."""
    jobs.daily("applications_scan", dt.time(6, 15), nightly_scan)
