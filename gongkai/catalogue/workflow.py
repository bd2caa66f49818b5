"""The publication workflow of a catalogue item, as one explicit state machine.

    draft → submitted → reviewed (保密审查) → approved (分管领导) → published
    submitted/reviewed → draft (rejected, with reasons)
    published → withdrawn (撤回, with reasons)
    published → published, validity 已废止 (revoked: stays public, marked revoked)

条例 Art. 17 requires a confidentiality review before publication; Art. 26 the 20-working-day
limit. Each transition names the action (which is also the permission checked in policies) and
whether a reason must be written down.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.catalogue.models import DocumentState as S


@dataclass(frozen=True)
class Transition:
    action: str  # the workflow action name shown in URLs and the API
    permission: str  # the policy action checked for the acting user
    source: str
    target: str
    label: str
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", "document.submit", S.DRAFT, S.SUBMITTED, "提交审核"),
    Transition("review", "document.review", S.SUBMITTED, S.REVIEWED, "保密审查通过"),
    Transition("reject", "document.reject_review", S.SUBMITTED, S.DRAFT, "退回修改", needs_reason=True),
    Transition("approve", "document.approve", S.REVIEWED, S.APPROVED, "审批通过"),
    Transition("reject", "document.reject_approval", S.REVIEWED, S.DRAFT, "退回修改", needs_reason=True),
    Transition("publish", "document.publish", S.APPROVED, S.PUBLISHED, "发布"),
    Transition("withdraw", "document.withdraw", S.PUBLISHED, S.WITHDRAWN, "撤回", needs_reason=True),
    Transition("revoke", "document.revoke", S.PUBLISHED, S.PUBLISHED, "废止", needs_reason=True),
)


def transition_for(action: str, state: str) -> Transition | None:
    for t in TRANSITIONS:
        if t.action == action and t.source == state:
            return t
    return None


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == state]
