"""SQL for each database behind one interface.

Every term becomes one predicate that is exact (recall 1.0 by construction):
- 3+ characters: the trigram index (SQLite FTS5 trigram phrase; PostgreSQL pg_trgm LIKE, rechecked);
- 1–2 letters/digits/ideographs: the set of the item's characters and pairs (exact membership);
- anything else (a short run of punctuation): a plain substring test on the stored text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from gongkai.search.normalise import is_gram_char
from gongkai.search.segment import segment_words


@dataclass
class Sql:
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.where.append(clause)
        self.params.extend(params)

    def clause(self) -> str:
        return " AND ".join(self.where) if self.where else "1=1"


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _like_contains(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Backend:
    vendor = ""

    def term_predicate(self, sql: Sql, term: str) -> None:
        raise NotImplementedError

    def rank_expression(self, terms: tuple[str, ...]) -> tuple[str, list[Any]]:
        """0: the query is the title or the 文号; 1: every term matches the title (or 文号) strongly;
        2: every term is whole words of the text; 3: the rest (substring only).

        A title match is weak when every occurrence lies strictly inside one segmented word
        (华人 inside 中华人民共和国); a term spanning several words, or touching a word's edge, is strong.
        """
        whole = "".join(terms)
        exact = "(e.title = %s OR e.number = %s)"
        params: list[Any] = [whole, whole]
        padded = "(' ' || e.title_words || ' ')"
        strong = []
        for term in terms:
            title = (
                f"({self.position('e.title')} > 0 AND "
                f"({self.position(padded)} = 0 OR {self.position(padded)} > 0 OR {self.position(padded)} > 0))"
            )
            if _number_like(term):
                strong.append(f"({self.position('e.number')} > 0 OR {title})")
                params.append(term)
            else:
                strong.append(title)
            params += [term, term, " " + term, term + " "]
        in_title = " AND ".join(strong)
        phrases = _word_phrases(terms)
        if not phrases:
            return f"CASE WHEN {exact} THEN 0 WHEN {in_title} THEN 1 ELSE 3 END", params
        words_sql, words_params = self.words_predicate(phrases)
        return f"CASE WHEN {exact} THEN 0 WHEN {in_title} THEN 1 WHEN {words_sql} THEN 2 ELSE 3 END", [
            *params,
            *words_params,
        ]

    def position(self, haystack: str) -> str:
        raise NotImplementedError

    def words_predicate(self, phrases: list[list[str]]) -> tuple[str, list[Any]]:
        raise NotImplementedError


def _number_like(term: str) -> bool:
    """A term that can stand for part of a 文号: it has a digit (year, serial) or is an issuing-body
    code of 4+ characters (国务院令). 华人 inside 中华人民共和国国务院令第802号 is not one."""
    return any(c.isdigit() for c in term) or len(term) >= 4


def _word_phrases(terms: tuple[str, ...]) -> list[list[str]]:
    phrases = []
    for term in terms:
        words = segment_words(term)
        if words:
            phrases.append(words)
    return phrases


class SqliteBackend(Backend):
    vendor = "sqlite"

    def term_predicate(self, sql: Sql, term: str) -> None:
        if len(term) >= 3:
            sql.add("e.document_id IN (SELECT rowid FROM search_tri WHERE search_tri MATCH %s)", _fts_phrase(term))
        elif all(is_gram_char(c) for c in term):
            sql.add("e.document_id IN (SELECT rowid FROM search_grams WHERE search_grams MATCH %s)", _fts_phrase(term))
        else:
            sql.add("instr(e.text, %s) > 0", term)

    def position(self, haystack: str) -> str:
        return f"instr({haystack}, %s)"

    def words_predicate(self, phrases: list[list[str]]) -> tuple[str, list[Any]]:
        query = " AND ".join(_fts_phrase(" ".join(p)) for p in phrases)
        return "e.document_id IN (SELECT rowid FROM search_words WHERE search_words MATCH %s)", [query]


class PostgresBackend(Backend):
    vendor = "postgresql"

    def term_predicate(self, sql: Sql, term: str) -> None:
        if len(term) >= 3:
            sql.add("e.text LIKE %s", _like_contains(term))
        elif all(is_gram_char(c) for c in term):
            sql.add("string_to_array(e.grams, ' ') @> ARRAY[%s]::text[]", term)
        else:
            sql.add("strpos(e.text, %s) > 0", term)

    def position(self, haystack: str) -> str:
        return f"strpos({haystack}, %s)"

    def words_predicate(self, phrases: list[list[str]]) -> tuple[str, list[Any]]:
        query = " && ".join("phraseto_tsquery('simple', %s)" for _ in phrases)
        # A set computed once through the GIN index, not to_tsvector evaluated on every matching row.
        sql = (
            "e.document_id IN (SELECT w.document_id FROM search_searchentry w "
            f"WHERE to_tsvector('simple', w.words) @@ ({query}))"
        )
        return sql, [" ".join(p) for p in phrases]


def backend() -> Backend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}")
