"""Opening the ZIP container of an Office file (DOCX, XLSX) without letting it explode.

A ZIP declares each member's uncompressed size, and Python's ``zipfile`` never inflates a member
beyond what it declared (a member that lies fails its CRC check instead). Capping the declared sizes
and the member count before anything is inflated therefore bounds the memory and time that any later
reading can take: a 355 KB "bomb" whose XML inflates to gigabytes is refused at once.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings

from gongkai.core.errors import ValidationFailed

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted (and pre-2007) Office files are OLE containers
ZIP_MAGIC = b"PK\x03\x04"


def open_office_zip(name: str, data: bytes, label: str, *, field: str = "file") -> zipfile.ZipFile:
    """The archive, once its members' count and declared sizes are within the caps; else a refusal
    in plain Chinese. Nothing is inflated here."""
    if data.startswith(OLE_MAGIC):
        raise ValidationFailed(
            f"文件“{name}”已加密（或为旧版 Office 格式），请上传未加密的 {label} 文件。",
            code="file_encrypted",
            field=field,
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise ValidationFailed(
            f"文件“{name}”已损坏，不是有效的 {label} 文件。", code="file_corrupt", field=field
        ) from exc
    if len(members) > settings.GONGKAI_ZIP_MAX_MEMBERS:
        raise ValidationFailed(
            f"文件“{name}”包含{len(members)}个部件，超过上限{settings.GONGKAI_ZIP_MAX_MEMBERS}个，无法处理。",
            code="file_too_complex",
            field=field,
        )
    total = sum(m.file_size for m in members)
    biggest_xml = max((m.file_size for m in members if m.filename.endswith((".xml", ".rels"))), default=0)
    if total > settings.GONGKAI_ZIP_MAX_UNCOMPRESSED_BYTES or biggest_xml > settings.GONGKAI_ZIP_MAX_XML_BYTES:
        raise ValidationFailed(
            f"文件“{name}”解压后过大（{total / 1048576:.0f} MB），可能是异常文件，无法处理。",
            code="file_too_complex",
            field=field,
        )
    return archive
