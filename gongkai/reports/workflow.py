"""The review of an annual report before it is published (Art. 49, 50), as one explicit state
machine in the shape every workflow shares (``core.workflow``):

    draft ─review→ reviewed ─approve→ approved ─publish→ published
    reviewed/approved ─reject→ draft   (with the reason)

Reviewing, approving and publishing also need every identity of the tables to hold; that guard is
checked by ``services.report_transition``, as is the rule that a year is reported after it ends.
"""

from __future__ import annotations

from gongkai.core.workflow import Transition, Workflow
from gongkai.reports.models import ReportState as S

TRANSITIONS: tuple[Transition, ...] = (
    Transition("review", "report.review", (S.DRAFT,), S.REVIEWED, "审核通过"),
    Transition("approve", "report.approve", (S.REVIEWED,), S.APPROVED, "批准"),
    Transition("publish", "report.publish", (S.APPROVED,), S.PUBLISHED, "发布", style="primary"),
    Transition(
        "reject",
        "report.reject",
        (S.REVIEWED, S.APPROVED),
        S.DRAFT,
        "退回修改",
        needs_reason=True,
        reason_label="退回理由",
    ),
)
REPORT = Workflow("report", "年报", TRANSITIONS)
