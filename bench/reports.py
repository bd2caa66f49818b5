"""Annual report benchmark (issue 5): computing one body's report and the aggregate of everything
below the top, for a province-sized tree.

Not a test. The corpus: 2,000 organisations (a province, 14 cities, their counties, departments),
1,000,000 catalogue items (about 4% marked 规章 or 行政规范性文件), 200,000 applications and 5,000
appeals, spread over the tree. Each figure comes with a reference measured in the same run on the
same data: a full scan of the catalogue table.

    make bench-reports                                        # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai .venv/bin/python bench/reports.py

Options: --orgs N --items N --applications N --appeals N --keep NAME
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bench_database, percentile, province_tree

YEAR = 2025


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=2_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--appeals", type=int, default=5_000)
    parser.add_argument("--keep", default="", help="keep the database under this name and reuse it")
    args = parser.parse_args()
    with bench_database(args.keep) as vendor:
        print(f"database: {vendor}")
        build(args)
        measure()


def build(args: argparse.Namespace) -> None:
    from django.db import connection

    from gongkai.applications.models import Appeal, Application
    from gongkai.applications.outcomes import REPLY_TYPES
    from gongkai.catalogue.models import Document, Term
    from gongkai.orgs.models import Organisation

    if Organisation.objects.filter(slug="rb-root").exists():
        print(f"corpus: reusing {Document.objects.count():,} items, {Application.objects.count():,} applications")
        return
    rng = random.Random(2026)
    started = time.perf_counter()
    orgs = province_tree("rb", args.orgs, 50000)
    weights = [1 / (i + 1) ** 0.7 for i in range(len(orgs))]
    topic = Term.objects.filter(vocabulary="topic", is_current=True).first()
    assert topic is not None
    batch: list[Document] = []
    for i in range(args.items):
        o = rng.choices(orgs, weights)[0]
        published = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 7 * 365))
        instrument = rng.choices(["", "normative", "regulation"], [96, 3.5, 0.5])[0]
        repealed = published + dt.timedelta(days=rng.randint(100, 2000)) if instrument and rng.random() < 0.3 else None
        batch.append(
            Document(
                org=o,
                state="published",
                index_number=f"RB{i:010d}",
                title=f"基准信息{i}",
                topic=topic,
                formed_date=published,
                published_date=published,
                instrument=instrument,
                validity="repealed" if repealed else "current",
                repealed_date=repealed,
            )
        )
        if len(batch) == 5000:
            Document.objects.bulk_create(batch)
            batch.clear()
    Document.objects.bulk_create(batch)
    kinds = ["NAT"] * 80 + ["BIZ"] * 8 + ["RES", "NPO", "OTH"] + ["LAW"] * 9
    outcomes = ["GRANT"] * 50 + ["PARTIAL"] * 10 + ["U1"] * 15 + ["D4", "D6", "N1", "N2", "O1"] * 5
    apps: list[Application] = []
    for i in range(args.applications):
        o = rng.choices(orgs, weights)[0]
        received = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 3 * 365))
        replied = received + dt.timedelta(days=rng.randint(1, 40)) if rng.random() < 0.97 else None
        apps.append(
            Application(
                org=o,
                tracking_code=f"RB{i:09d}",
                channel="online",
                received_on=received,
                clock_start=received,
                applicant_type=rng.choice(kinds),
                applicant_name="基准",
                id_number="11010519491231002X",
                phone="13800138000",
                applicant_key=str(rng.randint(0, 80_000)),
                description="基准",
                delivery_form="electronic",
                delivery_way="online",
                state="replied" if replied else "in_review",
                is_open=replied is None,
                replied_on=replied,
                outcome=(outcome := rng.choice(outcomes)) if replied else "",
                # The database keeps outcome and reply type together (a reply type that allows it).
                reply_type=next(t for t, (_, outs) in REPLY_TYPES.items() if outcome in outs) if replied else "",
            )
        )
        if len(apps) == 5000:
            Application.objects.bulk_create(apps)
            apps.clear()
    Application.objects.bulk_create(apps)
    replied_ids = list(
        Application.objects.filter(replied_on__isnull=False).values_list("id", "org_id", "replied_on")[
            : args.appeals * 3
        ]
    )
    appeals = []
    for app_id, org_id, replied in rng.sample(replied_ids, min(args.appeals, len(replied_ids))):
        filed = replied + dt.timedelta(days=rng.randint(5, 60))
        decided = filed + dt.timedelta(days=rng.randint(30, 300)) if rng.random() < 0.8 else None
        appeals.append(
            Appeal(
                application_id=app_id,
                org_id=org_id,
                kind=rng.choice(["reconsideration"] * 6 + ["litigation_direct"] * 3 + ["litigation_after"]),
                filed_on=filed,
                authority="基准复议机关",
                result=rng.choice(["upheld", "upheld", "corrected", "other"]) if decided else "pending",
                decided_on=decided,
            )
        )
    Appeal.objects.bulk_create(appeals, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"corpus: {len(orgs):,} organisations, {args.items:,} items, {args.applications:,} applications, "
        f"{len(appeals):,} appeals in {time.perf_counter() - started:.0f} s"
    )


def measure() -> None:
    from django.db import connection
    from django.db.models import Count

    from gongkai.catalogue.models import Document
    from gongkai.orgs.models import Organisation
    from gongkai.reports.compute import Scope
    from gongkai.reports.services import _snapshot

    root = Organisation.objects.get(slug="rb-root")
    busiest_id = (
        Document.objects.filter(org__kind="department")
        .values("org_id")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n")[0]["org_id"]
    )
    busiest = Organisation.objects.get(pk=busiest_id)
    city = Organisation.objects.filter(parent=root).order_by("pk").first()
    assert city is not None

    def timed(scope: Scope, runs: int = 5) -> float:
        _snapshot(scope, YEAR)  # warm
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            _snapshot(scope, YEAR)
            times.append(time.perf_counter() - started)
        return percentile(times, 0.5)

    def full_scan() -> float:
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM catalogue_document WHERE title LIKE %s", ["%不存在的词%"])
            cur.fetchone()
        return time.perf_counter() - started

    scan = percentile([full_scan() for _ in range(3)], 0.5)
    print(f"reference: full scan of the catalogue table, median of 3: {scan * 1000:.0f} ms")
    one = timed(Scope(busiest))
    print(
        f"one body's report (the busiest department, {Document.objects.filter(org=busiest).count():,} items): "
        f"median {one * 1000:.0f} ms; target ≤ 2 s; full scan ÷ this = {scan / one:.1f}×"
    )
    for label, scope in (
        ("a city and everything below it", Scope(city, subtree=True)),
        ("everything below the top", Scope(root, subtree=True)),
    ):
        n_orgs = Organisation.objects.filter(path__startswith=scope.org.path).count()
        t = timed(scope, runs=3)
        print(
            f"aggregate of {label} ({n_orgs:,} organisations): median {t * 1000:.0f} ms; target ≤ 2 s; "
            f"{t * 1000 / n_orgs:.2f} ms per organisation; this ÷ full scan = {t / scan:.1f}×"
        )


if __name__ == "__main__":
    main()
