"""The national format's tables read from any report's rows, and their identities.

Rows are recognised by their labels, whatever the layout: the 2021 format (国办公开办函〔2021〕30号)
and the 2019 试行 format print the same rows of table 三 (the 2019 format's （六）其他处理 is one row
without items), table 四 is one row of fifteen figures, and table 二 rows are named 规章,
行政规范性文件, 行政许可 … A cell keeps three states apart: a figure, "/" and blank; a cell the
source lost (``None``) is unknown. An identity is checked only where every cell it needs is a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from gongkai.reports.audit.finding import Finding
from gongkai.reports.audit.numerals import plain
from gongkai.reports.tables import APPLICANT_COLUMNS, OUTCOME_ROWS, T3_COLUMNS, T4_BLOCKS, T4_RESULTS, Cell

SLASH, BLANK, LOST = "/", "", None
CellValue = Decimal | str | None

# Label keywords → table 三 row code, tried in order (the item rows before their groups).
T3_LABELS: tuple[tuple[str, str], ...] = (
    ("本年新收", "NEW"),
    ("上年结转", "CARRY_IN"),
    ("结转下年度", "CARRY_OUT"),
    ("属于国家秘密", "D1"),
    ("其他法律行政法规禁止公开", "D2"),
    ("三安全一稳定", "D3"),
    ("保护第三方合法权益", "D4"),
    ("三类内部事务", "D5"),
    ("四类过程性", "D6"),
    ("行政执法案卷", "D7"),
    ("行政查询事项", "D8"),
    ("本机关不掌握", "U1"),
    ("没有现成信息", "U2"),
    ("补正后申请内容仍不明确", "U3"),
    ("信访举报投诉", "N1"),
    ("重复申请", "N2"),
    ("公开出版物", "N3"),
    ("大量反复申请", "N4"),
    ("确认或重新出具", "N5"),
    ("逾期不补正", "O1"),
    ("逾期未按收费通知", "O2"),
    ("部分公开", "PARTIAL"),
    ("予以公开", "GRANT"),
    ("其他处理3.其他", "O3"),
    ("其他处理", "O"),
    ("不予公开", "D"),
    ("无法提供", "U"),
    ("不予处理", "N"),
    ("总计", "DONE"),
)
GROUP_ITEMS = {g: tuple(r for r in OUTCOME_ROWS if r[0] == g and r not in ("GRANT",)) for g in "DUNO"}
T3_NAMES = {"NEW": "本年新收", "CARRY_IN": "上年结转", "CARRY_OUT": "结转下年度继续办理", "DONE": "（七）总计"}
T3_NAMES |= {"GRANT": "予以公开", "PARTIAL": "部分公开", "D": "（三）不予公开", "U": "（四）无法提供"}
T3_NAMES |= {"N": "（五）不予处理", "O": "（六）其他处理"}
COLUMN_NAMES = dict(T3_COLUMNS)
T2_LABELS: tuple[tuple[str, str, int], ...] = (
    ("规章", "REG", 3),
    ("行政规范性文件", "NORM", 3),
    ("规范性文件", "NORM", 3),
    ("行政许可", "LICENCE", 1),
)
T2_LABELS += (("行政处罚", "PENALTY", 1), ("行政强制", "COERCION", 1), ("行政事业性收费", "FEES", 1))
T2_COLUMNS = {3: ("issued", "repealed", "in_force"), 1: ("decisions",)}


@dataclass
class Tables:
    t2: dict[Cell, CellValue] = field(default_factory=dict)
    t3: dict[Cell, CellValue] = field(default_factory=dict)
    t4: dict[Cell, CellValue] = field(default_factory=dict)

    def number(self, table: str, cell: Cell) -> Decimal | None:
        value = getattr(self, table).get(cell)
        return value if isinstance(value, Decimal) else None

    def present(self) -> bool:
        return len(self.t3) >= 7 * 5

    def t3_total(self, row: str, column: str = "TOT") -> Decimal | None:
        """A row of table 三, or an outcome group (D, U, N, O) as the sum of its items."""
        if row in GROUP_ITEMS:
            items = known([self.number("t3", (r, column)) for r in GROUP_ITEMS[row]])
            return sum(items, Decimal(0)) if items is not None else self.number("t3", (row, column))
        return self.number("t3", (row, column))


def known(values: list[Decimal | None]) -> list[Decimal] | None:
    """The figures, or None when any of them is not a figure (blank, "/", lost)."""
    out = [v for v in values if v is not None]
    return out if len(out) == len(values) else None


def _value(cell: str | None) -> CellValue:
    if cell is None:
        return LOST
    text = cell.strip().replace(",", "")
    if text in ("/", "／", "—", "-", "——"):
        return SLASH
    if not text:
        return BLANK
    try:
        return Decimal(text)
    except InvalidOperation:
        return BLANK


def _is_value(cell: str | None) -> bool:
    return cell is None or bool(re.fullmatch(r"\s*(-?[0-9][0-9,]*(\.[0-9]+)?|/|／|—|-|——)?\s*", cell))


def _split(row: list[str | None]) -> tuple[str, list[str | None]]:
    """A row's label (its text cells, repeated spans once) and its trailing value cells."""
    k = len(row)
    while k > 0 and _is_value(row[k - 1]):
        k -= 1
    labels: list[str] = []
    for cell in row[:k]:
        if cell and (not labels or labels[-1] != cell):
            labels.append(cell)
    return re.sub(r"[\s()（）]", "", "".join(labels)), row[k:]


def _trim(values: list[str | None], width: int) -> list[str | None]:
    """A row's figures without the empty cells a page's layout leaves after them ("| 3 | 0 | 3 | ||")."""
    while len(values) > width and not (values[-1] or "").strip():
        values = values[:-1]
    return values


def read_tables(rows: list[list[str | None]]) -> Tables:
    out = Tables()
    in_t3 = False
    t2_2019 = False  # the 2019 试行 table 二 counts 新制作/新公开/对外公开总数, not 制发/废止/现行有效
    for row in rows:
        label, cells = _split(row)
        values = _trim(cells, 15 if len(_trim(cells, 7)) > 7 else 7)
        if "本年新收" in label:
            in_t3 = True
        if re.search(r"新制作|新公开数量|对外公开总数", label):
            t2_2019 = True
        if len(values) == 15 and not label.strip("0123456789"):
            # Table 四: 行政复议 ×5, then 未经复议直接起诉 ×5 and 复议后起诉 ×5.
            for b, (block, _) in enumerate(T4_BLOCKS):
                for r, (result, _) in enumerate(T4_RESULTS):
                    out.t4[(block, result)] = _value(values[b * 5 + r])
            continue
        if in_t3 and len(values) == 7:
            code = next((c for word, c in T3_LABELS if word in label), None)
            if code and (code, "TOT") not in out.t3:
                for (col, _), cell in zip(T3_COLUMNS, values, strict=True):
                    out.t3[(code, col)] = _value(cell)
                if code == "CARRY_OUT":
                    in_t3 = False
            continue
        for word, code, n in T2_LABELS:
            if t2_2019 and code in ("REG", "NORM"):
                continue
            values = _trim(cells, n)
            if label.endswith(word) and len(values) == n and (code, T2_COLUMNS[n][0]) not in out.t2:
                column = ("amount",) if code == "FEES" else T2_COLUMNS[n]
                for col, cell in zip(column, values, strict=True):
                    out.t2[(code, col)] = _value(cell)
                break
    return out


def _cell_name(row: str, col: str) -> str:
    return f"表三 行“{T3_NAMES.get(row, row)}” 列“{COLUMN_NAMES[col]}”"


def _check(found: list[Finding], location: str, stated: Decimal, parts: list[Decimal], rule: str, why: str) -> None:
    total = sum(parts, Decimal(0))
    if stated != total:
        found.append(
            Finding(
                "identity",
                location,
                plain(stated),
                plain(total),
                rule,
                why.format(stated=plain(stated), total=plain(total)),
            )
        )


def identities(t: Tables) -> list[Finding]:
    """Table 三 per column (新收 + 上年结转 = 总计 + 结转下年度; 总计 = the outcomes; a group's own row
    = its items) and across (总计 column = the applicant columns); table 四 per block."""
    found: list[Finding] = []
    n = t.number
    if t.present():
        for col, col_label in T3_COLUMNS:
            flow = known([n("t3", (r, col)) for r in ("NEW", "CARRY_IN", "DONE", "CARRY_OUT")])
            done = n("t3", ("DONE", col))
            if flow is not None:
                new, carry, done_, out = flow
                left, right = new + carry, done_ + out
                if left != right:
                    found.append(
                        Finding(
                            "identity",
                            f"表三 列“{col_label}”",
                            f"{plain(new)}＋{plain(carry)}＝{plain(left)}",
                            f"{plain(done_)}＋{plain(out)}＝{plain(right)}",
                            "第一项加第二项之和，等于第三项加第四项之和",
                            f"“{col_label}”列新收加上年结转为{plain(left)}，办理结果总计加结转下年度为{plain(right)}，不相等。",
                        )
                    )
            outcomes = known([t.t3_total(r, col) for r in ("GRANT", "PARTIAL", "D", "U", "N", "O")])
            if done is not None and outcomes is not None:
                _check(
                    found,
                    _cell_name("DONE", col),
                    done,
                    outcomes,
                    "（七）总计＝（一）至（六）之和",
                    "办理结果总计为{stated}，各项办理结果之和为{total}。",
                )
            for group, items in GROUP_ITEMS.items():
                own = n("t3", (group, col))
                values = known([n("t3", (r, col)) for r in items])
                if own is not None and values:
                    _check(
                        found,
                        _cell_name(group, col),
                        own,
                        values,
                        f"{T3_NAMES[group]}＝其下各项之和",
                        "该项合计为{stated}，其下各项之和为{total}。",
                    )
        for row in ("NEW", "CARRY_IN", "GRANT", "PARTIAL", "DONE", "CARRY_OUT", *OUTCOME_ROWS[2:], *GROUP_ITEMS):
            total = n("t3", (row, "TOT"))
            values = known([n("t3", (row, c)) for c, _ in APPLICANT_COLUMNS])
            if total is not None and values is not None:
                _check(
                    found,
                    _cell_name(row, "TOT"),
                    total,
                    values,
                    "总计列＝各类申请人之和",
                    "总计为{stated}，各类申请人之和为{total}。",
                )
    for block, block_label in T4_BLOCKS:
        total = n("t4", (block, "total"))
        values = known([n("t4", (block, r)) for r, _ in T4_RESULTS[:-1]])
        if total is not None and values is not None:
            _check(
                found,
                f"表四 “{block_label}” 总计",
                total,
                values,
                "总计＝维持＋纠正＋其他＋尚未审结",
                "总计为{stated}，各项结果之和为{total}。",
            )
    return found


def across_years(this: Tables, last: Tables, year: str = "上年度") -> list[Finding]:
    """Table 二's 现行有效 = last year's + 本年制发 − 本年废止; 上年结转 = last year's 结转下年度."""
    found: list[Finding] = []
    for code, name in (("REG", "规章"), ("NORM", "行政规范性文件")):
        figures = known(
            [this.number("t2", (code, c)) for c in ("in_force", "issued", "repealed")]
            + [last.number("t2", (code, "in_force"))]
        )
        if figures is not None:
            now, issued, repealed, before = figures
            expected = before + issued - repealed
            if now != expected:
                found.append(
                    Finding(
                        "cross_year",
                        f"表二 行“{name}” 列“现行有效件数”",
                        plain(now),
                        plain(expected),
                        f"现行有效＝{year}现行有效（{plain(before)}）＋本年制发（{plain(issued)}）－本年废止（{plain(repealed)}）",
                        f"{name}现行有效件数与{year}报告及本年制发、废止件数不衔接。",
                    )
                )
    for col, col_label in T3_COLUMNS:
        carried, received = last.number("t3", ("CARRY_OUT", col)), this.number("t3", ("CARRY_IN", col))
        if carried is not None and received is not None and carried != received:
            found.append(
                Finding(
                    "cross_year",
                    _cell_name("CARRY_IN", col),
                    plain(received),
                    plain(carried),
                    f"本年上年结转＝{year}结转下年度继续办理",
                    f"“{col_label}”列上年结转为{plain(received)}，但{year}报告的结转下年度为{plain(carried)}。",
                )
            )
    return found
