"""The openness records in the admin: read-only (they are kept through the workbench, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongkai.openness.models import (
    ConcernResponse,
    DeputyProposal,
    GazetteEntry,
    GazetteIssue,
    NewMediaAccount,
    NewMediaFigures,
    PressConference,
    ReadingPoint,
    ReadingTally,
    TrainingSession,
)


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PressConference)
class PressConferenceAdmin(ReadOnly):
    list_display = ("held_on", "topic", "org", "head_attended")
    list_filter = ("head_attended",)
    search_fields = ("topic", "org__name")
    raw_id_fields = ("transcript", "interpretations")


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnly):
    list_display = ("held_on", "kind", "title", "org", "attendance")
    list_filter = ("kind",)
    search_fields = ("title", "org__name")


@admin.register(ConcernResponse)
class ConcernResponseAdmin(ReadOnly):
    list_display = ("responded_on", "concern", "channel", "public_opinion", "org")
    list_filter = ("channel", "public_opinion")
    search_fields = ("concern", "org__name")
    raw_id_fields = ("items",)


@admin.register(DeputyProposal)
class DeputyProposalAdmin(ReadOnly):
    list_display = ("kind", "number", "title", "org", "received_on", "replied_on")
    list_filter = ("kind",)
    search_fields = ("number", "title", "org__name")
    raw_id_fields = ("reply_item",)


@admin.register(ReadingPoint)
class ReadingPointAdmin(ReadOnly):
    list_display = ("name", "kind", "org", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "org__name")


@admin.register(ReadingTally)
class ReadingTallyAdmin(ReadOnly):
    list_display = ("point", "year", "month", "visits", "items_consulted", "source")
    list_filter = ("year",)


@admin.register(NewMediaAccount)
class NewMediaAccountAdmin(ReadOnly):
    list_display = ("name", "platform", "org", "operator", "active")
    list_filter = ("platform", "active")
    search_fields = ("name", "operator", "org__name")


@admin.register(NewMediaFigures)
class NewMediaFiguresAdmin(ReadOnly):
    list_display = ("account", "year", "month", "posts", "followers", "source")
    list_filter = ("year",)


class GazetteEntryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = GazetteEntry
    raw_id_fields = ("document",)
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GazetteIssue)
class GazetteIssueAdmin(ReadOnly):
    list_display = ("__str__", "org", "published_on")
    list_filter = ("year",)
    search_fields = ("org__name",)
    inlines = [GazetteEntryInline]
