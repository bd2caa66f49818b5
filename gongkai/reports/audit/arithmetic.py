"""The prose's own arithmetic: stated sums, "其中" breakdowns, percentages and rates of change.

Precision first (issue 23 §4): a rule fires only when no reading of the sentence makes the figures
agree. A percentage is tried against every count it can be a share of (the counts of its paragraph
with the same measure word, and any base the tables give) and flagged only when none matches; a
breakdown is summed only when its parts are evidently the whole (the total stated after them, or a
part named 其他/其余), otherwise only a sum that exceeds its total is flagged. A figure of a change
("比上年增加1500亿元", "由40元提高到80元") is never a total or a part.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from gongkai.reports.audit.finding import Finding
from gongkai.reports.audit.numerals import Figure, Percent, plain, share
from gongkai.reports.audit.prose import Mention, PercentMention, Text

_TOTAL_MARK = re.compile(r"(共计|共|合计|总计|累计|总量|总数)[^,，;；、]{0,12}$")
_REST = re.compile(r"其他|其它|其余|剩余|另")
# Words that make a figure a consequence of the part before it (电话诉求1823件，处置1823件), not a part.
# (不予处理, 其他处理 and 尚未审结 are results among others, not a step after the count before them.)
_FOLLOW_UP = re.compile(r"(?<![未予他])(处置|办结|答复|受理|处理|审结|回复|办理|解决|完成)")
# "占" shares and named rates (公开率, 节约率, 比例).
_SHARE = re.compile(r"(占|占比|占总数的?|占全部的?|比例为|比重为)\s*$")
_RATE = re.compile(r"([\u4e00-\u9fff]{2,6})(率|比例)(为|达到?|是)?\s*$")
_CHANGE = re.compile(
    r"由\s*(?P<a>[0-9]+(?:\.[0-9]+)?)\s*个?(?P<u>工作日|日|天|小时|项|件|个)\s*(缩减|缩短|压缩|减少|降低|下降)(到|至|为)\s*"
    r"(?P<b>[0-9]+(?:\.[0-9]+)?)\s*个?(?P=u)[,，]?\s*(提速|压缩|缩短|减少|降低|下降|提高)了?\s*(?P<p>[0-9]+(?:\.[0-9]+)?)\s*%"
)


def _pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}%"


def _sum_text(parts: list[Mention]) -> str:
    return "＋".join(p.stated for p in parts)


def _sum(parts: list[Mention]) -> tuple[Decimal, Decimal]:
    return sum((p.figure.low for p in parts), Decimal(0)), sum(
        (max(p.figure.high, p.figure.value) for p in parts), Decimal(0)
    )


def _agrees(total: Figure, low: Decimal, high: Decimal) -> bool:
    return total.overlaps(low, high)


def sums(text: Text) -> list[Finding]:
    """ "A件、B件、C件，共D件" and "共D件，其中A件、B件…" (the 其中 may open the next sentence)."""
    found: list[Finding] = []
    for i, sentence in enumerate(text.sentences):
        ms = text.in_sentence(i)
        for k, m in enumerate(ms):
            before = text.body[max(sentence.start, m.start - 14) : m.start]
            after = text.body[m.end : m.end + 3]
            # A total says so (共, 合计 …) or is broken down right after ("310930条。其中…").
            if m.approximate or m.compared or not (_TOTAL_MARK.search(before) or re.match(r"[,，。(（]?其中", after)):
                continue
            # Parts stated before the total, in the same clause chain: "A件、B件、C件，共D件".
            parts_before = [p for p in ms[:k] if p.unit == m.unit and not p.approximate and not p.compared]
            gap_ok = parts_before and all(
                re.fullmatch(r"[^。;；]*", text.body[a.end : b.start])
                for a, b in zip(parts_before, [*parts_before[1:], m], strict=True)
            )
            if (
                len(parts_before) >= 2
                and gap_ok
                and text.body[parts_before[-1].end : m.start].strip(" ,，、")[:1] in "共合总累"
            ):
                low, high = _sum(parts_before)
                if not _agrees(m.figure, low, high):
                    found.append(_sum_finding(sentence.location(m.start), m, parts_before, "sum"))
                continue
            parts = _breakdown(text, i, m)
            if len(parts) < 2:
                continue
            whole = any(_REST.search(p.label) for p in parts)
            if not whole:
                # Not evidently whole: only the parts up to the first semicolon are this total's
                # ("共有964个，其中本年开始建设的271个，继续建设的693个；苏联为我国设计的156个…").
                semi = [re.search(r"[;；]", text.body[a.end : b.start]) for a, b in itertools.pairwise(parts)]
                cut = next((n + 1 for n, hit in enumerate(semi) if hit), len(parts))
                parts = parts[:cut]
                if len(parts) < 2:
                    continue
            low, high = _sum(parts)
            if whole and not _agrees(m.figure, low, high):
                found.append(_sum_finding(sentence.location(m.start), m, parts, "sum"))
            elif not whole and low > max(m.figure.high, m.figure.value):
                found.append(_sum_finding(sentence.location(m.start), m, parts, "breakdown"))
    return found


def _breakdown(text: Text, i: int, total: Mention) -> list[Mention]:
    """The parts after "其中" that break ``total`` down: in its sentence, or in the next sentence when
    that sentence opens with 其中. Parts share the total's measure word; the list ends at a part
    labelled 其他/其余, at a figure of another measure word, or at the end of the sentence."""
    sentence = text.sentences[i]
    tail = text.body[total.end : sentence.end]
    where = tail.find("其中")
    start = total.end + where if where >= 0 else -1
    if start < 0 and i + 1 < len(text.sentences):
        following = text.sentences[i + 1]
        # Only when no other total of the same measure word stands between.
        between = any(m.unit == total.unit and m.start > total.end for m in text.in_sentence(i))
        if following.text.startswith("其中") and following.paragraph == sentence.paragraph and not between:
            start, i = following.start, i + 1
    if start < 0:
        return []
    # "121件（其中新收112件，上年结转9件），已答复119件": a bracketed breakdown ends at its bracket.
    end = text.sentences[i].end
    if text.body[start - 1 : start] in ("(", "（"):
        close = min((p for p in (text.body.find(")", start), text.body.find("）", start)) if p >= 0), default=-1)
        end = close if 0 <= close < end else end
    parts: list[Mention] = []
    for m in text.in_sentence(i):
        if m.start < start:
            continue
        if m.start >= end:
            break
        if m.unit != total.unit:
            if parts:
                break
            continue
        if m.approximate or m.compared:
            continue
        if _FOLLOW_UP.search(m.label) and not _FOLLOW_UP.search(total.label):
            break  # "按时办结58件" after the channels: another dimension, the list is over
        if _TOTAL_MARK.search(text.body[max(start, m.start - 8) : m.start]):
            break  # a new total: the breakdown is over
        parts.append(m)
        # "…，其他信息111409条；通过政务服务中心查询…": the list ends with its 其他 at a semicolon;
        # "其他结果0件、尚未审结1件" goes on.
        if _REST.search(m.label) and re.match(r"\s*[;；。]", text.body[m.end : m.end + 4]):
            break
    return parts


# The channels an application or an enquiry comes by: one dimension, so three or more of them
# stated beside a total are its parts ("共接受咨询2.5万人次…电话8000次…当面6000次…网上7000次").
CHANNELS = {
    "当面": ("当面", "现场", "窗口"),
    "电话": ("电话", "热线"),
    "网络": ("网络", "网上", "在线", "网站", "互联网"),
    "信函": ("信函", "邮寄", "来信"),
    "传真": ("传真",),
    "邮件": ("电子邮件", "邮箱"),
}
_TOPIC = re.compile(r"(咨询|申请|来信|来电|诉求|留言)[^\u4e00-\u9fff]*$")


def channels(text: Text) -> list[Finding]:
    found: list[Finding] = []
    for i, sentence in enumerate(text.sentences):
        for m in text.in_sentence(i):
            before = text.body[max(sentence.start, m.start - 14) : m.start]
            topic = _TOPIC.search(m.label)
            if not topic or not _TOTAL_MARK.search(before) or m.approximate:
                continue
            by_channel: dict[str, Mention] = {}
            for p in text.near(m):
                if p is m or p.unit != m.unit or p.approximate or topic.group(1) not in p.label:
                    continue
                for name, words in CHANNELS.items():
                    if any(w in p.label for w in words) and name not in by_channel:
                        by_channel[name] = p
                        break
            parts = sorted(by_channel.values(), key=lambda p: p.start)
            if len(parts) >= 3 and not _agrees(m.figure, *_sum(parts)):
                found.append(_sum_finding(sentence.location(m.start), m, parts, "sum"))
    return found


def _sum_finding(location: str, total: Mention, parts: list[Mention], kind: str) -> Finding:
    low, high = _sum(parts)
    computed = plain(low) if low == high else f"{plain(low)}～{plain(high)}"
    if kind == "sum":
        why = f"分项之和为{computed}{total.written_unit.lstrip('余多')}，与所写合计{total.stated}不符。"
        rule = f"合计＝分项之和（{_sum_text(parts)}）"
    else:
        why = f"“其中”各项之和为{computed}{total.written_unit.lstrip('余多')}，超过了总数{total.stated}。"
        rule = f"其中各项之和≤总数（{_sum_text(parts)}）"
    return Finding(kind, location, total.stated, computed, rule, why)


def percentages(
    text: Text, extra_bases: list[tuple[str, int]] | None = None, notes: list[str] | None = None
) -> list[Finding]:
    """Every percentage attached to a count ("820件，占27.3%", "公开率为30.80%" after the count it
    rates) against every base it can be a share of."""
    found: list[Finding] = []
    for pm in text.percents:
        if pm.approximate:
            continue
        part = _part_of(text, pm)
        if part is None:
            continue
        bases = _bases(text, part, extra_bases or [])
        if not bases:
            continue
        matched = [name for name, base in bases if pm.percent.admits(*share(part.figure, base))]
        if matched:
            if notes is not None:
                where = text.sentences[pm.sentence].location(pm.start)
                notes.append(f"{where}：{part.stated}占{matched[0]}为{pm.percent.text}，相符。")
            continue
        sentence = text.sentences[pm.sentence]
        where = sentence.location(pm.start)
        tried = "、".join(f"{name}（{_pct(share(part.figure, base)[0])}）" for name, base in bases[:6])
        best_name, best = bases[0]
        found.append(
            Finding(
                "percentage",
                where,
                pm.percent.text,
                _pct(part.figure.value * 100 / best.value) if best.value else "—",
                f"{part.stated}占各可能基数之比：{tried}",
                f"{part.stated}占{best_name}的比例不是{pm.percent.text}，其他可能的基数也都不符。",
            )
        )
    return found


def _part_of(text: Text, pm: PercentMention) -> Mention | None:
    """The count a percentage is a share of: the figure just before it in the same sentence, joined
    by 占 ("811条，占2.5%"), or named by the rate ("节约资金1188万元，资金节约率为11.7%")."""
    before = [m for m in text.in_sentence(pm.sentence) if m.end <= pm.start]
    if not before:
        return None
    part = before[-1]
    between = text.body[part.end : pm.start]
    if len(between) > 16 or re.search(r"[。;；]", between):
        return None
    joint = between.lstrip(" ,，")
    if _SHARE.search(joint) and joint.startswith("占"):
        return part
    rate = _RATE.search(joint)
    if rate and rate.group(1)[-2:] in part.label:
        return part  # the rate names the count: 节约率 after 节约资金, 公开率 after 同意公开
    return None


def _bases(text: Text, part: Mention, extra: list[tuple[str, int]]) -> list[tuple[str, Figure]]:
    """The counts a share can be of: same paragraph, same measure word, not smaller than the part;
    then the bases the tables give."""
    out: list[tuple[str, Figure]] = []
    seen: set[Decimal] = set()
    for m in text.near(part):
        if (
            m is part
            or m.unit != part.unit
            or m.compared
            or m.figure.value < part.figure.value
            or m.figure.value in seen
        ):
            continue
        seen.add(m.figure.value)
        out.append((f"“{m.label[-10:]}{m.stated}”", m.figure))
    if part.unit == "件":
        for name, value in extra:
            if value >= part.figure.value and Decimal(value) not in seen and value > 0:
                seen.add(Decimal(value))
                out.append(
                    (f"表格中的{name}（{value}件）", Figure(Decimal(value), str(value), Decimal(value), Decimal(value)))
                )
    return out


_HANDLED = ("处置", "办结", "答复", "回复", "办理", "处理")
_HANDLED_RATE = re.compile(r"(处置|办结|答复|回复|办理|处理)率(分别)?(为|达到?|是)?[0-9.%和、及\s]*$")


def handled_rates(text: Text) -> list[Finding]:
    """ "电话诉求1823件，处置1823件；网上诉求494件，办结488件……处置率分别为100%和98.5%": a rate
    of handling is one of the paragraph's pairs "N件 …, 处置/办结 M件" (M ÷ N); flagged when it is
    none of them."""
    found: list[Finding] = []
    for pm in text.percents:
        sentence = text.sentences[pm.sentence]
        before = text.body[max(sentence.start, pm.start - 16) : pm.start]
        if pm.approximate or not _HANDLED_RATE.search(before):
            continue
        ms = text.near(pm)
        pairs = [
            (n, m)
            for n, m in itertools.pairwise(ms)
            if n.sentence == m.sentence
            and m.label.lstrip("已均并") in _HANDLED
            and n.unit == m.unit
            and n.figure.value >= m.figure.value > 0
        ]
        if not pairs or any(pm.percent.admits(*share(m.figure, n.figure)) for n, m in pairs):
            continue
        tried = "、".join(f"{m.stated}÷{n.stated}（{_pct(share(m.figure, n.figure)[0])}）" for n, m in pairs)
        n, m = pairs[-1]
        found.append(
            Finding(
                "percentage",
                sentence.location(pm.start),
                pm.percent.text,
                _pct(m.figure.value * 100 / n.figure.value),
                f"办理率＝办结（处置）数÷受理数：{tried}",
                f"段中各组受理与办结数算出的比率都不是{pm.percent.text}。",
            )
        )
    return found


def changes(text: Text) -> list[Finding]:
    """ "由30个工作日缩减到5个工作日，提速83%": the rate is (A − B) / A."""
    found: list[Finding] = []
    for sentence in text.sentences:
        for m in _CHANGE.finditer(sentence.text):
            where = sentence.location(sentence.start + m.start())
            a, b, p = Decimal(m.group("a")), Decimal(m.group("b")), Decimal(m.group("p"))
            if a <= 0:
                continue
            rate = (a - b) * 100 / a
            stated = Percent(p, m.group("p") + "%")
            if not stated.admits(rate, rate):
                found.append(
                    Finding(
                        "percentage",
                        where,
                        stated.text,
                        _pct(rate),
                        f"降幅＝（{m.group('a')}－{m.group('b')}）÷{m.group('a')}",
                        f"由{m.group('a')}{m.group('u')}减至{m.group('b')}{m.group('u')}，降幅为{_pct(rate)}，不是{stated.text}。",
                    )
                )
    return found
