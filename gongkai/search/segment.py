"""Word segmentation for ranking only (never for matching: 共和国 inside 中华人民共和国 must be found)."""

from __future__ import annotations

import re

import rjieba

from gongkai.search.normalise import fold

_WORDLIKE = re.compile(r"[^\W_]")


def segment_words(text: str) -> list[str]:
    """Words of a text in matching form, in order (rjieba, the Rust port of jieba).

    The text is folded first (Simplified, no spaces), which is also the form jieba's dictionary
    knows; tokens without a letter, digit or ideograph are dropped.
    """
    return segment_folded(fold(text))


def segment_folded(folded: str) -> list[str]:
    """The same, for text already in matching form."""
    return [word for word in rjieba.cut(folded) if _WORDLIKE.search(word)]
