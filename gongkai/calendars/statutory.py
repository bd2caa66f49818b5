"""The statutory days off of 《全国年节及纪念日放假办法》 (as revised in 2024), computed for a year whose
State Council holiday notice is not loaded yet (spec §9, issue 18 §14).

Article 2 of the measures gives the holidays every citizen has:
元旦 1 January; 春节 four days, 农历除夕 and 正月初一 to 初三; 清明节 on the day of the solar term;
劳动节 1 and 2 May; 端午节 农历五月初五; 中秋节 农历八月十五; 国庆节 1 to 3 October. Article 6: a holiday
that falls on a Saturday or Sunday is made up on a working day (补假); here, the next weekday that is
not off already. The 调休 make-up working days of a real notice are not guessed.

Nothing here is typed from a table: the lunar dates come from the Chinese calendar's own rules,
applied to new moons and solar longitudes computed by PyEphem, in Beijing time (UTC+8):
- a month begins on the day of a new moon;
- the month containing the winter solstice (冬至, longitude 270°) is the eleventh;
- in a year (岁) from one eleventh month to the next with thirteen months, the first month that
  contains no major solar term (中气, a multiple of 30°) is the leap month, numbered as the one before.
清明 is the day the Sun's apparent longitude reaches 15°.

A computed year is provisional: ``WorkingCalendar`` marks every deadline crossing it, and the
nightly scan recomputes those deadlines once the official schedule is loaded
(``applications.services.recompute_provisional``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math

import ephem

# The 2024 revision of the measures took effect on 1 January 2025; earlier years have their
# official schedules (loaded from the chinese-calendar package).
FIRST_YEAR = 2025
BEIJING = dt.timedelta(hours=8)
ONE_DAY = dt.timedelta(days=1)


def _beijing_date(moment: float) -> dt.date:
    """The calendar date in Beijing of an ephem date (UTC)."""
    moment_utc: dt.datetime = ephem.Date(moment).datetime()  # PyEphem is untyped
    return (moment_utc + BEIJING).date()


def _sun_longitude(moment: float) -> float:
    """The Sun's apparent geocentric ecliptic longitude, in degrees, at an ephem date."""
    sun = ephem.Sun()
    sun.compute(moment, epoch=moment)
    return math.degrees(float(ephem.Ecliptic(sun, epoch=moment).lon)) % 360.0


def _sun_reaches(longitude: float, near: float) -> float:
    """The moment (ephem date) the Sun reaches the longitude, searched within ±20 days of ``near``
    (the Sun moves about 1° a day, so the bracket holds exactly one crossing)."""

    def behind(moment: float) -> float:  # how far the Sun still has to go, in (-180, 180]
        return (longitude - _sun_longitude(moment) + 180.0) % 360.0 - 180.0

    lo, hi = near - 20.0, near + 20.0
    for _ in range(60):  # 40 days / 2^60: far below a second
        mid = (lo + hi) / 2
        if behind(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def solar_term(year: int, longitude: float) -> dt.date:
    """The Beijing date on which the Sun reaches the longitude in the given Gregorian year."""
    # Longitude 0° (春分) is near 20 March; the Sun gains about 0.9856° a day.
    days = ((longitude - 0.0) % 360.0) / 0.98564736
    near = ephem.Date(dt.datetime(year, 3, 20)) + days
    if near > ephem.Date(dt.datetime(year + 1, 1, 1)):
        near -= 365.2422
    return _beijing_date(_sun_reaches(longitude, near))


def _new_moons(start: dt.date, end: dt.date) -> list[dt.date]:
    """Beijing dates of the new moons from (just before) ``start`` to after ``end``."""
    moment = ephem.previous_new_moon(ephem.Date(dt.datetime.combine(start, dt.time()) - BEIJING))
    out = []
    while True:
        day = _beijing_date(moment)
        out.append(day)
        if day > end:
            return out
        moment = ephem.next_new_moon(moment + 1)


def _month_eleven(year: int) -> dt.date:
    """The first day of the lunar month that contains the winter solstice of ``year``."""
    solstice = solar_term(year, 270.0)
    moons = _new_moons(solstice - dt.timedelta(days=40), solstice)
    return max(d for d in moons if d <= solstice)


@functools.lru_cache(maxsize=64)
def lunar_months(year: int) -> tuple[tuple[dt.date, int, bool], ...]:
    """The lunar months from the eleventh month before the lunar year that begins in ``year`` to
    the eleventh month within it: (first day, month number, is leap)."""
    start, end = _month_eleven(year - 1), _month_eleven(year)
    moons = [d for d in _new_moons(start, end) if start <= d <= end]
    # Major solar terms (中气) of the 岁: 冬至 of year-1 (270°), then every 30° to 冬至 of year.
    majors = [solar_term(year - 1, 270.0)] + [solar_term(year, float(lon % 360)) for lon in range(300, 300 + 330, 30)]
    leap_index = None
    if len(moons) == 14:  # thirteen months between the two eleventh months: one of them is leap
        for i in range(len(moons) - 1):
            if not any(moons[i] <= m < moons[i + 1] for m in majors):
                leap_index = i
                break
    months = []
    number = 11
    for i, first in enumerate(moons[:-1]):
        leap = i == leap_index
        if i > 0 and not leap:
            number = number % 12 + 1
        months.append((first, number, leap))
    return tuple(months)


def lunar_date(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of day ``day`` of (non-leap) lunar month ``month`` of the lunar year that
    begins in Gregorian ``year``."""
    months = lunar_months(year)
    started = False
    for first, number, leap in months:
        if number == 1 and not leap:
            started = True
        if started and number == month and not leap:
            return first + dt.timedelta(days=day - 1)
    # Months 11 and 12 of this lunar year fall in the next 岁.
    for first, number, leap in lunar_months(year + 1):
        if number == month and not leap and first.year >= year:
            return first + dt.timedelta(days=day - 1)
    raise ValueError(f"lunar month {month} of {year} not found")


@functools.lru_cache(maxsize=64)
def statutory_days_off(year: int) -> dict[dt.date, str]:
    """The days off of ``year`` under the 2024 measures, with 补假 for those on a weekend."""
    new_year = lunar_date(year, 1, 1)
    holidays: list[tuple[dt.date, str]] = [(dt.date(year, 1, 1), "元旦")]
    holidays += [(new_year + dt.timedelta(days=k), "春节") for k in (-1, 0, 1, 2)]
    holidays += [
        (solar_term(year, 15.0), "清明节"),
        (dt.date(year, 5, 1), "劳动节"),
        (dt.date(year, 5, 2), "劳动节"),
        (lunar_date(year, 5, 5), "端午节"),
        (lunar_date(year, 8, 15), "中秋节"),
    ]
    holidays += [(dt.date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    off: dict[dt.date, str] = {}
    for day, name in sorted(holidays):
        off.setdefault(day, name)  # 中秋 and 国庆 may coincide; one day off, not two
    # Art. 6: a holiday on a Saturday or Sunday is made up on the next weekday not already off.
    for day, name in sorted(off.items()):
        if day.weekday() >= 5:
            make_up = day + ONE_DAY
            while make_up.weekday() >= 5 or make_up in off:
                make_up += ONE_DAY
            off[make_up] = f"{name}补假"
    return dict(sorted(off.items()))
