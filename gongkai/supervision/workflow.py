"""What happens to a 督查 finding, as one explicit state machine (``core.workflow``):

open ─respond→ responded        (the body reports its rectification with evidence)
responded ─accept→ accepted     (the office accepts it: the finding is closed, 销号)
responded ─return→ open         (the office returns it with its reasons; the same deadline stands)
"""

from __future__ import annotations

from gongkai.core.workflow import Param, Transition, Workflow
from gongkai.supervision.models import FindingState as S

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "respond",
        "finding.respond",
        (S.OPEN,),
        S.RESPONDED,
        "报送整改情况",
        params=(Param("text", "整改情况", kind="longtext", required=True, max_length=20_000),),
        legend="报送整改情况",
        style="primary",
    ),
    Transition(
        "accept",
        "finding.decide",
        (S.RESPONDED,),
        S.ACCEPTED,
        "整改通过，予以销号",
        params=(Param("note", "审核意见", kind="longtext", max_length=5000),),
        style="primary",
    ),
    Transition(
        "return",
        "finding.decide",
        (S.RESPONDED,),
        S.OPEN,
        "退回重新整改",
        needs_reason=True,
        reason_label="退回理由",
        style="danger",
    ),
)
FINDING = Workflow("finding", "督查问题", TRANSITIONS)
