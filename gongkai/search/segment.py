"""Word segmentation for ranking only (never for matching: 共和国 inside 中华人民共和国 must be found)."""

from __future__ import annotations

import rjieba

from gongkai.search.normalise import fold, is_gram_char


def segment_words(text: str) -> list[str]:
    """Words of a text in matching form, in order (rjieba, the Rust port of jieba)."""
    words = []
    for word in rjieba.cut(text):
        folded = fold(word)
        if folded and any(is_gram_char(c) for c in folded):
            words.append(folded)
    return words
