"""The figures of a report's prose: every count with its measure word (件, 条, 人次 …), every
percentage, and where each sits (paragraph, sentence, the words that introduce it).

A count is what a careful reader would underline: a number, an optional 千/万/亿 and a measure word.
Ordinals (第3次), years and dates have no measure word of this list and are never counts.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from gongkai.reports.audit.numerals import CN_NUMERAL, DIGITS, Figure, Percent, figure, percent
from gongkai.reports.audit.reading import Document

# Longest first: 人次 before 人, 批次 before 次.
UNITS: tuple[str, ...] = (
    "人次",
    "件次",
    "条次",
    "批次",
    "件",
    "条",
    "次",
    "个",
    "家",
    "名",
    "人",
    "份",
    "期",
    "篇",
    "项",
    "起",
    "场",
)
UNITS += ("笔", "户", "元", "封", "则", "册", "幅")
# Measure words that count the same thing for sums and shares.
FAMILY = {"人次": "次", "件次": "件", "条次": "条"}
_MENTION = re.compile(
    rf"(?P<pre>大约|约|近|逾|超过|不足|将近)?(?P<num>{DIGITS}|{CN_NUMERAL})\s*(?P<mult>[千万亿])?\s*"
    rf"(?P<post>余|多)?\s*(?P<unit>{'|'.join(UNITS)})(?![性事式])(?P<after>以上|以内|以下|左右|上下)?"
)
_PERCENT = re.compile(
    r"(?P<pre>大约|约|近|逾|超过|不足|将近)?(?P<num>[0-9]+(?:\.[0-9]+)?)\s*%(?P<after>以上|以内|以下|左右|上下)?"
)
_SENTENCE_END = re.compile(r"[。！？!?]+")
DELIMS = ",，;；:：、()（）“”\"'"
NEAR = 1500  # characters: about a page


@dataclass(frozen=True)
class Mention:
    figure: Figure
    unit: str  # the measure word's family (人次 → 次)
    written_unit: str
    start: int
    end: int
    approximate: bool  # 约, 余, 多, 以上 …: not checked in sums
    label: str  # the words before the figure in its clause ("网络申请")
    # A change or a comparison ("比上年增加1500亿元", "由40元提高到80元"): never a total or a part.
    compared: bool
    sentence: int  # index in Text.sentences

    @property
    def stated(self) -> str:
        return self.figure.text + self.written_unit


@dataclass(frozen=True)
class PercentMention:
    percent: Percent
    start: int
    end: int
    approximate: bool
    sentence: int


@dataclass(frozen=True)
class Sentence:
    paragraph: int  # Paragraph.index
    section: str
    start: int
    end: int
    text: str

    def location(self, at: int | None = None) -> str:
        """ "一、概述，第6段：“…the sentence…”", quoting the part around offset ``at`` of a long one."""
        where = f"{self.section}，" if self.section else ""
        quoted = self.text
        if len(quoted) > 60:
            centre = 0 if at is None else max(0, at - self.start - 20)
            centre = min(centre, len(quoted) - 58)
            quoted = ("…" if centre else "") + quoted[centre : centre + 58] + "…"
        return f"{where}第{self.paragraph}段：“{quoted}”"


@dataclass
class Text:
    """The prose of a report as one string, cut into sentences, with its counts and percentages."""

    body: str
    sentences: list[Sentence]
    mentions: list[Mention]
    percents: list[PercentMention]

    def sentence_of(self, offset: int) -> int:
        i = bisect.bisect_right(self._starts, offset) - 1
        return max(0, min(i, len(self.sentences) - 1))

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    @functools.cached_property
    def _by_sentence(self) -> dict[int, list[Mention]]:
        out: dict[int, list[Mention]] = {}
        for m in self.mentions:
            out.setdefault(m.sentence, []).append(m)
        return out

    @functools.cached_property
    def _paragraph_starts(self) -> dict[int, list[int]]:
        return {}

    @functools.cached_property
    def _by_paragraph(self) -> dict[int, list[Mention]]:
        out: dict[int, list[Mention]] = {}
        for m in self.mentions:
            out.setdefault(self.sentences[m.sentence].paragraph, []).append(m)
        return out

    def in_sentence(self, i: int) -> list[Mention]:
        return self._by_sentence.get(i, [])

    def near(self, m: Mention | PercentMention, span: int = NEAR) -> list[Mention]:
        """The counts of ``m``'s paragraph within ``span`` characters of it: where a careful reader
        looks for a total or a base (and a bound on the work a hostile one-paragraph file makes)."""
        key = self.sentences[m.sentence].paragraph
        paragraph = self._by_paragraph.get(key, [])
        starts = self._paragraph_starts.setdefault(key, [x.start for x in paragraph])
        lo, hi = bisect.bisect_left(starts, m.start - span), bisect.bisect_right(starts, m.start + span)
        return paragraph[lo:hi]


_COMPARED = re.compile(r"比|较|同比|增加|减少|增长|下降|提高|降低|降至|升至|少支|多支|由[^,，;；]*[到至]")


def _clause(body: str, start: int) -> str:
    """The clause a figure ends: back to the last , ; or 。 (at most 30 characters)."""
    i = start
    while i > max(0, start - 30) and body[i - 1] not in ",，;；。！？!?\n":
        i -= 1
    return body[i:start]


def _label(body: str, start: int, floor: int) -> str:
    i = start
    while i > floor and body[i - 1] not in DELIMS and body[i - 1] not in "。！？!?\n":
        i -= 1
    return body[i:start].strip()


def parse(doc: Document) -> Text:
    parts: list[str] = []
    sentences: list[Sentence] = []
    offset = 0
    for p in doc.paragraphs:
        text = p.text
        pos = 0
        for m in _SENTENCE_END.finditer(text + "。"):
            piece = text[pos : m.end()] if m.end() <= len(text) else text[pos:]
            if piece.strip():
                sentences.append(Sentence(p.index, p.section, offset + pos, offset + pos + len(piece), piece.strip()))
            pos = m.end()
        parts.append(text)
        offset += len(text) + 1
    body = "\n".join(parts)
    out = Text(body, sentences, [], [])
    floor = 0
    for m in _MENTION.finditer(body):
        before = body[m.start() - 1] if m.start() else ""
        if before == "第" or before.isdigit() or before == ".":
            continue
        fig = figure(m.group("num"), m.group("mult") or "", text=m.group("num") + (m.group("mult") or ""))
        if fig is None:
            continue
        unit = m.group("unit")
        out.mentions.append(
            Mention(
                figure=fig,
                unit=FAMILY.get(unit, unit),
                written_unit=(m.group("post") or "") + unit,
                start=m.start("num"),
                end=m.end(),
                approximate=bool(m.group("pre") or m.group("post") or m.group("after")),
                label=_label(body, m.start(), max(floor, 0)),
                compared=bool(_COMPARED.search(_clause(body, m.start()))),
                sentence=out.sentence_of(m.start()),
            )
        )
        floor = m.end()
    for m in _PERCENT.finditer(body):
        out.percents.append(
            PercentMention(
                percent(m.group("num"), m.group("num") + "%"),
                m.start("num"),
                m.end(),
                bool(m.group("pre") or m.group("after")),
                out.sentence_of(m.start()),
            )
        )
    return out
