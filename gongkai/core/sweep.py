"""Removing files that no row owns.

A file is written to storage before the row that names it commits (storage is not transactional).
When the transaction fails, the service deletes the file again; when the process dies in between
(kill -9, power loss), the file stays behind with no row. This sweep lists both stores (the default
store of catalogue attachments and published reports, and the private store) through Django's
storage API, so it works the same on a local folder and on an object store, and deletes the files
no row names that are older than a grace period, so that a file whose transaction is still open is
never touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone

from gongkai.core.storage import store, store_alias

STORES = ("default", "private")


@dataclass
class SweepResult:
    scanned: int = 0
    removed: int = 0
    kept_recent: int = 0
    removed_names: list[str] = field(default_factory=list)


def _owned() -> dict[str, set[str]]:
    owned: dict[str, set[str]] = {alias: set() for alias in STORES}
    for model in apps.get_models():
        for column in model._meta.concrete_fields:
            if isinstance(column, models.FileField):
                names = model._base_manager.exclude(**{column.name: ""}).values_list(column.name, flat=True)
                owned[store_alias(column.storage)].update(str(n) for n in names.iterator(chunk_size=5000))
    return owned


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local store nothing was ever written to
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def sweep_orphans(*, grace: dt.timedelta = dt.timedelta(hours=1), dry_run: bool = False) -> SweepResult:
    owned = _owned()
    cutoff = timezone.now() - grace
    result = SweepResult()
    for alias in STORES:
        storage = store(alias)
        for name in _walk(storage):
            result.scanned += 1
            if name in owned[alias]:
                continue
            if storage.get_modified_time(name) > cutoff:
                result.kept_recent += 1
                continue
            if not dry_run:
                storage.delete(name)
            result.removed += 1
            result.removed_names.append(name)
    return result
