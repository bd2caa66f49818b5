"""Kill -9 under concurrent submissions (issue 17 §10): what is acknowledged is stored exactly once,
and no uploaded file is left without its row.

Not a test: it starts gunicorn with the production settings on loopback against a PostgreSQL
database of its own, has CLIENTS threads submit applications with an attachment through the API,
and kills the whole server (master and workers, SIGKILL) every few seconds, restarting it each time.
Then it checks:
- every acknowledged tracking code (a 201 with the code) is in the database, exactly once;
- no submission is stored twice (each carries a unique description);
- every file row has its file, and files without a row (written before a commit the kill cut off)
  are counted, then removed by ``files_sweep``; none is left after it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai .venv/bin/python bench/kill9.py
    Options: --clients 30 --kills 4 --interval 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from applications import free_port
from common import ROOT, application_body, bench_database

PDF = b"%PDF-1.4\n% a scanned identity card, for the kill -9 bench\n" + b"0" * 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--interval", type=float, default=4.0, help="seconds between kills")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("kill9: set DATABASE_URL=postgres://… (the test runs on PostgreSQL, as in production)")
    with bench_database() as vendor, tempfile.TemporaryDirectory(prefix="gongkai-kill9-") as var:
        print(f"database: {vendor}; files under {var}")
        run(args, Path(var))


def run(args: argparse.Namespace, var: Path) -> None:
    from django.conf import settings

    from gongkai.applications.models import Application, ApplicationFile
    from gongkai.core.sweep import sweep_orphans
    from gongkai.demo.data import demo_credit_code
    from gongkai.orgs import services as org_services

    org_services.org_create(
        actor=None, name="压力测试局", slug="kill9", kind="department", credit_code=demo_credit_code("150100", 9)
    )
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "kill9-" + uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "GONGKAI_SSL_REDIRECT": "0",
        "GONGKAI_VAR_DIR": str(var),
        "GONGKAI_APPLY_RATE_PER_HOUR": "1000000000",
        "GONGKAI_FORM_MIN_SECONDS": "0",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(free_port()),
    }
    base = f"http://127.0.0.1:{port}"
    log = open(var / "gunicorn.log", "w+")  # noqa: SIM115

    def start() -> subprocess.Popen[bytes]:
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "5"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: one killpg reaches master and workers
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/api/v1/applications/challenge", timeout=2)
                return server
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start: see " + str(var / "gunicorn.log"))

    stop = threading.Event()
    lock = threading.Lock()
    acknowledged: dict[str, str] = {}  # description -> tracking code
    errors = Counter[str]()

    def client(k: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            description = f"kill9 客户端{k} 第{n}件"
            try:
                code = submit(base, k, n, description)
            except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
                with lock:
                    errors[type(exc).__name__] += 1
                time.sleep(0.05)
                continue
            with lock:
                acknowledged[description] = code

    server = start()
    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(args.clients)]
    for t in threads:
        t.start()
    started = time.monotonic()
    for _ in range(args.kills):
        time.sleep(args.interval)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        server = start()
    time.sleep(args.interval)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    elapsed = time.monotonic() - started

    settings.GONGKAI_PRIVATE_ROOT = var / "private"
    settings.MEDIA_ROOT = var / "media"
    rows = list(Application.objects.values_list("description", "tracking_code"))
    per_description = Counter(d for d, _ in rows)
    stored = dict(rows)
    missing = [d for d, code in acknowledged.items() if stored.get(d) != code]
    duplicated = [d for d, c in per_description.items() if c > 1]
    unacknowledged = len(set(stored) - set(acknowledged))
    files = list(ApplicationFile.objects.values_list("file", flat=True))
    files_missing = sum(1 for name in files if not (var / "private" / name).is_file())
    before = sweep_orphans(grace=dt.timedelta(0), dry_run=True)
    after_sweep = sweep_orphans(grace=dt.timedelta(0))
    left = sweep_orphans(grace=dt.timedelta(0), dry_run=True)
    print(
        f"{args.clients} clients, {args.kills} kill -9 of gunicorn (master and 5 workers) every {args.interval:.0f} s, "
        f"{elapsed:.0f} s in all: {len(acknowledged):,} acknowledged, {len(rows):,} stored "
        f"({unacknowledged} stored but cut off before the answer), client errors {dict(errors)}"
    )
    print(
        f"acknowledged and not stored exactly once: {len(missing)}; stored twice: {len(duplicated)}; "
        f"file rows without a file: {files_missing}"
    )
    print(
        f"files without a row after the kills: {before.removed} (written before a commit the kill cut off); "
        f"removed by files_sweep: {after_sweep.removed}; left: {left.removed}"
    )
    ok = not missing and not duplicated and not files_missing and left.removed == 0 and acknowledged
    print("verdict:", "OK" if ok else "MISMATCH")
    log.close()


def submit(base: str, k: int, n: int, description: str) -> str:
    with urllib.request.urlopen(f"{base}/api/v1/applications/challenge", timeout=30) as r:
        challenge = json.loads(r.read())
    fields = application_body(
        challenge, org="kill9", name="压力测试", k=k, n=n, description=description, secret="kill9-secret"
    )
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="id.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base}/api/v1/applications",
        data=b"".join(parts),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        return str(json.loads(r.read())["tracking_code"])


if __name__ == "__main__":
    main()
