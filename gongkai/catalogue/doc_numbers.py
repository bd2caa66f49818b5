"""Parsing 文号 (document numbers) as real government sites publish them.

Forms handled (spec §5; measured on ../shared/data/doc_numbers.csv, see docs/catalogue.md):
- bracket form: 沪府办发〔2009〕13号, with any bracket variant (〔〕 [] () 【】 ［］ （） 〖〗 {}),
  mismatched pairs (晋政办发(2017〕5号) and stray spaces (豫政办 〔2014〕1号, 渝府发〔2019〕12 号);
- year form, used for announcements and some decrees: 国家税务总局公告2015年第41号;
- decree form without a year: 山西省人民政府令第204号, 省政府令 第102号;
- a bare serial: 某某第12号.
Noise removed first: "发文字号：" style prefixes, zero-width characters, full-width digits, 號.
The canonical form uses 〔〕 as the 党政机关公文格式 (GB/T 9704) prescribes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.core.text import fold_width, strip_invisible

_PREFIX = re.compile(r"^(?:发文字号|发文文号|文件编号|文号|字号|编号)\s*[:：]?\s*")
_OPEN = "〔[(【［（〖{「『"
_CLOSE = "〕])】］）〗}」』"
_SPACE = re.compile(r"\s+")
_EMPTY_BRACKETS = re.compile(f"[{re.escape(_OPEN)}][{re.escape(_CLOSE)}]$")

_BRACKET = re.compile(
    rf"^(?P<code>.*?)[{re.escape(_OPEN)}](?P<year>\d{{4}})[{re.escape(_CLOSE)}]第?(?:(?P<num>\d+)号?|号(?P<num2>\d+))$"
)
_YEAR = re.compile(r"^(?P<code>.*?)(?P<year>\d{4})年第?(?P<num>\d+)号?$")
_DECREE = re.compile(r"^(?P<code>.*令)第?(?P<num>\d+)号?$")
_SERIAL = re.compile(r"^(?P<code>.*?\D)第(?P<num>\d+)号?$")


@dataclass(frozen=True)
class DocNumber:
    raw: str
    code: str = ""
    year: int | None = None
    number: int | None = None
    form: str = ""

    @property
    def parsed(self) -> bool:
        return bool(self.form)

    @property
    def canonical(self) -> str:
        """The normalised display form; empty when unparsed."""
        if self.form == "bracket":
            return f"{self.code}〔{self.year}〕{self.number}号"
        if self.form == "year":
            return f"{self.code}{self.year}年第{self.number}号"
        if self.form in {"decree", "serial"}:
            return f"{self.code}第{self.number}号"
        return ""

    def as_row(self) -> tuple[str, str, str]:
        return (self.code, "" if self.year is None else str(self.year), "" if self.number is None else str(self.number))


def clean(raw: str) -> str:
    text = fold_width(strip_invisible(raw)).replace("號", "号")
    text = _SPACE.sub("", text)
    text = _PREFIX.sub("", text)
    return _EMPTY_BRACKETS.sub("", text)


def parse_doc_number(raw: str) -> DocNumber:
    text = clean(raw)
    if not text:
        return DocNumber(raw=raw)
    m = _BRACKET.match(text)
    if m:
        num = m.group("num") or m.group("num2")
        return DocNumber(raw, m.group("code"), int(m.group("year")), int(num), "bracket")
    m = _YEAR.match(text)
    if m and 1949 <= int(m.group("year")) <= 2100:
        return DocNumber(raw, m.group("code"), int(m.group("year")), int(m.group("num")), "year")
    m = _DECREE.match(text)
    if m:
        return DocNumber(raw, m.group("code"), None, int(m.group("num")), "decree")
    m = _SERIAL.match(text)
    if m:
        return DocNumber(raw, m.group("code"), None, int(m.group("num")), "serial")
    return DocNumber(raw=raw)


_FIND = re.compile(
    rf"[\u4e00-\u9fff]{{1,20}}(?:[{re.escape(_OPEN)}]\d{{4}}[{re.escape(_CLOSE)}]\d+号|令第\d+号|公告\d{{4}}年第\d+号)"
)


def find_doc_number(text: str) -> DocNumber | None:
    """The first 文号 that appears inside a longer text (e.g. a promulgation line), if any."""
    m = _FIND.search(fold_width(strip_invisible(text)))
    if not m:
        return None
    found = m.group(0)
    # "国务院令第711号" inside "中华人民共和国国务院令第711号修订" keeps its issuing body.
    doc = parse_doc_number(found)
    return doc if doc.parsed else None
