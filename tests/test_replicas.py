"""Issue 20 §3: the public's reads go to a read replica, everything else to the primary, and a
replica that dies is skipped without an error page.

A configured replica is a process-wide setting (``DATABASE_REPLICA_URLS``), so each check runs in a
child process configured as a server would be, against this test's database: there the "replica" is
a second connection to the same database, and the queries each connection ran say where a request
read. (Replication lag needs a real streaming replica: the cluster demo measures it.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.conftest import World, draft, free_port, publish

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent


def probe() -> None:
    """Run in the child (after ``django.setup()``): request pages as the public and as staff, and
    report where each read."""
    from django.db import DatabaseError, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gongkai.core import replicas

    if os.environ.get("PROBE_REPLICA_LOOKS_UP") == "1":
        replicas.record_health("replica0", True)  # it answered a moment ago, then died
    doc_url = os.environ["PROBE_DOC_URL"]
    results: dict[str, Any] = {}

    try:
        connections["replica0"].ensure_connection()
        reachable = True
    except DatabaseError:
        reachable = False  # a dead replica: nothing can be counted on it

    def visit(name: str, client: Client, method: str, url: str, data: dict[str, str] | None = None) -> None:
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica0"]) if reachable else nullcontext([]) as replica,
        ):
            response = client.post(url, data or {}) if method == "POST" else client.get(url)
        results[name] = {"status": response.status_code, "primary": len(primary), "replica": len(replica)}

    public = Client()
    visit("portal", public, "GET", doc_url)
    visit("search", public, "GET", "/api/v1/search?q=招生")
    staff = Client()
    staff.login(username="edu_clerk", password="pw-for-tests")
    visit("workbench", staff, "GET", "/workbench/")
    writer = Client()
    visit("post", writer, "POST", "/accounts/login/", {"username": "nobody", "password": "wrong-password"})
    visit("after_post", writer, "GET", doc_url)
    print(json.dumps(results))


def run_probe(env_extra: dict[str, str], doc_url: str) -> dict[str, Any]:
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    else:
        url = f"sqlite:///{s['NAME']}"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=url, PROBE_DOC_URL=doc_url)
    env["DJANGO_ALLOWED_HOSTS"] = "testserver"  # the test client's host
    env.setdefault("DATABASE_REPLICA_URLS", url)
    env.update(env_extra)
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from tests.test_replicas import probe; probe()"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.fixture
def doc_url(world: World) -> str:
    doc = publish(world, draft(world, title="关于做好2026年义务教育招生入学工作的通知"))
    return f"/xxgk/{doc.org.slug}/content/{doc.pk}/"


def test_public_reads_go_to_the_replica_and_the_rest_to_the_primary(doc_url: str) -> None:
    seen = run_probe({}, doc_url)
    # The item's page and a search (its own SQL included) read nothing from the primary.
    assert seen["portal"]["status"] == 200 and seen["portal"]["replica"] > 0 and seen["portal"]["primary"] == 0
    assert seen["search"]["status"] == 200 and seen["search"]["replica"] > 0 and seen["search"]["primary"] == 0
    # Staff pages read the primary, sessions and accounts included.
    assert seen["workbench"]["status"] == 200
    assert seen["workbench"]["replica"] == 0 and seen["workbench"]["primary"] > 0
    # A client that has just written reads from the primary for a while.
    assert seen["post"]["replica"] == 0
    assert seen["after_post"]["status"] == 200
    assert seen["after_post"]["replica"] == 0 and seen["after_post"]["primary"] > 0


def test_a_dead_replica_is_skipped_without_an_error_page(doc_url: str) -> None:
    dead = {"DATABASE_REPLICA_URLS": f"postgres://postgres@127.0.0.1:{free_port()}/gongkai"}
    seen = run_probe(dead, doc_url)
    assert seen["portal"]["status"] == 200 and seen["portal"]["primary"] > 0
    assert seen["search"]["status"] == 200


def test_a_replica_that_dies_during_a_request_is_left_for_the_primary(doc_url: str) -> None:
    died = {
        "DATABASE_REPLICA_URLS": f"postgres://postgres@127.0.0.1:{free_port()}/gongkai",
        "PROBE_REPLICA_LOOKS_UP": "1",
    }
    seen = run_probe(died, doc_url)
    assert seen["portal"]["status"] == 200 and seen["portal"]["primary"] > 0
