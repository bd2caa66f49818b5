"""Traditional → Simplified characters, one for one, from zhconv's table (no network, no phrases).

Reports and search text arrive in either script (three of the five seed reports are Traditional);
both the search normaliser and the report auditor read text through this table.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from importlib.resources import files


@functools.cache
def simplified_table() -> dict[int, str]:
    """Code point → its Simplified form, for ideographs that map one character to one character."""
    data = json.loads(files("zhconv").joinpath("zhcdict.json").read_text(encoding="utf-8"))
    return {
        ord(trad): simp
        for trad, simp in data["zh2Hans"].items()
        # Only ideographs, one for one: quotes and punctuation stay as written.
        if len(trad) == 1 and len(simp) == 1 and trad != simp and unicodedata.category(trad) == "Lo"
    }


def simplify(text: str) -> str:
    return text.translate(simplified_table())
