"""Two changes to the entries on PostgreSQL for the substring test and for counting within an
organisation (docs/search.md, "PostgreSQL: hot tokens"). SQLite is unchanged.

The folded text stays in the row. A term of three or more characters that is not a hot token is
confirmed on each candidate's text (``strpos``). Since 0004 the row is kept under 1 KB by moving its
long values out of line, the text among them, and reading a value out of line costs a lookup in the
TOAST table's index and a fetch for every row: measured at a million items, about 9 µs a row, a
count of 1,001 matches of 七十条 spending 9 of its 14 ms on it. The text is short (a few hundred
bytes on average), so it is now kept in the row, compressed when long (storage MAIN: out of line
only when the row would not fit in a page); the grams, the words and the token array, which nothing
reads row by row, stay out of line. About a fifth more heap pages, for a read in place (under 1 µs a
row). Rows already written take the new layout when next written; ``search_rebuild`` writes them all.

``search_org_hot``, a covering index: the organisation's path first (pattern operators, so that
"this body and everything below it", a prefix, is one range whatever the database's collation), then
the other filters, the recency key and the mask. Counting the matches of common tokens within a body
reads the body's tuples one after another and tests the bits on them, with no bitmap of the body's
items and no row (backends.PostgresBackend._org_count). Built in 8 s at a million items; about as
large as ``search_rank_hot``.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE search_searchentry ALTER COLUMN text SET STORAGE MAIN",
    """CREATE INDEX search_org_hot ON search_searchentry (org_path varchar_pattern_ops)
        INCLUDE (validity, topic, topic_parent, art20, year, rank_key, hot_version, hot)""",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_org_hot",
    "ALTER TABLE search_searchentry ALTER COLUMN text SET STORAGE EXTENDED",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for sql in statements:
            schema_editor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backwards(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_fts_newest_first"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
