"""Where private files live: applicants' uploads, correction material and letters.

They hold identity papers and personal data, so they never sit under a folder a web server serves
(``MEDIA_ROOT`` holds only catalogue attachments, which the portal serves through a view that checks
the item is published). They are stored under random names, so a name seen in a log or a backup
listing tells nothing and cannot be guessed, and they leave only through views that check who asks
and log it (the workbench for the handling body's staff, the tracking pages for the applicant).

The location is ``GONGKAI_PRIVATE_ROOT`` (``var/private`` by default), read on every use so that a
test or a deployment can move it; ``STORAGES["private"]`` can name another backend (with
``GONGKAI_STORAGE=s3``, a bucket without public access: ``core.s3``). Fields name the store through
``private_storage``, which returns a proxy looked up again whenever ``STORAGES`` changes, so that
every server, job and test reaches the store the settings name.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateStorage(FileSystemStorage):
    """The local-disk private store. It has no URL: a private file is never linked to directly."""

    @property
    def base_location(self) -> str:
        return os.fspath(settings.GONGKAI_PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; serve them through a view that checks who asks")


class _PrivateStore(LazyObject):  # type: ignore[type-arg]
    def _setup(self) -> None:
        self._wrapped = storages["private"]


# Typed loosely: a proxy that stands for whichever Storage the settings name.
private_store: Any = _PrivateStore()


@receiver(setting_changed)
def _forget_store(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        private_store._wrapped = empty


def private_storage() -> Storage:
    store: Storage = private_store
    return store


def store_alias(storage: Storage) -> str:
    """Which entry of ``STORAGES`` a field's storage is: "private" or "default"."""
    return "private" if storage is private_store else "default"


def store(alias: str) -> Storage:
    chosen: Storage = private_store if alias == "private" else default_storage
    return chosen


def random_name(folder: str, suffix: str = "") -> str:
    """``folder/YYYY/<32 random hex digits><suffix>``: nothing of the original name, nothing guessable."""
    return f"{folder}/{dt.date.today():%Y}/{secrets.token_hex(16)}{suffix}"


def application_file_name(instance: Any, filename: str) -> str:
    return random_name("applications")


def letter_file_name(instance: Any, filename: str) -> str:
    # The format's suffix only (docx or pdf), so an administrator restoring a backup can tell them apart.
    return random_name("letters", Path(filename).suffix.lower()[:6])


def is_inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents
