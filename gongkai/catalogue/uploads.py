"""Bulk import started from the workbench: the file is uploaded, kept, and imported by a job.

The import itself is ``importing.import_catalogue``, the same procedure as ``manage.py
catalogue_import``: idempotent on ``source_id``, resumable from its checkpoint, each rejected line
reported with its number and reason. Here it runs in a worker (``catalogue.jobs.import_upload``),
so a file of a hundred thousand lines neither holds a web request open nor is lost when a server
restarts; the page shows its progress from the checkpoint.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from gongkai.catalogue.importing import detect_format
from gongkai.catalogue.models import CatalogueUpload, UploadState
from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, ValidationFailed
from gongkai.core.jobs import enqueue
from gongkai.core.text import clean_filename
from gongkai.core.types import Actor
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation

ACTIVE = (UploadState.QUEUED, UploadState.RUNNING)


def upload_start(*, actor: Actor, org: Organisation, filename: str, data: bytes) -> CatalogueUpload:
    """Keep the file and enqueue its import, together or not at all."""
    from gongkai.catalogue import jobs  # the job module imports the import procedure

    user = policies.require(actor, "document.import", org)
    name = clean_filename(filename)
    fmt = detect_format(Path(name))
    if not data:
        raise ValidationFailed("文件是空的。", code="empty_file", field="file")
    limit = settings.GONGKAI_CATALOGUE_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise ValidationFailed(
            f"文件不能超过 {limit // (1024 * 1024)} MB；更大的目录请压缩为 .gz，"
            "或由管理员用 catalogue_import 命令导入。",
            code="too_large",
            field="file",
        )
    digest = hashlib.sha256(data).hexdigest()
    upload = CatalogueUpload(
        org=org, uploaded_by=user, original_name=name, size=len(data), sha256=digest, fmt=fmt, state=UploadState.QUEUED
    )
    stored = ""
    try:
        with transaction.atomic():
            # The same file for the same body, still being imported: a second run would walk the
            # same lines beside it.
            busy = CatalogueUpload.objects.select_for_update().filter(org=org, sha256=digest, state__in=ACTIVE)
            if busy.exists():
                raise IllegalTransition("同一文件正在导入，请等它完成。", code="already_importing")
            upload.file.save(name, ContentFile(data), save=False)
            stored = upload.file.name or ""
            upload.save()
            upload.job_id = enqueue(jobs.import_upload, upload.pk)
            upload.save(update_fields=["job_id"])
            audit.record(
                actor=user,
                action="catalogue.import_started",
                obj=upload,
                after={"file": name, "size": len(data), "sha256": digest, "format": fmt},
                org_id=org.pk,
            )
    except BaseException:
        if stored:
            upload.file.storage.delete(stored)
        raise
    return upload


def upload_retry(*, actor: Actor, upload: CatalogueUpload) -> CatalogueUpload:
    """Import an unfinished upload again; it resumes after the last line committed."""
    from gongkai.catalogue import jobs

    user = policies.require(actor, "document.import", upload.org)
    with transaction.atomic():
        upload = CatalogueUpload.objects.select_for_update().get(pk=upload.pk)
        if upload.state != UploadState.FAILED:
            raise IllegalTransition("只有未完成的导入可以重新开始。", code="not_failed")
        upload.state = UploadState.QUEUED
        upload.error = ""
        upload.job_id = enqueue(jobs.import_upload, upload.pk)
        upload.save(update_fields=["state", "error", "job_id"])
        audit.record(actor=user, action="catalogue.import_retried", obj=upload, org_id=upload.org_id)
    return upload
