"""Logs a machine can read: one JSON object per line, each carrying the id of the request it belongs
to, so every line one request caused can be found across servers (docs/operations.md).

The id is the proxy's ``X-Request-ID`` when the request comes through a trusted proxy
(``GONGKAI_TRUSTED_PROXIES``) and the value is a plain token; otherwise a new random one. It is
returned in the response's ``X-Request-ID`` header, so a citizen's or a clerk's report of an error
can name it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
from contextvars import ContextVar

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
GOOD_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def new_request_id() -> str:
    return secrets.token_hex(8)


def forget_request_id(**kwargs: object) -> None:
    """At the end of each request (``request_finished``): lines after it belong to no request."""
    REQUEST_ID.set("-")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request: workers, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
