"""The catalogue's durable job (``core.jobs``): importing a file uploaded in the workbench.

The import commits batch by batch with its checkpoint (``importing.import_catalogue``), so a job
that is run again (a retry after a failure, a worker killed mid-file) resumes after the last
committed batch; lines already imported are neither repeated nor counted twice. After each batch the
upload's progress is copied from the checkpoint, which is what the workbench page shows.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from gongkai.catalogue.importing import checkpoint, count_records, fingerprint, import_catalogue
from gongkai.catalogue.models import CatalogueUpload, ImportRun, UploadState
from gongkai.core.errors import ApplicationError
from gongkai.core.jobs import BULK, job
from gongkai.core.text import strip_control_characters


def _copy_progress(upload_id: int, run_fingerprint: str, rejections: list[list[object]]) -> None:
    run = ImportRun.objects.filter(fingerprint=run_fingerprint).first()
    with transaction.atomic():
        upload = CatalogueUpload.objects.select_for_update().get(pk=upload_id)
        if run is not None:
            upload.lines_done = run.lines_done
            upload.created, upload.updated = run.created, run.updated
            upload.unchanged, upload.rejected = run.unchanged, run.rejected
        room = CatalogueUpload.REJECTIONS_KEPT - len(upload.rejections)
        known = {line for line, _ in upload.rejections}
        upload.rejections += [r for r in rejections if r[0] not in known][: max(room, 0)]
        upload.save(update_fields=["lines_done", "created", "updated", "unchanged", "rejected", "rejections"])
    rejections.clear()


def _finish(upload_id: int, state: str, error: str = "") -> None:
    CatalogueUpload.objects.filter(pk=upload_id).update(state=state, error=error[:500], finished_at=timezone.now())


def _gave_up(upload_id: int) -> None:
    _finish(upload_id, UploadState.FAILED, "多次自动重试仍未完成。已导入的行已保存；可以重新开始，从中断处继续。")


@job(max_attempts=5, timeout=dt.timedelta(hours=6), priority=BULK, gave_up=_gave_up)
def import_upload(upload_id: int) -> None:
    upload = CatalogueUpload.objects.select_related("org", "uploaded_by").filter(pk=upload_id).first()
    if upload is None or upload.state == UploadState.DONE:
        return  # already done by an earlier run of this job
    with tempfile.TemporaryDirectory(prefix="gongkai-import-") as folder:
        # The importer reads a local file (it sniffs gzip and the encoding, and reads it twice);
        # the stored one may be in an object store.
        path = Path(folder) / ("upload.gz" if upload.original_name.lower().endswith(".gz") else "upload")
        with upload.file.open("rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target, 1 << 20)
        run_fingerprint = fingerprint(path, upload.fmt, upload.org)
        CatalogueUpload.objects.filter(pk=upload_id).update(
            state=UploadState.RUNNING,
            total=count_records(path, upload.fmt),
            lines_done=checkpoint(path, upload.fmt, upload.org),
            started_at=upload.started_at or timezone.now(),
            error="",
        )
        rejections: list[list[object]] = []
        try:
            import_catalogue(
                actor=upload.uploaded_by,
                path=path,
                default_org=upload.org,
                fmt=upload.fmt,
                on_progress=lambda _done: _copy_progress(upload_id, run_fingerprint, rejections),
                # A reason may quote the line, and a line may hold anything (PostgreSQL's JSON takes no NUL).
                on_reject=lambda line, reason: rejections.append([line, strip_control_characters(reason)[:300]]),
            )
        except ApplicationError as exc:
            # The file breaks off or is not in a readable encoding: trying again reads the same bytes.
            _copy_progress(upload_id, run_fingerprint, rejections)
            _finish(upload_id, UploadState.FAILED, exc.message)
            return
        except Exception as exc:
            # Something outside the file (the database, the worker): the job is tried again later
            # and resumes after the last committed batch. Until then it waits in the queue.
            _copy_progress(upload_id, run_fingerprint, rejections)
            CatalogueUpload.objects.filter(pk=upload_id).update(
                state=UploadState.QUEUED, error=f"导入中断（{type(exc).__name__}），稍后自动重试；已导入的行不会重复。"
            )
            raise
        _copy_progress(upload_id, run_fingerprint, rejections)
        _finish(upload_id, UploadState.DONE)
