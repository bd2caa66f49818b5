"""The whole report as DOCX and PDF, tables laid out as the format prints them.

PDF: the report's HTML printed by headless Chromium (fonts embedded, ``core.pdf``). DOCX: built with
python-docx, with the merged header cells of tables 三 and 四; Word substitutes 宋体 for the text.
"""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string

from gongkai.core.pdf import print_html
from gongkai.reports.models import AnnualReport
from gongkai.reports.presentation import report_context

CJK_FONT = "宋体"


def to_pdf(report: AnnualReport) -> bytes:
    return print_html(render_to_string("reports/report_print.html", report_context(report)))


def to_docx(report: AnnualReport) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    ctx = report_context(report)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = CJK_FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(str(report))
    run.bold = True
    run.font.size = Pt(16)

    def heading(text: str) -> None:
        doc.add_paragraph().add_run(text).bold = True

    def paragraphs(text: str) -> None:
        for line in text.splitlines():
            if line.strip():
                doc.add_paragraph(line.strip()).paragraph_format.first_line_indent = Pt(22)

    def grid(rows: list[list[Any]], merges: list[tuple[int, int, int, int]] = ()) -> None:  # type: ignore[assignment]
        width = max(len(r) for r in rows)
        table = doc.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                table.cell(i, j).text = "" if value is None else str(value)
        for r1, c1, r2, c2 in merges:
            keep = table.cell(r1, c1).text
            merged = table.cell(r1, c1).merge(table.cell(r2, c2))
            merged.text = keep

    heading("一、总体情况")
    paragraphs(report.overview or "（未填写）")
    heading("二、主动公开政府信息情况")
    for block in ctx["t2"]:
        rows = [[block["item"]] + [None] * (len(block["heads"]) - 1), block["heads"]]
        rows += [[r.label, *r.values] for r in block["rows"]]
        grid(rows, [(0, 0, 0, len(block["heads"]) - 1)])
    heading("三、收到和处理政府信息公开申请情况")
    _table3(grid, ctx["t3"], ctx["t3_head"])
    if ctx["subtree"]:
        doc.add_paragraph("全辖区（含下级机关）")
        _table3(grid, ctx["subtree"]["t3"], ctx["t3_head"])
    heading("四、政府信息公开行政复议、行政诉讼情况")
    _table4(grid, ctx["t4"])
    if ctx["subtree"]:
        doc.add_paragraph("全辖区（含下级机关）")
        _table4(grid, ctx["subtree"]["t4"])
    heading("五、存在的主要问题及改进情况")
    paragraphs(report.problems_text or "（未填写）")
    heading("六、其他需要报告的事项")
    paragraphs(
        f"依据《政府信息公开信息处理费管理办法》，本年度收取信息处理费{report.fee_yuan}元（{report.fee_cases}件）。"
    )
    if ctx["timeliness_text"]:
        paragraphs(ctx["timeliness_text"])
    paragraphs(report.other_text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table3(grid: Any, rows: list[Any], head: dict[str, Any]) -> None:
    header = [
        [f"（{head['corner']}）", "申请人情况", None, None, None, None, None, None],
        [None, head["natural"], "法人或其他组织", None, None, None, None, "总计"],
        [None, None, *head["legal"], None],
    ]
    body = [[r.label, *(r.values or [None] * 7)] for r in rows]
    grid(header + body, [(0, 0, 2, 0), (0, 1, 0, 7), (1, 1, 2, 1), (1, 2, 1, 6), (1, 7, 2, 7)])


def _table4(grid: Any, t: dict[str, Any]) -> None:
    header = [
        ["行政复议", None, None, None, None, "行政诉讼", *[None] * 9],
        [None] * 5 + ["未经复议直接起诉", *[None] * 4, "复议后起诉", *[None] * 4],
        [h for _ in range(3) for h in t["heads"]],
    ]
    grid([*header, t["values"]], [(0, 0, 1, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14)])
