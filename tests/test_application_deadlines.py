"""Property tests of the reply deadline rules (Art. 30, 33): pauses, restarts, extension."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.applications.deadlines import Pause, reply_due


class FakeCalendar:
    """Weekends off, plus given days off and make-up working days (as the real calendar works)."""

    def __init__(self, off: set[dt.date] = frozenset(), work: set[dt.date] = frozenset()) -> None:
        self.off, self.work = set(off), set(work)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.work:
            return True
        return day.weekday() < 5 and day not in self.off


BASE = dt.date(2026, 1, 1)
days = st.integers(min_value=0, max_value=120).map(lambda n: BASE + dt.timedelta(days=n))
calendars = st.builds(
    FakeCalendar, st.sets(days, max_size=15), st.sets(days.filter(lambda d: d.weekday() >= 5), max_size=3)
)
pauses = st.lists(
    st.tuples(days, st.integers(min_value=0, max_value=30)).map(lambda t: Pause(t[0], t[0] + dt.timedelta(days=t[1]))),
    max_size=3,
)


def counted_days(start: dt.date, due: dt.date, cal: FakeCalendar, ps: list[Pause]) -> int:
    n, day = 0, start
    while day < due:
        day += dt.timedelta(days=1)
        n += cal.is_working_day(day) and not any(p.covers(day) for p in ps)
    return n


@given(days, calendars, pauses, st.integers(min_value=0, max_value=20))
def test_due_is_the_last_of_exactly_20_plus_extension_counted_working_days(
    start: dt.date, cal: FakeCalendar, ps: list[Pause], ext: int
) -> None:
    result = reply_due(start, cal, pauses=ps, extension=ext)
    assert counted_days(start, result.due, cal, ps) == 20 + ext
    assert cal.is_working_day(result.due) and not any(p.covers(result.due) for p in ps)


@given(days, calendars, pauses, pauses, st.integers(min_value=0, max_value=19))
def test_more_pauses_or_a_longer_extension_never_bring_the_due_date_forward(
    start: dt.date, cal: FakeCalendar, ps: list[Pause], more: list[Pause], ext: int
) -> None:
    base = reply_due(start, cal, pauses=ps, extension=ext).due
    assert reply_due(start, cal, pauses=ps + more, extension=ext).due >= base
    assert reply_due(start, cal, pauses=ps, extension=ext + 1).due > base


@given(days, days, calendars)
def test_a_later_start_never_gives_an_earlier_due_date(
    received: dt.date, corrected: dt.date, cal: FakeCalendar
) -> None:
    """Art. 30: after a correction the clock starts again from the day it arrives, so the deadline
    can only move later, and nothing counted before the correction carries over."""
    if corrected >= received:
        due = reply_due(corrected, cal).due
        assert due >= reply_due(received, cal).due
        assert counted_days(corrected, due, cal, []) == 20


def test_a_pause_moves_the_due_date_by_the_working_days_it_covers() -> None:
    cal = FakeCalendar()
    plain = reply_due(dt.date(2026, 3, 2), cal)  # Monday → 20 working days → Monday 30 March
    assert plain.due == dt.date(2026, 3, 30)
    # Consultation letter sent Wed 4 March, opinion back Wed 11 March: Thu 5 … Wed 11 = 5 working days.
    paused = reply_due(dt.date(2026, 3, 2), cal, pauses=[Pause(dt.date(2026, 3, 4), dt.date(2026, 3, 11))])
    assert paused.paused_days == 5 and paused.due == dt.date(2026, 4, 6)
    assert "征求意见期间5个工作日不计算在内" in paused.explain()


def test_extension_is_at_most_20_working_days() -> None:
    with pytest.raises(ValueError, match="最长不得超过20个工作日"):
        reply_due(dt.date(2026, 3, 2), FakeCalendar(), extension=21)
