"""Importing past periods of the openness records from a CSV or XLSX file (issue 21: bodies that
kept these records in spreadsheets before the platform bring their earlier years in).

One file holds one kind of record for one body, a header row naming the columns as the workbench's
forms do (``KINDS``). Each row goes through the same service as a record entered by hand (same
checks, same permission, an audit event per record); the file is imported whole or not at all: the
first row a service refuses names its row number and the reason, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from gongkai.catalogue import register
from gongkai.catalogue.importing import parse_date
from gongkai.catalogue.models import DisclosureAttribute, WithholdingReason
from gongkai.core import audit
from gongkai.core.errors import ApplicationError, ValidationFailed
from gongkai.core.numbers import parse_int
from gongkai.core.tabular import read_table
from gongkai.core.types import Actor
from gongkai.interaction import services as interaction
from gongkai.interaction.models import OfflineChannel
from gongkai.openness import services
from gongkai.openness.models import (
    NewMediaAccount,
    Platform,
    ProposalKind,
    ReadingPoint,
    ResponseChannel,
    SessionKind,
)
from gongkai.orgs.models import Organisation

Writer = Callable[[Actor, Organisation, dict[str, str]], object]


@dataclass(frozen=True)
class Kind:
    label: str
    columns: tuple[str, ...]  # in the template's order
    required: tuple[str, ...]
    write: Writer


def _flag(row: dict[str, str], column: str) -> bool:
    value = row.get(column, "").strip().lower()
    if value in ("", "否", "no", "n", "false", "0"):
        return False
    if value in ("是", "yes", "y", "true", "1"):
        return True
    raise ValidationFailed(f"“{column}”应填“是”或“否”。", code="invalid_flag", field=column)


def _choice(row: dict[str, str], column: str, choices: list[tuple[str, str]]) -> str:
    """A choice written as its label (人大代表建议) or its code (suggestion)."""
    value = row.get(column, "").strip()
    for code, label in choices:
        if value in (code, label):
            return code
    wanted = "、".join(label for _, label in choices)
    raise ValidationFailed(f"“{column}”应为{wanted}之一，实际为“{value[:20]}”。", code="invalid_choice", field=column)


def _day(row: dict[str, str], column: str) -> Any:
    return parse_date(row.get(column, ""), column) or ""


def _int(row: dict[str, str], column: str, hi: int = 2_000_000_000) -> int:
    return parse_int(row.get(column, ""), label=column, lo=0, hi=hi, field=column)


def _refs(row: dict[str, str], column: str) -> list[str]:
    return row.get(column, "").replace("，", " ").replace(",", " ").split()


def _press(actor: Actor, org: Organisation, row: dict[str, str]) -> object:
    return services.press_conference_record(
        actor=actor,
        org=org,
        held_on=_day(row, "举行日期"),
        topic=row.get("主题", ""),
        speakers=row.get("发布人", ""),
        head_attended=_flag(row, "主要负责人出席"),
        transcript=row.get("实录的索引号", ""),
        interpretations=_refs(row, "发布的政策解读的索引号"),
    )


def _training(actor: Actor, org: Organisation, row: dict[str, str]) -> object:
    return services.training_record(
        actor=actor,
        org=org,
        kind=_choice(row, "类型", SessionKind.choices),
        held_on=_day(row, "日期"),
        title=row.get("名称", ""),
        attendance=_int(row, "参加人次", 1_000_000),
    )


def _response(actor: Actor, org: Organisation, row: dict[str, str]) -> object:
    return services.response_record(
        actor=actor,
        org=org,
        responded_on=_day(row, "回应日期"),
        concern=row.get("关切事项", ""),
        channel=_choice(row, "回应渠道", ResponseChannel.choices),
        public_opinion=_flag(row, "属于舆情回应"),
        items=_refs(row, "相关信息的索引号"),
    )


def _proposal(actor: Actor, org: Organisation, row: dict[str, str]) -> object:
    proposal = services.proposal_record(
        actor=actor,
        org=org,
        kind=_choice(row, "建议或提案", ProposalKind.choices),
        number=row.get("编号", ""),
        title=row.get("案由", ""),
        received_on=_day(row, "交办日期"),
    )
    if row.get("答复日期", "").strip():
        services.proposal_reply(
            actor=actor,
            proposal=proposal,
            replied_on=_day(row, "答复日期"),
            reply_item=row.get("公开的答复的索引号", ""),
        )
    return proposal


def _reading(actor: Actor, org: Organisation, row: dict[str, str]) -> object:
    name = row.get("查阅点名称", "").strip()
    point = ReadingPoint.objects.filter(org=org, name=name).first()
    if point is None:
        raise ValidationFailed(
            f"本机关没有名为“{name[:40]}”的查阅点，请先添加。", code="unknown_point", field="查阅点名称"
        )
    return services.reading_tally_enter(
        actor=actor,
        point=point,
        year=_int(row, "年", 2100),
        month=_int(row, "月", 12),
        visits=_int(row, "接待人次"),
        items_consulted=_int(row, "查阅件次"),
        source=row.get("数据来源", ""),
    )


def _new_media(actor: Actor, org: Organisation, row: dict[str, str]) -> object:
    platform = _choice(row, "平台", Platform.choices)
    name = row.get("账号名称", "").strip()
    account = NewMediaAccount.objects.filter(org=org, platform=platform, name=name).first()
    if account is None:
        raise ValidationFailed(f"本机关没有登记账号“{name[:40]}”，请先登记。", code="unknown_account", field="账号名称")
    return services.new_media_figures_enter(
        actor=actor,
        account=account,
        year=_int(row, "年", 2100),
        month=_int(row, "月", 12),
        posts=_int(row, "发布信息条数"),
        followers=_int(row, "月末关注人数"),
        source=row.get("数据来源", ""),
    )


def _offline(actor: Actor, org: Organisation, row: dict[str, str]) -> object:
    return interaction.tally_enter(
        actor=actor,
        org=org,
        channel=_choice(row, "渠道", OfflineChannel.choices),
        year=_int(row, "年", 2100),
        month=_int(row, "月", 12),
        count=_int(row, "件数"),
        source=row.get("数据来源", ""),
    )


def _gazette(actor: Actor, org: Organisation, row: dict[str, str]) -> object:
    return services.gazette_issue_record(
        actor=actor,
        org=org,
        year=row.get("年份", ""),
        number=row.get("期号", ""),
        published_on=_day(row, "出版日期"),
        items=_refs(row, "刊载的信息的索引号"),
    )


def _issued(actor: Actor, org: Organisation, row: dict[str, str]) -> object:
    attribute = _choice(row, "公开属性", DisclosureAttribute.choices)
    reason = ""
    if attribute == DisclosureAttribute.WITHHELD:
        # The reason may be written as the article's short name (过程性信息) as well as the full label.
        written = row.get("不予公开的理由", "").strip()
        reason = next(
            (code for code, label in WithholdingReason.choices if written and (written == code or written in label)),
            "",
        )
    return register.issued_register(
        actor=actor,
        org=org,
        title=row.get("公文标题", ""),
        doc_number=row.get("文号", ""),
        written_date=_day(row, "成文日期"),
        attribute=attribute,
        reason=reason,
        note=row.get("说明", ""),
        item=row.get("主动公开的信息的索引号", ""),
    )


KINDS: dict[str, Kind] = {
    "press": Kind(
        "新闻发布会",
        ("举行日期", "主题", "发布人", "主要负责人出席", "实录的索引号", "发布的政策解读的索引号"),
        ("举行日期", "主题", "发布人"),
        _press,
    ),
    "training": Kind(
        "培训和会议", ("类型", "日期", "名称", "参加人次"), ("类型", "日期", "名称", "参加人次"), _training
    ),
    "response": Kind(
        "回应关切",
        ("回应日期", "关切事项", "回应渠道", "属于舆情回应", "相关信息的索引号"),
        ("回应日期", "关切事项", "回应渠道"),
        _response,
    ),
    "proposal": Kind(
        "人大代表建议、政协委员提案",
        ("建议或提案", "编号", "案由", "交办日期", "答复日期", "公开的答复的索引号"),
        ("建议或提案", "编号", "案由", "交办日期"),
        _proposal,
    ),
    "reading": Kind(
        "查阅点接待情况",
        ("查阅点名称", "年", "月", "接待人次", "查阅件次", "数据来源"),
        ("查阅点名称", "年", "月", "接待人次", "查阅件次", "数据来源"),
        _reading,
    ),
    "new_media": Kind(
        "政务新媒体月度数据",
        ("平台", "账号名称", "年", "月", "发布信息条数", "月末关注人数", "数据来源"),
        ("平台", "账号名称", "年", "月", "发布信息条数", "月末关注人数", "数据来源"),
        _new_media,
    ),
    "offline": Kind(
        "线下渠道（热线、现场咨询、接待日、来信）月度件数",
        ("渠道", "年", "月", "件数", "数据来源"),
        ("渠道", "年", "月", "件数", "数据来源"),
        _offline,
    ),
    "gazette": Kind(
        "政府公报",
        ("年份", "期号", "出版日期", "刊载的信息的索引号"),
        ("年份", "期号", "出版日期", "刊载的信息的索引号"),
        _gazette,
    ),
    "issued": Kind(
        "公文公开属性",
        ("公文标题", "文号", "成文日期", "公开属性", "不予公开的理由", "说明", "主动公开的信息的索引号"),
        ("公文标题", "成文日期", "公开属性"),
        _issued,
    ),
}


def template_csv(kind: str) -> str:
    """An empty file with the kind's header, for people to fill in (UTF-8 with BOM, as Excel reads)."""
    return "\ufeff" + ",".join(KINDS[kind].columns) + "\r\n"


@transaction.atomic
def import_records(*, actor: Actor, org: Organisation, kind: str, name: str, data: bytes) -> int:
    """Import the file's records of one kind for the body, all or none; returns how many."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ValidationFailed("请选择要导入的记录类型。", code="invalid_choice", field="kind")
    header, rows = read_table(name, data, max_rows=5_000)
    missing = [c for c in spec.required if c not in header]
    if missing:
        raise ValidationFailed(
            f"文件缺少列：{'、'.join(missing)}。{spec.label}的表头应为：{'、'.join(spec.columns)}。",
            code="missing_columns",
            field="file",
        )
    if not rows:
        raise ValidationFailed("文件中没有记录。", code="empty_file", field="file")
    for number, row in rows:
        try:
            spec.write(actor, org, row)
        except ApplicationError as exc:
            # Raised inside the transaction: every row saved before this one is rolled back.
            raise type(exc)(f"第{number}行：{exc.message}（文件未导入）", code=exc.code, field="file") from exc
    audit.record(
        actor=actor,
        action="openness.imported",
        obj=org,
        after={"kind": kind, "file": name[:200], "records": len(rows)},
        org_id=org.pk,
    )
    return len(rows)
