"""Report auditor benchmark (issue 23 §4, §5): precision and recall on the annotated corpus, and speed.

Not a test. The corpus is tests/report_audit_corpus.py: the five seed reports (read from
../shared/data/seeds; skipped with a note when absent) and excerpts written down from published
reports, each annotated by hand with its true inconsistencies. A finding counts as true when its
kind and its figure as written match an annotation. Then precision under load: the 72 national
Government Work Reports of ../shared/data (1.1 million characters of figures and shares), where no
finding is expected.

Speed: a 30-page report (the seeds and a 2021-format table repeated to about 30,000 characters, a
page being about 1,000) and a province's year (3,000 reports of the seeds' size), with reading the
same files (decode, Traditional→Simplified, paragraphs and rows) as the reference measured in the
same run.

    make bench-report-audit
"""

from __future__ import annotations

import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from gongkai.reports import audit  # noqa: E402
from tests.report_audit_corpus import CORPUS, SEEDS  # noqa: E402


def quality() -> None:
    tp = fp = fn = 0
    rows = []
    for entry in CORPUS:
        if not entry.text and not (SEEDS / entry.source).exists():
            print(f"  skipped {entry.key}: {SEEDS} is absent")
            continue
        found = audit.audit(audit.read(entry.read(), entry.key + ".txt"))
        got = [(f.kind, f.stated) for f in found]
        expected = list(entry.expected)
        hits = [g for g in got if g in expected]
        tp += len(hits)
        fp += len(got) - len(hits)
        fn += len([e for e in expected if e not in got])
        rows.append((entry.key, len(expected), len(hits), len(got) - len(hits)))
        for f in found:
            if (f.kind, f.stated) not in expected:
                print(f"  FALSE {entry.key}: {f.line()}")
    print(f"{'report':28} {'annotated':>9} {'found':>6} {'wrong':>6}")
    for key, n, hit, wrong in rows:
        print(f"{key:28} {n:>9} {hit:>6} {wrong:>6}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(
        f"\nprecision {precision:.3f} ({tp}/{tp + fp})   recall {recall:.3f} ({tp}/{tp + fn})   on {len(rows)} reports"
    )
    # Precision under load: the 72 national Government Work Reports (1954–2025), long real prose
    # full of figures and shares, read by hand: nothing in them is annotated as inconsistent.
    reports = SEEDS.parent / "gov_work_reports.jsonl.gz"
    if not reports.exists():
        print(f"  skipped the Government Work Reports: {reports} is absent")
        return
    with gzip.open(reports, "rt", encoding="utf-8") as lines:
        texts = [json.loads(line) for line in lines]
    wrong = [(r["year"], f) for r in texts for f in audit.audit(audit.read(r["content"].encode(), "r.txt"))]
    for year, f in wrong:
        print(f"  FALSE {year}: {f.line()}")
    chars = sum(len(r["content"]) for r in texts)
    print(f"Government Work Reports: {len(texts)} reports, {chars:,} characters, {len(wrong)} findings (none expected)")


def _timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def speed() -> None:
    texts = [e.read() for e in CORPUS if e.text or (SEEDS / e.source).exists()]
    table = next(e.read() for e in CORPUS if e.key == "longgang-2024-tables")
    body = b"\n".join(texts)
    long = body
    while len(long.decode("utf-8")) < 30_000:
        long += b"\n" + body
    long += b"\n" + table
    chars = len(long.decode("utf-8"))
    audit.audit(audit.read(long, "warm.txt"))  # the character table is loaded once per process
    read_t = _timed(lambda: audit.read(long, "r.txt"), 10)
    audit_t = _timed(lambda: audit.audit(audit.read(long, "r.txt")), 10)
    print(
        f"\n30-page report ({chars} characters): audit median {statistics.median(audit_t) * 1000:.0f} ms, "
        f"max {max(audit_t) * 1000:.0f} ms; reading alone {statistics.median(read_t) * 1000:.0f} ms "
        f"(audit : read = {statistics.median(audit_t) / statistics.median(read_t):.1f})"
    )
    province = [texts[i % len(texts)] for i in range(3_000)]
    t0 = time.perf_counter()
    findings = sum(len(audit.audit(audit.read(t, "p.txt"))) for t in province)
    batch = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in province:
        audit.read(t, "p.txt")
    reading = time.perf_counter() - t0
    print(
        f"province year (3,000 reports): {batch:.1f} s, {findings} findings; reading alone {reading:.1f} s "
        f"(audit : read = {batch / reading:.1f})"
    )


if __name__ == "__main__":
    quality()
    speed()
