import io

import pytest
from django.core.files.storage import default_storage

from gongkai.catalogue.attachments import check_and_extract
from gongkai.catalogue.models import Attachment
from gongkai.catalogue.services import attachment_add, attachment_remove, document_transition
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from tests.conftest import draft

pytestmark = pytest.mark.django_db


def make_pdf(text: str, password: str | None = None) -> bytes:
    """A one-page PDF with a real text stream, built by hand (Helvetica, ASCII)."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    data = out.getvalue()
    if password:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.encrypt(password)
        buf = io.BytesIO()
        writer.write(buf)
        data = buf.getvalue()
    return data


def make_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "项目"
    table.rows[0].cells[1].text = "金额"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_xlsx(rows: list[list[object]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收费标准"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_text_extracted_from_each_kind() -> None:
    assert "Disclosure 2026" in check_and_extract("a.pdf", make_pdf("Disclosure 2026")).text
    assert "义务教育招生" in check_and_extract("b.docx", make_docx("义务教育招生入学工作")).text
    assert "项目\t金额" in check_and_extract("b.docx", make_docx("x")).text
    text = check_and_extract("c.xlsx", make_xlsx([["项目", "标准"], ["工本费", 10]])).text
    assert "收费标准" in text and "工本费\t10" in text
    assert check_and_extract("d.txt", "政府信息公开".encode("gb18030")).text == "政府信息公开"
    assert check_and_extract("d.TXT", "政府信息公开".encode()).text == "政府信息公开"


@pytest.mark.parametrize(
    ("name", "data", "code", "fragment"),
    [
        ("a.exe", b"MZ...", "file_type_not_allowed", "只接受"),
        ("a.pdf", b"", "file_empty", "空文件"),
        ("a.pdf", b"not a pdf at all", "file_corrupt", "不是有效的 PDF"),
        ("a.pdf", b"%PDF-1.4\n1 0 obj <<", "file_corrupt", "已损坏"),
        ("a.docx", b"PK\x03\x04broken", "file_corrupt", "已损坏"),
        ("a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "file_encrypted", "已加密"),
        ("a.txt", b"\x00\x01\x02binary", "file_corrupt", "不是文本文件"),
    ],
)
def test_bad_files_refused_with_reason(name: str, data: bytes, code: str, fragment: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        check_and_extract(name, data)
    assert err.value.code == code and fragment in err.value.message


def test_encrypted_pdf_refused() -> None:
    with pytest.raises(ValidationFailed) as err:
        check_and_extract("secret.pdf", make_pdf("secret", password="pw"))
    assert err.value.code == "file_encrypted"


def test_size_limit(settings) -> None:
    settings.GONGKAI_ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationFailed) as err:
        check_and_extract("big.txt", b"a" * 1001)
    assert err.value.code == "file_too_large" and "超过上限" in err.value.message


def test_attach_store_and_remove(world) -> None:
    doc = draft(world)
    clerk = world.user("edu_clerk")
    att = attachment_add(actor=clerk, document=doc, name="收费标准.xlsx", data=make_xlsx([["工本费", 10]]))
    assert att.kind == "xlsx" and "工本费" in att.extracted_text
    assert default_storage.exists(att.file.name)
    path = att.file.name
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        attachment_remove(actor=clerk, attachment=att)
    assert not Attachment.objects.exists() and not default_storage.exists(path)


def test_refused_file_leaves_nothing(world, tmp_path) -> None:
    doc = draft(world)
    with pytest.raises(ValidationFailed):
        attachment_add(actor=world.user("edu_clerk"), document=doc, name="坏.pdf", data=b"%PDF-1.7 garbage")
    assert not Attachment.objects.exists()
    media = tmp_path / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_failure_after_file_written_removes_the_file(world, monkeypatch) -> None:
    doc = draft(world)
    import gongkai.core.audit as audit_module

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(audit_module, "record", boom)
    with pytest.raises(RuntimeError):
        attachment_add(actor=world.user("edu_clerk"), document=doc, name="a.txt", data=b"hello")
    assert not Attachment.objects.exists()
    folder = f"attachments/{doc.pk}"
    assert default_storage.exists(folder), "the file was written before the failure"
    assert default_storage.listdir(folder)[1] == []  # ... and removed after it


def test_only_own_clerk_and_only_drafts(world) -> None:
    doc = draft(world)
    with pytest.raises(PermissionDenied):
        attachment_add(actor=world.user("health_clerk"), document=doc, name="a.txt", data=b"x")
    doc = document_transition(actor=world.user("edu_clerk"), document=doc, action="submit")
    with pytest.raises(IllegalTransition):
        attachment_add(actor=world.user("edu_clerk"), document=doc, name="a.txt", data=b"x")
