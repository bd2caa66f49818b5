"""Issue 20 §6 (part): the health endpoint and logs that name their request.

- ``/healthz`` answers 200 while the database and the cache answer, 503 when the cache (or the
  database) does not; it reports the job queue without failing on it, and names nothing personal.
- Every response carries an ``X-Request-ID``; a trusted proxy's id is kept, anyone else's replaced.
- The JSON log lines carry the id of the request that wrote them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gongkai.applications import jobs as app_jobs
from gongkai.core import jobs
from gongkai.core.logs import JsonFormatter, RequestIdFilter
from tests.conftest import free_port

pytestmark = pytest.mark.django_db


def test_healthy_when_the_database_and_the_cache_answer(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == "ok" and answer["database"] == "ok" and answer["cache"] == "ok"
    assert answer["queue"] == {"ready": 0, "oldest_seconds": 0, "status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_cache_that_does_not_answer_takes_the_server_out(client: Client, settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "error" and response.json()["database"] == "ok"


def test_a_queue_no_worker_takes_is_reported_not_fatal(client: Client, settings: Any) -> None:
    settings.GONGKAI_JOBS_EAGER = False
    jobs.enqueue(app_jobs.nightly_scan)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=30))
    response = client.get("/healthz")
    assert response.status_code == 200
    queue = response.json()["queue"]
    assert queue["ready"] == 1 and queue["status"] == "stale" and queue["oldest_seconds"] >= 1800


def test_the_probe_is_read_only(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


def test_every_response_names_its_request(client: Client, settings: Any) -> None:
    own = client.get("/healthz", HTTP_X_REQUEST_ID="from-a-client-1234")
    assert own["X-Request-ID"] != "from-a-client-1234" and len(own["X-Request-ID"]) == 16
    settings.GONGKAI_TRUSTED_PROXIES = ["127.0.0.1"]
    proxied = client.get("/healthz", HTTP_X_REQUEST_ID="haproxy-7f3a9c21")
    assert proxied["X-Request-ID"] == "haproxy-7f3a9c21"
    odd = client.get("/healthz", HTTP_X_REQUEST_ID="a b\nforged line")
    assert odd["X-Request-ID"] != "a b\nforged line"


def test_json_log_lines_carry_the_request_id(client: Client) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/no-such-page-here/")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines and all(entry["request_id"] == response["X-Request-ID"] for entry in lines)
    assert lines[0]["level"] == "WARNING" and "Not Found" in lines[0]["message"]


def test_prometheus_reads_latency_the_queue_and_what_is_overdue(
    client: Client, world: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.applications import clock, services
    from gongkai.applications.models import Application
    from tests.test_applications import applicant

    settings.GONGKAI_JOBS_EAGER = False
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 11, 2))
    late = services.submit_online(org=world.edu, applicant=applicant(), secret="my-secret").application
    Application.objects.filter(pk=late.pk).update(due_date=dt.date(2020, 1, 2))  # long past
    assert client.get(f"/xxgk/{world.edu.slug}/").status_code == 200
    scraped = client.get("/metrics")
    assert scraped.status_code == 200 and scraped["Content-Type"].startswith("text/plain")
    text = scraped.content.decode()
    assert 'gongkai_request_seconds_count{method="GET",route="xxgk/<slug:slug>/",status="2xx"}' in text
    assert "gongkai_applications_overdue 1.0" in text
    assert 'gongkai_jobs{state="pending"} 1.0' in text  # the receipt's notice, waiting for a worker
    assert "gongkai_items_overdue 0.0" in text
    assert late.tracking_code not in text and late.applicant_name not in text


def test_metrics_are_only_for_the_monitoring(client: Client) -> None:
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
