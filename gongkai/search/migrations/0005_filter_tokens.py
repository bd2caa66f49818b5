"""Filters as tokens of the FTS5 index, on SQLite (docs/search.md, "Filters as tokens").

A filtered search used to check each match's filters on the covering index search_rank: for a city
holding 5% of the items, a walk read twenty times as many matches as the page needed, one b-tree
probe each. Now every entry also holds one token per filter value, and FTS5 intersects them with the
query's tokens like any term:

- ``@o<id>`` for its organisation and every body above it (the ids of ``org_path``, ``/1/7/42/``), so
  that filtering on a body and everything below it is one token;
- ``@t<hex>`` for its topic class and the class above it, ``@a<hex>`` for its Art. 20 item, ``@v<hex>``
  for its 有效性 (the codes in hexadecimal, so that any character in a code stays inside one token),
  and ``@y<year>``.

They are a virtual generated column of the entry (computed from the filter columns whenever FTS5
reads the row; nothing stored), so they cannot disagree with the columns the filters are defined on.
"@" becomes a token character; no other token has one (grams are letters, digits and ideographs;
ranking tokens add "_").

PostgreSQL is unchanged: its filters are read from the covering index.
"""

from django.db import migrations

# backends.SqliteBackend.filter_tokens spells the same tokens for a query.
FILTER_TOKENS_SQL = (
    "'@o' || replace(trim(org_path, '/'), '/', ' @o')"
    " || ' @t' || hex(topic) || ' @t' || hex(topic_parent)"
    " || ' @v' || hex(validity)"
    " || CASE WHEN art20 <> '' THEN ' @a' || hex(art20) ELSE '' END"
    " || CASE WHEN year IS NOT NULL THEN ' @y' || year ELSE '' END"
)
COLUMNS = ("grams", "title_grams", "word_tokens", "filter_tokens")
OLD_COLUMNS = COLUMNS[:3]


def _triggers(columns):
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO search_tokens(rowid, {names}) VALUES (new.rank_key, {new});"
    delete = f"INSERT INTO search_tokens(search_tokens, rowid, {names}) VALUES ('delete', old.rank_key, {old});"
    return [
        f"CREATE TRIGGER search_entry_ai AFTER INSERT ON search_searchentry BEGIN {insert} END",
        f"CREATE TRIGGER search_entry_ad AFTER DELETE ON search_searchentry BEGIN {delete} END",
        f"CREATE TRIGGER search_entry_au AFTER UPDATE ON search_searchentry BEGIN {delete} {insert} END",
    ]


def _index(columns, tokenchars):
    return [
        "DROP TRIGGER IF EXISTS search_entry_au",
        "DROP TRIGGER IF EXISTS search_entry_ad",
        "DROP TRIGGER IF EXISTS search_entry_ai",
        "DROP TABLE IF EXISTS search_tokens",
        f"""CREATE VIRTUAL TABLE search_tokens USING fts5({", ".join(columns)},
            content='search_searchentry', content_rowid='rank_key',
            tokenize="unicode61 remove_diacritics 0 tokenchars '{tokenchars}'", detail='none')""",
        *_triggers(columns),
        # Reads every entry once (a minute or two per 100,000 items).
        "INSERT INTO search_tokens(search_tokens) VALUES ('rebuild')",
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        f"ALTER TABLE search_searchentry ADD COLUMN filter_tokens TEXT GENERATED ALWAYS AS ({FILTER_TOKENS_SQL}) VIRTUAL"
    )
    for sql in _index(COLUMNS, "_@"):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in _index(OLD_COLUMNS, "_"):
        schema_editor.execute(sql)
    schema_editor.execute("ALTER TABLE search_searchentry DROP COLUMN filter_tokens")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_hot_tokens"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
