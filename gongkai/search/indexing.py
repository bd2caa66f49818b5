"""Keeping the index in step with the catalogue.

``index_document`` is called by the catalogue services after every write, inside the same
transaction: an item is in the index exactly when it is published, and a crash at any point leaves
both or neither changed. ``rebuild`` re-derives every entry (e.g. after the normalisation changes).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from gongkai.catalogue.models import Document, DocumentState
from gongkai.search.hot import Hot, entry_tokens, literal, retune
from gongkai.search.hot import current as current_hot
from gongkai.search.models import SearchEntry
from gongkai.search.normalise import FIELD_SEPARATOR, fold, grams, ngrams, title_grams, word_tokens
from gongkai.search.segment import segment_folded

ID_BITS = 32  # the id is the low 32 bits of a rank key


def rank_key(published: datetime.date | None, document_id: int) -> int:
    """Newest first in one integer: the publication day above, the id below (ties by id)."""
    return ((published.toordinal() if published else 0) << ID_BITS) | document_id


def entry_for(doc: Document, attachment_texts: Iterable[str] = (), hot: Hot | None = None) -> SearchEntry:
    """The entry of a published item; with ``hot`` (PostgreSQL), its mask of hot tokens."""
    title, number = fold(doc.title), fold(doc.doc_number)
    body = fold(doc.body)
    extra = [fold(t) for t in attachment_texts if t]
    text = FIELD_SEPARATOR.join([title, number, body, *extra])
    all_grams = grams(title) | grams(number) | grams(body)
    for part in extra:
        all_grams |= grams(part)
    topic = doc.topic
    title_words = " ".join(segment_folded(title))
    words = " ".join(segment_folded(title + FIELD_SEPARATOR + body))
    gram_tokens, tier1_tokens, tier2_tokens = (
        " ".join(sorted(all_grams)),
        title_grams(title, title_words, number),
        word_tokens(words),
    )
    mask = hot.mask(entry_tokens(gram_tokens, tier1_tokens, tier2_tokens) | ngrams(text)) if hot else None
    return SearchEntry(
        document_id=doc.pk,
        org_path=doc.org.path,
        topic=topic.code,
        topic_parent=topic.parent.code if topic.parent_id and topic.parent else topic.code,
        art20=doc.art20_item.code if doc.art20_item_id and doc.art20_item else "",
        year=doc.published_date.year if doc.published_date else None,
        validity=doc.validity,
        published_date=doc.published_date,
        title=title,
        number=number,
        text=text,
        grams=gram_tokens,
        title_words=title_words,
        words=words,
        word_tokens=tier2_tokens,
        rank_key=rank_key(doc.published_date, doc.pk),
        title_grams=tier1_tokens,
        hot_version=hot.version if hot else None,
        hot=literal(mask) if mask is not None else None,
    )


def hot_list() -> Hot | None:
    """The hot tokens entries are written with: the newest list, on PostgreSQL."""
    return current_hot() if connection.vendor == "postgresql" else None


def index_document(doc: Document) -> None:
    """Make the index agree with this item: an entry if published, none otherwise."""
    SearchEntry.objects.filter(document_id=doc.pk).delete()
    if doc.state == DocumentState.PUBLISHED:
        texts = list(doc.attachments.values_list("extracted_text", flat=True))
        entry_for(doc, texts, hot_list()).save(force_insert=True)


def pg_token_expression(alias: str = "") -> str:
    """What the token index on PostgreSQL is built on (migration 0008): the entry's tokens, and "@o"
    + the id of its body and of every body above it. A statement reaches the index only by spelling
    the same expression (backends.TOKENS, with the table's alias)."""
    return f"({alias}tokens || string_to_array('@o' || replace(btrim({alias}org_path, '/'), '/', ' @o'), ' '))"


# The token index on PostgreSQL (created by migration 0008, and again after a bulk rebuild).
PG_TOKEN_INDEX = (
    f"CREATE INDEX IF NOT EXISTS search_tokens_org_gin ON search_searchentry USING gin ({pg_token_expression()})"
)


# The token index of the newest items alone (PostgreSQL): the entries whose rank key is at least the
# hot list's recent_key, the newest tenth when the list was chosen, and every item published since.
# A statement bounded to them (e.rank_key >= a key at least as new) is answered from it: its
# posting lists are a tenth as long, and GIN decodes a whole list before it hands back one row. At
# a million items, proving that 文化 (4.4% of the items) has over a thousand matches took 14 ms
# through the whole index (7 ms to decode its 45,000 postings) and 3.8 ms through this one.
RECENT_INDEX = "search_tokens_recent_gin"


def refresh_recent_index(hot: Hot | None) -> None:
    """Build the index of the newest items from the hot list's key, replacing the one there was;
    without a list (or a key), drop it. Outside a transaction it is built CONCURRENTLY under a new
    name and swapped in, so that neither searches nor writes wait for it (a minute at a million
    items); inside one (tests, a caller's transaction), plainly. Searches are correct with or without
    it: the key is in their own condition, the index only answers it sooner."""
    if connection.vendor != "postgresql":
        return
    key = hot.recent_key if hot is not None else None
    concurrently = "" if connection.in_atomic_block else " CONCURRENTLY"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX{concurrently} IF EXISTS {RECENT_INDEX}_new")  # left by an interrupted build
        if key is None:
            cursor.execute(f"DROP INDEX{concurrently} IF EXISTS {RECENT_INDEX}")
            return
        if not concurrently:  # inside a caller's transaction, deferred foreign-key checks must run first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            f"CREATE INDEX{concurrently} {RECENT_INDEX}_new ON search_searchentry "
            f"USING gin ({pg_token_expression()}) WHERE rank_key >= {int(key)}"
        )
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute(f"DROP INDEX{concurrently} IF EXISTS {RECENT_INDEX}")
        cursor.execute(f"ALTER INDEX {RECENT_INDEX}_new RENAME TO {RECENT_INDEX}")


@contextmanager
def _token_index_deferred(bulk: bool) -> Iterator[None]:
    """On PostgreSQL, a GIN index built once over every row is many times faster than one kept up
    to date row by row. Searches stay correct without it, only slower, until it is back."""
    if not bulk or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS search_tokens_org_gin")
        cursor.execute(f"DROP INDEX IF EXISTS {RECENT_INDEX}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            # Inside a caller's transaction, deferred foreign-key checks must run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(PG_TOKEN_INDEX)
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("ANALYZE search_searchentry")


def rebuild(
    *,
    batch_size: int = 500,
    on_progress: Callable[[int], Any] | None = None,
    bulk: bool = False,
    tune: bool = True,
) -> int:
    """Re-derive every entry, batch by batch. Each batch commits on its own, and ordinary writes keep
    the index right meanwhile, so an interrupted rebuild leaves a correct index and can be rerun.

    ``tune`` (PostgreSQL): first choose the hot tokens afresh from the catalogue (hot.retune); until
    every entry carries the new list's masks, searches go through GIN alone (slower, still exact).
    ``bulk`` (for a first build or a large repair, when searches may be slow meanwhile): on
    PostgreSQL the token index is dropped first and built once at the end.
    """
    if tune:
        retune()
    with _token_index_deferred(bulk):
        count = _rebuild(batch_size, on_progress)
    # From the list's key (a new list has a newer one): after the entries, so that a bulk build
    # writes them without it.
    refresh_recent_index(hot_list())
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Index-only walks need the visibility map, and good plans the statistics; autovacuum would
        # set both later.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) search_searchentry")
    return count


def _rebuild(batch_size: int, on_progress: Callable[[int], Any] | None) -> int:
    with transaction.atomic():
        SearchEntry.objects.exclude(document__state=DocumentState.PUBLISHED).delete()
    # In the order that makes each index cheapest to write and to walk:
    # - PostgreSQL: oldest first by recency key, so that the entries lie in the table in the order
    #   searches walk them (newest first along the recency index): a walk, or GIN's matches within a
    #   recency window, then read neighbouring rows from the same pages instead of one page per row.
    #   Items published later are appended at the end, which keeps that order.
    # - SQLite: newest first, which is ascending FTS5 rowid (the recency key negated, migration
    #   0006); FTS5 writes out what it holds in memory whenever a rowid is not above the last one,
    #   so in the other order it would write a segment per entry.
    newest_first = connection.vendor == "sqlite"
    keys = sorted(
        (
            rank_key(published, pk)
            for pk, published in Document.objects.filter(state=DocumentState.PUBLISHED).values_list(
                "pk", "published_date"
            )
        ),
        reverse=newest_first,
    )
    id_mask = (1 << ID_BITS) - 1
    count = 0
    hot = hot_list()
    for start in range(0, len(keys), batch_size):
        ids = [key & id_mask for key in keys[start : start + batch_size]]
        batch = sorted(
            Document.objects.filter(pk__in=ids, state=DocumentState.PUBLISHED)
            .select_related("org", "topic__parent", "art20_item")
            .prefetch_related("attachments"),
            key=lambda d: rank_key(d.published_date, d.pk),
            reverse=newest_first,
        )
        with transaction.atomic():
            SearchEntry.objects.filter(document_id__in=ids).delete()
            SearchEntry.objects.bulk_create(
                [entry_for(d, [a.extracted_text for a in d.attachments.all()], hot) for d in batch]
            )
        count += len(batch)
        if on_progress:
            on_progress(len(batch))
    return count
