"""What an applicant's secret (查询密码) may be.

With the tracking code it is the whole credential to an application that may concern the applicant's
own affairs, so it must not be guessable: at least 8 characters, not one of the passwords people use
most (Django's list of 20,000, and the ones Chinese users favour, such as ``woaini520`` or
``5201314``, including with digits or punctuation added around them), not a run such as ``12345678`` or
``abcdefgh``, not a few characters repeated, and not the applicant's own ID number or phone number.
"""

from __future__ import annotations

import functools
import itertools
import re

from django.contrib.auth.password_validation import CommonPasswordValidator

MIN_LENGTH = 8
MAX_LENGTH = 64
# Common in China and missing from Django's (English-language) list; compared case-insensitively,
# also after digits at either end are removed ("woaini520" → "woaini").
COMMON_IN_CHINA = frozenset(
    {
        "woaini",
        "woaini1314",
        "woaini520",
        "5201314",
        "1314520",
        "520520",
        "aini1314",
        "iloveyou",
        "wodemima",
        "mima",
        "mimamima",
        "zhongguo",
        "china",
        "nihao",
        "qwerty",
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
        "1qaz2wsx",
        "qazwsx",
        "1q2w3e4r",
        "a1b2c3d4",
        "abc123",
        "qq123456",
        "a123456",
        "password",
        "passw0rd",
        "admin",
        "gongkai",
        "xinxigongkai",
        "zhengfu",
        "147258369",
        "159357",
        "147258",
        "wangyang",
        "zhangwei",
        "liwei",
        "wangwei",
        "woshishui",
        "shenqing",
    }
)
_EDGE_DIGITS = re.compile(r"^[0-9]+|[0-9]+$")


@functools.cache
def _common() -> frozenset[str]:
    return frozenset(CommonPasswordValidator().passwords) | COMMON_IN_CHINA


def _is_run(text: str) -> bool:
    """Each character one more (or one less) than the one before: 12345678, abcdefgh, 87654321."""
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1})


def _decorated_common(folded: str) -> bool:
    """A favourite word with nothing but digits and punctuation added: 0woaini520!, 013145200."""
    for word in COMMON_IN_CHINA:
        if len(word) >= 5 and word in folded:
            rest = folded.replace(word, "", 1)
            if all(not c.isalpha() for c in rest):
                return True
    return False


def secret_problem(secret: str, *, id_number: str = "", phone: str = "") -> str | None:
    """Why this secret is refused, in plain Chinese, or None when it is acceptable."""
    if not MIN_LENGTH <= len(secret) <= MAX_LENGTH:
        return f"查询密码应为{MIN_LENGTH}至{MAX_LENGTH}个字符。"
    folded = secret.casefold()
    bare = _EDGE_DIGITS.sub("", folded)
    common = _common()
    if folded in common or (bare and bare in common) or _decorated_common(folded):
        return "查询密码过于常见，容易被猜中，请换一个。"
    if len(set(folded)) < 4 or _is_run(folded):
        return "查询密码过于简单（重复或连续的字符），请换一个。"
    for own in (id_number.strip().casefold(), re.sub(r"\D", "", phone)):
        if len(own) >= 6 and (own in folded or folded in own):
            return "查询密码不能使用本人的证件号码或电话号码。"
    return None
