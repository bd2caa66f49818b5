"""The search index: one row per published catalogue item, in matching form.

One inverted index holds each entry's tokens (entries.index_tokens; normalise.term_tokens says which
tokens a query needs):
- SQLite: a contentless FTS5 table (detail=none, migration 0010) whose rowid is ``rank_key``
  negated; it keeps no copy of the tokens, which are derived again from the entry's row to remove
  it (indexing.py);
- PostgreSQL: a GIN index over ``tokens`` (and the entry's bodies, migration 0008).
Rows are written in the same transaction as the item they describe.

``rank_key`` orders entries newest first (publication date, then id) in one integer, so that the
index can hand back matches in that order and a search stops after the first page (docs/search.md).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from gongkai.search.hot import HOT_BITS


class HotMaskField(models.Field[str | None, str | None]):
    """The entry's hot-token mask (search/hot.py): bit(HOT_BITS) on PostgreSQL; unused (NULL) elsewhere.
    Written as PostgreSQL's hexadecimal bit-string input (hot.literal)."""

    def db_type(self, connection: Any) -> str:
        return f"bit({HOT_BITS})" if connection.vendor == "postgresql" else "blob"

    def get_placeholder(self, value: Any, compiler: Any, connection: Any) -> str:
        return f"%s::bit({HOT_BITS})" if connection.vendor == "postgresql" else "%s"


class TokenArrayField(models.Field[list[str] | None, list[str] | None]):
    """The entry's index tokens: text[] on PostgreSQL, which GIN indexes; unused (NULL) on SQLite,
    whose FTS5 table holds them."""

    def db_type(self, connection: Any) -> str:
        return "text[]" if connection.vendor == "postgresql" else "text"


class SearchEntry(models.Model):
    document = models.OneToOneField(
        "catalogue.Document", primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    # Filters and ordering.
    org_path = models.CharField(max_length=255, db_index=True)
    topic = models.CharField(max_length=20)
    topic_parent = models.CharField(max_length=20)
    art20 = models.CharField(max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(null=True)
    validity = models.CharField(max_length=20)
    published_date = models.DateField(null=True)
    # Matching forms (see normalise.fold).
    title = models.TextField()
    number = models.TextField(blank=True)
    text = models.TextField()  # title ␞ number ␞ body ␞ attachments
    title_words = models.TextField(default="")  # the title segmented into words (for ranking)
    words = models.TextField()  # the text segmented into words, space-separated (for ranking)
    indexed_at = models.DateTimeField(auto_now=True)
    # Recency in one integer: the FTS5 rowid on SQLite, the order of every result list.
    rank_key = models.BigIntegerField(default=0)
    # PostgreSQL: entries.index_tokens (grams, tier-1 and tier-2 tokens), indexed by GIN.
    tokens = TokenArrayField(null=True)
    # PostgreSQL: one bit per hot token the entry holds, computed with hot list ``hot_version``.
    hot_version = models.IntegerField(null=True)
    hot = HotMaskField(null=True)

    class Meta:
        indexes = [
            # Covering: walking results newest first checks the filters without reading the row.
            models.Index(
                fields=["rank_key", "org_path", "validity", "topic", "topic_parent", "art20", "year"],
                name="search_rank",
            ),
            models.Index(fields=["title"], name="search_title"),
            models.Index(fields=["number"], name="search_number"),
        ]

    def __str__(self) -> str:
        return f"search entry {self.document_id}"


class HotList(models.Model):
    """A version of the hot-token list (search/hot.py): tokens in bit order, with the share of the
    sampled items holding each."""

    version = models.IntegerField(primary_key=True)
    tokens = models.JSONField(default=list)
    shares = models.JSONField(default=list)
    # Recency windows: for each share in hot.WINDOW_SHARES, the rank key above which that share of
    # the sampled items lies (the newest 1%, 5%, …).
    recency = models.JSONField(default=list)
    sample = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"hot tokens v{self.version} ({len(self.tokens)})"
