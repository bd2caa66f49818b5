"""Removing files that no row owns.

A file is written to storage before the row that names it commits (storage is not transactional).
When the transaction fails, the service deletes the file again; when the process dies in between
(kill -9, power loss), the file stays behind with no row. This sweep finds such files in the local
stores (the media folder and the private store) and deletes those older than a grace period, so
that a file whose transaction is still open is never touched.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models


@dataclass
class SweepResult:
    scanned: int = 0
    removed: int = 0
    kept_recent: int = 0
    removed_names: list[str] = field(default_factory=list)


def _owned(roots: dict[str, set[str]]) -> None:
    for model in apps.get_models():
        for column in model._meta.concrete_fields:
            if not isinstance(column, models.FileField):
                continue
            location = os.path.abspath(getattr(column.storage, "location", "") or "")
            if location in roots:
                names = model._base_manager.exclude(**{column.name: ""}).values_list(column.name, flat=True)
                roots[location].update(str(n) for n in names.iterator(chunk_size=5000))


def sweep_orphans(*, grace: dt.timedelta = dt.timedelta(hours=1), dry_run: bool = False) -> SweepResult:
    roots: dict[str, set[str]] = {
        os.path.abspath(settings.MEDIA_ROOT): set(),
        os.path.abspath(settings.GONGKAI_PRIVATE_ROOT): set(),
    }
    _owned(roots)
    cutoff = time.time() - grace.total_seconds()
    result = SweepResult()
    for root, owned in roots.items():
        base = Path(root)
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            if not path.is_file():
                continue
            result.scanned += 1
            name = path.relative_to(base).as_posix()
            if name in owned:
                continue
            if path.stat().st_mtime > cutoff:
                result.kept_recent += 1
                continue
            if not dry_run:
                path.unlink(missing_ok=True)
            result.removed += 1
            result.removed_names.append(name)
    return result
