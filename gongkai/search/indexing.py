"""Keeping the index in step with the catalogue.

``index_documents`` hears of every write to the catalogue (catalogue.hooks), inside the same
transaction: an item is in the index exactly when it is published, and a crash at any point leaves
both or neither changed. ``rebuild`` re-derives every entry (e.g. after the normalisation changes),
deriving on every core (entries.derive in worker processes) while this process reads and writes.

On SQLite the FTS5 table keeps no copy of an entry's tokens (migration 0010): removing an entry
tells it the tokens again, derived from the entry's row (``_forget``, run for every deletion of an
entry, cascades included). That holds as long as the rules that derive tokens are those the entry
was indexed with, so a change to them comes with a rebuild of the whole table (a migration, or
``search_rebuild``, which on SQLite empties the table first).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.pool import AsyncResult
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone

from gongkai.catalogue.models import Attachment, Document, DocumentState
from gongkai.search.entries import (
    ID_BITS,
    Forms,
    Source,
    derive_many,
    filter_tokens,
    fts_tokens,
    index_tokens,
    rank_key,
)
from gongkai.search.hot import HOT_BITS, Hot, literal, retune
from gongkai.search.hot import current as current_hot
from gongkai.search.models import SearchEntry
from gongkai.search.pg_indexes import refresh_recent_index, token_index_deferred
from gongkai.search.tuning import Tuning


def hot_list() -> Hot | None:
    """The hot tokens entries are written with: the newest list, on PostgreSQL."""
    return current_hot() if connection.vendor == "postgresql" else None


Entry = tuple[Source, Forms]  # an item's values and what its entry holds besides


def derive_all(sources: Sequence[Source], hot: Hot | None) -> list[Entry]:
    """The entries of these items, derived in this process."""
    return list(zip(sources, derive_many(list(sources), hot.bits if hot is not None else None, HOT_BITS), strict=True))


# The entry's columns in the order write_entries gives them.
COLUMNS = (
    "document_id",
    "org_path",
    "topic",
    "topic_parent",
    "art20",
    "year",
    "validity",
    "published_date",
    "title",
    "number",
    "text",
    "title_words",
    "words",
    "indexed_at",
    "rank_key",
    "tokens",
    "hot_version",
    "hot",
)


def write_entries(entries: Sequence[Entry], hot: Hot | None) -> None:
    """Insert these entries (none of them may be in the index): the rows and, on SQLite, their
    tokens in the FTS5 table, in the order given (newest first is FTS5's cheapest).

    One statement per table for the whole batch: the rebuild and the import write thousands of
    entries a second, and building a model instance per entry cost as much as deriving it."""
    postgres = connection.vendor == "postgresql"
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for source, forms in entries:
        day = source.published_date
        masked = hot is not None and forms.mask is not None
        rows.append(
            (
                source.document_id,
                source.org_path,
                source.topic,
                source.topic_parent,
                source.art20,
                day.year if day else None,
                source.validity,
                ops.adapt_datefield_value(day),
                forms.title,
                forms.number,
                forms.text,
                forms.title_words,
                forms.words,
                now,
                rank_key(day, source.document_id),
                forms.tokens.split() if postgres else None,
                hot.version if masked and hot is not None else None,
                literal(forms.mask) if masked and forms.mask is not None else None,
            )
        )
    placeholders = ", ".join(["%s"] * (len(COLUMNS) - 1) + [f"%s::bit({HOT_BITS})" if postgres else "%s"])
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO search_searchentry ({', '.join(COLUMNS)}) VALUES ({placeholders})",
            rows,
        )
        if not postgres:
            cursor.executemany(
                "INSERT INTO search_tokens(rowid, tokens) VALUES (%s, %s)",
                [(-rank_key(s.published_date, s.document_id), fts_tokens(s, f.tokens)) for s, f in entries],
            )


def stored_fts_tokens(entry: SearchEntry) -> str:
    """The tokens SQLite's index holds for an entry, derived from its row (entries.fts_tokens)."""
    tokens = index_tokens(entry.title, entry.number, entry.text, entry.title_words, entry.words)
    filters = filter_tokens(entry.org_path, entry.topic, entry.topic_parent, entry.validity, entry.art20, entry.year)
    return " ".join((tokens, *filters))


@receiver(pre_delete, sender=SearchEntry, dispatch_uid="search_forget_entry")
def _forget(sender: type[SearchEntry], instance: SearchEntry, **kwargs: Any) -> None:
    """Remove a deleted entry's tokens from SQLite's FTS5 table (PostgreSQL's GIN follows the row).
    A receiver, so that every deletion does it: an item's, whose entry goes with it, included."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO search_tokens(search_tokens, rowid, tokens) VALUES ('delete', %s, %s)",
                [-instance.rank_key, stored_fts_tokens(instance)],
            )


def index_document(doc: Document) -> None:
    """Make the index agree with this item: an entry if published, none otherwise."""
    index_documents([doc])


def index_documents(docs: Sequence[Document]) -> None:
    """The same for several items (a batch of an import), with a statement or two for all of them."""
    ids = [doc.pk for doc in docs]
    if connection.vendor == "sqlite":
        # Through the ORM, so that _forget tells FTS5 each entry's tokens.
        SearchEntry.objects.filter(document_id__in=ids).delete()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchentry WHERE document_id = ANY(%s)", [ids])
    published = [doc.pk for doc in docs if doc.state == DocumentState.PUBLISHED]
    if published:
        hot = hot_list()
        write_entries(derive_all(sources(published), hot), hot)


@contextmanager
def _entry_indexes_deferred() -> Iterator[None]:
    """Inside a SQLite rebuild's transaction: the entries' b-tree indexes (search_rank, on title,
    number, org_path) dropped, and built once from the rows at the end, which costs a fraction of
    keeping them up to date entry by entry (at 100,000 entries: the rows written in 2.3 s instead of
    5.1, the indexes built in 0.5 s). Searches meanwhile see the table as it was, indexes and all,
    until the transaction commits; a rollback restores both."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'search_searchentry' "
            "AND sql IS NOT NULL"
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _, sql in indexes:
            cursor.execute(sql)


# Below this many items a rebuild derives in this process: starting the workers (each loads the
# segmenter's dictionary) costs more than it saves.
POOL_MIN_ITEMS = 5_000


def rebuild(
    *,
    batch_size: int = 500,
    on_progress: Callable[[int], Any] | None = None,
    bulk: bool = False,
    tune: bool = True,
    workers: int | None = None,
    tuning: Tuning | None = None,
) -> int:
    """Re-derive every entry. ``workers``: processes deriving entries (default: one per core for a
    catalogue of POOL_MIN_ITEMS or more, else none).

    SQLite: one transaction, which first empties the FTS5 table (its tokens may have been derived by
    other rules, which is why a rebuild runs). Searches use the old index until it commits; other
    writes wait for it; an interrupted rebuild changes nothing.

    PostgreSQL: batch by batch, each committed on its own, while ordinary writes keep the index right
    meanwhile, so an interrupted rebuild leaves a correct index and can be rerun. ``tune``: first
    choose the hot tokens afresh from the catalogue (hot.retune); until every entry carries the new
    list's masks, searches go through GIN alone (slower, still exact); ``tuning`` gives the least
    share of the items a hot token holds (default: tuning.configured()). ``bulk`` (for a first build or
    a large repair, when searches may be slow meanwhile): the token index is dropped first and built
    once at the end.
    """
    if tune:
        retune(tuning=tuning)
    if connection.vendor == "sqlite":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO search_tokens(search_tokens) VALUES ('delete-all')")
                cursor.execute("DELETE FROM search_searchentry")
            with _entry_indexes_deferred():
                return _rebuild(batch_size, on_progress, workers)
    with token_index_deferred(bulk):
        count = _rebuild(batch_size, on_progress, workers)
    # From the list's key (a new list has a newer one): after the entries, so that a bulk build
    # writes them without it.
    refresh_recent_index(hot_list())
    if not connection.in_atomic_block:
        # Index-only walks need the visibility map, and good plans the statistics; autovacuum would
        # set both later.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) search_searchentry")
    return count


def _rebuild(batch_size: int, on_progress: Callable[[int], Any] | None, workers: int | None) -> int:
    # In the order that makes each index cheapest to write and to walk:
    # - PostgreSQL: oldest first by recency key, so that the entries lie in the table in the order
    #   searches walk them (newest first along the recency index): a walk, or GIN's matches within a
    #   recency window, then read neighbouring rows from the same pages instead of one page per row.
    #   Items published later are appended at the end, which keeps that order.
    # - SQLite: newest first, which is ascending FTS5 rowid (the recency key negated); FTS5 writes
    #   out what it holds in memory whenever a rowid is not above the last one, so in the other
    #   order it would write a segment per entry.
    postgres = connection.vendor == "postgresql"
    if postgres:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM search_searchentry e USING catalogue_document d "
                "WHERE d.id = e.document_id AND d.state <> %s",
                [DocumentState.PUBLISHED],
            )
    keys = sorted(
        (
            rank_key(published, pk)
            for pk, published in Document.objects.filter(state=DocumentState.PUBLISHED).values_list(
                "pk", "published_date"
            )
        ),
        reverse=not postgres,
    )
    id_mask = (1 << ID_BITS) - 1
    batches = [[key & id_mask for key in keys[i : i + batch_size]] for i in range(0, len(keys), batch_size)]
    if workers is None:
        workers = (os.cpu_count() or 1) if len(keys) >= POOL_MIN_ITEMS else 0
    hot = hot_list()
    count = 0
    for entries in _derived_batches(batches, hot, workers):
        # A transaction per batch on PostgreSQL; on SQLite, inside the rebuild's, no savepoint: FTS5
        # writes out the tokens it holds in memory at every savepoint's end, and a segment per batch
        # to merge cost a third of a rebuild's time (0.3 s a batch at 100,000 items).
        with transaction.atomic(savepoint=False):
            if postgres:  # (SQLite's table was emptied first)
                with connection.cursor() as cursor:
                    cursor.execute(
                        "DELETE FROM search_searchentry WHERE document_id = ANY(%s)",
                        [[source.document_id for source, _ in entries]],
                    )
            write_entries(entries, hot)
        count += len(entries)
        if on_progress:
            on_progress(len(entries))
    return count


def _derived_batches(batches: list[list[int]], hot: Hot | None, workers: int) -> Iterator[list[Entry]]:
    """The entries of each batch of ids, in order; derived by ``workers`` processes (0: here) while
    this one reads the next batches and writes the previous ones."""
    bits = hot.bits if hot is not None else None
    if workers <= 1:
        for ids in batches:
            yield derive_all(sources(ids), hot)
        return
    # spawn, not fork: a forked worker would share this process's database connection.
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        pending: deque[tuple[list[Source], AsyncResult[list[Forms]]]] = deque()
        for ids in batches:
            batch = sources(ids)
            pending.append((batch, pool.apply_async(derive_many, (batch, bits, HOT_BITS))))
            if len(pending) > 2 * workers:
                batch, forms = pending.popleft()
                yield list(zip(batch, forms.get(), strict=True))
        while pending:
            batch, forms = pending.popleft()
            yield list(zip(batch, forms.get(), strict=True))


def sources(ids: list[int]) -> list[Source]:
    """The published items among ``ids``, in the order of ``ids``, read as plain values."""
    attachments: dict[int, list[str]] = {}
    for doc_id, text in (
        Attachment.objects.filter(document_id__in=ids).order_by("id").values_list("document_id", "extracted_text")
    ):
        attachments.setdefault(doc_id, []).append(text)
    rows = Document.objects.filter(pk__in=ids, state=DocumentState.PUBLISHED).values_list(
        "pk",
        "title",
        "doc_number",
        "body",
        "org__path",
        "topic__code",
        "topic__parent__code",
        "art20_item__code",
        "validity",
        "published_date",
    )
    by_id = {
        pk: Source(
            document_id=pk,
            title=title,
            doc_number=number,
            body=body,
            attachments=tuple(t for t in attachments.get(pk, ()) if t),
            org_path=path,
            topic=topic,
            topic_parent=parent or topic,
            art20=art20 or "",
            validity=validity,
            published_date=published,
        )
        for pk, title, number, body, path, topic, parent, art20, validity, published in rows
    }
    return [by_id[pk] for pk in ids if pk in by_id]
