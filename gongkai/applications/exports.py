"""The list of cases a search found, as a file (issue 18 §3): CSV or XLSX, personal data masked as
in every list of the workbench.

A cell that a spreadsheet would read as a formula (it starts with = + - @ or a tab) is written
with a leading apostrophe: an applicant's request text is never executed on a clerk's computer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook

from gongkai.applications.models import Application
from gongkai.applications.outcomes import BY_CODE, REPLY_TYPES
from gongkai.applications.selectors import masked

MAX_ROWS = 50_000
HEADER = (
    "查询码",
    "受理机关",
    "申请人类型",
    "申请人",
    "联系电话",
    "所需政府信息",
    "申请渠道",
    "收到申请日期",
    "状态",
    "答复期限",
    "答复日期",
    "答复类型",
    "办理结果（年报表三）",
    "答复时效",
    "逾期工作日数",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def rows(cases: QuerySet[Application]) -> Iterator[tuple[Any, ...]]:
    for app in cases[:MAX_ROWS].iterator(chunk_size=2000):
        shown = masked(app)
        outcome = BY_CODE.get(app.outcome)
        yield tuple(
            _safe(v)
            for v in (
                app.tracking_code,
                app.org.name,
                app.get_applicant_type_display(),
                shown["applicant_name"],
                shown["phone"],
                app.description,
                app.get_channel_display(),
                _date(app.received_on),
                app.get_state_display(),
                _date(app.due_date) if app.is_open else "",
                _date(app.replied_on),
                REPLY_TYPES[app.reply_type][0] if app.reply_type in REPLY_TYPES else "",
                f"{outcome.group} {outcome.label}" if outcome else "",
                app.get_timeliness_display() if app.timeliness else "",
                app.late_working_days if app.timeliness == "late" else "",
            )
        )


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(cases: QuerySet[Application]) -> Iterable[str]:
    """CSV for a streaming response, with a byte-order mark so that Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)
    for row in rows(cases):
        yield writer.writerow(row)


def xlsx_bytes(cases: QuerySet[Application]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("政府信息公开申请")
    sheet.append(list(HEADER))
    for row in rows(cases):
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
