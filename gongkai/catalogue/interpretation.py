"""政策解读 and the rule of 三同步: reads only (the link is kept by the catalogue services).

A 规章 or 行政规范性文件 is interpreted when a published item names it (``Document.interprets``).
The 三同步 rule asks that the interpretation be drafted, approved and published with the policy;
what the records can check is the last of the three: an interpretation counts as synchronous when
it was published no later than ``GONGKAI_INTERPRETATION_SYNC_WORKING_DAYS`` working days after the
policy (0: the same day; the default, 3, is this project's reading, configurable [D]). The figures
a supervisor sees, and the to-do list a clerk works from, are computed here from the records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Min, Q, QuerySet

from gongkai.calendars.services import CalendarCache
from gongkai.catalogue.models import Document, DocumentState, Instrument, Validity
from gongkai.core.types import Actor
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import working_org_ids

POLICY_INSTRUMENTS = (Instrument.REGULATION, Instrument.NORMATIVE)


class Status:
    SYNCHRONOUS = "synchronous"
    LATE = "late"
    MISSING = "missing"


STATUS_LABELS = {Status.SYNCHRONOUS: "同步解读", Status.LATE: "解读滞后", Status.MISSING: "未解读"}


@dataclass
class PolicyRow:
    policy: Document
    first_interpreted: dt.date | None  # the earliest publication of an interpretation
    due: dt.date  # the last day an interpretation counts as synchronous
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class BodyFigures:
    org: Organisation
    policies: int = 0
    interpreted: int = 0
    synchronous: int = 0
    rows: list[PolicyRow] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return self.policies - self.interpreted

    @property
    def share(self) -> float | None:
        """The share of the body's 规章 and 规范性文件 that have an interpretation."""
        return self.interpreted / self.policies if self.policies else None

    @property
    def synchronous_share(self) -> float | None:
        return self.synchronous / self.policies if self.policies else None


def published_policies(org_q: Q) -> QuerySet[Document]:
    return Document.objects.filter(org_q, state=DocumentState.PUBLISHED, instrument__in=POLICY_INSTRUMENTS)


def policy_rows(policies_qs: QuerySet[Document]) -> list[PolicyRow]:
    """Each policy with its earliest published interpretation and its 三同步 status."""
    found = list(
        policies_qs.select_related("org").annotate(
            first_interpreted=Min(
                "interpretations__published_date",
                filter=Q(interpretations__state=DocumentState.PUBLISHED),
            )
        )
    )
    calendars = CalendarCache()
    window = settings.GONGKAI_INTERPRETATION_SYNC_WORKING_DAYS
    rows = []
    for policy in found:
        published = policy.published_date or dt.date.min
        due = calendars.for_org(policy.org).add_working_days(published, window).due if window else published
        first: dt.date | None = getattr(policy, "first_interpreted", None)
        if first is None:
            status = Status.MISSING
        elif first <= due:
            status = Status.SYNCHRONOUS
        else:
            status = Status.LATE
        rows.append(PolicyRow(policy, first, due, status))
    return rows


def figures_by_body(orgs: Iterable[Organisation], year: int) -> list[BodyFigures]:
    """For each body (its own items), the 规章 and 规范性文件 it published in ``year`` and how many
    have an interpretation, synchronous or later."""
    by_org = {o.pk: BodyFigures(o) for o in orgs}
    qs = published_policies(Q(org_id__in=list(by_org))).filter(published_date__year=year)
    for row in policy_rows(qs.order_by("published_date", "id")):
        figures = by_org[row.policy.org_id]
        figures.policies += 1
        figures.interpreted += row.status != Status.MISSING
        figures.synchronous += row.status == Status.SYNCHRONOUS
        figures.rows.append(row)
    return sorted(by_org.values(), key=lambda f: f.org.path)


def _awaiting(user: Actor) -> QuerySet[Document]:
    # Work for the body's own staff; a supervisor sees the figures, not a to-do list.
    qs = published_policies(Q(org_id__in=working_org_ids(user))).exclude(validity=Validity.REPEALED)
    return qs.exclude(interpretations__state=DocumentState.PUBLISHED)


def awaiting_interpretation(user: Actor, *, limit: int = 200) -> list[PolicyRow]:
    """The to-do list: the user's bodies' 规章 and 规范性文件 in force, published without an
    interpretation, oldest first."""
    return policy_rows(_awaiting(user).order_by("published_date", "id")[:limit])


def awaiting_count(user: Actor) -> int:
    return _awaiting(user).count()


def missing_counts(org_ids: Iterable[int]) -> dict[int, int]:
    """Per body, its 规章 and 规范性文件 in force published without an interpretation (any year)."""
    counts: dict[int, int] = defaultdict(int)
    qs = (
        published_policies(Q(org_id__in=list(org_ids)))
        .exclude(validity=Validity.REPEALED)
        .exclude(interpretations__state=DocumentState.PUBLISHED)
    )
    for org_id in qs.values_list("org_id", flat=True):
        counts[org_id] += 1
    return dict(counts)


def public_interpretations(policy: Document) -> QuerySet[Document]:
    return policy.interpretations.filter(state=DocumentState.PUBLISHED).order_by("published_date", "id")
