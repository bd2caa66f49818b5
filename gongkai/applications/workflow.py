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
    received/in_review ─answer_enquiry→ closed   (a consultation, not a request for information; row O3)
    in_review ─ask_reasons / record_reasons / set_longer_period→ in_review   (Art. 35)
    in_review ─disclose_over_objection→ in_review   (Art. 32: public interest; the third party is told)
    closed ─archive→ archived

The applicant's own steps, taken on the tracking page after proving the case with code and secret
(no staff permission; ``APPLICANT_TRANSITIONS``):

    correction_requested ─submit_correction→ in_review    (Art. 30; the clock restarts)
    any open state ─withdraw→ closed                       (撤回; table 三 row O3, spec §9)

Each row is a ``core.workflow.Transition``: the permission checked in ``orgs.policies``, what must
be written down, the parameters the step takes (their bounds are the legal limits on amounts: a
correction period, an extension of at most 20 working days), and the letter it issues. The API and
the workbench build their forms from these rows. Guards that depend on the case (the 7-day limit
for correction, the periods that must have run out) are checked by the step's handler in
``services.steps``; this table is the whole of which step may follow which.
"""

from __future__ import annotations

from gongkai.applications.deadlines import MAX_EXTENSION
from gongkai.applications.models import LetterKind, Pause
from gongkai.applications.models import State as S
from gongkai.applications.outcomes import BY_CODE, REPLY_TYPES
from gongkai.core.workflow import Choices, Param, Transition, Workflow

MAX_PAGES = 1_000_000  # a real request runs to thousands of pages; the fee column holds 元 as an integer


def _reply_types() -> Choices:
    return [(code, label) for code, (label, _) in REPLY_TYPES.items()]


def _outcomes() -> Choices:
    # Grouped by reply type; left empty, the outcome of a type that allows only one is filled in.
    return [(label, [(c, BY_CODE[c].label) for c in codes]) for _, (label, codes) in REPLY_TYPES.items()]


def _consulted() -> Choices:
    return [(Pause.Kind.THIRD_PARTY, "第三方"), (Pause.Kind.AGENCY, "其他机关")]


_NOT_THIS_BODY = "非本机关负责公开（第三十六条第（五）项）"
_QUERY = "属于行政查询事项（第三十六条第（七）项）"
_PARTIAL = "部分公开：不予公开的内容及理由（第三十七条）"

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "accept", "application.handle", (S.RECEIVED,), S.IN_REVIEW, "审核通过，开始办理", public="审核通过，开始办理"
    ),
    # Art. 30: within 7 working days of receipt, whether or not the application was already accepted.
    Transition(
        "request_correction",
        "application.handle",
        (S.RECEIVED, S.IN_REVIEW),
        S.CORRECTION_REQUESTED,
        "告知补正",
        params=(
            Param("items", "需要补正的事项", kind="longtext", required=True),
            Param("period", "补正期限（工作日）", kind="int", default=15, lo=1, hi=60, code="invalid_period"),
        ),
        letter=LetterKind.CORRECTION,
        legend="告知补正（第三十条，一次性告知）",
        public="告知补正",
    ),
    Transition(
        "receive_correction",
        "application.handle",
        (S.CORRECTION_REQUESTED,),
        S.IN_REVIEW,
        "收到补正",
        params=(Param("text", "补正内容", kind="longtext", max_length=5000),),
        legend="收到补正（线下）",
        date_label="收到日期",
        public="收到补正",
    ),
    Transition(
        "abandon",
        "application.handle",
        (S.CORRECTION_REQUESTED,),
        S.CLOSED,
        "逾期未补正，视为放弃",
        letter=LetterKind.CLOSURE,
        style="danger",
        public="逾期未补正，终止处理",
    ),
    Transition(
        "consult",
        "application.handle",
        (S.IN_REVIEW,),
        S.CONSULTING,
        "征求意见",
        params=(
            Param("kind", "征求意见对象类型", kind="choice", default=Pause.Kind.THIRD_PARTY, choices=_consulted),
            Param("party", "对象", required=True, max_length=200),
        ),
        letter=LetterKind.CONSULTATION,
        legend="征求意见（第三十二条、第三十四条，期间不计入答复期限）",
        button="发出征求意见函",
        public="征求意见（期间不计入答复期限）",
    ),
    Transition(
        "end_consultation",
        "application.handle",
        (S.CONSULTING,),
        S.IN_REVIEW,
        "征求意见结束",
        params=(
            Param("opinion", "意见", kind="longtext", max_length=5000),
            Param("objected", "第三方不同意公开（第三十二条）", kind="bool", default=False),
        ),
        legend="征求意见结束",
        date_label="收到意见日期",
        public="征求意见结束",
    ),
    Transition(
        "propose_extension",
        "application.handle",
        (S.IN_REVIEW,),
        S.IN_REVIEW,
        "提请延期",
        needs_reason=True,
        params=(
            Param(
                "days",
                "延长工作日数",
                kind="int",
                default=MAX_EXTENSION,
                lo=1,
                hi=MAX_EXTENSION,
                code="invalid_extension",
            ),
        ),
        legend="提请延期（第三十三条第二款，须经负责人同意）",
    ),
    Transition(
        "approve_extension",
        "application.approve_extension",
        (S.IN_REVIEW,),
        S.IN_REVIEW,
        "批准延期",
        letter=LetterKind.EXTENSION,
        style="primary",
        public="延长答复期限",
    ),
    Transition("decline_extension", "application.approve_extension", (S.IN_REVIEW,), S.IN_REVIEW, "不同意延期"),
    Transition(
        "fee_notice",
        "application.handle",
        (S.IN_REVIEW,),
        S.FEE_NOTICE_SENT,
        "发出收费通知",
        params=(
            Param(
                "pages",
                "页数（按量计收时填写；不填则按件计收）",
                kind="int",
                lo=0,
                hi=MAX_PAGES,
                code="invalid_pages",
            ),
        ),
        letter=LetterKind.FEE,
        legend="收费通知（国办函〔2020〕109号，系统计算）",
        public="发出收费通知",
    ),
    Transition(
        "fee_paid",
        "application.handle",
        (S.FEE_NOTICE_SENT,),
        S.IN_REVIEW,
        "已缴费",
        date_label="缴费日期",
        public="收到信息处理费",
    ),
    Transition(
        "fee_lapsed",
        "application.handle",
        (S.FEE_NOTICE_SENT,),
        S.CLOSED,
        "逾期未缴费，视为放弃",
        letter=LetterKind.CLOSURE,
        style="danger",
        public="逾期未缴费，终止处理",
    ),
    # Art. 35: numerous or frequent requests.
    Transition(
        "ask_reasons",
        "application.handle",
        (S.IN_REVIEW,),
        S.IN_REVIEW,
        "要求说明理由",
        params=(Param("period", "说明理由期限（工作日）", kind="int", default=10, lo=1, hi=30, code="invalid_period"),),
        letter=LetterKind.ART35_REASONS,
        legend="申请数量、频次明显超过合理范围：要求说明理由（第三十五条）",
    ),
    Transition(
        "record_reasons",
        "application.handle",
        (S.IN_REVIEW,),
        S.IN_REVIEW,
        "记录申请人说明的理由",
        params=(
            Param("text", "申请人说明的理由", kind="longtext", required=True, max_length=5000, current="art35_reasons"),
        ),
        legend="申请人说明的理由（第三十五条）",
    ),
    Transition(
        "set_longer_period",
        "application.handle",
        (S.IN_REVIEW,),
        S.IN_REVIEW,
        "确定延迟答复的合理期限",
        needs_reason=True,
        params=(Param("until", "延迟答复的期限", kind="date", required=True),),
        letter=LetterKind.ART35_DELAY,
        legend="理由合理但无法按期答复：确定延迟答复的合理期限（第三十五条）",
        reason_label="无法按期答复的原因",
    ),
    # Art. 32: disclosure despite the third party's objection, for the public interest.
    Transition(
        "disclose_over_objection",
        "application.handle",
        (S.IN_REVIEW,),
        S.IN_REVIEW,
        "决定予以公开并书面告知第三方",
        needs_reason=True,
        params=(Param("content", "决定公开的政府信息内容", kind="longtext", required=True),),
        letter=LetterKind.THIRD_PARTY_DECISION,
        legend="第三方不同意公开，但不公开可能对公共利益造成重大影响（第三十二条）",
        reason_label="理由（公共利益）",
    ),
    # Art. 36-39; the letter is shown and confirmed before it is issued (issue 18 §6).
    Transition(
        "reply",
        "application.handle",
        (S.RECEIVED, S.IN_REVIEW),
        S.REPLIED,
        "答复",
        params=(
            Param("reply_type", "答复类型", kind="choice", required=True, choices=_reply_types),
            Param(
                "outcome",
                "办理结果（年报表三的行）",
                kind="choice",
                default="",
                choices=_outcomes,
                hint="按答复类型自动确定",
            ),
            Param("text", "答复内容或理由", kind="longtext", default="", max_length=20000),
            Param(
                "withheld",
                "不予公开的内容及理由",
                kind="rows",
                columns=(("item", "不予公开的内容"), ("reason", "不予公开的理由")),
                group=_PARTIAL,
            ),
            Param(
                "query_law",
                "适用的法律、行政法规",
                max_length=200,
                default="",
                hint="如：《不动产登记暂行条例》及其实施细则",
                group=_QUERY,
            ),
            Param(
                "query_where",
                "向哪个机关或场所申请查询",
                max_length=200,
                default="",
                hint="如：呼和浩特市不动产登记中心（地址、电话）",
                group=_QUERY,
            ),
            Param("competent_body", "负责公开的机关名称及联系方式", max_length=200, default="", group=_NOT_THIS_BODY),
            Param(
                "competent_unknown",
                "经查询，无法确定负责公开的机关",
                kind="bool",
                default=False,
                group=_NOT_THIS_BODY,
            ),
        ),
        letter=LetterKind.REPLY,
        confirm=True,
        legend="答复（第三十六条至第三十九条）",
        note="随答复提供的政府信息请在下方“答复提供的政府信息”中附上；答复书会逐项列明。",
        button="预览答复书",
        date_label="答复日期（默认今天）",
        style="primary",
        public="作出答复",
    ),
    Transition(
        "not_gi",
        "application.handle",
        (S.RECEIVED, S.IN_REVIEW),
        S.CLOSED,
        "不作为政府信息公开申请处理",
        params=(Param("text", "告知通过何种渠道提出", kind="longtext", max_length=5000),),
        letter=LetterKind.NOT_GI,
        legend="信访、投诉、举报（第三十九条第一款）",
        public="告知不作为政府信息公开申请处理",
    ),
    Transition(
        "answer_enquiry",
        "application.handle",
        (S.RECEIVED, S.IN_REVIEW),
        S.CLOSED,
        "作为咨询答复",
        params=(Param("text", "对咨询事项的答复", kind="longtext", required=True, max_length=5000),),
        letter=LetterKind.ENQUIRY,
        legend="咨询（申请人询问事项，不是获取政府信息）",
        public="作为咨询答复",
    ),
    Transition("archive", "application.handle", (S.REPLIED, S.CLOSED), S.ARCHIVED, "归档", public="归档"),
)

_OPEN = (S.RECEIVED, S.CORRECTION_REQUESTED, S.IN_REVIEW, S.CONSULTING, S.FEE_NOTICE_SENT)

# The applicant's own steps: the tracking code and secret prove the case; no staff permission.
APPLICANT_TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit_correction", "applicant", (S.CORRECTION_REQUESTED,), S.IN_REVIEW, "提交补正"),
    Transition("withdraw", "applicant", _OPEN, S.CLOSED, "撤回申请", letter=LetterKind.CLOSURE, public="撤回申请"),
)

STAFF = Workflow("application", "申请", TRANSITIONS)
APPLICANT = Workflow("application", "申请", APPLICANT_TRANSITIONS)
BY_ACTION = STAFF.by_action


def applicant_may(action: str, state: str) -> bool:
    return APPLICANT.step(action, state) is not None


def transition_for(action: str, state: str) -> Transition | None:
    return STAFF.step(action, state)


def transitions_from(state: str) -> list[Transition]:
    return STAFF.steps_from(state)
