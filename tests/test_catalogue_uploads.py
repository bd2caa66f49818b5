"""Issue 20 §1: a catalogue import started from the workbench runs as a durable job.

The file is kept with its upload row, the job is written in the same transaction, a worker imports
it (the same procedure as ``manage.py catalogue_import``), and the page shows the progress copied
from the import's checkpoint. An interrupted import is tried again and resumes where it stopped;
one that has used all its attempts can be started again by hand.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from django.core.files.storage import storages
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gongkai.catalogue import jobs as catalogue_jobs
from gongkai.catalogue import uploads
from gongkai.catalogue.models import CatalogueUpload, Document, DocumentState
from gongkai.core import jobs
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from tests.conftest import World
from tests.test_import_export import line

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(settings: Any) -> None:
    settings.GONGKAI_JOBS_EAGER = False


def jsonl(rows: list[Any]) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows).encode()


def test_an_upload_is_kept_queued_and_imported_by_a_worker(world: World, queued: None) -> None:
    leader = world.user("edu_leader")
    data = jsonl([line(1), line(2), line(3, title=""), "{not json", line(4)])
    upload = uploads.upload_start(actor=leader, org=world.edu, filename="旧目录.jsonl", data=data)
    assert upload.state == "queued" and upload.total is None and not Document.objects.exists()
    (row,) = DBTaskResult.objects.filter(task_path="gongkai.catalogue.jobs.import_upload")
    assert str(row.id) == upload.job_id and row.args_kwargs["args"] == [upload.pk]
    with storages["private"].open(upload.file.name, "rb") as fh:
        assert fh.read() == data
    assert upload.file.name.startswith("catalogue-imports/") and "旧目录" not in upload.file.name
    assert AuditEvent.objects.filter(action="catalogue.import_started", object_id=str(upload.pk)).exists()

    jobs.run_ready()
    upload.refresh_from_db()
    assert (upload.state, upload.total, upload.lines_done) == ("done", 5, 5)
    assert (upload.created, upload.rejected) == (3, 2)
    assert [r[0] for r in upload.rejections] == [3, 4]
    assert "JSON" in upload.rejections[1][1]
    docs = Document.objects.filter(org=world.edu)
    assert docs.count() == 3 and set(docs.values_list("state", flat=True)) == {DocumentState.PUBLISHED}
    # Each imported item names the leader who started the import in its history.
    assert set(AuditEvent.objects.filter(action="document.imported").values_list("actor_id", flat=True)) == {leader.pk}


def test_only_a_leader_of_the_body_may_import_and_bad_files_are_refused(world: World, settings: Any) -> None:
    with pytest.raises(PermissionDenied):
        uploads.upload_start(actor=world.user("edu_clerk"), org=world.edu, filename="a.jsonl", data=jsonl([line(1)]))
    with pytest.raises(PermissionDenied):
        uploads.upload_start(actor=world.user("health_leader"), org=world.edu, filename="a.jsonl", data=b"{}\n")
    leader = world.user("edu_leader")
    with pytest.raises(ValidationFailed) as err:
        uploads.upload_start(actor=leader, org=world.edu, filename="目录.xls", data=b"x")
    assert err.value.code == "unknown_format"
    with pytest.raises(ValidationFailed) as err:
        uploads.upload_start(actor=leader, org=world.edu, filename="目录.csv", data=b"")
    assert err.value.code == "empty_file"
    settings.GONGKAI_CATALOGUE_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationFailed) as err:
        uploads.upload_start(actor=leader, org=world.edu, filename="目录.jsonl", data=jsonl([line(1)]))
    assert err.value.code == "too_large"
    assert not CatalogueUpload.objects.exists() and not DBTaskResult.objects.exists()
    assert not storages["private"].exists("catalogue-imports")


def test_the_same_file_is_not_imported_twice_at_once(world: World, queued: None) -> None:
    leader = world.user("edu_leader")
    data = jsonl([line(1)])
    uploads.upload_start(actor=leader, org=world.edu, filename="a.jsonl", data=data)
    with pytest.raises(IllegalTransition):
        uploads.upload_start(actor=leader, org=world.edu, filename="again.jsonl", data=data)
    jobs.run_ready()
    # Once done, the same file may come again (its lines are then unchanged).
    again = uploads.upload_start(actor=leader, org=world.edu, filename="again.jsonl", data=data)
    jobs.run_ready()
    again.refresh_from_db()
    assert (again.state, again.created, again.unchanged) == ("done", 0, 1)


def test_an_interrupted_import_resumes_and_one_that_gave_up_is_restarted_by_hand(
    world: World, queued: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    leader = world.user("edu_leader")
    data = jsonl([line(i) for i in range(1, 251)])  # two batches of the importer (200, 50)
    upload = uploads.upload_start(actor=leader, org=world.edu, filename="大目录.jsonl", data=data)
    copy = catalogue_jobs._copy_progress
    calls = {"n": 0}

    def database_lost_after_first_batch(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("server closed the connection unexpectedly")
        copy(*args)

    monkeypatch.setattr(catalogue_jobs, "_copy_progress", database_lost_after_first_batch)
    jobs.run_ready()
    upload.refresh_from_db()
    # The first batch is committed; the upload waits for its next attempt and says why.
    assert upload.state == "queued" and "稍后自动重试" in upload.error
    assert Document.objects.count() == 200
    retry = DBTaskResult.objects.get(status="READY")
    assert jobs.attempt_of(retry) == 2
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    jobs.run_ready()
    upload.refresh_from_db()
    assert (upload.state, upload.lines_done, upload.created, upload.error) == ("done", 250, 250, "")
    assert Document.objects.count() == 250  # nothing imported twice

    # Every attempt fails (a file whose reading breaks the worker each time): after the last one
    # the upload says so, and a leader starts it again by hand.
    other = uploads.upload_start(actor=leader, org=world.edu, filename="b.jsonl", data=jsonl([line(900)]))
    monkeypatch.setattr(catalogue_jobs, "count_records", lambda *a, **k: 1 / 0)
    for _ in range(jobs.POLICIES[catalogue_jobs.import_upload.module_path].max_attempts):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        jobs.run_ready()
    other.refresh_from_db()
    assert other.state == "failed" and "多次自动重试" in other.error
    assert not DBTaskResult.objects.filter(status="READY").exists()
    monkeypatch.undo()
    with pytest.raises(PermissionDenied):
        uploads.upload_retry(actor=world.user("edu_clerk"), upload=other)
    uploads.upload_retry(actor=leader, upload=other)
    jobs.run_ready()
    other.refresh_from_db()
    assert (other.state, other.created) == ("done", 1)
    with pytest.raises(IllegalTransition):
        uploads.upload_retry(actor=leader, upload=other)


def test_a_truncated_file_fails_with_its_reason_and_keeps_what_it_read(world: World, queued: None) -> None:
    whole = gzip.compress(jsonl([line(i) for i in range(1, 400)]), mtime=0)
    upload = uploads.upload_start(
        actor=world.user("edu_leader"), org=world.edu, filename="目录.jsonl.gz", data=whole[: len(whole) // 2]
    )
    jobs.run_ready()
    upload.refresh_from_db()
    assert upload.state == "failed" and "中断" in upload.error
    assert 0 < upload.lines_done < 399 and Document.objects.count() == upload.created


def test_the_pages_show_progress_and_refuse_outsiders(world: World, queued: None) -> None:
    leader, client = world.user("edu_leader"), Client()
    client.force_login(leader)
    page = client.get("/workbench/documents/imports/")
    assert page.status_code == 200 and "上传并导入" in page.content.decode()
    refused = client.post("/workbench/documents/imports/", {"org": world.edu.pk})
    assert refused.status_code == 400 and "该字段是必填项" in refused.content.decode()
    posted = client.post(
        "/workbench/documents/imports/",
        {"org": world.edu.pk, "file": _file("目录.jsonl", jsonl([line(1), line(2, title="")]))},
    )
    upload = CatalogueUpload.objects.get()
    assert posted.status_code == 302 and posted["Location"] == f"/workbench/documents/imports/{upload.pk}/"
    waiting = client.get(posted["Location"]).content.decode()
    assert "排队中" in waiting and 'http-equiv="refresh"' in waiting
    jobs.run_ready()
    done = client.get(posted["Location"]).content.decode()
    assert "已完成" in done and 'http-equiv="refresh"' not in done
    assert "已处理 2 / 2 行（100%）" in done and "名称" in done  # the rejected line's reason

    clerk = Client()
    clerk.force_login(world.user("edu_clerk"))
    assert "您在任何机构都没有此权限" in clerk.get("/workbench/documents/imports/").content.decode()
    assert clerk.get(posted["Location"]).status_code == 404
    other = Client()
    other.force_login(world.user("health_leader"))
    assert other.get(posted["Location"]).status_code == 404
    # A body the user does not lead cannot be chosen, whatever the form says.
    forged = other.post(
        "/workbench/documents/imports/", {"org": world.edu.pk, "file": _file("x.jsonl", jsonl([line(5)]))}
    )
    assert forged.status_code == 400 and CatalogueUpload.objects.count() == 1


def _file(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_hostile_line_is_rejected_and_its_reason_stored_without_control_characters(
    world: World, queued: None
) -> None:
    rows = [line(1, source_id="x\x00\u202e1"), line(2, source_id="x\x00\u202e1"), line(3, title="\x00" * 3)]
    upload = uploads.upload_start(actor=world.user("edu_leader"), org=world.edu, filename="a.jsonl", data=jsonl(rows))
    jobs.run_ready()
    upload.refresh_from_db()
    assert upload.state == "done" and upload.lines_done == 3 and upload.rejected >= 2
    assert all(not any(c in reason for c in "\x00\u202e") for _, reason in upload.rejections)
