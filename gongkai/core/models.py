"""The audit trail: an append-only record of every change of state.

The architecture asks that every write be accountable (actor, object, action, before, after,
time). Rows are never updated or deleted: the ORM refuses it here; database triggers refuse UPDATE
on every backend and DELETE and TRUNCATE on PostgreSQL (migrations 0002, 0003); in production the
application connects as a role that may only INSERT and SELECT this table (``manage.py db_roles``).
Each event carries a hash over its content and the previous event's hash, so an edit or a deletion
made by whoever bypasses all of that is found by ``manage.py audit_verify`` (docs/security.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit events are append-only and cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only and cannot be deleted.")


class AuditEvent(models.Model):
    # Set by ``audit.record`` before the insert, because the hash covers it.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too: the log must stay readable if the account is later renamed.
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=300, blank=True)
    org_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    # sha256 of the previous event's hash and this event's content (gongkai.core.audit.event_hash);
    # empty on the events written before the chain began (migration 0003).
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id", "created_at"])]
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Audit events are append-only and cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only and cannot be deleted.")


class ScheduledRun(models.Model):
    """One slot of a periodic job, taken by the scheduler that enqueued it (``core.jobs``): the
    unique pair keeps two schedulers from enqueueing the same night's scan twice."""

    name = models.CharField(max_length=100)
    slot = models.DateTimeField()
    job_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="scheduled_run_once")]
        ordering = ["-slot"]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M}"


class MonthlyFigures(models.Model):
    """Figures for one month kept outside the platform (a hotline's system, a reading room's
    register, a new-media account's back office), entered by hand with their source. A month is
    entered once per subject; entering it again replaces the figures and the audit trail keeps
    both. Subclasses add the subject, the figures and the uniqueness of (subject, year, month)."""

    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    source = models.CharField("数据来源", max_length=200)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="%(app_label)s_%(class)s_month"
            )
        ]
