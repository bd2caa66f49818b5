"""The index's tokens are no longer stored as text beside it (docs/search.md, "Size").

Until now an entry kept its tokens three times over: as the text columns ``grams``, ``title_grams``
and ``word_tokens`` (two thirds of the row), in the index, and on PostgreSQL once more as the
generated array ``tokens``. The tokens are a function of the entry's matching forms (title, 文号,
text, segmented words), so the text columns go:
- SQLite: the FTS5 table becomes contentless (it keeps no copy of what it indexes) and loses its
  triggers; indexing.py writes each entry's tokens itself and, to remove an entry, derives them
  again from its row. The tokens are carried over from the old columns here, in one statement.
- PostgreSQL: ``tokens`` becomes a plain column (its values stay), written by indexing.py; GIN and
  its indexes are unchanged.
"""

import importlib

from django.db import migrations, models

import gongkai.search.models

# The tokens are space-separated and hold nothing but letters, digits, ideographs, "_" and "@": the
# ascii tokenizer splits them exactly there (every non-ASCII character is a token character to it) and
# costs less than unicode61, which looked each character up (a rebuild wrote 22% faster).
TOKENIZER = "ascii tokenchars '_@'"

SQLITE_FORWARDS = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    f"""CREATE VIRTUAL TABLE search_tokens_new USING fts5(tokens, content='', columnsize=0,
        tokenize="{TOKENIZER}", detail='none')""",
    # Pending tokens are written out when they reach this size (default 1 MB) or at commit: a batch
    # of thousands of entries (rebuild, import) then writes fewer, larger segments and merges less
    # (at 20,000 entries, 129 µs an entry against 187).
    "INSERT INTO search_tokens_new(search_tokens_new, rank) VALUES ('hashsize', 67108864)",
    # Newest first, FTS5's cheapest order (ascending rowid).
    """INSERT INTO search_tokens_new(rowid, tokens)
        SELECT fts_key, grams || ' ' || title_grams || ' ' || word_tokens || ' ' || filter_tokens
        FROM search_searchentry ORDER BY fts_key""",
    "DROP TABLE search_tokens",
    "ALTER TABLE search_tokens_new RENAME TO search_tokens",
    "DROP INDEX IF EXISTS search_fts_key",
    "ALTER TABLE search_searchentry DROP COLUMN fts_key",
    "ALTER TABLE search_searchentry DROP COLUMN filter_tokens",
]
PG_FORWARDS = ["ALTER TABLE search_searchentry ALTER COLUMN tokens DROP EXPRESSION"]

# Frozen: the expression indexes of 0008 (search_tokens_org_gin) over the generated column of 0003.
PG_BACKWARDS = [
    "DROP INDEX IF EXISTS search_tokens_recent_gin",
    "DROP INDEX IF EXISTS search_tokens_org_gin",
    "ALTER TABLE search_searchentry DROP COLUMN tokens",
    """ALTER TABLE search_searchentry ADD COLUMN tokens text[]
        GENERATED ALWAYS AS (string_to_array(grams || ' ' || title_grams || ' ' || word_tokens, ' ')) STORED""",
    "CREATE INDEX IF NOT EXISTS search_tokens_org_gin ON search_searchentry USING gin "
    "((tokens || string_to_array('@o' || replace(btrim(org_path, '/'), '/', ' @o'), ' ')))",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARDS, "postgresql": PG_FORWARDS}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    """The structures of 0009, over empty token columns: ``search_rebuild`` (of that version) fills
    them again."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in PG_BACKWARDS:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        filters = importlib.import_module("gongkai.search.migrations.0005_filter_tokens").FILTER_TOKENS_SQL
        schema_editor.execute("DROP TABLE IF EXISTS search_tokens")
        schema_editor.execute(
            f"ALTER TABLE search_searchentry ADD COLUMN filter_tokens TEXT GENERATED ALWAYS AS ({filters}) VIRTUAL"
        )
        importlib.import_module("gongkai.search.migrations.0006_fts_newest_first").forwards(apps, schema_editor)


def add_tokens_column(apps, schema_editor):
    # PostgreSQL has it (forwards made it a plain column); SQLite's stays NULL.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ALTER TABLE search_searchentry ADD COLUMN tokens text NULL")


def drop_tokens_column(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ALTER TABLE search_searchentry DROP COLUMN tokens")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0009_title_runs"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        # A default first, so that unapplying adds the columns back (empty) to a table with rows.
        *(
            migrations.AlterField(model_name="searchentry", name=name, field=models.TextField(default=""))
            for name in ("grams", "title_grams", "word_tokens")
        ),
        migrations.RemoveField(model_name="searchentry", name="grams"),
        migrations.RemoveField(model_name="searchentry", name="title_grams"),
        migrations.RemoveField(model_name="searchentry", name="word_tokens"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="searchentry",
                    name="tokens",
                    field=gongkai.search.models.TokenArrayField(null=True),
                ),
            ],
            database_operations=[migrations.RunPython(add_tokens_column, drop_tokens_column)],
        ),
    ]
