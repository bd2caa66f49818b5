"""The search index: one row per published catalogue item, in matching form.

One inverted index of tokens is built over ``grams``, ``title_grams`` and ``word_tokens`` by
migration 0003 (normalise.term_tokens says which tokens a query needs):
- SQLite: an FTS5 table (detail=none) with external content whose rowid is ``rank_key``, kept in
  step by triggers;
- PostgreSQL: a GIN index over the array of the three columns' tokens.
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
    grams = models.TextField()  # distinct single characters and pairs, space-separated
    title_words = models.TextField(default="")  # the title segmented into words (for ranking)
    words = models.TextField()  # the text segmented into words, space-separated (for ranking)
    indexed_at = models.DateTimeField(auto_now=True)
    # Recency in one integer: the FTS5 rowid on SQLite, the order of every result list.
    rank_key = models.BigIntegerField(default=0)
    # Ranking tier 1 (normalise.title_grams): "_" + each gram and 3–4 character run that matches the
    # title strongly or can stand for part of the 文号 (exact), and "_" + each gram of both + "_"
    # (candidates for longer terms).
    title_grams = models.TextField(default="")
    # The text's distinct whole words, "__"-prefixed: candidates of ranking tier 2.
    word_tokens = models.TextField(default="")
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
