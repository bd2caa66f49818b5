"""Handling: every change of an application's state goes through ``_run`` (and so through
``core.workflow.run_transition``) — the staff steps of
``workflow.TRANSITIONS`` (``transition``, with ``preview`` to see their letters first) and the
applicant's own steps of ``workflow.APPLICANT_TRANSITIONS`` (correction, withdrawal), and the rating
after a reply."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.applications import clock, deadlines, workflow
from gongkai.applications.models import (
    OPEN_STATES,
    Application,
    ApplicationFile,
    Letter,
    Satisfaction,
    Timeliness,
)
from gongkai.applications.services.common import issue_letter, pauses_of, recompute_deadline, snapshot
from gongkai.applications.services.intake import StoredFiles, store_file
from gongkai.applications.services.steps import HANDLERS, LetterContext, close_case
from gongkai.applications.uploads import Upload, check_uploads
from gongkai.calendars.services import WorkingCalendar
from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, ValidationFailed
from gongkai.core.text import has_control_characters, strip_control_characters
from gongkai.core.types import Actor
from gongkai.core.workflow import Step, Transition, Workflow, lock, run_transition
from gongkai.orgs import policies

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
    day = today or clock.today()
    with StoredFiles() as stored, transaction.atomic():
        app = lock(Application, application.pk)
        if not workflow.applicant_may("submit_correction", app.state):
            raise IllegalTransition("本申请目前不需要补正。", code="not_awaiting_correction")
        for upload in uploads:
            store_file(app, upload, ApplicationFile.Kind.CORRECTION, stored)

        def correct(step: Step) -> None:
            app.correction_received_on = step.on
            app.correction_text = text
            app.clock_start = step.on  # Art. 30: "答复期限自行政机关收到补正的申请之日起计算".

        # Recorded as the staff step of the same name: the body received the correction.
        _run(
            app, workflow.APPLICANT, "submit_correction", actor=None, on=day, handle=correct, event="receive_correction"
        )
    return app


def applicant_withdraw(*, application: Application, reason: str = "", today: dt.date | None = None) -> Application:
    """The applicant withdraws an open application (撤回). The case closes; it counts in table 三
    under （六）其他处理 3.其他 (spec §9) and the body sends a letter confirming the closure."""
    reason = strip_control_characters(reason or "").strip()[:500]
    day = today or clock.today()
    with transaction.atomic():
        app = lock(Application, application.pk)
        if not workflow.applicant_may("withdraw", app.state):
            raise IllegalTransition("本申请已经答复或终止处理，不能撤回。", code="not_withdrawable")

        def withdraw(step: Step) -> None:
            # A consultation or a wait for a fee that still runs ends with the case.
            app.pauses.filter(end__isnull=True).update(end=step.on)
            app.withdrawn_on = step.on
            close_case(app, step.on, "O3", f"申请人撤回申请。{reason}" if reason else "申请人撤回申请。")

        _run(app, workflow.APPLICANT, "withdraw", actor=None, on=day, handle=withdraw, reason=reason)
    return app


@transaction.atomic
def applicant_rate(*, application: Application, rating: str, comment: str = "") -> Application:
    """After the reply, the applicant rates the handling once: 满意, 基本满意 or 不满意, with an
    optional comment (社会评议, whose results a government's report states, Art. 50(4); counted by
    the supervision figures)."""
    if rating not in Satisfaction.values:
        raise ValidationFailed("请选择满意、基本满意或不满意。", code="required", field="rating")
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationFailed("评价意见不能超过500个字。", code="too_long", field="comment")
    if has_control_characters(comment, multiline=True):
        raise ValidationFailed("评价意见含有控制字符，请删除后重新填写。", code="invalid_characters", field="comment")
    app = lock(Application, application.pk)
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
    if on > clock.today():
        raise ValidationFailed("日期不能晚于今天。", code="future_date", field="on")
    if on < app.received_on:
        raise ValidationFailed("日期不能早于收到申请的日期。", code="before_receipt", field="on")


@transaction.atomic
def transition(*, actor: Actor | None, application: Application, action: str, **params: Any) -> Application:
    """The single entry point for staff steps. ``params`` are what the step declares in
    ``workflow.TRANSITIONS``, with ``on`` (the day of the step, default today) and ``reason``; they
    may come typed (from code and the API) or as typed by a person (from a form). An illegal step
    raises and changes nothing."""
    app = lock(Application, application.pk)
    cal = WorkingCalendar(app.org)

    def handle(step: Step) -> LetterContext | None:
        _check_on(step.on, app)
        context = HANDLERS[action](app, actor=actor, on=step.on, cal=cal, reason=step.reason, **step.params)
        if action in ("reply", "not_gi", "answer_enquiry"):
            _record_timeliness(app, step.on, cal)
        return context

    def authorise(step: Transition) -> None:
        policies.require(actor, step.permission, app.org)

    _run(app, workflow.STAFF, action, actor=actor, handle=handle, raw=params, authorise=authorise, calendar=cal)
    return app


def _applicant_proved(step: Transition) -> None:
    """The applicant's steps need no staff permission: the tracking code and secret proved the case
    before the service was called (``access``)."""


def _run(
    app: Application,
    flow: Workflow,
    action: str,
    *,
    actor: Actor | None,
    handle: Callable[[Step], LetterContext | None],
    on: dt.date | None = None,
    raw: dict[str, Any] | None = None,
    reason: str = "",
    authorise: Callable[[Transition], None] = _applicant_proved,
    event: str = "",
    calendar: WorkingCalendar | None = None,
) -> Step:
    """Every change of an application's state, the staff's and the applicant's: ``run_transition``
    checks the step, runs the handler, sets the state and records the event; here ``is_open``
    follows the state, the deadline is recomputed, and the step's letter is issued with what the
    handler added to it."""
    cal = calendar or WorkingCalendar(app.org)
    letter_context: LetterContext = {}

    def run(step: Step) -> None:
        letter_context.update(handle(step) or {})

    def settle(step: Step) -> None:
        app.is_open = app.state in OPEN_STATES
        recompute_deadline(app, cal)

    sent = dict(raw or {})
    if on is not None:
        sent["on"] = on
    if reason:
        sent["reason"] = reason
    taken = run_transition(
        flow,
        app,
        action=action,
        actor=actor,
        raw=sent,
        today=clock.today(),
        authorise=authorise,
        handle=run,
        snapshot=snapshot,
        settle=settle,
        event=event,
    )
    if taken.transition.letter:
        issue_letter(app, taken.transition.letter, on=taken.on, **letter_context)
    return taken


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


def preview(*, actor: Actor | None, application: Application, action: str, **params: Any) -> list[LetterPreview]:
    """The letters a step would issue, composed exactly as the step composes them and after every
    check the step makes (it raises the same errors). The step runs in a transaction that is then
    rolled back: nothing is saved, logged or mailed (mail waits for a commit that never comes)."""
    existing = set(Letter.objects.filter(application=application).values_list("pk", flat=True))
    try:
        with transaction.atomic():
            app = transition(actor=actor, application=application, action=action, **params)
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
        base = deadlines.reply_due(app.clock_start, cal, pauses=pauses_of(app), extension=0).due
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
