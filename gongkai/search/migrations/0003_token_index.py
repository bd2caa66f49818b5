"""One token index whose order is recency (docs/search.md, "Finding a page without ranking every
match").

Adds ``rank_key`` (publication day and id in one integer), ``title_grams`` (candidates of ranking
tier 1) and ``word_tokens`` (candidates of tier 2), and replaces the three structures of 0002 with
one inverted index over the tokens of ``grams``, ``title_grams`` and ``word_tokens``:
- SQLite: an FTS5 table (detail=none) whose rowid is ``rank_key``, so that ``MATCH … ORDER BY rowid
  DESC LIMIT 20`` walks newest first and stops, and several terms are intersected inside FTS5;
- PostgreSQL: a GIN index over the tokens, stored as an array in a generated column.
Terms of 3+ characters are found through their pairs and confirmed with a substring test, so the
trigram indexes go.
"""

import importlib
import re

from django.db import migrations, models

# Frozen copies of indexing.rank_key and normalise.title_grams / word_tokens as they were when this
# migration was written (migrations never import app code; docs/operations.md).
_GRAM_RUN = re.compile(r"[^\W_]+")


def _grams(folded):
    result = set()
    for run in _GRAM_RUN.findall(folded):
        result.update(run)
        result.update(run[i : i + 2] for i in range(len(run) - 1))
    return result


def _strong(term, title, title_words):
    padded = f" {title_words} "
    return term in title and (term not in padded or f" {term}" in padded or f"{term} " in padded)


def rank_key(published, document_id):
    return ((published.toordinal() if published else 0) << 32) | document_id


def title_grams(title, title_words, number):
    strong = {g for g in _grams(title) if _strong(g, title, title_words)}
    strong |= {g for g in _grams(number) if any(c.isdigit() for c in g)}
    return " ".join(["_" + g for g in sorted(strong)] + [f"_{g}_" for g in sorted(_grams(title) | _grams(number))])


def word_tokens(words):
    return " ".join(sorted({"__" + w for w in words.split() if w.isalnum()}))


SQLITE_DROP_OLD = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_words",
    "DROP TABLE IF EXISTS search_grams",
    "DROP TABLE IF EXISTS search_tri",
]
SQLITE_DROP_NEW = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_tokens",
]
_INSERT = """
        INSERT INTO search_tokens(rowid, grams, title_grams, word_tokens)
            VALUES (new.rank_key, new.grams, new.title_grams, new.word_tokens);"""
_DELETE = """
        INSERT INTO search_tokens(search_tokens, rowid, grams, title_grams, word_tokens)
            VALUES ('delete', old.rank_key, old.grams, old.title_grams, old.word_tokens);"""
SQLITE_CREATE = [
    # Tokens only, no positions (detail=none): a term is a set of tokens, confirmed on the row.
    # "_" is a token character so that the prefixed title and word tokens stay whole.
    """CREATE VIRTUAL TABLE search_tokens USING fts5(grams, title_grams, word_tokens,
        content='search_searchentry', content_rowid='rank_key',
        tokenize="unicode61 remove_diacritics 0 tokenchars '_'", detail='none')""",
    f"CREATE TRIGGER search_entry_ai AFTER INSERT ON search_searchentry BEGIN {_INSERT}\n    END",
    f"CREATE TRIGGER search_entry_ad AFTER DELETE ON search_searchentry BEGIN {_DELETE}\n    END",
    f"CREATE TRIGGER search_entry_au AFTER UPDATE ON search_searchentry BEGIN {_DELETE}{_INSERT}\n    END",
    "INSERT INTO search_tokens(search_tokens) VALUES ('rebuild')",
]
PG_DROP_OLD = [
    "DROP INDEX IF EXISTS search_words_gin",
    "DROP INDEX IF EXISTS search_grams_gin",
    "DROP INDEX IF EXISTS search_text_trgm",
]
PG_TOKEN_INDEX = "CREATE INDEX IF NOT EXISTS search_tokens_gin ON search_searchentry USING gin (tokens)"
PG_CREATE = [
    # Stored, not an index expression: a row is checked against it (when the planner walks the
    # recency index) without splitting three long strings again.
    """ALTER TABLE search_searchentry ADD COLUMN tokens text[]
        GENERATED ALWAYS AS (string_to_array(grams || ' ' || title_grams || ' ' || word_tokens, ' ')) STORED""",
    PG_TOKEN_INDEX,
]
PG_DROP_NEW = [
    "DROP INDEX IF EXISTS search_tokens_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS tokens",
]


def _run(schema_editor, statements_by_vendor):
    for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop_previous_structures(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP_OLD, "postgresql": PG_DROP_OLD})


def restore_previous_structures(apps, schema_editor):
    # Last step when unapplying, after the table has been rebuilt without the new columns.
    previous = importlib.import_module("gongkai.search.migrations.0002_backend_indexes")
    previous.forwards(apps, schema_editor)
    if schema_editor.connection.vendor == "sqlite":
        for table in ("search_tri", "search_grams", "search_words"):
            schema_editor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


def fill_new_columns(apps, schema_editor):
    entry_model = apps.get_model("search", "SearchEntry")
    columns = ["rank_key", "title_grams", "word_tokens"]
    batch = []
    fields = ("document_id", "published_date", "title", "title_words", "number", "words")
    for entry in entry_model.objects.only(*fields).iterator(chunk_size=2000):
        entry.rank_key = rank_key(entry.published_date, entry.document_id)
        entry.title_grams = title_grams(entry.title, entry.title_words, entry.number)
        entry.word_tokens = word_tokens(entry.words)
        batch.append(entry)
        if len(batch) == 2000:
            entry_model.objects.bulk_update(batch, columns)
            batch.clear()
    entry_model.objects.bulk_update(batch, columns)


def create_structures(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": PG_CREATE})


def drop_structures(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP_NEW, "postgresql": PG_DROP_NEW})


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_vocabularies"),
        ("search", "0002_backend_indexes"),
    ]

    operations = [
        migrations.RunPython(drop_previous_structures, restore_previous_structures),
        migrations.RemoveIndex(model_name="searchentry", name="search_recent"),
        migrations.AddField(model_name="searchentry", name="rank_key", field=models.BigIntegerField(default=0)),
        migrations.AddField(model_name="searchentry", name="title_grams", field=models.TextField(default="")),
        migrations.AddField(model_name="searchentry", name="word_tokens", field=models.TextField(default="")),
        migrations.RunPython(fill_new_columns, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(
                fields=["rank_key", "org_path", "validity", "topic", "topic_parent", "art20", "year"],
                name="search_rank",
            ),
        ),
        migrations.AddIndex(model_name="searchentry", index=models.Index(fields=["title"], name="search_title")),
        migrations.AddIndex(model_name="searchentry", index=models.Index(fields=["number"], name="search_number")),
        migrations.RunPython(create_structures, drop_structures),
    ]
