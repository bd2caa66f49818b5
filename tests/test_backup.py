"""Issue 20 §5: ``manage.py backup`` and ``manage.py restore``, and the restore drill.

The drill backs up an installation with applications, uploads, letters (with a rendered file),
catalogue attachments and an audit trail, restores it into a new empty installation (a new database
and new file folders, in another process, as an operator would) and checks that every application,
letter, file and audit event came back, with the audit chain whole and ending at the same hash.
The facts compared are read from each installation's own database and files by the same function.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from gongkai.applications import clock, render, services
from gongkai.applications.models import Application, ApplicationFile, Letter
from gongkai.applications.uploads import Upload
from gongkai.catalogue import services as doc_services
from gongkai.catalogue.models import Attachment
from gongkai.core.audit import verify_chain
from gongkai.core.backup import restore_backup
from gongkai.core.errors import ValidationFailed
from gongkai.core.models import AuditEvent
from tests.conftest import World, draft, publish
from tests.test_applications import PNG, applicant

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent


def _sha(field: Any) -> str:
    with field.open("rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _text_sha(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


def facts() -> dict[str, Any]:
    """What must come back, read from this installation's database and file stores."""
    chain = verify_chain()
    return {
        "applications": sorted(
            [a.tracking_code, a.state, str(a.due_date), a.applicant_name, a.id_number, a.description]
            for a in Application.objects.all()
        ),
        "letters": sorted(
            [letter.number, letter.kind, _text_sha(letter.body), _sha(letter.docx) if letter.docx else ""]
            for letter in Letter.objects.all()
        ),
        "files": sorted([f.file.name, _sha(f.file)] for f in ApplicationFile.objects.all()),
        "attachments": sorted([a.file.name, _sha(a.file)] for a in Attachment.objects.all()),
        "audit": [[e.pk, e.action, e.hash] for e in AuditEvent.objects.order_by("id")],
        "chain": [chain.checked, chain.head, chain.first_break is None],
    }


@pytest.fixture
def installation(world: World, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """An installation in use: two applications (one with uploads, one answered with letters whose
    file was rendered) and a published item with an attachment."""
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 11, 10))
    clerk = world.user("edu_clerk")
    first = services.submit_online(
        org=world.edu,
        applicant=applicant(),
        secret="my-secret",
        uploads=[Upload("scan.png", PNG), Upload("note.txt", "补充说明".encode())],
        today=dt.date(2026, 11, 2),
    ).application
    second = services.submit_online(
        org=world.edu, applicant=applicant(), secret="my-secret", today=dt.date(2026, 11, 3)
    ).application
    services.transition(actor=clerk, application=second, action="request_correction", items="请写明文号")
    services.transition(actor=clerk, application=second, action="receive_correction", text="文号为X")
    services.transition(actor=clerk, application=second, action="reply", reply_type="NOT_EXIST")
    for letter in Letter.objects.filter(application=second):
        render.rendered(letter, "docx")
    doc = draft(world)
    doc_services.attachment_add(actor=clerk, document=doc, name="附件.txt", data="附件正文".encode())
    publish(world, doc)
    return {"applications": [first, second]}


def _new_installation(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a new, empty installation: its own database and its own folders."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        GONGKAI_VAR_DIR=str(tmp_path / "restored-var"),
        PYTHONPATH=str(ROOT),
    )
    if connection.vendor == "postgresql":
        name = f"gongkai_drill_{uuid.uuid4().hex[:8]}"
        s = connection.settings_dict
        url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}"
        with psycopg.connect(f"{url}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{url}/{name}"
        try:
            yield env
        finally:
            with psycopg.connect(f"{url}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        yield env


@pytest.fixture
def empty_installation(tmp_path: Path) -> Iterator[dict[str, str]]:
    yield from _new_installation(tmp_path)


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def _backup(tmp_path: Path) -> Path:
    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out, stderr=io.StringIO())
    (archive,) = (tmp_path / "backups").glob("gongkai-backup-*.tar")
    assert str(archive) in out.getvalue()
    return archive


def test_the_restore_drill_brings_back_every_application_letter_file_and_event(
    installation: dict[str, Any], tmp_path: Path, empty_installation: dict[str, str]
) -> None:
    before = facts()
    assert len(before["applications"]) == 2 and len(before["files"]) == 2 and len(before["attachments"]) == 1
    assert any(letter[3] for letter in before["letters"]) and before["chain"][2]
    archive = _backup(tmp_path)
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["counts"]["applications_application"] == 2
    assert manifest["audit_head"] == before["chain"][1] and not manifest["missing_files"]

    restored = _manage(empty_installation, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "核对无误" in restored.stdout and before["chain"][1] in restored.stdout
    script = "import django, json; django.setup(); from tests.test_backup import facts; print(json.dumps(facts()))"
    shown = subprocess.run(
        [sys.executable, "-c", script], env=empty_installation, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout.strip().splitlines()[-1]) == json.loads(json.dumps(before))
    verified = _manage(empty_installation, "audit_verify")
    assert verified.returncode == 0 and before["chain"][1] in verified.stdout

    # The installation is no longer empty: a second restore into it is refused, and changes nothing.
    again = _manage(empty_installation, "restore", str(archive))
    assert again.returncode != 0 and "不是空的" in again.stderr


def test_a_damaged_or_foreign_archive_is_refused_before_anything_changes(
    installation: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    archive = _backup(tmp_path)
    # Into this installation, which is not empty.
    with pytest.raises(ValidationFailed) as refused:
        restore_backup(archive)
    assert refused.value.code == "target_not_empty"
    # One byte of one stored file changed in the archive.
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("files/private/"):
                data = bytes([data[0] ^ 1]) + data[1:]
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(ValidationFailed) as refused:
        restore_backup(damaged)
    assert refused.value.code == "archive_corrupt"
    not_tar = tmp_path / "note.tar"
    not_tar.write_bytes(b"not a backup")
    with pytest.raises(ValidationFailed) as refused:
        restore_backup(not_tar)
    assert refused.value.code == "not_a_backup"


def test_a_file_the_store_lost_is_listed_missing_not_fatal(installation: dict[str, Any], tmp_path: Path) -> None:
    lost = ApplicationFile.objects.order_by("id").first()
    assert lost is not None
    lost.file.storage.delete(lost.file.name)
    archive = _backup(tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        assert f"files/private/{lost.file.name}" not in tar.getnames()
    assert manifest["missing_files"] == [f"private/{lost.file.name}"]


def test_the_command_says_plainly_what_is_wrong(tmp_path: Path) -> None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", GONGKAI_VAR_DIR=str(tmp_path / "var"))
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    done = _manage(env, "restore", str(tmp_path / "nothing.tar"))
    assert done.returncode != 0 and "无法读取备份文件" in done.stderr and "Traceback" not in done.stderr
