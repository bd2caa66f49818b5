from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from gongkai.core.errors import ApplicationError
from gongkai.orgs import services
from gongkai.orgs.models import Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "kind", "parent", "credit_code", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "credit_code", "slug")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The tree position and URL are fixed once created: index numbers and links depend on them.
        return ("slug", "kind", "parent") if obj else ()

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        try:
            if change:
                data = {
                    f: form.cleaned_data[f] for f in form.changed_data if f in (*services.GUIDE_FIELDS, "credit_code")
                }
                services.org_update(actor=request.user, org=Organisation.objects.get(pk=obj.pk), **data)
            else:
                guide = {
                    f: form.cleaned_data[f] for f in services.GUIDE_FIELDS if f in form.cleaned_data and f != "name"
                }
                created = services.org_create(
                    actor=request.user,
                    name=obj.name,
                    slug=obj.slug,
                    kind=obj.kind,
                    credit_code=obj.credit_code,
                    parent=obj.parent,
                    **guide,
                )
                obj.pk = created.pk
        except ApplicationError as exc:
            messages.error(request, exc.message)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead; index numbers and the audit trail refer to it


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "org", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "org__name")

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        try:
            created = services.membership_grant(actor=request.user, user=obj.user, org=obj.org, role=obj.role)
            obj.pk = created.pk
        except ApplicationError as exc:
            messages.error(request, exc.message)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_revoke(actor=request.user, membership=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for membership in queryset:
            services.membership_revoke(actor=request.user, membership=membership)
