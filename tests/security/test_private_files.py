"""Issue 17 §1: applicants' uploads and letters are private files. They live outside every served
folder under random names, and leave only through views that check who asks and log it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse

from gongkai.applications.models import ApplicationFile
from gongkai.core.models import AuditEvent
from tests.security.conftest import apply_to
from tests.test_applications import person_id

ID_CARD = b"%PDF-1.4\n% identity card of the applicant\n"


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode()


def test_uploads_are_stored_outside_media_under_random_names(bodies: dict[str, Any], settings: Any) -> None:
    app = apply_to(bodies["police"], files=(("id_card.pdf", ID_CARD),)).application
    record = app.files.get()
    stored = Path(settings.GONGKAI_PRIVATE_ROOT) / record.file.name
    assert stored.read_bytes() == ID_CARD
    assert "id_card" not in record.file.name and record.filename == "id_card.pdf"
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    # No URL serves the private store or the media folder, to anyone.
    anonymous = Client()
    assert anonymous.get(f"/media/{record.file.name}").status_code == 404
    assert anonymous.get("/media/applications/").status_code == 404


def test_an_upload_is_opened_only_by_the_handling_body_with_a_reason(bodies: dict[str, Any]) -> None:
    app = apply_to(bodies["police"], files=(("id_card.pdf", ID_CARD),)).application
    record = ApplicationFile.objects.get(application=app)
    url = reverse("workbench:application_file", args=[record.pk])
    # Anonymous: to the login page. GET is not a download at all.
    assert Client().post(url, {"reason": "x"}).status_code == 302
    # Another body's clerk and the supervisor above: as if it did not exist.
    assert login(bodies["finance_clerk"]).post(url, {"reason": "看看"}).status_code == 404
    assert login(bodies["supervisor"]).post(url, {"reason": "监督"}).status_code == 404
    clerk = login(bodies["police_clerk"])
    assert clerk.get(url).status_code == 405
    # Without a reason: refused, nothing logged.
    refused = clerk.post(url, {"reason": "  "})
    assert refused.status_code == 302 and not AuditEvent.objects.filter(action="application.reveal").exists()
    opened = clerk.post(url, {"reason": "核对身份证明"})
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == ID_CARD
    assert opened["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="application.reveal")
    assert event.reason == "核对身份证明" and event.after == {"file": "id_card.pdf"}


def test_letters_are_rendered_into_the_private_store(bodies: dict[str, Any], settings: Any) -> None:
    app = apply_to(bodies["police"]).application
    letter = app.letters.get()
    clerk = login(bodies["police_clerk"])
    full = clerk.post(reverse("workbench:letter_file", args=[letter.pk, "docx"]), {"reason": "打印邮寄"})
    assert full.status_code == 200
    letter.refresh_from_db()
    assert letter.docx.name.startswith("letters/") and app.tracking_code not in letter.docx.name
    assert (Path(settings.GONGKAI_PRIVATE_ROOT) / letter.docx.name).is_file()
    assert Client().get(f"/media/{letter.docx.name}").status_code == 404


def test_the_private_store_may_not_sit_under_a_served_folder(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GONGKAI_PRIVATE_ROOT = tmp_path / "media" / "private"
    try:
        call_command("check")
    except SystemCheckError as exc:
        assert "gongkai.E001" in str(exc)
    else:
        raise AssertionError("the check let private files sit under MEDIA_ROOT")


def test_the_applicant_gets_their_own_files_back_and_nobody_else_does(bodies: dict[str, Any]) -> None:
    app = apply_to(bodies["police"], files=(("id_card.pdf", ID_CARD),)).application
    other = apply_to(bodies["police"], id_number=person_id(9), files=(("other.pdf", ID_CARD),)).application
    mine, theirs = app.files.get(), other.files.get()
    url = reverse("portal:apply_file", args=[mine.pk])
    assert Client().get(url).status_code == 404
    applicant = Client()
    applicant.post(reverse("portal:apply_track"), {"tracking_code": app.tracking_code, "secret": "my-secret"})
    got = applicant.get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == ID_CARD
    # Proved for one case, the session reaches no other case's files.
    assert applicant.get(reverse("portal:apply_file", args=[theirs.pk])).status_code == 404
