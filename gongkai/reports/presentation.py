"""The report's tables laid out as the national format prints them, for the HTML page (and later
the DOCX/PDF/XLSX exports): header rows with merged cells, then labelled rows of figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gongkai.applications.outcomes import OUTCOMES
from gongkai.reports.tables import (
    APPLICANT_COLUMNS,
    T2_DECISIONS_COLUMN,
    T2_FEES_COLUMN,
    T2_INSTRUMENT_COLUMNS,
    T3_COLUMNS,
    T4_BLOCKS,
    T4_RESULTS,
    Cell,
)


@dataclass(frozen=True)
class Row:
    label: str
    values: list[Any]
    level: int = 0  # indentation of the label
    key: str = ""


def table2(cells: dict[Cell, Any]) -> list[dict[str, Any]]:
    """Table 二 as four blocks, one per Art. 20 item, each with its own column heads."""

    def v(row: str, col: str) -> Any:
        value = cells.get((row, col), 0)
        return f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, Decimal) else value

    return [
        {
            "item": "第二十条第（一）项",
            "heads": ["信息内容", *[label for _, label in T2_INSTRUMENT_COLUMNS]],
            "rows": [
                Row("规章", [v("REG", c) for c, _ in T2_INSTRUMENT_COLUMNS]),
                Row("行政规范性文件", [v("NORM", c) for c, _ in T2_INSTRUMENT_COLUMNS]),
            ],
        },
        {
            "item": "第二十条第（五）项",
            "heads": ["信息内容", T2_DECISIONS_COLUMN[1]],
            "rows": [Row("行政许可", [v("LICENCE", "decisions")])],
        },
        {
            "item": "第二十条第（六）项",
            "heads": ["信息内容", T2_DECISIONS_COLUMN[1]],
            "rows": [Row("行政处罚", [v("PENALTY", "decisions")]), Row("行政强制", [v("COERCION", "decisions")])],
        },
        {
            "item": "第二十条第（八）项",
            "heads": ["信息内容", T2_FEES_COLUMN[1]],
            "rows": [Row("行政事业性收费", [v("FEES", "amount")])],
        },
    ]


def table3(cells: dict[Cell, int]) -> list[Row]:
    def values(row: str) -> list[int]:
        return [cells.get((row, c), 0) for c, _ in T3_COLUMNS]

    rows = [
        Row("一、本年新收政府信息公开申请数量", values("NEW"), key="NEW"),
        Row("二、上年结转政府信息公开申请数量", values("CARRY_IN"), key="CARRY_IN"),
    ]
    rows.append(Row("三、本年度办理结果", [], key=""))
    group = ""
    for o in OUTCOMES:
        if o.code in ("GRANT", "PARTIAL"):
            rows.append(Row(o.group, values(o.code), level=1, key=o.code))
            continue
        if o.group != group:
            rows.append(Row(o.group, [], level=1))
            group = o.group
        rows.append(Row(o.label, values(o.code), level=2, key=o.code))
    rows.append(Row("（七）总计", values("DONE"), level=1, key="DONE"))
    rows.append(Row("四、结转下年度继续办理", values("CARRY_OUT"), key="CARRY_OUT"))
    return rows


T3_HEAD = {
    "corner": "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和",
    "natural": APPLICANT_COLUMNS[0][1],
    "legal": [label for _, label in APPLICANT_COLUMNS[1:]],
}


def table4(cells: dict[Cell, int]) -> dict[str, Any]:
    heads = [label for _, label in T4_RESULTS]
    return {
        "blocks": [label for _, label in T4_BLOCKS],
        "heads": heads,
        "values": [cells.get((b, r), 0) for b, _ in T4_BLOCKS for r, _ in T4_RESULTS],
    }


def timeliness_sentence(t: dict[str, int] | None) -> str:
    """Section 六's sentence on 办结时效 and Art. 44 (issue 18 §13); empty for a report computed
    before the timeliness of replies was recorded."""
    if not t:
        return ""
    delayed = f"（其中依第三十五条确定延迟答复期限的{t['delayed']}件）" if t.get("delayed") else ""
    late_days = f"（合计逾期{t['late_days']}个工作日）" if t.get("late") else ""
    return (
        f"本年度答复的政府信息公开申请中，按时办结{t['on_time']}件，延期办结{t['extended']}件{delayed}，"
        f"逾期办结{t['late']}件{late_days}；依第四十四条将依申请公开的政府信息转为主动公开{t['proactive']}件。"
    )


def report_context(report: Any) -> dict[str, Any]:
    """What the report templates need: the effective tables of the body, and of its subtree."""
    from gongkai.reports.services import effective

    own = effective(report, "self")
    context: dict[str, Any] = {
        "report": report,
        "t2": table2(own["t2"]),
        "t3": table3(own["t3"]),
        "t4": table4(own["t4"]),
        "t3_head": T3_HEAD,
        "subtree": None,
        "timeliness_text": timeliness_sentence(report.computed.get("self", {}).get("timeliness")),
    }
    if "subtree" in report.computed:
        whole = effective(report, "subtree")
        context["subtree"] = {"t3": table3(whole["t3"]), "t4": table4(whole["t4"])}
    return context


def xlsx_bytes(report: Any) -> bytes:
    from gongkai.reports import xlsx
    from gongkai.reports.services import effective

    own = effective(report, "self")
    return xlsx.to_xlsx(str(report), own["t2"], own["t3"], own["t4"])


# --- year over year -----------------------------------------------------------------------------

KEY_FIGURES: tuple[tuple[str, str, tuple[str, str]], ...] = (
    ("新收申请", "t3", ("NEW", "TOT")),
    ("办结", "t3", ("DONE", "TOT")),
    ("予以公开", "t3", ("GRANT", "TOT")),
    ("结转下年度", "t3", ("CARRY_OUT", "TOT")),
    ("行政复议", "t4", ("reconsideration", "total")),
    ("行政诉讼", "t4", ("litigation_direct", "total")),
)


def comparison(report: Any, previous: Any | None) -> list[dict[str, Any]]:
    """Every figure of tables 二, 三 and 四 beside last year's, with the change."""
    from gongkai.reports.services import effective
    from gongkai.reports.tables import T3_COLUMN_LABELS, T3_ROW_LABELS

    now = effective(report)
    before = effective(previous) if previous is not None else None
    rows = []
    for table, name in (("t2", "表二"), ("t3", "表三"), ("t4", "表四")):
        for cell in sorted(now[table]):
            this = now[table][cell]
            last = before[table].get(cell) if before else None
            if table == "t3":
                label = f"{T3_ROW_LABELS.get(cell[0], cell[0])} · {T3_COLUMN_LABELS.get(cell[1], cell[1])}"
            else:
                label = f"{cell[0]} · {cell[1]}"
            change = (this - last) if last is not None else None
            rows.append({"table": name, "label": label, "this": this, "last": last, "change": change})
    return rows


def trend_svg(reports: list[Any]) -> str:
    """A grouped bar chart (inline SVG, no script) of the key figures over the years given."""
    from django.utils.html import escape

    from gongkai.reports.services import effective

    if not reports:
        return ""
    reports = sorted(reports, key=lambda r: r.year)
    values = [[effective(r)[t].get(c, 0) for _, t, c in KEY_FIGURES] for r in reports]
    top = max([v for row in values for v in row] + [1])
    width, height, left, bottom = 720, 260, 40, 40
    group = (width - left) / len(KEY_FIGURES)
    bar = max(min(group / (len(reports) + 1), 28), 4)
    colours = ["#c9d6ea", "#8fb0d9", "#4d7fc0", "#1f5aa6", "#0b3d7a"][-len(reports) :]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="主要数字逐年对比" class="trend">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#333"/>',
    ]
    for i, (label, _, _) in enumerate(KEY_FIGURES):
        x0 = left + i * group + (group - bar * len(reports)) / 2
        for j, r in enumerate(reports):
            v = values[j][i]
            h = (height - bottom - 20) * v / top
            x = x0 + j * bar
            y = height - bottom - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" fill="{colours[j]}">'
                f"<title>{r.year}年 {escape(label)}：{v}</title></rect>"
            )
            parts.append(
                f'<text x="{x + (bar - 2) / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle">{v}</text>'
            )
        parts.append(
            f'<text x="{left + i * group + group / 2:.1f}" y="{height - bottom + 16}" font-size="12" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for j, r in enumerate(reports):
        parts.append(f'<rect x="{left + j * 70}" y="{height - 14}" width="12" height="10" fill="{colours[j]}"/>')
        parts.append(f'<text x="{left + j * 70 + 16}" y="{height - 5}" font-size="11">{r.year}年</text>')
    parts.append("</svg>")
    return "".join(parts)
