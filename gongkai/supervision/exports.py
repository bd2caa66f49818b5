"""An assessment's result as an XLSX workbook (ranking, and each body's breakdown line by line) and as
a 通报 in DOCX (the ranking with each score's main deductions, for circulation)."""

from __future__ import annotations

import io

from gongkai.supervision.assessment import ranking
from gongkai.supervision.models import Finding, ScoreRun

CJK_FONT = "宋体"


def title_of(run: ScoreRun) -> str:
    return f"{run.scheme.office.name}关于{run.scheme.year}年度政务公开工作考核结果的通报"


def to_xlsx(run: ScoreRun) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "排名"
    sheet.append([title_of(run)])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["名次", "机关", "计算得分", "人工调整", "最终得分", "单项否决"])
    rows = ranking(run)
    for r in rows:
        sheet.append(
            [r.rank, r.org.name, float(r.computed), float(r.adjusted), float(r.final), "是" if r.vetoed else ""]
        )
    sheet.column_dimensions["B"].width = 32
    detail = book.create_sheet("得分明细")
    detail.append(["机关", "项目", "数值", "得分", "说明"])
    for r in rows:
        for line in r.lines:
            detail.append([r.org.name, line["label"], line["value"], float(line["points"]), line["note"]])
    detail.column_dimensions["A"].width = 32
    detail.column_dimensions["B"].width = 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_docx(run: ScoreRun) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = CJK_FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(title_of(run)).bold = True
    rows = ranking(run)
    doc.add_paragraph(
        f"按照《{run.scheme.name}》（第{run.scheme.version}版），根据政府信息公开平台记录，"
        f"对{len(rows)}个机关{run.scheme.year}年度政务公开工作进行了考核。现将结果通报如下。"
    )
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("名次", "机关", "得分", "主要扣分情况"), strict=True):
        cell.text = text
    for r in rows:
        lost = [f"{line['label']}（{line['note'] or line['value']}）" for line in r.lines if line["kind"] == "veto"]
        lost += [
            line["note"] and f"{line['label']}：{line['note']}"
            for line in r.lines
            if line["kind"] == "item" and "扣" in line["note"]
        ]
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(r.rank), r.org.name, f"{r.final}"
        cells[3].text = "；".join(x for x in lost if x) or "—"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def findings_docx(office_name: str, findings: list[Finding]) -> bytes:
    """A 通报 gathering the findings a supervisor selected: each body, the problem, what was required,
    the deadline, and how the rectification stands."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = CJK_FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(f"{office_name}关于政务公开督查发现问题的通报").bold = True
    doc.add_paragraph(f"现将督查中发现的{len(findings)}个问题及整改情况通报如下。")
    for n, f in enumerate(findings, start=1):
        doc.add_paragraph(f"{n}. {f.org.name}：{f.title}").runs[0].bold = True
        doc.add_paragraph(f.detail)
        latest = max(f.rectifications.all(), key=lambda r: r.pk, default=None)  # prefetched by the caller
        state = f"整改期限{f.due_date:%Y年%-m月%-d日}，{f.get_state_display()}"
        if latest is not None:
            state += f"。整改情况：{latest.text}"
        doc.add_paragraph(state)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
