"""Section 一 (总体情况) of the annual report, from the records.

The 2021 national format asks section 一 to describe the year's work under five headings: 主动公开,
依申请公开, 政府信息管理, 政府信息公开平台建设 and 监督保障 (spec §2). Each figure the platform can
state is a ``Fact``: the records that produce it (one query), how it is measured (rows counted, or a
field summed), and the words that introduce it in the paragraph ("召开新闻发布会" … "场"). The draft
paragraph is written from the facts; each figure in it links to the records behind it; and when
staff rewrite the prose, every figure still introduced by a fact's words is checked against the
value computed from the records (``fact_problems``).

The scope is the body's own records, as for its own tables.

Over 400 lines on purpose: ``FACTS`` is one declaration, a short entry per figure in the order the
paragraphs state them; split, a topic's figures would sit in different files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.urls import reverse

from gongkai.applications.models import Appeal, AppealKind, Application
from gongkai.catalogue.models import (
    DisclosureAttribute,
    Document,
    DocumentState,
    Instrument,
    IssuedDocument,
    KeyColumn,
)
from gongkai.interaction.models import Message, MessageState, OfflineTally
from gongkai.openness.models import (
    ConcernResponse,
    DeputyProposal,
    GazetteEntry,
    GazetteIssue,
    NewMediaAccount,
    NewMediaFigures,
    PressConference,
    ProposalKind,
    ReadingPoint,
    ReadingTally,
    SessionKind,
    TrainingSession,
)
from gongkai.orgs.models import Organisation

TOPICS = ("主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障")


@dataclass(frozen=True)
class SourceRow:
    """One record behind a figure, as the sources list shows it (never an applicant's details)."""

    day: dt.date | None
    text: str
    url: str | None
    amount: int | None = None  # the record's share of a summed figure


@dataclass(frozen=True)
class Fact:
    key: str
    topic: str
    before: str  # the words that introduce the figure in the paragraph
    unit: str
    records: Callable[[list[int], int], QuerySet[Any]]  # the bodies' records of the year
    row: Callable[[Any], SourceRow]
    total: str | None = None  # the field summed; None counts the records
    always: bool = False  # stated even when zero (the topic's lead figure)
    # Table 三 or 四 holds the same figure; the report auditor compares the prose with the table
    # (reports.audit.statements), so the fact check does not say it twice.
    in_tables: bool = False
    # Where a record's body and its month are (for the statistics by body and by month); a fact
    # that is a state rather than events of the year (columns open, accounts run) has no month.
    org_field: str = "org_id"
    month_field: str | None = None

    def measure(self) -> Count | Sum:
        return Count("pk") if self.total is None else Sum(self.total)

    def value(self, org: Organisation, year: int) -> int:
        return int(self.records([org.pk], year).aggregate(n=self.measure())["n"] or 0)

    def phrase(self, value: int) -> str:
        return f"{self.before}{value}{self.unit}"

    def pattern(self) -> re.Pattern[str]:
        """The figure as the prose may keep it: the introducing words, then the number and the unit."""
        return re.compile(re.escape(self.before) + r"\s*(\d+)\s*" + re.escape(self.unit))


def _doc_row(doc: Document) -> SourceRow:
    return SourceRow(
        doc.published_date, f"{doc.title}（{doc.index_number}）", reverse("workbench:document", args=[doc.pk])
    )


def _published(org_ids: list[int], year: int) -> QuerySet[Document]:
    return Document.objects.filter(
        org_id__in=org_ids, state=DocumentState.PUBLISHED, published_date__year=year
    ).order_by("published_date", "pk")


def _application_row(app: Application) -> SourceRow:
    # The case's tracking code and subject only: the applicant's details stay on the case's page.
    return SourceRow(app.received_on, f"申请 {app.tracking_code}", reverse("workbench:application", args=[app.pk]))


def _appeal_row(appeal: Appeal) -> SourceRow:
    return SourceRow(
        appeal.filed_on,
        f"{appeal.get_kind_display()} {appeal.case_number or ''}（申请 {appeal.application.tracking_code}）",
        reverse("workbench:application", args=[appeal.application_id]),
    )


def _message_row(message: Message) -> SourceRow:
    return SourceRow(
        message.received_on,
        f"{message.tracking_code} {message.subject}",
        reverse("workbench:message", args=[message.pk]),
    )


FACTS: tuple[Fact, ...] = (
    # 主动公开
    Fact(
        "published",
        "主动公开",
        "主动公开政府信息",
        "条",
        _published,
        _doc_row,
        always=True,
        month_field="published_date",
    ),
    Fact(
        "instruments",
        "主动公开",
        "制发规章和行政规范性文件",
        "件",
        lambda o, y: _published(o, y).exclude(instrument=Instrument.NONE),
        _doc_row,
        month_field="published_date",
    ),
    Fact(
        "interpretations",
        "主动公开",
        "发布政策解读",
        "篇",
        lambda o, y: _published(o, y).filter(interprets__isnull=False),
        _doc_row,
        month_field="published_date",
    ),
    Fact(
        "press",
        "主动公开",
        "召开新闻发布会",
        "场",
        lambda o, y: PressConference.objects.filter(org_id__in=o, held_on__year=y).order_by("held_on"),
        lambda c: SourceRow(c.held_on, c.topic, None),
        month_field="held_on",
    ),
    Fact(
        "press_head",
        "主动公开",
        "其中主要负责人出席",
        "场",
        lambda o, y: PressConference.objects.filter(org_id__in=o, held_on__year=y, head_attended=True).order_by(
            "held_on"
        ),
        lambda c: SourceRow(c.held_on, f"{c.topic}（{c.speakers}）", None),
        month_field="held_on",
    ),
    Fact(
        "responses",
        "主动公开",
        "回应社会关切",
        "次",
        lambda o, y: ConcernResponse.objects.filter(org_id__in=o, responded_on__year=y).order_by("responded_on"),
        lambda r: SourceRow(r.responded_on, f"{r.concern}（{r.get_channel_display()}）", None),
        month_field="responded_on",
    ),
    Fact(
        "public_opinion",
        "主动公开",
        "其中回应舆情",
        "次",
        lambda o, y: ConcernResponse.objects.filter(org_id__in=o, responded_on__year=y, public_opinion=True).order_by(
            "responded_on"
        ),
        lambda r: SourceRow(r.responded_on, f"{r.concern}（{r.get_channel_display()}）", None),
        month_field="responded_on",
    ),
    Fact(
        "gazette",
        "主动公开",
        "编印政府公报",
        "期",
        lambda o, y: GazetteIssue.objects.filter(org_id__in=o, year=y).order_by("number"),
        lambda g: SourceRow(
            g.published_on, f"{g.year}年第{g.number}期", reverse("portal:gazette_issue", args=[g.org.slug, g.pk])
        ),
        month_field="published_on",
    ),
    Fact(
        "gazette_items",
        "主动公开",
        "公报刊载政府信息",
        "件",
        lambda o, y: (
            GazetteEntry.objects.filter(issue__org_id__in=o, issue__year=y)
            .select_related("issue", "document")
            .order_by("issue__number", "position")
        ),
        lambda e: SourceRow(e.issue.published_on, f"{e.issue} {e.document.title}", None),
        org_field="issue__org_id",
        month_field="issue__published_on",
    ),
    # 依申请公开
    Fact(
        "applications",
        "依申请公开",
        "新收政府信息公开申请",
        "件",
        lambda o, y: Application.objects.filter(org_id__in=o, received_on__year=y).order_by("received_on", "pk"),
        _application_row,
        always=True,
        in_tables=True,
        month_field="received_on",
    ),
    Fact(
        "replied",
        "依申请公开",
        "答复办结",
        "件",
        lambda o, y: Application.objects.filter(org_id__in=o, replied_on__year=y).order_by("replied_on", "pk"),
        lambda a: SourceRow(a.replied_on, f"申请 {a.tracking_code}", reverse("workbench:application", args=[a.pk])),
        month_field="replied_on",
    ),
    Fact(
        "made_proactive",
        "依申请公开",
        "依申请公开转为主动公开",
        "件",
        lambda o, y: Application.objects.filter(org_id__in=o, proactive_marked_on__year=y).order_by(
            "proactive_marked_on"
        ),
        lambda a: SourceRow(
            a.proactive_marked_on, f"申请 {a.tracking_code}", reverse("workbench:application", args=[a.pk])
        ),
        month_field="proactive_marked_on",
    ),
    Fact(
        "reconsiderations",
        "依申请公开",
        "政府信息公开行政复议",
        "件",
        lambda o, y: (
            Appeal.objects.filter(org_id__in=o, filed_on__year=y, kind=AppealKind.RECONSIDERATION)
            .select_related("application")
            .order_by("filed_on")
        ),
        _appeal_row,
        month_field="filed_on",
    ),
    Fact(
        "lawsuits",
        "依申请公开",
        "行政诉讼",
        "件",
        lambda o, y: (
            Appeal.objects.filter(org_id__in=o, filed_on__year=y)
            .exclude(kind=AppealKind.RECONSIDERATION)
            .select_related("application")
            .order_by("filed_on")
        ),
        _appeal_row,
        month_field="filed_on",
    ),
    # 政府信息管理
    Fact(
        "issued",
        "政府信息管理",
        "登记制发公文",
        "件",
        lambda o, y: IssuedDocument.objects.filter(org_id__in=o, written_date__year=y).order_by("written_date", "pk"),
        lambda d: SourceRow(d.written_date, f"{d.title} {d.doc_number}（{d.get_attribute_display()}）", None),
        always=True,
        month_field="written_date",
    ),
    Fact(
        "issued_proactive",
        "政府信息管理",
        "经保密审查确定主动公开",
        "件",
        lambda o, y: IssuedDocument.objects.filter(
            org_id__in=o, written_date__year=y, attribute=DisclosureAttribute.PROACTIVE
        ).order_by("written_date", "pk"),
        lambda d: SourceRow(d.written_date, f"{d.title} {d.doc_number}", None),
        month_field="written_date",
    ),
    Fact(
        "repealed",
        "政府信息管理",
        "清理废止规章和行政规范性文件",
        "件",
        lambda o, y: (
            Document.objects.filter(org_id__in=o, repealed_date__year=y)
            .exclude(instrument=Instrument.NONE)
            .order_by("repealed_date")
        ),
        lambda d: SourceRow(
            d.repealed_date, f"{d.title}（{d.index_number}）", reverse("workbench:document", args=[d.pk])
        ),
        month_field="repealed_date",
    ),
    # 政府信息公开平台建设
    Fact(
        "key_columns",
        "政府信息公开平台建设",
        "开设重点领域信息公开栏目",
        "个",
        lambda o, y: KeyColumn.objects.filter(org_id__in=o, active=True, created_at__year__lte=y).order_by("id"),
        lambda c: SourceRow(None, f"{c.name}（{c.get_frequency_display()}）", None),
    ),
    Fact(
        "new_media",
        "政府信息公开平台建设",
        "运营政务新媒体账号",
        "个",
        lambda o, y: NewMediaAccount.objects.filter(org_id__in=o, active=True).order_by("platform", "name"),
        lambda a: SourceRow(None, str(a), None),
    ),
    Fact(
        "new_media_posts",
        "政府信息公开平台建设",
        "通过政务新媒体发布信息",
        "条",
        lambda o, y: (
            NewMediaFigures.objects.filter(account__org_id__in=o, year=y)
            .select_related("account")
            .order_by("month", "account__name")
        ),
        lambda f: SourceRow(dt.date(f.year, f.month, 1), f"{f.account.name} {f.month}月（{f.source}）", None, f.posts),
        total="posts",
        month_field="month",
        org_field="account__org_id",
    ),
    Fact(
        "messages",
        "政府信息公开平台建设",
        "收到网上留言",
        "件",
        lambda o, y: Message.objects.filter(org_id__in=o, received_on__year=y).order_by("received_on", "pk"),
        _message_row,
        month_field="received_on",
    ),
    Fact(
        "messages_replied",
        "政府信息公开平台建设",
        "答复留言",
        "件",
        lambda o, y: Message.objects.filter(org_id__in=o, received_on__year=y, state=MessageState.REPLIED).order_by(
            "received_on", "pk"
        ),
        _message_row,
        month_field="received_on",
    ),
    Fact(
        "messages_published",
        "政府信息公开平台建设",
        "公开留言答复",
        "件",
        lambda o, y: Message.objects.filter(org_id__in=o, received_on__year=y, published=True).order_by(
            "received_on", "pk"
        ),
        _message_row,
        month_field="received_on",
    ),
    Fact(
        "offline",
        "政府信息公开平台建设",
        "通过热线电话、现场咨询、领导接待日和来信受理群众咨询",
        "件",
        lambda o, y: OfflineTally.objects.filter(org_id__in=o, year=y).order_by("month", "channel"),
        lambda t: SourceRow(
            dt.date(t.year, t.month, 1), f"{t.get_channel_display()} {t.month}月（{t.source}）", None, t.count
        ),
        total="count",
        month_field="month",
    ),
    Fact(
        "reading_points",
        "政府信息公开平台建设",
        "设置政府信息公开查阅点",
        "个",
        lambda o, y: ReadingPoint.objects.filter(org_id__in=o, active=True).order_by("id"),
        lambda p: SourceRow(None, f"{p.name}（{p.address}）", None),
    ),
    Fact(
        "reading_visits",
        "政府信息公开平台建设",
        "查阅点接待查阅",
        "人次",
        lambda o, y: ReadingTally.objects.filter(point__org_id__in=o, year=y).select_related("point").order_by("month"),
        lambda t: SourceRow(dt.date(t.year, t.month, 1), f"{t.point.name} {t.month}月（{t.source}）", None, t.visits),
        total="visits",
        month_field="month",
        org_field="point__org_id",
    ),
    Fact(
        "reading_items",
        "政府信息公开平台建设",
        "提供查阅",
        "件次",
        lambda o, y: ReadingTally.objects.filter(point__org_id__in=o, year=y).select_related("point").order_by("month"),
        lambda t: SourceRow(
            dt.date(t.year, t.month, 1), f"{t.point.name} {t.month}月（{t.source}）", None, t.items_consulted
        ),
        total="items_consulted",
        org_field="point__org_id",
        month_field="month",
    ),
    # 监督保障
    Fact(
        "trainings",
        "监督保障",
        "举办政务公开培训",
        "期",
        lambda o, y: TrainingSession.objects.filter(org_id__in=o, held_on__year=y, kind=SessionKind.TRAINING).order_by(
            "held_on"
        ),
        lambda s: SourceRow(s.held_on, f"{s.title}（{s.attendance}人次）", None),
        always=True,
        month_field="held_on",
    ),
    Fact(
        "trained",
        "监督保障",
        "参训",
        "人次",
        lambda o, y: TrainingSession.objects.filter(org_id__in=o, held_on__year=y, kind=SessionKind.TRAINING).order_by(
            "held_on"
        ),
        lambda s: SourceRow(s.held_on, s.title, None, s.attendance),
        total="attendance",
        month_field="held_on",
    ),
    Fact(
        "meetings",
        "监督保障",
        "召开政务公开工作会议",
        "次",
        lambda o, y: TrainingSession.objects.filter(org_id__in=o, held_on__year=y, kind=SessionKind.MEETING).order_by(
            "held_on"
        ),
        lambda s: SourceRow(s.held_on, f"{s.title}（{s.attendance}人次）", None),
        month_field="held_on",
    ),
    Fact(
        "suggestions",
        "监督保障",
        "办理人大代表建议",
        "件",
        lambda o, y: DeputyProposal.objects.filter(
            org_id__in=o, received_on__year=y, kind=ProposalKind.SUGGESTION
        ).order_by("received_on"),
        lambda p: SourceRow(p.received_on, f"{p.number} {p.title}", None),
        month_field="received_on",
    ),
    Fact(
        "proposals",
        "监督保障",
        "办理政协委员提案",
        "件",
        lambda o, y: DeputyProposal.objects.filter(
            org_id__in=o, received_on__year=y, kind=ProposalKind.PROPOSAL
        ).order_by("received_on"),
        lambda p: SourceRow(p.received_on, f"{p.number} {p.title}", None),
        month_field="received_on",
    ),
    Fact(
        "proposals_replied",
        "监督保障",
        "已答复建议提案",
        "件",
        lambda o, y: DeputyProposal.objects.filter(
            org_id__in=o, received_on__year=y, replied_on__isnull=False
        ).order_by("received_on"),
        lambda p: SourceRow(p.replied_on, f"{p.get_kind_display()} {p.number} {p.title}", None),
        month_field="received_on",
    ),
)
BY_KEY = {f.key: f for f in FACTS}


def compute_facts(org: Organisation, year: int) -> dict[str, int]:
    """Every fact's value for the body's year (a few dozen small counting queries)."""
    return {f.key: f.value(org, year) for f in FACTS}


def draft_text(values: dict[str, int]) -> str:
    """Section 一 as a paragraph per topic: the facts in their order, the zero ones left out unless
    the topic would say nothing (its lead figure is always stated)."""
    paragraphs = []
    for n, topic in enumerate(TOPICS):
        stated = [f.phrase(values.get(f.key, 0)) for f in FACTS if f.topic == topic and (values.get(f.key) or f.always)]
        if stated:
            paragraphs.append(f"（{'一二三四五'[n]}）{topic}。本年度{'，'.join(stated)}。")
    return "\n".join(paragraphs)


@dataclass(frozen=True)
class Mention:
    """A figure in the prose that a fact's words introduce: where it is, and what the records say."""

    fact: Fact
    start: int
    end: int
    stated: int
    computed: int


def mentions(text: str, values: dict[str, int]) -> Iterator[Mention]:
    """Every figure in the text introduced by a fact's words, in order of position (a longer phrase
    wins where two overlap, so "答复留言" is not also read as part of another fact)."""
    found: list[Mention] = []
    for fact in sorted(FACTS, key=lambda f: -len(f.before)):
        if fact.key not in values:
            continue
        for m in fact.pattern().finditer(text):
            if any(m.start() < x.end and x.start < m.end() for x in found):
                continue
            found.append(Mention(fact, m.start(), m.end(), int(m.group(1)), values[fact.key]))
    return iter(sorted(found, key=lambda x: x.start))


def sources(fact: Fact, org: Organisation, year: int, limit: int = 500) -> list[SourceRow]:
    return [fact.row(r) for r in fact.records([org.pk], year)[:limit]]
