"""The effective working calendar of a body, and the writes that maintain the calendar.

A working day is Monday to Friday unless it is an official day off, plus every make-up working day
(调休上班日) even when it falls on a weekend. Periods of working days are counted once, in
``counting`` (spec §6).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from gongkai.calendars import statutory
from gongkai.calendars.counting import ONE_DAY, DeadlineResult, count_working_days
from gongkai.calendars.models import CalendarDay, CalendarYear, DaySource
from gongkai.calendars.package_data import package_label, package_schedule
from gongkai.core import audit
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.types import Actor
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import org_ancestor_ids


class WorkingCalendar:
    """The effective calendar for one organisation (national days plus its own and its ancestors')."""

    def __init__(
        self, org: Organisation | None = None, *, until: dt.date | None = None, since: dt.date | None = None
    ) -> None:
        """``since``/``until`` load only the days in that window, for a short computation on a hot
        path (the inbox's "due soon" horizon); arithmetic that leaves the window raises."""
        org_ids = org_ancestor_ids(org) if org is not None else []
        scope = Q(org__isnull=True) | Q(org_id__in=org_ids)
        self.window = (since, until)
        if since is not None:
            scope &= Q(date__gte=since)
        if until is not None:
            scope &= Q(date__lte=until)
        days = CalendarDay.objects.filter(scope).values_list("date", "is_off_day", "name", "org_id")
        self.off: dict[dt.date, str] = {}
        self.work: dict[dt.date, str] = {}
        # An organisation's own entry overrides the national one for the same date.
        for date, is_off, name, _org_id in sorted(days, key=lambda r: r[3] is not None):
            self.off.pop(date, None)
            self.work.pop(date, None)
            (self.off if is_off else self.work)[date] = name
        self.loaded_years = set(CalendarYear.objects.filter(is_complete=True).values_list("year", flat=True))
        self._provisional: dict[int, dict[dt.date, str]] = {}

    def provisional_off(self, year: int) -> dict[dt.date, str]:
        """For a year whose official schedule is not loaded: the statutory days off of the 2024
        measures, computed (``statutory``); days entered for that year in the calendar win."""
        if year not in self._provisional:
            if year in self.loaded_years or year < statutory.FIRST_YEAR:
                self._provisional[year] = {}
            else:
                self._provisional[year] = {
                    d: f"{name}（暂定）"
                    for d, name in statutory.statutory_days_off(year).items()
                    if d not in self.off and d not in self.work
                }
        return self._provisional[year]

    def is_working_day(self, day: dt.date) -> bool:
        since, until = self.window
        if (since is not None and day < since) or (until is not None and day > until):
            raise ValueError(f"{day} is outside the loaded calendar window {since}–{until}")
        if day in self.work:
            return True
        if day in self.off:
            return False
        return day.weekday() < 5 and day not in self.provisional_off(day.year)

    def day_off_name(self, day: dt.date) -> str | None:
        """The name of the holiday that makes this day off (None for a weekend or a working day)."""
        return self.off.get(day) or self.provisional_off(day.year).get(day)

    def add_working_days(self, start: dt.date, n: int) -> DeadlineResult:
        """The ``n``-th working day after ``start``, explained (``counting``)."""
        if n < 0:
            raise ValidationFailed("工作日数不能为负数。", code="negative_working_days")
        return count_working_days(self, start, n)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count


class CalendarCache:
    """Working calendars for work that loops over many organisations, each built once.

    An organisation's effective calendar is the national one plus the days of those of its
    ancestors (itself included) that have days of their own; bodies with the same such ancestors
    share one calendar, so a scan over a thousand bodies with no local holidays builds one.
    """

    def __init__(self) -> None:
        self._with_own_days = set(
            CalendarDay.objects.filter(org__isnull=False).values_list("org_id", flat=True).distinct()
        )
        self._by_key: dict[tuple[int, ...], WorkingCalendar] = {}

    def for_org(self, org: Organisation | None) -> WorkingCalendar:
        key = tuple(i for i in org_ancestor_ids(org) if i in self._with_own_days) if org is not None else ()
        if key not in self._by_key:
            self._by_key[key] = WorkingCalendar(org)
        return self._by_key[key]


def add_working_days(start: dt.date, n: int, *, org: Organisation | None = None) -> DeadlineResult:
    return WorkingCalendar(org).add_working_days(start, n)


def _require_calendar_right(actor: Actor, org: Organisation | None) -> None:
    allowed = policies.can_edit_national_calendar(actor) if org is None else policies.can(actor, "calendar.edit", org)
    if not allowed:
        raise PermissionDenied("您没有维护该工作日历的权限。", code="permission_denied")


@transaction.atomic
def calendar_day_set(
    *, actor: Actor, date: dt.date, is_off_day: bool, name: str, org: Organisation | None = None
) -> CalendarDay:
    _require_calendar_right(actor, org)
    if not name.strip():
        raise ValidationFailed("请填写节假日或调休的名称。", code="name_required", field="name")
    existing = CalendarDay.objects.filter(date=date, org=org).first()
    before = {"is_off_day": existing.is_off_day, "name": existing.name} if existing else {}
    day = existing or CalendarDay(date=date, org=org)
    day.is_off_day, day.name, day.source = is_off_day, name.strip(), DaySource.ADMIN
    day.save()
    audit.record(
        actor=actor,
        action="calendar.day_set",
        obj=day,
        before=before,
        after={"date": date, "is_off_day": is_off_day, "name": day.name, "org": org.pk if org else None},
        org_id=org.pk if org else None,
    )
    return day


@transaction.atomic
def calendar_day_remove(*, actor: Actor, day: CalendarDay) -> None:
    _require_calendar_right(actor, day.org)
    audit.record(
        actor=actor,
        action="calendar.day_removed",
        obj=day,
        before={"date": day.date, "is_off_day": day.is_off_day, "name": day.name},
        org_id=day.org_id,
    )
    day.delete()


@transaction.atomic
def calendar_year_set(*, actor: Actor, year: int, is_complete: bool, source: str = "") -> CalendarYear:
    _require_calendar_right(actor, None)
    obj, _ = CalendarYear.objects.get_or_create(year=year, defaults={"is_complete": is_complete})
    before = {"is_complete": obj.is_complete, "source": obj.source}
    obj.is_complete, obj.source = is_complete, source or obj.source
    obj.save()
    audit.record(
        actor=actor,
        action="calendar.year_set",
        obj=obj,
        before=before,
        after={"is_complete": obj.is_complete, "source": obj.source},
    )
    return obj


@transaction.atomic
def calendar_load_package(*, actor: Actor | None = None) -> tuple[int, list[int]]:
    """Load every year the installed chinese-calendar package covers.

    Days an administrator entered are kept: the package never overwrites a human decision.
    Returns (days written, years covered).
    """
    off, work, years = package_schedule()
    admin_dates = set(
        CalendarDay.objects.filter(org__isnull=True, source=DaySource.ADMIN).values_list("date", flat=True)
    )
    CalendarDay.objects.filter(org__isnull=True, source=DaySource.PACKAGE).delete()
    rows = [
        CalendarDay(date=d, is_off_day=True, name=n, source=DaySource.PACKAGE)
        for d, n in off.items()
        if d not in admin_dates
    ] + [
        CalendarDay(date=d, is_off_day=False, name=n, source=DaySource.PACKAGE)
        for d, n in work.items()
        if d not in admin_dates
    ]
    CalendarDay.objects.bulk_create(rows, batch_size=500)
    label = package_label()
    obj = None
    for year in years:
        obj, created = CalendarYear.objects.get_or_create(year=year, defaults={"is_complete": True, "source": label})
        if not created and obj.source.startswith("chinese-calendar"):
            obj.source = label
            obj.save(update_fields=["source", "updated_at"])
    if obj is not None:
        audit.record(
            actor=actor,
            action="calendar.package_loaded",
            obj=obj,
            after={"source": label, "years": [years[0], years[-1]], "days": len(rows)},
        )
    return len(rows), years
