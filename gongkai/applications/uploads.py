"""Checking files sent with an application or a correction, before anything is stored.

Applicants send scans of identity papers and documents: PDF, JPEG, PNG, DOCX and plain text, told
apart by their content, not their name. A file over the size limit, empty, of another type, or whose
content does not match its name is refused with a reason.

Files from the public are identified, never parsed: a PDF or an image by its first bytes, a DOCX by
its ZIP directory (within the caps of ``gongkai.core.zipcaps``, nothing inflated), a text by its
encoding. Staff open them in their own programs. Sizes are checked on what the upload declares
before a byte of the file is read into memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from gongkai.core.errors import ValidationFailed
from gongkai.core.text import clean_filename
from gongkai.core.zipcaps import open_office_zip

MAX_FILES = 5
MAGIC = {
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".pdf": b"%PDF-",
    ".docx": b"PK\x03\x04",
}
ALLOWED = "只接受 PDF、JPG、PNG、DOCX 和 TXT 文件"


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _refuse(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, field="files")


def _check_size(name: str, size: int) -> None:
    limit = settings.GONGKAI_APPLICATION_UPLOAD_MAX_BYTES
    if size > limit:
        raise _refuse(
            f"文件“{name}”大小为{size / 1048576:.1f} MB，超过上限{limit / 1048576:.0f} MB。", "file_too_large"
        )
    if size == 0:
        raise _refuse(f"文件“{name}”是空文件。", "file_empty")


def check_upload(upload: Upload) -> None:
    name = clean_filename(upload.name)
    _check_size(name, len(upload.data))
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix == ".txt":
        _check_text(name, upload.data)
        return
    if suffix not in MAGIC:
        raise _refuse(f"不支持文件“{name}”的类型，{ALLOWED}。", "file_type_not_allowed")
    if not upload.data.startswith(MAGIC[suffix]):
        raise _refuse(f"文件“{name}”的内容与其类型（{suffix[1:].upper()}）不符。", "file_content_mismatch")
    if suffix == ".docx":
        archive = open_office_zip(name, upload.data, "DOCX", field="files")
        if "word/document.xml" not in archive.namelist():
            raise _refuse(f"文件“{name}”不是有效的 DOCX 文件。", "file_corrupt")


def _check_text(name: str, data: bytes) -> None:
    if b"\x00" in data[:8192]:
        raise _refuse(f"文件“{name}”不是文本文件。", "file_corrupt")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return
        except UnicodeDecodeError:
            continue
    raise _refuse(f"无法识别文件“{name}”的文字编码（支持 UTF-8 与 GB18030）。", "file_corrupt")


def from_files(files: list[Any]) -> list[Upload]:
    """Uploads from Django's uploaded files. The count and each file's size (as received, on disk
    for a large one) are checked before any file is read into memory."""
    if len(files) > MAX_FILES:
        raise _refuse(f"最多上传{MAX_FILES}个文件。", "too_many_files")
    for f in files:
        _check_size(clean_filename(f.name or ""), int(f.size or 0))
    return [Upload(name=f.name or "", data=f.read()) for f in files]


def check_uploads(uploads: list[Upload]) -> None:
    if len(uploads) > MAX_FILES:
        raise _refuse(f"最多上传{MAX_FILES}个文件。", "too_many_files")
    for upload in uploads:
        check_upload(upload)
