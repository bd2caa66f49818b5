"""Supervision's periodic job: the daily digest by e-mail, once a day (``core.jobs``)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from gongkai.core import jobs
from gongkai.core.jobs import job
from gongkai.supervision import digest

log = logging.getLogger(__name__)


@job(max_attempts=6, timeout=dt.timedelta(hours=1))
def daily_digest() -> None:
    run = digest.send_digests(timezone.localdate())
    log.info(
        "digest %s: sent %d, nothing to say %d, already sent %d, turned off %d",
        run.day,
        len(run.sent),
        run.nothing_to_say,
        run.already_sent,
        run.turned_off,
    )


def schedule() -> None:
    """The periodic jobs of this app (called at start-up): the digest after the nightly scan."""
    jobs.daily("supervision_digest", dt.time(7, 30), daily_digest)
