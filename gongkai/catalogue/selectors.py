"""Reads of the catalogue. Public reads see published items only; staff reads go through policies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractYear, Greatest, TruncDate
from django.utils import timezone

from gongkai.calendars.services import CalendarCache
from gongkai.catalogue.doc_numbers import parse_doc_number
from gongkai.catalogue.models import (
    CatalogueUpload,
    ColumnEntry,
    DisclosureAttribute,
    Document,
    DocumentState,
    IssuedDocument,
    KeyColumn,
    Term,
    UpdateFrequency,
    Validity,
    Vocabulary,
    WithholdingReason,
)
from gongkai.core.errors import NotFound
from gongkai.core.text import normalise_for_match
from gongkai.core.types import Actor
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import org_subtree

OPEN_STATES = (DocumentState.DRAFT, DocumentState.SUBMITTED, DocumentState.REVIEWED, DocumentState.APPROVED)


def current_terms(vocabulary: str) -> QuerySet[Term]:
    return Term.objects.filter(vocabulary=vocabulary, is_current=True).select_related("parent")


def public_documents() -> QuerySet[Document]:
    """Published items; revoked ones stay listed (marked 已废止). Drafts and withdrawn items never."""
    return Document.objects.filter(state=DocumentState.PUBLISHED).select_related(
        "org", "topic__parent", "genre", "art20_item"
    )


def public_document(pk: int) -> Document:
    doc = public_documents().prefetch_related("attachments").filter(pk=pk).first()
    if doc is None:
        raise NotFound("该信息不存在或未公开。")
    return doc


@dataclass
class BrowseFilters:
    topic: str = ""
    art20: str = ""
    year: int | None = None
    publisher: int | None = None
    q: str = ""


def _lookup_q(query: str) -> Q:
    """Title or 文号 lookup (full-text search is a separate module)."""
    text = query.strip()[:100]
    parsed = parse_doc_number(text)
    q = Q(title__icontains=text) | Q(doc_number__icontains=text)
    if parsed.parsed:
        q |= Q(doc_number_key=normalise_for_match(parsed.canonical))
    return q


def browse_public(org: Organisation, filters: BrowseFilters) -> QuerySet[Document]:
    """法定主动公开内容 of a body and the bodies below it, filtered."""
    qs = public_documents().filter(org__path__startswith=org.path)
    if filters.topic:
        qs = qs.filter(Q(topic__code=filters.topic) | Q(topic__parent__code=filters.topic))
    if filters.art20:
        qs = qs.filter(art20_item__code=filters.art20)
    if filters.year:
        qs = qs.filter(published_date__year=filters.year)
    if filters.publisher:
        qs = qs.filter(org_id=filters.publisher)
    if filters.q.strip():
        qs = qs.filter(_lookup_q(filters.q))
    return qs.order_by("-published_date", "-id")


def browse_facets(org: Organisation) -> dict[str, Any]:
    """What the browse sidebar offers, with counts, for this body's subtree."""
    base = public_documents().filter(org__path__startswith=org.path).order_by()
    topic_counts: dict[str, int] = {}
    for row in base.values("topic__code", "topic__parent__code").annotate(n=Count("id")):
        top = row["topic__parent__code"] or row["topic__code"]
        topic_counts[top] = topic_counts.get(top, 0) + row["n"]
    topics = [(t, topic_counts.get(t.code, 0)) for t in current_terms(Vocabulary.TOPIC).filter(parent__isnull=True)]
    art20_counts = dict(
        base.values_list("art20_item__code").annotate(n=Count("id")).values_list("art20_item__code", "n")
    )
    art20 = [(t, art20_counts.get(t.code, 0)) for t in current_terms(Vocabulary.ART20)]
    years = list(base.annotate(y=ExtractYear("published_date")).values_list("y").annotate(n=Count("id")).order_by("-y"))
    publisher_counts = dict(base.values_list("org_id").annotate(n=Count("id")).values_list("org_id", "n"))
    publishers = [(o, publisher_counts[o.pk]) for o in org_subtree(org) if o.pk in publisher_counts]
    return {"topics": topics, "art20": art20, "years": years, "publishers": publishers}


def staff_documents(user: Actor) -> QuerySet[Document]:
    return Document.objects.filter(policies.internal_orgs_q(user)).select_related("org", "topic__parent")


def interpretations_seen_by(user: Actor, policy: Document) -> list[Document]:
    """The interpretations of ``policy`` this user may see: the published ones, and those still in
    preparation at the bodies the user reads internally (another department's draft stays hidden)."""
    visible = Q(state=DocumentState.PUBLISHED) | policies.internal_orgs_q(user)
    return list(policy.interpretations.filter(visible).select_related("org").order_by("id"))


def staff_document(user: Actor, pk: int) -> Document:
    doc = staff_documents(user).prefetch_related("attachments").filter(pk=pk).first()
    if doc is None:
        raise NotFound("该信息不存在，或您无权查看。")
    return doc


@dataclass
class RiskRow:
    document: Document
    working_days_left: int

    @property
    def overdue(self) -> bool:
        return self.working_days_left < 0


def at_risk_documents(user: Actor, *, today: dt.date | None = None, limit: int = 200) -> list[RiskRow]:
    """Unpublished items whose Art. 26 deadline has passed or falls within the warning window, soonest first."""
    from django.utils import timezone

    today = today or timezone.localdate()
    window = settings.GONGKAI_AT_RISK_WORKING_DAYS
    calendars = CalendarCache()
    horizon = today + dt.timedelta(days=window * 2 + 14)
    rows = []
    qs = staff_documents(user).filter(state__in=OPEN_STATES, publish_due__lte=horizon).order_by("publish_due", "id")
    for doc in qs[:limit]:
        cal = calendars.for_org(doc.org)
        left = cal.working_days_between(today, doc.publish_due) if doc.publish_due else 0
        if left <= window:
            rows.append(RiskRow(doc, left))
    return rows


def state_counts(user: Actor) -> dict[str, int]:
    counts = dict(staff_documents(user).order_by().values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in DocumentState.values}


@dataclass
class HistoryRow:
    at: dt.datetime
    actor: str
    action: str
    detail: str


_FIELD_LABELS = {
    "state": "状态",
    "index_number": "索引号",
    "validity": "有效性",
    "title": "名称",
    "doc_number": "文号",
    "formed_date": "形成日期",
    "published_date": "发布日期",
    "attachment": "附件",
}


def document_history(doc: Document) -> list[HistoryRow]:
    """The item's audit trail, described in Chinese for the staff page."""
    from gongkai.core.audit import ACTION_LABELS, history_for

    values = {**dict(DocumentState.choices), **dict(Validity.choices)}
    rows = []
    for event in history_for(doc):
        parts = [event.reason] if event.reason else []
        for key, label in _FIELD_LABELS.items():
            if key in event.after and event.after[key] not in (None, ""):
                value = event.after[key]
                parts.append(f"{label}：{values.get(value, value) if isinstance(value, str) else value}")
        action = ACTION_LABELS.get(event.action, event.action)
        rows.append(HistoryRow(event.created_at, event.actor_label, action, "；".join(parts)))
    return rows


def overdue_unpublished_count(today: dt.date | None = None) -> int:
    """Items not yet published past their Art. 26 deadline, over the whole installation."""
    from django.utils import timezone

    return Document.objects.filter(state__in=OPEN_STATES, publish_due__lt=today or timezone.localdate()).count()


def uploads_for(user: Actor) -> QuerySet[CatalogueUpload]:
    """The uploads of the bodies where the user may import, and the user's own."""
    orgs = [o.pk for o in policies.orgs_where(user, "document.import")]
    mine = Q(uploaded_by_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    return CatalogueUpload.objects.filter(Q(org_id__in=orgs) | mine).select_related("org", "uploaded_by")


def upload_for(user: Actor, pk: int) -> CatalogueUpload:
    found = uploads_for(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("没有这次导入，或您无权查看。")
    return found


# --- 公文公开属性 ---------------------------------------------------------------------------------


@dataclass
class AttributeFigures:
    """A body's documents written in a year, by 公开属性 (switches under Art. 44 count as 主动公开)."""

    total: int = 0
    proactive: int = 0
    on_application: int = 0
    withheld: int = 0
    switched: int = 0  # of the 主动公开, those switched from 依申请公开 (Art. 44)
    unpublished: int = 0  # 主动公开 but not (yet) published in the catalogue
    reasons: dict[str, int] = field(default_factory=dict)  # 不予公开, by reason label

    @property
    def rate(self) -> Decimal | None:
        """公文主动公开率 (%, one decimal): 主动公开 among all documents registered; none without any."""
        if not self.total:
            return None
        return (Decimal(self.proactive * 100) / self.total).quantize(Decimal("0.1"), ROUND_HALF_UP)


def issued_documents(org_ids: list[int]) -> QuerySet[IssuedDocument]:
    return (
        IssuedDocument.objects.filter(org_id__in=org_ids).select_related("org", "item").order_by("-written_date", "-id")
    )


def attribute_figures(org_ids: list[int], year: int) -> dict[int, AttributeFigures]:
    out = {i: AttributeFigures() for i in org_ids}
    labels = dict(WithholdingReason.choices)
    rows = (
        IssuedDocument.objects.filter(org_id__in=org_ids, written_date__year=year)
        .values("org_id", "attribute", "reason")
        .annotate(
            n=Count("id"),
            switched=Count("id", filter=~Q(switched_from="")),
            unpublished=Count("id", filter=~Q(item__state=DocumentState.PUBLISHED) | Q(item__isnull=True)),
        )
    )
    for row in rows:
        f = out[row["org_id"]]
        f.total += row["n"]
        if row["attribute"] == DisclosureAttribute.PROACTIVE:
            f.proactive += row["n"]
            f.switched += row["switched"]
            f.unpublished += row["unpublished"]
        elif row["attribute"] == DisclosureAttribute.ON_APPLICATION:
            f.on_application += row["n"]
        else:
            f.withheld += row["n"]
            label = labels.get(row["reason"], row["reason"])
            f.reasons[label] = f.reasons.get(label, 0) + row["n"]
    return out


# --- 重点领域 columns -------------------------------------------------------------------------------

# The longest a column may stay without a new item under its declared frequency (a month, a quarter,
# half a year, a year, each at its longest); 随信息形成或变更更新 is never flagged.
FREQUENCY_DAYS = {
    UpdateFrequency.MONTHLY: 31,
    UpdateFrequency.QUARTERLY: 92,
    UpdateFrequency.HALF_YEARLY: 184,
    UpdateFrequency.YEARLY: 366,
}


@dataclass
class ColumnStatus:
    column: KeyColumn
    items: int  # published items filed
    last_update: dt.date | None  # the newest filed item's publication date
    due: dt.date | None  # the next item is due by then (None: no declared period)

    def stale_on(self, today: dt.date) -> bool:
        return self.due is not None and today > self.due


def key_columns(org_ids: list[int], *, active_only: bool = True) -> list[ColumnStatus]:
    """The columns of these bodies with their published items, last update and the date by which the
    next update is due (counted from the last update, or from the opening for an empty column)."""
    published = Q(entries__document__state=DocumentState.PUBLISHED)
    qs = (
        KeyColumn.objects.filter(org_id__in=org_ids)
        .select_related("org", "area")
        .annotate(n=Count("entries", filter=published), last=Max("entries__document__published_date", filter=published))
        .order_by("org__path", "area__position", "id")
    )
    if active_only:
        qs = qs.filter(active=True)
    out = []
    for column in qs:
        opened = timezone.localdate(column.created_at)
        since = max(column.last or opened, opened)
        days = FREQUENCY_DAYS.get(UpdateFrequency(column.frequency))
        due = since + dt.timedelta(days=days) if days else None
        out.append(ColumnStatus(column=column, items=column.n, last_update=column.last, due=due))
    return out


def overdue_columns(today: dt.date) -> QuerySet[KeyColumn]:
    """The open columns silent beyond their declared frequency on ``today``, as one query (for the
    supervision dashboard, which counts them per body over a whole subtree): the same rule as
    ``ColumnStatus.stale_on``, said in SQL."""
    newest = (
        ColumnEntry.objects.filter(column=OuterRef("pk"), document__state=DocumentState.PUBLISHED)
        .order_by("-document__published_date")
        .values("document__published_date")[:1]
    )
    opened = TruncDate("created_at")
    since = Greatest(Coalesce(Subquery(newest), opened), opened)
    late = Q(pk__in=[])
    for frequency, days in FREQUENCY_DAYS.items():
        late |= Q(frequency=frequency, since__lt=today - dt.timedelta(days=days))
    return KeyColumn.objects.filter(active=True).annotate(since=since).filter(late).select_related("org", "area")


def column_items(column: KeyColumn) -> QuerySet[Document]:
    """The published items filed into a column, newest first."""
    return public_documents().filter(key_columns=column).order_by("-published_date", "-id")
