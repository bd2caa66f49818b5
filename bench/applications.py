"""Applications benchmark (issue 4): the staff inbox and the nightly scan at 200,000 applications
across 1,000 organisations, and online submission under load.

Not a test. The machine is shared and noisy, so each figure comes with a reference measured in the
same run on the same data: a full scan of the applications table (what any query costs that cannot
use an index).

    make bench-applications                                   # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai .venv/bin/python bench/applications.py --load
        # PostgreSQL, plus 50 concurrent clients submitting for 60 s to gunicorn on loopback

Options: --applications N --orgs N --inbox-queries N --load --clients N --seconds N --keep NAME
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, application_body, bench_database, percentile

TODAY = dt.date(2026, 11, 23)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--orgs", type=int, default=1_000)
    parser.add_argument("--inbox-queries", type=int, default=300)
    parser.add_argument("--load", action="store_true", help="also run the submission load test (PostgreSQL)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--keep", default="", help="keep the database under this name and reuse it")
    args = parser.parse_args()
    with bench_database(args.keep) as vendor:
        print(f"database: {vendor}")
        build(args.applications, args.orgs)
        measure(args.inbox_queries)
        if args.load:
            if vendor != "postgresql":
                print("load test: skipped (it runs on PostgreSQL, as in production)")
            else:
                load_test(args.clients, args.seconds)


def build(n_apps: int, n_orgs: int) -> None:
    from django.db import connection, transaction

    from gongkai.applications.models import Application, State
    from gongkai.demo.data import demo_credit_code
    from gongkai.orgs.models import Organisation, OrgKind

    have = Application.objects.count()
    if have >= n_apps:
        print(f"corpus: reusing {have:,} applications")
        return
    if Organisation.objects.filter(slug="bench-root").exists():
        raise SystemExit(
            "a partial corpus from an interrupted run is in this database: drop it (or use another --keep)"
        )
    rng = random.Random(2026)
    started = time.perf_counter()
    with transaction.atomic():
        root = Organisation.objects.create(
            name="基准省人民政府", slug="bench-root", kind=OrgKind.PROVINCE, credit_code=demo_credit_code("150000", 1)
        )
        root.path = f"/{root.pk}/"
        root.save(update_fields=["path"])
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"基准机关{i}",
                    slug=f"bench-{i}",
                    kind=OrgKind.DEPARTMENT,
                    credit_code=demo_credit_code("150100", 10_000 + i),
                    parent=root,
                    depth=1,
                    path="",
                )
                for i in range(n_orgs)
            ]
        )
        for org in orgs:
            org.path = f"{root.path}{org.pk}/"
        Organisation.objects.bulk_update(orgs, ["path"], batch_size=1000)
    states = [State.ARCHIVED] * 55 + [State.REPLIED] * 25 + [State.CLOSED] * 5
    states += [State.IN_REVIEW] * 9 + [State.RECEIVED] * 2 + [State.CORRECTION_REQUESTED] * 2 + [State.CONSULTING]
    states += [State.FEE_NOTICE_SENT]
    open_states = {State.RECEIVED, State.IN_REVIEW, State.CORRECTION_REQUESTED, State.CONSULTING, State.FEE_NOTICE_SENT}
    # Busy bodies and quiet ones: a few organisations receive most applications.
    weights = [1 / (i + 1) ** 0.8 for i in range(n_orgs)]
    batch: list[Application] = []
    for i in range(n_apps):
        org = rng.choices(orgs, weights)[0]
        state = rng.choice(states)
        is_open = state in open_states
        received = TODAY - dt.timedelta(days=rng.randint(0, 60) if is_open else rng.randint(30, 730))
        batch.append(
            Application(
                org=org,
                tracking_code=f"B{i:09d}",
                channel="online",
                received_on=received,
                confirmed_on=received,
                applicant_type="NAT",
                applicant_name="基准申请人",
                id_number="11010519491231002X",
                phone="13800138000",
                applicant_key=f"{rng.randint(0, 50_000):064d}",
                description=f"基准申请所需信息 {i}",
                delivery_form="electronic",
                delivery_way="online",
                state=state,
                is_open=is_open,
                clock_start=received,
                due_date=received + dt.timedelta(days=28) if is_open else None,
                replied_on=None if is_open else received + dt.timedelta(days=rng.randint(1, 28)),
                outcome="" if is_open else "GRANT",
                reply_type="" if is_open else "DISCLOSE",
            )
        )
        if len(batch) == 5000:
            Application.objects.bulk_create(batch)
            batch.clear()
    if batch:
        Application.objects.bulk_create(batch)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"corpus: {n_apps:,} applications across {n_orgs:,} organisations in {time.perf_counter() - started:.0f} s")


def measure(n_queries: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count

    from gongkai.applications import notify, selectors
    from gongkai.applications.models import Application
    from gongkai.orgs.models import Organisation

    user = get_user_model().objects.filter(username="bench-admin").first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench-admin", password="x")
    orgs = list(Organisation.objects.filter(slug__startswith="bench-").exclude(slug="bench-root"))
    rng = random.Random(7)
    # The busiest organisation first, then a random mix: the inbox of a busy body is the hard case.
    busiest = Application.objects.filter(is_open=True).values("org_id").order_by().annotate(n=Count("id"))
    top = max(busiest, key=lambda r: r["n"])
    sample = [o for o in orgs if o.pk == top["org_id"]] + [rng.choice(orgs) for _ in range(n_queries - 1)]
    for org in sample[:10]:  # warm-up
        selectors.inbox(user, org, today=TODAY)
    times = []
    for org in sample:
        started = time.perf_counter()
        selectors.inbox(user, org, today=TODAY)
        times.append((time.perf_counter() - started) * 1000)
    busiest_ms = times[0]

    def full_scan() -> float:
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM applications_application WHERE description LIKE %s", ["%不存在的词%"])
            cur.fetchone()
        return (time.perf_counter() - started) * 1000

    scans = [full_scan() for _ in range(5)]
    scan_ms = percentile(scans, 0.5)
    p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
    print(f"reference: full scan of the table, median of 5: {scan_ms:.1f} ms")
    print(
        f"inbox (first page of 30, sorted by due date, with marks): p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"over {len(times)} organisations (busiest, {top['n']:,} open: {busiest_ms:.1f} ms); "
        f"target p95 ≤ 50 ms; full scan ÷ inbox p95 = {scan_ms / p95:.0f}×"
    )
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        result = notify.scan(TODAY, send=False)
        runs.append(time.perf_counter() - started)
    print(
        f"nightly scan over {result.open_applications:,} open applications: median of 3 {percentile(runs, 0.5):.2f} s "
        f"({result.due_soon:,} due soon, {result.overdue:,} overdue); target < 5 s; "
        f"scan ÷ full table scan = {percentile(runs, 0.5) * 1000 / scan_ms:.0f}×"
    )


# --- submission under load (PostgreSQL, gunicorn) -----------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_test(clients: int, seconds: int) -> None:
    from gongkai.applications.models import Application
    from gongkai.orgs.models import Organisation

    org = Organisation.objects.get(slug="bench-0")
    before = Application.objects.count()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "GONGKAI_SSL_REDIRECT": "0",  # plain HTTP on loopback; production sits behind TLS
        # The load comes from one address and posts at once: lift the per-address limits and the
        # minimum time on the form for this run only.
        "GONGKAI_APPLY_RATE_PER_HOUR": "1000000000",
        "GONGKAI_FORM_MIN_SECONDS": "0",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(free_port()),  # nothing listens: applicants in this run give no e-mail anyway
    }
    workers = str(2 * (os.cpu_count() or 2) + 1)
    server_log = open(Path(tempfile.gettempdir()) / f"gongkai-bench-gunicorn-{os.getpid()}.log", "w+")  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            workers,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/v1/applications/challenge", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        driver = subprocess.run(
            [sys.executable, __file__, "--drive", base, org.slug, str(clients), str(seconds)],
            capture_output=True,
            text=True,
            check=True,
        )
        report = json.loads(driver.stdout)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    accepted = report["accepted"]
    in_db = Application.objects.filter(tracking_code__in=accepted)
    found = in_db.count()
    distinct = len(set(accepted))
    new_rows = Application.objects.count() - before
    lat = report["latencies_ms"]
    print(
        f"load: {clients} clients for {seconds} s against gunicorn ({workers} workers): "
        f"{len(accepted):,} accepted ({len(accepted) / seconds:.1f}/s), {report['failed']} failed; "
        f"challenge + submission p50 {percentile(lat, 0.5):.0f} ms, p95 {percentile(lat, 0.95):.0f} ms"
    )
    verdict = "OK" if accepted and found == distinct == len(accepted) == new_rows else "MISMATCH"
    print(
        f"exactly once: {found:,} of {len(accepted):,} accepted codes are in the database, {distinct:,} distinct, "
        f"{new_rows:,} new rows in all -> {verdict}"
    )
    if report["errors"]:
        print("errors seen by clients:", [e[:120] for e in report["errors"][:3]])
        server_log.seek(0)
        print("server log (last lines):", "".join(server_log.readlines()[-5:]))
    server_log.close()


def _drive(base: str, slug: str, clients: int, seconds: int) -> None:
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    accepted: list[str] = []
    latencies: list[float] = []
    errors: list[str] = []
    failed = 0

    def client(k: int) -> None:
        nonlocal failed
        n = 0
        while time.monotonic() < deadline:
            n += 1
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(f"{base}/api/v1/applications/challenge", timeout=30) as r:
                    ch = json.loads(r.read())
                body = application_body(
                    ch,
                    org=slug,
                    name="负载测试",
                    k=k,
                    n=n,
                    description=f"负载测试第{k}号客户端第{n}件申请",
                    secret="load-secret",
                )
                req = urllib.request.Request(
                    f"{base}/api/v1/applications",
                    data=json.dumps(body).encode(),
                    headers={"Content-Type": "application/json"},
                    method="POST",
                )
                with urllib.request.urlopen(req, timeout=30) as r:
                    code = json.loads(r.read())["tracking_code"]
                with lock:
                    accepted.append(code)
                    latencies.append((time.perf_counter() - started) * 1000)
            except (urllib.error.URLError, OSError, KeyError, ValueError) as exc:
                detail = exc.read().decode()[:200] if isinstance(exc, urllib.error.HTTPError) else repr(exc)[:200]
                with lock:
                    failed += 1
                    errors.append(detail)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(
        json.dumps({"accepted": accepted, "latencies_ms": latencies or [0.0], "failed": failed, "errors": errors[:20]})
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--drive":
        _drive(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        main()
