"""``GET /healthz``: whether this server can serve, for the load balancer and the monitoring; and
``GET /metrics``: the figures Prometheus collects.

The status is 200 when the database and the cache answer, 503 when either does not (the balancer
then sends no request here). The job queue is reported, not judged by the status: a queue that
waits for a stopped worker is an alarm for the operators, not a reason to take a web server out.
The answer names no person, body or record.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.core import GaugeMetricFamily, Metric

from gongkai.applications.selectors import overdue_open_count
from gongkai.catalogue.selectors import overdue_unpublished_count
from gongkai.core import jobs, metrics, ratelimit

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


class Figures:
    """What an operator watches, computed when Prometheus asks (a few counting queries)."""

    def collect(self) -> Iterator[Metric]:
        state = jobs.state()
        queue = GaugeMetricFamily("gongkai_jobs", "Jobs in the queue by state", labels=["state"])
        for name in ("pending", "running", "failed", "retried"):
            queue.add_metric([name], getattr(state, name))
        yield queue
        _, oldest = jobs.waiting()
        yield GaugeMetricFamily(
            "gongkai_jobs_oldest_ready_seconds", "How long the oldest ready job has waited", value=oldest
        )
        yield GaugeMetricFamily(
            "gongkai_applications_overdue", "Open applications past their reply deadline", value=overdue_open_count()
        )
        yield GaugeMetricFamily(
            "gongkai_items_overdue",
            "Catalogue items not yet published past their Art. 26 deadline",
            value=overdue_unpublished_count(),
        )


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Only for the monitoring's addresses (``GONGKAI_METRICS_FROM``): the figures are the platform's
    own, not the public's."""
    if not ratelimit.address_in(str(request.META.get("REMOTE_ADDR", "")), settings.GONGKAI_METRICS_FROM):
        return HttpResponse("Forbidden", status=403, content_type="text/plain")
    return HttpResponse(metrics.scrape([Figures()]), content_type=CONTENT_TYPE_LATEST)
