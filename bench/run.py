"""Import benchmark: the safe catalogue importer against a plain bulk insert of the same rows, on two
files: the laws of ../shared/data/laws.jsonl.gz (5,659 characters a body on average: deriving each
one's search entry takes milliseconds) and a catalogue of 20,000 items the size of the search
benchmark's (articles of those laws, recombined: a few hundred characters).

Not a test. Run with `make bench` (needs ../shared/data/laws.jsonl.gz). Each database is measured in
the same run with its own reference, and the ratio is printed, because the machine is shared and noisy.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench make bench   # PostgreSQL
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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
    from django.db import connection

    from gongkai.demo.data import demo_credit_code
    from gongkai.orgs.services import org_create

    print(f"database: {connection.vendor}")
    for i, name in enumerate(("laws", "catalogue"), start=1):
        org = org_create(
            actor=None,
            name=f"基准测试机构{i}",
            slug=f"bench{i}",
            kind="province",
            credit_code=demo_credit_code("150000", i),
        )
        if name == "laws":
            measure(name, CORPUS, org)
            continue
        with tempfile.TemporaryDirectory() as folder:
            measure(name, catalogue_file(Path(folder) / "catalogue.jsonl", 20_000), org)


def catalogue_file(path: Path, count: int) -> Path:
    """Items shaped like the search benchmark's (bench/search.py build_corpus), as an import file."""
    from search import load_articles

    rng = random.Random(2026)
    titles, articles = load_articles()
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            day = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9800))
            record = {
                "source_id": f"cat-{i}",
                "title": f"关于{rng.choice(titles)}的通知",
                "doc_number": f"基发〔{day.year}〕{i % 300 + 1}号" if rng.random() < 0.6 else "",
                "written_date": day.isoformat(),
                "published_date": day.isoformat(),
                "body": "\n\n".join(rng.choice(articles) for _ in range(rng.choice([1, 1, 2, 3]))),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def measure(name: str, path: Path, org: Any) -> None:
    from django.db import transaction

    from gongkai.catalogue.importing import Importer, import_catalogue, read_records
    from gongkai.catalogue.models import Document
    from gongkai.core.models import AuditEvent

    # Reference: the same rows, normalised the same way, written with one bulk insert and nothing else.
    importer = Importer(actor=None, default_org=org)
    rows = [importer.normalise(rec) for _, rec in read_records(path, "jsonl") if isinstance(rec, dict)]
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

    events = AuditEvent.objects.count()
    started = time.perf_counter()
    summary = import_catalogue(actor=None, path=path, default_org=org, batch_size=500)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    again = import_catalogue(actor=None, path=path, default_org=org, batch_size=500)
    rerun = time.perf_counter() - started

    n = summary.created
    print(f"{name}: {n} imported, {summary.rejected} rejected; audit events: {AuditEvent.objects.count() - events}")
    print(f"reference bulk insert: {reference:6.2f} s  ({n / reference:7.0f} items/s)")
    print(f"catalogue_import:      {ours:6.2f} s  ({n / ours:7.0f} items/s)  ratio {ours / reference:.1f}x")
    print(f"re-import (unchanged): {rerun:6.2f} s  ({again.unchanged} unchanged)  ratio {rerun / reference:.1f}x")


if __name__ == "__main__":
    main()
