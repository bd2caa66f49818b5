"""Metrics for Prometheus (``prometheus-client``): how long requests take, by route and status
class, and, computed when Prometheus asks, the figures an operator watches (the job queue, work
past its legal deadline; ``api/health.py`` adds those).

Under gunicorn each process keeps its own histogram; with ``PROMETHEUS_MULTIPROC_DIR`` set (an
empty folder per server, cleared when the server starts), the processes write them to files there
and ``/metrics`` adds them up (``multiprocess.MultiProcessCollector``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry()
REQUEST_SECONDS = Histogram(
    "gongkai_request_seconds",
    "Time to answer a request",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)


class RequestMetrics:
    """Times every request. The route is the URL pattern (``xxgk/<slug:slug>/content/<id:pk>/``),
    never the address itself, so the number of series stays bounded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        route = (match.route or "/") if match is not None else "unmatched"  # "/" is the home page
        method = request.method if request.method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE") else "OTHER"
        status = f"{response.status_code // 100}xx"
        REQUEST_SECONDS.labels(method, route, status).observe(time.perf_counter() - started)
        return response


def scrape(collectors: Iterable[Collector]) -> bytes:
    """The text Prometheus reads: the request histogram (of every process of this server) and the
    figures of ``collectors``, computed now."""
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    extra = CollectorRegistry()
    for collector in collectors:
        extra.register(collector)
    return generate_latest(registry) + generate_latest(extra)
