from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from gongkai.core import audit, jobs
from gongkai.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the trail is append-only."""

    list_display = ("created_at", "actor_label", "action", "object_type", "object_label")
    list_filter = ("action", "object_type")
    search_fields = ("object_label", "actor_label", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The job queue (core.jobs): the platform's operators (superusers) see every job with its state and
# traceback, the counts of pending, running, failed and retried jobs, and retry a failed job by hand.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class JobAdmin(DBTaskResultAdmin):
    # The library's admin lists other columns (its tuple type is fixed to its own length).
    list_display = (  # type: ignore[assignment]
        "enqueued_at",
        "task_name",
        "status",
        "attempt",
        "run_after",
        "started_at",
        "finished_at",
    )
    actions = ["retry_failed"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    @admin.display(description="第几次尝试")
    def attempt(self, obj: DBTaskResult[Any, Any]) -> int:
        return jobs.attempt_of(obj)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        s = jobs.state()
        self.message_user(
            request,
            f"待执行 {s.pending}，执行中 {s.running}，已失败且不再重试 {s.failed}，失败后已安排重试 {s.retried}。",
            level=messages.INFO,
        )
        return super().changelist_view(request, extra_context)

    @admin.action(description="重新执行所选的失败任务")
    def retry_failed(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for row in queryset.filter(status="FAILED"):
            with transaction.atomic():
                new_id = jobs.retry(str(row.id))
                audit.record(actor=request.user, action="job.retried", obj=row, after={"job": new_id})
            done += 1
        self.message_user(request, f"已重新排队 {done} 个任务。", level=messages.SUCCESS)
