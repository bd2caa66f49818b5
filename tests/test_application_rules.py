"""Rules of disclosure on application that need no database (issue 4, first part): outcomes and the
report rows they fill, 信息处理费, ID numbers, receipt dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.applications.fees import case_fee, fee, page_fee
from gongkai.applications.identity import check_character, id_number_problem, mask_id_number
from gongkai.applications.outcomes import BY_CODE, OUTCOMES, REPLY_TYPES, report_row
from gongkai.applications.receipt import Channel, receipt_date

TABLE_3_ROWS = ["GRANT", "PARTIAL", *(f"D{i}" for i in range(1, 9)), "U1", "U2", "U3"]
TABLE_3_ROWS += [*(f"N{i}" for i in range(1, 6)), "O1", "O2", "O3"]


def test_every_outcome_lands_in_exactly_one_report_row() -> None:
    assert [o.code for o in OUTCOMES] == TABLE_3_ROWS  # one outcome per row, in the format's order
    assert len(BY_CODE) == len(OUTCOMES) == 21
    assert report_row("D3").label == "3.危及“三安全一稳定”" and report_row("D3").group == "（三）不予公开"
    with pytest.raises(KeyError):
        report_row("R9")


def test_reply_types_carry_only_known_outcomes_and_reach_every_row() -> None:
    reachable = {code for _, codes in REPLY_TYPES.values() for code in codes}
    assert reachable == set(BY_CODE)
    assert REPLY_TYPES["NOT_THIS_BODY"][1] == ("U1",)  # counted as 本机关不掌握
    assert all(o.basis for o in OUTCOMES if o.code != "O3")  # every reply cites its article


# --- 信息处理费 ---------------------------------------------------------------------------------


def test_case_fee_tiers() -> None:
    assert [case_fee(k) for k in (1, 10, 11, 30, 31, 40, 41, 50, 51)] == [0, 0, 100, 100, 200, 200, 300, 300, 400]


@given(st.integers(min_value=1, max_value=500))
def test_case_fee_is_progressive(k: int) -> None:
    assert case_fee(k) <= case_fee(k + 1)
    assert (case_fee(k) == 0) == (k <= 10)
    if k >= 31:  # every block of 10 costs 100 yuan more per case
        assert case_fee(k + 10) - case_fee(k) == 100


def test_page_fee_tiers() -> None:
    assert page_fee(30) == 0 and page_fee(31) == 10 and page_fee(100) == 700
    assert page_fee(101) == 720 and page_fee(200) == 2700 and page_fee(201) == 2740


@given(st.integers(min_value=0, max_value=5000))
def test_page_fee_charges_each_page_at_its_tier_only(pages: int) -> None:
    """超额累进: the fee is the sum, page by page, of the rate of the tier the page falls in."""

    def rate(page: int) -> int:
        return 0 if page <= 30 else 10 if page <= 100 else 20 if page <= 200 else 40

    assert page_fee(pages) == sum(rate(p) for p in range(1, pages + 1))


@given(st.integers(min_value=1, max_value=100), st.one_of(st.none(), st.integers(min_value=0, max_value=400)))
def test_one_scale_per_application(k: int, pages: int | None) -> None:
    amount, scale = fee(k_in_month=k, pages=pages)
    assert (scale, amount) == (("page", page_fee(pages)) if pages is not None else ("case", case_fee(k)))


# --- ID numbers ----------------------------------------------------------------------------------


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.from_regex(r"[1-6][0-9]{5}", fullmatch=True))
    born = draw(st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2020, 12, 31)))
    serial = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    first17 = f"{region}{born:%Y%m%d}{serial}"
    return first17 + check_character(first17)


@given(id_numbers())
def test_valid_id_numbers_pass_and_any_wrong_check_character_fails(number: str) -> None:
    assert id_number_problem(number) is None
    for wrong in "0123456789X":
        if wrong != number[-1]:
            assert id_number_problem(number[:-1] + wrong) == "身份证号码校验位不正确，请核对后重新填写。"


def test_id_number_messages_and_masking() -> None:
    assert id_number_problem("11010519491231002X") is None  # the standard's own example
    assert id_number_problem("11010519491231002x") is None
    assert "18位" in (id_number_problem("1101051949") or "")
    assert "出生日期" in (id_number_problem("110105194913310021") or "")
    assert mask_id_number("11010519491231002X") == "110***********002X"


# --- receipt date (Art. 31) --------------------------------------------------------------------


def test_receipt_date_follows_the_channel() -> None:
    d1, d2, d3 = dt.date(2026, 3, 2), dt.date(2026, 3, 4), dt.date(2026, 3, 5)
    assert receipt_date(Channel.IN_PERSON, submitted=d1) == d1
    assert receipt_date(Channel.MAIL_SIGNED, submitted=d1, signed_for=d2) == d2
    assert receipt_date(Channel.MAIL_ORDINARY, signed_for=d2, confirmed=d3) == d3
    assert receipt_date(Channel.ONLINE, submitted=d1, confirmed=d3) == d3
    assert receipt_date(Channel.FAX, confirmed=d2) == d2
    with pytest.raises(ValueError, match="平常信函的申请需要确认日期"):
        receipt_date(Channel.MAIL_ORDINARY, signed_for=d2)
