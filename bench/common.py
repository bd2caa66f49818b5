"""Shared set-up for benchmarks: a database of their own (a temporary SQLite file, or a temporary
PostgreSQL database created and dropped here when DATABASE_URL points at PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))


@contextmanager
def bench_database(keep: str = "") -> Iterator[str]:
    """Point Django at a fresh database for the duration; yields the vendor name.

    With ``keep`` (a name), the database is not dropped afterwards, and a later run with the same
    name opens it again as it was (to time queries again without rebuilding a large corpus).
    """
    url = os.environ.get("DATABASE_URL", "")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if url.startswith("postgres"):
        import psycopg

        server = url.rsplit("/", 1)[0]
        name = f"gongkai_bench_{keep}" if keep else f"gongkai_bench_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = f"{server}/{name}"
        try:
            _setup()
            yield "postgresql"
        finally:
            from django.db import connections

            connections.close_all()
            if not keep:
                with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE {name}")
    else:
        folder = (
            Path(tempfile.gettempdir()) / f"gongkai-bench-{keep}"
            if keep
            else Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
        )
        folder.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        try:
            _setup()
            yield "sqlite"
        finally:
            if not keep:
                shutil.rmtree(folder, ignore_errors=True)


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


DIGITS = "零一二三四五六七八九"


def from_words(text: str) -> int:
    """The number of the anti-abuse question's words (二十三 → 23), as a person would read it."""
    if "十" not in text:
        return DIGITS.index(text)
    tens, _, ones = text.partition("十")
    return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(ones) if ones else 0)


def person_id(n: int) -> str:
    """A valid 居民身份证号码 (check character included) for the n-th synthetic applicant."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    first17 = f"11010519800101{n % 1000:03d}"
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def application_body(
    challenge: dict[str, Any], *, org: str, name: str, k: int, n: int, description: str, secret: str, email: str = ""
) -> dict[str, str]:
    """The fields of ``POST /api/v1/applications`` for the n-th application of load client k, the
    anti-abuse question answered as a person reads it."""
    a, b = str(challenge["question"]).split("等于")[0].split("加")
    body = {
        "org": org,
        "applicant_type": "NAT",
        "applicant_name": f"{name}{k}",
        "id_number": person_id(k * 7919 + n),
        "phone": "13800138000",
        "description": description,
        "delivery_form": "electronic",
        "delivery_way": "online",
        "secret": secret,
        "challenge_token": str(challenge["token"]),
        "challenge_answer": str(from_words(a) + from_words(b)),
    }
    if email:
        body["email"] = email
    return body


def province_tree(prefix: str, count: int, code_base: int) -> list[Any]:
    """A province-shaped tree of ``count`` bodies: the province (slug ``{prefix}-root``), 14 cities,
    9 counties under each, then departments spread over those governments; in order of creation."""
    from django.db import transaction

    from gongkai.demo.data import demo_credit_code
    from gongkai.orgs.models import Organisation, OrgKind

    serial = iter(range(1, 10**7))

    def org(name: str, kind: str, parent: Organisation | None) -> Organisation:
        n = next(serial)
        o = Organisation.objects.create(
            name=name,
            slug=f"{prefix}-{n}" if parent else f"{prefix}-root",
            kind=kind,
            credit_code=demo_credit_code("150000", code_base + n),
            parent=parent,
        )
        o.path = f"{parent.path if parent else '/'}{o.pk}/"
        o.depth = 0 if parent is None else parent.depth + 1
        o.save(update_fields=["path", "depth"])
        return o

    with transaction.atomic():
        root = org("基准自治区人民政府", OrgKind.PROVINCE, None)
        orgs = [root]
        cities = [org(f"基准市{i}", OrgKind.CITY, root) for i in range(14)]
        orgs += cities
        counties = [org(f"基准县{c.pk}-{j}", OrgKind.COUNTY, c) for c in cities for j in range(9)]
        orgs += counties
        governments = [root, *cities, *counties]
        while len(orgs) < count:
            parent = governments[len(orgs) % len(governments)]
            orgs.append(org(f"基准部门{len(orgs)}", OrgKind.DEPARTMENT, parent))
    return orgs
