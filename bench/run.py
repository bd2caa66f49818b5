"""Import benchmark: the safe catalogue importer against a plain bulk insert of the same rows.

Not a test. Run with `make bench` (needs ../shared/data/laws.jsonl.gz). Each database is measured in
the same run with its own reference, and the ratio is printed, because the machine is shared and noisy.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench make bench   # PostgreSQL
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, bench_database

CORPUS = SHARED / "laws.jsonl.gz"


def main() -> None:
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent")
        return
    with bench_database():
        run()


def run() -> None:
    from django.db import connection, transaction

    from gongkai.catalogue.importing import Importer, import_catalogue, read_records
    from gongkai.catalogue.models import Document
    from gongkai.core.models import AuditEvent
    from gongkai.demo.data import demo_credit_code
    from gongkai.orgs.services import org_create

    org = org_create(
        actor=None, name="基准测试机构", slug="bench", kind="province", credit_code=demo_credit_code("150000", 9)
    )

    # Reference: the same rows, normalised the same way, written with one bulk insert and nothing else.
    importer = Importer(actor=None, default_org=org)
    rows = [importer.normalise(rec) for _, rec in read_records(CORPUS, "jsonl") if isinstance(rec, dict)]
    started = time.perf_counter()
    with transaction.atomic():
        docs = []
        for i, data in enumerate(rows, start=1):
            data = {k: v for k, v in data.items() if k not in {"org", "index_number"}}
            docs.append(Document(org=org, state="published", index_number=f"{org.credit_code}/2000-{i:05d}", **data))
        Document.objects.bulk_create(docs, batch_size=500)
    reference = time.perf_counter() - started
    with transaction.atomic():
        Document.objects.all().delete()

    started = time.perf_counter()
    summary = import_catalogue(actor=None, path=CORPUS, default_org=org, batch_size=500)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    again = import_catalogue(actor=None, path=CORPUS, default_org=org, batch_size=500)
    rerun = time.perf_counter() - started

    n = summary.created
    print(f"database: {connection.vendor}")
    print(f"items: {n} imported, {summary.rejected} rejected; audit events: {AuditEvent.objects.count()}")
    print(f"reference bulk insert: {reference:6.2f} s  ({n / reference:7.0f} items/s)")
    print(f"catalogue_import:      {ours:6.2f} s  ({n / ours:7.0f} items/s)  ratio {ours / reference:.1f}x")
    print(f"re-import (unchanged): {rerun:6.2f} s  ({again.unchanged} unchanged)  ratio {rerun / reference:.1f}x")


if __name__ == "__main__":
    main()
