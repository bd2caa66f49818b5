"""统一社会信用代码 (GB 32100-2015): 18 characters with a check character.

Layout: 1 registration authority, 1 body type, 6 administrative-division code, 9 organisation code,
1 check character. The alphabet excludes I, O, S, V and Z so that they are not misread.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Return a plain-Chinese explanation of what is wrong, or None when the code is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位。"
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        return "统一社会信用代码含有不允许的字符：" + "、".join(bad) + "（只允许数字和除I、O、S、V、Z以外的大写字母）。"
    if not code[2:8].isdigit():
        return "统一社会信用代码第3至8位应为行政区划代码（6位数字）。"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：最后一位应为“{expected}”，实际为“{code[17]}”。"
    return None


def normalise_credit_code(raw: str) -> str:
    return raw.strip().upper()
