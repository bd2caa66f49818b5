"""Checking files sent with an application or a correction, before anything is stored.

Applicants send scans of identity papers and documents: PDF, JPEG, PNG, DOCX and plain text, told
apart by their content, not their name. A file over the size limit, empty, of another type, or
whose content does not match its name is refused with a reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from gongkai.catalogue.attachments import check_and_extract
from gongkai.core.errors import ValidationFailed

MAX_FILES = 5
IMAGE_MAGIC = {".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n"}
DOCUMENT_SUFFIXES = {".pdf", ".docx", ".txt"}


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def check_upload(upload: Upload) -> None:
    name = upload.name.replace("\\", "/").rsplit("/", 1)[-1][:200] or "file"
    limit = settings.GONGKAI_APPLICATION_UPLOAD_MAX_BYTES
    if len(upload.data) > limit:
        raise ValidationFailed(
            f"文件“{name}”大小为{len(upload.data) / 1048576:.1f} MB，超过上限{limit / 1048576:.0f} MB。",
            code="file_too_large",
            field="files",
        )
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix in IMAGE_MAGIC:
        if not upload.data.startswith(IMAGE_MAGIC[suffix]):
            raise ValidationFailed(f"文件“{name}”的内容不是有效的图片。", code="file_content_mismatch", field="files")
        return
    if suffix in DOCUMENT_SUFFIXES:
        try:
            check_and_extract(name, upload.data)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code=exc.code, field="files") from exc
        return
    raise ValidationFailed(
        f"不支持文件“{name}”的类型，只接受 PDF、JPG、PNG、DOCX 和 TXT 文件。",
        code="file_type_not_allowed",
        field="files",
    )


def from_files(files: list[Any]) -> list[Upload]:
    """Uploads from Django's uploaded files (read into memory; each is at most the size limit)."""
    return [Upload(name=f.name, data=f.read()) for f in files]


def check_uploads(uploads: list[Upload]) -> None:
    if len(uploads) > MAX_FILES:
        raise ValidationFailed(f"最多上传{MAX_FILES}个文件。", code="too_many_files", field="files")
    for upload in uploads:
        check_upload(upload)
