"""Turning a body's standing record off or on again (a key-area column, a reading point, a new-media
account): the row locked, the caller's policy checked, a switch to the state it already has refused,
and an audit event ``{event}.closed`` or ``{event}.reopened``. Call inside the service's transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models

from gongkai.core import audit
from gongkai.core.errors import IllegalTransition
from gongkai.core.types import Actor

M = TypeVar("M", bound=models.Model)


def switch_active(
    model: type[M], pk: int, *, active: bool, actor: Actor, event: str, label: str, check: Callable[[Any], object]
) -> M:
    row: Any = model._default_manager.select_for_update().select_related("org").get(pk=pk)
    check(row)
    if row.active == active:
        raise IllegalTransition(f"{label}已是该状态。", code="unchanged")
    row.active = active
    row.save(update_fields=["active"])
    audit.record(
        actor=actor,
        action=f"{event}.{'reopened' if active else 'closed'}",
        obj=row,
        before={"active": not active},
        after={"active": active},
        org_id=row.org_id,
    )
    return row  # type: ignore[no-any-return]
