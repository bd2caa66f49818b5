"""Entering a month's figures kept outside the platform (``core.models.MonthlyFigures``): the month
entered again replaces the figures, and the audit trail keeps the old and the new values. The
callers check the permission, the month and the figures' bounds first."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction

from gongkai.core import audit
from gongkai.core.models import MonthlyFigures
from gongkai.core.types import Actor

F = TypeVar("F", bound=MonthlyFigures)


@transaction.atomic
def replace_month(
    model: type[F],
    *,
    subject: dict[str, Any],
    year: int,
    month: int,
    figures: dict[str, int],
    source: str,
    actor: Actor,
    entered_by: Any,
    action: str,
    org_id: int,
    shown: dict[str, Any] | None = None,
) -> F:
    """Store ``figures`` for ``subject``'s month; ``shown`` adds to the audit event (e.g. the channel)."""
    row = model._default_manager.select_for_update().filter(**subject, year=year, month=month).first()
    before = {**{k: getattr(row, k) for k in figures}, "source": row.source} if row is not None else {}
    if row is None:
        row = model(**subject, year=year, month=month)
    for name, value in figures.items():
        setattr(row, name, value)
    row.source, row.entered_by = source, entered_by
    row.save()
    after = {**(shown or {}), "year": year, "month": month, **figures, "source": source}
    audit.record(actor=actor, action=action, obj=row, before=before, after=after, org_id=org_id)
    return row
