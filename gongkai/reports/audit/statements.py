"""What the prose says about the quantities the tables hold: counts (收到申请145件), claims (均获维持,
无行政复议), year-over-year changes (较上年增长96%) and the same quantity stated twice.

A count is compared only when its words name a total the tables hold ("共收到政府信息公开申请145件");
a breakdown ("自然人申请820件", "网络申请27件") names a part and is left alone. Its scope is read from
the sentence: 全市/全区/各级 figures of a government's report are compared with the aggregated
tables, a body's own figures with its own, and a figure of part of the area (市本级) with neither.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from gongkai.reports.audit.finding import Finding
from gongkai.reports.audit.format_tables import Tables, known
from gongkai.reports.audit.numerals import plain
from gongkai.reports.audit.prose import Mention, Text

AGGREGATE = re.compile(r"全市|全区|全县|全旗|全省|全州|全盟|各级|各地区|各地")
PART_OF_AREA = re.compile(r"市本级|区本级|县本级|本级政府|市直|区直|县直|其中[^,，]{0,6}(区|县|局|委)")
BREAKDOWN = re.compile(
    r"自然人|法人|企业|公民|组织|当面|现场|网络|网上|在线|信函|邮寄|传真|电子邮件|电话|涉及|关于|类|按时|延期|逾期|"
    r"维持|纠错|纠正|驳回|撤销|尚未审结|直接起诉|复议后|平台|窗口|提出的|中"
)

# A base a count can be: its name and how to read it from the tables (None when unknown).
Base = tuple[str, Callable[[Tables], Decimal | None]]


def _t3(row: str) -> Callable[[Tables], Decimal | None]:
    return lambda t: t.t3_total(row)


def _sum(*getters: Callable[[Tables], Decimal | None]) -> Callable[[Tables], Decimal | None]:
    def get(t: Tables) -> Decimal | None:
        values = known([g(t) for g in getters])
        return None if values is None else sum(values, Decimal(0))

    return get


def _t4(block: str, result: str = "total") -> Callable[[Tables], Decimal | None]:
    return lambda t: t.number("t4", (block, result))


RECEIVED: tuple[Base, ...] = (
    ("本年新收", _t3("NEW")),
    ("新收加上年结转", _sum(_t3("NEW"), _t3("CARRY_IN"))),
    ("办理结果总计", _t3("DONE")),
)
LITIGATION = _sum(_t4("litigation_direct"), _t4("litigation_after"))


@dataclass(frozen=True)
class Concept:
    key: str
    name: str
    pattern: re.Pattern[str]
    bases: tuple[Base, ...]
    breakdown_ok: bool = False  # the label may carry a qualifier and still name the total


CONCEPTS: tuple[Concept, ...] = (
    Concept("NEW", "本年新收申请", re.compile(r"新收"), (("本年新收", _t3("NEW")),), True),
    Concept("CARRY_IN", "上年结转申请", re.compile(r"上年(度)?结转"), (("上年结转", _t3("CARRY_IN")),), True),
    Concept(
        "CARRY_OUT",
        "结转下年度",
        re.compile(r"结转(至)?下(一)?年|结转至\d{4}"),
        (("结转下年度继续办理", _t3("CARRY_OUT")),),
        True,
    ),
    Concept(
        "RECEIVED",
        "收到的申请",
        re.compile(r"(收到|受理|接收|接到|共有)[^,，]{0,12}申请|申请[^,，]{0,4}(共|总数|数量)"),
        RECEIVED,
    ),
    Concept(
        "DONE",
        "办结的申请",
        re.compile(r"^(已|共|全部|均已)?(办结|答复|办理完毕|作出答复)(申请)?$"),
        (("办理结果总计", _t3("DONE")),),
    ),
    Concept("PARTIAL", "部分公开", re.compile(r"部分公开"), (("部分公开", _t3("PARTIAL")),)),
    Concept("GRANT", "予以公开", re.compile(r"(?<![不部])(予以|同意|全部)公开(的)?$"), (("予以公开", _t3("GRANT")),)),
    Concept("D", "不予公开", re.compile(r"不(予|同意)公开(的)?$"), (("不予公开", _t3("D")),)),
    Concept("U", "无法提供", re.compile(r"无法提供(的)?$"), (("无法提供", _t3("U")),)),
    Concept("N", "不予处理", re.compile(r"不予处理(的)?$"), (("不予处理", _t3("N")),)),
    Concept(
        "RECON",
        "行政复议",
        re.compile(r"行政复议(案件|案|申请)?(共计|共|总计)?$"),
        (("行政复议总计", _t4("reconsideration")),),
    ),
    Concept(
        "LITIG",
        "行政诉讼",
        re.compile(r"行政诉讼(案件|案)?(共计|共|总计)?$"),
        (
            ("行政诉讼总计", LITIGATION),
            ("未经复议直接起诉", _t4("litigation_direct")),
            ("复议后起诉", _t4("litigation_after")),
        ),
    ),
)


@dataclass(frozen=True)
class Statement:
    concept: Concept
    mention: Mention
    scope: str  # "aggregate" (全市, 各级 … in the sentence) or "own"


def statements(text: Text) -> list[Statement]:
    """The counts whose words name one of the table quantities (a total, not a breakdown)."""
    out: list[Statement] = []
    for m in text.mentions:
        if m.unit != "件" or m.approximate or m.compared:
            continue  # "申请数量较上年增加79件" is a change, not the quantity
        sentence = text.sentences[m.sentence]
        label = re.sub(r"的$", "", m.label)
        # The words before the figure in its sentence, as far as a scope word could be (全市…共收到).
        clause = text.body[max(sentence.start, m.start - 80) : m.start]
        if PART_OF_AREA.search(clause):
            continue
        for concept in CONCEPTS:
            if concept.pattern.search(label) and (concept.breakdown_ok or not BREAKDOWN.search(label)):
                scope = "aggregate" if AGGREGATE.search(clause) else "own"
                out.append(Statement(concept, m, scope))
                break
    return out


def against_tables(text: Text, tables: Tables, scope: str | None, notes: list[str] | None = None) -> list[Finding]:
    """Each stated count against the tables' figure for the same quantity, every base it can be.
    ``scope`` is the tables' scope ("aggregate" or "own"), or None when unknown (a published report,
    whose tables cover what the report covers)."""
    found: list[Finding] = []
    for s in statements(text):
        if scope is not None and s.scope != scope:
            continue
        bases = [(name, get(tables)) for name, get in s.concept.bases]
        known = [(name, v) for name, v in bases if v is not None]
        if len(known) < len(bases) and not any(s.mention.figure.admits(v) for _, v in known):
            continue  # a base the source lost could be the one meant: unknown, never a finding
        matched = [name for name, v in known if s.mention.figure.admits(v)]
        if matched and notes is not None:
            where = text.sentences[s.mention.sentence].location(s.mention.start)
            notes.append(f"{where}：{s.concept.name}{s.mention.stated}与表格中的{matched[0]}相符。")
        if not known or matched:
            continue
        sentence = text.sentences[s.mention.sentence]
        tried = "、".join(f"{name}{plain(v)}件" for name, v in known)
        found.append(
            Finding(
                "prose_table",
                sentence.location(s.mention.start),
                s.mention.stated,
                f"{plain(known[0][1])}件",
                f"对照表格：{tried}",
                f"正文写{s.concept.name}{s.mention.stated}，表格中没有与之相符的数（{tried}）。",
            )
        )
    return found


_NONE = re.compile(
    r"(无|未发生|未产生|没有|未收到|未有|零)[^,，。;；]{0,4}?((行政)?复议|(行政)?诉讼)(案件|情况)?(及|和|、)?((行政)?(复议|诉讼))?"
)
_ALL_UPHELD = re.compile(r"((行政)?复议|(行政)?诉讼)[^。;；]{0,30}?(均|全部|都)(获|被|予以)?(维持|驳回)")


def claims(text: Text, tables: Tables) -> list[Finding]:
    """ "无行政复议" / "未发生行政诉讼" need a zero in table 四; "均获维持" needs every case upheld."""
    found: list[Finding] = []
    for sentence in text.sentences:
        for m in _NONE.finditer(sentence.text):
            tail = sentence.text[m.end() : m.end() + 6]
            if re.match(r"[^,，。]{0,3}(纠错|纠正|败诉|被撤销)", tail):
                continue
            for kind in {"复议", "诉讼"} & set(re.findall(r"复议|诉讼", m.group(0))):
                value = tables.number("t4", ("reconsideration", "total")) if kind == "复议" else LITIGATION(tables)
                if value:
                    found.append(
                        Finding(
                            "claim",
                            sentence.location(),
                            m.group(0),
                            f"行政{kind}{plain(value)}件",
                            f"表四“行政{kind}”总计应为0",
                            f"正文说没有行政{kind}，但表四中行政{kind}为{plain(value)}件。",
                        )
                    )
        for m in _ALL_UPHELD.finditer(sentence.text):
            kind = "复议" if "复议" in m.group(1) else "诉讼"
            blocks = ("reconsideration",) if kind == "复议" else ("litigation_direct", "litigation_after")
            totals = known([tables.number("t4", (b, "total")) for b in blocks])
            upheld = known([tables.number("t4", (b, "upheld")) for b in blocks])
            if totals is None or upheld is None:
                continue
            total, kept = sum(totals, Decimal(0)), sum(upheld, Decimal(0))
            if total != kept:
                found.append(
                    Finding(
                        "claim",
                        sentence.location(),
                        m.group(0)[-8:],
                        f"维持{plain(kept)}件／共{plain(total)}件",
                        f"表四“行政{kind}”结果维持＝总计",
                        f"正文说行政{kind}均获维持，但表四中{plain(total)}件里只有{plain(kept)}件结果维持。",
                    )
                )
    return found


_YOY = re.compile(
    r"(较上年|较去年|比上年|比去年|同比|与上年相比|较上一年|较\d{4}年)[^,，。;；%]{0,8}?(增长|增加|上升|提高|下降|减少|降低)了?\s*([0-9]+(?:\.[0-9]+)?)\s*%"
)


def year_over_year(text: Text, this: dict[str, Decimal], last: dict[str, Decimal]) -> list[Finding]:
    """ "收到申请162件……较上年增长96%": the change against last year's figure of the same quantity."""
    found: list[Finding] = []
    by_sentence: dict[int, list[Statement]] = {}
    for s in statements(text):
        by_sentence.setdefault(s.mention.sentence, []).append(s)
    for i, sentence in enumerate(text.sentences):
        for m in _YOY.finditer(sentence.text):
            before = [s for s in by_sentence.get(i, []) + by_sentence.get(i - 1, []) if s.concept.key in last]
            before = [s for s in before if s.mention.start < sentence.start + m.start()]
            if not before:
                continue
            s = before[-1]
            old, new = last[s.concept.key], s.mention.figure.value
            if old <= 0:
                continue
            change = (new - old) * 100 / old
            stated = Decimal(m.group(3)) * (-1 if m.group(2) in ("下降", "减少", "降低") else 1)
            step = Decimal(10) ** min(0, stated.as_tuple().exponent)  # type: ignore[operator]
            # Rounded or truncated to the stated decimals (towards zero for a fall).
            low, high = (stated - step / 2, stated + step) if stated >= 0 else (stated - step, stated + step / 2)
            if not low <= change < high:
                found.append(
                    Finding(
                        "year_over_year",
                        sentence.location(),
                        f"{m.group(2)}{m.group(3)}%",
                        f"{'增长' if change >= 0 else '下降'}{abs(change).quantize(Decimal('0.01'))}%",
                        f"（本年{plain(new)}－上年{plain(old)}）÷上年{plain(old)}",
                        f"{s.concept.name}本年{plain(new)}件、上年{plain(old)}件，变化为{change.quantize(Decimal('0.01'))}%，与所写不符。",
                    )
                )
    return found


def values(text: Text, tables: Tables) -> dict[str, Decimal]:
    """A report's figure for each quantity: from its tables where it has them, else its prose."""
    out: dict[str, Decimal] = {}
    for s in statements(text):
        out.setdefault(s.concept.key, s.mention.figure.value)
    for concept in CONCEPTS:
        value = concept.bases[0][1](tables) if tables.present() or concept.key in ("RECON", "LITIG") else None
        if value is not None:
            out[concept.key] = value
    return out


_ORGS = re.compile(
    r"(全市|全区|全县|全旗|全省|全盟)((?:[0-9]+个[\u4e00-\u9fff]{1,8}?(?:部门|旗县区|县区|县市区|乡镇|街道|单位|区县|县)[、和及与]?){1,4})"
)
_ORG = re.compile(r"([0-9]+)个([\u4e00-\u9fff]{1,8}?(?:部门|旗县区|县区|县市区|乡镇|街道|单位|区县|县))")


def duplicates(text: Text) -> list[Finding]:
    """The same quantity stated twice with different values: a table quantity in the same scope,
    or the number of the area's bodies ("全市9个旗县区和48个市直部门" … "全市47个市直部门")."""
    found: list[Finding] = []
    first: dict[tuple[str, str], Statement] = {}
    for s in statements(text):
        if s.concept.key in ("RECEIVED", "DONE"):
            continue  # several bases, and "受理" is used for both new and carried-over applications
        key = (s.concept.key, s.scope)
        if key in first:
            a = first[key]
            if not a.mention.figure.admits(s.mention.figure.value) and not s.mention.figure.admits(
                a.mention.figure.value
            ):
                found.append(_duplicate(text, s.concept.name, a.mention.stated, s.mention.stated, s.mention.sentence))
                first[key] = s
        else:
            first[key] = s
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for i, sentence in enumerate(text.sentences):
        for m in _ORGS.finditer(sentence.text):
            for count, noun in _ORG.findall(m.group(2)):
                key = (m.group(1), noun)
                if key in seen and seen[key][0] != count:
                    found.append(_duplicate(text, f"{m.group(1)}{noun}数", f"{seen[key][0]}个", f"{count}个", i))
                    seen[key] = (count, i)  # each change of value is said once
                seen.setdefault(key, (count, i))
    return found


def _duplicate(text: Text, name: str, before: str, now: str, sentence: int) -> Finding:
    return Finding(
        "duplicate",
        text.sentences[sentence].location(),
        now,
        before,
        "同一报告中同一数量应前后一致",
        f"{name}前文写作{before}，此处写作{now}。",
    )
