"""Reads of 政民互动. The public sees the channels a body has switched on and the questions and
answers published with the writers' consent; staff see their bodies' messages, the writer masked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum

from gongkai.applications.selectors import mask_name, mask_phone
from gongkai.core.errors import NotFound
from gongkai.core.types import Actor
from gongkai.interaction.models import Message, MessageBox, MessageState, OfflineTally, Satisfaction
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import working_org_ids

MAX_QUERY = 50


def open_boxes(org: Organisation) -> list[MessageBox]:
    return list(MessageBox.objects.filter(org=org, enabled=True).order_by("channel"))


def open_box(org: Organisation, channel: str) -> MessageBox:
    box = MessageBox.objects.select_related("org").filter(org=org, channel=channel, enabled=True).first()
    if box is None:
        raise NotFound("该机关未开通这一互动渠道。")
    return box


def published_messages(org: Organisation, query: str = "") -> QuerySet[Message]:
    """The body's published questions and answers, newest first; ``query`` finds words in either."""
    qs = Message.objects.filter(org=org, published=True).select_related("box")
    for word in query.split()[:5]:
        word = word[:MAX_QUERY]
        qs = qs.filter(Q(published_question__icontains=word) | Q(published_reply__icontains=word))
    return qs.order_by("-published_on", "-id")


def published_message(org: Organisation, pk: int) -> Message:
    found = published_messages(org).filter(pk=pk).first()
    if found is None:
        raise NotFound("该留言不存在或未公开。")
    return found


def staff_messages(user: Actor) -> QuerySet[Message]:
    """The messages of the bodies the user works at (a supervisor sees counts, not messages)."""
    return Message.objects.filter(org_id__in=working_org_ids(user)).select_related("org", "box", "application")


def staff_message(user: Actor, pk: int) -> Message:
    found = staff_messages(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("该留言不存在，或您无权查看。")
    return found


@dataclass
class InboxRow:
    message: Message
    writer: str  # masked
    phone: str  # masked
    overdue: bool


def inbox(user: Actor, state: str = "", today: dt.date | None = None) -> list[InboxRow]:
    qs = staff_messages(user)
    if state in MessageState.values:
        qs = qs.filter(state=state)
    today = today or dt.date.today()
    return [
        InboxRow(
            m, mask_name(m.writer_name), mask_phone(m.phone), m.state == MessageState.RECEIVED and m.due_date < today
        )
        for m in qs.order_by("state", "due_date", "id")[:500]
    ]


@dataclass
class Counts:
    received: int = 0
    replied: int = 0
    replied_on_time: int = 0
    published: int = 0
    converted: int = 0
    open_overdue: int = 0
    satisfied: int = 0
    fairly: int = 0
    dissatisfied: int = 0
    offline: dict[str, int] = field(default_factory=dict)  # channel → count, from the monthly tallies

    @property
    def on_time_share(self) -> float | None:
        return self.replied_on_time / self.replied if self.replied else None


def counts(org_ids: list[int], year: int, today: dt.date) -> dict[int, Counts]:
    """Per body, the year's messages: received, replied (and within the limit), published,
    turned into applications, and those still open past their limit."""
    out: dict[int, Counts] = {i: Counts() for i in org_ids}
    rows = (
        Message.objects.filter(org_id__in=org_ids, received_on__year=year)
        .values("org_id")
        .annotate(
            received=Count("id"),
            replied=Count("id", filter=Q(state=MessageState.REPLIED)),
            on_time=Count("id", filter=Q(state=MessageState.REPLIED, replied_on__lte=F("due_date"))),
            published=Count("id", filter=Q(published=True)),
            converted=Count("id", filter=Q(state=MessageState.CONVERTED)),
            overdue=Count("id", filter=Q(state=MessageState.RECEIVED, due_date__lt=today)),
            satisfied=Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            fairly=Count("id", filter=Q(satisfaction=Satisfaction.FAIRLY)),
            dissatisfied=Count("id", filter=Q(satisfaction=Satisfaction.DISSATISFIED)),
        )
    )
    for r in rows:
        out[r["org_id"]] = Counts(
            r["received"],
            r["replied"],
            r["on_time"],
            r["published"],
            r["converted"],
            r["overdue"],
            r["satisfied"],
            r["fairly"],
            r["dissatisfied"],
        )
    tallies = (
        OfflineTally.objects.filter(org_id__in=org_ids, year=year).values("org_id", "channel").annotate(n=Sum("count"))
    )
    for t in tallies:
        out[t["org_id"]].offline[t["channel"]] = int(t["n"])
    return out


def tallies(user: Actor, year: int) -> QuerySet[OfflineTally]:
    """The monthly tallies of the bodies the user works at, for the year."""
    return OfflineTally.objects.filter(org_id__in=working_org_ids(user), year=year).select_related("org")
