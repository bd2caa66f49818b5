"""Supervision benchmark (issue 22 §7): the dashboard of a whole province for a year, and one scheme
scored for every body, on a province-sized corpus; each against a naive per-body loop of queries
measured in the same run on the same data.

Not a test. The corpus (defaults, the issue's province): 3,000 bodies (a province, 14 cities, their
counties, departments), 5 years of records: 2,000,000 catalogue items, 300,000 applications, 100,000
messages, 2,000 findings.

    make bench-supervision                                        # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai .venv/bin/python bench/supervision.py

Options: --orgs N --items N --applications N --messages N --keep NAME (reuse a built corpus)
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bench_database, percentile, province_tree

FIRST_YEAR, YEARS = 2021, 5
YEAR = FIRST_YEAR + YEARS - 1  # the year the dashboard and the scheme are read for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=3_000)
    parser.add_argument("--items", type=int, default=2_000_000)
    parser.add_argument("--applications", type=int, default=300_000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", default="", help="keep the database under this name and reuse it")
    args = parser.parse_args()
    with bench_database(args.keep) as vendor:
        print(f"database: {vendor}")
        build(args)
        measure(args.runs)


def build(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from gongkai.applications.models import Application
    from gongkai.applications.outcomes import REPLY_TYPES
    from gongkai.catalogue.models import Document, Term
    from gongkai.interaction.models import Message, MessageBox
    from gongkai.orgs.models import Organisation
    from gongkai.supervision.models import Finding

    if Organisation.objects.filter(slug="sv-root").exists():
        print(f"corpus: reusing {Document.objects.count():,} items, {Application.objects.count():,} applications")
        return
    rng = random.Random(2026)
    started = time.perf_counter()
    orgs = province_tree("sv", args.orgs, 60000)
    weights = [1 / (i + 1) ** 0.5 for i in range(len(orgs))]
    span = YEARS * 365

    def day() -> dt.date:
        return dt.date(FIRST_YEAR, 1, 1) + dt.timedelta(days=rng.randint(0, span - 1))

    topic = Term.objects.filter(vocabulary="topic", is_current=True).first()
    assert topic is not None
    batch: list[Document] = []
    for i in range(args.items):
        published = day()
        late = rng.random() < 0.06
        batch.append(
            Document(
                org=rng.choices(orgs, weights)[0],
                state="published",
                index_number=f"SV{i:010d}",
                title=f"基准信息{i}",
                topic=topic,
                formed_date=published - dt.timedelta(days=40 if late else 5),
                publish_due=published + dt.timedelta(days=-10 if late else 20),
                published_date=published,
                published_late=late,
                instrument=rng.choices(["", "normative", "regulation"], [96, 3.5, 0.5])[0],
            )
        )
        if len(batch) == 10_000:
            Document.objects.bulk_create(batch)
            batch.clear()
    Document.objects.bulk_create(batch)
    outcomes = ["GRANT"] * 50 + ["PARTIAL"] * 10 + ["U1"] * 15 + ["D4", "D6", "N1", "N2", "O1"] * 5
    timeliness = ["on_time"] * 88 + ["extended"] * 7 + ["late"] * 5
    apps: list[Application] = []
    for i in range(args.applications):
        received = day()
        replied = received + dt.timedelta(days=rng.randint(1, 40)) if rng.random() < 0.97 else None
        when = rng.choice(timeliness) if replied else ""
        apps.append(
            Application(
                org=rng.choices(orgs, weights)[0],
                tracking_code=f"SV{i:09d}",
                channel="online",
                received_on=received,
                clock_start=received,
                due_date=received + dt.timedelta(days=28),
                applicant_type="NAT",
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
                reply_type=next(t for t, (_, outs) in REPLY_TYPES.items() if outcome in outs) if replied else "",
                timeliness=when,
                late_working_days=rng.randint(1, 15) if when == "late" else 0,
                satisfaction=rng.choice(["", "", "satisfied", "fairly", "dissatisfied"]) if replied else "",
            )
        )
        if len(apps) == 10_000:
            Application.objects.bulk_create(apps)
            apps.clear()
    Application.objects.bulk_create(apps)
    boxes = MessageBox.objects.bulk_create(MessageBox(org=o, channel="consult") for o in orgs)
    by_org = {b.org_id: b for b in boxes}
    messages: list[Message] = []
    for i in range(args.messages):
        o = rng.choices(orgs, weights)[0]
        received = day()
        replied = received + dt.timedelta(days=rng.randint(1, 15)) if rng.random() < 0.95 else None
        messages.append(
            Message(
                box=by_org[o.pk],
                org=o,
                tracking_code=f"MSV{i:09d}",
                secret_hash="x",
                writer_name="基准",
                subject="基准",
                body="基准",
                received_on=received,
                due_date=received + dt.timedelta(days=10),
                state="replied" if replied else "received",
                replied_on=replied,
                reply="答复" if replied else "",
            )
        )
        if len(messages) == 10_000:
            Message.objects.bulk_create(messages)
            messages.clear()
    Message.objects.bulk_create(messages)
    officer = get_user_model().objects.create_user("sv-officer")
    Finding.objects.bulk_create(
        Finding(
            org=rng.choice(orgs[1:]),
            office=orgs[0],
            title="基准问题",
            detail="基准",
            indicator=rng.choice(["late", "published_on_time", ""]),
            opened_on=(opened := day()),
            working_days=10,
            due_date=opened + dt.timedelta(days=14),
            state=rng.choice(["open", "responded", "accepted", "accepted"]),
            opened_by=officer,
        )
        for _ in range(2_000)
    )
    with connection.cursor() as cur:
        # A live database is vacuumed by autovacuum as it grows; a corpus loaded in one go is not yet.
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"corpus: {len(orgs):,} bodies, {args.items:,} items, {args.applications:,} applications, "
        f"{args.messages:,} messages, 2,000 findings over {YEARS} years, built in {time.perf_counter() - started:.0f} s"
    )


def measure(runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from gongkai.orgs.models import Organisation
    from gongkai.supervision import assessment
    from gongkai.supervision.indicators import GROUPS, Period
    from gongkai.supervision.models import AssessmentScheme
    from gongkai.supervision.scoring import Item
    from gongkai.supervision.selectors import dashboard

    root = Organisation.objects.get(slug="sv-root")
    city = Organisation.objects.filter(parent=root).order_by("pk").first()
    assert city is not None
    bodies = list(Organisation.objects.filter(path__startswith=root.path).order_by("path"))
    year = Period(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), f"{YEAR}年")
    all_years = Period(dt.date(FIRST_YEAR, 1, 1), dt.date(YEAR, 12, 31), "五年")
    today = timezone.localdate()

    def p95(fn: object, n: int = runs) -> tuple[float, float]:
        fn()  # type: ignore[operator]  # warm
        times = []
        for _ in range(n):
            started = time.perf_counter()
            fn()  # type: ignore[operator]
            times.append(time.perf_counter() - started)
        return percentile(times, 0.5), percentile(times, 0.95)

    def naive(group: str, sample: list[Organisation]) -> float:
        """The reference: each body asked one query per indicator (what a per-body page would do)."""
        started = time.perf_counter()
        for body in sample:
            for indicator in [i for i in dashboard(body, year, group, today).indicators]:
                relation = indicator.org_field.removesuffix("_id")
                indicator.numerator(year, today).filter(**{relation: body}).count()
                if indicator.is_rate:
                    indicator.records(year, today).filter(**{relation: body}).count()
        return time.perf_counter() - started

    in_city = Organisation.objects.filter(path__startswith=city.path).count()
    print(f"bodies: {len(bodies):,} (one city's subtree: {in_city:,})")
    for group in GROUPS:
        median, worst = p95(lambda g=group: dashboard(root, year, g, today))
        print(f"dashboard, whole province, {YEAR}, {group}: median {median * 1000:.0f} ms, p95 {worst * 1000:.0f} ms")
    sample = bodies[:: max(1, len(bodies) // 300)]
    loop = naive("依申请公开", sample) * len(bodies) / len(sample)
    median, worst = p95(lambda: dashboard(root, year, "依申请公开", today))
    print(
        f"reference: naive per-body loop for 依申请公开 ({len(sample)} bodies timed, scaled to {len(bodies):,}): "
        f"{loop:.1f} s; grouped ÷ naive = 1 : {loop / median:.0f}; target p95 < 1 s: {'met' if worst < 1 else 'NOT met'}"
    )
    c_median, _ = p95(lambda: dashboard(city, year, "依申请公开", today))
    y_median, _ = p95(lambda: dashboard(root, all_years, "依申请公开", today))
    print(
        f"growth: one city's subtree {c_median * 1000:.0f} ms; whole province one year {median * 1000:.0f} ms; "
        f"whole province five years {y_median * 1000:.0f} ms"
    )
    officer = get_user_model().objects.get(username="sv-officer")
    latest = AssessmentScheme.objects.filter(office=root, year=YEAR).order_by("-version").first()
    scheme = AssessmentScheme.objects.create(
        office=root,
        year=YEAR,
        version=latest.version + 1 if latest else 1,  # a reused corpus keeps its earlier runs
        name="基准考核方案",
        items=[
            i.as_json()
            for i in (
                Item("published_on_time", Decimal(15), target=Decimal(95)),
                Item("policies_interpreted", Decimal(10), target=Decimal(100)),
                Item("publish_overdue_now", Decimal(5), deduct_per=Decimal(1)),
                Item("on_time", Decimal(20), target=Decimal(100)),
                Item("late", Decimal(10), deduct_per=Decimal("0.5")),
                Item("corrected", Decimal(10), deduct_per=Decimal(1), veto_at=Decimal(50)),
                Item("satisfied", Decimal(10), target=Decimal(90)),
                Item("messages_on_time", Decimal(10), target=Decimal(100)),
                Item("findings_overdue", Decimal(10), deduct_per=Decimal(2)),
                Item("report_late", Decimal(0), veto_at=Decimal(1)),
            )
        ],
        created_by=officer,
    )
    from gongkai.orgs.models import Membership, Role

    Membership.objects.get_or_create(user=officer, org=root, role=Role.SUPERVISOR)
    officer = get_user_model().objects.get(pk=officer.pk)
    times = []
    for _ in range(max(3, runs // 2)):
        started = time.perf_counter()
        run = assessment.score_run(actor=officer, scheme=scheme)
        times.append(time.perf_counter() - started)
    score_median, score_worst = percentile(times, 0.5), percentile(times, 0.95)
    totals = sorted(Decimal(r["total"]) for r in run.results.values())
    print(
        f"scoring one scheme ({len(scheme.items)} items) for {len(run.results):,} bodies: median {score_median:.2f} s, "
        f"p95 {score_worst:.2f} s; target < 10 s: {'met' if score_worst < 10 else 'NOT met'}; "
        f"scores from {totals[0]} to {totals[-1]}"
    )
    naive_score = naive("主动公开", sample) + naive("依申请公开", sample) + naive("政民互动", sample)
    print(
        f"reference: the same figures by a naive per-body loop (scaled): {naive_score * len(bodies) / len(sample):.1f} s"
    )


if __name__ == "__main__":
    main()
