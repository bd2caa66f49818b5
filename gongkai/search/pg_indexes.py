"""PostgreSQL's token indexes: GIN over every entry's tokens and bodies (migration 0008), and GIN
over the newest items alone (``RECENT_INDEX``), with how a rebuild builds them (indexing.rebuild).
SQLite's index is its FTS5 table, written with the entries (indexing.write_entries)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from gongkai.search.hot import Hot


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
def token_index_deferred(bulk: bool) -> Iterator[None]:
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
