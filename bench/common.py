"""Shared set-up for benchmarks: a database of their own (a temporary SQLite file, or a temporary
PostgreSQL database created and dropped here when DATABASE_URL points at PostgreSQL)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))


@contextmanager
def bench_database() -> Iterator[str]:
    """Point Django at a fresh database for the duration; yields the vendor name."""
    url = os.environ.get("DATABASE_URL", "")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if url.startswith("postgres"):
        import psycopg

        server, name = url.rsplit("/", 1)[0], f"gongkai_bench_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = f"{server}/{name}"
        try:
            _setup()
            yield "postgresql"
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE {name}")
    else:
        tmp = tempfile.mkdtemp(prefix="gongkai-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        _setup()
        yield "sqlite"


def _setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn: Callable[[], object]) -> float:
    import time

    started = time.perf_counter()
    fn()
    return time.perf_counter() - started
