"""The catalogue in the admin: read-only. Items change only through the workbench and the services
(the publication workflow, its audit trail and the search index); an operator looks things up here,
for example which items interpret a policy, or what a bulk import did."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest

from gongkai.catalogue.columns import key_area_save
from gongkai.catalogue.models import CatalogueUpload, Document, IssuedDocument, KeyArea, KeyColumn
from gongkai.core.errors import ApplicationError


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnly):
    list_display = ("title", "org", "state", "index_number", "published_date", "instrument", "interpretation_form")
    list_filter = ("state", "instrument", "interpretation_form", "validity")
    search_fields = ("title", "index_number", "doc_number")
    list_select_related = ("org",)
    raw_id_fields = ("interprets",)
    # Django 6 assumes https for a URL typed without a scheme; say so now (no deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    show_full_result_count = False  # a count of millions of rows on every page is not worth its time


@admin.register(CatalogueUpload)
class CatalogueUploadAdmin(ReadOnly):
    list_display = ("original_name", "org", "uploaded_by", "state", "lines_done", "total", "rejected", "created_at")
    list_filter = ("state",)
    search_fields = ("original_name",)
    exclude = ("file",)  # a private file: it is not linked from here


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnly):
    list_display = ("title", "doc_number", "org", "written_date", "attribute", "reason")
    list_filter = ("attribute", "reason")
    search_fields = ("title", "doc_number", "org__name")
    raw_id_fields = ("item",)


@admin.register(KeyArea)
class KeyAreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The key-area list is data the administrator keeps: add an area, rename one, retire one (an
    area a column uses cannot be deleted; untick 可选用 instead)."""

    list_display = ("code", "label", "source", "position", "is_current")
    list_filter = ("source", "is_current")
    search_fields = ("code", "label")
    fields = ("code", "label", "source", "position", "is_current")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj is not None else ()  # the code is the area's identity

    def save_model(self, request: HttpRequest, obj: KeyArea, form: Any, change: bool) -> None:
        try:
            key_area_save(
                actor=request.user,
                code=obj.code,
                label=obj.label,
                source=obj.source,
                position=obj.position,
                is_current=obj.is_current,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(KeyColumn)
class KeyColumnAdmin(ReadOnly):
    list_display = ("name", "org", "area", "frequency", "active")
    list_filter = ("frequency", "active")
    search_fields = ("name", "org__name")
