"""Parsing query-string parameters of public pages: malformed values are ignored, never an error."""

from __future__ import annotations


def int_param(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
