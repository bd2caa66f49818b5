"""Tier-1 tokens for the title's runs of 3 and 4 characters (docs/search.md, "Finding a page").

Ranking tier 1 is "every term matches the title strongly (or the 文号)". For terms of one or two
characters the index has held an exact token since 0003 (``_`` + the gram); a longer term's pairs
gave only candidates, each tested on the row. At a million items the candidates of a common word
(环境卫生, 监督管理, 第十条) ran to a thousand rows and more, read and tested, then walked again in a
recency window: the slowest searches on PostgreSQL. ``title_grams`` now also holds ``_`` + each run
of 3–4 letters, digits or ideographs of the title that matches it strongly, and of the 文号 that looks
like part of one, so that such a term's tier 1 is one exact token and no row is read.

This re-derives ``title_grams`` of every entry from the entry's own columns (title, title_words,
number); the items are not read. SQLite's triggers update FTS5. On PostgreSQL the GIN index is
dropped first and built once at the end (many times faster than updating it row by row; searches
stay exact meanwhile, only slower). The entries are updated oldest first, so that on PostgreSQL the
new row versions keep the table in recency order. At a million items, ``search_rebuild`` does the
same in about the same time (docs/operations.md).

The hot-token masks stay valid: no list chosen before this migration can hold a run token.
"""

import re

from django.db import migrations

# Frozen copies of normalise.title_grams and what it uses, as of this migration (before, after);
# tests/test_search.py holds the "after" copy to today's code.
_GRAM_RUN = re.compile(r"[^\W_]+")


def grams(folded):
    result = set()
    for run in _GRAM_RUN.findall(folded):
        result.update(run)
        result.update(run[i : i + 2] for i in range(len(run) - 1))
    return result


def ngrams(folded):
    found = set()
    for run in _GRAM_RUN.findall(folded):
        for n in (3, 4):
            found.update(run[i : i + n] for i in range(len(run) - n + 1))
    return found


def strong_in_title(term, title, title_words):
    if term not in title:
        return False
    padded = f" {title_words} "
    return term not in padded or f" {term}" in padded or f"{term} " in padded


def number_like(term):
    return any(c.isdigit() for c in term) or len(term) >= 4


def title_grams_before(title, title_words, number):
    strong = {g for g in grams(title) if strong_in_title(g, title, title_words)}
    strong |= {g for g in grams(number) if any(c.isdigit() for c in g)}
    tokens = ["_" + g for g in sorted(strong)]
    tokens += [f"_{g}_" for g in sorted(grams(title) | grams(number))]
    return " ".join(tokens)


def title_grams_after(title, title_words, number):
    strong = {g for g in grams(title) | ngrams(title) if strong_in_title(g, title, title_words)}
    strong |= {g for g in grams(number) | ngrams(number) if number_like(g)}
    tokens = ["_" + g for g in sorted(strong)]
    tokens += [f"_{g}_" for g in sorted(grams(title) | grams(number))]
    return " ".join(tokens)


# Frozen: pg_indexes.PG_TOKEN_INDEX as of 0008.
PG_INDEX = (
    "CREATE INDEX IF NOT EXISTS search_tokens_org_gin ON search_searchentry USING gin "
    "((tokens || string_to_array('@o' || replace(btrim(org_path, '/'), '/', ' @o'), ' ')))"
)
BATCH = 2000


def _refill(apps, schema_editor, title_grams):
    entry_model = apps.get_model("search", "SearchEntry")
    if not entry_model.objects.exists():
        return
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("DROP INDEX IF EXISTS search_tokens_org_gin")
    keys = list(entry_model.objects.order_by("rank_key").values_list("document_id", flat=True))
    for start in range(0, len(keys), BATCH):
        batch = list(
            entry_model.objects.filter(document_id__in=keys[start : start + BATCH])
            .only("document_id", "rank_key", "title", "title_words", "number", "title_grams")
            .order_by("rank_key")
        )
        for entry in batch:
            entry.title_grams = title_grams(entry.title, entry.title_words, entry.number)
        entry_model.objects.bulk_update(batch, ["title_grams"])
    if postgres:
        schema_editor.execute("SET maintenance_work_mem = '512MB'")
        schema_editor.execute(PG_INDEX)
        schema_editor.execute("RESET maintenance_work_mem")


def forwards(apps, schema_editor):
    _refill(apps, schema_editor, title_grams_after)


def backwards(apps, schema_editor):
    _refill(apps, schema_editor, title_grams_before)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0008_pg_org_tokens_in_gin"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
