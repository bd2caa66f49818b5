"""Administrators maintain the calendar here (each November: next year's State Council schedule).

Saves go through the services so that permissions are checked and every change is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from gongkai.calendars.models import CalendarDay, CalendarYear
from gongkai.calendars.services import calendar_day_remove, calendar_day_set, calendar_year_set
from gongkai.core.errors import ApplicationError


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ("year", "is_complete", "source", "updated_at")
    fields = ("year", "is_complete", "source")

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        try:
            calendar_year_set(actor=request.user, year=obj.year, is_complete=obj.is_complete, source=obj.source)
        except ApplicationError as exc:
            messages.error(request, exc.message)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ("date", "name", "is_off_day", "org", "source")
    list_filter = ("is_off_day", "source", "org")
    date_hierarchy = "date"
    fields = ("date", "is_off_day", "name", "org")

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        try:
            calendar_day_set(actor=request.user, date=obj.date, is_off_day=obj.is_off_day, name=obj.name, org=obj.org)
        except ApplicationError as exc:
            messages.error(request, exc.message)

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        try:
            calendar_day_remove(actor=request.user, day=obj)
        except ApplicationError as exc:
            messages.error(request, exc.message)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for day in queryset:
            self.delete_model(request, day)
