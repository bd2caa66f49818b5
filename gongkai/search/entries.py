"""What an index entry holds, derived from an item's plain values: no database, no Django.

One derivation serves every path that writes the index: a single item (``indexing.index_document``),
the catalogue import's batches, and the rebuild, whose worker processes import only this module
(``indexing.rebuild`` runs them on every core). The index's tokens are a function of the entry's
stored matching forms (``tokens``), so the tokens an entry was indexed with can be derived again from
its row: SQLite's index keeps no copy of them (migration 0010) and is told them again to remove an
entry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from gongkai.search.normalise import FIELD_SEPARATOR, fold, grams, ngrams, title_grams, word_tokens
from gongkai.search.segment import segment_folded

ID_BITS = 32  # the id is the low 32 bits of a rank key


def rank_key(published: datetime.date | None, document_id: int) -> int:
    """Newest first in one integer: the publication day above, the id below (ties by id)."""
    return ((published.toordinal() if published else 0) << ID_BITS) | document_id


@dataclass(frozen=True)
class Source:
    """An item's values that its entry is derived from (picklable, for the rebuild's workers)."""

    document_id: int
    title: str
    doc_number: str
    body: str
    attachments: tuple[str, ...]
    org_path: str
    topic: str
    topic_parent: str
    art20: str
    validity: str
    published_date: datetime.date | None


class Forms(NamedTuple):
    """What an entry holds besides its item's values: the matching forms (SearchEntry's columns)
    and the index tokens. A tuple, which the rebuild's workers send back cheaply."""

    title: str
    number: str
    text: str  # title ␞ number ␞ body ␞ attachments
    title_words: str
    words: str
    tokens: str  # index_tokens of the forms above, space-separated
    mask: int | None = None  # PostgreSQL: the hot-token mask (hot.py)


def derive(source: Source, hot_bits: dict[str, int] | None = None, hot_width: int = 0) -> Forms:
    """The entry of an item; with ``hot_bits`` (PostgreSQL's hot-token list), its mask as well."""
    title, number = fold(source.title), fold(source.doc_number)
    body = fold(source.body)
    extra = [fold(t) for t in source.attachments if t]
    text = FIELD_SEPARATOR.join([title, number, body, *extra])
    title_words = " ".join(segment_folded(title))
    words = " ".join(segment_folded(title + FIELD_SEPARATOR + body))
    tokens = index_tokens(title, number, text, title_words, words)
    mask = None
    if hot_bits is not None:
        mask = 0
        for token in (*tokens.split(), *ngrams(text)):
            bit = hot_bits.get(token)
            if bit is not None:
                mask |= 1 << (hot_width - 1 - bit)  # bit 0 is the leftmost of PostgreSQL's bit string
    return Forms(title, number, text, title_words, words, tokens, mask)


def derive_many(sources: list[Source], hot_bits: dict[str, int] | None = None, hot_width: int = 0) -> list[Forms]:
    """derive for each item (one task of the rebuild's workers)."""
    return [derive(source, hot_bits, hot_width) for source in sources]


def fts_tokens(source: Source, tokens: str) -> str:
    """The tokens SQLite's index holds for an entry: its text's (``tokens``) and its filters'."""
    year = source.published_date.year if source.published_date else None
    filters = filter_tokens(source.org_path, source.topic, source.topic_parent, source.validity, source.art20, year)
    return " ".join((tokens, *filters))


def index_tokens(title: str, number: str, text: str, title_words: str, words: str) -> str:
    """The tokens an entry holds (normalise.term_tokens says which a query needs): the distinct
    characters and pairs of its text, the tier-1 tokens of its title and 文号, and "__" + each whole
    word of its text (tier 2). The text's pairs are those of its parts (title, 文号, body,
    attachments), since the separator between them breaks a pair like any punctuation.
    Space-separated, in no particular order (an index does not care)."""
    return " ".join((*grams(text), title_grams(title, title_words, number), word_tokens(words)))


def code_token(prefix: str, code: str) -> str:
    """A filter value as a token: its code in upper-case hexadecimal UTF-8, so that any character
    in a code stays inside one token."""
    return prefix + code.encode("utf-8").hex().upper()


def org_tokens(org_path: str) -> list[str]:
    """ "@o" + the id of the entry's body and of every body above it (its path, /1/7/42/): filtering
    on a body and everything below it is then one token."""
    return ["@o" + part for part in org_path.strip("/").split("/") if part]


def filter_tokens(
    org_path: str, topic: str, topic_parent: str, validity: str, art20: str, year: int | None
) -> list[str]:
    """The filter tokens of an entry on SQLite (backends.filter_tokens spells a query's)."""
    tokens = [*org_tokens(org_path), code_token("@t", topic), code_token("@t", topic_parent)]
    tokens.append(code_token("@v", validity))
    if art20:
        tokens.append(code_token("@a", art20))
    if year is not None:
        tokens.append(f"@y{year}")
    return tokens
