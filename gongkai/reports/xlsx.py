"""The report's tables as an XLSX workbook, one sheet per table in the format's layout, and back.

Import reads the same layout (for bodies that compiled a past year elsewhere) and applies the same
checks as the system's own figures: a cell that is not a whole number, or an identity that fails,
is refused with the sheet, the cell reference and the row and column named.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from gongkai.core.errors import ValidationFailed
from gongkai.core.numbers import parse_decimal, parse_int
from gongkai.core.zipcaps import open_office_zip
from gongkai.reports import tables
from gongkai.reports.tables import MAX_AMOUNT, MAX_COUNT, T3_COLUMNS, T3_ROWS, T4_BLOCKS, T4_RESULTS, Cell

SHEET2, SHEET3, SHEET4 = "表二 主动公开", "表三 申请情况", "表四 复议诉讼"
T2_LAYOUT: tuple[tuple[str, str, str], ...] = (
    ("REG", "issued", "规章 本年制发件数"),
    ("REG", "repealed", "规章 本年废止件数"),
    ("REG", "in_force", "规章 现行有效件数"),
    ("NORM", "issued", "行政规范性文件 本年制发件数"),
    ("NORM", "repealed", "行政规范性文件 本年废止件数"),
    ("NORM", "in_force", "行政规范性文件 现行有效件数"),
    ("LICENCE", "decisions", "行政许可 本年处理决定数量"),
    ("PENALTY", "decisions", "行政处罚 本年处理决定数量"),
    ("COERCION", "decisions", "行政强制 本年处理决定数量"),
    ("FEES", "amount", "行政事业性收费 本年收费金额（单位：万元）"),
)
T3_FIRST_ROW = 4  # rows 1–3 are the header, as printed
THIN = Side(style="thin")


def _box(cell: Any) -> None:
    cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def to_xlsx(title: str, t2: dict[Cell, Any], t3: dict[Cell, int], t4: dict[Cell, int]) -> bytes:
    wb = Workbook()
    ws2 = wb.active
    ws2.title = SHEET2
    ws2.append([title])
    ws2.append(["信息内容", "数值"])
    for row, col, label in T2_LAYOUT:
        value = t2.get((row, col), 0)
        ws2.append([label, float(value) if isinstance(value, Decimal) else value])
    ws2.column_dimensions["A"].width = 44

    ws3 = wb.create_sheet(SHEET3)
    ws3.append(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"])
    ws3.append(["", "自然人", "法人或其他组织", "", "", "", "", "总计"])
    ws3.append(["", "", *[label for _, label in tables.APPLICANT_COLUMNS[1:]], ""])
    ws3.merge_cells("A1:A3")
    ws3.merge_cells("B1:H1")
    ws3.merge_cells("B2:B3")
    ws3.merge_cells("C2:G2")
    ws3.merge_cells("H2:H3")
    for code, label in T3_ROWS:
        ws3.append([label, *[t3.get((code, c), 0) for c, _ in T3_COLUMNS]])
    ws3.column_dimensions["A"].width = 60
    for row in ws3.iter_rows(min_row=1, max_row=ws3.max_row, max_col=8):
        for cell in row:
            _box(cell)

    ws4 = wb.create_sheet(SHEET4)
    ws4.append(["行政复议", "", "", "", "", "行政诉讼"])
    ws4.append(["", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉"])
    ws4.append([label for _ in T4_BLOCKS for _, label in T4_RESULTS])
    ws4.append([t4.get((b, r), 0) for b, _ in T4_BLOCKS for r, _ in T4_RESULTS])
    ws4.merge_cells("A1:E2")
    ws4.merge_cells("F1:O1")
    ws4.merge_cells("F2:J2")
    ws4.merge_cells("K2:O2")
    for row in ws4.iter_rows(min_row=1, max_row=4, max_col=15):
        for cell in row:
            _box(cell)
    for ws in (ws2, ws3, ws4):
        ws["A1"].font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _refuse(sheet: str, ref: str, what: str, problem: str) -> ValidationFailed:
    return ValidationFailed(
        f"工作表“{sheet}”单元格{ref}（{what}）：{problem}", code="import_invalid_cell", field="file"
    )


def _whole(value: Any, sheet: str, ref: str, what: str) -> int:
    if value is None or value == "":
        return 0
    try:
        return parse_int(value, label="", lo=0, hi=MAX_COUNT)
    except ValidationFailed as exc:
        raise _refuse(sheet, ref, what, exc.message) from None


def from_xlsx(data: bytes) -> dict[str, dict[Cell, Any]]:
    """Read the three tables; raise ValidationFailed naming the first bad cell or failed identity."""
    try:
        open_office_zip("工作簿", data, "XLSX")  # caps before openpyxl inflates anything
    except ValidationFailed as exc:
        if exc.code == "file_too_complex":
            raise
        raise ValidationFailed("文件不是有效的 XLSX 工作簿。", code="import_not_xlsx", field="file") from exc
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationFailed("文件不是有效的 XLSX 工作簿。", code="import_not_xlsx", field="file") from exc
    for name in (SHEET2, SHEET3, SHEET4):
        if name not in wb.sheetnames:
            raise ValidationFailed(
                f"工作簿中缺少工作表“{name}”，请使用本系统导出的格式。", code="import_layout", field="file"
            )

    t2: dict[Cell, Any] = {}
    rows2 = list(wb[SHEET2].iter_rows(min_row=3, max_col=2, values_only=True))
    for i, (row, col, label) in enumerate(T2_LAYOUT):
        ref = f"B{i + 3}"
        got_label, value = rows2[i] if i < len(rows2) else (None, None)
        if str(got_label or "").strip() != label:
            raise _refuse(SHEET2, f"A{i + 3}", label, f"应为“{label}”，实际为“{got_label}”；请使用本系统导出的格式。")
        if (row, col) == ("FEES", "amount"):
            try:
                amount = parse_decimal(value if value not in (None, "") else 0, label="", lo=Decimal(0), hi=MAX_AMOUNT)
            except ValidationFailed as exc:
                raise _refuse(SHEET2, ref, label, exc.message) from None
            t2[(row, col)] = amount
        else:
            t2[(row, col)] = _whole(value, SHEET2, ref, label)

    t3: dict[Cell, int] = {}
    rows3 = list(wb[SHEET3].iter_rows(min_row=T3_FIRST_ROW, max_col=8, values_only=True))
    for i, (code, label) in enumerate(T3_ROWS):
        excel_row = T3_FIRST_ROW + i
        found = rows3[i] if i < len(rows3) else (None,) * 8
        if str(found[0] or "").strip() != label:
            raise _refuse(
                SHEET3, f"A{excel_row}", label, f"行名应为“{label}”，实际为“{found[0]}”；请使用本系统导出的格式。"
            )
        for j, (col, col_label) in enumerate(T3_COLUMNS):
            ref = f"{get_column_letter(j + 2)}{excel_row}"
            t3[(code, col)] = _whole(found[j + 1], SHEET3, ref, f"{label}，{col_label}")

    t4: dict[Cell, int] = {}
    values4 = next(wb[SHEET4].iter_rows(min_row=4, max_row=4, max_col=15, values_only=True), (None,) * 15)
    k = 0
    for block, block_label in T4_BLOCKS:
        for result, result_label in T4_RESULTS:
            t4[(block, result)] = _whole(
                values4[k], SHEET4, f"{get_column_letter(k + 1)}4", f"{block_label}，{result_label}"
            )
            k += 1

    found_problems = tables.t3_problems(t3) + tables.t4_problems(t4)
    if found_problems:
        first = found_problems[0]
        if first.table == "三":
            row_index = [c for c, _ in T3_ROWS].index(first.cell[0])
            col_index = [c for c, _ in T3_COLUMNS].index(first.cell[1])
            ref = f"{get_column_letter(col_index + 2)}{T3_FIRST_ROW + row_index}"
            sheet = SHEET3
        else:
            block_index = [b for b, _ in T4_BLOCKS].index(first.cell[0])
            ref = f"{get_column_letter(block_index * 5 + 5)}4"
            sheet = SHEET4
        more = f"（共{len(found_problems)}处不符）" if len(found_problems) > 1 else ""
        raise ValidationFailed(
            f"工作表“{sheet}”单元格{ref}：{first.message}{more}", code="import_identity_failed", field="file"
        )
    return {"t2": t2, "t3": t3, "t4": t4}
