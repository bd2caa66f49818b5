"""A check against automated submissions that needs no outside service (works offline).

Three signals, all server-side:
- a question in words whose answer is a number (二十三加八等于多少？), signed so the server keeps
  no state until the answer comes back;
- the form must have been open for a few seconds (scripts post at once) and not for days;
- a field hidden from people (honeypot) that must stay empty.
Each challenge is accepted once (its nonce is remembered in the cache until it expires).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from gongkai.core.errors import ValidationFailed

SALT = "gongkai.antiabuse"
MAX_AGE = 2 * 3600
DIGITS = "零一二三四五六七八九"


def in_words(n: int) -> str:
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def _digest(answer: int, nonce: str) -> str:
    return hashlib.sha256(f"{answer}:{nonce}:{settings.SECRET_KEY}".encode()).hexdigest()[:20]


def new_challenge() -> tuple[str, str]:
    """The question shown and the signed token sent with the form."""
    a, b = secrets.randbelow(40) + 10, secrets.randbelow(9) + 1
    nonce = secrets.token_hex(8)
    token = signing.dumps({"d": _digest(a + b, nonce), "n": nonce, "t": time.time()}, salt=SALT)
    return f"{in_words(a)}加{in_words(b)}等于多少？（请填写阿拉伯数字）", token


def verify(token: str, answer: str, honeypot: str = "") -> None:
    """Check the form's answer and use up its challenge (a challenge is accepted once)."""
    data = check(token, answer, honeypot)
    if not cache.add(f"aa:{data['n']}", 1, timeout=MAX_AGE + 60):
        raise ValidationFailed("该表单已经提交过，请刷新页面后重新填写。", code="challenge_reused", field="challenge")


def check(token: str, answer: str, honeypot: str = "") -> dict[str, Any]:
    """Check without using the challenge up: for reporting every error of a form at once."""
    if honeypot:
        raise ValidationFailed("提交未通过校验，请刷新页面后重新填写。", code="abuse_check_failed", field="challenge")
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationFailed(
            "页面停留时间过长，请刷新页面后重新填写验证问题。", code="challenge_expired", field="challenge"
        ) from None
    except signing.BadSignature:
        raise ValidationFailed(
            "验证问题无效，请刷新页面后重新填写。", code="challenge_invalid", field="challenge"
        ) from None
    if time.time() - float(data["t"]) < settings.GONGKAI_FORM_MIN_SECONDS:
        raise ValidationFailed("提交过快，请核对填写内容后再提交。", code="too_fast", field="challenge")
    try:
        value = int(str(answer).strip())
    except ValueError:
        raise ValidationFailed("请用阿拉伯数字回答验证问题。", code="challenge_wrong", field="challenge") from None
    if _digest(value, data["n"]) != data["d"]:
        raise ValidationFailed("验证问题回答不正确。", code="challenge_wrong", field="challenge")
    return dict(data)
