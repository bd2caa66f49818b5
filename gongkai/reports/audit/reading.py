"""Reading a published report into paragraphs and table rows, whatever it came as.

Government sites publish reports as HTML (tables laid out with rowspan/colspan), DOCX, PDF or plain
text, in Simplified or Traditional characters. The auditor reads all of them into one shape: the
paragraphs in order, each under the section heading it follows, and the rows of every table as
lists of cell texts, a spanned cell repeated in every row and column it covers (so a row label
spanning three rows labels each of them). A cell the source lost is ``None``, never "" or 0.

Text is NFKC-folded (full-width digits and percent signs become ASCII) and converted to Simplified
characters one for one, so that every later rule is written once.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from gongkai.core.hans import simplify

MAX_BYTES = 20 * 1024 * 1024
MAX_CHARS = 1_000_000  # a 30-page report has about 30,000
MAX_ROWS = 20_000


class Unreadable(Exception):
    """The file cannot be read as a report; the message says why, in Chinese."""


@dataclass
class Paragraph:
    index: int
    section: str
    text: str


@dataclass
class Document:
    paragraphs: list[Paragraph] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)  # every table row, in order


# A section heading of a report: 一、概述 / 五、政府信息公开情况统计 (possibly with spaces).
_HEADING = re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.]\s*(\S.{0,40})$")
_FIGURE = re.compile(r"-?[0-9][0-9,]*(?:\.[0-9]+)?|/|—|-")
_SPACES = re.compile(r"[ \t\u3000\u00a0\u200b\ufeff]+")


def clean(text: str) -> str:
    return simplify(unicodedata.normalize("NFKC", text))


def _row_cells(line: str) -> list[str | None] | None:
    """A line of a plain-text table: "| 规章 | 0 | 0 | 3 |", or a label followed by figures
    separated by spaces ("一、本年新收政府信息公开申请数量 58 7 0 0 1 0 66", as PDF text layers
    give a table's row)."""
    stripped = line.strip()
    if stripped.startswith("|") or stripped.count("|") >= 2:
        return [c.strip() for c in stripped.strip("|").split("|")]
    parts = stripped.split()
    values = 0
    while values < len(parts) and _FIGURE.fullmatch(parts[-1 - values]):
        values += 1
    if values >= 1 and values < len(parts) and len(" ".join(parts[: len(parts) - values])) <= 80:
        return [" ".join(parts[: len(parts) - values]), *parts[len(parts) - values :]]
    if values >= 3 and values == len(parts):
        return list(parts)  # a row of figures under a header (table 四's fifteen)
    return None


def from_lines(lines: list[str], doc: Document | None = None) -> Document:
    doc = doc or Document()
    section = doc.paragraphs[-1].section if doc.paragraphs else ""
    pending = ""  # a text line just before a row: in a PDF, the first line of a wrapped row label
    for raw in lines:
        line = clean(raw)
        cells = _row_cells(line)
        if cells is not None:
            if pending and not line.strip().startswith("|") and not _FIGURE.fullmatch(cells[0] or "0"):
                cells[0] = pending + (cells[0] or "")
            doc.rows.append(cells)
            pending = ""
            if line.strip().startswith("|"):
                continue
        else:
            stripped = line.strip()
            pending = stripped if len(stripped) <= 60 and not re.search(r"[。；;]$", stripped) else ""
        text = _SPACES.sub(" ", line).strip()
        if not text:
            continue
        heading = _HEADING.match(text)
        if heading and not re.search(r"[0-9]", heading.group(2)[:6]):
            section = f"{heading.group(1)}、{heading.group(2)}"[:40]
        doc.paragraphs.append(Paragraph(len(doc.paragraphs) + 1, section, text))
    return doc


def from_text(data: str) -> Document:
    return from_lines(data.splitlines())


class _HtmlReader(HTMLParser):
    """Paragraphs from block elements, tables as grids with rowspan/colspan spread out."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article"}
    SKIP = {"script", "style", "head", "title", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self.cell: list[str] | None = None
        self.span = (1, 1)
        self.skip = 0
        self.order: list[tuple[str, int]] = []  # ("line", i) / ("table", j): the reading order

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "table":
            self._end_line()
            self.tables.append([])
            self.order.append(("table", len(self.tables) - 1))
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            a = dict(attrs)
            self.span = (_span(a.get("rowspan")), _span(a.get("colspan")))
            self.cell = []
        elif tag in self.BLOCKS and self.cell is None:
            self._end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(("".join(self.cell).strip(), *self.span))
            self.cell = None
        elif tag in self.BLOCKS and self.cell is None:
            self._end_line()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif not self.tables or self.order[-1][0] == "line" or data.strip():
            self.lines[-1] += data

    def _end_line(self) -> None:
        if self.lines[-1].strip():
            self.order.append(("line", len(self.lines) - 1))
            self.lines.append("")


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))  # table 三's widest span is about 25 rows
    except ValueError:
        return 1


def grid(rows: list[list[tuple[str, int, int]]]) -> list[list[str | None]]:
    """Spread rowspan/colspan: each covered position gets the spanning cell's text."""
    out: list[list[str | None]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        line: list[str | None] = []
        col = 0
        for text, rowspan, colspan in row:
            while (r, col) in pending:
                line.append(pending.pop((r, col)))
                col += 1
            for c in range(colspan):
                line.append(text)
                for below in range(1, rowspan):
                    pending[(r + below, col + c)] = text
            col += colspan
        while (r, col) in pending:
            line.append(pending.pop((r, col)))
            col += 1
        out.append(line)
    return out


def from_html(data: str) -> Document:
    reader = _HtmlReader()
    reader.feed(data)
    reader.close()
    reader._end_line()
    doc = Document()
    for kind, i in reader.order:
        if kind == "line":
            from_lines([reader.lines[i]], doc)
        else:
            for row in grid(reader.tables[i]):
                doc.rows.append([None if c is None else clean(c) for c in row])
    return doc


def from_docx(data: bytes) -> Document:
    from docx import Document as Docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        docx = Docx(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise Unreadable("无法读取该DOCX文件（文件已损坏或不是Word文档）。") from exc
    doc = Document()
    for block in docx.iter_inner_content():
        if isinstance(block, DocxParagraph):
            from_lines([block.text], doc)
        elif isinstance(block, Table):
            for row in block.rows:
                doc.rows.append([clean(cell.text.strip()) for cell in row.cells])
    return doc


def from_pdf(data: bytes) -> Document:
    from pypdf import PdfReader

    try:
        pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
    except Exception as exc:  # a hostile PDF raises from deep inside pypdf, of many kinds
        raise Unreadable("无法读取该PDF文件（文件已损坏或已加密）。") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise Unreadable("该PDF没有文字层（可能是扫描件），无法审核；请提供带文字的PDF、DOCX或网页。")
    return from_text(text)


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable("无法识别文件的文字编码（应为UTF-8或GB18030）。")


def read(data: bytes, filename: str) -> Document:
    """A report from a file's bytes; the kind from the name, or from the content when it has none."""
    if len(data) > MAX_BYTES:
        raise Unreadable("文件超过20MB，无法审核。")
    if not data.strip():
        raise Unreadable("文件是空的。")
    name = filename.lower()
    if name.endswith(".docx") or (data[:2] == b"PK" and not name.endswith((".html", ".htm", ".txt"))):
        doc = from_docx(data)
    elif name.endswith(".pdf") or data[:5] == b"%PDF-":
        doc = from_pdf(data)
    elif name.endswith(".doc") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise Unreadable("旧版Word（.doc）文件无法直接读取，请另存为DOCX或PDF后再审核。")
    else:
        text = decode(data)
        looks_html = name.endswith((".html", ".htm")) or re.search(r"<(html|body|table|p|div)\b", text[:4000], re.I)
        doc = from_html(text) if looks_html else from_text(text)
    if not doc.paragraphs and not doc.rows:
        raise Unreadable("文件中没有可读的文字。")
    if sum(len(p.text) for p in doc.paragraphs) > MAX_CHARS or len(doc.rows) > MAX_ROWS:
        raise Unreadable("文件超过100万字（或2万个表格行），不像一份年度报告，无法审核。")
    return doc
