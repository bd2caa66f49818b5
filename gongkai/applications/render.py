"""Rendering an issued letter to DOCX and PDF.

DOCX is written with python-docx and names 宋体 for East Asian text, the face official letters use
(Word has it; other editors substitute their own). The PDF is printed by headless Chromium from the
letter's HTML in AR PL UMing (a 宋体-style TrueType face): Chromium embeds a subset of each TrueType
font it uses, so the PDF reads the same on any machine. (Noto CJK, being CFF-based, would be drawn
as Type 3 glyphs instead.) Both files are rendered by a job right after the letter is issued (or
by the first download, if that comes first) and kept with the letter (``core.rendered``); they
depend only on the letter's frozen text.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string

from gongkai.applications.letters import cn_date
from gongkai.applications.models import Letter
from gongkai.core.pdf import RenderError, chromium_path, print_html
from gongkai.core.rendered import kept

__all__ = ["RenderError", "chromium_path", "download", "rendered", "to_docx", "to_pdf"]

CJK_FONT = "宋体"


def letter_html(letter: Letter) -> str:
    return render_to_string("applications/letter_print.html", {"letter": letter})


def to_docx(letter: Letter) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    # A4 with the margins of the PDF (python-docx starts from US Letter).
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(28)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = doc.styles["Normal"]
    style.font.name = CJK_FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(letter.title)
    run.bold = True
    run.font.size = Pt(20)
    doc.add_paragraph(letter.number).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, text in enumerate(letter.body):
        para = doc.add_paragraph(text)
        if i > 0:
            para.paragraph_format.first_line_indent = Pt(28)
        # The signature block never stands alone on a page: the last paragraph goes with it.
        para.paragraph_format.keep_with_next = i == len(letter.body) - 1
    for i, text in enumerate((letter.issuer, cn_date(letter.issued_on))):
        para = doc.add_paragraph(text)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        para.paragraph_format.keep_with_next = i == 0
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def to_pdf(letter: Letter) -> bytes:
    return print_html(letter_html(letter))


def rendered(letter: Letter, fmt: str) -> tuple[bytes, str]:
    """The letter's file in this format (docx or pdf), rendered once and kept."""
    make = (lambda: to_docx(letter)) if fmt == "docx" else (lambda: to_pdf(letter))
    return kept(letter, fmt, make, f"{letter.number}.{fmt}")


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def download(letter: Letter, fmt: str) -> tuple[bytes, str, str]:
    """Bytes, file name and content type of the letter in this format (``RenderError`` if it cannot be made).
    An unsaved letter (a masked copy) is rendered each time and never kept."""
    if letter.pk is None:
        data = to_docx(letter) if fmt == "docx" else to_pdf(letter)
    else:
        data, _ = rendered(letter, fmt)
    return data, f"{letter.number}.{fmt}", CONTENT_TYPES[fmt]
