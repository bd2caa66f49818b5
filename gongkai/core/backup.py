"""A whole installation in one file, and back: the database and every stored file the database refers
to, taken at one moment, with a manifest that lets a restore prove it brought back everything.

A backup is an uncompressed tar (the PostgreSQL dump inside is compressed already):

- ``manifest.json``: when, from which engine and migrations, the rows of every table, the audit
  trail's head hash (docs/adr/0005), the files the database refers to, and the size and sha256 of
  every member;
- ``database.dump`` (``pg_dump`` custom format) or ``database.sqlite3`` (SQLite's online backup);
- ``files/<store>/<name>``: each file a ``FileField`` names, from the private store (applicants'
  uploads, letters) and the default store (catalogue attachments).

**One moment.** On PostgreSQL the manifest is read in a repeatable-read transaction whose snapshot
``pg_dump --snapshot`` shares, so the dump holds exactly the rows counted and the files listed. On
SQLite the online backup is taken first and the manifest is read from the copy. Stored files are
never changed once written (they have random names), so copying them after the snapshot copies what
the snapshot refers to. A file the database names but the store has lost is listed as missing.

**Restore** goes into an empty installation only (no users, items, applications or audit events):
the audit trail is append-only, and two trails cannot be merged without breaking the chain. It
checks every checksum before it changes anything, writes the files, then the database in one
transaction, and removes the files again if the database is refused. It then counts every table
against the manifest and walks the audit chain to the same head hash; any difference is an error.

Over 400 lines on purpose: backup and restore are read together, since each check a restore makes
answers a fact the backup wrote down.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import FileField
from django.utils import timezone

from gongkai.core.audit import verify_chain
from gongkai.core.errors import ValidationFailed
from gongkai.core.storage import store_alias

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
# Rows in any of these make an installation not empty: restoring over them would merge two histories.
OCCUPIED_BY = {
    "auth_user": "用户",
    "core_auditevent": "审计事件",
    "catalogue_document": "政府信息",
    "applications_application": "申请",
}

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    """No progress shown (the default of the functions; the commands print it)."""


def _refuse(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code)


# --- what the database refers to -------------------------------------------------------------------


def _store_of(f: FileField) -> str:
    return store_alias(f.storage)


def file_columns() -> list[tuple[str, str, str]]:
    """(table, column, store) of every ``FileField`` of every model."""
    return [
        (model._meta.db_table, str(f.column), _store_of(f))
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, FileField)
    ]


def table_names() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy})


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def database_facts(cursor: Any) -> dict[str, Any]:
    """The rows of every table, the audit trail's head hash and the files referred to, read through
    a DB-API ``cursor`` (on the snapshot being backed up, or on the restored database)."""
    counts = {}
    for table in table_names():
        cursor.execute(f"SELECT COUNT(*) FROM {_q(table)}")  # the names come from the models
        counts[table] = cursor.fetchone()[0]
    cursor.execute('SELECT hash FROM "core_auditevent" ORDER BY id DESC LIMIT 1')
    row = cursor.fetchone()
    files: set[str] = set()
    for table, column, store in file_columns():
        cursor.execute(f"SELECT {_q(column)} FROM {_q(table)} WHERE {_q(column)} <> ''")
        files.update(f"{store}/{name}" for (name,) in cursor.fetchall() if name)
    return {"counts": counts, "audit_head": row[0] if row else "", "files": sorted(files)}


def _store_and_name(ref: str) -> tuple[str, str]:
    store, name = ref.split("/", 1)
    return store, name


# --- checksums -------------------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """A reader that hashes what passes through it (a file goes into the archive in one read)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.stream.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


# --- the database, per engine ---------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    s = connection.settings_dict
    env = dict(os.environ)
    env.update(
        PGHOST=str(s.get("HOST") or "127.0.0.1"),
        PGPORT=str(s.get("PORT") or 5432),
        PGUSER=str(s.get("USER") or ""),
        PGDATABASE=str(s["NAME"]),
    )
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return env


def _run_tool(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=_pg_env())
    if done.returncode != 0:
        raise _refuse(f"{command[0]} 失败：{done.stderr.strip()[-2000:]}", "backup_tool_failed")


def _dump(folder: Path) -> tuple[Path, dict[str, Any]]:
    if connection.in_atomic_block:
        raise _refuse("备份须在事务之外进行（它自己开启只读事务）。", "in_transaction")
    if connection.vendor == "postgresql":
        path = folder / "database.dump"
        with transaction.atomic(), connection.cursor() as cursor:
            # The first statement of the transaction: the snapshot pg_dump shares is this one.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            facts = database_facts(cursor)
            dump = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
            _run_tool([*dump, f"--file={path}"])
        return path, facts
    if connection.vendor == "sqlite":
        path = folder / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)
            facts = database_facts(copy.cursor())
        finally:
            copy.close()
        return path, facts
    raise _refuse(f"不支持备份 {connection.vendor} 数据库。", "engine_unsupported")


def _migrations() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute('SELECT app, name FROM "django_migrations" ORDER BY id')
        latest: dict[str, str] = {}
        for app, name in cursor.fetchall():
            latest[app] = max(latest.get(app, ""), name)
    return latest


# --- backup ----------------------------------------------------------------------------------------


def create_backup(folder: Path, *, progress: Progress = _quiet) -> Path:
    """Write one backup file into ``folder`` and return its path. The file appears only when it is
    complete (written under another name, then renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    target = folder / f"gongkai-backup-{now:%Y%m%dT%H%M%S}Z.tar"
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="gongkai-backup-") as tmp:
        progress("导出数据库…")
        dump, facts = _dump(Path(tmp))
        members: dict[str, dict[str, Any]] = {}
        missing: list[str] = []
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                with dump.open("rb") as fh:
                    members[dump.name] = {"sha256": _sha256(fh), "size": dump.stat().st_size}
                tar.add(dump, arcname=dump.name)
                for i, ref in enumerate(facts["files"], 1):
                    store, name = _store_and_name(ref)
                    storage = storages[store]
                    try:
                        size = storage.size(name)
                        stream = storage.open(name, "rb")
                    except Exception:
                        # A local store raises FileNotFoundError, an object store its client's
                        # error: a file that is not there is listed missing; any other failure stops.
                        if storage.exists(name):
                            raise
                        missing.append(ref)
                        continue
                    with stream:
                        info = tarfile.TarInfo(f"files/{ref}")
                        info.size, info.mtime, info.mode = size, int(now.timestamp()), 0o600
                        reader = _Hashing(stream)
                        tar.addfile(info, reader)
                    members[info.name] = {"sha256": reader.digest.hexdigest(), "size": reader.size}
                    if i % 1000 == 0:
                        progress(f"文件 {i}/{len(facts['files'])}")
                manifest = {
                    "format": FORMAT,
                    "created_at": now.isoformat(),
                    "engine": connection.vendor,
                    "migrations": _migrations(),
                    "counts": facts["counts"],
                    "audit_head": facts["audit_head"],
                    "files": facts["files"],
                    "missing_files": missing,
                    "members": members,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
            with partial.open("rb") as fh:
                os.fsync(fh.fileno())
            os.chmod(partial, 0o600)  # applicants' identity papers are inside
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return target


# --- restore ---------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    counts: dict[str, int]
    files: int
    missing_files: list[str]
    audit_events: int
    audit_head: str
    problems: list[str] = field(default_factory=list)


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.extractfile(MANIFEST)
    except KeyError:
        raise _refuse("这不是本系统的备份文件：缺少 manifest.json。", "not_a_backup") from None
    if member is None:
        raise _refuse("这不是本系统的备份文件：manifest.json 不是文件。", "not_a_backup")
    try:
        manifest: dict[str, Any] = json.loads(member.read())
    except ValueError:
        raise _refuse("备份的 manifest.json 已损坏。", "manifest_corrupt") from None
    if manifest.get("format") != FORMAT:
        raise _refuse(f"备份格式 {manifest.get('format')!r} 不是本版本能恢复的格式（{FORMAT}）。", "format_unsupported")
    return manifest


def verify_archive(tar: tarfile.TarFile, manifest: dict[str, Any], progress: Progress = _quiet) -> None:
    """Every member the manifest lists is there with its checksum, and nothing else is."""
    listed = manifest["members"]
    present = {m.name for m in tar.getmembers() if m.name != MANIFEST}
    extra = sorted(present - set(listed))
    if extra:
        raise _refuse(f"备份中有清单以外的内容：{extra[0]}", "archive_altered")
    for i, (name, meta) in enumerate(listed.items(), 1):
        try:
            stream = tar.extractfile(name)
        except KeyError:
            stream = None
        if stream is None:
            raise _refuse(f"备份不完整：缺少 {name}。", "archive_incomplete")
        if _sha256(stream) != meta["sha256"]:
            raise _refuse(f"备份已损坏：{name} 的校验和不符。", "archive_corrupt")
        if i % 1000 == 0:
            progress(f"校验 {i}/{len(listed)}")


def _require_empty() -> None:
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table, noun in OCCUPIED_BY.items():
            if table not in existing:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {_q(table)}")
            n = cursor.fetchone()[0]
            if n:
                raise _refuse(
                    f"目标安装不是空的（已有{n}条{noun}）：请恢复到新建的空数据库和空的文件目录。", "target_not_empty"
                )


def _load_database(tar: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    if connection.vendor == "postgresql":
        with tempfile.TemporaryDirectory(prefix="gongkai-restore-") as tmp:
            path = Path(tmp) / "database.dump"
            _extract(tar, "database.dump", path)
            connection.close()
            _run_tool(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={connection.settings_dict['NAME']}",
                    str(path),
                ]
            )
        return
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or not name:
        raise _refuse("不能恢复到内存数据库。", "engine_unsupported")
    connection.close()
    restoring = Path(name + ".restoring")
    _extract(tar, "database.sqlite3", restoring)
    for suffix in ("-wal", "-shm"):
        Path(name + suffix).unlink(missing_ok=True)
    os.replace(restoring, name)


def _extract(tar: tarfile.TarFile, member: str, path: Path) -> None:
    stream = tar.extractfile(member)
    if stream is None:
        raise _refuse(f"备份不完整：缺少 {member}。", "archive_incomplete")
    with path.open("wb") as out:
        while chunk := stream.read(CHUNK):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


def _write_files(tar: tarfile.TarFile, manifest: dict[str, Any], progress: Progress) -> list[tuple[str, str]]:
    """Write every file into its store; return those written (to remove them if the database is
    refused). A file already there with the same content is left; with other content, refused
    before anything is written."""
    todo = []
    for ref in manifest["files"]:
        if ref in manifest["missing_files"]:
            continue
        store, name = _store_and_name(ref)
        storage = storages[store]
        if storage.exists(name):
            with storage.open(name, "rb") as fh:
                if _sha256(fh) != manifest["members"][f"files/{ref}"]["sha256"]:
                    raise _refuse(f"文件目录不是空的：{ref} 已存在且内容不同。", "target_not_empty")
            continue
        todo.append((store, name))
    written: list[tuple[str, str]] = []
    try:
        for i, (store, name) in enumerate(todo, 1):
            stream = tar.extractfile(f"files/{store}/{name}")
            if stream is None:
                raise _refuse(f"备份不完整：缺少 files/{store}/{name}。", "archive_incomplete")
            saved = storages[store].save(name, File(stream, name=name))
            written.append((store, saved))
            if saved != name:
                raise _refuse(f"文件 {name} 未能按原名保存（存为 {saved}）。", "file_renamed")
            if i % 1000 == 0:
                progress(f"文件 {i}/{len(todo)}")
    except BaseException:
        _remove(written)
        raise
    return written


def _remove(written: list[tuple[str, str]]) -> None:
    for store, name in written:
        storages[store].delete(name)


def _check(manifest: dict[str, Any]) -> RestoreReport:
    """Compare the restored installation with the manifest: rows of every table, files with their
    checksums, the audit chain to the same head."""
    with connection.cursor() as cursor:
        facts = database_facts(cursor)
    problems = []
    for table, expected in manifest["counts"].items():
        got = facts["counts"].get(table)
        if got != expected:
            problems.append(f"表 {table}：备份中 {expected} 行，恢复后 {got} 行")
    if facts["files"] != manifest["files"]:
        problems.append("恢复后的数据库所引用的文件与备份清单不同")
    restored = 0
    for ref in manifest["files"]:
        if ref in manifest["missing_files"]:
            continue
        store, name = _store_and_name(ref)
        try:
            with storages[store].open(name, "rb") as fh:
                ok = _sha256(fh) == manifest["members"][f"files/{ref}"]["sha256"]
        except Exception:  # not there, or unreadable: either way not restored
            ok = False
        if ok:
            restored += 1
        else:
            problems.append(f"文件 {ref} 未能恢复或内容不符")
    chain = verify_chain()
    if chain.first_break is not None:
        problems.append(f"审计日志哈希链在事件 #{chain.first_break.pk} 处断裂：{chain.problem}")
    if chain.head != manifest["audit_head"]:
        problems.append(f"审计日志链尾哈希 {chain.head or '（空）'} 与备份时 {manifest['audit_head'] or '（空）'} 不同")
    return RestoreReport(
        counts=facts["counts"],
        files=restored,
        missing_files=list(manifest["missing_files"]),
        audit_events=chain.checked,
        audit_head=chain.head,
        problems=problems,
    )


def restore_backup(archive: Path, *, progress: Progress = _quiet) -> RestoreReport:
    """Restore ``archive`` into this (empty) installation and check it against its manifest."""
    if connection.in_atomic_block:
        raise _refuse("恢复须在事务之外进行。", "in_transaction")
    try:
        tar = tarfile.open(archive, "r")  # noqa: SIM115 (closed by the with below; opening may fail alone)
    except (OSError, tarfile.TarError):
        raise _refuse(f"无法读取备份文件 {archive}。", "not_a_backup") from None
    with tar:
        manifest = read_manifest(tar)
        if manifest.get("engine") != connection.vendor:
            raise _refuse(
                f"这份备份来自 {manifest.get('engine')} 数据库，不能恢复到 {connection.vendor} 数据库。",
                "engine_mismatch",
            )
        progress("校验备份…")
        verify_archive(tar, manifest, progress)
        _require_empty()
        progress("恢复文件…")
        written = _write_files(tar, manifest, progress)
        progress("恢复数据库…")
        try:
            _load_database(tar, manifest)
        except BaseException:
            _remove(written)
            raise
    progress("核对…")
    return _check(manifest)
