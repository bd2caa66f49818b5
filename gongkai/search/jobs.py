"""The search index's durable job (``core.jobs``): a whole rebuild, run by a worker.

``manage.py search_rebuild --queue`` enqueues it, so that a rebuild of a large catalogue neither ties
up the operator's session nor stops when it closes; the job admin shows it running, failed or done.
A rebuild can be rerun at any point (``indexing.rebuild``: one transaction on SQLite, committed
batch by batch on PostgreSQL), so a retry after a killed worker simply starts again.
"""

from __future__ import annotations

import datetime as dt
import logging

from gongkai.core.jobs import BULK, job
from gongkai.search.indexing import rebuild

log = logging.getLogger(__name__)


@job(max_attempts=2, timeout=dt.timedelta(hours=12), priority=BULK)
def rebuild_index(*, bulk: bool = False, tune: bool = True) -> None:
    count = rebuild(bulk=bulk, tune=tune)
    log.info("search index rebuilt: %d entries", count)
