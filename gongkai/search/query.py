"""Searching the published catalogue: matching, filters, ranking, facets and snippets.

Ranking (exact title or 文号 matches first, then whole-word matches, then the rest; ties by recency):
tier 0 when the query is the title or the 文号; 1 when every term matches the title strongly; 2 when
every term is whole words of the text (the segmenter tells the word 华人 from 华人 inside
中华人民共和国); 3 for substring-only matches. See backends.Backend.rank_expression.

A page is found without ranking every match: the tiers are walked one after another, each newest
first, and the walk stops once the page is full (``ranked_ids``). After every exact match, tier 4
holds the items found only by how the other region writes the query's words (资讯 for 信息).
Counts stop at the tuning's ``count_cap``, and facets describe the newest that many exact matches
when there are more (docs/search.md).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from gongkai.catalogue.models import Attachment, Document, Term, Validity, Vocabulary
from gongkai.core.numbers import int_param
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import org_by_slug
from gongkai.search import normalise
from gongkai.search.backends import FACET_COLUMNS, Backend, Sql, backend, word_phrases
from gongkai.search.models import SearchEntry
from gongkai.search.normalise import ParsedQuery, parse_query
from gongkai.search.tuning import Tuning

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

    @classmethod
    def from_params(cls, params: dict[str, str]) -> SearchFilters:
        """The filters of a query string (portal and API alike); unknown or malformed values are
        ignored, never an error."""
        return cls(
            org=org_by_slug(params.get("org", "")[:60]) if params.get("org") else None,
            topic=params.get("topic", "")[:10],
            art20=params.get("art20", "")[:10],
            year=int_param(params.get("year"), lo=1900, hi=2100),
            validity=params.get("validity", "")[:10],
        )

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
    total_capped: bool = False  # more matches than the count cap (Tuning.count_cap): total is the cap, shown as "以上"
    regional: int = 0  # of ``total``, the items found only by a regional variant (tier 4, last)

    @property
    def pages(self) -> int:
        return max(1, min(MAX_PAGE, -(-self.total // self.page_size)))


# What a result shows (the portal's hit list and the API): loading only these keeps a page fast.
HIT_FIELDS = (
    "title",
    "doc_number",
    "body",
    "summary",
    "index_number",
    "publisher_name",
    "written_date",
    "published_date",
    "validity",
    "org__slug",
    "org__name",
    "topic__label",
    "topic__parent__label",
)


def matching_ids(terms: tuple[str, ...], filters: SearchFilters | None = None) -> set[int]:
    """Every published item matching all terms (the full set: recall tests and the benchmark)."""
    sql = backend().match_sql(terms, filters or SearchFilters())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT e.document_id FROM search_searchentry e WHERE {sql.clause()}", sql.params)
        return {row[0] for row in cursor.fetchall()}


def reference_order(terms: tuple[str, ...], filters: SearchFilters | None = None) -> list[tuple[int, int]]:
    """Every match as (id, tier), ranked by evaluating the tier of every row and sorting: the
    definition that ``ranked_ids`` must agree with (used by the tests, too slow for a portal). The
    filters are applied on their columns (SearchFilters.apply), whatever the index holds of them."""
    engine = backend()
    sql = engine.match_sql(terms, SearchFilters())
    (filters or SearchFilters()).apply(sql)
    rank_sql, rank_params = engine.rank_expression(terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.document_id, {rank_sql} AS tier FROM search_searchentry e WHERE {sql.clause()} "
            "ORDER BY tier, e.rank_key DESC",
            [*rank_params, *sql.params],
        )
        return [(row[0], row[1]) for row in cursor.fetchall()]


def ranked_ids(
    terms: tuple[str, ...], filters: SearchFilters, offset: int, limit: int, engine: Backend | None = None
) -> list[tuple[int, int]]:
    """Rows ``offset`` to ``offset + limit`` of ``reference_order``, walking as little as possible.

    Each tier's predicate also holds for some items of better tiers, so a walk asks for as many more
    rows as have been seen, and drops those. A tier is reached only when the walks before it came back
    short, that is, complete: every item of a better tier has then been seen.
    """
    engine = engine or backend()
    tiers = (0, 1, 2, 3) if word_phrases(terms) else (0, 1, 3)
    wanted = offset + limit
    out: list[tuple[int, int]] = []
    seen: set[int] = set()
    for tier in tiers:
        rows = engine.walk(tier, terms, filters, wanted - len(out) + len(seen))
        for row in rows:
            if row[0] not in seen:
                seen.add(row[0])
                out.append((row[0], tier))
        if len(out) >= wanted:
            break
    return out[offset:wanted]


# Tier 4: items found only by how the other region writes the query's words (资讯 for 信息, 软体
# for 软件; normalise.regional_variants), after every exact match and never among them.
REGIONAL_TIER = 4
MAX_ALTERNATIVES = 8


def regional_alternatives(terms: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The query with some of its terms written the other region's way (at most MAX_ALTERNATIVES)."""
    combos = itertools.product(*((t, *normalise.regional_variants(t)) for t in terms))
    next(combos)  # the query itself
    return tuple(itertools.islice(combos, MAX_ALTERNATIVES))


def regional_ids(
    terms: tuple[str, ...], filters: SearchFilters, exact: set[int], room: int, engine: Backend
) -> list[int]:
    """Items matched by an alternative of the query but not by the query, newest first, at most
    ``room``. Each alternative is walked newest first far enough to hold ``room`` items besides the
    exact ones, so the newest ``room`` of the union are among what was read."""
    found: set[int] = set()
    for alternative in regional_alternatives(terms):
        rows = type(engine)(engine.tuning).walk(3, alternative, filters, room + len(exact))
        found.update(row[0] for row in rows if row[0] not in exact)
    if not found:
        return []
    keys = dict(SearchEntry.objects.filter(document_id__in=found).values_list("document_id", "rank_key"))
    return sorted(found, key=lambda pk: -keys.get(pk, 0))[:room]


def search(
    raw_query: str | None,
    filters: SearchFilters | None = None,
    *,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = PAGE_SIZE,
    with_facets: bool = True,
    tuning: Tuning | None = None,
) -> SearchResult:
    """A page of results; ``tuning``: how the backend plans (default: tuning.configured())."""
    parsed = parse_query(raw_query)
    filters = filters or SearchFilters()
    sort = sort if sort in SORTS else "relevance"
    page = max(1, min(int(page), MAX_PAGE))
    result = SearchResult(parsed, 0, [], page, page_size, sort)
    if parsed.empty:
        return result
    _search(backend(tuning), parsed.terms, filters, result, sort, page, page_size, with_facets)
    return result


def _search(
    engine: Backend,
    terms: tuple[str, ...],
    filters: SearchFilters,
    result: SearchResult,
    sort: str,
    page: int,
    page_size: int,
    with_facets: bool,
) -> None:
    cap = engine.tuning.count_cap
    total = engine.count(terms, filters, cap + 1)
    regional: list[int] = []
    if total <= cap and regional_alternatives(terms):  # beyond the cap it would lie past the last page
        exact = {row[0] for row in engine.walk(3, terms, filters, cap + 1)} if total else set()
        regional = regional_ids(terms, filters, exact, cap + 1 - total, engine)
    combined = total + len(regional)
    result.total, result.total_capped = min(combined, cap), combined > cap
    result.regional = min(len(regional), result.total)
    # A page past the end (an old link, a typed URL) shows the last page instead of nothing.
    page = result.page = min(page, result.pages)
    offset = (page - 1) * page_size
    rows: list[tuple[int, int | None]] = []
    if total and sort == "date":
        rows = [(r[0], None) for r in engine.walk(3, terms, filters, offset + page_size)[offset:]]
    elif total:
        rows = list(ranked_ids(terms, filters, offset, page_size, engine))
    if regional and len(rows) < page_size:  # the regional tier follows the last exact match
        start = max(0, offset - total)
        rows += [(pk, REGIONAL_TIER) for pk in regional[start : start + page_size - len(rows)]]
    docs = Document.objects.select_related("org", "topic__parent").only(*HIT_FIELDS).in_bulk([r[0] for r in rows])
    # The snippet comes from the body when it holds a term; the attachments' text is read, in one
    # statement, only for the items whose body holds none (an item found by its title alone).
    first = _finders(terms)[1]
    attached: dict[int, list[str]] = {pk: [] for pk, doc in docs.items() if not first.search(doc.body)}
    if attached:
        texts = Attachment.objects.filter(document_id__in=list(attached)).order_by("id")
        for doc_id, text in texts.values_list("document_id", "extracted_text"):
            attached[doc_id].append(text)
    # A regional hit is marked with the words it was found by.
    variants = tuple(dict.fromkeys(t for alternative in regional_alternatives(terms) for t in alternative))
    result.hits = [
        SearchHit(
            document=doc,
            tier=tier,
            title=highlight(doc.title, shown),
            snippet=snippet(doc, shown, attached.get(doc_id, ())),
            number=highlight(doc.doc_number, shown),
        )
        for doc_id, tier in rows
        if (doc := docs.get(doc_id)) is not None
        for shown in [variants if tier == REGIONAL_TIER else terms]
    ]
    if with_facets and total:
        result.facets = facets(terms, filters, engine)


def facets(
    terms: tuple[str, ...], filters: SearchFilters, engine: Backend | None = None
) -> dict[str, list[tuple[Any, str, int]]]:
    """Counts next to the filters: (value, label, count), largest first. Beyond the count cap
    (Tuning.count_cap) they describe the newest that many matches (the page says so)."""
    engine = engine or backend()
    rows = engine.walk(3, terms, filters, engine.tuning.count_cap, columns=FACET_COLUMNS)
    counters = {column: Counter[Any]() for column in FACET_COLUMNS}
    for row in rows:
        for column, value in zip(FACET_COLUMNS, row[1:], strict=True):
            if value not in (None, ""):
                counters[column][value] += 1
    labels = {
        "topic_parent": dict(Term.objects.filter(vocabulary=Vocabulary.TOPIC).values_list("code", "label")),
        "art20": dict(Term.objects.filter(vocabulary=Vocabulary.ART20).values_list("code", "label")),
        "validity": dict(Validity.choices),
    }
    out: dict[str, list[tuple[Any, str, int]]] = {}
    for column, counter in counters.items():
        top = counter.most_common(30)
        if column == "org_path":
            org_ids = {path: int(path.strip("/").rsplit("/", 1)[-1]) for path, _ in top}
            orgs = Organisation.objects.in_bulk(org_ids.values())
            out["org"] = [(orgs[i].slug, orgs[i].name, n) for p, n in top if (i := org_ids[p]) in orgs]
        elif column == "year":
            out["year"] = sorted(((v, f"{v}年", n) for v, n in top), reverse=True)
        else:
            name = "topic" if column == "topic_parent" else column
            out[name] = [(v, labels[column].get(v, v), n) for v, n in top]
    return out


@functools.lru_cache(maxsize=1024)
def _finders(terms: tuple[str, ...]) -> tuple[list[re.Pattern[str]], re.Pattern[str]]:
    """Per term, a pattern that finds every occurrence, overlapping ones too (a lookahead); and one
    that finds the first occurrence of any term."""
    patterns = [normalise.written_pattern(t) for t in terms]
    each = [re.compile(f"(?=({p}))") for p in patterns]
    first = re.compile("|".join(f"(?:{p})" for p in patterns))
    return each, first


def highlight(text: str, terms: tuple[str, ...], start: int = 0, end: int | None = None) -> SafeString:
    """Escape ``text[start:end]`` and wrap every occurrence of a term (in matching form) in <mark>.

    The text is not folded: each term becomes a pattern over the written forms of its characters
    (normalise.written_pattern), so a highlight costs one regular-expression pass in C per term.
    """
    piece = text[start:end]
    spans = sorted(m.span(1) for finder in _finders(terms)[0] for m in finder.finditer(piece))
    out: list[str] = []
    pos = i = 0
    while i < len(spans):
        left, right = spans[i]
        i += 1
        while i < len(spans) and spans[i][0] <= right:  # overlapping or touching: one mark
            right = max(right, spans[i][1])
            i += 1
        out.append(escape(piece[pos:left]))
        out.append(f"<mark>{escape(piece[left:right])}</mark>")
        pos = right
    out.append(escape(piece[pos:]))
    # Safe: every piece of the text above went through escape().
    return mark_safe("".join(out))


SNIPPET_CHARS = 120


def _texts(doc: Document, attachment_texts: Iterable[str] | None) -> Iterator[str]:
    """The body, then the attachments' text (read here, only when the body holds no term, unless
    the caller has read it)."""
    yield doc.body
    if attachment_texts is None:
        attachment_texts = (a.extracted_text for a in doc.attachments.all())
    yield from attachment_texts


def snippet(doc: Document, terms: tuple[str, ...], attachment_texts: Iterable[str] | None = None) -> SafeString:
    """A window of the body (or an attachment) around the first match, highlighted."""
    first = _finders(terms)[1]
    for text in _texts(doc, attachment_texts):
        if text and (found := first.search(text)):
            left = max(0, found.start() - SNIPPET_CHARS // 3)
            right = min(len(text), left + SNIPPET_CHARS)
            prefix = "…" if left > 0 else ""
            suffix = "…" if right < len(text) else ""
            return mark_safe(prefix + highlight(text, terms, left, right) + suffix)
    summary = doc.summary or doc.body
    return highlight(summary[:SNIPPET_CHARS], terms)
