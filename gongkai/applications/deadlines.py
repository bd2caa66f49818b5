"""The reply deadline of an application (Art. 30 and 33 of the Regulations), with pauses.

- The clock starts on the day the application was received (Art. 31), or, after a request for
  correction (补正), on the day the corrected application was received: it starts again from zero
  (Art. 30).
- The reply is due on the 20th working day after the start (Art. 33; day 1 is the first working day
  after the start, docs/deadlines.md), plus an extension of at most 20 working days approved by the
  head of the disclosure office (Art. 33).
- The time spent consulting a third party or another body does not count (Art. 33(3), 32, 34): a
  pause runs from the day the consultation letter was sent (that day still counts) to the day the
  opinion came back or the consultation period ended (that day does not count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

REPLY_WORKING_DAYS = 20
MAX_EXTENSION = 20
CORRECTION_NOTICE_DAYS = 7  # Art. 30: the request for correction within 7 working days
CONSULTATION_DAYS = 15  # Art. 32, 34: the consulted party answers within 15 working days
FEE_PAYMENT_DAYS = 20  # 国办函〔2020〕109号: pay within 20 working days of the notice


class Calendar(Protocol):
    def is_working_day(self, day: dt.date) -> bool: ...


@dataclass(frozen=True)
class Pause:
    begin: dt.date  # the day the consultation letter was sent (counts)
    end: dt.date  # the day the opinion came back, or the period ended (does not count)
    reason: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.begin < day <= self.end


@dataclass(frozen=True)
class ReplyDeadline:
    start: dt.date
    due: dt.date
    working_days: int  # 20 + extension
    paused_days: int  # working days not counted because of pauses
    extension: int
    pauses: tuple[tuple[str, str, str], ...] = ()  # (begin, end, reason) as ISO dates
    holidays_crossed: tuple[tuple[str, str], ...] = field(default=())
    makeup_days_crossed: tuple[tuple[str, str], ...] = field(default=())
    # Years crossed whose official holiday schedule is not loaded yet: the date may still move.
    unloaded_years: tuple[int, ...] = ()

    def explain(self) -> str:
        parts = [f"自{self.start:%Y年%m月%d日}次日起算{REPLY_WORKING_DAYS}个工作日"]
        if self.extension:
            parts.append(f"，经批准延长{self.extension}个工作日")
        if self.paused_days:
            reasons = "、".join(sorted({r for _, _, r in self.pauses if r})) or "征求意见"
            parts.append(f"，{reasons}期间{self.paused_days}个工作日不计算在内")
        parts.append(f"，答复期限至{self.due:%Y年%m月%d日}。")
        if self.holidays_crossed:
            names = "、".join(sorted({n for _, n in self.holidays_crossed if n}))
            named = f"（{names}）" if names else ""
            parts.append(f"期间遇法定节假日{len(self.holidays_crossed)}天{named}，不计入。")
        if self.makeup_days_crossed:
            parts.append(f"调休上班日{'、'.join(d for d, _ in self.makeup_days_crossed)}计为工作日。")
        if self.unloaded_years:
            years = "、".join(str(y) for y in self.unloaded_years)
            parts.append(
                f"{years}年节假日安排尚未载入，本期限为暂定：按《全国年节及纪念日放假办法》规定的法定节假日计算"
                "（不含调休），载入后将重新计算。"
            )
        return "".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "working_days": self.working_days,
            "paused_days": self.paused_days,
            "extension": self.extension,
            "pauses": [list(p) for p in self.pauses],
            "holidays_crossed": [list(p) for p in self.holidays_crossed],
            "makeup_days_crossed": [list(p) for p in self.makeup_days_crossed],
            "provisional": bool(self.unloaded_years),
            "text": self.explain(),
        }


def _named(days: Any) -> Mapping[dt.date, str]:
    return days if isinstance(days, Mapping) else {d: "" for d in days}


def reply_due(start: dt.date, calendar: Calendar, *, pauses: Iterable[Pause] = (), extension: int = 0) -> ReplyDeadline:
    if not 0 <= extension <= MAX_EXTENSION:
        raise ValueError(f"延长答复期限最长不得超过{MAX_EXTENSION}个工作日。")
    pauses = tuple(pauses)
    for pause in pauses:
        if pause.end < pause.begin:
            raise ValueError("征求意见的结束日期不能早于开始日期。")
    needed = REPLY_WORKING_DAYS + extension
    counted = paused = 0
    day = start
    # Names of the days off and make-up days crossed, when the calendar knows them (WorkingCalendar
    # keeps date → name mappings; a calendar with plain sets of dates gives dates without names).
    off_names = _named(getattr(calendar, "off", {}))
    work_names = _named(getattr(calendar, "work", {}))
    # WorkingCalendar also names the statutory days computed for a year not loaded yet (spec §9).
    name_of = getattr(calendar, "day_off_name", None)
    holidays: list[tuple[str, str]] = []
    makeup: list[tuple[str, str]] = []
    loaded: set[int] | None = getattr(calendar, "loaded_years", None)
    unloaded: set[int] = set()
    while counted < needed:
        day += dt.timedelta(days=1)
        if loaded is not None and day.year not in loaded:
            unloaded.add(day.year)
        if not calendar.is_working_day(day):
            name = name_of(day) if name_of is not None else off_names.get(day)
            if name is not None:
                holidays.append((day.isoformat(), name))
            continue
        if day in work_names:
            makeup.append((day.isoformat(), work_names[day]))
        if any(p.covers(day) for p in pauses):
            paused += 1
            continue
        counted += 1
    return ReplyDeadline(
        start=start,
        due=day,
        working_days=needed,
        paused_days=paused,
        extension=extension,
        pauses=tuple((p.begin.isoformat(), p.end.isoformat(), p.reason) for p in pauses),
        holidays_crossed=tuple(holidays),
        makeup_days_crossed=tuple(makeup),
        unloaded_years=tuple(sorted(unloaded)),
    )
