"""Corrections of the openness records: a record entered wrongly is removed with a reason (and
entered again), a reading point closes or reopens, a new-media account is marked closed or running.
Each checks the policy (``openness.record``) and leaves an audit event that keeps what was there."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict

from gongkai.core import audit
from gongkai.core.errors import NotFound
from gongkai.core.inputs import required_text
from gongkai.core.switches import switch_active
from gongkai.core.types import Actor
from gongkai.openness.models import (
    ConcernResponse,
    DeputyProposal,
    GazetteIssue,
    NewMediaAccount,
    PressConference,
    ReadingPoint,
    TrainingSession,
)
from gongkai.orgs import policies

# A record entered wrongly is removed with a reason and entered again; the audit trail keeps what it
# said. Monthly figures need no removal: entering the month again replaces them.
REMOVABLE: dict[str, tuple[type[models.Model], str]] = {
    "press": (PressConference, "新闻发布会"),
    "training": (TrainingSession, "培训或会议"),
    "response": (ConcernResponse, "回应关切"),
    "proposal": (DeputyProposal, "建议提案"),
    "gazette": (GazetteIssue, "政府公报"),
}


@transaction.atomic
def record_remove(*, actor: Actor, kind: str, pk: int, reason: str) -> str:
    """Remove one record of the body's (the 公开专员, with a reason); returns what it was."""
    if kind not in REMOVABLE:
        raise NotFound("没有这种记录。")
    model, label = REMOVABLE[kind]
    record: Any = model._default_manager.select_for_update().filter(pk=pk).select_related("org").first()
    if record is None:
        raise NotFound(f"没有这条{label}记录。")
    policies.require(actor, "openness.record", record.org)
    why = required_text(reason, "删除理由", "reason", 300)
    what = f"{label}“{record}”"
    audit.record(
        actor=actor,
        action=f"openness.{kind}_removed",
        obj=record,
        before=model_to_dict(record),
        reason=why,
        org_id=record.org_id,
    )
    record.delete()
    return what


@transaction.atomic
def reading_point_set_active(*, actor: Actor, point: ReadingPoint, active: bool) -> ReadingPoint:
    """Close a reading point (it leaves the 指南; its months stay counted) or open it again."""
    return switch_active(
        ReadingPoint,
        point.pk,
        active=active,
        actor=actor,
        event="reading_point",
        label="查阅点",
        check=lambda row: policies.require(actor, "openness.record", row.org),
    )


@transaction.atomic
def new_media_set_active(*, actor: Actor, account: NewMediaAccount, active: bool) -> NewMediaAccount:
    """An account closed (关停) or run again; its months stay counted."""
    return switch_active(
        NewMediaAccount,
        account.pk,
        active=active,
        actor=actor,
        event="new_media",
        label="账号",
        check=lambda row: policies.require(actor, "openness.record", row.org),
    )
