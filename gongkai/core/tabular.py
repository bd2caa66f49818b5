"""Reading a small table a person uploads (CSV or XLSX, first sheet): a header row, then one record
per row, every value as text. CSV may be UTF-8 (with or without BOM) or GB18030 (what older
government systems and Excel in Chinese export); an XLSX's archive is capped before it is inflated.
Blank rows are skipped; a file with more rows than allowed is refused before any is used."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from gongkai.core.errors import ValidationFailed
from gongkai.core.zipcaps import open_office_zip

Row = tuple[int, dict[str, str]]  # (row number as the spreadsheet shows it, header → value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise ValidationFailed(
                "无法识别文件的编码，请另存为 UTF-8 编码的 CSV。", code="bad_encoding", field="file"
            ) from None


def _rows(cells: list[list[str]], max_rows: int) -> list[Row]:
    if not cells or not any(cells[0]):
        raise ValidationFailed("文件是空的，或第一行不是表头。", code="empty_file", field="file")
    header = [c.strip() for c in cells[0]]
    out: list[Row] = []
    for number, row in enumerate(cells[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            raise ValidationFailed(f"第{number}行的列数多于表头。", code="extra_columns", field="file")
        out.append((number, {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header) if h}))
        if len(out) > max_rows:
            raise ValidationFailed(f"文件超过{max_rows}行，请分成几个文件导入。", code="too_many_rows", field="file")
    return out


def read_table(name: str, data: bytes, *, max_rows: int = 10_000) -> tuple[list[str], list[Row]]:
    """The header and the rows of a CSV or XLSX upload, or a refusal naming what is wrong."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        open_office_zip(name, data, "XLSX")
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
            sheet = book.worksheets[0]
            cells = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise ValidationFailed("文件不是有效的 XLSX 工作簿。", code="not_xlsx", field="file") from exc
    elif lower.endswith(".csv"):
        try:
            cells = [list(r) for r in csv.reader(io.StringIO(_decode(data), newline=""))]
        except csv.Error as exc:
            raise ValidationFailed(f"CSV 文件格式不正确：{exc}", code="bad_csv", field="file") from exc
    else:
        raise ValidationFailed("请上传 CSV 或 XLSX 文件。", code="unknown_format", field="file")
    rows = _rows(cells, max_rows)
    return [c.strip() for c in cells[0] if c.strip()], rows
