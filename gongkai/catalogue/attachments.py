"""Checking attachments and extracting their text (for the search issue), before anything is stored.

Accepted: PDF, DOCX, XLSX and plain text, identified by their content, not only their name. A file
that is corrupt or encrypted is refused with a reason; nothing is written in that case. Office files
are opened within the caps of ``gongkai.core.zipcaps`` and PDFs read at most ``MAX_PDF_PAGES`` pages,
so no attachment can make extraction take unbounded memory or time.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings

from gongkai.core.errors import ValidationFailed
from gongkai.core.zipcaps import open_office_zip

KINDS = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".txt": "txt"}
MAX_EXTRACTED_CHARS = 5_000_000
MAX_PDF_PAGES = 2000


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    text: str


def _refuse(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, field="file")


def check_and_extract(name: str, data: bytes) -> CheckedFile:
    limit = settings.GONGKAI_ATTACHMENT_MAX_BYTES
    if len(data) > limit:
        raise _refuse(
            f"文件“{name}”大小为{len(data) / 1048576:.1f} MB，超过上限{limit / 1048576:.0f} MB。", "file_too_large"
        )
    if not data:
        raise _refuse(f"文件“{name}”是空文件。", "file_empty")
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    kind = KINDS.get(suffix)
    if kind is None:
        raise _refuse(f"不支持文件“{name}”的类型，只接受 PDF、DOCX、XLSX 和 TXT 文件。", "file_type_not_allowed")
    text = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "txt": _txt}[kind](name, data)
    return CheckedFile(kind=kind, text=text[:MAX_EXTRACTED_CHARS])


def _pdf(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF-"):
        raise _refuse(f"文件“{name}”不是有效的 PDF 文件。", "file_corrupt")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse(f"文件“{name}”已加密，无法读取内容，请上传未加密的版本。", "file_encrypted")
        parts, size = [], 0
        for index, page in enumerate(reader.pages):
            if index >= MAX_PDF_PAGES or size >= MAX_EXTRACTED_CHARS:
                break  # the search index keeps the first MAX_EXTRACTED_CHARS characters anyway
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
        return "\n".join(parts)
    except ValidationFailed:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise _refuse(f"文件“{name}”已损坏，无法读取（{type(exc).__name__}）。", "file_corrupt") from exc


def _office_zip(name: str, data: bytes, label: str) -> zipfile.ZipFile:
    archive = open_office_zip(name, data, label)  # caps first: nothing is inflated before them
    try:
        bad = archive.testzip()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError) as exc:
        raise _refuse(f"文件“{name}”已损坏，不是有效的 {label} 文件。", "file_corrupt") from exc
    if bad is not None:
        raise _refuse(f"文件“{name}”已损坏（{bad}）。", "file_corrupt")
    return archive


def _docx(name: str, data: bytes) -> str:
    import docx

    _office_zip(name, data, "DOCX")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for malformed packages
        raise _refuse(f"文件“{name}”已损坏，不是有效的 DOCX 文件。", "file_corrupt") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _xlsx(name: str, data: bytes) -> str:
    import openpyxl

    _office_zip(name, data, "XLSX")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for malformed packages
        raise _refuse(f"文件“{name}”已损坏，不是有效的 XLSX 文件。", "file_corrupt") from exc
    lines = []
    try:
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells = ["" if v is None else str(v) for v in row]
                if any(cells):
                    lines.append("\t".join(cells))
    finally:
        workbook.close()
    return "\n".join(lines)


def _txt(name: str, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise _refuse(f"文件“{name}”不是文本文件。", "file_corrupt")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refuse(f"无法识别文件“{name}”的文字编码（支持 UTF-8 与 GB18030）。", "file_corrupt")
