"""Checks of the text and dates people type into a record (a title, a channel, the day something
happened), each refusal in Chinese naming the field. Numbers are checked in ``core.numbers``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongkai.core.errors import ValidationFailed
from gongkai.core.text import has_control_characters


def required_text(value: Any, label: str, field: str, limit: int) -> str:
    """A one-line text, trimmed, not empty, at most ``limit`` characters, no control characters."""
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(f"请填写{label}。", code="required", field=field)
    return optional_text(text, label, field, limit)


def optional_text(value: Any, label: str, field: str, limit: int) -> str:
    """As ``required_text``, but an empty value is allowed (and returned as "")."""
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationFailed(f"{label}不能超过{limit}个字。", code="too_long", field=field)
    if has_control_characters(text):
        raise ValidationFailed(f"{label}含有控制字符，请删除后重新填写。", code="invalid_characters", field=field)
    return text


def long_text(value: Any, label: str, field: str, limit: int = 10_000) -> str:
    """A text of paragraphs (line breaks kept, as \n), trimmed, not empty, no other control characters."""
    text = str(value or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationFailed(f"请填写{label}。", code="required", field=field)
    if len(text) > limit:
        raise ValidationFailed(f"{label}不能超过{limit}个字。", code="too_long", field=field)
    if has_control_characters(text, multiline=True):
        raise ValidationFailed(f"{label}含有控制字符，请删除后重新填写。", code="invalid_characters", field=field)
    return text


def past_date(value: Any, field: str) -> dt.date:
    """A day that has happened: from 2000 to today (records are kept of what was done)."""
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise ValidationFailed("请填写日期（如2026-03-10）。", code="invalid_date", field=field) from None
    if day > timezone.localdate() or day.year < 2000:
        raise ValidationFailed("日期应在2000年至今天之间。", code="invalid_date", field=field)
    return day
