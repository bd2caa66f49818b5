"""Search benchmark (issue 3): our search on SQLite or PostgreSQL against two references measured in
the same run on the same corpus and queries: a plain ``LIKE '%q%'`` scan (what a naive portal does)
and tantivy over character-level phrase queries (the near-limit engine).

    .venv/bin/python bench/search.py --items 1000000                 # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai .venv/bin/python bench/search.py --items 1000000

The corpus keeps the text real: items are made of articles of the laws in ../shared/data/laws.jsonl.gz,
recombined, with varied titles, dates, organisations and topics. Not a test; prints figures and ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, bench_database, percentile

CORPUS = SHARED / "laws.jsonl.gz"


def load_articles() -> tuple[list[str], list[str]]:
    titles, articles = [], []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            law = json.loads(line)
            titles.append(law["title"])
            for para in re.split(r"\n\s*\n", law["body"]):
                para = para.strip().lstrip("#").strip()
                if len(para) >= 20:
                    articles.append(para[:800])
    return titles, articles


def build_corpus(n: int, rng: random.Random) -> dict[str, Any]:
    from django.db import transaction

    from gongkai.catalogue.models import Document, Term
    from gongkai.orgs.models import Organisation

    titles, articles = load_articles()
    started = time.perf_counter()
    # 1,000 organisations: a province, 20 cities, and departments/counties under each.
    orgs = [Organisation(name="基准省人民政府", slug="b0", kind="province", credit_code="B" * 17 + "0", path="/")]
    Organisation.objects.bulk_create(orgs)
    root = Organisation.objects.get(slug="b0")
    root.path = f"/{root.pk}/"
    root.save(update_fields=["path"])
    cities = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"基准市{i}", slug=f"b{i}", kind="city", credit_code=f"C{i:017d}", parent=root, path="x", depth=1
            )
            for i in range(1, 21)
        ]
    )
    for c in cities:
        c.path = f"{root.path}{c.pk}/"
    Organisation.objects.bulk_update(cities, ["path"])
    depts = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"基准部门{c.pk}-{j}",
                slug=f"b{c.pk}-{j}",
                kind="department",
                credit_code=f"D{c.pk:08d}{j:09d}",
                parent=c,
                path="x",
                depth=2,
            )
            for c in cities
            for j in range(49)
        ]
    )
    by_id = {c.pk: c for c in cities}
    for d in depts:
        d.path = f"{by_id[d.parent_id].path}{d.pk}/"
    Organisation.objects.bulk_update(depts, ["path"], batch_size=500)
    all_orgs = [root, *cities, *depts]
    topics = list(Term.objects.filter(vocabulary="topic", parent__isnull=False))
    art20 = list(Term.objects.filter(vocabulary="art20"))
    suffixes = ["", "实施办法", "的通知", "（修订）", "解读", "执行情况的报告", "若干规定", "的意见"]
    start_day = dt.date(2000, 1, 1).toordinal()
    span = dt.date(2026, 11, 1).toordinal() - start_day
    batch: list[Document] = []
    for i in range(n):
        day = dt.date.fromordinal(start_day + rng.randrange(span))
        org = rng.choice(all_orgs)
        title = f"{org.name}关于{rng.choice(titles)}{rng.choice(suffixes)}"
        body = "\n\n".join(rng.choice(articles) for _ in range(rng.choice([1, 1, 2, 3])))
        batch.append(
            Document(
                org=org,
                publisher_name=org.name,
                state="published",
                index_number=f"{org.credit_code}/{day.year}-{i:07d}",
                title=title[:500],
                body=body,
                doc_number=f"基{org.pk}发〔{day.year}〕{i % 300 + 1}号" if rng.random() < 0.6 else "",
                written_date=day,
                published_date=day,
                formed_date=day,
                topic=rng.choice(topics),
                art20_item=rng.choice(art20) if rng.random() < 0.7 else None,
                validity="repealed" if rng.random() < 0.08 else "current",
                repealed_date=day,
            )
        )
        if len(batch) == 5000:
            with transaction.atomic():
                Document.objects.bulk_create(batch)
            batch.clear()
            print(f"\r  corpus {i + 1:,}/{n:,}", end="", file=sys.stderr)
    if batch:
        with transaction.atomic():
            Document.objects.bulk_create(batch)
    print(file=sys.stderr)
    return {"seconds": time.perf_counter() - started, "orgs": all_orgs, "cities": cities}


def make_queries(rng: random.Random, count: int) -> list[tuple[str, ...]]:
    """A fixed mix: 1-, 2-, 3- and 4-character words drawn by frequency and at random, and multi-term."""
    from gongkai.catalogue.models import Document
    from gongkai.search.normalise import fold
    from gongkai.search.segment import segment_folded

    sample_ids = list(Document.objects.values_list("pk", flat=True)[:: max(1, Document.objects.count() // 3000)])
    texts = [fold(t) for t in Document.objects.filter(pk__in=sample_ids).values_list("body", flat=True)]
    words: dict[int, list[str]] = {1: [], 2: [], 3: [], 4: []}
    for text in texts:
        for w in segment_folded(text[:400]):
            if len(w) in words and w.isalnum():
                words[len(w)].append(w)
    queries: list[tuple[str, ...]] = []
    share = {1: 0.2, 2: 0.25, 3: 0.15, 4: 0.15}
    for length, part in share.items():
        k = int(count * part)
        by_freq = [rng.choice(words[length]) for _ in range(k // 2)]  # a word's chance follows its frequency
        distinct = sorted(set(words[length]))
        at_random = [rng.choice(distinct) for _ in range(k - k // 2)]  # every distinct word equally
        queries += [(q,) for q in by_freq + at_random]
    while len(queries) < count:
        a, b = rng.choice(words[2] + words[3]), rng.choice(words[2] + words[4])
        if a != b:
            queries.append((a, b))
    return queries


def like_reference(terms: tuple[str, ...], vendor: str, filters: Any) -> tuple[int, list[int]]:
    """The naive portal: a substring scan of the stored text, count and the 20 most recent."""
    from django.db import connection

    from gongkai.search.backends import Sql

    sql = Sql()
    for t in terms:
        sql.add("instr(e.text, %s) > 0" if vendor == "sqlite" else "strpos(e.text, %s) > 0", t)
    filters.apply(sql)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM search_searchentry e WHERE {sql.clause()}", sql.params)
        total = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT e.document_id FROM search_searchentry e WHERE {sql.clause()} "
            "ORDER BY e.published_date DESC, e.document_id DESC LIMIT 20",
            sql.params,
        )
        return total, [r[0] for r in cursor.fetchall()]


def check_recall(queries: list[tuple[str, ...]]) -> list[int]:
    """Recall 1.0 means: for every query, the full match set is exactly the items whose stored text
    contains every term (one pass over the table, tested in Python), and the first page sorted by
    date is those items' newest 20. Prints the result; returns the number of matches per query."""
    from gongkai.search.models import SearchEntry
    from gongkai.search.query import matching_ids, search

    expected: list[list[tuple[int, int]]] = [[] for _ in queries]
    started = time.perf_counter()
    rows = SearchEntry.objects.values_list("document_id", "rank_key", "text").iterator(chunk_size=5000)
    for n, (doc_id, key, text) in enumerate(rows, 1):
        for i, terms in enumerate(queries):
            if all(t in text for t in terms):
                expected[i].append((key, doc_id))
        if n % 50000 == 0:
            print(f"\r  recall scan {n:,} ({n / (time.perf_counter() - started):,.0f}/s)", end="", file=sys.stderr)
    print(file=sys.stderr)
    ok = 0
    for terms, found in zip(queries, expected, strict=True):
        newest = [doc_id for _, doc_id in sorted(found, reverse=True)[:20]]
        by_date = [h.document.pk for h in search(" ".join(terms), sort="date", with_facets=False).hits]
        ok += matching_ids(terms) == {doc_id for _, doc_id in found} and by_date == newest
    counts = [len(found) for found in expected]
    print(
        f"recall: {ok}/{len(queries)} queries find exactly the items containing every term, and their "
        f"newest 20 first when sorted by date (1.0 = all); matches per query: median "
        f"{percentile([float(c) for c in counts], 0.5):,.0f}, max {max(counts):,}"
    )
    return counts


def index_size(vendor: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('search_searchentry')")
            return int(cursor.fetchone()[0])
        cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search%'")
        return int(cursor.fetchone()[0] or 0)


def tantivy_reference(queries: list[tuple[str, ...]]) -> dict[str, Any]:
    import tantivy

    from gongkai.search.models import SearchEntry

    folder = tempfile.mkdtemp(prefix="gongkai-tantivy-")
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", stored=False, tokenizer_name="default", index_option="position")
    builder.add_integer_field("date", fast=True, indexed=True)
    builder.add_integer_field("id", stored=True)
    schema = builder.build()
    index = tantivy.Index(schema, path=folder)
    started = time.perf_counter()
    writer = index.writer(heap_size=500_000_000, num_threads=2)
    rows = SearchEntry.objects.values_list("document_id", "text", "published_date").iterator(chunk_size=5000)
    for doc_id, text, day in rows:
        # One token per character; punctuation becomes a placeholder token so that characters on either
        # side of it are not adjacent (tantivy's tokenizer would drop it and create false phrases).
        tokens = " ".join(c if c.isalnum() else "zzp" for c in text)
        writer.add_document(tantivy.Document(text=tokens, date=day.toordinal(), id=doc_id))
    writer.commit()
    writer.wait_merging_threads()
    build = time.perf_counter() - started
    index.reload()
    searcher = index.searcher()
    size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())

    def query_for(terms: tuple[str, ...]) -> Any:
        parts = []
        for term in terms:
            chars = [c for c in term]
            q = (
                tantivy.Query.term_query(schema, "text", chars[0])
                if len(chars) == 1
                else tantivy.Query.phrase_query(schema, "text", chars)
            )
            parts.append((tantivy.Occur.Must, q))
        return parts[0][1] if len(parts) == 1 else tantivy.Query.boolean_query(parts)

    latencies, counts = [], []
    for terms in queries:
        t0 = time.perf_counter()
        result = searcher.search(query_for(terms), limit=20, count=True, order_by_field="date")
        [searcher.doc(addr)["id"] for _, addr in result.hits]
        latencies.append(time.perf_counter() - t0)
        counts.append(result.count)
    shutil.rmtree(folder, ignore_errors=True)
    return {"build": build, "size": size, "latencies": latencies, "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-tantivy", action="store_true")
    parser.add_argument("--like-every", type=int, default=4, help="time the LIKE scan for every k-th query")
    parser.add_argument(
        "--reindex", action="store_true", help="with a kept corpus and index, rebuild the index (timed) first"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the corpus and index for the next run with --keep (same --items and --seed), "
        "which then only times the queries",
    )
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent")
        return
    with bench_database(keep=f"search_{args.items}_{args.seed}" if args.keep else "") as vendor:
        run(vendor, args)


def index(vendor: str, args: argparse.Namespace) -> None:
    """Index the corpus as ``manage.py search_rebuild --bulk`` does, and report rate and size."""
    from django.db import connection

    from gongkai.search.indexing import rebuild

    if vendor == "postgresql":  # as autovacuum would soon: the rebuild's batch query needs the statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    started = time.perf_counter()
    done = [0]

    def progress(k: int) -> None:
        done[0] += k
        if done[0] % 20000 < k:
            rate = done[0] / (time.perf_counter() - started)
            print(f"\r  index {done[0]:,}/{args.items:,} ({rate:,.0f}/s)", end="", file=sys.stderr)

    rebuild(batch_size=2000, on_progress=progress, bulk=True)  # analyses the entries at the end
    seconds = time.perf_counter() - started
    print(file=sys.stderr)
    size = index_size(vendor)
    print(f"index build: {seconds:.0f} s, {args.items / seconds:,.0f} items/s; index size {size / 2**20:,.0f} MiB")
    if vendor == "postgresql":
        from gongkai.search.hot import current, is_ngram

        hot = current()
        if hot is not None and hot.bits:
            print(
                f"hot tokens: {len(hot.bits):,} (held by at least {min(hot.shares.values()):.2%} of the sampled "
                f"items; {sum(is_ngram(t) for t in hot.bits):,} are 3–4 character runs)"
            )


def build(vendor: str, args: argparse.Namespace, rng: random.Random) -> Any:
    """Write the corpus and index it; returns the city used for the filtered queries."""
    corpus = build_corpus(args.items, rng)
    print(f"corpus written in {corpus['seconds']:.0f} s")
    index(vendor, args)
    return corpus["cities"][0]


def run(vendor: str, args: argparse.Namespace) -> None:
    from gongkai.catalogue.models import Document
    from gongkai.orgs.models import Organisation
    from gongkai.search.models import SearchEntry
    from gongkai.search.query import SearchFilters, search

    rng = random.Random(args.seed)
    print(f"database: {vendor}; items: {args.items:,}")
    if SearchEntry.objects.count() == args.items and args.reindex:
        print("corpus and index kept from an earlier run (--keep); indexing it again")
        city = Organisation.objects.get(slug="b1")
        index(vendor, args)
    elif SearchEntry.objects.count() == args.items:  # kept from an earlier run (--keep)
        print("corpus and index kept from an earlier run (--keep); build figures are in that run's output")
        city = Organisation.objects.get(slug="b1")
    elif Document.objects.count() == args.items:  # corpus kept, index unfinished
        print("corpus kept from an earlier run (--keep); indexing it again")
        city = Organisation.objects.get(slug="b1")
        index(vendor, args)
    elif Organisation.objects.exists():
        sys.exit("this kept database holds an unfinished corpus: drop it (see bench/common.py) and run again")
    else:
        city = build(vendor, args, rng)
    queries = make_queries(random.Random(args.seed + 1), args.queries)  # the same whether kept or built
    filtered = SearchFilters(org=city, validity="current")
    results: dict[str, list[float]] = {"ours": [], "ours+filters": [], "like": [], "like+filters": []}
    for terms in queries:
        q = " ".join(terms)
        # Each query warmed once before it is timed, with and without the filters: a portal's
        # search pages stay in cache, and an unwarmed filtered query measured the cache instead
        # (the organisation's token list evicted by the previous run: 112 ms where a warm run took 36).
        search(q, with_facets=False)
        t0 = time.perf_counter()
        search(q, with_facets=False)
        results["ours"].append(time.perf_counter() - t0)
        search(q, filtered, with_facets=False)
        t0 = time.perf_counter()
        search(q, filtered, with_facets=False)
        results["ours+filters"].append(time.perf_counter() - t0)
    # The scan takes the same time whatever the query (it reads every row), so a sample of the
    # queries gives its percentiles; --like-every 1 scans for all of them.
    for terms in queries[:: args.like_every]:
        t0 = time.perf_counter()
        like_reference(terms, vendor, SearchFilters())
        results["like"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        like_reference(terms, vendor, filtered)
        results["like+filters"].append(time.perf_counter() - t0)
    counts = check_recall(queries)
    tv = None if args.skip_tantivy else tantivy_reference(queries)

    def line(name: str, values: list[float]) -> str:
        return (
            f"  {name:<14} p50 {percentile(values, 0.5) * 1000:8.1f} ms   p95 {percentile(values, 0.95) * 1000:8.1f} ms"
        )

    print(f"top-20 latency over {len(queries)} queries (LIKE: every {args.like_every}th query):")
    for name, values in results.items():
        print(line(name, values))
    if tv:
        print(line("tantivy", tv["latencies"]))
        print(
            f"  tantivy build {tv['build']:.0f} s ({args.items / tv['build']:,.0f} items/s), size {tv['size'] / 2**20:,.0f} MiB"
        )
        agree = sum(a == b for a, b in zip(tv["counts"], counts, strict=True))
        print(f"  tantivy agrees on the count for {agree}/{len(queries)} queries (its tokenizer drops punctuation)")
    for name in ("ours", "ours+filters"):
        slowest = sorted(zip(results[name], queries, strict=True), reverse=True)[:5]
        print(f"  slowest ({name}):", ", ".join(f"{' '.join(t)} {s * 1000:.0f} ms" for s, t in slowest))
    p95 = {k: percentile(v, 0.95) for k, v in results.items()}
    print(
        f"ratios at p95: LIKE/ours {p95['like'] / p95['ours']:.1f}x, LIKE/ours with filters {p95['like+filters'] / p95['ours+filters']:.1f}x",
        end="",
    )
    if tv:
        print(f", ours/tantivy {p95['ours'] / percentile(tv['latencies'], 0.95):.1f}x")
    else:
        print()


if __name__ == "__main__":
    main()
