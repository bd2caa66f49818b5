"""One handler per staff step of ``workflow.TRANSITIONS`` (Art. 30–39 and the fee measure): each
checks the guards that depend on the case (dates, what came before) and changes the application,
and may return what the step's letter needs besides the case. The table has already checked the
parameters' types and bounds; ``handling.transition`` locks, moves the state, issues the letter and
records the event.

Over 400 lines on purpose: the handlers are read side by side with the table they implement, one
function per row, and each stays short."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from gongkai.applications import deadlines, disclosed, letters, selectors, workflow
from gongkai.applications.fees import fee as compute_fee
from gongkai.applications.models import (
    Application,
    DeliveryForm,
    Pause,
    State,
)
from gongkai.applications.outcomes import BY_CODE, REPLY_TYPES
from gongkai.calendars.services import WorkingCalendar
from gongkai.core.errors import IllegalTransition, ValidationFailed
from gongkai.core.types import Actor, user_of

# What a handler adds to the letter its step issues (the party written to, the content decided).
LetterContext = dict[str, Any]


def _accept(app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str) -> None:
    """Nothing to record but the new state (审核通过)."""


def _request_correction(
    app: Application,
    *,
    actor: Actor,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    items: str = "",
    period: int = 15,
) -> None:
    if app.correction_requested_on is not None:
        raise IllegalTransition("补正只能一次性告知，本申请已告知过补正。", code="correction_once")
    # Art. 30: within 7 working days of receipt.
    limit = cal.add_working_days(app.received_on, deadlines.CORRECTION_NOTICE_DAYS).due
    if on > limit:
        raise IllegalTransition(
            f"补正告知应自收到申请之日起7个工作日内作出（至{limit:%Y年%m月%d日}），已超过期限。",
            code="correction_too_late",
        )
    app.correction_requested_on = on
    app.correction_items = items
    due = cal.add_working_days(on, period)
    app.correction_due, app.correction_due_provisional = due.due, due.provisional


def _abandon(app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str) -> None:
    if app.correction_due is None:  # the workflow allows abandon only after a request for correction
        raise IllegalTransition("本申请没有告知补正，不能按逾期未补正处理。", code="no_correction_requested")
    if on <= app.correction_due:
        raise IllegalTransition(
            f"补正期限至{app.correction_due:%Y年%m月%d日}，期限届满后才能按放弃申请处理。", code="period_running"
        )
    close_case(app, on, "O1", reason)


def _receive_correction_step(
    app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str, text: str = ""
) -> None:
    app.correction_received_on = on
    app.correction_text = (text or reason).strip()
    app.clock_start = on  # Art. 30


def _consult(
    app: Application,
    *,
    actor: Actor,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    party: str,
    kind: str,
) -> LetterContext:
    due = cal.add_working_days(on, deadlines.CONSULTATION_DAYS)
    Pause.objects.create(
        application=app, kind=kind, party=party, begin=on, period_due=due.due, period_provisional=due.provisional
    )
    return {"party": party, "consultation": letters.consultation_text(kind)}  # for the letter


def _end_consultation(
    app: Application,
    *,
    actor: Actor,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    opinion: str = "",
    objected: bool = False,
) -> None:
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
    actor: Actor,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    content: str,
) -> LetterContext:
    """Art. 32: "行政机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，并将决定公开的政府信息
    内容和理由书面告知第三方". The decision, its reason and the letter to the third party are recorded."""
    pause = app.pauses.filter(
        kind=Pause.Kind.THIRD_PARTY, objected=True, disclosed_over_objection_on__isnull=True
    ).last()
    if pause is None:
        raise IllegalTransition(
            "只有第三方不同意公开的，才需要作出“决定予以公开”；请先在征求意见结束时记录第三方的反对意见。",
            code="no_objection",
        )
    pause.disclosed_over_objection_on = on
    pause.disclosure_content = content
    pause.disclosure_reason = reason
    pause.save()
    return {"party": pause.party, "content": content, "ground": reason}  # for the letter to the third party


def _ask_reasons(
    app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str, period: int = 10
) -> None:
    """Art. 35: "申请人申请公开政府信息的数量、频次明显超过合理范围，行政机关可以要求申请人说明理由"."""
    if app.art35_asked_on is not None:
        raise IllegalTransition("已经要求申请人说明过理由。", code="already_asked")
    app.art35_asked_on = on
    due = cal.add_working_days(on, period)
    app.art35_reasons_due, app.art35_reasons_due_provisional = due.due, due.provisional


def _record_reasons(
    app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str, text: str = ""
) -> None:
    if app.art35_asked_on is None:
        raise IllegalTransition("没有要求申请人说明理由。", code="not_asked")
    app.art35_reasons = text


def _set_longer_period(
    app: Application,
    *,
    actor: Actor,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    until: dt.date,
) -> None:
    """Art. 35: "申请理由合理，但是无法在本条例第三十三条规定的期限内答复申请人的，可以确定延迟答复的合理
    期限并告知申请人". Decided, like an extension, while the reply period still runs."""
    if app.art35_asked_on is None:
        raise IllegalTransition("须先要求申请人说明理由（第三十五条）。", code="not_asked")
    if app.art35_due is not None:
        raise IllegalTransition("已经确定过延迟答复的期限。", code="already_set")
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
    app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str, days: int = 0
) -> None:
    if app.extension_days:
        raise IllegalTransition("本申请已经延期，延长的期限最长不得超过20个工作日。", code="already_extended")
    if app.due_date and on > app.due_date:
        raise IllegalTransition(
            f"答复期限（{app.due_date:%Y年%m月%d日}）已过，不能再提请延期；请尽快答复。", code="already_overdue"
        )
    app.extension_proposed_days = days
    app.extension_reason = reason


def _approve_extension(app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str) -> None:
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
    app.extension_approved_by = user_of(actor)
    app.extension_approved_on = on


def _decline_extension(app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str) -> None:
    if not app.extension_proposed_days:
        raise IllegalTransition("没有待批准的延期申请。", code="no_extension_proposed")
    app.extension_proposed_days = 0


def _fee_notice(
    app: Application,
    *,
    actor: Actor,
    on: dt.date,
    cal: WorkingCalendar,
    reason: str,
    pages: int | None = None,
) -> None:
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
    due = cal.add_working_days(on, deadlines.FEE_PAYMENT_DAYS)
    app.fee_due, app.fee_due_provisional = due.due, due.provisional
    # Choice to review (docs/applications.md): the time to pay does not count against the reply deadline.
    Pause.objects.create(
        application=app,
        kind=Pause.Kind.FEE,
        party="申请人",
        begin=on,
        period_due=app.fee_due,
        period_provisional=due.provisional,
    )


def _fee_paid(app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str) -> None:
    if app.fee_notice_on is None:
        raise IllegalTransition("本申请没有发出收费通知。", code="no_fee_notice")
    if on < app.fee_notice_on:
        raise ValidationFailed("缴费日期不能早于收费通知日期。", code="before_begin", field="on")
    app.fee_paid_on = on
    app.pauses.filter(kind=Pause.Kind.FEE, end__isnull=True).update(end=on)


def _fee_lapsed(app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str) -> None:
    if app.fee_due is None:
        raise IllegalTransition("本申请没有发出收费通知。", code="no_fee_notice")
    if on <= app.fee_due:
        raise IllegalTransition(
            f"缴费期限至{app.fee_due:%Y年%m月%d日}，期限届满后才能按放弃申请处理。", code="period_running"
        )
    app.pauses.filter(kind=Pause.Kind.FEE, end__isnull=True).update(end=app.fee_due)
    close_case(app, on, "O2", reason)


def _reply(
    app: Application,
    *,
    actor: Actor,
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
) -> None:
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


def _not_gi(app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str, text: str = "") -> None:
    # Art. 39(1): a petition, complaint or report is not handled as an application; row N1.
    app.reply_type = "NOT_HANDLED"
    app.outcome = "N1"
    app.outcome_basis = BY_CODE["N1"].basis
    app.reply_text = (text or reason).strip()
    app.replied_on = on


def _answer_enquiry(
    app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str, text: str = ""
) -> None:
    # A consultation, not a request for information held: answered and closed, row O3 (其他).
    app.reply_type = "CLOSED"
    app.outcome = "O3"
    app.outcome_basis = BY_CODE["O3"].basis
    app.reply_text = (text or reason).strip()
    app.replied_on = on


def _archive(app: Application, *, actor: Actor, on: dt.date, cal: WorkingCalendar, reason: str) -> None:
    app.archived_on = on


def close_case(app: Application, on: dt.date, outcome: str, reason: str) -> None:
    app.reply_type = "CLOSED"
    app.outcome = outcome
    app.outcome_basis = BY_CODE[outcome].basis
    app.reply_text = reason
    app.replied_on = on


HANDLERS: dict[str, Callable[..., LetterContext | None]] = {
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
    "answer_enquiry": _answer_enquiry,
    "archive": _archive,
    "ask_reasons": _ask_reasons,
    "record_reasons": _record_reasons,
    "set_longer_period": _set_longer_period,
    "disclose_over_objection": _disclose_over_objection,
}
if set(HANDLERS) != set(workflow.BY_ACTION):  # checked at import: a step without a handler never ships
    raise ImportError(f"transitions without a handler: {sorted(set(workflow.BY_ACTION) ^ set(HANDLERS))}")
