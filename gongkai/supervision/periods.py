"""The periods a dashboard is read for: a year, a quarter, a month, or any span up to five years."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

from gongkai.core.errors import ValidationFailed
from gongkai.core.numbers import parse_int
from gongkai.supervision.indicators import Period

KINDS = {"year": "年度", "quarter": "季度", "month": "月份", "custom": "自定义"}


def period_from(params: Mapping[str, str], today: dt.date) -> Period:
    """The period a query string names (``period`` = year | quarter | month | custom, with ``year``,
    ``quarter``, ``month`` or ``start`` and ``end``); this year when nothing is said."""
    kind = params.get("period") or "year"
    if kind == "custom":
        try:
            start = dt.date.fromisoformat(params.get("start", ""))
            end = dt.date.fromisoformat(params.get("end", ""))
        except ValueError:
            raise ValidationFailed("请填写起止日期（如2026-01-01）。", code="invalid_date", field="start") from None
        if end < start or (end - start).days > 5 * 366:
            raise ValidationFailed("截止日期应不早于起始日期，期间不超过五年。", code="invalid_period", field="end")
        return Period(start, end, f"{start:%Y-%m-%d}至{end:%Y-%m-%d}")
    year = parse_int(params.get("year") or today.year, label="年度", lo=2000, hi=today.year + 1, field="year")
    if kind == "quarter":
        q = parse_int(params.get("quarter") or (today.month - 1) // 3 + 1, label="季度", lo=1, hi=4, field="quarter")
        start = dt.date(year, 3 * q - 2, 1)
        end = dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
        return Period(start, end, f"{year}年第{q}季度")
    if kind == "month":
        m = parse_int(params.get("month") or today.month, label="月份", lo=1, hi=12, field="month")
        return Period(dt.date(year, m, 1), dt.date(year, m, calendar.monthrange(year, m)[1]), f"{year}年{m}月")
    if kind != "year":
        raise ValidationFailed("期间类型不正确。", code="invalid_choice", field="period")
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")
