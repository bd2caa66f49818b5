"""The matching form of text and queries (architecture §3–4).

One function folds both the indexed text and the query, so that "contains the query after
normalisation" means the same thing everywhere:
- NFKC (full-width ＡＢＣ１２３ and half-width forms become one), then case folding;
- Traditional to Simplified, character by character (公開 → 公开, 號 → 号, 擡 → 抬), from OpenCC's
  t2s table with zhconv's variant folds (``core.hans``);
- the bracket variants of 文号 (〔〕 [] () 【】 ［］ （） 〖〗) become ( and );
- whitespace and every control and format character (zero-width, LRM/RLM, bidi embeddings, C1) are
  removed (Chinese has no spaces between words, and real sites scatter them inside 文号 and titles),
  and so is the field separator ␞ the index puts between title, 文号 and body.
What was written is stored and shown; only this form is matched.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from gongkai.core.hans import simplified_table

OPEN_BRACKETS = "〔[(【［（〖{"
CLOSE_BRACKETS = "〕])】］）〗}"
MAX_QUERY_CHARS = 100
MAX_TERMS = 10
FIELD_SEPARATOR = "\u241e"  # ␞: never in a query, so no match spans two fields
_GRAM_RUN = re.compile(r"[^\W_]+")
_REMOVE = re.compile("[\\s\ud800-\udfff]+")


@functools.cache
def _table() -> dict[int, str | None]:
    table: dict[int, str | None] = dict(simplified_table())
    for ch in OPEN_BRACKETS:
        table[ord(ch)] = "("
    for ch in CLOSE_BRACKETS:
        table[ord(ch)] = ")"
    # Control and format characters (C0, C1, LRM/RLM, bidi embeddings and isolates, zero-width
    # joiners, soft hyphen …) fold to nothing on both sides, and so does the field separator: a query
    # can never contain it, so no match spans two fields.
    for code in _format_and_control():
        table[code] = None
    table[ord(FIELD_SEPARATOR)] = None
    for ch in " \u3000\u00a0\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2028\u2029\x7f":
        table[ord(ch)] = None
    return table


@functools.cache
def _format_and_control() -> tuple[int, ...]:
    """Every Cc and Cf code point: they live in planes 0, 1 and 14 (the tags)."""
    codes = (*range(0x20000), *range(0xE0000, 0xE1000))
    return tuple(c for c in codes if unicodedata.category(chr(c)) in ("Cc", "Cf"))


def fold(text: str) -> str:
    """The matching form of a text."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_table())
    return _REMOVE.sub("", text)


@functools.cache
def _regional_converters() -> tuple[Any, Any, Any]:
    import opencc

    return opencc.OpenCC("s2twp"), opencc.OpenCC("s2t"), opencc.OpenCC("tw2sp")


@functools.lru_cache(maxsize=4096)
def regional_variants(term: str) -> tuple[str, ...]:
    """How the other region writes the words of a folded term, folded: 信息 ↔ 资讯 (資訊), 软件 ↔
    软体 (軟體), by OpenCC's Taiwan phrase tables (s2twp one way; s2t then tw2sp the other). A
    search finds these as a lower tier after every exact match (``query.regional_ids``)."""
    to_taiwan, to_traditional, from_taiwan = _regional_converters()
    out: list[str] = []
    for written in (to_taiwan.convert(term), from_taiwan.convert(to_traditional.convert(term))):
        variant = fold(written)
        if variant and variant != term and variant not in out:
            out.append(variant)
    return tuple(out)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold character by character, keeping for each folded character the index it came from.

    Used to put highlights on the text as it was written.
    """
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        if folded:
            out.append(folded)
            where.extend([i] * len(folded))
    return "".join(out), where


@functools.lru_cache(maxsize=1 << 16)
def _fold_char(ch: str) -> str:
    return fold(ch)


# Code points scanned for written forms: the BMP and the supplementary ideographic planes (CJK
# extensions, compatibility ideographs), mathematical letters and enclosed forms on the way.
_WRITTEN_FORMS_UNTIL = 0x30000


@functools.cache
def _written_forms() -> dict[str, str]:
    """For each folded character, the other characters that fold to it alone (开 ← 開, a ← Ａ, ( ←
    〔), and under "" those that fold to nothing (spaces, zero-width and control characters).

    Built once per process (about half a second). Characters that fold to several (ﬁ → fi) are left
    out: a highlight then misses them, a match never does (matching is on the folded text)."""
    table, nfkc = _table(), unicodedata.normalize
    forms: dict[str, list[str]] = {}
    for code in range(_WRITTEN_FORMS_UNTIL):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        if nfkc("NFKC", ch).casefold().translate(table) == ch and not ch.isspace():
            continue  # folds to itself: the common case, decided without the full fold
        folded = fold(ch)
        if folded != ch and len(folded) <= 1:
            forms.setdefault(folded, []).append(ch)
    return {folded: "".join(chars) for folded, chars in forms.items()}


def _char_class(chars: str) -> str:
    return "[" + "".join(re.escape(c) for c in chars) + "]" if len(chars) > 1 else re.escape(chars)


@functools.lru_cache(maxsize=4096)
def written_pattern(term: str) -> str:
    """A regular expression that finds a folded term in text as written, without folding the text:
    each character may be written in any form that folds to it, with characters that fold to
    nothing in between ("政府 信息" holds 政府信息). Used to place highlights."""
    forms = _written_forms()
    gap = _char_class(forms.get("", " ")) + "*"
    return gap.join(_char_class(c + forms.get(c, "")) for c in term)


def _is_surrogate(ch: str) -> bool:
    return 0xD800 <= ord(ch) <= 0xDFFF


def is_gram_char(ch: str) -> bool:
    """Characters that take part in the 1–2 character index (letters, digits, ideographs)."""
    return ch.isalnum()


def grams(folded: str) -> set[str]:
    """Distinct single characters and adjacent pairs of a folded text (the 1–2 character index).

    Pairs are taken within runs of letters, digits and ideographs ([^\\W_] is exactly str.isalnum),
    so punctuation breaks them, as ``is_gram_char`` says.
    """
    result: set[str] = set()
    for run in _GRAM_RUN.findall(folded):
        result.update(run)
        result.update(map(operator.add, run, run[1:]))
    return result


# Index tokens: a gram as it is; "_" + a gram or 3–4 character run that matches the title strongly
# (or can stand for part of the 文号), and "_" + a gram of the title or the 文号 + "_" (tier 1);
# "__" + a whole word of the text (tier 2). "_" is a token character of the index's tokenizer and
# never part of a gram, so the kinds cannot collide.
TITLE_GRAM_PREFIX = "_"
WORD_PREFIX = "__"


def title_any_token(gram: str) -> str:
    return f"_{gram}_"


def term_tokens(term: str) -> tuple[set[str], bool]:
    """Index tokens that every item containing ``term`` has, and whether having them is enough.

    The tokens are the pairs of each run of letters, digits and ideographs (a run of one: the
    character). A term of one or two such characters is its own token: exact. A longer term (or one
    with punctuation) gives candidates, which the caller confirms with a substring test.
    """
    tokens: set[str] = set()
    for run in _GRAM_RUN.findall(term):
        tokens.update([run] if len(run) == 1 else (run[i : i + 2] for i in range(len(run) - 1)))
    return tokens, tokens == {term}


def word_tokens(words: str) -> str:
    """The distinct whole words of a segmented text that are tokens as they are (letters, digits
    and ideographs only), prefixed: the candidates of ranking tier 2."""
    return " ".join(sorted({WORD_PREFIX + w for w in words.split() if w.isalnum()}))


def strong_in_title(term: str, title: str, title_words: str) -> bool:
    """Does the term match the title strongly (ranking tier 1)?

    A match is weak when every occurrence lies strictly inside one segmented word (华人 inside
    中华人民共和国); a term spanning several words, or touching a word's edge, is strong. This is the
    same test as backends.Backend.rank_expression, which the tests hold it to.
    """
    return term in title and _strong(term, f" {title_words} ")


def _strong(term: str, padded: str) -> bool:
    """strong_in_title for a term in the title, given its words padded with spaces."""
    return term not in padded or f" {term}" in padded or f"{term} " in padded


# Runs of 3 and 4 letters, digits or ideographs: tier-1 tokens of the title (title_grams) and, on
# PostgreSQL, hot tokens (hot.py).
NGRAM_LENGTHS = (3, 4)


def ngrams(folded: str) -> set[str]:
    """The distinct runs of 3 and 4 letters, digits or ideographs in a folded text."""
    found: set[str] = set()
    for run in _GRAM_RUN.findall(folded):
        for n in NGRAM_LENGTHS:
            found.update(run[i : i + n] for i in range(len(run) - n + 1))
    return found


def number_like(term: str) -> bool:
    """A term that can stand for part of a 文号: it has a digit (year, serial) or is an issuing-body
    code of 4+ characters (国务院令). 华人 inside 中华人民共和国国务院令第802号 is not one."""
    return any(c.isdigit() for c in term) or len(term) >= 4


def title_token(term: str) -> str | None:
    """The tier-1 token that answers a term exactly (title_grams indexes it for every item where the
    term matches the title strongly, or the 文号 when number_like), or None when the term gives only
    candidates: terms of 1 to 4 letters, digits or ideographs have one."""
    if term.isalnum() and len(term) <= max(NGRAM_LENGTHS):
        return TITLE_GRAM_PREFIX + term
    return None


def title_grams(title: str, title_words: str, number: str) -> str:
    """Index tokens for ranking tier 1.

    Exact, for terms of 1–4 letters, digits or ideographs (title_token): the title's grams and runs
    of 3–4 that match it strongly, and the 文号's that are number_like (a term like 20 or 7号 stands
    for part of a 文号). Candidates, for longer terms: every gram of the title and the 文号.

    The runs make tier 1 of a common word such as 环境卫生 one token (at a million items on
    PostgreSQL, its pairs' candidates in titles were read up to a thousand rows and tested on each,
    then walked again in a recency window).
    """
    padded = f" {title_words} "
    strong = {g for g in grams(title) | ngrams(title) if _strong(g, padded)}
    strong |= {g for g in grams(number) | ngrams(number) if number_like(g)}
    tokens = [TITLE_GRAM_PREFIX + g for g in sorted(strong)]
    tokens += [title_any_token(g) for g in sorted(grams(title) | grams(number))]
    return " ".join(tokens)


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...]
    raw_terms: tuple[str, ...]
    notice: str = ""

    @property
    def empty(self) -> bool:
        return not self.terms


def parse_query(raw: str | None) -> ParsedQuery:
    """Split a query into terms (separated by spaces; all must match), bounded and cleaned.

    Never raises: anything odd (control characters, lone surrogates, FTS or SQL syntax) is plain text
    or dropped, and a notice tells the user what was done.
    """
    if not raw:
        return ParsedQuery((), ())
    notices = []
    # Only lone surrogates are dropped here (NFKC cannot take them); everything else is what
    # ``fold`` makes of it, the same function the indexed text goes through.
    text = "".join(c for c in raw if not _is_surrogate(c))
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(f"检索词过长，只使用前{MAX_QUERY_CHARS}个字。")
    pieces = unicodedata.normalize("NFKC", text).split()
    raw_terms, terms = [], []
    for piece in pieces:
        folded = fold(piece)
        if folded and folded not in terms:
            raw_terms.append(piece)
            terms.append(folded)
    if len(terms) > MAX_TERMS:
        terms, raw_terms = terms[:MAX_TERMS], raw_terms[:MAX_TERMS]
        notices.append(f"检索词过多，只使用前{MAX_TERMS}个。")
    return ParsedQuery(tuple(terms), tuple(raw_terms), "".join(notices))
