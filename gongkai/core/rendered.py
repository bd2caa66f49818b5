"""Documents rendered once and kept: an issued letter, a published annual report.

Their text is frozen (a letter once issued, a report once published), so each format is rendered
once (by a job right after the step, or by the first download if that comes first) and the file is
kept with the row. Two renderings may race (the job and a download); the first to record its file
wins, the other deletes its own copy and serves the winner's, so a row never names two files and no
file is left without a row.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import models


def kept(instance: models.Model, field_name: str, make: Callable[[], bytes], filename: str) -> tuple[bytes, str]:
    """The bytes and stored name of ``instance.<field_name>``, rendered with ``make`` if not yet kept."""
    model = type(instance)
    current = model._base_manager.filter(pk=instance.pk).values_list(field_name, flat=True).first()
    field = getattr(instance, field_name)
    if current:
        field.name = current
        with field.open("rb") as fh:
            return fh.read(), str(current)
    data = make()
    field.save(filename, ContentFile(data), save=False)
    ours = str(field.name)
    if model._base_manager.filter(pk=instance.pk, **{field_name: ""}).update(**{field_name: ours}):
        return data, ours
    # Another rendering recorded its file first: keep theirs, remove ours.
    field.storage.delete(ours)
    theirs = model._base_manager.filter(pk=instance.pk).values_list(field_name, flat=True).get()
    field.name = theirs
    return data, str(theirs)
