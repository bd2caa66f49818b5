"""Text normalisation shared by matching code (document numbers now, search later).

What was written is stored and shown; only the matching form is normalised.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and formatting characters that real sites leave inside 文号 and titles.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
_SPACES = re.compile(r"\s+")


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def fold_width(text: str) -> str:
    """NFKC folds full-width ASCII (１２ＡＢ) to half-width and compatibility forms to canonical."""
    return unicodedata.normalize("NFKC", text)


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def normalise_for_match(text: str) -> str:
    return collapse_spaces(fold_width(strip_invisible(text))).casefold()
