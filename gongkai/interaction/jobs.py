"""The interaction's durable jobs (``core.jobs``): the mail telling a writer the reply is given."""

from __future__ import annotations

import datetime as dt

from gongkai.core.jobs import job
from gongkai.interaction import notify


@job(max_attempts=12, timeout=dt.timedelta(minutes=2))
def mail_reply_notice(message_id: int) -> None:
    notify.send_reply_notice(message_id)
