"""The supervision dashboard's indicators (issue 22 §1), each counted from the records of every body
in a subtree with one grouped query, and each able to list the records behind a body's number.

An ``Indicator`` is declared once: the records it counts for a period (or now), how it measures them
(rows counted, or a field summed), and, for a rate, which of them it counts; the dashboard asks each
indicator for all bodies at once (one ``GROUP BY`` over the subtree, filtered by the bodies' path, so
a province of thousands of bodies costs the same number of queries as a county), and the drill-down
asks for one body's records. Records are listed without personal data: an application by its
tracking code and dates, never the applicant.

Over 400 lines on purpose: ``INDICATORS`` is one declaration, a short entry per figure grouped as the
dashboard shows them (docs/supervision.md lists each with its formula); split, a group's figures
would sit in different files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.urls import reverse

from gongkai.applications.models import Appeal, AppealResult, Application, Satisfaction, Timeliness
from gongkai.catalogue.interpretation import POLICY_INSTRUMENTS
from gongkai.catalogue.models import Document, DocumentState
from gongkai.catalogue.selectors import OPEN_STATES, overdue_columns
from gongkai.interaction.models import Message, MessageState
from gongkai.interaction.models import Satisfaction as MessageSatisfaction
from gongkai.orgs.models import Organisation
from gongkai.reports.models import AnnualReport, ReportState
from gongkai.supervision.models import Finding, FindingState, PublicEvaluation, ReportAudit

GROUPS = ("主动公开", "依申请公开", "政民互动", "社会评议", "年度报告", "督查整改")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    @property
    def year(self) -> int:
        return self.end.year


@dataclass(frozen=True)
class Row:
    """One record behind a number, as the drill-down lists it."""

    day: dt.date | None
    text: str
    url: str | None
    note: str = ""


Records = Callable[[Period, dt.date], QuerySet[Any]]


@dataclass(frozen=True)
class Indicator:
    key: str
    group: str
    label: str
    unit: str  # "件", "%", "工作日"…
    records: Records  # what the number counts; for a rate, its base
    row: Callable[[Any], Row]
    # A rate: which of the records it counts (its numerator; an empty Q: all of them, for an
    # average); None: a count. Numerator and base come from one grouped query.
    where: Q | None = None
    total: str | None = None  # the field summed; None: rows counted
    org_field: str = "org_id"  # where a record's body is
    lower_is_better: bool = False
    help: str = ""
    per: int = 100  # a rate is numerator × per ÷ base: 100 for a share in per cent, 1 for an average

    @property
    def is_rate(self) -> bool:
        return self.where is not None

    def _scoped(self, qs: QuerySet[Any], root: Organisation) -> QuerySet[Any]:
        # The subtree's ids as a subquery (not a join on the bodies' table): with each table's index
        # led by the body, the database walks each body's range of the period and groups as it goes.
        within = Organisation.objects.filter(path__startswith=root.path).values("pk")
        return qs.filter(**{f"{self.org_field}__in": within})

    def counts(self, root: Organisation, period: Period, today: dt.date) -> tuple[dict[int, int], dict[int, int]]:
        """Every body's number under ``root``: (numerators, bases); bases are empty for a count."""
        qs = self._scoped(self.records(period, today), root).order_by().values(self.org_field)
        if self.where is None:
            measure = Count("pk") if self.total is None else Sum(self.total)
            rows = qs.annotate(n=measure).values_list(self.org_field, "n")
            return {org_id: int(n or 0) for org_id, n in rows}, {}
        chosen = self.where or None  # an empty Q: every record
        part = Count("pk", filter=chosen) if self.total is None else Sum(self.total, filter=chosen)
        numbers, bases = {}, {}
        for org_id, n, b in qs.annotate(n=part, b=Count("pk")).values_list(self.org_field, "n", "b"):
            numbers[org_id], bases[org_id] = int(n or 0), int(b or 0)
        return numbers, bases

    def numerator(self, period: Period, today: dt.date) -> QuerySet[Any]:
        """The records the number counts (for a rate, those of its base it counts)."""
        qs = self.records(period, today)
        return qs.filter(self.where) if self.where else qs

    def drill(self, org: Organisation, period: Period, today: dt.date, limit: int = 500) -> list[Row]:
        relation = self.org_field.removesuffix("_id")
        qs = self.numerator(period, today).filter(**{relation: org})
        return [self.row(r) for r in qs[:limit]]


def rate(number: int, base: int, per: int = 100) -> Decimal | None:
    """A share in per cent (or, with ``per`` 1, an average), one decimal; none without a base."""
    if not base:
        return None
    return (Decimal(number * per) / base).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _in(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


# --- the records ---------------------------------------------------------------------------------


def _doc_row(doc: Document) -> Row:
    note = "逾期公开" if doc.published_late else ""
    title = f"{doc.title}（{doc.index_number or '未发布'}）"
    return Row(doc.published_date or doc.publish_due, title, reverse("workbench:document", args=[doc.pk]), note)


def _app_row(app: Application) -> Row:
    # Never the applicant: the tracking code, the dates and how the case went.
    parts = [f"收到 {app.received_on:%Y-%m-%d}"]
    if app.due_date:
        parts.append(f"期限 {app.due_date:%Y-%m-%d}")
    if app.replied_on:
        parts.append(f"答复 {app.replied_on:%Y-%m-%d}")
    if app.timeliness:
        parts.append(app.get_timeliness_display())
    if app.late_working_days:
        parts.append(f"逾期{app.late_working_days}个工作日")
    if app.outcome:
        parts.append(app.get_outcome_display())
    return Row(
        app.replied_on or app.received_on,
        f"申请 {app.tracking_code}",
        reverse("workbench:application", args=[app.pk]),
        "，".join(parts),
    )


def _published(period: Period, today: dt.date) -> QuerySet[Document]:
    return Document.objects.filter(_in(period, "published_date"), state=DocumentState.PUBLISHED).order_by(
        "published_date", "pk"
    )


def _policies(period: Period, today: dt.date) -> QuerySet[Document]:
    return _published(period, today).filter(instrument__in=POLICY_INSTRUMENTS)


def _replied(period: Period, today: dt.date) -> QuerySet[Application]:
    return Application.objects.filter(_in(period, "replied_on")).exclude(timeliness="").order_by("replied_on", "pk")


def _messages_replied(period: Period, today: dt.date) -> QuerySet[Message]:
    return Message.objects.filter(_in(period, "replied_on"), state=MessageState.REPLIED).order_by("replied_on", "pk")


def _message_row(m: Message) -> Row:
    note = f"期限 {m.due_date:%Y-%m-%d}" + (f"，答复 {m.replied_on:%Y-%m-%d}" if m.replied_on else "")
    return Row(m.received_on, f"{m.tracking_code} {m.subject}", reverse("workbench:message", args=[m.pk]), note)


def _finding_row(f: Finding) -> Row:
    return Row(
        f.opened_on,
        f.title,
        reverse("workbench:finding", args=[f.pk]),
        f"{f.get_state_display()}，期限 {f.due_date:%Y-%m-%d}",
    )


def _report_row(r: AnnualReport) -> Row:
    when = f"发布 {r.published_on:%Y-%m-%d}" if r.published_on else r.get_state_display()
    return Row(r.due_date, str(r), reverse("workbench:report", args=[r.pk]), f"期限 {r.due_date:%Y-%m-%d}，{when}")


INDICATORS: tuple[Indicator, ...] = (
    # 主动公开 (Art. 19–26)
    Indicator("published", "主动公开", "主动公开信息", "条", _published, _doc_row),
    Indicator(
        "published_on_time",
        "主动公开",
        "按时公开率（第二十六条）",
        "%",
        _published,
        _doc_row,
        where=Q(published_late=False),
        help="期间内发布的信息中，在形成或变更之日起20个工作日内发布的比例",
    ),
    Indicator(
        "publish_overdue_now",
        "主动公开",
        "当前逾期未公开",
        "条",
        lambda p, t: Document.objects.filter(state__in=OPEN_STATES, publish_due__lt=t).order_by("publish_due", "pk"),
        _doc_row,
        lower_is_better=True,
        help="办理中而已过公开期限的信息（当前）",
    ),
    Indicator("policies", "主动公开", "发布规章、规范性文件", "件", _policies, _doc_row),
    Indicator(
        "policies_interpreted",
        "主动公开",
        "规章、规范性文件解读率",
        "%",
        _policies,
        _doc_row,
        where=Q(
            pk__in=Document.objects.filter(interprets__isnull=False, state=DocumentState.PUBLISHED).values(
                "interprets_id"
            )
        ),
        help="期间内发布的规章、规范性文件中，已有政策解读的比例（三同步）",
    ),
    Indicator(
        "columns_overdue",
        "主动公开",
        "重点领域栏目逾期未更新",
        "个",
        lambda p, t: overdue_columns(t).order_by("pk"),
        lambda c: Row(c.since, f"{c.name}（{c.get_frequency_display()}）", None, "最近更新或开设于该日"),
        lower_is_better=True,
        help="超过声明的更新频率未更新的重点领域栏目（当前）",
    ),
    # 依申请公开 (Art. 27–45)
    Indicator(
        "received",
        "依申请公开",
        "新收申请",
        "件",
        lambda p, t: Application.objects.filter(_in(p, "received_on")).order_by("received_on", "pk"),
        _app_row,
    ),
    Indicator("replied", "依申请公开", "答复办结", "件", _replied, _app_row),
    Indicator(
        "on_time",
        "依申请公开",
        "按时答复率（第三十三条）",
        "%",
        _replied,
        _app_row,
        where=~Q(timeliness=Timeliness.LATE),
        help="期间内答复的申请中，在法定或依法延长的期限内答复的比例",
    ),
    Indicator(
        "late",
        "依申请公开",
        "逾期答复",
        "件",
        lambda p, t: _replied(p, t).filter(timeliness=Timeliness.LATE),
        _app_row,
        lower_is_better=True,
    ),
    Indicator(
        "late_days",
        "依申请公开",
        "逾期工作日合计",
        "工作日",
        lambda p, t: _replied(p, t).filter(timeliness=Timeliness.LATE),
        _app_row,
        total="late_working_days",
        lower_is_better=True,
    ),
    Indicator(
        "extended",
        "依申请公开",
        "延期答复",
        "件",
        lambda p, t: Application.objects.filter(_in(p, "extension_approved_on")).order_by("extension_approved_on"),
        _app_row,
    ),
    Indicator(
        "open_overdue_now",
        "依申请公开",
        "当前逾期未答复",
        "件",
        lambda p, t: Application.objects.filter(is_open=True, due_date__lt=t).order_by("due_date", "pk"),
        _app_row,
        lower_is_better=True,
        help="尚未办结而已过答复期限的申请（当前）",
    ),
    Indicator(
        "granted",
        "依申请公开",
        "予以公开和部分公开占比",
        "%",
        _replied,
        _app_row,
        where=Q(outcome__in=("GRANT", "PARTIAL")),
    ),
    Indicator(
        "withheld",
        "依申请公开",
        "不予公开占比",
        "%",
        _replied,
        _app_row,
        where=Q(outcome__startswith="D"),
        help="期间内答复中，不予公开（表三第（三）项）的比例",
    ),
    Indicator(
        "unable",
        "依申请公开",
        "无法提供占比",
        "%",
        _replied,
        _app_row,
        where=Q(outcome__startswith="U"),
        help="期间内答复中，无法提供（表三第（四）项）的比例",
    ),
    Indicator(
        "not_handled",
        "依申请公开",
        "不予处理和其他处理占比",
        "%",
        _replied,
        _app_row,
        where=Q(outcome__startswith="N") | Q(outcome__startswith="O"),
        help="期间内答复中，不予处理和其他处理（表三第（五）、（六）项）的比例",
    ),
    Indicator(
        "corrected",
        "依申请公开",
        "复议诉讼纠错率",
        "%",
        lambda p, t: (
            Appeal.objects.filter(_in(p, "decided_on"))
            .exclude(result=AppealResult.PENDING)
            .select_related("application")
            .order_by("decided_on")
        ),
        lambda a: Row(
            a.decided_on,
            f"{a.get_kind_display()} {a.case_number}（申请 {a.application.tracking_code}）",
            reverse("workbench:application", args=[a.application_id]),
            a.get_result_display(),
        ),
        where=Q(result=AppealResult.CORRECTED),
        lower_is_better=True,
        help="期间内审结的行政复议、行政诉讼中，被依法纠错的比例",
    ),
    Indicator(
        "satisfied",
        "依申请公开",
        "申请人满意率",
        "%",
        lambda p, t: _replied(p, t).exclude(satisfaction=""),
        _app_row,
        where=Q(satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.FAIRLY)),
        help="期间内答复并作出评价的申请中，满意和基本满意的比例（社会评议）",
    ),
    # 政民互动
    Indicator(
        "messages",
        "政民互动",
        "收到留言",
        "件",
        lambda p, t: Message.objects.filter(_in(p, "received_on")).order_by("received_on", "pk"),
        _message_row,
    ),
    Indicator(
        "messages_on_time",
        "政民互动",
        "留言按时答复率",
        "%",
        _messages_replied,
        _message_row,
        where=Q(replied_on__lte=F("due_date")),
    ),
    Indicator(
        "messages_published",
        "政民互动",
        "公开留言答复",
        "件",
        lambda p, t: Message.objects.filter(_in(p, "published_on"), published=True).order_by("published_on", "pk"),
        _message_row,
    ),
    Indicator(
        "messages_overdue_now",
        "政民互动",
        "当前逾期未答复留言",
        "件",
        lambda p, t: Message.objects.filter(state=MessageState.RECEIVED, due_date__lt=t).order_by("due_date", "pk"),
        _message_row,
        lower_is_better=True,
    ),
    # 社会评议 (Art. 50: a government's report states its results)
    Indicator(
        "evaluation",
        "社会评议",
        "社会评议平均得分",
        "分",
        lambda p, t: PublicEvaluation.objects.filter(_in(p, "period_end")).order_by("period_end", "pk"),
        lambda e: Row(e.period_end, f"{e.get_source_display()}：{e.score}分", None, e.note),
        where=Q(),
        total="score",
        per=1,
        help="期间内结束的第三方评估、评议会议、问卷调查的平均得分（百分制）",
    ),
    Indicator(
        "messages_satisfied",
        "社会评议",
        "留言人满意率",
        "%",
        lambda p, t: (
            Message.objects.filter(_in(p, "received_on")).exclude(satisfaction="").order_by("received_on", "pk")
        ),
        _message_row,
        where=Q(satisfaction__in=(MessageSatisfaction.SATISFIED, MessageSatisfaction.FAIRLY)),
        help="期间内收到并作出评价的留言中，满意和基本满意的比例",
    ),
    # 年度报告 (Art. 49): the report on the year before the period's year, due in the period's year.
    Indicator(
        "report_on_time",
        "年度报告",
        "上年度年报按期发布",
        "份",
        lambda p, t: AnnualReport.objects.filter(
            year=p.year - 1, state=ReportState.PUBLISHED, published_on__lte=F("due_date")
        ).select_related("org"),
        _report_row,
        help="上一年度的年度报告在法定期限内发布（部门1月31日、政府3月31日）",
    ),
    Indicator(
        "report_late",
        "年度报告",
        "上年度年报逾期",
        "份",
        lambda p, t: (
            AnnualReport.objects.filter(year=p.year - 1, due_date__lt=t)
            .exclude(state=ReportState.PUBLISHED, published_on__lte=F("due_date"))
            .select_related("org")
        ),
        _report_row,
        lower_is_better=True,
        help="已过法定期限仍未发布，或在期限后才发布的上一年度年报（未编制的见年报页）",
    ),
    Indicator(
        "report_problems",
        "年度报告",
        "上年度年报数字不符",
        "份",
        lambda p, t: AnnualReport.objects.filter(year=p.year - 1, problem_count__gt=0).select_related("org"),
        lambda r: Row(r.due_date, str(r), reverse("workbench:report", args=[r.pk]), f"{r.problem_count}处数字不符"),
        lower_is_better=True,
        help="上一年度年报中勾稽关系不成立、正文与表格或记录不符、审核提示未确认的（按最近一次保存时的检查）",
    ),
    Indicator(
        "report_audit_findings",
        "年度报告",
        "上年度年报审核发现的问题",
        "处",
        lambda p, t: ReportAudit.objects.filter(year=p.year - 1, current=True).select_related("org"),
        lambda a: Row(
            a.audited_at.date(),
            str(a),
            reverse("workbench:report_audit", args=[a.pk]),
            f"{a.finding_count}处（{a.get_source_display()}）",
        ),
        total="finding_count",
        lower_is_better=True,
        help="督查机关审核上一年度年报（上传的已发布年报或平台上的年报）发现的数字问题，按各机关最近一次审核",
    ),
    # 督查整改 (Art. 47)
    Indicator(
        "findings_open",
        "督查整改",
        "未销号督查问题",
        "个",
        lambda p, t: Finding.objects.exclude(state=FindingState.ACCEPTED).order_by("due_date", "pk"),
        _finding_row,
        lower_is_better=True,
    ),
    Indicator(
        "findings_overdue",
        "督查整改",
        "整改逾期",
        "个",
        lambda p, t: Finding.objects.filter(state=FindingState.OPEN, due_date__lt=t).order_by("due_date", "pk"),
        _finding_row,
        lower_is_better=True,
    ),
    Indicator(
        "findings_repeat",
        "督查整改",
        "重复发生的问题",
        "个",
        lambda p, t: (
            Finding.objects.filter(_in(p, "opened_on"))
            .exclude(indicator="")
            .filter(
                Exists(
                    Finding.objects.filter(
                        org=OuterRef("org"), indicator=OuterRef("indicator"), opened_on__lt=OuterRef("opened_on")
                    )
                )
            )
            .order_by("opened_on")
        ),
        _finding_row,
        lower_is_better=True,
        help="期间内下发、此前已就同一指标下发过的督查问题",
    ),
)
BY_KEY = {i.key: i for i in INDICATORS}
