"""Read replicas: the public's reads go to PostgreSQL streaming replicas when there are any and they
are up to date; everything else goes to the primary.

Configured by ``DATABASE_REPLICA_URLS`` (comma-separated; aliases ``replica0``, ``replica1`` …).
Without it every query goes to the primary and nothing here runs.

- **What may read from a replica**: a GET or HEAD request on a public page or the public API
  (the portal, search, the applicant's tracking pages): ``ReadFromReplicas`` decides per request.
  Staff pages, the admin, sign-in and the staff API always use the primary, as do sessions and
  accounts (a session written a moment ago must be found).
- **Reads after a write** go to the primary: within a request, once anything is written; across
  requests, for ``GONGKAI_PRIMARY_AFTER_WRITE_SECONDS`` after the client's last POST (a cookie), so
  the page an applicant is sent to after submitting shows what they submitted.
- **A replica that lags or dies is skipped**: each process checks a replica at most every few
  seconds (``CHECK_SECONDS``): it must answer, and on PostgreSQL have replayed the primary's log to
  within ``GONGKAI_REPLICA_MAX_LAG_BYTES``. A replica that fails in the middle of a request is
  marked down and the request's view runs again on the primary, so the visitor sees the page.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

CHECK_SECONDS = 5.0
PRIMARY_COOKIE = "gk_primary"
ALWAYS_PRIMARY_APPS = {"sessions", "auth", "contenttypes", "admin", "authtoken"}
STAFF_PATHS = ("/workbench/", "/admin/", "/accounts/", "/api/v1/staff", "/healthz", "/metrics")

_READ_REPLICA: ContextVar[bool] = ContextVar("read_replica", default=False)


@dataclass(frozen=True)
class Health:
    ok: bool
    until: float  # time.monotonic() after which it is checked again


_health: dict[str, Health] = {}


def aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def record_health(alias: str, ok: bool) -> None:
    """Remember a replica as up or down until the next check is due."""
    _health[alias] = Health(ok, time.monotonic() + CHECK_SECONDS)


def check_now(alias: str) -> bool:
    """Check ``alias`` at once, whatever was remembered of it (and remember the answer)."""
    _health.pop(alias, None)
    return usable(alias)


def _lag_ok(alias: str) -> bool:
    replica = connections[alias]
    with replica.cursor() as cursor:
        if replica.vendor != "postgresql":
            cursor.execute("SELECT 1")
            return True
        cursor.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()")
        in_recovery, replayed = cursor.fetchone()
    if not in_recovery or replayed is None:
        return not in_recovery  # promoted: it is a primary now; never replayed: not usable
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [replayed])
        behind = cursor.fetchone()[0]
    return int(behind) <= settings.GONGKAI_REPLICA_MAX_LAG_BYTES


def usable(alias: str) -> bool:
    known = _health.get(alias)
    if known is not None and known.until > time.monotonic():
        return known.ok
    try:
        ok = _lag_ok(alias)
    except DatabaseError:
        connections[alias].close()
        ok = False
    record_health(alias, ok)
    return ok


def replica_for_read() -> str | None:
    """A replica this request may read from, or None for the primary."""
    if not _READ_REPLICA.get():
        return None
    candidates = aliases()
    random.shuffle(candidates)  # spread the public's reads
    return next((alias for alias in candidates if usable(alias)), None)


class ReplicaRouter:
    """Django's database router for the rules above."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if model._meta.app_label in ALWAYS_PRIMARY_APPS:
            return None
        return replica_for_read()

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        _READ_REPLICA.set(False)  # what this request reads from now on, it reads where it wrote
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # replicas hold the primary's data: objects from either relate

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db.startswith("replica") else None


def may_read_from_replica(request: HttpRequest) -> bool:
    return (
        bool(aliases())
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(STAFF_PATHS)
        and PRIMARY_COOKIE not in request.COOKIES
    )


class ReadFromReplicas:
    """Decides, per request, whether its reads may go to a replica (see the module's rules)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _READ_REPLICA.set(may_read_from_replica(request))
        try:
            response = self.get_response(request)
        finally:
            _READ_REPLICA.reset(token)
        if request.method not in ("GET", "HEAD", "OPTIONS") and aliases():
            response.set_cookie(
                PRIMARY_COOKIE,
                "1",
                max_age=settings.GONGKAI_PRIMARY_AFTER_WRITE_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A replica failed during the view: mark the replicas this request used down and run the
        view again on the primary (only GET and HEAD read from replicas, so running again is safe)."""
        if not _READ_REPLICA.get() or not isinstance(exception, DatabaseError):
            return None
        for alias in aliases():  # checked again after CHECK_SECONDS
            connections[alias].close()
            record_health(alias, False)
        _READ_REPLICA.set(False)
        match = request.resolver_match
        if match is None:
            return None
        response: HttpResponse = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        return response
