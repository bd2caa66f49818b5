"""Writes of the openness records (新闻发布会, 培训和会议, 回应关切, 人大建议和政协提案): each checks the
policy (``openness.record``: the body's 公开专员), validates, writes in one transaction and leaves an
audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from gongkai.catalogue.models import Document, DocumentState
from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, ValidationFailed
from gongkai.core.inputs import optional_text, past_date, required_text
from gongkai.core.monthly import replace_month
from gongkai.core.numbers import check_past_month, parse_int
from gongkai.core.types import Actor
from gongkai.openness.models import (
    ConcernResponse,
    DeputyProposal,
    GazetteEntry,
    GazetteIssue,
    NewMediaAccount,
    NewMediaFigures,
    Platform,
    PointKind,
    PressConference,
    ProposalKind,
    ReadingPoint,
    ReadingTally,
    ResponseChannel,
    SessionKind,
    TrainingSession,
)
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation


def _published(ref: str, field: str, *, interpretation: bool = False) -> Document:
    found = Document.objects.filter(index_number=ref.strip(), state=DocumentState.PUBLISHED).first()
    if found is None:
        raise ValidationFailed(f"找不到索引号为“{ref.strip()[:40]}”的已发布信息。", code="invalid_item", field=field)
    if interpretation and found.interprets_id is None:
        raise ValidationFailed(f"“{found.title[:40]}”不是政策解读。", code="not_interpretation", field=field)
    return found


@transaction.atomic
def press_conference_record(
    *,
    actor: Actor,
    org: Organisation,
    held_on: Any,
    topic: str,
    speakers: str,
    head_attended: bool = False,
    transcript: str = "",
    interpretations: list[str] = (),  # type: ignore[assignment]
) -> PressConference:
    """A press conference held, with its transcript and interpretations named by 索引号."""
    user = policies.require(actor, "openness.record", org)
    conference = PressConference(
        org=org,
        held_on=past_date(held_on, "held_on"),
        topic=required_text(topic, "主题", "topic", 200),
        speakers=required_text(speakers, "发布人", "speakers", 300),
        head_attended=bool(head_attended),
        transcript=_published(transcript, "transcript") if str(transcript or "").strip() else None,
        recorded_by=user,
    )
    linked = [_published(ref, "interpretations", interpretation=True) for ref in interpretations if ref.strip()]
    conference.save()
    conference.interpretations.set(linked)
    audit.record(
        actor=actor,
        action="press_conference.recorded",
        obj=conference,
        after={
            "held_on": conference.held_on,
            "topic": conference.topic,
            "head_attended": conference.head_attended,
            "interpretations": [d.index_number for d in linked],
        },
        org_id=org.pk,
    )
    return conference


@transaction.atomic
def training_record(
    *, actor: Actor, org: Organisation, kind: str, held_on: Any, title: str, attendance: Any
) -> TrainingSession:
    user = policies.require(actor, "openness.record", org)
    if kind not in SessionKind.values:
        raise ValidationFailed("请选择培训或会议。", code="invalid_choice", field="kind")
    try:
        people = int(str(attendance).strip())
    except ValueError:
        raise ValidationFailed("参加人次应为整数。", code="invalid_number", field="attendance") from None
    if not 0 < people <= 1_000_000:
        raise ValidationFailed("参加人次应为1至1000000。", code="out_of_range", field="attendance")
    session = TrainingSession.objects.create(
        org=org,
        kind=kind,
        held_on=past_date(held_on, "held_on"),
        title=required_text(title, "名称", "title", 200),
        attendance=people,
        recorded_by=user,
    )
    audit.record(
        actor=actor,
        action="training.recorded",
        obj=session,
        after={"kind": kind, "held_on": session.held_on, "title": session.title, "attendance": people},
        org_id=org.pk,
    )
    return session


@transaction.atomic
def response_record(
    *,
    actor: Actor,
    org: Organisation,
    responded_on: Any,
    concern: str,
    channel: str,
    public_opinion: bool = False,
    items: list[str] = (),  # type: ignore[assignment]
) -> ConcernResponse:
    """A response to a public concern (回应关切), with the published items that carried it."""
    user = policies.require(actor, "openness.record", org)
    if channel not in ResponseChannel.values:
        raise ValidationFailed("请选择回应渠道。", code="invalid_choice", field="channel")
    response = ConcernResponse(
        org=org,
        responded_on=past_date(responded_on, "responded_on"),
        concern=required_text(concern, "关切事项", "concern", 300),
        channel=channel,
        public_opinion=bool(public_opinion),
        recorded_by=user,
    )
    linked = [_published(ref, "items") for ref in items if ref.strip()]
    response.save()
    response.items.set(linked)
    audit.record(
        actor=actor,
        action="concern_response.recorded",
        obj=response,
        after={
            "responded_on": response.responded_on,
            "channel": channel,
            "public_opinion": response.public_opinion,
            "items": [d.index_number for d in linked],
        },
        org_id=org.pk,
    )
    return response


@transaction.atomic
def proposal_record(
    *, actor: Actor, org: Organisation, kind: str, number: str, title: str, received_on: Any
) -> DeputyProposal:
    """A deputy's suggestion or a member's proposal assigned to the body (交办)."""
    user = policies.require(actor, "openness.record", org)
    if kind not in ProposalKind.values:
        raise ValidationFailed("请选择建议或提案。", code="invalid_choice", field="kind")
    number = required_text(number, "编号", "number", 40)
    if DeputyProposal.objects.filter(org=org, kind=kind, number=number).exists():
        raise ValidationFailed(f"编号 {number} 已经登记。", code="duplicate_number", field="number")
    proposal = DeputyProposal.objects.create(
        org=org,
        kind=kind,
        number=number,
        title=required_text(title, "案由", "title", 300),
        received_on=past_date(received_on, "received_on"),
        recorded_by=user,
    )
    audit.record(
        actor=actor,
        action="proposal.recorded",
        obj=proposal,
        after={"kind": kind, "number": number, "received_on": proposal.received_on},
        org_id=org.pk,
    )
    return proposal


@transaction.atomic
def proposal_reply(*, actor: Actor, proposal: DeputyProposal, replied_on: Any, reply_item: str = "") -> DeputyProposal:
    """The reply given (its date), and the published item that makes it public, if it is public."""
    proposal = DeputyProposal.objects.select_for_update().select_related("org").get(pk=proposal.pk)
    policies.require(actor, "openness.record", proposal.org)
    if proposal.replied_on is not None:
        raise IllegalTransition("该建议提案已登记答复。", code="already_replied")
    day = past_date(replied_on, "replied_on")
    if day < proposal.received_on:
        raise ValidationFailed("答复日期不能早于交办日期。", code="invalid_date", field="replied_on")
    proposal.replied_on = day
    proposal.reply_item = _published(reply_item, "reply_item") if str(reply_item or "").strip() else None
    proposal.save(update_fields=["replied_on", "reply_item"])
    audit.record(
        actor=actor,
        action="proposal.replied",
        obj=proposal,
        after={"replied_on": day, "reply_item": proposal.reply_item.index_number if proposal.reply_item else ""},
        org_id=proposal.org_id,
    )
    return proposal


@transaction.atomic
def reading_point_add(
    *, actor: Actor, org: Organisation, kind: str, name: str, address: str, hours: str, holdings: str = ""
) -> ReadingPoint:
    """A reading point the body's information can be consulted at; shown in its 指南 at once."""
    policies.require(actor, "openness.record", org)
    if kind not in PointKind.values:
        raise ValidationFailed("请选择查阅点类型。", code="invalid_choice", field="kind")
    point = ReadingPoint.objects.create(
        org=org,
        kind=kind,
        name=required_text(name, "名称", "name", 100),
        address=required_text(address, "地址", "address", 200),
        hours=required_text(hours, "开放时间", "hours", 200),
        holdings=optional_text(holdings, "可查阅的内容", "holdings", 300),
    )
    audit.record(
        actor=actor, action="reading_point.added", obj=point, after={"kind": kind, "name": point.name}, org_id=org.pk
    )
    return point


@transaction.atomic
def reading_tally_enter(
    *, actor: Actor, point: ReadingPoint, year: int, month: int, visits: int, items_consulted: int, source: str
) -> ReadingTally:
    """A reading point's month (entering the same month again replaces it; the trail keeps both)."""
    user = policies.require(actor, "openness.record", point.org)
    check_past_month(year, month)
    if not (0 <= visits <= 10_000_000 and 0 <= items_consulted <= 10_000_000):
        raise ValidationFailed("人次和件次应为0至10000000。", code="out_of_range", field="visits")
    return replace_month(
        ReadingTally,
        subject={"point": point},
        year=year,
        month=month,
        figures={"visits": visits, "items_consulted": items_consulted},
        source=required_text(source, "数据来源", "source", 200),
        actor=actor,
        entered_by=user,
        action="reading_point.tally_entered",
        org_id=point.org_id,
    )


@transaction.atomic
def new_media_add(*, actor: Actor, org: Organisation, platform: str, name: str, operator: str) -> NewMediaAccount:
    """An account the body runs on a platform (an account name is registered once per platform)."""
    policies.require(actor, "openness.record", org)
    if platform not in Platform.values:
        raise ValidationFailed("请选择平台。", code="invalid_choice", field="platform")
    name = required_text(name, "账号名称", "name", 100)
    if NewMediaAccount.objects.filter(platform=platform, name=name).exists():
        raise ValidationFailed(f"该平台上已登记“{name}”。", code="duplicate_account", field="name")
    account = NewMediaAccount.objects.create(
        org=org, platform=platform, name=name, operator=required_text(operator, "运营主体", "operator", 100)
    )
    audit.record(
        actor=actor,
        action="new_media.added",
        obj=account,
        after={"platform": platform, "name": name, "operator": account.operator},
        org_id=org.pk,
    )
    return account


@transaction.atomic
def new_media_figures_enter(
    *, actor: Actor, account: NewMediaAccount, year: int, month: int, posts: int, followers: int, source: str
) -> NewMediaFigures:
    """An account's month (entering the same month again replaces it; the trail keeps both)."""
    user = policies.require(actor, "openness.record", account.org)
    check_past_month(year, month)
    if not (0 <= posts <= 10_000_000 and 0 <= followers <= 2_000_000_000):
        raise ValidationFailed("条数或人数超出范围。", code="out_of_range", field="posts")
    return replace_month(
        NewMediaFigures,
        subject={"account": account},
        year=year,
        month=month,
        figures={"posts": posts, "followers": followers},
        source=required_text(source, "数据来源", "source", 200),
        actor=actor,
        entered_by=user,
        action="new_media.figures_entered",
        org_id=account.org_id,
    )


@transaction.atomic
def gazette_issue_record(
    *,
    actor: Actor,
    org: Organisation,
    year: Any,
    number: Any,
    published_on: Any,
    items: list[str],
) -> GazetteIssue:
    """An issue of the body's 政府公报 with its table of contents: published catalogue items named by
    索引号 in the order the issue prints them. An issue number is used once a year; an issue comes out
    in its year or, for the last issues, early in the next."""
    user = policies.require(actor, "openness.record", org)
    year = parse_int(year, label="年份", lo=2000, hi=2100, field="year")
    number = parse_int(number, label="期号", lo=1, hi=400, field="number")
    day = past_date(published_on, "published_on")
    if day.year not in (year, year + 1):
        raise ValidationFailed(f"出版日期应在{year}年或次年年初。", code="invalid_date", field="published_on")
    if GazetteIssue.objects.filter(org=org, year=year, number=number).exists():
        raise ValidationFailed(f"{year}年第{number}期已经登记。", code="duplicate_issue", field="number")
    refs = [ref.strip() for ref in items if ref.strip()]
    if not refs:
        raise ValidationFailed("请填写本期刊载的信息的索引号。", code="required", field="items")
    if len(refs) > 300:
        raise ValidationFailed("一期最多登记300条信息。", code="too_many", field="items")
    if len(set(refs)) != len(refs):
        raise ValidationFailed("同一条信息在一期中只能刊载一次。", code="duplicate_item", field="items")
    contents = [_published(ref, "items") for ref in refs]
    issue = GazetteIssue.objects.create(org=org, year=year, number=number, published_on=day, recorded_by=user)
    GazetteEntry.objects.bulk_create(
        GazetteEntry(issue=issue, document=doc, position=n) for n, doc in enumerate(contents, start=1)
    )
    audit.record(
        actor=actor,
        action="gazette.recorded",
        obj=issue,
        after={"year": year, "number": number, "published_on": day, "items": refs},
        org_id=org.pk,
    )
    return issue
