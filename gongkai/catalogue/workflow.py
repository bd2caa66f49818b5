"""The publication workflow of a catalogue item, as one explicit state machine.

    draft → submitted → reviewed (保密审查) → approved (分管领导) → published
    submitted/reviewed → draft (rejected, with reasons)
    published → withdrawn (撤回, with reasons)
    published → published, validity 已废止 (revoked: stays public, marked revoked)

条例 Art. 17 requires a confidentiality review before publication; Art. 26 the 20-working-day
limit. Each row is a ``core.workflow.Transition`` (the shape every workflow shares): the action,
the permission checked in policies, where it leaves from and goes to, and whether a reason must be
written down. ``reject`` has one row per state it leaves from, each with its own permission.
"""

from __future__ import annotations

from gongkai.catalogue.models import DocumentState as S
from gongkai.core.workflow import Transition, Workflow


def _undo(action: str, permission: str, source: str, target: str, label: str) -> Transition:
    """A step that goes back (退回, 撤回, 废止): its reason is written down and shown."""
    return Transition(
        action, permission, (source,), target, label, needs_reason=True, reason_label=f"{label}理由", style="danger"
    )


TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", "document.submit", (S.DRAFT,), S.SUBMITTED, "提交审核"),
    Transition("review", "document.review", (S.SUBMITTED,), S.REVIEWED, "保密审查通过"),
    _undo("reject", "document.reject_review", S.SUBMITTED, S.DRAFT, "退回修改"),
    Transition("approve", "document.approve", (S.REVIEWED,), S.APPROVED, "审批通过"),
    _undo("reject", "document.reject_approval", S.REVIEWED, S.DRAFT, "退回修改"),
    Transition("publish", "document.publish", (S.APPROVED,), S.PUBLISHED, "发布"),
    _undo("withdraw", "document.withdraw", S.PUBLISHED, S.WITHDRAWN, "撤回"),
    _undo("revoke", "document.revoke", S.PUBLISHED, S.PUBLISHED, "废止"),
)
# The clerks' pages have always said 不能执行“发布”; the wording is kept.
DOCUMENT = Workflow("document", "信息", TRANSITIONS, refusal="“{state}”状态的{noun}不能执行“{label}”。")


def transition_for(action: str, state: str) -> Transition | None:
    return DOCUMENT.step(action, state)


def transitions_from(state: str) -> list[Transition]:
    return DOCUMENT.steps_from(state)
