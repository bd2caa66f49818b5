"""Issue 18 §14 (spec §9): a year without a published holiday schedule keeps the statutory holidays of
《全国年节及纪念日放假办法》 (2024), computed: lunar and solar-term dates from astronomy, not a table.

The computation is checked against every official schedule the chinese-calendar package ships
(2008 on, when 清明, 端午 and 中秋 became holidays): the computed 正月初一, 清明, 端午 and 中秋 of each
year are days off there."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import chinese_calendar
import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.applications import clock, services
from gongkai.calendars import statutory
from gongkai.calendars.models import CalendarDay, CalendarYear, DaySource
from gongkai.calendars.services import WorkingCalendar
from gongkai.core.models import AuditEvent
from tests.conftest import World
from tests.test_applications import applicant

OFFICIAL_YEARS = range(2008, max(d.year for d in chinese_calendar.holidays) + 1)


@pytest.mark.parametrize("year", OFFICIAL_YEARS)
def test_computed_festivals_are_days_off_in_every_official_schedule(year: int) -> None:
    for day in (
        statutory.lunar_date(year, 1, 1),
        statutory.solar_term(year, 15.0),
        statutory.lunar_date(year, 5, 5),
        statutory.lunar_date(year, 8, 15),
    ):
        assert not chinese_calendar.is_workday(day), (year, day)


def test_2027_as_the_measures_give_it() -> None:
    off = statutory.statutory_days_off(2027)
    # 春节: 除夕 5 Feb (Fri) and 6–8 Feb; 6 and 7 Feb are a weekend, made up on 9 and 10 Feb (Art. 6).
    assert [d for d, n in off.items() if n == "春节"] == [dt.date(2027, 2, d) for d in (5, 6, 7, 8)]
    assert off[dt.date(2027, 2, 9)] == off[dt.date(2027, 2, 10)] == "春节补假"
    assert off[dt.date(2027, 1, 1)] == "元旦"
    assert off[dt.date(2027, 4, 5)] == "清明节"
    assert off[dt.date(2027, 6, 9)] == "端午节"
    assert off[dt.date(2027, 9, 15)] == "中秋节"
    assert [d.day for d, n in off.items() if n == "国庆节"] == [1, 2, 3]
    # 2 and 3 October 2027 are a weekend: made up on 4 and 5 October.
    assert off[dt.date(2027, 10, 4)] == off[dt.date(2027, 10, 5)] == "国庆节补假"


@settings(max_examples=25, deadline=None)
@given(year=st.integers(min_value=2025, max_value=2099))
def test_the_measures_rules_hold_in_any_year(year: int) -> None:
    off = statutory.statutory_days_off(year)
    names = list(off.values())
    # 13 statutory days (2024 revision), one fewer when 中秋 falls within 国庆, plus one 补假 for each
    # of them on a weekend; every 补假 is a weekday.
    holidays = {d: n for d, n in off.items() if not n.endswith("补假")}
    weekend = [d for d in holidays if d.weekday() >= 5]
    assert len(holidays) in (12, 13)
    assert len(off) - len(holidays) == len(weekend)
    assert all(d.weekday() < 5 for d, n in off.items() if n.endswith("补假"))
    assert names.count("春节") == 4 and names.count("劳动节") == 2
    new_year = statutory.lunar_date(year, 1, 1)
    assert dt.date(year, 1, 21) <= new_year <= dt.date(year, 2, 20)  # 正月初一 always falls so
    assert statutory.solar_term(year, 15.0) in {dt.date(year, 4, d) for d in (4, 5, 6)}
    # Lunar months have 29 or 30 days, and one leap month may come before the fifth or the eighth.
    assert 4 * 29 + 4 <= (statutory.lunar_date(year, 5, 5) - new_year).days <= 5 * 30 + 4
    assert 7 * 29 + 14 <= (statutory.lunar_date(year, 8, 15) - new_year).days <= 8 * 30 + 14
    months = statutory.lunar_months(year)
    assert all(29 <= (b[0] - a[0]).days <= 30 for a, b in itertools.pairwise(months))
    assert sum(leap for _, _, leap in months) <= 1


def test_a_period_crossing_new_year_2027_does_not_count_1_january(world: World, monkeypatch: Any) -> None:
    CalendarYear.objects.filter(year__gte=2027).delete()
    CalendarDay.objects.filter(date__year__gte=2027).delete()
    cal = WorkingCalendar(world.edu)
    assert not cal.is_working_day(dt.date(2027, 1, 1))
    result = cal.add_working_days(dt.date(2026, 12, 15), 20)
    # 16 Dec 2026 … : 12 working days in December after the 15th, 1 Jan off, then 8 in January.
    assert result.due == dt.date(2027, 1, 13)
    assert ("2027-01-01", "元旦（暂定）") in result.holidays_crossed
    assert result.provisional and result.unloaded_years == [2027]


def test_provisional_deadlines_are_recomputed_when_the_schedule_is_loaded(world: World, monkeypatch: Any) -> None:
    CalendarYear.objects.filter(year__gte=2027).delete()
    CalendarDay.objects.filter(date__year__gte=2027).delete()
    monkeypatch.setattr(clock, "today", lambda: dt.date(2027, 1, 25))
    app = services.submit_online(
        org=world.edu, applicant=applicant(), secret="my-secret", today=dt.date(2027, 1, 20)
    ).application
    assert app.due_explanation["provisional"] and app.due_provisional
    # 21 Jan …: 5, 8, 9 and 10 Feb are off (除夕, 初三, two 补假), so the 20th working day is 23 Feb.
    assert app.due_date == dt.date(2027, 2, 23)
    crossed = dict(app.due_explanation["holidays_crossed"])
    assert crossed["2027-02-05"] == "春节（暂定）" and crossed["2027-02-09"] == "春节补假（暂定）"
    assert "春节（暂定）" in app.due_explanation["text"]
    assert services.recompute_provisional() == 0  # nothing has changed yet
    # The State Council's notice is loaded: say it adds a day off on 22 February 2027.
    CalendarDay.objects.create(date=dt.date(2027, 2, 22), is_off_day=True, name="春节", source=DaySource.ADMIN)
    CalendarYear.objects.create(year=2027, is_complete=True, source="国务院办公厅通知")
    assert services.recompute_provisional() == 1
    app.refresh_from_db()
    assert not app.due_explanation["provisional"] and not app.due_provisional
    # The official schedule replaces the computed one: only 22 February is off, so the 20th working
    # day is 17 February.
    assert app.due_date == dt.date(2027, 2, 17)
    assert AuditEvent.objects.filter(action="application.deadline_recomputed", object_id=str(app.pk)).exists()


def test_the_shorter_periods_are_marked_provisional_too(world: World, monkeypatch: Any) -> None:
    # Issue 19 §3: "provisional" is a column wherever a due date is stored.
    CalendarYear.objects.filter(year__gte=2027).delete()
    CalendarDay.objects.filter(date__year__gte=2027).delete()
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 29))
    clerk = world.user("edu_clerk")
    app = services.submit_online(
        org=world.edu, applicant=applicant(), secret="my-secret", today=dt.date(2026, 12, 28)
    ).application
    services.transition(actor=clerk, application=app, action="request_correction", items="文号", period=3)
    app.refresh_from_db()
    # Three working days after 29 December 2026 end in 2027: 30, 31 December, then 4 January.
    assert app.correction_due == dt.date(2027, 1, 4) and app.correction_due_provisional
    services.transition(actor=clerk, application=app, action="receive_correction", text="文号为X")
    services.transition(actor=clerk, application=app, action="consult", party="某公司", kind="third_party")
    pause = app.pauses.get()
    assert pause.period_provisional
    staff = Client()
    staff.force_login(clerk)
    page = staff.get(reverse("workbench:application", args=[app.pk])).content.decode()
    assert "期限 2027-01-04（暂定）" in page and "最迟 2027-01-" in page and "，暂定）" in page
    # Before the end of the year a period that stays inside 2026 is not provisional.
    early = services.submit_online(
        org=world.edu, applicant=applicant(), secret="my-secret", today=dt.date(2026, 12, 28)
    ).application
    services.transition(actor=clerk, application=early, action="request_correction", items="文号", period=1)
    early.refresh_from_db()
    assert early.correction_due == dt.date(2026, 12, 30) and not early.correction_due_provisional
