"""Supervision in the admin: read-only (findings and accountability are kept through the workbench,
audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongkai.supervision.models import Accountability, Adjustment, AssessmentScheme, Finding, ReportAudit, ScoreRun


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Finding)
class FindingAdmin(ReadOnly):
    list_display = ("title", "org", "office", "opened_on", "due_date", "state")
    list_filter = ("state",)
    search_fields = ("title", "org__name")


@admin.register(Accountability)
class AccountabilityAdmin(ReadOnly):
    list_display = ("org", "conduct", "measure", "decided_on", "office")
    list_filter = ("conduct",)


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(ReadOnly):
    list_display = ("name", "office", "year", "version", "locked_on")
    list_filter = ("year",)


@admin.register(ScoreRun)
class ScoreRunAdmin(ReadOnly):
    list_display = ("scheme", "computed_at", "computed_by")
    exclude = ("results",)


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnly):
    list_display = ("run", "org", "points", "state", "proposed_by", "decided_by")
    list_filter = ("state",)


@admin.register(ReportAudit)
class ReportAuditAdmin(ReadOnly):
    list_display = ("org", "year", "source", "finding_count", "current", "audited_at", "office")
    list_filter = ("year", "source", "current")
