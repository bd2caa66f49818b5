"""Scoring a body under an assessment scheme (考核方案, issue 22 §2): pure functions over the
dashboard's figures, so the rules can be read, and tested for every input, apart from the database.

A scheme is a list of items, each on one indicator (``supervision.indicators``):

- ``weight``: the item's full marks.
- ``target``: for an indicator where more is better (a rate, a count of work done), the value that
  earns full marks; below it the item earns ``weight × value ÷ target``. Without a target any value
  earns full marks. A rate with no base (nothing to rate) earns full marks, said in its line.
- ``deduct_per``: for an indicator where less is better, points taken off the item per unit beyond
  ``target`` (the allowance; zero without one), e.g. 0.5 per overdue reply; never more than
  ``deduct_cap`` (the item's weight when not set).
- ``veto_at`` (单项否决): where less is better, the value at which the whole score is zero (e.g. one
  annual report published late); where more is better, the value below which it is.

The score is the sum of the items' points, never below zero, or zero when an item vetoes. Every
score comes with its breakdown: lines whose points add up to the score exactly (a veto is a line that
takes off what the items earned). Points are kept to two decimals, each line rounded before it is
added.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gongkai.core.errors import ValidationFailed
from gongkai.core.numbers import parse_decimal
from gongkai.supervision.indicators import BY_KEY

CENT = Decimal("0.01")
MAX_POINTS = Decimal(1000)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Item:
    indicator: str
    weight: Decimal
    target: Decimal | None = None
    deduct_per: Decimal = Decimal(0)
    deduct_cap: Decimal | None = None
    veto_at: Decimal | None = None

    def as_json(self) -> dict[str, str | None]:
        return {k: (None if v is None else str(v)) for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Item:
        def dec(name: str) -> Decimal | None:
            value = data.get(name)
            return None if value in (None, "") else Decimal(str(value))

        return cls(
            indicator=str(data["indicator"]),
            weight=Decimal(str(data["weight"])),
            target=dec("target"),
            deduct_per=dec("deduct_per") or Decimal(0),
            deduct_cap=dec("deduct_cap"),
            veto_at=dec("veto_at"),
        )


def parse_item(indicator: str, raw: Mapping[str, Any]) -> Item | None:
    """An item from what a person typed (weight empty: the indicator is not in the scheme)."""
    label = BY_KEY[indicator].label

    def number(name: str, what: str) -> Decimal | None:
        value = str(raw.get(name) or "").strip()
        if not value:
            return None
        return parse_decimal(value, label=f"“{label}”的{what}", lo=Decimal(0), hi=MAX_POINTS, field=name)

    weight = number("weight", "分值")
    if weight is None:
        if any(str(raw.get(n) or "").strip() for n in ("target", "deduct_per", "deduct_cap", "veto_at")):
            raise ValidationFailed(f"“{label}”填写了评分规则，请同时填写分值。", code="required", field="weight")
        return None
    target = number("target", "目标值")
    deduct_per = number("deduct_per", "每单位扣分") or Decimal(0)
    if BY_KEY[indicator].lower_is_better:
        pass  # the target is the allowance before deductions start; zero allows none
    elif target == 0:
        raise ValidationFailed(f"“{label}”的目标值应大于0。", code="out_of_range", field="target")
    elif deduct_per:
        raise ValidationFailed(f"“{label}”越多越好，不按件扣分；请用目标值。", code="invalid_rule", field="deduct_per")
    return Item(
        indicator=indicator,
        weight=weight,
        target=target,
        deduct_per=deduct_per,
        deduct_cap=number("deduct_cap", "扣分上限"),
        veto_at=number("veto_at", "否决值"),
    )


@dataclass(frozen=True)
class Line:
    label: str
    value: str  # the figure as shown ("95.0%", "3件", "无数据")
    points: Decimal
    kind: str  # "item", "veto" or "adjustment"
    note: str = ""
    indicator: str = ""  # an item's indicator, whose records stand behind the line


@dataclass(frozen=True)
class Score:
    total: Decimal
    lines: tuple[Line, ...]
    vetoed: bool


def score(items: list[Item], values: Mapping[str, Decimal | None]) -> Score:
    """The score for one body, from each indicator's value (a count, or a rate in per cent; None for
    a rate without a base)."""
    lines: list[Line] = []
    vetoes: list[str] = []
    for item in items:
        indicator = BY_KEY[item.indicator]
        value = values.get(item.indicator)
        shown = "无数据" if value is None else f"{value}{indicator.unit}"
        note = ""
        if value is None:
            points, note = item.weight, "无可评价的记录，按满分计"
        elif indicator.lower_is_better:
            over = max(Decimal(0), value - (item.target or Decimal(0)))
            taken = min(item.deduct_per * over, item.weight if item.deduct_cap is None else item.deduct_cap)
            points = item.weight - taken
            if taken:
                note = f"超出{over}{indicator.unit}，扣{cents(taken)}分"
        elif item.target is not None:
            points = item.weight * min(value, item.target) / item.target
            note = f"目标{item.target}{indicator.unit}"
        else:
            points = item.weight
        lines.append(Line(indicator.label, shown, cents(points), "item", note, item.indicator))
        if _vetoes(item, value, lower_is_better=indicator.lower_is_better):
            vetoes.append(f"{indicator.label}为{shown}")
    earned = sum((line.points for line in lines), Decimal(0))
    if vetoes:
        lines.append(Line("单项否决", "；".join(vetoes), -earned, "veto", "得分计为0"))
        return Score(Decimal("0.00"), tuple(lines), True)
    if earned < 0:  # a cap above an item's weight can take more than it earned; the score stops at 0
        lines.append(Line("得分不低于0", "", -earned, "veto"))
        earned = Decimal(0)
    return Score(cents(earned), tuple(lines), False)


def _vetoes(item: Item, value: Decimal | None, *, lower_is_better: bool) -> bool:
    if item.veto_at is None or value is None:
        return False
    return value >= item.veto_at if lower_is_better else value < item.veto_at


def full_marks(items: list[Item]) -> Decimal:
    return cents(sum((i.weight for i in items), Decimal(0)))
