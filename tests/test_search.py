"""Full-text search: recall against a substring scan, normalisation, ranking, filters, indexing."""

from __future__ import annotations

import datetime as dt
import gzip
import importlib
import io
import json
import random
import re
import unicodedata
from html import unescape
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.catalogue.models import Document, DocumentState
from gongkai.catalogue.services import attachment_add, document_transition
from gongkai.search import backends, hot, normalise, query
from gongkai.search.entries import index_tokens
from gongkai.search.indexing import rebuild, stored_fts_tokens
from gongkai.search.models import SearchEntry
from gongkai.search.normalise import (
    FIELD_SEPARATOR,
    MAX_QUERY_CHARS,
    fold,
    fold_with_offsets,
    grams,
    parse_query,
    strong_in_title,
    title_grams,
)
from gongkai.search.query import SearchFilters, matching_ids, ranked_ids, reference_order, search
from gongkai.search.tuning import Tuning
from tests.conftest import SHARED_DATA, draft, publish, term

pytestmark = pytest.mark.django_db


def folded_published() -> dict[int, list[str]]:
    """Every published item's title, 文号, body and attachment texts, folded."""
    return {
        doc.pk: [
            fold(t) for t in (doc.title, doc.doc_number, doc.body, *(a.extracted_text for a in doc.attachments.all()))
        ]
        for doc in Document.objects.filter(state=DocumentState.PUBLISHED).prefetch_related("attachments")
    }


def brute_force(terms: tuple[str, ...], corpus: dict[int, list[str]] | None = None) -> set[int]:
    """The definition of recall: every published item whose title, 文号, body or attachment text
    contains every term as a substring after normalisation."""
    corpus = folded_published() if corpus is None else corpus
    return {pk for pk, folded in corpus.items() if all(any(t in f for f in folded) for t in terms)}


# --- normalisation ---------------------------------------------------------------------------


def test_fold() -> None:
    assert fold("公開 政府資訊") == "公开政府资讯"
    assert fold("ＡＢＣ１２３ Abc") == "abc123abc"
    assert (
        fold("沪府办发〔2009〕13號")
        == fold("沪府办发[2009]13号")
        == fold("沪府办发（2009）13号")
        == "沪府办发(2009)13号"
    )
    assert fold("政府\u200b信息\u3000公开\n") == "政府信息公开"
    assert fold("《条例》“引号”") == "《条例》“引号”"  # punctuation other than 文号 brackets is kept


def test_grams() -> None:
    assert grams("中华人民") == {"中", "华", "人", "民", "中华", "华人", "人民"}
    assert grams("a(1)") == {"a", "1"}  # punctuation breaks pairs


def test_parse_query_is_bounded_and_never_fails() -> None:
    assert parse_query("").empty and parse_query(None).empty and parse_query("   ").empty
    long = parse_query("长" * 500)
    assert len(long.terms[0]) == MAX_QUERY_CHARS and "过长" in long.notice
    many = parse_query(" ".join(f"词{i}" for i in range(30)))
    assert len(many.terms) == 10 and "过多" in many.notice
    odd = parse_query('a\x00b \ud800c "d" OR * NEAR( \'; DROP TABLE x; -- %_')
    assert odd.terms == ("ab", "c", '"d"', "or", "*", "near(", "';", "drop", "table", "x;")
    assert parse_query("公開 公开").terms == ("公开",)  # duplicates after folding count once


# --- the holes issue 24 §1 found ---------------------------------------------------------------

# Characters that fold to nothing on both sides: C0 and C1 controls, LRM/RLM, bidi embeddings and
# isolates, zero-width characters, the tags block, and the index's field separator.
INVISIBLE = st.sampled_from(
    [
        *("\x00", "\x1f", "\x7f", "\x85", "\x9f", "\u200b", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066"),
        *("\u2069", "\u00ad", "\ufeff", "\U000e0041", "\u061c", FIELD_SEPARATOR),
    ]
)


def test_the_field_separator_is_impossible_in_a_query() -> None:
    assert parse_query(FIELD_SEPARATOR).empty
    assert parse_query("通知␞边界发").terms == ("通知边界发",)
    assert FIELD_SEPARATOR not in fold(f"标题{FIELD_SEPARATOR}文号")


@given(st.text(alphabet="政府信息公开智慧城市擡頭幷且Ａa 1", max_size=12), st.data())
def test_text_and_query_fold_through_one_function(text: str, data: Any) -> None:
    """Whatever invisible character a site scatters into a text, the text folds as the query does,
    and a query is folded by ``fold`` alone (split on spaces first)."""
    spots = data.draw(st.lists(st.tuples(st.integers(0, len(text)), INVISIBLE), max_size=4))
    scattered = text
    for at, ch in sorted(spots, reverse=True):
        scattered = scattered[:at] + ch + scattered[at:]
    assert fold(scattered) == fold(text)
    pieces = [fold(p) for p in unicodedata.normalize("NFKC", scattered).split()]
    assert parse_query(scattered).terms == tuple(dict.fromkeys(p for p in pieces if p))


def test_the_traditional_table_is_openccs_with_zhconvs_variant_folds() -> None:
    """The whole table against OpenCC's t2s (the reference): every character OpenCC converts to one
    other is converted the same; the table's other entries are zhconv's variant folds, which
    OpenCC's t2s leaves alone (listed: kept on purpose, so that either form is found)."""
    from gongkai.core import hans

    reference, ours = hans.opencc_table(), hans.simplified_table()
    assert {k: ours.get(k) for k in reference} == reference
    deliberate = {k: v for k, v in ours.items() if k not in reference}
    assert deliberate == {k: v for k, v in hans.zhconv_table().items() if k not in reference}
    assert all(unicodedata.category(chr(k)) == "Lo" for k in deliberate)
    assert len(reference) > 5000 and len(deliberate) < 700
    for trad, simp in zip("擡幷谿逕搧箚苧袷𠼤", "抬并溪径扇札苎夹𫪄", strict=True):
        assert fold(trad) == simp


def test_missing_traditional_characters_and_invisible_marks_are_found(world) -> None:
    raised = publish(world, draft(world, title="擡頭幷且通知", body="", doc_number=""))
    marked = publish(world, draft(world, title="智慧\u200e城市\u202a建设\x85方案", body="", doc_number=""))
    assert [h.document.pk for h in search("抬头").hits] == [raised.pk]
    assert [h.document.pk for h in search("并且").hits] == [raised.pk]
    assert [h.document.pk for h in search("智慧城市建设").hits] == [marked.pk]
    # The separator alone is no query at all: what an empty box shows, never "every item matches".
    alone = search(FIELD_SEPARATOR)
    assert alone.query.empty and [h.document.pk for h in alone.hits] == [h.document.pk for h in search("").hits]


def test_regional_word_variants_are_a_lower_tier_after_every_exact_match(world, client) -> None:
    """资讯 (資訊) for 信息, 软体 (軟體) for 软件, as OpenCC's Taiwan phrase tables give them: found
    after the exact matches, never among them, and never changing them."""
    assert normalise.regional_variants("信息") == ("资讯",) and normalise.regional_variants("资讯") == ("信息",)
    assert normalise.regional_variants("软件") == ("软体",) and normalise.regional_variants("政府") == ()
    exact_old = publish(world, draft(world, title="政府信息公开指南", body="", doc_number=""))
    taiwan = publish(world, draft(world, title="政府資訊公開辦法", body="軟體採購", doc_number=""))
    exact_new = publish(world, draft(world, title="信息化建设通知", body="软件", doc_number=""))
    Document.objects.filter(pk=taiwan.pk).update(published_date=dt.date(2030, 1, 1))  # the newest of all
    rebuild()
    found = search("信息")
    assert [(h.document.pk, h.tier) for h in found.hits][-1] == (taiwan.pk, query.REGIONAL_TIER)
    assert {h.document.pk for h in found.hits[:-1]} == {exact_old.pk, exact_new.pk}
    assert found.total == 3 and found.regional == 1 and "<mark>資訊</mark>" in str(found.hits[-1].title)
    # The exact matches are what they were without the tier, in the same order, on every page.
    exact = ranked_ids(("信息",), SearchFilters(), 0, 20)
    assert [(h.document.pk, h.tier) for h in found.hits[:-1]] == exact
    one_per_page = [search("信息", page=p, page_size=1).hits[0].document.pk for p in (1, 2, 3)]
    assert one_per_page == [pk for pk, _ in exact] + [taiwan.pk]
    assert [h.document.pk for h in search("信息", sort="date").hits] == [exact_new.pk, exact_old.pk, taiwan.pk]
    # Two terms: each may be written either way (newest first within the tier).
    both = search("资讯 软件").hits
    assert [(h.document.pk, h.tier) for h in both] == [(taiwan.pk, 4), (exact_new.pk, 4)]
    assert [h.document.pk for h in search("资讯 采购").hits] == [taiwan.pk]  # exact: not the regional tier
    page = client.get("/search/", {"q": "信息"}).content.decode()
    assert "其中1条用的是另一地区的说法" in page and "另一地区的说法</span>" in page
    api = client.get("/api/v1/search", {"q": "信息"}).json()
    assert api["regional"] == 1 and [r["match_tier"] for r in api["results"]][-1] == 4


# --- recall ----------------------------------------------------------------------------------

ALPHABET = "政府信息公开条例申请人民共和国华中行政法规章程办理答复复议诉讼第一二三号年月日"


def _corpus_from_laws(world: Any, count: int) -> list[Document]:
    path = SHARED_DATA / "laws.jsonl.gz"
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 17 == 0:
                rows.append(json.loads(line))
            if len(rows) >= count:
                break
    docs = []
    for row in rows:
        docs.append(publish(world, draft(world, title=row["title"], body=row["body"][:6000], doc_number="")))
    return docs


def _generated_corpus(world: Any, count: int, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        body = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(20, 300)))
        title = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(4, 15)))
        docs.append(publish(world, draft(world, title=title, body=body, doc_number=f"呼教发〔{2000 + i % 25}〕{i}号")))
    return docs


def _queries_from(docs: list[Document], rng: random.Random, n: int) -> list[tuple[str, ...]]:
    queries: list[tuple[str, ...]] = []
    texts = [fold(d.title + d.body) for d in docs]
    for _ in range(n):
        kind = rng.random()
        text = rng.choice(texts)
        length = rng.choice([1, 1, 2, 2, 3, 4, 6, 10])
        if len(text) <= length:
            continue
        start = rng.randrange(len(text) - length)
        first = text[start : start + length]
        if kind < 0.7:
            queries.append((first,))
        else:
            other = rng.choice(texts)
            s2 = rng.randrange(max(1, len(other) - 3))
            queries.append((first, other[s2 : s2 + rng.choice([1, 2, 3])]))
    queries += [("不存在的词语组合",), ("z",), ("华人",), ("共和国",)]
    return [q for q in queries if all(q)]


def _assert_recall(queries: list[tuple[str, ...]]) -> None:
    misses = []
    corpus = folded_published()
    for terms in queries:
        terms = tuple(dict.fromkeys(terms))
        if matching_ids(terms) != brute_force(terms, corpus):
            misses.append(terms)
    assert not misses, f"{len(misses)} of {len(queries)} queries differ from the substring scan: {misses[:5]}"


@pytest.mark.corpus
def test_recall_on_real_legal_text(world) -> None:
    if not (SHARED_DATA / "laws.jsonl.gz").exists():
        pytest.skip("../shared/data/laws.jsonl.gz is absent; the generated-corpus test covers recall")
    docs = _corpus_from_laws(world, 60)
    _assert_recall(_queries_from(docs, random.Random(1), 250))


def test_recall_on_generated_text(world) -> None:
    docs = _generated_corpus(world, 40)
    _assert_recall(_queries_from(docs, random.Random(2), 250))


@pytest.fixture
def small_corpus(world) -> list[Document]:
    return _generated_corpus(world, 25, seed=11)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(terms=st.lists(st.text(alphabet=ALPHABET[:12] + "a1(", min_size=1, max_size=4), min_size=1, max_size=3))
def test_recall_property(small_corpus, terms: list[str]) -> None:
    folded = tuple(dict.fromkeys(fold(t) for t in terms if fold(t)))
    if folded:
        assert matching_ids(folded) == brute_force(folded)


def test_attachment_text_is_searched(world) -> None:
    doc = draft(world, title="附件测试", body="正文")
    attachment_add(actor=world.user("edu_clerk"), document=doc, name="表.txt", data="收费标准甲乙丙".encode())
    publish(world, doc)
    assert [h.document.pk for h in search("甲乙丙").hits] == [doc.pk]
    assert "<mark>甲乙丙</mark>" in search("甲乙丙").hits[0].snippet
    # The attachments are read only for the items whose body holds no term (one statement).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other = publish(world, draft(world, title="正文测试", body="甲乙丙在正文里"))
    for query_text, reads in (("甲乙丙", 1), ("正文里", 0)):
        with CaptureQueriesContext(connection) as captured:
            hits = search(query_text).hits
        assert "<mark>" in hits[0].snippet and other.pk in {h.document.pk for h in hits}
        assert sum("catalogue_attachment" in q["sql"] for q in captured.captured_queries) == reads, query_text


# --- normalisation through search ------------------------------------------------------------


def test_traditional_full_width_case_and_brackets(world) -> None:
    simp = publish(
        world, draft(world, title="关于政府信息公开工作的通知", body="ABC 公司", doc_number="沪府办发〔2009〕13号")
    )
    trad = publish(world, draft(world, title="政府資訊公開條例實施辦法", body="繁體文字", doc_number=""))
    assert {h.document.pk for h in search("公開").hits} == {simp.pk, trad.pk}
    assert [h.document.pk for h in search("资讯公开条例").hits] == [trad.pk]
    assert [h.document.pk for h in search("ａｂｃ").hits] == [simp.pk]
    for q in ("沪府办发[2009]13号", "沪府办发(2009)13号", "沪府办发【2009】13號", "沪府办发 〔2009〕 13 号"):
        assert [h.document.pk for h in search(q).hits] == [simp.pk], q
    hit = search("公開").hits
    assert any("政府資訊<mark>公開</mark>條例" in str(h.title) for h in hit)  # shown as written


# --- ranking ---------------------------------------------------------------------------------


def highlight_by_folding(text: str, terms: tuple[str, ...]) -> list[bool]:
    """The definition of a highlight: fold character by character, keeping each folded character's
    place in the text, and mark the written characters behind every occurrence of every term."""
    folded, where = fold_with_offsets(text)
    marks = [False] * len(text)
    for t in terms:
        i = folded.find(t)
        while i >= 0:
            for j in range(where[i], where[i + len(t) - 1] + 1):
                marks[j] = True
            i = folded.find(t, i + 1)
    return marks


def marks_of(html: str) -> list[bool]:
    marks: list[bool] = []
    for k, part in enumerate(re.split(r"</?mark>", html)):
        marks += [k % 2 == 1] * len(unescape(part))
    return marks


# Written forms that fold to one character each (traditional, full-width, upper case, 文号 brackets,
# spaces and zero-width characters that fold to nothing), and HTML's special characters.
WRITTEN = "公開开政府資讯讯Ａa Bb1１〔(【）\u200b\u3000\n<&\"'"


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=WRITTEN, max_size=40),
    terms=st.lists(st.text(alphabet="公开政府讯ab1()&<", min_size=1, max_size=3), min_size=1, max_size=3),
)
def test_highlight_marks_what_folding_finds(text: str, terms: list[str]) -> None:
    terms_t = tuple(t for t in dict.fromkeys(fold(t) for t in terms) if t)
    if not terms_t:
        return
    assert marks_of(query.highlight(text, terms_t)) == highlight_by_folding(text, terms_t)


def test_snippet_is_cut_around_the_first_match_as_written(world) -> None:
    body = "前言。" * 100 + "依申请公開政府資訊，" + "结语。" * 100
    doc = publish(world, draft(world, title="通知", body=body))
    html = str(search("政府资讯").hits[0].snippet)
    assert query.snippet(doc, (fold("政府資訊"),)) == html
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>政府資訊</mark>" in html  # shown as written


def test_ranking_tiers_and_recency(world) -> None:
    today = dt.date(2026, 6, 1)
    # The substring-only item is the newest: the tier must still put it last.
    substring_only = publish(
        world,
        draft(world, title="中华人民共和国某某法实施办法", body="中华人民共和国"),
        on=today + dt.timedelta(days=1),
    )
    body_word = publish(world, draft(world, title="侨务工作通知", body="邀请华人代表座谈"), on=today)
    old_title = publish(world, draft(world, title="华人华侨权益保护办法", body="正文"), on=dt.date(2020, 1, 2))
    new_title = publish(world, draft(world, title="关于华人华侨回国投资的意见", body="正文"), on=dt.date(2025, 1, 2))
    exact = publish(world, draft(world, title="华人", body="正文"), on=dt.date(2019, 1, 2))
    hits = search("华人").hits
    assert [h.document.pk for h in hits] == [exact.pk, new_title.pk, old_title.pk, body_word.pk, substring_only.pk]
    assert [h.tier for h in hits] == [0, 1, 1, 2, 3]
    by_date = search("华人", sort="date").hits
    assert [h.document.pk for h in by_date] == [substring_only.pk, body_word.pk, new_title.pk, old_title.pk, exact.pk]


def _dated_corpus(world: Any, count: int, seed: int) -> list[Document]:
    """Small-alphabet titles and bodies (every tier well populated), both bodies, many dates."""
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        body = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(10, 120)))
        title = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(2, 10)))
        org = world.health if i % 3 == 0 else world.edu
        on = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(6) * 200)  # ties on purpose
        # Half of them with a 文号, whose runs of 3–4 count for tier 1 when they look like part of one.
        number = f"呼教发〔{2020 + i % 4}〕{i % 7}号" if i % 2 else ""
        docs.append(publish(world, draft(world, org=org, title=title, body=body, doc_number=number), on=on))
    return docs


def test_walking_the_tiers_agrees_with_ranking_every_row(world) -> None:
    """The fast path (each tier walked newest first, stopping when the page is full) returns exactly
    the rows that ranking every match and sorting would, on every page, with and without filters."""
    docs = _dated_corpus(world, 45, seed=5)
    queries = _queries_from(docs, random.Random(3), 80)
    queries += [(d.title,) for d in docs[:5]]  # tier 0
    queries += [("2021",), ("021",), ("呼教发",), ("教发",), ("3号",), ("2022", "呼教")]  # parts of 文号
    differ = []
    for terms in queries:
        terms = tuple(dict.fromkeys(terms))
        for filters in (SearchFilters(), SearchFilters(org=world.health), SearchFilters(validity="current")):
            expected = reference_order(terms, filters)
            for offset, size in ((0, 7), (5, 7), (13, 20), (0, 100)):
                got = ranked_ids(terms, filters, offset, size)
                if got != expected[offset : offset + size]:
                    differ.append((terms, filters, offset, size))
    assert not differ, f"{len(differ)} pages differ, e.g. {differ[:3]}"


@pytest.mark.parametrize("org_in_gin", [False, True], ids=["org-on-rows", "org-in-gin"])
def test_filtered_walks_agree_with_the_filter_columns(world, org_in_gin: bool) -> None:
    """Every kind of filter, alone and combined, gives the pages and counts that the filter columns
    define (SearchFilters.apply), whichever way the backend applies it: on SQLite the filters are
    tokens of the FTS5 index (migration 0005), on PostgreSQL the body is a token of GIN's (0008)
    when it is small enough, so this holds those tokens to the columns."""
    if org_in_gin and connection.vendor != "postgresql":
        pytest.skip("SQLite's FTS5 holds every filter as a token whatever the body's size")
    # Each body here holds half the catalogue or more: GIN gets its token only if the limit allows.
    tuning = Tuning(gin_org_share=1.0 if org_in_gin else 0.0)
    docs = _dated_corpus(world, 40, seed=11)
    topics, art20s = ("T1102", "T1301"), ("", "ART20_08", "ART20_01")
    for i, doc in enumerate(docs):  # topics, Art. 20 items and 有效性 of every kind
        doc.topic = term("topic", topics[i % 2])
        doc.art20_item = term("art20", art20s[i % 3]) if art20s[i % 3] else None
        doc.save(update_fields=["topic", "art20_item"])
    for doc in docs[::7]:
        prefix = "edu" if doc.org == world.edu else "health"
        document_transition(actor=world.user(f"{prefix}_leader"), document=doc, action="revoke", reason="测试")
    rebuild()
    years = sorted({d.published_date.year for d in Document.objects.filter(pk__in=[d.pk for d in docs])})
    kinds = [
        SearchFilters(org=world.city),
        SearchFilters(org=world.health),
        SearchFilters(org=world.edu),
        *(SearchFilters(topic=t) for t in (*topics, "T13")),  # T13: the class above T1301
        *(SearchFilters(art20=a) for a in art20s if a),
        *(SearchFilters(year=y) for y in years),
        *(SearchFilters(validity=v) for v in ("current", "repealed")),
        SearchFilters(org=world.health, topic="T13", validity="current", year=years[-1]),
        SearchFilters(org=world.edu, art20="ART20_08", year=years[0]),
    ]
    queries = _queries_from(docs, random.Random(7), 25)
    differ = []
    for filters in kinds:
        for terms in queries:
            terms = tuple(dict.fromkeys(terms))
            expected = reference_order(terms, filters)
            result = search(" ".join(terms), filters, sort="date", page_size=50, with_facets=False, tuning=tuning)
            if result.total != len(expected) or {h.document.pk for h in result.hits} != {pk for pk, _ in expected}:
                differ.append(("date", terms, filters))
            if ranked_ids(terms, filters, 0, 50, backends.backend(tuning)) != expected:
                differ.append(("ranked", terms, filters))
    assert not differ, f"{len(differ)} results differ, e.g. {differ[:3]}"
    # Not vacuous: each filter kind kept some matches and dropped others (the city holds both bodies).
    every = sum(len(reference_order(t)) for t in queries[:10])
    assert sum(len(reference_order(t, kinds[0])) for t in queries[:10]) == every
    for filters in kinds[1:-2]:
        assert 0 < sum(len(reference_order(t, filters)) for t in queries[:10]) < every, filters


@pytest.mark.parametrize(
    ("min_share", "budget", "cap", "gin_org_share"),
    [
        (0.0, 30_000, 1000, 0.0),
        (0.15, 30_000, 1000, 0.0),
        (0.15, 30_000, 1000, 1.0),
        (0.15, 6, 1000, 1.0),
        (0.15, 30_000, 4, 0.0),
    ],
    ids=["every-token-hot", "some-hot", "some-hot-org-in-gin", "walks-run-out", "counts-capped"],
)
def test_hot_tokens_change_no_result(world, min_share: float, budget: int, cap: int, gin_org_share: float) -> None:
    """PostgreSQL's hot tokens (every token and 3–4 character run hot; only the common ones, so that
    GIN and masks meet; and a walk budget so small that walks give up and GIN answers), with the
    body filtered on as a token of GIN's or on the rows, change no count, no page sorted by date and
    no ranked page; nor does a list that is newer than the entries' masks."""
    if connection.vendor != "postgresql":
        pytest.skip("hot tokens are PostgreSQL's: SQLite's FTS5 hands back matches newest first")
    docs = _dated_corpus(world, 45, seed=5)
    tuning = Tuning(
        gin_org_share=gin_org_share,
        hot_min_share=min_share,
        walk_budget=budget,
        count_walk_tuples=budget,
        count_cap=cap,
        # Sets found through a cold token prove "large" after 3 rows, so they go through the windows.
        whole_set_probe=3,
        # And after 5 rows read when common tokens are checked on the masks of the rows GIN finds.
        candidate_probe=5,
        # Sets estimated as large as a million's: walks start in the narrowest recency window (the
        # newest item or two of this small catalogue), often come back short and widen.
        least_set_size=1e6,
    )
    rebuild(tuning=tuning)
    tuned = hot.usable()
    assert tuned is not None and tuned.bits
    every_token = set().union(
        *(set(tokens) | normalise.ngrams(text) for tokens, text in SearchEntry.objects.values_list("tokens", "text"))
    )
    assert set(tuned.bits) <= every_token
    if min_share == 0:  # as many as fit, 3–4 character runs among them
        assert len(tuned.bits) == min(hot.HOT_BITS, len(every_token))
        assert any(hot.is_ngram(t) for t in tuned.bits)
    else:
        assert len(tuned.bits) < min(hot.HOT_BITS, len(every_token))
    # Terms spelled like the index's prefixed ranking tokens mean their characters (no item has "_").
    for spelled_like_a_token in [t for t in tuned.bits if t.startswith("_")][:20]:
        assert matching_ids((spelled_like_a_token,)) == brute_force((spelled_like_a_token,)) == set()
    queries = _queries_from(docs, random.Random(3), 50) + [(d.title,) for d in docs[:3]]
    recency = dict(SearchEntry.objects.values_list("document_id", "rank_key"))
    differ = []
    for stale in (False, True):
        if stale:  # a newer list than the masks: searches must not use them
            hot.retune(tuning=tuning)
            assert hot.usable() is None
        for terms in queries:
            terms = tuple(dict.fromkeys(terms))
            for filters in (SearchFilters(), SearchFilters(org=world.health)):
                expected = reference_order(terms, filters)
                by_date = sorted((pk for pk, _ in expected), key=recency.__getitem__, reverse=True)
                result = search(" ".join(terms), filters, sort="date", page_size=7, with_facets=False, tuning=tuning)
                if result.total != min(len(expected), cap):
                    differ.append(("count", terms, filters, stale))
                if [h.document.pk for h in result.hits] != by_date[:7]:
                    differ.append(("date", terms, filters, stale))
                for offset, size in ((0, 2), (2, 3), (0, 7), (13, 20)):  # short pages: narrow windows
                    if (
                        ranked_ids(terms, filters, offset, size, backends.backend(tuning))
                        != expected[offset : offset + size]
                    ):
                        differ.append(("ranked", terms, filters, stale, offset))
    assert not differ, f"{len(differ)} results differ, e.g. {differ[:3]}"


def test_a_probe_that_reads_many_rows_for_few_matches_gives_way_to_the_windows(world) -> None:
    """PostgreSQL, as 具体 管理 at a million items: tier 1 asks GIN for a cold title token (`_具体`,
    held by many titles) and tests a common one (`_管理`) on the masks of the rows it finds; few
    pass. The probe gives up after Tuning.candidate_probe rows and the recency windows find the page: every
    page and every count as ranking every row gives them."""
    if connection.vendor != "postgresql":
        pytest.skip("hot tokens are PostgreSQL's")
    rng = random.Random(8)
    for i in range(40):
        # 具体 strong in the titles of 16 items (cold: under half), 管理 in 24 (hot, above a fifth, so
        # on the masks); both in the titles of 8; both in every body.
        title = ("具体" if i % 10 < 4 else "") + rng.choice("甲乙丙丁") + ("管理" if i % 10 >= 2 and i % 10 < 8 else "")
        on = dt.date(2020, 1, 1) + dt.timedelta(days=i * 10)
        publish(world, draft(world, title=title + f"通知{i}", body="具体规定和管理办法" + "戊" * i), on=on)
    tuning = Tuning(hot_min_share=0.5, candidate_probe=5, count_cap=4)
    rebuild(tuning=tuning)
    tuned = hot.usable()
    assert tuned is not None and "_管理" in tuned.bits and "_具体" not in tuned.bits
    engine = backends.backend(tuning)
    plan = engine.tier_plan(1, ("具体", "管理"))
    assert "_具体" in engine._gin_tokens(plan.tokens) and "_管理" not in engine._gin_tokens(plan.tokens)
    expected = reference_order(("具体", "管理"))
    assert sum(tier == 1 for _, tier in expected) == 8
    for offset, size in ((0, 2), (0, 7), (3, 6), (10, 20)):
        with CaptureQueriesContext(connection) as statements:
            got = ranked_ids(("具体", "管理"), SearchFilters(), offset, size, backends.backend(tuning))
        assert got == expected[offset : offset + size]
    # The probe ran (GIN's candidates, each with the test of its mask) and gave way to a window.
    sql = [q["sql"] for q in statements.captured_queries]
    probe = next(i for i, q in enumerate(sql) if "FROM (SELECT * FROM search_searchentry e WHERE" in q)
    assert any("e.rank_key >= " in q for q in sql[probe + 1 :])
    result = search("具体 管理", page_size=7, with_facets=False, tuning=tuning)
    assert result.total == 4 and result.total_capped


@pytest.mark.django_db(transaction=True)
def test_the_index_of_the_newest_items_follows_the_hot_list(world) -> None:
    """PostgreSQL: a rebuild (bulk or not) leaves pg_indexes.RECENT_INDEX over the entries from the
    list's recent_key on, the same expression as the whole token index; without a list it is
    dropped. Outside a transaction it is built CONCURRENTLY and swapped in."""
    if connection.vendor != "postgresql":
        pytest.skip("the index of the newest items is PostgreSQL's")
    from gongkai.search import pg_indexes

    _dated_corpus(world, 8, seed=4)

    def definition() -> str | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [pg_indexes.RECENT_INDEX])
            row = cursor.fetchone()
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_tokens_org_gin'")
            whole = cursor.fetchone()[0]
        if row is None:
            return None
        assert row[0].split(" USING ")[1].split(" WHERE ")[0] == whole.split(" USING ")[1]
        return row[0].split(" WHERE ")[1]

    for bulk in (False, True):
        rebuild(bulk=bulk)
        key = hot.usable().recent_key
        assert key is not None and definition() == f"(rank_key >= '{key}'::bigint)"
        assert key == sorted(SearchEntry.objects.values_list("rank_key", flat=True))[-1] or (
            SearchEntry.objects.filter(rank_key__gte=key).count() < SearchEntry.objects.count()
        )
    pg_indexes.refresh_recent_index(None)
    assert definition() is None
    out = io.StringIO()
    call_command("search_rebuild", "--recent-index", stdout=out, stderr=io.StringIO())  # after an upgrade
    assert definition() == f"(rank_key >= '{key}'::bigint)" and "已建立" in out.getvalue()
    pg_indexes.refresh_recent_index(None)
    with transaction.atomic():  # plainly, inside a transaction
        pg_indexes.refresh_recent_index(hot.usable())
    assert definition() == f"(rank_key >= '{key}'::bigint)"
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_indexes WHERE indexname LIKE 'search_tokens_recent%%'")
        assert cursor.fetchone()[0] == 1  # the new one was swapped in; nothing left behind


def test_masks_are_used_only_when_every_entry_has_the_newest(world) -> None:
    """hot.usable: a search tests bits only when every entry's mask was computed with the newest
    list; one entry without a mask, or with an older or a newer list's, and GIN answers alone."""
    if connection.vendor != "postgresql":
        pytest.skip("hot tokens are PostgreSQL's")
    _dated_corpus(world, 6, seed=2)
    rebuild()
    newest = hot.usable()
    assert newest is not None
    some = SearchEntry.objects.order_by("rank_key").values_list("document_id", flat=True)[:1]
    for version in (None, newest.version - 1, newest.version + 1):
        SearchEntry.objects.filter(document_id__in=some).update(hot_version=version)
        assert hot.usable() is None, version
    SearchEntry.objects.filter(document_id__in=some).update(hot_version=newest.version)
    assert hot.usable() == newest
    SearchEntry.objects.all().delete()  # no entry has another list
    assert hot.usable() == newest


def test_every_entry_holds_the_tokens_its_ranking_tokens_imply(world) -> None:
    """Walks leave out of the index request the tokens a ranking token implies (backends.
    implied_tokens): safe only because every entry holding _华侨, _华侨_ or __华侨 holds 华, 侨 and
    华侨 too."""
    _dated_corpus(world, 30, seed=11)
    checked = 0
    for entry in SearchEntry.objects.all():
        held = set(stored_fts_tokens(entry).split()) | normalise.ngrams(entry.text)
        ranking = {t for t in held if t.startswith("_")}
        implied = backends.implied_tokens(ranking)
        # Words longer than a hot run are not tokens of their own: their grams are what must be held.
        missing = {t for t in implied - held if len(t) <= 4}
        assert not missing, missing
        checked += len(implied)
    assert checked > 100


def test_title_grams_follow_the_strong_match_rule() -> None:
    # 华人 inside the word 中华人民共和国 is weak; 华侨 at the edge of a word is strong; a 文号's
    # grams count when they have a digit.
    tokens = set(title_grams("中华人民共和国华侨权益保护法", "中华人民共和国 华侨 权益 保护法", "(2026)7号").split())
    assert "_华侨" in tokens and "_华人" not in tokens and "_共" not in tokens and "_法" in tokens
    assert "_华人_" in tokens and "_共_" in tokens  # candidates for longer terms: every gram
    assert {"_20", "_7", "_7号"} <= tokens and "_号" not in tokens
    assert strong_in_title("共和国", "中华人民共和国", "中华人民共和国")  # touches the word's edge
    # Runs of 3–4 by the same rule (migration 0009), and the 文号's runs with a digit.
    assert {"_中华人", "_华侨权益", "_保护法", "_2026", "_026"} <= tokens
    assert "_华人民" not in tokens and "_人民共和" not in tokens
    assert "_华侨权_" not in tokens  # candidates stay pairs: a longer term's pairs


def test_tier_one_of_a_short_term_is_one_token_and_reads_no_row(world) -> None:
    """A term of 1–4 letters, digits or ideographs is answered in tier 1 by its title token alone
    (normalise.title_token): nothing is tested on the row. A longer term, or one with punctuation,
    still needs the strong-match test."""
    engine = backends.backend()
    for short in ("华", "华侨", "华侨权", "保护法规", "2026"):
        plan = engine.tier_plan(1, (short,))
        assert plan.tokens == {"_" + short} and not plan.checks.where, short
    for longer in ("华侨权益保", "(2026)"):
        assert engine.tier_plan(1, (longer,)).checks.where, longer
    doc = publish(world, draft(world, title="关于环境卫生管理的通知", doc_number="呼教发〔2026〕7号"))
    weak = publish(world, draft(world, title="中华人民共和国城市规划法", body="环境卫生", doc_number=""))
    hits = [(h.document.pk, h.tier) for h in search("环境卫生").hits]
    assert hits[0] == (doc.pk, 1) and hits[1][0] == weak.pk and hits[1][1] > 1 and len(hits) == 2
    assert [h.tier for h in search("人民共和").hits] == [3]  # inside one word of the title: weak
    assert [h.tier for h in search("2026").hits] == [1]  # part of the 文号


@pytest.mark.django_db(transaction=True)
def test_migration_0010_carries_the_tokens_over(world) -> None:
    """0010 moves SQLite's tokens from the entry's text columns into the contentless FTS5 table (and
    makes PostgreSQL's array a plain column). Unapplied and applied again over entries indexed as
    0009 indexed them, every search finds what it found, and every token the index was given can be
    removed with the tokens derived from the row: after deleting the entries nothing is left."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    frozen = importlib.import_module("gongkai.search.migrations.0003_token_index")
    runs = importlib.import_module("gongkai.search.migrations.0009_title_runs")
    _dated_corpus(world, 25, seed=3)
    queries = ["政府", "华", "行政", "呼教发", "2021"]
    found = {q: [h.document.pk for h in search(q, sort="date").hits] for q in queries}
    executor = MigrationExecutor(connection)
    executor.migrate([("search", "0009_title_runs")])
    # The columns as 0009's indexing wrote them (the backwards step leaves them empty).
    with connection.cursor() as cursor:
        cursor.execute("SELECT document_id, title, title_words, number, text, words FROM search_searchentry")
        for doc_id, title, title_words, number, text, words in cursor.fetchall():
            cursor.execute(
                "UPDATE search_searchentry SET grams = %s, title_grams = %s, word_tokens = %s WHERE document_id = %s",
                [
                    " ".join(sorted(frozen._grams(text))),
                    runs.title_grams_after(title, title_words, number),
                    frozen.word_tokens(words),
                    doc_id,
                ],
            )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert {q: [h.document.pk for h in search(q, sort="date").hits] for q in queries} == found
    assert all(found.values())
    every_token = set().union(*(stored_fts_tokens(e).split() for e in SearchEntry.objects.all()))
    assert any(t.startswith("@o") for t in every_token) and any(t.startswith("__") for t in every_token)
    SearchEntry.objects.all().delete()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for token in every_token:
                cursor.execute("SELECT COUNT(*) FROM search_tokens WHERE search_tokens MATCH %s", [f'"{token}"'])
                assert cursor.fetchone()[0] == 0, token
        else:
            cursor.execute(
                "SELECT attgenerated FROM pg_attribute WHERE attrelid = 'search_searchentry'::regclass "
                "AND attname = 'tokens'"
            )
            assert cursor.fetchone()[0] == ""


def test_counts_stop_at_the_cap_and_say_so(world, client) -> None:
    for i in range(6):
        publish(world, draft(world, title=f"上限测试{i}"), on=dt.date(2026, 1, 1 + i))
    result = search("上限测试", page_size=2, tuning=Tuning(count_cap=4))
    assert result.total == 4 and result.total_capped and result.pages == 2
    assert sum(n for _, _, n in result.facets["year"]) == 4  # the newest four
    with override_settings(GONGKAI_SEARCH_TUNING=Tuning(count_cap=4)):  # a deployment's tuning
        page = client.get(reverse("portal:search"), {"q": "上限测试"}).content.decode()
        api = client.get("/api/v1/search", {"q": "上限测试"}).json()
    assert "4 条以上" in page and "统计最新的 4 条结果" in page
    assert api["total"] == 4 and api["total_capped"] is True
    six = search("上限测试", tuning=Tuning(count_cap=6))
    assert six.total == 6 and not six.total_capped
    assert search("上限测试").total == 6 and not search("上限测试").total_capped  # the default cap


def test_doc_number_match_ranks_first(world) -> None:
    target = publish(world, draft(world, title="关于做好招生工作的通知", doc_number="呼教发〔2026〕7号"))
    publish(world, draft(world, title="转发通知", body="根据呼教发〔2026〕7号文件精神", doc_number=""))
    hits = search("呼教发[2026]7号").hits
    assert hits[0].document.pk == target.pk and hits[0].tier == 0 and len(hits) == 2


# --- filters and facets ----------------------------------------------------------------------


def test_filters_combine_with_query_and_facets_count(world) -> None:
    a = publish(world, draft(world, title="教育收费公示", art20_item=term("art20", "ART20_08")), on=dt.date(2025, 3, 3))
    b = publish(
        world,
        draft(world, org=world.health, title="医疗收费公示", topic=term("topic", "T1301")),
        on=dt.date(2026, 3, 3),
    )
    c = publish(world, draft(world, title="收费项目废止", body="收费"), on=dt.date(2026, 3, 3))
    document_transition(actor=world.user("edu_leader"), document=c, action="revoke", reason="停止收费")

    def ids(**kw: Any) -> set[int]:
        return {h.document.pk for h in search("收费", SearchFilters(**kw)).hits}

    assert ids() == {a.pk, b.pk, c.pk}
    assert ids(org=world.city) == {a.pk, b.pk, c.pk}  # the city and everything below it
    assert ids(org=world.health) == {b.pk}
    assert ids(topic="T13") == {b.pk} and ids(topic="T1301") == {b.pk}
    assert ids(art20="ART20_08") == {a.pk}
    assert ids(year=2025) == {a.pk}
    assert ids(validity="repealed") == {c.pk}
    assert ids(validity="current", year=2026) == {b.pk}
    facets = search("收费").facets
    assert ("repealed", "已废止", 1) in facets["validity"] and ("current", "现行有效", 2) in facets["validity"]
    assert dict((v, n) for v, _, n in facets["year"]) == {2026: 2, 2025: 1}
    assert dict((v, n) for v, _, n in facets["org"]) == {"edu": 2, "health": 1}


# --- what is in the index --------------------------------------------------------------------


def published_ids() -> set[int]:
    return set(Document.objects.filter(state=DocumentState.PUBLISHED).values_list("pk", flat=True))


def test_index_follows_the_workflow(world) -> None:
    doc = draft(world, title="独一无二的标题甲")
    assert search("独一无二").total == 0  # drafts never appear
    for action, who in (("submit", "edu_clerk"), ("review", "edu_reviewer"), ("approve", "edu_leader")):
        doc = document_transition(actor=world.user(who), document=doc, action=action)
        assert search("独一无二").total == 0
    doc = document_transition(actor=world.user("edu_clerk"), document=doc, action="publish")
    assert search("独一无二").total == 1
    doc = document_transition(actor=world.user("edu_leader"), document=doc, action="revoke", reason="废止")
    result = search("独一无二")
    assert result.total == 1 and result.hits[0].document.validity == "repealed"  # revoked: found, marked
    document_transition(actor=world.user("edu_leader"), document=doc, action="withdraw", reason="撤回")
    assert search("独一无二").total == 0
    assert set(SearchEntry.objects.values_list("document_id", flat=True)) == published_ids()


def test_a_failure_mid_publication_leaves_index_and_item_unchanged(world, monkeypatch) -> None:
    doc = draft(world, title="崩溃测试标题")
    for action, who in (("submit", "edu_clerk"), ("review", "edu_reviewer"), ("approve", "edu_leader")):
        doc = document_transition(actor=world.user(who), document=doc, action=action)
    import gongkai.core.audit as audit_module

    def crash(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(audit_module, "record", crash)  # fails after the index was written
    with pytest.raises(RuntimeError):
        document_transition(actor=world.user("edu_clerk"), document=doc, action="publish")
    doc.refresh_from_db()
    assert doc.state == DocumentState.APPROVED
    assert not SearchEntry.objects.filter(document_id=doc.pk).exists()
    assert search("崩溃测试").total == 0


def test_reimport_updates_the_index(world, tmp_path) -> None:
    from gongkai.catalogue.importing import import_catalogue

    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"source_id": "s1", "title": "旧标题甲乙", "body": "正文"}, ensure_ascii=False) + "\n")
    import_catalogue(actor=None, path=path, default_org=world.edu)
    assert search("旧标题").total == 1
    path.write_text(json.dumps({"source_id": "s1", "title": "新标题丙丁", "body": "正文"}, ensure_ascii=False) + "\n")
    import_catalogue(actor=None, path=path, default_org=world.edu)
    assert search("旧标题").total == 0 and search("新标题").total == 1


@pytest.mark.parametrize("bulk", [False, True])
def test_rebuild_repairs_a_damaged_index(world, bulk: bool) -> None:
    # Published newest first: the ids run against the recency order.
    docs = [publish(world, draft(world, title=f"重建测试{i}"), on=dt.date(2026, 5, 9 - i)) for i in range(8)]
    SearchEntry.objects.filter(document_id=docs[0].pk).delete()  # lost
    SearchEntry.objects.filter(document_id=docs[1].pk).update(title="过时", text="过时")  # stale
    call_command(
        "search_rebuild", "--no-progress", "--batch-size", "3", *(["--bulk"] if bulk else []), stdout=io.StringIO()
    )
    assert set(SearchEntry.objects.values_list("document_id", flat=True)) == published_ids()
    assert search("重建测试").total == 8 and search("过时").total == 0
    check_index_structures()  # a bulk rebuild puts the PostgreSQL token index back


def test_rebuild_writes_the_entries_oldest_first(world) -> None:
    """On PostgreSQL the table then lies in the order searches walk it (docs/operations.md)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps the entries in the order of their ids whatever the order of writing")
    # Published newest first: the ids run against the recency order.
    for i in range(8):
        publish(world, draft(world, title=f"顺序测试{i}"), on=dt.date(2026, 5, 9 - i))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks first
        cursor.execute("TRUNCATE search_searchentry")  # a new file: rows lie in the order written
    rebuild(batch_size=3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rank_key FROM search_searchentry ORDER BY ctid")
        keys = [row[0] for row in cursor.fetchall()]
    assert keys == sorted(keys) and len(keys) == len(published_ids()) >= 8


def test_rebuild_on_every_core_writes_what_one_process_writes(world) -> None:
    """The rebuild's worker processes (indexing.rebuild, ``workers``) derive the same entries, in the
    same order, as deriving here: every column, the tokens the index holds, and every search."""
    _dated_corpus(world, 30, seed=8)
    doc = draft(world, title="附件测试", body="正文")
    attachment_add(actor=world.user("edu_clerk"), document=doc, name="表.txt", data="华侨权益".encode())
    publish(world, doc)
    queries = ["政府", "华侨权益", "呼教发", "华 行政"]

    def state() -> tuple[list[tuple[Any, ...]], dict[str, list[tuple[int, int | None]]]]:
        columns = [f.column for f in SearchEntry._meta.concrete_fields if f.column != "indexed_at"]
        # PostgreSQL's token array in any order (an index does not care; each process orders a set
        # by its own string hashes).
        rows = [
            tuple(sorted(v) if isinstance(v, list) else v for v in row)
            for row in SearchEntry.objects.order_by("document_id").values_list(*columns)
        ]
        pages = {q: [(h.document.pk, h.tier) for h in search(q).hits] for q in queries}
        return rows, pages

    rebuild(workers=0)
    here = state()
    rebuild(workers=2, batch_size=7, tune=False)  # the same hot list (PostgreSQL), so the same masks
    assert state() == here
    assert all(here[1].values()) and here[1]["华侨权益"][0][0] == doc.pk
    check_index_structures()  # the FTS5 table holds each entry's tokens exactly once


class _Interrupted(Exception):
    pass


def test_an_interrupted_rebuild_leaves_a_correct_index(world) -> None:
    """Stopped after its first batch, a rebuild leaves every search as it was: on SQLite nothing
    changed (one transaction, inside which the entries' b-tree indexes were dropped to be built again
    after the rows; the connection's page cache is its own again), on PostgreSQL the batches written
    are committed and right."""
    _dated_corpus(world, 12, seed=4)
    queries = ["政府", "行政", "华", "规定"]

    def pages() -> dict[str, list[tuple[int, int | None]]]:
        return {q: [(h.document.pk, h.tier) for h in search(q).hits] for q in queries}

    before = pages()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size" if connection.vendor == "sqlite" else "SELECT 1")
        cache = cursor.fetchone()[0]

    def interrupt(done: int) -> None:
        raise _Interrupted

    with pytest.raises(_Interrupted):
        rebuild(batch_size=5, on_progress=interrupt, workers=0)
    assert pages() == before and any(before.values())
    check_index_structures()
    rebuild(batch_size=5, workers=0)
    assert pages() == before
    check_index_structures()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size" if connection.vendor == "sqlite" else "SELECT 1")
        assert cursor.fetchone()[0] == cache


# --- hostile input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "a*",
        "NEAR(a b)",
        "a OR b",
        "a AND",
        "^",
        "-",
        "'",
        "'; DROP TABLE catalogue_document; --",
        "%",
        "_",
        "\\",
        "\x00\x01",
        "\ud800",
        "a" * 5000,
        "(",
        "{title}: x",
        "col:x",
        "<script>",
    ],
)
def test_hostile_queries_are_plain_text(world, client, query: str) -> None:
    publish(world, draft(world, title="100%达标 a_b 《条例》 (x) <script>", body="正文"))
    result = search(query)
    assert result.total >= 0
    # Sent as a browser would: percent-encoded UTF-8, or raw invalid bytes for a lone surrogate.
    encoded = quote(query.encode("utf-8", "surrogatepass"))
    response = client.get(f"{reverse('portal:search')}?q={encoded}")
    assert response.status_code == 200
    assert "<script>" not in response.text.split("<main", 1)[1]
    assert client.get(f"{reverse('api:search')}?q={encoded}").status_code == 200


def test_punctuation_queries_match_literally(world) -> None:
    doc = publish(world, draft(world, title="100%达标 a_b 公告", body="正文"))
    publish(world, draft(world, title="100达标 ab 公告", body="正文"))
    assert [h.document.pk for h in search("100%").hits] == [doc.pk]
    assert [h.document.pk for h in search("a_b").hits] == [doc.pk]
    assert [h.document.pk for h in search("%").hits] == [doc.pk]


# --- pages and API ---------------------------------------------------------------------------


def test_search_page_and_api_agree(world, client) -> None:
    for i in range(25):
        publish(
            world,
            draft(world, title=f"关于预算公开的通知{i}", body="预算公开"),
            on=dt.date(2026, 1, 1) + dt.timedelta(days=i),
        )
    page = client.get(reverse("portal:search"), {"q": "預算公開"}).text
    assert "共 25 条" in page and "<mark>预算公开</mark>" in page and "第 1 / 2 页" in page
    api = client.get(reverse("api:search"), {"q": "預算公開", "page": 2}).json()
    assert api["total"] == 25 and api["page"] == 2 and api["pages"] == 2 and len(api["results"]) == 5
    first = client.get(reverse("api:search"), {"q": "預算公開"}).json()
    titles = [r["title"] for r in first["results"]]
    assert titles[0] == "关于预算公开的通知24"  # ties broken by recency
    assert all(r["title_html"] in page for r in first["results"]) and len(titles) == 20
    assert first["results"][0]["url"].endswith(f"/content/{first['results'][0]['id']}/")


def test_empty_result_page_suggests(world, client) -> None:
    text = client.get(reverse("portal:search"), {"q": "没有这个词 另一个", "org": "edu"}).text
    assert "没有找到包含“没有这个词”和“另一个”的政府信息" in text
    assert "减少一个词" in text and "取消全部筛选条件" in text and "申请公开" in text


def test_search_box_on_every_portal_page_and_advanced_search(world, client) -> None:
    for url in ("/", "/xxgk/hhht/", "/xxgk/hhht/zhinan/", "/xxgk/hhht/fdzdgknr/", "/search/?q=x"):
        assert 'id="site-q"' in client.get(url).text, url
    advanced = client.get(reverse("portal:advanced_search")).text
    for field in (
        'name="q"',
        'name="org"',
        'name="topic"',
        'name="art20"',
        'name="year"',
        'name="validity"',
        'name="sort"',
    ):
        assert field in advanced


def test_index_structures_exist(world) -> None:
    publish(world, draft(world, title="政府信息公开"))
    check_index_structures()


def check_index_structures() -> None:
    """The index's structures as migrations leave them: on SQLite a contentless FTS5 table (0010)
    holding the tokens of every entry (政 is in every entry of the callers), and no trigger
    (indexing.py writes it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%'")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT COUNT(*) FROM search_searchentry WHERE instr(text, '政') > 0")
            entries = cursor.fetchone()[0]
            cursor.execute("SELECT COUNT(*) FROM search_tokens WHERE search_tokens MATCH '\"政\"'")
            assert cursor.fetchone()[0] == entries
            cursor.execute("SELECT name FROM pragma_table_info('search_tokens')")
            assert [r[0] for r in cursor.fetchall()] == ["tokens"]
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_tokens'")
            assert "content=''" in cursor.fetchone()[0]
            # The entries' b-tree indexes, which a rebuild drops and builds again after the rows.
            cursor.execute(
                "SELECT name, sql FROM pragma_index_list('search_searchentry') JOIN sqlite_master USING (name)"
            )
            indexes = dict(cursor.fetchall())
            assert {"search_rank", "search_title", "search_number"} <= set(indexes)
            assert any('("org_path")' in sql for sql in indexes.values() if sql)
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'search_searchentry'")
            names = {r[0] for r in cursor.fetchall()}
            assert {"search_tokens_org_gin", "search_rank", "search_rank_hot", "search_org_hot"} <= names
            assert {"search_title", "search_number"} <= names and "search_tokens_gin" not in names
            # A statement reaches the token index only by spelling the expression it is built on (0008).
            token_sql, params = backends.PostgresBackend().tokens_sql({"政", "@o1"})
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN SELECT 1 FROM search_searchentry e WHERE {token_sql}", params)
            assert "search_tokens_org_gin" in " ".join(r[0] for r in cursor.fetchall())
            cursor.execute("RESET enable_seqscan")
            # The text stays in the row (migration 0007), the mask uncompressed in it (0004).
            cursor.execute(
                "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'search_searchentry'::regclass "
                "AND attname IN ('text', 'hot')"
            )
            assert dict(cursor.fetchall()) == {"text": "m", "hot": "p"}


def test_page_past_the_end_shows_the_last_page(world) -> None:
    for i in range(3):
        publish(world, draft(world, title=f"分页测试{i}"))
    result = search("分页测试", page=40, page_size=2)
    assert result.page == 2 and result.pages == 2 and len(result.hits) == 1


@settings(max_examples=200, deadline=None)
@given(
    title=st.text(alphabet=ALPHABET[:20] + "a1(）《 ", max_size=30),
    number=st.text(alphabet="呼教发(2026)7号〔〕", max_size=12),
)
def test_migrations_compute_the_columns_as_indexing_does(title: str, number: str) -> None:
    """Migrations 0003 and 0009 filled rank_key, title_grams and word_tokens with frozen copies of the
    code, and 0010 carries those columns' tokens over to the index: they must be the tokens indexing
    derives today (entries.index_tokens; 0009's title_grams today's, 0003's the one 0009 replaced,
    which it restores when unapplied)."""
    import importlib

    from gongkai.search import indexing, normalise
    from gongkai.search.segment import segment_folded

    frozen = importlib.import_module("gongkai.search.migrations.0003_token_index")
    runs = importlib.import_module("gongkai.search.migrations.0009_title_runs")
    title, number = fold(title), fold(number)
    title_words = " ".join(segment_folded(title))
    assert runs.title_grams_after(title, title_words, number) == normalise.title_grams(title, title_words, number)
    assert runs.title_grams_before(title, title_words, number) == frozen.title_grams(title, title_words, number)
    assert frozen.word_tokens(title_words) == normalise.word_tokens(title_words)
    text = FIELD_SEPARATOR.join([title, number, "正文"])
    columns = [
        " ".join(sorted(frozen._grams(text))),
        runs.title_grams_after(title, title_words, number),
        frozen.word_tokens(title_words),
    ]
    carried = " ".join(columns).split()
    assert sorted(carried) == sorted(index_tokens(title, number, text, title_words, title_words).split())
    day = dt.date(2026, 11, 23)
    assert frozen.rank_key(day, 12345) == indexing.rank_key(day, 12345)


def test_search_leaves_the_planner_settings_as_it_found_them(world) -> None:
    """PostgreSQL: plan choices are set for single statements, not for the rest of the transaction."""
    from django.db import connection

    names = ("enable_seqscan", "enable_indexscan", "enable_bitmapscan", "work_mem")

    def current() -> list[str]:
        if connection.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            values = []
            for name in names:
                cursor.execute(f"SHOW {name}")
                values.append(cursor.fetchone()[0])
            return values

    publish(world, draft(world, title="设置恢复测试"))
    before = current()
    assert search("设置恢复测试").total == 1 and search("设").total >= 1
    assert current() == before
    with transaction.atomic():  # a caller's transaction that goes on after the search
        assert search("设置恢复测试").total == 1 and search("设").total >= 1
        assert current() == before


def test_a_planned_statement_runs_with_its_settings_and_leaves_them(world) -> None:
    """PostgreSQL: PlanTypes.wrap sends SET LOCAL, the statement and RESET as one string; the
    statement sees the settings, the next one does not, in autocommit and in a transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("plan types are set on PostgreSQL only")
    ask = "SELECT current_setting('enable_indexscan'), current_setting('work_mem'), current_setting('jit'), %s"

    def defaults() -> tuple[str, str, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_indexscan'), current_setting('work_mem'), current_setting('jit')"
            )
            return cursor.fetchone()

    before = defaults()
    assert before[:2] == ("on", "4MB")
    assert backends.fetch(ask, [7], backends.BITMAP_ONLY) == [("off", "64MB", "off", 7)]
    assert backends.fetch(ask, [8]) == [(*before, 8)]
    assert defaults() == before
    with transaction.atomic():
        assert backends.fetch(ask, [9], backends.BITMAP_ONLY) == [("off", "64MB", "off", 9)]
        assert defaults() == before
