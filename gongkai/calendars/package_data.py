"""Reading the schedule shipped by the ``chinese-calendar`` package (PyPI ``chinesecalendar``)."""

from __future__ import annotations

import datetime as dt
from importlib.metadata import version

NAME_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def package_label() -> str:
    return f"chinese-calendar {version('chinesecalendar')}"


def package_schedule() -> tuple[dict[dt.date, str], dict[dt.date, str], list[int]]:
    """Return (days off, make-up working days, years covered), names in Chinese."""
    import chinese_calendar

    off = {d: NAME_ZH.get(n, n) for d, n in chinese_calendar.holidays.items()}
    work = {d: NAME_ZH.get(n, n) + "调休" for d, n in chinese_calendar.workdays.items()}
    years = sorted({d.year for d in off} | {d.year for d in work})
    return off, work, list(range(years[0], years[-1] + 1))
