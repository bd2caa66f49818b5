"""The handling of an application, as one explicit state machine (spec §7, on Art. 45's
登记 → 审核 → 办理 → 答复 → 归档).

    received ─accept→ in_review ─reply→ replied ─archive→ archived
    received/in_review ─request_correction→ correction_requested ─receive_correction→ in_review
                                  (Art. 30: within 7 working days of receipt; the clock restarts)
                                  correction_requested ─abandon→ closed (O1, after the correction period)
    in_review ─consult→ consulting ─end_consultation→ in_review          (Art. 32, 34: paused)
    in_review ─propose_extension / approve_extension / decline_extension→ in_review  (Art. 33(2))
    in_review ─fee_notice→ fee_notice_sent ─fee_paid→ in_review           (国办函〔2020〕109号: paused)
                           fee_notice_sent ─fee_lapsed→ closed (O2, after 20 working days)
    received/in_review ─reply→ replied   (a reply on the spot is allowed: Art. 33(1))
    received/in_review ─not_gi→ closed   (Art. 39(1): a petition, complaint or report; row N1)
    in_review ─ask_reasons / record_reasons / set_longer_period→ in_review   (Art. 35)
    in_review ─disclose_over_objection→ in_review   (Art. 32: public interest; the third party is told)
    closed ─archive→ archived

The applicant's own steps, taken on the tracking page after proving the case with code and secret
(no staff permission; ``APPLICANT_TRANSITIONS``):

    correction_requested ─submit_correction→ in_review    (Art. 30; the clock restarts)
    any open state ─withdraw→ closed                       (撤回; table 三 row O3, spec §9)

A transition names the permission checked in ``orgs.policies`` and what it needs written down.
Guards that depend on dates or amounts (the 7-day limit for correction, the periods that must have
run out) are checked in ``services``; this table is the whole of which step may follow which.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.applications.models import State as S


@dataclass(frozen=True)
class Transition:
    action: str
    permission: str
    sources: tuple[str, ...]
    target: str
    label: str
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("accept", "application.handle", (S.RECEIVED,), S.IN_REVIEW, "审核通过，开始办理"),
    # Art. 30: within 7 working days of receipt, whether or not the application was already accepted.
    Transition(
        "request_correction", "application.handle", (S.RECEIVED, S.IN_REVIEW), S.CORRECTION_REQUESTED, "告知补正"
    ),
    Transition("receive_correction", "application.handle", (S.CORRECTION_REQUESTED,), S.IN_REVIEW, "收到补正"),
    Transition("abandon", "application.handle", (S.CORRECTION_REQUESTED,), S.CLOSED, "逾期未补正，视为放弃"),
    Transition("consult", "application.handle", (S.IN_REVIEW,), S.CONSULTING, "征求意见"),
    Transition("end_consultation", "application.handle", (S.CONSULTING,), S.IN_REVIEW, "征求意见结束"),
    Transition("propose_extension", "application.handle", (S.IN_REVIEW,), S.IN_REVIEW, "提请延期", needs_reason=True),
    Transition("approve_extension", "application.approve_extension", (S.IN_REVIEW,), S.IN_REVIEW, "批准延期"),
    Transition("decline_extension", "application.approve_extension", (S.IN_REVIEW,), S.IN_REVIEW, "不同意延期"),
    Transition("fee_notice", "application.handle", (S.IN_REVIEW,), S.FEE_NOTICE_SENT, "发出收费通知"),
    Transition("fee_paid", "application.handle", (S.FEE_NOTICE_SENT,), S.IN_REVIEW, "已缴费"),
    Transition("fee_lapsed", "application.handle", (S.FEE_NOTICE_SENT,), S.CLOSED, "逾期未缴费，视为放弃"),
    # Art. 35: numerous or frequent requests.
    Transition("ask_reasons", "application.handle", (S.IN_REVIEW,), S.IN_REVIEW, "要求说明理由"),
    Transition("record_reasons", "application.handle", (S.IN_REVIEW,), S.IN_REVIEW, "记录申请人说明的理由"),
    Transition(
        "set_longer_period",
        "application.handle",
        (S.IN_REVIEW,),
        S.IN_REVIEW,
        "确定延迟答复的合理期限",
        needs_reason=True,
    ),
    # Art. 32: disclosure despite the third party's objection, for the public interest.
    Transition(
        "disclose_over_objection",
        "application.handle",
        (S.IN_REVIEW,),
        S.IN_REVIEW,
        "决定予以公开并书面告知第三方",
        needs_reason=True,
    ),
    Transition("reply", "application.handle", (S.RECEIVED, S.IN_REVIEW), S.REPLIED, "答复"),
    Transition("not_gi", "application.handle", (S.RECEIVED, S.IN_REVIEW), S.CLOSED, "不作为政府信息公开申请处理"),
    Transition("archive", "application.handle", (S.REPLIED, S.CLOSED), S.ARCHIVED, "归档"),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}

_OPEN = (S.RECEIVED, S.CORRECTION_REQUESTED, S.IN_REVIEW, S.CONSULTING, S.FEE_NOTICE_SENT)
APPLICANT_TRANSITIONS: dict[str, Transition] = {
    "submit_correction": Transition(
        "submit_correction", "applicant", (S.CORRECTION_REQUESTED,), S.IN_REVIEW, "提交补正"
    ),
    "withdraw": Transition("withdraw", "applicant", _OPEN, S.CLOSED, "撤回申请"),
}


def applicant_may(action: str, state: str) -> bool:
    step = APPLICANT_TRANSITIONS.get(action)
    return step is not None and state in step.sources


def transition_for(action: str, state: str) -> Transition | None:
    t = BY_ACTION.get(action)
    return t if t is not None and state in t.sources else None


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if state in t.sources]
