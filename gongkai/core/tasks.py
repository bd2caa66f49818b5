"""The platform's own periodic jobs (``core.jobs``)."""

from __future__ import annotations

import datetime as dt

from gongkai.core.jobs import daily, job
from gongkai.core.sweep import sweep_orphans


@job(max_attempts=3, timeout=dt.timedelta(hours=1))
def sweep_files() -> None:
    """Delete stored files no row owns (docs/operations.md, "Every night")."""
    sweep_orphans(grace=dt.timedelta(hours=1))


def schedule() -> None:
    daily("files_sweep", dt.time(6, 45), sweep_files)
