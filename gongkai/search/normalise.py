"""The matching form of text and queries (architecture §3–4).

One function folds both the indexed text and the query, so that "contains the query after
normalisation" means the same thing everywhere:
- NFKC (full-width ＡＢＣ１２３ and half-width forms become one), then case folding;
- Traditional to Simplified, character by character (公開 → 公开, 號 → 号), from zhconv's table;
- the bracket variants of 文号 (〔〕 [] () 【】 ［］ （） 〖〗) become ( and );
- whitespace, zero-width and control characters are removed (Chinese has no spaces between words,
  and real sites scatter them inside 文号 and titles).
What was written is stored and shown; only this form is matched.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib.resources import files

OPEN_BRACKETS = "〔[(【［（〖{"
CLOSE_BRACKETS = "〕])】］）〗}"
MAX_QUERY_CHARS = 100
MAX_TERMS = 10
FIELD_SEPARATOR = "\u241e"  # ␞: never in a query, so no match spans two fields
_GRAM_RUN = re.compile(r"[^\W_]+")
_REMOVE = re.compile("[\\s\ud800-\udfff]+")


@functools.cache
def _table() -> dict[int, str | None]:
    data = json.loads(files("zhconv").joinpath("zhcdict.json").read_text(encoding="utf-8"))
    table: dict[int, str | None] = {}
    for trad, simp in data["zh2Hans"].items():
        # Only ideographs, one for one: quotes and punctuation stay as written.
        if len(trad) == 1 and len(simp) == 1 and trad != simp and unicodedata.category(trad) == "Lo":
            table[ord(trad)] = simp
    for ch in OPEN_BRACKETS:
        table[ord(ch)] = "("
    for ch in CLOSE_BRACKETS:
        table[ord(ch)] = ")"
    for code in range(0x20):
        table[code] = None
    for ch in " \u3000\u00a0\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2028\u2029\x7f":
        table[ord(ch)] = None
    return table


def fold(text: str) -> str:
    """The matching form of a text."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_table())
    return _REMOVE.sub("", text)


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
        result.update(run[i : i + 2] for i in range(len(run) - 1))
    return result


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
    text = "".join(c for c in raw if not _is_surrogate(c) and (c.isprintable() or c.isspace()))
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
