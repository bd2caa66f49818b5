"""SQL for each database behind one interface.

Matching. One inverted index holds each item's tokens (normalise.term_tokens): its distinct
characters and pairs, plus prefixed tokens for ranking. A term of one or two letters, digits or
ideographs is a token: the index answers exactly. A longer term needs all of its pairs, which gives
candidates, and a substring test on the stored text confirms each one. So every result is exact
(recall 1.0 by construction), and several terms are intersected inside the index.

Ranking. For each tier, ``walk`` returns the items satisfying the tier's predicate newest first and
stops at a limit (items of a better tier may satisfy it too; query.ranked_ids removes them). On
SQLite the index is an FTS5 table whose rowid is the recency key (indexing.rank_key) negated: FTS5
hands back its matches in ascending rowid, newest first, and SQLite stops at the LIMIT. On
PostgreSQL a GIN index over the token array and the entry's bodies (TOKENS); the planner chooses
between walking the recency index and sorting a small match set.
``rank_expression`` is the same definition of the tiers evaluated on one row; the tests hold the
two to each other.

Over 400 lines on purpose: the two databases' SQL for the same operations sits side by side, so a
change to one is checked against the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db import connection

from gongkai.catalogue.models import Validity
from gongkai.search import hot as hot_tokens
from gongkai.search.db import reader
from gongkai.search.entries import ID_BITS, code_token
from gongkai.search.normalise import (
    TITLE_GRAM_PREFIX,
    WORD_PREFIX,
    grams,
    number_like,
    term_tokens,
    title_any_token,
    title_token,
)
from gongkai.search.pg_indexes import pg_token_expression
from gongkai.search.segment import segment_words
from gongkai.search.tuning import Tuning, configured

if TYPE_CHECKING:
    from gongkai.orgs.models import Organisation
    from gongkai.search.query import SearchFilters

# What a walk can return besides the id (for facets).
FACET_COLUMNS = ("topic_parent", "art20", "year", "validity", "org_path")


@dataclass
class Sql:
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.where.append(clause)
        self.params.extend(params)

    def extend(self, other: Sql) -> None:
        self.where += other.where
        self.params += other.params

    def clause(self) -> str:
        return " AND ".join(self.where) if self.where else "1=1"


def _fts_token(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def word_phrases(terms: tuple[str, ...]) -> list[list[str]]:
    """Each term as the phrase of its segmented words (tier 2); terms without a word drop out."""
    phrases = []
    for term in terms:
        words = segment_words(term)
        if words:
            phrases.append(words)
    return phrases


@dataclass
class Plan:
    """A walk: tokens the index must hold (all of them), and checks on the entry's row."""

    tokens: set[str] = field(default_factory=set)
    checks: Sql = field(default_factory=Sql)


class Backend:
    vendor = ""

    def __init__(self, tuning: Tuning | None = None) -> None:
        self.tuning = tuning or configured()
        # Set by count(): the match set is small (under the cap). PostgreSQL then sorts the whole
        # set rather than walking the recency index.
        self.small_set: bool | None = None
        # What count() walked, newest first: (terms, filters, rows, complete). A page sorted by date,
        # or tier 3 of a ranked page, is then its first rows, with no second walk.
        self._counted: tuple[tuple[str, ...], SearchFilters, list[tuple[Any, ...]], bool] | None = None

    def position(self, haystack: str) -> str:
        raise NotImplementedError

    # --- matching ----------------------------------------------------------------------------

    def contains_sql(self, term: str) -> tuple[str, list[Any]]:
        return f"{self.position('e.text')} > 0", [term]

    def match_plan(self, terms: tuple[str, ...], confirmed: frozenset[str] = frozenset()) -> Plan:
        """Tokens and checks of every match; ``confirmed``: terms whose containment another part of
        the caller's plan implies, which need no substring test of their own."""
        plan = Plan()
        for term in terms:
            tokens, exact = self.term_tokens(term)
            plan.tokens |= tokens
            if not exact and term not in confirmed:
                plan.checks.add(*_args(self.contains_sql(term)))
        return plan

    def term_tokens(self, term: str) -> tuple[set[str], bool]:
        """The tokens every item containing ``term`` holds, and whether holding them is enough."""
        return term_tokens(term)

    def match_sql(self, terms: tuple[str, ...], filters: SearchFilters) -> Sql:
        """Every published item containing every term, within the filters (one exact set)."""
        plan = self.match_plan(terms)
        sql = Sql()
        if plan.tokens:
            sql.add(*_args(self.tokens_sql(plan.tokens)))
        sql.extend(plan.checks)
        filters.apply(sql)
        return sql

    def tokens_sql(self, tokens: set[str]) -> tuple[str, list[Any]]:
        """The entry holds every token (through the index)."""
        raise NotImplementedError

    # --- ranking -----------------------------------------------------------------------------

    def strong_sql(self, term: str) -> tuple[str, list[Any]]:
        """The term matches the title strongly, or the 文号 when it looks like part of one.

        A title match is weak when every occurrence lies strictly inside one segmented word (华人
        inside 中华人民共和国); a term spanning several words, or touching a word's edge, is strong.
        normalise.strong_in_title is the same test in Python (for the indexed title_grams).
        """
        padded = "(' ' || e.title_words || ' ')"
        title = (
            f"({self.position('e.title')} > 0 AND "
            f"({self.position(padded)} = 0 OR {self.position(padded)} > 0 OR {self.position(padded)} > 0))"
        )
        params: list[Any] = [term, term, " " + term, term + " "]
        if number_like(term):
            return f"({self.position('e.number')} > 0 OR {title})", [term, *params]
        return title, params

    def exact_sql(self, terms: tuple[str, ...]) -> tuple[str, list[Any]]:
        whole = "".join(terms)
        return "(e.title = %s OR e.number = %s)", [whole, whole]

    def phrase_sql(self, phrase: list[str]) -> tuple[str, list[Any]]:
        """The words follow each other in the segmented text."""
        padded = "(' ' || e.words || ' ')"
        return f"{self.position(padded)} > 0", [" " + " ".join(phrase) + " "]

    def rank_expression(self, terms: tuple[str, ...]) -> tuple[str, list[Any]]:
        """The tier of one row: 0, the query is the title or the 文号; 1, every term matches the
        title (or 文号) strongly; 2, every term is whole words of the text; 3, the rest."""
        exact, params = self.exact_sql(terms)
        strong = [self.strong_sql(t) for t in terms]
        in_title = " AND ".join(s for s, _ in strong)
        params += [p for _, ps in strong for p in ps]
        phrases = [self.phrase_sql(p) for p in word_phrases(terms)]
        if not phrases:
            return f"CASE WHEN {exact} THEN 0 WHEN {in_title} THEN 1 ELSE 3 END", params
        words = " AND ".join(s for s, _ in phrases)
        params += [p for _, ps in phrases for p in ps]
        return f"CASE WHEN {exact} THEN 0 WHEN {in_title} THEN 1 WHEN {words} THEN 2 ELSE 3 END", params

    def tier_plan(self, tier: int, terms: tuple[str, ...]) -> Plan:
        """Tokens and checks of every match (tier 3), or of the items that satisfy the tier's
        predicate (1: every term strong in the title; 2: every term whole words of the text)."""
        # A tier's own test of a term implies that the text contains it (the title, the 文号 and the
        # words are all part of the text), so the substring test on the text, which reads a long
        # value, is left out for those terms: in tier 1 every term (its title token, or the strong
        # test on the title or 文号), in tier 2 a term that is one whole word (its word token).
        if tier == 1:
            confirmed = frozenset(terms)
        elif tier == 2:
            confirmed = frozenset(t for t in terms if t.isalnum() and segment_words(t) == [t])
        else:
            confirmed = frozenset()
        plan = self.match_plan(terms, confirmed)
        if tier == 1:
            for term in terms:
                if (token := title_token(term)) is not None:  # indexed exactly (normalise.title_grams)
                    plan.tokens.add(token)
                else:  # candidates: every pair is in the title or the 文号; the row decides
                    plan.tokens |= {title_any_token(t) for t in term_tokens(term)[0]}
                    plan.checks.add(*_args(self.strong_sql(term)))
        elif tier == 2:
            for phrase in word_phrases(terms):
                plan.tokens |= {WORD_PREFIX + w for w in phrase if w.isalnum()}
                if len(phrase) > 1 or not phrase[0].isalnum():
                    plan.checks.add(*_args(self.phrase_sql(phrase)))
        # A ranking token implies the grams of what it marks (the title, the 文号 and the words are
        # all part of the text): asking the index for them too would only make it walk their long
        # lists (at a million items on SQLite, _政府 _服务 with 政府 服务: 16 ms; without: 1.3 ms).
        plan.tokens -= implied_tokens(plan.tokens)
        return plan

    def walk(
        self,
        tier: int,
        terms: tuple[str, ...],
        filters: SearchFilters,
        limit: int,
        columns: tuple[str, ...] = (),
    ) -> list[tuple[Any, ...]]:
        """Up to ``limit`` items satisfying the tier's predicate (3: every match), newest first, as
        (document_id, *columns) rows."""
        if tier == 3 and not columns and (rows := self._counted_rows(terms, filters, limit)) is not None:
            return rows
        if tier == 0:  # few rows, through the indexes on title and number
            sql = Sql()
            sql.add(*_args(self.exact_sql(terms)))
            for term in terms:
                sql.add(*_args(self.contains_sql(term)))
            return self._walk_rows(sql, filters, limit, columns)
        plan = self.tier_plan(tier, terms)
        if not plan.tokens:  # only punctuation: the rows themselves, newest first
            return self._walk_rows(plan.checks, filters, limit, columns)
        return self._walk_index(plan, filters, limit, columns)

    def _walk_rows(
        self, sql: Sql, filters: SearchFilters, limit: int, columns: tuple[str, ...]
    ) -> list[tuple[Any, ...]]:
        filters.apply(sql)
        select = ", ".join(["e.document_id", *(f"e.{c}" for c in columns)])
        with reader().cursor() as cursor:
            cursor.execute(
                f"SELECT {select} FROM search_searchentry e WHERE {sql.clause()} ORDER BY e.rank_key DESC LIMIT %s",
                [*sql.params, limit],
            )
            return [tuple(row) for row in cursor.fetchall()]

    def _walk_index(
        self, plan: Plan, filters: SearchFilters, limit: int, columns: tuple[str, ...]
    ) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def count(self, terms: tuple[str, ...], filters: SearchFilters, cap: int) -> int:
        """The number of matches, counting no further than ``cap``."""
        return self._remember(terms, filters, cap, self.walk(3, terms, filters, cap))

    def _remember(self, terms: tuple[str, ...], filters: SearchFilters, cap: int, rows: list[tuple[Any, ...]]) -> int:
        self._counted = (terms, filters, rows, len(rows) < cap)
        self.small_set = len(rows) < cap
        return len(rows)

    def _counted_rows(self, terms: tuple[str, ...], filters: SearchFilters, limit: int) -> list[tuple[Any, ...]] | None:
        if self._counted is None:
            return None
        counted_terms, counted_filters, rows, complete = self._counted
        if counted_terms != terms or counted_filters is not filters or (limit > len(rows) and not complete):
            return None
        return rows[:limit]


def implied_by(token: str) -> set[str]:
    """The tokens every entry holding ``token`` holds because of it: the grams of the run it is (a
    pair's characters, a hot run's pairs) or that a ranking token marks, and the marked run itself."""
    marked = token.strip(TITLE_GRAM_PREFIX)
    return (grams(marked) | {marked}) - {token}


def implied_tokens(tokens: set[str]) -> set[str]:
    """The tokens every entry holding all of ``tokens`` holds because of a ranking token among them
    (implied_by). A walk leaves them out; the runs' own grams stay, since GIN is asked for pairs
    when a hot run is only on the mask."""
    return set().union(*(implied_by(t) for t in tokens if t.startswith(TITLE_GRAM_PREFIX)))


def _args(pair: tuple[str, list[Any]]) -> list[Any]:
    return [pair[0], *pair[1]]


class SqliteBackend(Backend):
    """FTS5 intersects the tokens, the filters' among them, and returns rowids (recency keys
    negated) newest first; the entry row is read only when there is a check (or the 现行有效 filter)."""

    vendor = "sqlite"

    def position(self, haystack: str) -> str:
        return f"instr({haystack}, %s)"

    def tokens_sql(self, tokens: set[str]) -> tuple[str, list[Any]]:
        # The FTS5 rowid is the recency key negated (indexing.write_entries).
        return "e.rank_key IN (SELECT -rowid FROM search_tokens WHERE search_tokens MATCH %s)", [_fts_query(tokens)]

    def _walk_index(
        self, plan: Plan, filters: SearchFilters, limit: int, columns: tuple[str, ...]
    ) -> list[tuple[Any, ...]]:
        query, params = self._index_sql(plan, filters, limit, columns)
        mask = (1 << ID_BITS) - 1
        with reader().cursor() as cursor:
            cursor.execute(query, params)
            return [(row[0] & mask, *row[1:]) for row in cursor.fetchall()]

    def _index_sql(
        self, plan: Plan, filters: SearchFilters, limit: int, columns: tuple[str, ...]
    ) -> tuple[str, list[Any]]:
        # The filters are tokens too (entries.filter_tokens): FTS5 intersects them with the terms',
        # so a filtered walk reads only matches within the filters. 现行有效 is the exception
        # (filter_tokens): checked on the row.
        on_row = Sql(list(plan.checks.where), list(plan.checks.params))
        if filters.validity == Validity.CURRENT:
            on_row.add("e.validity = %s", filters.validity)
        where = Sql(["d.search_tokens MATCH %s"], [_fts_query(plan.tokens | filter_tokens(filters))])
        where.extend(on_row)
        join = ""
        if on_row.where or columns:
            join = "CROSS JOIN search_searchentry e ON e.rank_key = -d.rowid"
        # Newest first is ascending rowid (the recency key negated): the order FTS5 stores its lists
        # in (walking them backwards took 40% longer at a million items).
        select = ", ".join(["-d.rowid", *(f"e.{c}" for c in columns)])
        query = f"SELECT {select} FROM search_tokens d {join} WHERE {where.clause()} ORDER BY d.rowid LIMIT %s"
        return query, [*where.params, limit]


def filter_tokens(filters: SearchFilters) -> set[str]:
    """The FTS5 tokens an entry within the filters holds, spelled as entries.filter_tokens spells an
    entry's (SearchFilters.apply is the definition they stand for)."""
    tokens = set()
    if filters.org is not None:
        tokens.add(org_token(filters.org))
    if filters.topic:  # the entry's topic or the class above it
        tokens.add(code_token("@t", filters.topic))
    if filters.art20:
        tokens.add(code_token("@a", filters.art20))
    if filters.year:
        tokens.add(f"@y{int(filters.year)}")
    # 现行有效 is what most items are: its token's list is nearly the whole index, and FTS5 walking
    # it costs more than reading the rows the other tokens leave (at a million items, 25 ms on a
    # query of 4 rows), so the walk checks it on the row (SqliteBackend._index_sql).
    if filters.validity in Validity.values and filters.validity != Validity.CURRENT:
        tokens.add(code_token("@v", filters.validity))
    return tokens


def org_token(org: Organisation) -> str:
    """The token of a body in the index (both databases): held by every entry of the body and of
    every body below it, since an entry holds one for each id of its path (entries.org_tokens)."""
    return "@o" + org.path.strip("/").rsplit("/", 1)[-1]


def _fts_query(tokens: set[str]) -> str:
    # Rarer tokens first does not matter to FTS5 (it advances every doclist together); sorted for
    # a stable statement.
    return " AND ".join(_fts_token(t) for t in sorted(tokens))


_ORG_SHARES: dict[tuple[str, str], float] = {}


class PostgresBackend(Backend):
    """A GIN index over the stored token array and the entry's bodies (TOKENS, migration 0008), and
    hot tokens (hot.py) checked on their mask.

    When every token of a walk is hot, the walk goes along the recency index newest first (the
    covering search_rank_hot, index-only, or search_rank and the row, whichever the planner finds
    cheaper) and tests the tokens' bits; it stops after the page (or the count's cap), or gives up
    after its budget when the matches are sparse. Otherwise GIN finds the items holding the cold
    tokens (few, since a cold token is rare) and the less common hot ones, the mask checks the rest
    on the row, and the matches are sorted: the whole set when it proves small, else within recency
    windows, which the planner intersects with GIN's set through the recency index because the
    token array is hidden from its estimate (tokens_sql). Without a usable hot list (a new catalogue, a
    rebuild in progress), GIN is asked about every token: the planner does not know what checking a
    row costs (reading a long array), so counting always goes through the index, and so does a walk
    once the count has shown the match set to be small."""

    vendor = "postgresql"

    def __init__(self, tuning: Tuning | None = None) -> None:
        super().__init__(tuning)
        self.hot = hot_tokens.usable()
        self._entry_count: float | None = None

    def _entries(self) -> float:
        """How many entries there are, as PostgreSQL's statistics have it (for estimates only),
        asked once per search."""
        if self._entry_count is None:
            with reader().cursor() as cursor:
                cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'search_searchentry'")
                self._entry_count = max(0.0, float(cursor.fetchone()[0]))
        return self._entry_count

    def position(self, haystack: str) -> str:
        return f"strpos({haystack}, %s)"

    def tokens_sql(self, tokens: set[str]) -> tuple[str, list[Any]]:
        # TOKENS: the expression the index is built on (migration 0008), or the index is not used.
        # The array goes in as a subquery's value, which the planner cannot see: it then expects the
        # default share of rows (0.5%) instead of multiplying the tokens' shares (a few rows, for a
        # set that holds thousands), and so it intersects the set with the organisation index and
        # the recency window on the index rather than reading every row to check them (measured at
        # a million items: a filtered tier walk 113 → 21 ms, a recency window 35 → 6 ms).
        return f"{TOKENS} @> (SELECT %s::text[])", [sorted(tokens)]

    def term_tokens(self, term: str) -> tuple[set[str], bool]:
        # A common word of 3–4 characters is a hot token itself (hot.ngrams): exact, so no row is
        # read to confirm it. Its pairs stay, for GIN when a walk gives up.
        tokens, exact = term_tokens(term)
        # (Letters, digits and ideographs only: a term spelled like a prefixed ranking token, _政_,
        # means those characters, not that token.)
        if not exact and self.hot is not None and term.isalnum() and term in self.hot.bits:
            return tokens | {term}, True
        return tokens, exact

    def match_sql(self, terms: tuple[str, ...], filters: SearchFilters) -> Sql:
        plan = self.match_plan(terms)
        hot, cold = self._split(plan.tokens)
        if hot and not cold:  # the whole set of common tokens: the masks cost less than GIN's lists
            sql = Sql()
            sql.add(*_args(self._mask_sql(hot)))
            sql.extend(plan.checks)
            filters.apply(sql)
            return sql
        return self._gin_sql(plan, filters)

    def _split(self, tokens: set[str]) -> tuple[set[str], set[str]]:
        """(hot, cold) tokens."""
        if self.hot is None:
            return set(), set(tokens)
        hot = {t for t in tokens if t in self.hot.bits}
        return hot, tokens - hot

    def _mask_sql(self, tokens: set[str], alias: str = "e") -> tuple[str, list[Any]]:
        """The entry holds every one of these hot tokens: one bit test each, on the index tuple when
        the walk is index-only (get_bit reads in place; a whole-mask AND would copy the mask)."""
        assert self.hot is not None
        bits = sorted(self.hot.bits[t] for t in tokens)
        tests = "".join(f" AND get_bit({alias}.hot, %s) = 1" for _ in bits)
        return f"({alias}.hot_version = %s{tests})", [self.hot.version, *bits]

    def _masked_walk(
        self, plan: Plan, filters: SearchFilters, limit: int, columns: tuple[str, ...], budget: int = 0
    ) -> list[tuple[Any, ...]] | None:
        """Up to ``limit`` matches newest first along search_rank_hot, or None when a token is
        cold or the matches are too sparse for the budget."""
        hot, cold = self._split(plan.tokens)
        if self.hot is None or not hot or cold:
            return None
        budget = budget or self.tuning.walk_budget
        if limit > budget * self._expected_share(hot) * self._org_share(filters):
            # The walk would be expected to read more than its budget (within the organisation
            # filtered on) before it has found enough: GIN at once.
            return None
        inner = Sql()
        filters.apply(inner)
        mask_sql, mask_params = self._mask_sql(hot, "s")
        select = "".join(f", s.{c}" for c in columns)
        join, ok_params = "", list(mask_params)
        where = mask_sql
        if plan.checks.where:  # checked on the row, only for the tuples the mask lets through
            join = f"JOIN search_searchentry e ON e.document_id = (s.rank_key & {(1 << ID_BITS) - 1})::integer"
            where = f"{mask_sql} AND {plan.checks.clause()}"
            ok_params += plan.checks.params
        # The inner scan is index-only (search_rank_hot holds the filters and the mask) and reads at
        # most the budget; the outer one stops at the limit.
        inner_sql = (
            f"SELECT {', '.join(f'e.{c}' for c in ('rank_key', 'hot_version', 'hot', *FACET_COLUMNS))} "
            f"FROM search_searchentry e WHERE {inner.clause()} ORDER BY e.rank_key DESC LIMIT %s"
        )
        id_mask = (1 << ID_BITS) - 1
        rows = fetch(
            f"SELECT s.rank_key{select} FROM ({inner_sql}) s {join} WHERE {where} ORDER BY s.rank_key DESC LIMIT %s",
            [*inner.params, budget, *ok_params, limit],
            WALK_ONLY,
        )
        matched = [(row[0] & id_mask, *row[1:]) for row in rows]
        if len(matched) == limit:
            return matched
        # Fewer: either every tuple within the filters was read (the set is complete), or the
        # budget ran out first.
        read = fetch(f"SELECT COUNT(*) FROM ({inner_sql}) s", [*inner.params, budget], WALK_ONLY)[0][0]
        return matched if read < budget else None

    def _org_count(self, plan: Plan, filters: SearchFilters, cap: int) -> list[int] | None:
        """The recency keys of up to ``cap`` matches within the organisation filtered on, in no
        order, read from search_org_hot alone (migration 0007: the organisation's path first, then
        the filters and the mask), or None when this does not apply: no organisation, a token that
        only GIN holds, a check that needs the row, or more of the organisation's tuples expected
        to be read than the tuning's count_walk_tuples.

        Why. Within a city, GIN (or the organisation's rows) had to build a bitmap of the city's
        items and visit a row per match: at a million items, counting 所 within a city took 73 ms,
        most of it there. The organisation's tuples are neighbours in this index, and a common
        token's bit is found on the first few thousand."""
        hot, cold = self._split(plan.tokens)
        # A hot run's bit implies its pairs, which then need no bit (or GIN) of their own.
        cold -= set().union(*(implied_by(t) for t in hot if hot_tokens.is_ngram(t)))
        if self.hot is None or filters.org is None or not hot or cold or plan.checks.where:
            return None
        within = self._org_share(filters) * self._entries()
        if min(within, cap / max(self._expected_share(hot), 1e-9)) > self.tuning.count_walk_tuples:
            return None
        sql = Sql()
        sql.add(*_args(self._mask_sql(hot)))
        filters.apply(sql)
        rows = fetch(
            f"SELECT e.rank_key FROM search_searchentry e WHERE {sql.clause()} LIMIT %s", [*sql.params, cap], INDEX_ONLY
        )
        return [row[0] for row in rows]

    def _expected_share(self, hot: set[str]) -> float:
        """The share of the items expected to hold every one of these hot tokens: the product of
        their shares, as if independent, leaving out the tokens a longer one implies (the pairs of
        a hot run such as 第十九条, the grams of a ranking token), which would otherwise count the
        same characters twice."""
        assert self.hot is not None
        implied = set().union(*(implied_by(t) for t in hot))
        share = 1.0
        for token in hot - implied:
            share *= self.hot.shares.get(token, 0.0)
        return share

    def _org_share(self, filters: SearchFilters) -> float:
        """The share of the entries within the organisation filtered on (1 without one), counted
        once per process: an estimate for choosing a plan, never for a result."""
        if filters.org is None:
            return 1.0
        key = (connection.settings_dict["NAME"], filters.org.path)
        if key not in _ORG_SHARES:
            with reader().cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) FROM search_searchentry WHERE org_path LIKE %s", [filters.org.path + "%"]
                )
                within = cursor.fetchone()[0]
            _ORG_SHARES[key] = within / max(self._entries(), float(within), 1.0)
        return _ORG_SHARES[key]

    def _gin_sql(self, plan: Plan, filters: SearchFilters) -> Sql:
        """GIN for the cold tokens and the less common hot ones (all of them when none is cold; none
        when they are very common and an organisation is filtered on), the mask for the rest."""
        gin, on_rows = self._gin_parts(plan, filters)
        gin.extend(on_rows)
        return gin

    def _gin_parts(self, plan: Plan, filters: SearchFilters) -> tuple[Sql, Sql]:
        """_gin_sql as what GIN answers and what is checked on the rows it finds."""
        hot, cold = self._split(plan.tokens)
        in_gin = self._gin_tokens(plan.tokens)
        if not cold:  # every token GIN holds (hot n-grams are in masks only)
            in_gin = {t for t in plan.tokens if not hot_tokens.is_ngram(t)}
            if filters.org is not None and self._expected_share(hot) >= self.tuning.org_rows_share:
                # Tokens so common that the organisation's rows, read until enough match on the
                # mask, cost less than GIN's long lists (的 within a city: 1,000 rows, not 900,000
                # postings).
                in_gin = set()
        gin, rows = Sql(), Sql()
        on_rows = filters
        if in_gin:
            if (org := self._org_token(filters)) is not None:
                # GIN intersects the body's list with the terms' (no bitmap of the body's entries).
                gin.add(*_args(self.tokens_sql(in_gin | {org})))
                on_rows = replace(filters, org=None)
            else:
                gin.add(*_args(self.tokens_sql(in_gin)))
        if plan.tokens - in_gin:
            rows.add(*_args(self._mask_sql(plan.tokens - in_gin)))
        rows.extend(plan.checks)
        on_rows.apply(rows)
        return gin, rows

    def _org_token(self, filters: SearchFilters) -> str | None:
        """The token of the body filtered on, when GIN is to intersect it (Tuning.gin_org_share)."""
        if filters.org is None or self._org_share(filters) > self.tuning.gin_org_share:
            return None
        return org_token(filters.org)

    def _gin_tokens(self, tokens: set[str]) -> set[str]:
        """The tokens asked of GIN when one of them is cold: the cold ones, and the hot ones held by
        at most Tuning.gin_hot_share of the items. GIN walks the longer lists only at the places the
        shortest one points to, so a hot token there costs little and spares reading the rows it
        rules out (_政府 with _服务: 900 rows instead of 8,000). The most common tokens would rule
        out too few to pay for it: they stay on the mask."""
        hot, cold = self._split(tokens)  # no hot token without a hot list
        shares = self.hot.shares if self.hot is not None else {}
        most = self.tuning.gin_hot_share
        return cold | {t for t in hot if not hot_tokens.is_ngram(t) and shares.get(t, 1.0) <= most}

    def _walk_index(
        self, plan: Plan, filters: SearchFilters, limit: int, columns: tuple[str, ...]
    ) -> list[tuple[Any, ...]]:
        rows = self._masked_walk(plan, filters, limit, columns)
        if rows is not None:
            return rows
        gin, on_rows = self._gin_parts(plan, filters)
        sql = Sql(gin.where + on_rows.where, gin.params + on_rows.params)
        if self.hot is None:
            return self._walk_sql(sql, limit, columns, BITMAP_ONLY if self.small_set else None)
        if self.small_set:  # under the cap: fetch the whole set and sort it
            return self._walk_sql(sql, limit, columns, BITMAP_ONLY)
        hot, cold = self._split(plan.tokens)
        bound = min((self.hot.shares.get(t, 1.0) for t in hot), default=1.0) * self._entries()
        if cold or bound * self._org_share(filters) < self.tuning.whole_set_probe:
            # A cold token's set is at most a few percent of the items, and often far fewer; so is
            # the set of a hot token held by few items within the body filtered on (the rarest
            # token's share bounds the set): fetched whole if it proves small, rather than asked
            # again window after window (at a million items, 具体 管理 in tier 1 within a city:
            # 48 matches, 20 ms in three windows, 2.5 ms whole).
            if cold and (hot - self._gin_tokens(plan.tokens)):  # common tokens tested on the rows' masks
                rows = self._candidates(gin, on_rows, self.tuning.whole_set_probe, columns)
            else:
                rows = self._whole_set(sql, self.tuning.whole_set_probe, columns)
            if rows is not None:
                return rows[:limit]
        # A large set: fetching every row to sort them costs microseconds a row, so GIN is asked
        # within the newest items first, in a window expected to hold a few pages of matches
        # (at most Tuning.first_window_share of the items, since the estimate can be far too small),
        # and in windows four times as large while the page is not full.
        expected = self._set_size(plan) * self._org_share(filters)
        share = min(self.tuning.first_window_share, 4 * limit / max(1.0, expected))
        while (key := self.hot.window(share)) is not None:
            windowed = Sql(list(sql.where), list(sql.params))
            windowed.add("e.rank_key >= %s", key)
            rows = self._walk_sql(windowed, limit, columns, BITMAP_ONLY)
            if len(rows) == limit:
                return rows
            share *= 4
        return self._walk_sql(sql, limit, columns, BITMAP_ONLY)

    def _set_size(self, plan: Plan) -> float:
        """How many items are expected to hold every one of the plan's tokens: the hot tokens'
        shares multiplied as if independent, and for the cold ones the share below which a token is
        cold. Words that go together (规定 建筑) make it too small, which only makes the first
        recency window larger than it needed to be (a few hundred rows more to sort); too large an
        estimate would cost a GIN search per window that comes back short (at a million items, 工程
        土地 was asked in three windows when the rarest token's share was the estimate)."""
        assert self.hot is not None
        hot, cold = self._split(plan.tokens)
        share = self._expected_share(hot)
        if cold:
            share *= min(self.hot.shares.values(), default=1.0)
        return max(self._entries() * share, self.tuning.least_set_size)

    def _recent_key(self, plan: Plan, filters: SearchFilters, cap: int) -> int | None:
        """The rank key of the newest items (hot.RECENT_SHARE of them) when they are expected to hold
        ``cap`` matches, by the estimate of the set's size within the organisation filtered on
        (_set_size); else None."""
        if self.hot is None or self.hot.recent_key is None:
            return None
        if self._set_size(plan) * self._org_share(filters) * hot_tokens.RECENT_SHARE < cap:
            return None
        return self.hot.recent_key

    def _whole_set(self, sql: Sql, probe: int, columns: tuple[str, ...]) -> list[tuple[Any, ...]] | None:
        """Every match newest first (id and columns) if there are fewer than ``probe``; else None.
        One pass over the rows GIN finds, in the table's order, stopping at ``probe``."""
        select = ", ".join(["e.rank_key", *(f"e.{c}" for c in columns)])
        query = f"SELECT {select} FROM search_searchentry e WHERE {sql.clause()} LIMIT %s"
        rows = fetch(query, [*sql.params, probe], BITMAP_ONLY)
        if len(rows) >= probe:
            return None
        return _ids_newest_first(rows)

    def _candidates(self, gin: Sql, on_rows: Sql, probe: int, columns: tuple[str, ...]) -> list[tuple[Any, ...]] | None:
        """Every match newest first (id and columns) if GIN's candidates are fewer than
        Tuning.candidate_probe and the matches among them fewer than ``probe``; else None.

        Why. When common tokens are checked on the mask of the rows GIN finds through a cold one,
        most of those rows can fail the check: a probe that stops after ``probe`` matches then reads
        every row of the cold token when the matches are fewer (at a million items, tier 1 of 具体 管理:
        15,506 rows of `_具体` read for 862 holding `_管理`, 30–46 ms). Bounded by the rows it
        reads, the probe gives up sooner and the recency windows find the page."""
        select = ", ".join(["e.rank_key", *(f"e.{c}" for c in columns)])
        query = (
            f"SELECT {select}, ({on_rows.clause()}) FROM "
            f"(SELECT * FROM search_searchentry e WHERE {gin.clause()} LIMIT %s) e"
        )
        rows = fetch(query, [*on_rows.params, *gin.params, self.tuning.candidate_probe], BITMAP_ONLY)
        matches = [row[:-1] for row in rows if row[-1]]
        if len(rows) >= self.tuning.candidate_probe or len(matches) >= probe:
            return None
        return _ids_newest_first(matches)

    def _walk_sql(
        self, sql: Sql, limit: int, columns: tuple[str, ...], plan_types: PlanTypes | None = None
    ) -> list[tuple[Any, ...]]:
        select = ", ".join(["e.document_id", *(f"e.{c}" for c in columns)])
        return fetch(
            f"SELECT {select} FROM search_searchentry e WHERE {sql.clause()} ORDER BY e.rank_key DESC LIMIT %s",
            [*sql.params, limit],
            plan_types,
        )

    def count(self, terms: tuple[str, ...], filters: SearchFilters, cap: int) -> int:
        plan = self.match_plan(terms)
        if not plan.tokens:
            return super().count(terms, filters, cap)
        rows = self._masked_walk(plan, filters, cap, (), self.tuning.count_walk_tuples)
        if rows is not None:
            return self._remember(terms, filters, cap, rows)
        keys = self._org_count(plan, filters, cap)
        if keys is not None:
            if len(keys) < cap:  # the whole set within the organisation: kept newest first
                return self._remember(terms, filters, cap, _ids_newest_first([(k,) for k in keys]))
            self.small_set = False  # in the index's order, not the newest: nothing to keep
            return cap
        sql = self._gin_sql(plan, filters)
        if (key := self._recent_key(plan, filters, cap)) is not None:
            # The newest items alone are expected to hold the cap: asked first, through their own
            # index (pg_indexes.RECENT_INDEX), whose lists are a tenth as long. If they fall short, the
            # whole index counts, as below.
            recent = Sql(list(sql.where), list(sql.params))
            recent.add("e.rank_key >= %s", key)
            if self._whole_set(recent, cap, ()) is None:
                self.small_set = False
                return cap
        # Counting up to the cap through the index. A walk that stops at the cap would check every
        # row it reads against its long token array, which costs more even for 的. Fewer than the
        # cap: the rows read are the whole set, kept newest first as the walk of every match.
        rows = self._whole_set(sql, cap, ())
        if rows is not None:
            return self._remember(terms, filters, cap, rows)
        self.small_set = False
        return cap


# The expression the token index is built on, as the statements spell it (alias e; org_token).
TOKENS = pg_token_expression("e.")


@dataclass(frozen=True)
class PlanTypes:
    """Plan types turned off (and settings given values) for one statement alone."""

    disabled: tuple[str, ...]
    values: tuple[tuple[str, str], ...] = ()

    def wrap(self, sql: str) -> str:
        """The statement between a SET LOCAL of each setting and a RESET, as one string.

        One round trip for the three (the client binds the parameters, so PostgreSQL receives one
        simple query): a search runs several such statements, and a SET and a RESET of their own
        were two round trips more each (4–6 a search), and a transaction around the search to hold
        them two more (BEGIN, COMMIT). Outside a transaction PostgreSQL runs the three as one
        implicit transaction, whose end ends the SET LOCAL; inside one (a caller's), the RESET gives
        the statements after it their defaults back. After an error the transaction can only be
        rolled back, which undoes the SET LOCAL."""
        # JIT off: a plan type turned off costs 10^10 in the planner's eyes, which would otherwise make
        # PostgreSQL compile every such statement (a hundred milliseconds and more) to save nothing.
        settings = [(name, "off") for name in (*self.disabled, "jit")] + list(self.values)
        # The names and values are this module's constants, never input.
        before = "; ".join(f"SET LOCAL {name} = '{value}'" for name, value in settings)
        after = "; ".join(f"RESET {name}" for name, _ in settings)
        return f"{before}; {sql}; {after}"


def fetch(sql: str, params: list[Any], plan_types: PlanTypes | None = None) -> list[tuple[Any, ...]]:
    """The rows of one statement, run with ``plan_types`` when given (PlanTypes.wrap)."""
    with reader().cursor() as cursor:
        if plan_types is None:
            cursor.execute(sql, params)
        else:
            cursor.execute(plan_types.wrap(sql), params)
            while cursor.description is None:  # past the SET LOCALs' results to the statement's
                if not cursor.nextset():
                    raise RuntimeError("the statement returned no rows")
        return [tuple(row) for row in cursor.fetchall()]


# GIN's set as a bitmap, with enough memory for the bitmap of a very common token to stay exact: a
# lossy bitmap makes PostgreSQL check every row of a page against its token array again.
BITMAP_ONLY = PlanTypes(("enable_seqscan", "enable_indexscan"), (("work_mem", "64MB"),))
# The index alone: search_org_hot's range for the organisation, the filters and the mask on its tuples.
INDEX_ONLY = PlanTypes(("enable_seqscan", "enable_bitmapscan"))
# A walk along the recency index, joined to the row by its key when a check needs the row.
WALK_ONLY = PlanTypes(("enable_seqscan", "enable_bitmapscan", "enable_sort", "enable_hashjoin", "enable_mergejoin"))


def _ids_newest_first(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """(rank_key, *columns) rows as (document_id, *columns), newest first."""
    id_mask = (1 << ID_BITS) - 1
    return [(row[0] & id_mask, *row[1:]) for row in sorted(rows, key=lambda row: row[0], reverse=True)]


def backend(tuning: Tuning | None = None) -> Backend:
    """The backend of the database in use, planning with ``tuning`` (default: tuning.configured())."""
    if connection.vendor == "postgresql":
        return PostgresBackend(tuning)
    if connection.vendor == "sqlite":
        return SqliteBackend(tuning)
    raise NotImplementedError(f"No search backend for {connection.vendor}")
