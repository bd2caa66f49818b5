"""Issue 17 §7: every number a person types or imports is parsed strictly: plain digits within stated
bounds, no exponent, nothing infinite, a message in Chinese. ``1e999999999`` froze a worker for
minutes; ``Infinity`` and ``NaN`` made a report's page fail until it was re-imported."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from gongkai.core.errors import ValidationFailed
from gongkai.core.numbers import parse_decimal, parse_int
from gongkai.reports import services as reports
from gongkai.reports import xlsx
from gongkai.reports.downloads import xlsx_bytes
from tests.conftest import World

HOSTILE = ["1e999999999", "1E5", "Infinity", "-inf", "NaN", "nan", "１２", "1_000", "0x10", " ", "12a", "9" * 40, "+-1"]


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_plain_integers_within_bounds_are_read_back(n: int) -> None:
    inside = 0 <= n <= 10**9
    try:
        assert parse_int(str(n), label="数量", lo=0, hi=10**9) == n and inside
    except ValidationFailed as exc:
        assert not inside and exc.code == "invalid_number" and "数量" in exc.message


@given(st.text(max_size=30))
def test_anything_but_plain_digits_is_refused(text: str) -> None:
    plain = text.strip().lstrip("-").isascii() and text.strip().lstrip("-").isdigit()
    try:
        parse_int(text, label="数量", lo=-(10**18), hi=10**18)
    except ValidationFailed:
        return
    assert plain


@pytest.mark.parametrize("value", [*HOSTILE, float("inf"), float("nan"), True])
def test_hostile_numbers_are_refused(value: Any) -> None:
    with pytest.raises(ValidationFailed):
        parse_int(value, label="数量", lo=0, hi=10**9)
    with pytest.raises(ValidationFailed):
        parse_decimal(value, label="金额", lo=Decimal(0), hi=Decimal(10**9))


def test_amounts_keep_their_decimals() -> None:
    assert parse_decimal("12.5", label="金额", lo=Decimal(0), hi=Decimal(100)) == Decimal("12.5")
    assert parse_decimal(0.25, label="金额", lo=Decimal(0), hi=Decimal(100)) == Decimal("0.25")


@pytest.mark.parametrize("value", ["1e999999999", "Infinity", "NaN", "-1", "12.5"])
def test_a_report_figure_is_refused_in_plain_words_and_saves_nothing(world: World, value: str) -> None:
    clerk = world.user("edu_clerk")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=2025)
    with pytest.raises(ValidationFailed) as refused:
        reports.report_enter(actor=clerk, report=report, row="LICENCE", value=value, source="政务服务平台")
    assert refused.value.code == "invalid_number" and refused.value.field == "value"
    report.refresh_from_db()
    assert not report.entered
    # Through the page: a message, not a frozen worker or a 500.
    client = Client()
    client.force_login(clerk)
    response = client.post(
        f"/workbench/reports/{report.pk}/enter/",
        {"row": "FEES", "value": value if value != "12.5" else "1e3", "source": "财政"},
        follow=True,
    )
    assert response.status_code == 200 and "应" in response.content.decode()
    report.refresh_from_db()
    assert not report.entered


def test_an_imported_workbook_with_infinity_is_refused(world: World) -> None:
    clerk = world.user("edu_clerk")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=2025)
    book = load_workbook(io.BytesIO(xlsx_bytes(report)))
    sheet = book[xlsx.SHEET2]
    amount_row = next(r for r in range(3, 20) if "收费金额" in str(sheet.cell(r, 1).value or ""))
    for bad in ("Infinity", "1e999999999", "NaN", "-5"):
        sheet.cell(amount_row, 2).value = bad
        out = io.BytesIO()
        book.save(out)
        with pytest.raises(ValidationFailed) as refused:
            xlsx.from_xlsx(out.getvalue())
        assert refused.value.code == "import_invalid_cell" and xlsx.SHEET2 in refused.value.message
