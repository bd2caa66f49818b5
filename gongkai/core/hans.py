"""Traditional → Simplified characters, one for one (no network, no phrases).

Reports and search text arrive in either script (three of the five seed reports are Traditional);
both the search normaliser and the report auditor read text through this table. Its reference is
OpenCC's t2s conversion (the `opencc` package ships its dictionaries), taken character by
character: text is folded one character at a time, so OpenCC's phrase table is left aside. Where
OpenCC's t2s leaves a character alone, zhconv's table may still fold it: those are variant forms
(㒺 → 罔, 亱 → 夜) that OpenCC's t2s does not convert, kept on purpose so that either form matches
(tests/test_search.py holds the table to OpenCC's, listing that difference).
"""

from __future__ import annotations

import functools
import json
import unicodedata
from importlib.resources import files

# The ideographs looked up: CJK Unified Ideographs and extensions A to I, and the compatibility
# ideographs (most of which NFKC maps before the table applies).
IDEOGRAPHS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2FA20), (0x30000, 0x323B0))


@functools.cache
def opencc_table() -> dict[int, str]:
    """OpenCC's t2s, for every ideograph it converts to one other character."""
    import opencc

    chars = [chr(c) for lo, hi in IDEOGRAPHS for c in range(lo, hi)]
    # One call over the characters, each on its own line, so that no phrase spans two of them.
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {ord(a): b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}


@functools.cache
def zhconv_table() -> dict[int, str]:
    """zhconv's zh2Hans entries that map one ideograph to one character."""
    data = json.loads(files("zhconv").joinpath("zhcdict.json").read_text(encoding="utf-8"))
    return {
        ord(trad): simp
        for trad, simp in data["zh2Hans"].items()
        if len(trad) == 1 and len(simp) == 1 and trad != simp and unicodedata.category(trad) == "Lo"
    }


@functools.cache
def simplified_table() -> dict[int, str]:
    """Code point → its Simplified form: OpenCC's, and zhconv's variant folds where OpenCC has none."""
    return zhconv_table() | opencc_table()


def simplify(text: str) -> str:
    return text.translate(simplified_table())
