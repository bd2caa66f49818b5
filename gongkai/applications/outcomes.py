"""Outcomes of an application: one per row of the annual report's table 三 (国办公开办函〔2021〕30号),
with the legal basis each reply states (docs/applications.md).

The outcome *is* the report row: counting a year's replies by outcome fills the table, and no
outcome lands in two rows. What the letter says (信息不存在, 非本机关负责, …) is the reply type;
each reply type allows only the outcomes that fit it (``REPLY_TYPES``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Outcome:
    code: str
    group: str  # the report's heading: （一）予以公开 … （六）其他处理
    label: str  # the row as the national format prints it
    basis: str  # the article of the Regulations the reply cites


GROUPS = {
    "GRANT": "（一）予以公开",
    "PARTIAL": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "D": "（三）不予公开",
    "U": "（四）无法提供",
    "N": "（五）不予处理",
    "O": "（六）其他处理",
}

OUTCOMES: tuple[Outcome, ...] = (
    Outcome("GRANT", GROUPS["GRANT"], "予以公开", "第三十六条第（一）项、第（二）项"),
    Outcome("PARTIAL", GROUPS["PARTIAL"], "部分公开", "第三十七条"),
    Outcome("D1", GROUPS["D"], "1.属于国家秘密", "第十四条"),
    Outcome("D2", GROUPS["D"], "2.其他法律行政法规禁止公开", "第十四条"),
    Outcome("D3", GROUPS["D"], "3.危及“三安全一稳定”", "第十四条"),
    Outcome("D4", GROUPS["D"], "4.保护第三方合法权益", "第十五条"),
    Outcome("D5", GROUPS["D"], "5.属于三类内部事务信息", "第十六条第一款"),
    Outcome("D6", GROUPS["D"], "6.属于四类过程性信息", "第十六条第二款"),
    Outcome("D7", GROUPS["D"], "7.属于行政执法案卷", "第十六条第二款"),
    Outcome("D8", GROUPS["D"], "8.属于行政查询事项", "第三十六条第（七）项"),
    Outcome("U1", GROUPS["U"], "1.本机关不掌握相关政府信息", "第三十六条第（四）项、第（五）项"),
    Outcome("U2", GROUPS["U"], "2.没有现成信息需要另行制作", "第三十八条"),
    Outcome("U3", GROUPS["U"], "3.补正后申请内容仍不明确", "第三十条"),
    Outcome("N1", GROUPS["N"], "1.信访举报投诉类申请", "第三十九条第一款"),
    Outcome("N2", GROUPS["N"], "2.重复申请", "第三十六条第（六）项"),
    Outcome("N3", GROUPS["N"], "3.要求提供公开出版物", "第三十九条第二款"),
    Outcome("N4", GROUPS["N"], "4.无正当理由大量反复申请", "第三十五条"),
    Outcome("N5", GROUPS["N"], "5.要求行政机关确认或重新出具已获取信息", "第三十九条第二款"),
    Outcome(
        "O1",
        GROUPS["O"],
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "第三十条",
    ),
    Outcome(
        "O2",
        GROUPS["O"],
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "第四十二条",
    ),
    Outcome("O3", GROUPS["O"], "3.其他", ""),
)
BY_CODE = {o.code: o for o in OUTCOMES}

# Reply types (the letter sent) and the outcomes each may carry.
REPLY_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "PUBLIC_ALREADY": ("已经主动公开（告知获取方式和途径）", ("GRANT",)),
    "DISCLOSE": ("予以公开", ("GRANT",)),
    "PARTIAL": ("部分公开", ("PARTIAL",)),
    "WITHHOLD": ("不予公开", ("D1", "D2", "D3", "D4", "D5", "D6", "D7")),
    # Art. 36(7): told to follow the procedure of the law that governs the query; counted as D8.
    "QUERY_PROCEDURE": ("属于行政查询事项（告知依照有关法律、行政法规办理）", ("D8",)),
    "NOT_EXIST": ("政府信息不存在", ("U1",)),
    "NOT_THIS_BODY": ("非本机关负责公开", ("U1",)),
    "NEEDS_CREATION": ("需要另行制作或加工分析", ("U2",)),
    "STILL_UNCLEAR": ("补正后申请内容仍不明确", ("U3",)),
    "NOT_HANDLED": ("不予处理", ("N1", "N3", "N4", "N5")),
    "REPEATED": ("重复申请", ("N2",)),
    "CLOSED": ("终止处理", ("O1", "O2", "O3")),
}


def report_row(outcome_code: str) -> Outcome:
    """The row of table 三 an outcome is counted in (it raises KeyError for an unknown code)."""
    return BY_CODE[outcome_code]


# The same two vocabularies as Django choices, for the model's fields and forms; the database
# constraint ``app_reply_type_outcome_pair`` keeps each outcome with a reply type that allows it.
# (Built from the tables above with Django's functional API, which django-stubs does not type.)
ReplyType = models.TextChoices(  # type: ignore[call-overload]
    "ReplyType", [(code, (code, label)) for code, (label, _) in REPLY_TYPES.items()]
)
OutcomeCode = models.TextChoices(  # type: ignore[call-overload]
    "OutcomeCode", [(o.code, (o.code, f"{o.group} {o.label}")) for o in OUTCOMES]
)
