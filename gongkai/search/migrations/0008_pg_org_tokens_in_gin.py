"""The organisation as tokens of the GIN index, on PostgreSQL (docs/search.md, "Filters are tokens").
SQLite is unchanged: its FTS5 index has held them since 0005.

Why. A search within a body asked GIN for the terms' tokens and the organisation index for the body's
entries, and PostgreSQL intersected the two bitmaps: at a million items, the bitmap of a city's 50,000
entries cost 3–5 ms, paid again by every statement of the search that went through GIN (the count,
and each tier's walk). Now the token index is built over the entry's tokens plus ``@o`` + the id of
its body and of every body above it (the ids of ``org_path``, ``/1/7/42/``: spelled as SQLite's filter
tokens spell them), so that "this body and everything below it" is one more token GIN intersects
while it reads the terms' lists (measured at a million items, with the other changes of the same
day: searches within a city, p95 35 → 21 ms).

An index over an expression rather than a new stored column: the table is not rewritten, and nothing
reads the tokens row by row. A statement uses the index only when it spells the same expression
(backends.TOKENS). Built in about 8 minutes at a million items, like the index it replaces.
"""

from django.db import migrations

# Frozen: pg_indexes.pg_token_expression() spells the same expression today.
EXPRESSION = "(tokens || string_to_array('@o' || replace(btrim(org_path, '/'), '/', ' @o'), ' '))"
FORWARD = [
    "DROP INDEX IF EXISTS search_tokens_gin",
    f"CREATE INDEX IF NOT EXISTS search_tokens_org_gin ON search_searchentry USING gin ({EXPRESSION})",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_tokens_org_gin",
    "CREATE INDEX IF NOT EXISTS search_tokens_gin ON search_searchentry USING gin (tokens)",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET maintenance_work_mem = '512MB'")
        for sql in statements:
            schema_editor.execute(sql)
        schema_editor.execute("RESET maintenance_work_mem")


def forwards(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backwards(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_pg_text_in_row_org_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
