"""Hot tokens on PostgreSQL (search/hot.py; docs/search.md, "PostgreSQL").

- ``hot`` (bit(4000)) and ``hot_version`` on each entry, and the ``HotList`` versions;
- the covering index ``search_rank_hot``: the recency key and the filters, with the mask included
  (uncompressed: see hot.HOT_BITS), so that a walk newest first checks common tokens without
  reading the row;
- a narrower row: the long values (text, grams, words, the token array) are kept out of line once a
  row passes 1 KB (toast_tuple_target; 2 KB by default), so that fetching the rows a GIN search found
  reads fewer pages, while the title and its words, which ranking reads, stay in the row. The mask
  stays in the row, uncompressed (storage plain). Rows already written take the new layout when next written
  (``search_rebuild`` writes them all).
SQLite needs none of this (FTS5 returns matches newest first); there the two columns stay NULL.
"""

from django.db import migrations, models

import gongkai.search.models

PG_FORWARD = [
    "ALTER TABLE search_searchentry SET (toast_tuple_target = 1024)",
    "ALTER TABLE search_searchentry ALTER COLUMN hot SET STORAGE PLAIN",
    """CREATE INDEX search_rank_hot ON search_searchentry
        (rank_key, org_path, validity, topic, topic_parent, art20, year) INCLUDE (hot_version, hot)""",
    "CREATE INDEX search_hot_version ON search_searchentry (hot_version)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS search_hot_version",
    "DROP INDEX IF EXISTS search_rank_hot",
    "ALTER TABLE search_searchentry RESET (toast_tuple_target)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_token_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="HotList",
            fields=[
                ("version", models.IntegerField(primary_key=True, serialize=False)),
                ("tokens", models.JSONField(default=list)),
                ("shares", models.JSONField(default=list)),
                ("recency", models.JSONField(default=list)),
                ("sample", models.IntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        # Nullable without a default: on SQLite an ALTER TABLE, not a table rebuild (which would
        # drop the FTS5 triggers).
        migrations.AddField(
            model_name="searchentry",
            name="hot",
            field=gongkai.search.models.HotMaskField(null=True),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="hot_version",
            field=models.IntegerField(null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
