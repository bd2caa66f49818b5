"""Strict parsing of numbers typed or imported by people.

Python's ``int()`` and ``Decimal()`` accept far more than a form should: ``1e999999999`` (whose
digits take minutes to print), ``Infinity``, ``NaN``, ``１２`` (full-width), underscores. A number
a person enters here is plain ASCII digits (an optional minus sign where negatives make sense, an
optional decimal point for amounts), within stated bounds; anything else is refused with a message
in Chinese naming the field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone

from gongkai.core.errors import ValidationFailed

_INT = re.compile(r"-?[0-9]{1,18}")
_DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,6})?")


def _refuse(label: str, message: str, field: str | None) -> ValidationFailed:
    return ValidationFailed(f"{label}{message}", code="invalid_number", field=field)


def parse_int(value: Any, *, label: str, lo: int, hi: int, field: str | None = None) -> int:
    """An integer in [lo, hi] from a str, int or integral float (as spreadsheets give them)."""
    wanted = f"应为非负整数（不超过{hi}）" if lo == 0 else f"应为{lo}到{hi}之间的整数"
    if isinstance(value, bool):
        raise _refuse(label, f"{wanted}。", field)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise _refuse(label, f"{wanted}。", field)
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not _INT.fullmatch(text):
            raise _refuse(label, f"{wanted}，实际为“{text[:20]}”。", field)
        number = int(text)
    if not lo <= number <= hi:
        raise _refuse(label, f"{wanted}，实际为{number}。", field)
    return number


def parse_decimal(value: Any, *, label: str, lo: Decimal, hi: Decimal, field: str | None = None) -> Decimal:
    """A finite decimal in [lo, hi], written with at most 15 digits before the point and 6 after."""
    if isinstance(value, bool):
        raise _refuse(label, "应为数字。", field)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _refuse(label, "应为数字。", field)
        value = repr(value)
    text = str(value).strip()
    if not _DECIMAL.fullmatch(text):
        raise _refuse(label, f"应为数字（不用科学计数法），实际为“{text[:20]}”。", field)
    number = Decimal(text)
    if not lo <= number <= hi:
        raise _refuse(label, f"应在{lo}到{hi}之间，实际为{number}。", field)
    return number


_LENIENT_INT = re.compile(r"-?[0-9]{1,12}")


def int_param(value: str | None, lo: int = 0, hi: int = 2**31 - 1) -> int | None:
    """For query-string parameters of public pages, where a malformed value is ignored, never an
    error: a plain integer within [lo, hi] (a database column holds it), or None. No exponents, no
    full-width digits, no twenty-digit numbers."""
    if not value or not _LENIENT_INT.fullmatch(value.strip()):
        return None
    number = int(value.strip())
    return number if lo <= number <= hi else None


def check_past_month(year: int, month: int, *, today: dt.date | None = None) -> None:
    """A month that has begun (figures are entered for a month under way or past, never ahead)."""
    today = today or timezone.localdate()
    if not (year >= 2000 and 1 <= month <= 12) or (year, month) > (today.year, today.month):
        raise ValidationFailed("年月不正确（不能晚于本月）。", code="invalid_period", field="month")
