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


# Characters a person never means to type into a form field: C0/C1 controls (tab and line breaks
# aside, where a field takes several lines), DEL, bidirectional overrides and isolates (which make a
# name or a file name read differently from what it is: "‮fdp.exe"), and lone surrogates (which
# PostgreSQL cannot store).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    return bool((_CONTROL if multiline else _CONTROL_ONE_LINE).search(text))


def strip_control_characters(text: str) -> str:
    return _CONTROL_ONE_LINE.sub("", text)


def clean_filename(name: str, max_bytes: int = 255) -> str:
    """A file name as shown and sent back in Content-Disposition: its last path part, without control
    or bidi characters, at most ``max_bytes`` bytes of UTF-8 (the suffix kept), never empty."""
    base = strip_control_characters(name.replace("\\", "/").rsplit("/", 1)[-1]).strip() or "file"
    if len(base.encode("utf-8")) <= max_bytes:
        return base
    stem, dot, suffix = base.rpartition(".")
    suffix = f".{suffix}" if dot and len(suffix) <= 10 else ""
    stem = stem if suffix else base
    budget = max_bytes - len(suffix.encode("utf-8"))
    return stem.encode("utf-8")[:budget].decode("utf-8", "ignore") + suffix
