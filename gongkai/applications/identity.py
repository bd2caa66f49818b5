"""居民身份证号码 (GB 11643-1999): 17 digits and a check character (ISO 7064 MOD 11-2)."""

from __future__ import annotations

import datetime as dt

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def check_character(first17: str) -> str:
    return CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def id_number_problem(number: str, today: dt.date | None = None) -> str | None:
    """A plain-Chinese explanation of what is wrong with an ID number, or None when it is valid."""
    number = number.strip().upper()
    if len(number) != 18:
        return f"身份证号码应为18位，实际为{len(number)}位。"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "身份证号码前17位应为数字，最后一位为数字或X。"
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号码第7至14位应为有效的出生日期。"
    if born < dt.date(1900, 1, 1) or born > (today or dt.date.today()):
        return "身份证号码中的出生日期不在合理范围内。"
    expected = check_character(number[:17])
    if number[17] != expected:
        return "身份证号码校验位不正确，请核对后重新填写。"
    return None


def mask_id_number(number: str) -> str:
    """For lists: the first 3 and last 4 characters (110***********123X)."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
