"""Issue 20 §2: with ``GONGKAI_STORAGE=s3`` every file lives in an S3-compatible object store, so no
application server keeps state another needs.

The store here is moto's S3 server, a separate HTTP server on localhost that boto3 reaches over the
network exactly as it reaches MinIO, Ceph or a cloud store (nothing inside the process is patched).
The settings are built by the function production uses (``core.s3.storages_from_environment``).
"""

from __future__ import annotations

import datetime as dt
import json
import tarfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.storage import storages
from django.test import Client

from gongkai.applications import clock, render, services
from gongkai.applications.models import Letter, LetterKind
from gongkai.catalogue import services as doc_services
from gongkai.catalogue import uploads
from gongkai.core import jobs
from gongkai.core.backup import create_backup
from gongkai.core.errors import IllegalTransition
from gongkai.core.s3 import PrivateS3Storage, storages_from_environment
from gongkai.core.storage import private_storage, private_store
from gongkai.core.sweep import sweep_orphans
from tests.conftest import World, draft, free_port, publish
from tests.security.conftest import TODAY, apply_to
from tests.test_attachments import make_pdf
from tests.test_import_export import line

pytestmark = pytest.mark.django_db(transaction=True)
BUCKET = "gongkai-files"
PDF = b"%PDF-1.4\n% an attachment\n" + b"0" * 300


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server: str, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    import boto3

    env = {
        "GONGKAI_S3_BUCKET": BUCKET,
        "GONGKAI_S3_ENDPOINT_URL": s3_server,
        "GONGKAI_S3_REGION": "us-east-1",
        "GONGKAI_S3_ACCESS_KEY": "gongkai",
        "GONGKAI_S3_SECRET_KEY": "gongkai-secret",
    }
    client = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    for old in client.list_objects_v2(Bucket=BUCKET).get("Contents", []) if _exists(client) else []:
        client.delete_object(Bucket=BUCKET, Key=old["Key"])
    if not _exists(client):
        client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, **storages_from_environment(env)}
    return client


def _exists(client: Any) -> bool:
    return BUCKET in {b["Name"] for b in client.list_buckets()["Buckets"]}


def keys(client: Any) -> set[str]:
    return {o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_every_file_goes_to_the_object_store_and_comes_back_through_the_views(
    world: World,
    bucket: Any,
    settings: Any,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    assert type(storages["private"]) is PrivateS3Storage
    private_storage().exists("x")  # the fields' store follows the setting
    assert type(private_store._wrapped) is PrivateS3Storage
    # A catalogue attachment, served by the portal once the item is published.
    item = draft(world, title="关于公布2026年部门预算的通知")
    budget = make_pdf("2026 budget")
    att = doc_services.attachment_add(actor=world.user("edu_clerk"), document=item, name="预算.pdf", data=budget)
    assert f"media/{att.file.name}" in keys(bucket)
    publish(world, item)
    got = Client().get(f"/attachments/{att.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == budget

    # An applicant's file and the letters: the private store, under private/.
    app = apply_to(world.edu, files=(("身份证.pdf", PDF),)).application
    stored = app.files.get().file
    assert f"private/{stored.name}" in keys(bucket)
    with stored.open("rb") as fh:
        assert fh.read() == PDF
    with pytest.raises(ValueError):
        stored.url  # noqa: B018 (a private file has no address)
    settings.GONGKAI_RENDER_AHEAD = True
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(
            actor=world.user("edu_clerk"), application=app, action="reply", on=TODAY, reply_type="NOT_EXIST"
        )
    letter = Letter.objects.get(application=app, kind=LetterKind.REPLY)
    assert {f"private/{letter.docx.name}", f"private/{letter.pdf.name}"} <= keys(bucket)
    data, _name, _type = render.download(letter, "docx")
    assert data[:2] == b"PK"

    # The backup reads every file from the store, with its checksum.
    archive = create_backup(tmp_path)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        assert f"files/private/{stored.name}" in names and f"files/default/{att.file.name}" in names
        assert tar.extractfile(f"files/private/{stored.name}").read() == PDF  # type: ignore[union-attr]


def test_the_sweep_lists_the_object_store_and_removes_only_orphans(world: World, bucket: Any) -> None:
    app = apply_to(world.edu, files=(("身份证.pdf", PDF),)).application
    owned = app.files.get().file.name
    bucket.put_object(Bucket=BUCKET, Key="private/applications/2026/0123456789abcdef0123456789abcdef", Body=b"left")
    bucket.put_object(Bucket=BUCKET, Key="media/attachments/1/deadbeef.pdf", Body=b"left")
    kept = sweep_orphans(grace=dt.timedelta(hours=1))
    assert (kept.removed, kept.kept_recent) == (0, 2)  # just written: their transaction may be open
    swept = sweep_orphans(grace=dt.timedelta(0))
    assert sorted(swept.removed_names) == [
        "applications/2026/0123456789abcdef0123456789abcdef",
        "attachments/1/deadbeef.pdf",
    ]
    assert keys(bucket) == {f"private/{owned}"}


def test_the_settings_refuse_an_object_store_without_a_bucket() -> None:
    with pytest.raises(ValueError, match="GONGKAI_S3_BUCKET"):
        storages_from_environment({"GONGKAI_S3_ENDPOINT_URL": "http://127.0.0.1:9000"})
    config = storages_from_environment({"GONGKAI_S3_BUCKET": "a", "GONGKAI_S3_PRIVATE_BUCKET": "b"})
    assert config["default"]["OPTIONS"]["bucket_name"] == "a" and config["private"]["OPTIONS"]["bucket_name"] == "b"
    assert config["default"]["OPTIONS"]["default_acl"] is None and config["private"]["OPTIONS"]["location"] == "private"


def test_a_catalogue_import_is_read_from_the_object_store_and_a_refused_one_leaves_nothing(
    world: World, bucket: Any, settings: Any
) -> None:
    settings.GONGKAI_JOBS_EAGER = False
    leader = world.user("edu_leader")
    data = "".join(json.dumps(line(i), ensure_ascii=False) + "\n" for i in (1, 2)).encode()
    upload = uploads.upload_start(actor=leader, org=world.edu, filename="目录.jsonl", data=data)
    assert f"private/{upload.file.name}" in keys(bucket)
    before = keys(bucket)
    with pytest.raises(IllegalTransition):  # the same file while the first waits
        uploads.upload_start(actor=leader, org=world.edu, filename="again.jsonl", data=data)
    assert keys(bucket) == before
    jobs.run_ready()  # the worker copies the file out of the store and imports it
    upload.refresh_from_db()
    assert (upload.state, upload.created) == ("done", 2)
