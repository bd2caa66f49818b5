"""The tables of the annual report in the national format (国办公开办函〔2021〕30号; spec §2), and the
identities printed on them.

A table is a mapping from (row, column) to a number. Rows and columns carry the codes of the spec and
the labels exactly as the format prints them. ``problems`` checks every identity and names each
failing cell, in plain Chinese, so that an import or an edit can be refused with the cell named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from gongkai.applications.outcomes import OUTCOMES

# Bounds of a figure typed or imported into a report: far above any body's year, far below what
# breaks a page (gongkai.core.numbers).
MAX_COUNT = 1_000_000_000
MAX_AMOUNT = Decimal("1000000000")  # 万元

# --- table 三: applications received and handled ------------------------------------------------

APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("NAT", "自然人"),
    ("BIZ", "商业企业"),
    ("RES", "科研机构"),
    ("NPO", "社会公益组织"),
    ("LAW", "法律服务机构"),
    ("OTH", "其他"),
)
T3_COLUMNS: tuple[tuple[str, str], ...] = (*APPLICANT_COLUMNS, ("TOT", "总计"))
OUTCOME_ROWS: tuple[str, ...] = tuple(o.code for o in OUTCOMES)
T3_ROWS: tuple[tuple[str, str], ...] = (
    ("NEW", "一、本年新收政府信息公开申请数量"),
    ("CARRY_IN", "二、上年结转政府信息公开申请数量"),
    # 三、本年度办理结果: （一）予以公开 and （二）部分公开 are rows of their own; the other groups
    # have numbered sub-rows (（三）不予公开 1.属于国家秘密 …).
    *((o.code, o.group if o.code in ("GRANT", "PARTIAL") else f"{o.group} {o.label}") for o in OUTCOMES),
    ("DONE", "（七）总计"),
    ("CARRY_OUT", "四、结转下年度继续办理"),
)
T3_ROW_LABELS = dict(T3_ROWS)
T3_COLUMN_LABELS = dict(T3_COLUMNS)

# --- table 四: reconsideration and litigation ----------------------------------------------------

T4_BLOCKS: tuple[tuple[str, str], ...] = (
    ("reconsideration", "行政复议"),
    ("litigation_direct", "行政诉讼 未经复议直接起诉"),
    ("litigation_after", "行政诉讼 复议后起诉"),
)
T4_RESULTS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)

# --- table 二: proactive disclosure -------------------------------------------------------------

T2_ROWS: tuple[tuple[str, str, str], ...] = (
    # (code, item of Art. 20, label)
    ("REG", "第二十条第（一）项", "规章"),
    ("NORM", "第二十条第（一）项", "行政规范性文件"),
    ("LICENCE", "第二十条第（五）项", "行政许可"),
    ("PENALTY", "第二十条第（六）项", "行政处罚"),
    ("COERCION", "第二十条第（六）项", "行政强制"),
    ("FEES", "第二十条第（八）项", "行政事业性收费"),
)
T2_INSTRUMENT_COLUMNS = (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))
T2_DECISIONS_COLUMN = ("decisions", "本年处理决定数量")
T2_FEES_COLUMN = ("amount", "本年收费金额（单位：万元）")
# Figures that live in other systems: entered or imported by staff, with their source.
T2_ENTERED = {("LICENCE", "decisions"), ("PENALTY", "decisions"), ("COERCION", "decisions"), ("FEES", "amount")}


Cell = tuple[str, str]


@dataclass(frozen=True)
class Problem:
    table: str  # "二" | "三" | "四"
    cell: Cell  # (row, column)
    message: str


def t3_cell_name(row: str, column: str) -> str:
    return f"表三“{T3_ROW_LABELS[row]}”行“{T3_COLUMN_LABELS[column]}”列"


def t3_problems(cells: Mapping[Cell, int]) -> list[Problem]:
    """The identities of table 三, per column (spec §2):
    I1 新收 + 上年结转 = 总计 + 结转下年度 (printed on the table);
    I2 总计 = the sum of the outcome rows; I3 the 总计 column = the sum of the applicant columns;
    and every figure a whole number ≥ 0."""
    out: list[Problem] = []

    def get(row: str, col: str) -> int:
        return int(cells.get((row, col), 0))

    for row, _ in T3_ROWS:
        for col, _ in T3_COLUMNS:
            value = cells.get((row, col), 0)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                out.append(Problem("三", (row, col), f"{t3_cell_name(row, col)}应为非负整数，实际为“{value}”。"))
    if out:
        return out
    for row, _ in T3_ROWS:
        total = sum(get(row, c) for c, _ in APPLICANT_COLUMNS)
        if get(row, "TOT") != total:
            out.append(
                Problem("三", (row, "TOT"), f"{t3_cell_name(row, 'TOT')}为{get(row, 'TOT')}，各类申请人之和为{total}。")
            )
    for col, _ in T3_COLUMNS:
        outcomes = sum(get(r, col) for r in OUTCOME_ROWS)
        if get("DONE", col) != outcomes:
            out.append(
                Problem(
                    "三",
                    ("DONE", col),
                    f"{t3_cell_name('DONE', col)}为{get('DONE', col)}，各项办理结果之和为{outcomes}。",
                )
            )
        left, right = get("NEW", col) + get("CARRY_IN", col), get("DONE", col) + get("CARRY_OUT", col)
        if left != right:
            out.append(
                Problem(
                    "三",
                    ("CARRY_OUT", col),
                    f"表三“{T3_COLUMN_LABELS[col]}”列：新收加上年结转为{left}，办理总计加结转下年度为{right}，"
                    "不符合“第一项加第二项之和，等于第三项加第四项之和”。",
                )
            )
    return out


def t4_problems(cells: Mapping[Cell, int]) -> list[Problem]:
    out: list[Problem] = []
    for block, block_label in T4_BLOCKS:
        parts = 0
        for result, label in T4_RESULTS:
            value = cells.get((block, result), 0)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                out.append(
                    Problem("四", (block, result), f"表四“{block_label}”“{label}”应为非负整数，实际为“{value}”。")
                )
            elif result != "total":
                parts += value
        total = cells.get((block, "total"), 0)
        if isinstance(total, int) and total != parts and not out:
            out.append(Problem("四", (block, "total"), f"表四“{block_label}”总计为{total}，各项结果之和为{parts}。"))
    return out


def t2_problems(cells: Mapping[Cell, int | Decimal]) -> list[Problem]:
    out: list[Problem] = []
    for (row, col), value in cells.items():
        if (row, col) == ("FEES", "amount"):
            if not isinstance(value, (int, Decimal)) or value < 0:
                out.append(Problem("二", (row, col), f"表二“行政事业性收费”金额应为非负数，实际为“{value}”。"))
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            out.append(Problem("二", (row, col), f"表二“{row}”“{col}”应为非负整数，实际为“{value}”。"))
    return out
