"""The FTS5 index in newest-first order, on SQLite (docs/search.md, "Recency is the index's order").

FTS5 walks a token's list fastest in the order it stores it, ascending rowid; walking it backwards
(``ORDER BY rowid DESC``) makes it decode each leaf page forwards and then step back through it. A
search walks newest first, so the index's rowid becomes the recency key negated: ``fts_key`` =
-``rank_key``, a virtual generated column of the entry (nothing stored; an index on it lets FTS5 read
an entry by its rowid, as its ``'rebuild'`` and integrity check do). Searches then walk
``ORDER BY rowid ASC`` and turn the rowid back into the recency key with a minus sign.

The triggers and the token columns are those of 0005; only the rowid changes. PostgreSQL is
unchanged.
"""

import importlib

from django.db import migrations

COLUMNS = ("grams", "title_grams", "word_tokens", "filter_tokens")


def _triggers(rowid):
    names = ", ".join(COLUMNS)
    new = ", ".join(f"new.{c}" for c in COLUMNS)
    old = ", ".join(f"old.{c}" for c in COLUMNS)
    insert = f"INSERT INTO search_tokens(rowid, {names}) VALUES (new.{rowid}, {new});"
    delete = f"INSERT INTO search_tokens(search_tokens, rowid, {names}) VALUES ('delete', old.{rowid}, {old});"
    return [
        f"CREATE TRIGGER search_entry_ai AFTER INSERT ON search_searchentry BEGIN {insert} END",
        f"CREATE TRIGGER search_entry_ad AFTER DELETE ON search_searchentry BEGIN {delete} END",
        f"CREATE TRIGGER search_entry_au AFTER UPDATE ON search_searchentry BEGIN {delete} {insert} END",
    ]


INDEX = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_tokens",
    f"""CREATE VIRTUAL TABLE search_tokens USING fts5({", ".join(COLUMNS)},
        content='search_searchentry', content_rowid='fts_key',
        tokenize="unicode61 remove_diacritics 0 tokenchars '_@'", detail='none')""",
    *_triggers("fts_key"),
    # Reads every entry once, through the index on fts_key (about six minutes at a million items;
    # docs/operations.md).
    "INSERT INTO search_tokens(search_tokens) VALUES ('rebuild')",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        "ALTER TABLE search_searchentry ADD COLUMN fts_key INTEGER GENERATED ALWAYS AS (-rank_key) VIRTUAL"
    )
    schema_editor.execute("CREATE INDEX search_fts_key ON search_searchentry (fts_key)")
    for sql in INDEX:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    previous = importlib.import_module("gongkai.search.migrations.0005_filter_tokens")
    for sql in previous._index(previous.COLUMNS, "_@"):
        schema_editor.execute(sql)
    schema_editor.execute("DROP INDEX IF EXISTS search_fts_key")
    schema_editor.execute("ALTER TABLE search_searchentry DROP COLUMN fts_key")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_filter_tokens"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
