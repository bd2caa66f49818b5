import csv
import io
import sys

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from gongkai.catalogue.doc_numbers import find_doc_number, parse_doc_number
from tests.conftest import shared_file


@pytest.mark.parametrize(
    ("raw", "row", "canonical"),
    [
        ("沪府办发〔2009〕13号", ("沪府办发", "2009", "13"), "沪府办发〔2009〕13号"),
        ("发文字号：晋政办发[2017]35号", ("晋政办发", "2017", "35"), "晋政办发〔2017〕35号"),
        ("发文字号：晋政发(2015)9号", ("晋政发", "2015", "9"), "晋政发〔2015〕9号"),
        ("晋政办发(2017〕5号", ("晋政办发", "2017", "5"), "晋政办发〔2017〕5号"),
        ("豫政办 〔2014〕136号", ("豫政办", "2014", "136"), "豫政办〔2014〕136号"),
        ("渝府发〔2019〕12 号", ("渝府发", "2019", "12"), "渝府发〔2019〕12号"),
        ("渝府〔2019〕9号\u200b", ("渝府", "2019", "9"), "渝府〔2019〕9号"),
        ("\u200b国发【２０１９】１号", ("国发", "2019", "1"), "国发〔2019〕1号"),
        ("国办函［2020］109號", ("国办函", "2020", "109"), "国办函〔2020〕109号"),
        ("山西省人民政府令第204号", ("山西省人民政府令", "", "204"), "山西省人民政府令第204号"),
        ("省政府令 第102号", ("省政府令", "", "102"), "省政府令第102号"),
        ("国家税务总局公告2015年第41号", ("国家税务总局公告", "2015", "41"), "国家税务总局公告2015年第41号"),
        ("发文字号：", ("", "", ""), ""),
        ("无文号", ("", "", ""), ""),
    ],
)
def test_forms(raw: str, row: tuple[str, str, str], canonical: str) -> None:
    doc = parse_doc_number(raw)
    assert doc.as_row() == row
    assert doc.canonical == canonical


OPEN_CLOSE = [("〔", "〕"), ("[", "]"), ("(", ")"), ("【", "】"), ("［", "］"), ("（", "）"), ("〖", "〗")]
codes = st.text(alphabet="沪府办发晋政函国鄂云川粤豫宁渝辽卫教", min_size=1, max_size=6)


@given(
    code=codes,
    year=st.integers(1950, 2099),
    number=st.integers(1, 9999),
    brackets=st.sampled_from(OPEN_CLOSE),
    prefix=st.sampled_from(["", "发文字号：", "文号:", "\u200b"]),
    gap=st.sampled_from(["", " ", "\u200b", "\u3000"]),
)
def test_bracket_round_trip(code: str, year: int, number: int, brackets, prefix: str, gap: str) -> None:
    raw = f"{prefix}{code}{gap}{brackets[0]}{year}{brackets[1]}{gap}{number}{gap}号"
    doc = parse_doc_number(raw)
    assert doc.as_row() == (code, str(year), str(number))
    assert parse_doc_number(doc.canonical).as_row() == doc.as_row()


@given(code=codes, year=st.integers(1950, 2099), number=st.integers(1, 999))
def test_announcement_round_trip(code: str, year: int, number: int) -> None:
    doc = parse_doc_number(f"{code}公告{year}年第{number}号")
    assert doc.as_row() == (f"{code}公告", str(year), str(number))


def test_find_in_promulgation_line() -> None:
    found = find_doc_number("2019年4月3日 中华人民共和国国务院令第711号修订")
    assert found is not None and found.code.endswith("国务院令") and found.number == 711


def test_command_one_line_per_input(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("沪府办发〔2009〕13号\n\n省政府令 第102号\n乱码\n"))
    out = io.StringIO()
    call_command("doc_number", stdout=out)
    assert out.getvalue().splitlines() == ["沪府办发\t2009\t13", "\t\t", "省政府令\t\t102", "\t\t"]


@pytest.mark.corpus
def test_real_document_numbers_parse() -> None:
    """Every non-empty 文号 in the 19,161 real ones parses (the only misses are bare "发文字号：")."""
    path = shared_file("doc_numbers.csv")
    with path.open(encoding="utf-8") as f:
        rows = [r["doc_number_raw"] for r in csv.DictReader(f)]
    missed = [raw for raw in rows if not parse_doc_number(raw).parsed]
    assert all(not raw.replace("发文字号：", "").strip() for raw in missed), missed[:10]
    assert len(rows) - len(missed) >= 19_000
