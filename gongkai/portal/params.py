"""Parsing query-string parameters of public pages: malformed values are ignored, never an error."""

from __future__ import annotations

import re

_INT = re.compile(r"-?[0-9]{1,12}")


def int_param(value: str | None, lo: int = 0, hi: int = 2**31 - 1) -> int | None:
    """A plain integer within [lo, hi] (a database column holds it), or None: no exponents, no
    full-width digits, no twenty-digit numbers."""
    if not value or not _INT.fullmatch(value.strip()):
        return None
    number = int(value.strip())
    return number if lo <= number <= hi else None
