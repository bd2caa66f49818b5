"""Issue 17 §2: files that would take the server's memory or time are refused before they can:
request bodies by their declared size, files by their size before they are read, ZIP-based formats
by their declared members before anything is inflated. Memory is measured, not time."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications.models import Application
from gongkai.applications.uploads import Upload, check_upload, from_files
from gongkai.catalogue.attachments import check_and_extract
from gongkai.core.errors import ValidationFailed
from gongkai.reports.xlsx import from_xlsx


def office_bomb(main_part: str, inflated_mb: int = 300) -> bytes:
    """A valid-looking DOCX/XLSX whose main XML part inflates from ~300 KB to hundreds of MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open(main_part, "w", force_zip64=True) as part:
            chunk = b"<w:p/>" * (1 << 17)
            for _ in range(inflated_mb * (1 << 20) // len(chunk)):
                part.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    return office_bomb("word/document.xml")


def peak_mib(fn: Any) -> float:
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 1048576


def test_a_docx_bomb_is_refused_by_its_declared_size(docx_bomb: bytes) -> None:
    assert len(docx_bomb) < 2 * 1048576

    def applicant_upload() -> None:
        with pytest.raises(ValidationFailed) as refused:
            check_upload(Upload("request.docx", docx_bomb))
        assert refused.value.code == "file_too_complex"

    def catalogue_attachment() -> None:
        with pytest.raises(ValidationFailed) as refused:
            check_and_extract("policy.docx", docx_bomb)
        assert refused.value.code == "file_too_complex"

    assert peak_mib(applicant_upload) < 20
    assert peak_mib(catalogue_attachment) < 20


def test_an_xlsx_bomb_is_refused_before_openpyxl_reads_it() -> None:
    bomb = office_bomb("xl/worksheets/sheet1.xml")

    def import_report() -> None:
        with pytest.raises(ValidationFailed) as refused:
            from_xlsx(bomb)
        assert refused.value.code == "file_too_complex"

    assert peak_mib(import_report) < 20


def test_a_zip_with_too_many_members_is_refused(settings: Any) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for i in range(settings.GONGKAI_ZIP_MAX_MEMBERS):
            archive.writestr(f"word/media/{i}.bin", b"")
    with pytest.raises(ValidationFailed) as refused:
        check_upload(Upload("many.docx", out.getvalue()))
    assert refused.value.code == "file_too_complex"


def test_applicants_files_are_identified_not_parsed() -> None:
    # A DOCX whose XML is not even well formed is accepted as a DOCX: nothing parses it.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><unclosed>")
    check_upload(Upload("scan.docx", out.getvalue()))
    with pytest.raises(ValidationFailed) as refused:
        check_upload(Upload("scan.docx", b"%PDF-1.4 not a zip"))
    assert refused.value.code == "file_content_mismatch"


class FakeUpload:
    """What Django hands a view for a large upload: the size is known; reading is what costs."""

    def __init__(self, name: str, size: int) -> None:
        self.name, self.size = name, size

    def read(self) -> bytes:
        raise AssertionError("the file was read before its size was checked")


def test_sizes_are_checked_before_a_byte_is_read() -> None:
    with pytest.raises(ValidationFailed) as refused:
        from_files([FakeUpload("big.pdf", 300 * 1048576)])
    assert refused.value.code == "file_too_large"
    with pytest.raises(ValidationFailed) as refused:
        from_files([FakeUpload(f"{i}.pdf", 10) for i in range(6)])
    assert refused.value.code == "too_many_files"


@pytest.mark.django_db
def test_an_oversized_request_is_refused_by_its_content_length(bodies: dict[str, Any]) -> None:
    client = Client()
    huge = 300 * 1048576
    api = client.generic(
        "POST", "/api/v1/applications", b"{}", content_type="application/json", CONTENT_LENGTH=str(huge)
    )
    assert api.status_code == 413 and api.json()["code"] == "request_too_large"
    page = client.generic(
        "POST",
        reverse("portal:apply", args=[bodies["police"].slug]),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(huge),
    )
    assert page.status_code == 413 and "超过上限" in page.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_the_api_refuses_a_bomb_fast_and_saves_nothing(bodies: dict[str, Any], docx_bomb: bytes) -> None:
    from rest_framework.test import APIClient

    from tests.test_application_api import challenge
    from tests.test_applications import applicant

    client = APIClient()
    data = {**applicant(), "secret": "my-secret", "org": bodies["police"].slug, **challenge(client)}
    upload = io.BytesIO(docx_bomb)
    upload.name = "bomb.docx"
    response = client.post("/api/v1/applications", {**data, "attachments": upload}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "file_too_complex"
    assert not Application.objects.exists()
