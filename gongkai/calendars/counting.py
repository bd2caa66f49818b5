"""The one count of working days (spec §6), and the one result every deadline is given as.

Reading chosen, documented in docs/deadlines.md: a period of N working days "自…之日起" starts on
the day after the event (民法典 第二百零一条: 开始的当日不计入); day 1 is the first working day after
it and the deadline is the N-th. Working days inside a pause (a consultation, Art. 32–34; the time
to pay a fee) do not count. The catalogue's 20 working days (Art. 26), the reply period with its
extension (Art. 33) and every shorter period of the applications are all counted here, by
``count_working_days``, and returned as a ``DeadlineResult`` that explains itself.

This module reads no database: it takes any calendar that can say whether a day is a working day
(``calendars.services.WorkingCalendar`` in the platform; a plain one in property tests) and, when
the calendar knows them, the names of the days off and make-up days crossed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

ONE_DAY = dt.timedelta(days=1)


class Calendar(Protocol):
    def is_working_day(self, day: dt.date) -> bool: ...


@dataclass(frozen=True)
class Pause:
    """Working days that do not count: from the day after ``begin`` (the day the consultation letter
    was sent still counts) to ``end`` (the day the opinion came back or the period ended)."""

    begin: dt.date
    end: dt.date
    reason: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.begin < day <= self.end


@dataclass(frozen=True)
class DeadlineResult:
    """A computed deadline together with the facts it came from."""

    start: dt.date
    working_days: int  # counted in all, the extension included
    due: dt.date
    provisional: bool  # a year crossed has no official holiday schedule loaded yet (spec §9)
    unloaded_years: list[int] = field(default_factory=list)
    holidays_crossed: list[tuple[str, str]] = field(default_factory=list)
    makeup_days_crossed: list[tuple[str, str]] = field(default_factory=list)
    extension: int = 0
    paused_days: int = 0
    pauses: list[tuple[str, str, str]] = field(default_factory=list)  # (begin, end, reason) as ISO dates
    label: str = ""  # what the date is called in the explanation (答复期限); plain 截止 when empty

    def explain(self) -> str:
        """The explanation shown to staff and applicants, in Chinese."""
        parts = [f"自{self.start:%Y年%m月%d日}次日起算{self.working_days - self.extension}个工作日"]
        if self.extension:
            parts.append(f"，经批准延长{self.extension}个工作日")
        if self.paused_days:
            reasons = "、".join(sorted({r for _, _, r in self.pauses if r})) or "征求意见"
            parts.append(f"，{reasons}期间{self.paused_days}个工作日不计算在内")
        parts.append(f"，{self.label}至{self.due:%Y年%m月%d日}。" if self.label else f"，截止{self.due:%Y年%m月%d日}。")
        if self.holidays_crossed:
            names = "、".join(sorted({n for _, n in self.holidays_crossed if n}))
            named = f"（{names}）" if names else ""
            parts.append(f"期间遇法定节假日{len(self.holidays_crossed)}天{named}，不计入。")
        if self.makeup_days_crossed:
            parts.append(f"调休上班日{'、'.join(d for d, _ in self.makeup_days_crossed)}计为工作日。")
        if self.provisional:
            years = "、".join(str(y) for y in self.unloaded_years)
            parts.append(
                f"{years}年节假日安排尚未载入，本期限为暂定：按《全国年节及纪念日放假办法》规定的法定节假日计算"
                "（不含调休），载入后将重新计算。"
            )
        return "".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """The stored form (a JSON column); JSON has no tuples or dates, so pairs become lists and
        dates ISO strings. ``text`` is the explanation as computed."""
        return {
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "working_days": self.working_days,
            "provisional": self.provisional,
            "unloaded_years": list(self.unloaded_years),
            "holidays_crossed": [list(p) for p in self.holidays_crossed],
            "makeup_days_crossed": [list(p) for p in self.makeup_days_crossed],
            "extension": self.extension,
            "paused_days": self.paused_days,
            "pauses": [list(p) for p in self.pauses],
            "label": self.label,
            "text": self.explain(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeadlineResult:
        return cls(
            start=dt.date.fromisoformat(data["start"]),
            working_days=int(data["working_days"]),
            due=dt.date.fromisoformat(data["due"]),
            provisional=bool(data.get("provisional")),
            unloaded_years=[int(y) for y in data.get("unloaded_years", [])],
            holidays_crossed=[(d, n) for d, n in data.get("holidays_crossed", [])],
            makeup_days_crossed=[(d, n) for d, n in data.get("makeup_days_crossed", [])],
            extension=int(data.get("extension", 0)),
            paused_days=int(data.get("paused_days", 0)),
            pauses=[(b, e, r) for b, e, r in data.get("pauses", [])],
            label=str(data.get("label", "")),
        )


def count_working_days(
    calendar: Calendar,
    start: dt.date,
    n: int,
    *,
    extension: int = 0,
    pauses: Iterable[Pause] = (),
    label: str = "",
) -> DeadlineResult:
    """The ``n + extension``-th working day after ``start`` that no pause covers."""
    pauses = tuple(pauses)
    # Names of the days off and make-up days crossed, when the calendar knows them: WorkingCalendar
    # names its holidays (the computed statutory ones of a year not loaded yet too) and make-up days.
    name_of = getattr(calendar, "day_off_name", None)
    work = getattr(calendar, "work", None)
    work_names: Mapping[dt.date, str] = work if isinstance(work, Mapping) else {}
    loaded: set[int] | None = getattr(calendar, "loaded_years", None)
    needed = n + extension
    counted = paused = 0
    day = start
    holidays: list[tuple[str, str]] = []
    makeup: list[tuple[str, str]] = []
    unloaded: set[int] = set()
    while counted < needed:
        day += ONE_DAY
        if loaded is not None and day.year not in loaded:
            unloaded.add(day.year)
        if not calendar.is_working_day(day):
            name = name_of(day) if name_of is not None else None
            if name:
                holidays.append((day.isoformat(), name))
            continue
        if day in work_names:
            makeup.append((day.isoformat(), work_names[day]))
        if any(p.covers(day) for p in pauses):
            paused += 1
            continue
        counted += 1
    return DeadlineResult(
        start=start,
        working_days=needed,
        due=day,
        provisional=bool(unloaded),
        unloaded_years=sorted(unloaded),
        holidays_crossed=holidays,
        makeup_days_crossed=makeup,
        extension=extension,
        paused_days=paused,
        pauses=[(p.begin.isoformat(), p.end.isoformat(), p.reason) for p in pauses],
        label=label,
    )
