"""Figures as Chinese reports write them: digits (ASCII or full-width, with thousands commas), Chinese
numerals (一百二十三, 两千), decimals, and the multipliers 千, 万 and 亿 ("2.5万人次", "1.70亿元").

A figure carries the interval of true values it can stand for. A report rounds ("2.5万" may be
24,500 to 25,499) or truncates (25,000 to 25,999); the auditor accepts either and flags a figure only
when no value it can stand for fits (issue 23: "2.5万" against 21,000 is a finding, "2.1万" is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "[零〇○一二两三四五六七八九十百千]+"
MULTIPLIERS = {"千": Decimal(1000), "万": Decimal(10000), "亿": Decimal(100000000)}
# Digits with an optional thousands comma (a comma followed by exactly three digits: Chinese prose also
# uses "," between clauses) and an optional decimal part.
DIGITS = r"[0-9](?:[0-9]|,(?=[0-9]{3}(?![0-9])))*(?:\.[0-9]+)?"


def cn_to_int(text: str) -> int | None:
    """一百二十三 → 123, 十五 → 15, 两千 → 2000, 二〇一八 → 2018 (digit by digit); None if malformed."""
    if not text:
        return None
    if all(ch in _CN_DIGITS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    total, current = 0, None
    for ch in text:
        if ch in "零〇○" and total:
            continue  # a placeholder: 一百零六
        if ch in _CN_DIGITS:
            if current is not None:
                return None  # two digits in a row with units: 一二百
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if current is None else current) * _CN_UNITS[ch]
            current = None
        else:
            return None
    return total + (current or 0)


@dataclass(frozen=True)
class Figure:
    """A stated figure: its value, as written, and the interval [low, high) of values it can stand for."""

    value: Decimal
    text: str
    low: Decimal
    high: Decimal

    def admits(self, value: Decimal | int) -> bool:
        v = Decimal(value)
        return v == self.value or self.low <= v < self.high

    def overlaps(self, low: Decimal, high: Decimal) -> bool:
        """Whether some value this figure can stand for lies in [low, high]."""
        return self.low <= high and low <= max(self.high, self.low)


def plain(value: Decimal) -> str:
    """A computed figure as a report would write it: no exponent, no trailing zeros (25000, 2.5)."""
    return f"{value.normalize():f}"


def figure(number: str, multiplier: str = "", text: str | None = None) -> Figure | None:
    """A figure from its number (digits or Chinese numerals) and an optional 千/万/亿."""
    number = number.replace(",", "")
    scale = MULTIPLIERS.get(multiplier, Decimal(1))
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", number):
        value = Decimal(number)
        decimals = len(number.partition(".")[2])
    else:
        cn = cn_to_int(number)
        if cn is None:
            return None
        value, decimals = Decimal(cn), 0
    written = text if text is not None else number + multiplier
    if scale == 1 and decimals == 0:
        return Figure(value, written, value, value)
    half = Decimal(5) * Decimal(10) ** (-decimals - 1) * scale
    return Figure(value * scale, written, value * scale - half, value * scale + 2 * half)


@dataclass(frozen=True)
class Percent:
    """A stated percentage and the interval of shares (in per cent) it can stand for: rounded to its
    decimals, or truncated."""

    value: Decimal
    text: str

    @property
    def decimals(self) -> int:
        return max(0, -int(self.value.as_tuple().exponent))

    def admits(self, low: Decimal, high: Decimal) -> bool:
        """Whether a share somewhere in [low, high] (per cent) is written as this percentage."""
        step = Decimal(10) ** -self.decimals
        return low < self.value + step and high >= self.value - step / 2


def percent(number: str, text: str) -> Percent:
    return Percent(Decimal(number), text)


def share(part: Figure, base: Figure) -> tuple[Decimal, Decimal]:
    """The interval of part/base × 100 over the values both figures can stand for."""
    if base.high <= 0:
        return Decimal(-1), Decimal(-1)
    low_base = base.low if base.low > 0 else base.value
    lo = part.low * 100 / max(base.high, low_base)
    hi = max(part.high, part.value) * 100 / low_base
    return lo, hi
