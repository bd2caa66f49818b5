"""Reads of the openness records: the public list of a body's press conferences, the records of the
bodies a user works at, and each body's figures for a year."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

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


def press_conferences(org_ids: list[int]) -> QuerySet[PressConference]:
    return (
        PressConference.objects.filter(org_id__in=org_ids)
        .select_related("org", "transcript__org")
        .prefetch_related("interpretations__org")
        .order_by("-held_on", "-id")
    )


def training_sessions(org_ids: list[int]) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(org_id__in=org_ids).select_related("org").order_by("-held_on", "-id")


@dataclass
class Figures:
    conferences: int = 0
    head_attended: int = 0  # 主要负责人出席
    interpretations: int = 0  # interpretations released at them
    trainings: int = 0
    meetings: int = 0
    attendance: int = 0
    responses: int = 0  # 回应关切
    public_opinion: int = 0  # of which 回应舆情
    suggestions: int = 0  # 人大代表建议 assigned in the year
    proposals: int = 0  # 政协提案 assigned in the year
    replied: int = 0  # of those, replied
    reading_points: int = 0  # open now
    new_media_accounts: int = 0  # in operation now
    new_media_posts: int = 0  # posts in the year
    visits: int = 0
    items_consulted: int = 0
    gazette_issues: int = 0  # 政府公报 issues of the year
    gazette_items: int = 0  # items they printed


def figures(org_ids: list[int], year: int) -> dict[int, Figures]:
    out = {i: Figures() for i in org_ids}
    held = PressConference.objects.filter(org_id__in=org_ids, held_on__year=year)
    per_body = held.values("org_id").annotate(n=Count("id"), head=Count("id", filter=Q(head_attended=True)))
    for held_row in per_body:
        out[held_row["org_id"]].conferences, out[held_row["org_id"]].head_attended = held_row["n"], held_row["head"]
    links = PressConference.interpretations.through.objects.filter(pressconference__in=held)
    for link_row in links.values("pressconference__org_id").annotate(n=Count("id")):
        out[link_row["pressconference__org_id"]].interpretations = link_row["n"]
    sessions = TrainingSession.objects.filter(org_id__in=org_ids, held_on__year=year).values("org_id")
    for session_row in sessions.annotate(
        trainings=Count("id", filter=Q(kind=SessionKind.TRAINING)),
        meetings=Count("id", filter=Q(kind=SessionKind.MEETING)),
        people=Sum("attendance"),
    ):
        f = out[session_row["org_id"]]
        f.trainings, f.meetings = session_row["trainings"], session_row["meetings"]
        f.attendance = int(session_row["people"] or 0)
    responses = ConcernResponse.objects.filter(org_id__in=org_ids, responded_on__year=year).values("org_id")
    for response_row in responses.annotate(n=Count("id"), opinion=Count("id", filter=Q(public_opinion=True))):
        out[response_row["org_id"]].responses = response_row["n"]
        out[response_row["org_id"]].public_opinion = response_row["opinion"]
    assigned = DeputyProposal.objects.filter(org_id__in=org_ids, received_on__year=year).values("org_id")
    for proposal_row in assigned.annotate(
        suggestions=Count("id", filter=Q(kind=ProposalKind.SUGGESTION)),
        proposals=Count("id", filter=Q(kind=ProposalKind.PROPOSAL)),
        replied=Count("id", filter=Q(replied_on__isnull=False)),
    ):
        f = out[proposal_row["org_id"]]
        f.suggestions, f.proposals, f.replied = (
            proposal_row["suggestions"],
            proposal_row["proposals"],
            proposal_row["replied"],
        )
    for point_row in (
        ReadingPoint.objects.filter(org_id__in=org_ids, active=True).values("org_id").annotate(n=Count("id"))
    ):
        out[point_row["org_id"]].reading_points = point_row["n"]
    reading = ReadingTally.objects.filter(point__org_id__in=org_ids, year=year).values("point__org_id")
    for tally_row in reading.annotate(visits=Sum("visits"), items=Sum("items_consulted")):
        f = out[tally_row["point__org_id"]]
        f.visits, f.items_consulted = int(tally_row["visits"] or 0), int(tally_row["items"] or 0)
    for account_row in (
        NewMediaAccount.objects.filter(org_id__in=org_ids, active=True).values("org_id").annotate(n=Count("id"))
    ):
        out[account_row["org_id"]].new_media_accounts = account_row["n"]
    posted = NewMediaFigures.objects.filter(account__org_id__in=org_ids, year=year).values("account__org_id")
    for posts_row in posted.annotate(posts=Sum("posts")):
        out[posts_row["account__org_id"]].new_media_posts = int(posts_row["posts"] or 0)
    gazettes = GazetteIssue.objects.filter(org_id__in=org_ids, year=year).values("org_id")
    for gazette_row in gazettes.annotate(n=Count("id", distinct=True), items=Count("entries")):
        out[gazette_row["org_id"]].gazette_issues = gazette_row["n"]
        out[gazette_row["org_id"]].gazette_items = gazette_row["items"]
    return out


def gazette_issues(org_ids: list[int]) -> QuerySet[GazetteIssue]:
    """Issues of these bodies, newest first, each with its table of contents (``entries``, in print
    order, with the item and its body)."""
    return (
        GazetteIssue.objects.filter(org_id__in=org_ids)
        .select_related("org")
        .prefetch_related(
            Prefetch("entries", queryset=GazetteEntry.objects.select_related("document__org").order_by("position"))
        )
        .order_by("-year", "-number")
    )


def new_media_accounts(org_ids: list[int]) -> QuerySet[NewMediaAccount]:
    """Accounts of these bodies, each with its latest month's followers (``latest_followers``)."""
    latest = NewMediaFigures.objects.filter(account=OuterRef("pk")).order_by("-year", "-month")
    return (
        NewMediaAccount.objects.filter(org_id__in=org_ids)
        .select_related("org")
        .annotate(latest_followers=Subquery(latest.values("followers")[:1]))
    )


def reading_points(org_ids: list[int], *, active_only: bool = False) -> QuerySet[ReadingPoint]:
    qs = ReadingPoint.objects.filter(org_id__in=org_ids).select_related("org")
    return qs.filter(active=True) if active_only else qs


def concern_responses(org_ids: list[int]) -> QuerySet[ConcernResponse]:
    return (
        ConcernResponse.objects.filter(org_id__in=org_ids)
        .select_related("org")
        .prefetch_related("items")
        .order_by("-responded_on", "-id")
    )


def deputy_proposals(org_ids: list[int]) -> QuerySet[DeputyProposal]:
    return (
        DeputyProposal.objects.filter(org_id__in=org_ids)
        .select_related("org", "reply_item__org")
        .order_by("-received_on", "-id")
    )
