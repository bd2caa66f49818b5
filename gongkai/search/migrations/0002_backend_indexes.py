"""The database-specific index structures over search_searchentry (see docs/search.md)."""

from django.db import migrations

SQLITE_UP = [
    # Substrings of 3+ characters: FTS5's trigram tokenizer matches them exactly.
    """CREATE VIRTUAL TABLE search_tri USING fts5(text, content='search_searchentry',
        content_rowid='document_id', tokenize='trigram')""",
    # 1–2 characters: the exact set of each item's characters and pairs; no positions needed.
    """CREATE VIRTUAL TABLE search_grams USING fts5(grams, content='search_searchentry',
        content_rowid='document_id', tokenize='unicode61 remove_diacritics 0', detail='none')""",
    # Whole words, for ranking (a phrase of the query's segmented words).
    """CREATE VIRTUAL TABLE search_words USING fts5(words, content='search_searchentry',
        content_rowid='document_id', tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_entry_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_tri(rowid, text) VALUES (new.document_id, new.text);
        INSERT INTO search_grams(rowid, grams) VALUES (new.document_id, new.grams);
        INSERT INTO search_words(rowid, words) VALUES (new.document_id, new.words);
    END""",
    """CREATE TRIGGER search_entry_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_tri(search_tri, rowid, text) VALUES ('delete', old.document_id, old.text);
        INSERT INTO search_grams(search_grams, rowid, grams) VALUES ('delete', old.document_id, old.grams);
        INSERT INTO search_words(search_words, rowid, words) VALUES ('delete', old.document_id, old.words);
    END""",
    """CREATE TRIGGER search_entry_au AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_tri(search_tri, rowid, text) VALUES ('delete', old.document_id, old.text);
        INSERT INTO search_grams(search_grams, rowid, grams) VALUES ('delete', old.document_id, old.grams);
        INSERT INTO search_words(search_words, rowid, words) VALUES ('delete', old.document_id, old.words);
        INSERT INTO search_tri(rowid, text) VALUES (new.document_id, new.text);
        INSERT INTO search_grams(rowid, grams) VALUES (new.document_id, new.grams);
        INSERT INTO search_words(rowid, words) VALUES (new.document_id, new.words);
    END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_words",
    "DROP TABLE IF EXISTS search_grams",
    "DROP TABLE IF EXISTS search_tri",
]
PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX search_text_trgm ON search_searchentry USING gin (text gin_trgm_ops)",
    "CREATE INDEX search_grams_gin ON search_searchentry USING gin (string_to_array(grams, ' '))",
    "CREATE INDEX search_words_gin ON search_searchentry USING gin (to_tsvector('simple', words))",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS search_words_gin",
    "DROP INDEX IF EXISTS search_grams_gin",
    "DROP INDEX IF EXISTS search_text_trgm",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"sqlite": SQLITE_UP, "postgresql": PG_UP}.get(vendor, []))


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}.get(vendor, []))


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_entry")]
    operations = [migrations.RunPython(forwards, backwards)]
