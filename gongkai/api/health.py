"""``GET /healthz``: whether this server can serve, for the load balancer and the monitoring.

The status is 200 when the database and the cache answer, 503 when either does not (the balancer
then sends no request here). The job queue is reported, not judged by the status: a queue that
waits for a stopped worker is an alarm for the operators, not a reason to take a web server out.
The answer names no person, body or record.
"""

from __future__ import annotations

import secrets
import time

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gongkai.core import jobs

QUEUE_STALE_SECONDS = 600  # a job ready this long means no worker is taking jobs


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "error"
    return "ok"


def _cache() -> str:
    key, value = f"healthz:{secrets.token_hex(4)}", str(time.time())
    try:
        cache.set(key, value, 10)
        ok = cache.get(key) == value
        cache.delete(key)
    except Exception:
        return "error"
    return "ok" if ok else "error"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = _database()
    body: dict[str, object] = {"database": database, "cache": _cache()}
    if database == "ok":
        waiting, oldest = jobs.waiting()
        body["queue"] = {
            "ready": waiting,
            "oldest_seconds": oldest,
            "status": "stale" if oldest > QUEUE_STALE_SECONDS else "ok",
        }
    healthy = body["database"] == "ok" and body["cache"] == "ok"
    body["status"] = "ok" if healthy else "error"
    return JsonResponse(body, status=200 if healthy else 503)
