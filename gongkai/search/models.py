"""The search index: one row per published catalogue item, in matching form.

The database-specific index structures are built over these columns by migration 0002:
- SQLite: FTS5 tables with external content (trigram over ``text``; ``grams`` with detail=none;
  segmented ``words``), kept in step by triggers;
- PostgreSQL: a pg_trgm GIN index over ``text``, a GIN index over the ``grams`` array and a GIN
  index over the ``words`` tsvector.
Rows are written in the same transaction as the item they describe.
"""

from __future__ import annotations

from django.db import models


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

    class Meta:
        indexes = [models.Index(fields=["-published_date", "-document"], name="search_recent")]

    def __str__(self) -> str:
        return f"search entry {self.document_id}"
