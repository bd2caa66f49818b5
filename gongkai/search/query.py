"""Searching the published catalogue: matching, filters, ranking, facets and snippets.

Ranking (exact title or 文号 matches first, then whole-word matches, then the rest; ties by recency):
tier 0 when the query is the title or the 文号; 1 when every term is whole words of the title; 2 when
every term is whole words of the text (the segmenter tells the word 华人 from 华人 inside
中华人民共和国); 3 for substring-only matches. See backends.Backend.rank_expression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from gongkai.catalogue.models import Document, Term, Validity, Vocabulary
from gongkai.orgs.models import Organisation
from gongkai.search.backends import Sql, backend
from gongkai.search.normalise import MAX_QUERY_CHARS, ParsedQuery, fold, fold_with_offsets, parse_query

SORTS = ("relevance", "date")
PAGE_SIZE = 20
MAX_PAGE = 500


@dataclass
class SearchFilters:
    org: Organisation | None = None
    topic: str = ""
    art20: str = ""
    year: int | None = None
    validity: str = ""

    def apply(self, sql: Sql) -> None:
        if self.org is not None:
            sql.add("e.org_path LIKE %s", self.org.path + "%")
        if self.topic:
            sql.add("(e.topic = %s OR e.topic_parent = %s)", self.topic, self.topic)
        if self.art20:
            sql.add("e.art20 = %s", self.art20)
        if self.year:
            sql.add("e.year = %s", self.year)
        if self.validity in Validity.values:
            sql.add("e.validity = %s", self.validity)


@dataclass
class SearchHit:
    document: Document
    tier: int | None  # None when sorted by date
    title: SafeString
    snippet: SafeString
    number: SafeString


@dataclass
class SearchResult:
    query: ParsedQuery
    total: int
    hits: list[SearchHit]
    page: int
    page_size: int
    sort: str
    facets: dict[str, list[tuple[Any, str, int]]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, min(MAX_PAGE, -(-self.total // self.page_size)))


def matching_ids(terms: tuple[str, ...], filters: SearchFilters | None = None) -> set[int]:
    """Every published item matching all terms (used by the recall tests and the benchmark)."""
    sql = _where(terms, filters or SearchFilters())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT e.document_id FROM search_searchentry e WHERE {sql.clause()}", sql.params)
        return {row[0] for row in cursor.fetchall()}


def _where(terms: tuple[str, ...], filters: SearchFilters) -> Sql:
    sql = Sql()
    engine = backend()
    for term in terms:
        engine.term_predicate(sql, term)
    filters.apply(sql)
    return sql


def search(
    raw_query: str | None,
    filters: SearchFilters | None = None,
    *,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = PAGE_SIZE,
    with_facets: bool = True,
) -> SearchResult:
    parsed = parse_query(raw_query)
    filters = filters or SearchFilters()
    sort = sort if sort in SORTS else "relevance"
    page = max(1, min(int(page), MAX_PAGE))
    result = SearchResult(parsed, 0, [], page, page_size, sort)
    if parsed.empty:
        return result
    sql = _where(parsed.terms, filters)
    where = sql.clause()
    engine = backend()
    rank_params: list[Any] = []
    if sort == "date":  # no tiers to compute: the ranking expression is the costly part
        rank_sql = "NULL"
        order = "e.published_date DESC, e.document_id DESC"
    else:
        rank_sql, rank_params = engine.rank_expression(parsed.terms)
        order = "tier, e.published_date DESC, e.document_id DESC"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM search_searchentry e WHERE {where}", sql.params)
        result.total = cursor.fetchone()[0]
        # A page past the end (an old link, a typed URL) shows the last page instead of nothing.
        page = result.page = min(page, result.pages)
        if result.total:
            cursor.execute(
                f"SELECT e.document_id, {rank_sql} AS tier FROM search_searchentry e WHERE {where} "
                f"ORDER BY {order} LIMIT %s OFFSET %s",
                [*rank_params, *sql.params, page_size, (page - 1) * page_size],
            )
            rows = cursor.fetchall()
        else:
            rows = []
    docs = (
        Document.objects.select_related("org", "topic__parent")
        .prefetch_related("attachments")
        .in_bulk([r[0] for r in rows])
    )
    terms = parsed.terms
    result.hits = [
        SearchHit(
            document=doc,
            tier=tier,
            title=highlight(doc.title, terms),
            snippet=snippet(doc, terms),
            number=highlight(doc.doc_number, terms),
        )
        for doc_id, tier in rows
        if (doc := docs.get(doc_id)) is not None
    ]
    if with_facets and result.total:
        result.facets = facets(where, sql.params)
    return result


def facets(where: str, params: list[Any]) -> dict[str, list[tuple[Any, str, int]]]:
    """Counts next to the filters: (value, label, count), largest first."""
    out: dict[str, list[tuple[Any, str, int]]] = {}
    labels = {
        "topic_parent": dict(Term.objects.filter(vocabulary=Vocabulary.TOPIC).values_list("code", "label")),
        "art20": dict(Term.objects.filter(vocabulary=Vocabulary.ART20).values_list("code", "label")),
        "validity": dict(Validity.choices),
    }
    with connection.cursor() as cursor:
        for column in ("topic_parent", "art20", "year", "validity", "org_path"):
            cursor.execute(
                f"SELECT e.{column}, COUNT(*) FROM search_searchentry e WHERE {where} "
                f"GROUP BY e.{column} ORDER BY COUNT(*) DESC LIMIT 30",
                params,
            )
            rows = [(value, count) for value, count in cursor.fetchall() if value not in (None, "")]
            if column == "org_path":
                orgs = Organisation.objects.in_bulk([int(p.strip("/").rsplit("/", 1)[-1]) for p, _ in rows])
                out["org"] = [
                    (orgs[i].slug, orgs[i].name, n)
                    for p, n in rows
                    if (i := int(p.strip("/").rsplit("/", 1)[-1])) in orgs
                ]
            elif column == "year":
                out["year"] = sorted(((v, f"{v}年", n) for v, n in rows), reverse=True)
            else:
                name = "topic" if column == "topic_parent" else column
                out[name] = [(v, labels[column].get(v, v), n) for v, n in rows]
    return out


def highlight(text: str, terms: tuple[str, ...], start: int = 0, end: int | None = None) -> SafeString:
    """Escape ``text[start:end]`` and wrap every occurrence of a term (in matching form) in <mark>."""
    end = len(text) if end is None else end
    piece = text[start:end]
    folded, where = fold_with_offsets(piece)
    marks = [False] * len(piece)
    for term in terms:
        i = folded.find(term)
        while i >= 0:
            for j in range(where[i], where[i + len(term) - 1] + 1):
                marks[j] = True
            i = folded.find(term, i + 1)
    out, open_ = [], False
    for ch, marked in zip(piece, marks, strict=True):
        if marked and not open_:
            out.append("<mark>")
        elif not marked and open_:
            out.append("</mark>")
        open_ = marked
        out.append(escape(ch))
    if open_:
        out.append("</mark>")
    # Safe: every character above went through escape().
    return mark_safe("".join(out))


SNIPPET_CHARS = 120
_CHUNK = 600  # must exceed 2 × MAX_QUERY_CHARS


def snippet(doc: Document, terms: tuple[str, ...]) -> SafeString:
    """A window of the body (or an attachment) around the first match, highlighted."""
    sources = [doc.body, *(a.extracted_text for a in doc.attachments.all())]
    for text in sources:
        # Find the first chunk that matches with the fast fold, then map offsets in that chunk only.
        # Chunks overlap by more than the longest query, so no match is cut in two.
        for start in range(0, len(text), _CHUNK - 2 * MAX_QUERY_CHARS):
            chunk = text[start : start + _CHUNK]
            folded_chunk = fold(chunk)
            if not any(t in folded_chunk for t in terms):
                continue
            folded, where = fold_with_offsets(chunk)
            first = min(i for t in terms if (i := folded.find(t)) >= 0)
            left = max(0, start + where[first] - SNIPPET_CHARS // 3)
            right = min(len(text), left + SNIPPET_CHARS)
            prefix = "…" if left > 0 else ""
            suffix = "…" if right < len(text) else ""
            return mark_safe(prefix + highlight(text, terms, left, right) + suffix)
    summary = doc.summary or doc.body
    return highlight(summary[:SNIPPET_CHARS], terms)
