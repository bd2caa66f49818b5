"""政民互动 in the admin. Channels are set through the service (audited); messages are listed
without the writers' personal data, which only the body's working staff see (in the workbench,
every reveal logged), and never changed here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from gongkai.core.errors import ApplicationError
from gongkai.interaction import services
from gongkai.interaction.models import Message, MessageBox


@admin.register(MessageBox)
class MessageBoxAdmin(admin.ModelAdmin[MessageBox]):
    list_display = ("org", "channel", "enabled", "reply_working_days")
    list_filter = ("channel", "enabled")
    search_fields = ("org__name",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("org", "channel") if obj else ()

    def save_model(self, request: HttpRequest, obj: MessageBox, form: Any, change: bool) -> None:
        try:
            saved = services.box_configure(
                actor=request.user,
                org=obj.org,
                channel=obj.channel,
                enabled=obj.enabled,
                reply_working_days=obj.reply_working_days,
                intro=obj.intro,
            )
            obj.pk = saved.pk
        except ApplicationError as exc:
            messages.error(request, exc.message)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a channel off instead; its messages refer to it


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ("tracking_code", "org", "state", "received_on", "due_date", "replied_on", "published")
    list_filter = ("state", "published")
    search_fields = ("tracking_code",)
    fields = (
        "tracking_code",
        "org",
        "box",
        "state",
        "received_on",
        "due_date",
        "replied_on",
        "published",
        "application",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
