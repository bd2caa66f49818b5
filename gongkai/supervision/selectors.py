"""Reads of supervision: the dashboard of a supervised subtree for a period (each body's indicators
side by side, counted from the records), the records behind one cell, and the findings each side
works on. Counts and record lists only: no applicant's or writer's personal data leaves the body."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from gongkai.core.types import Actor
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import bodies_seen_by, working_org_ids
from gongkai.supervision.indicators import GROUPS, INDICATORS, Indicator, Period, Row, rate
from gongkai.supervision.models import Accountability, Finding, FindingState


@dataclass(frozen=True)
class Cell:
    indicator: Indicator
    number: int
    base: int | None  # a rate's base; None for a count

    @property
    def value(self) -> int | Decimal | None:
        return rate(self.number, self.base or 0, self.indicator.per) if self.indicator.is_rate else self.number


@dataclass(frozen=True)
class BodyRow:
    org: Organisation | None  # None: the subtree's total
    cells: list[Cell]


@dataclass(frozen=True)
class Dashboard:
    root: Organisation
    period: Period
    group: str
    indicators: list[Indicator]
    rows: list[BodyRow]  # every body of the subtree, in tree order
    total: BodyRow


def dashboard(root: Organisation, period: Period, group: str, today: dt.date) -> Dashboard:
    """The indicators of one group for every body under ``root`` (one grouped query each)."""
    chosen = [i for i in INDICATORS if i.group == (group if group in GROUPS else GROUPS[0])]
    counted = {i.key: i.counts(root, period, today) for i in chosen}
    bodies = list(Organisation.objects.filter(path__startswith=root.path).order_by("path"))
    rows = []
    for org in bodies:
        cells = []
        for i in chosen:
            numbers, bases = counted[i.key]
            cells.append(Cell(i, numbers.get(org.pk, 0), bases.get(org.pk, 0) if i.is_rate else None))
        rows.append(BodyRow(org, cells))
    total = BodyRow(
        None,
        [
            Cell(i, sum(counted[i.key][0].values()), sum(counted[i.key][1].values()) if i.is_rate else None)
            for i in chosen
        ],
    )
    return Dashboard(root, period, group if group in GROUPS else GROUPS[0], chosen, rows, total)


def supervised_roots(user: Actor) -> list[Organisation]:
    """The subtrees a user may open a dashboard for: those it oversees, and the bodies it works at
    (each body sees its own row, and the findings against it)."""
    roots = {o.pk: o for o in policies.orgs_overseen(user)}
    working = set(working_org_ids(user))
    for org in bodies_seen_by(user):
        if org.pk in working and not any(org.path.startswith(r.path) for r in roots.values()):
            roots[org.pk] = org
    return sorted(roots.values(), key=lambda o: o.path)


def cell_rows(indicator: Indicator, org: Organisation, period: Period, today: dt.date) -> list[Row]:
    return indicator.drill(org, period, today)


def findings_for(user: Actor) -> QuerySet[Finding]:
    """The findings a user works on: those its offices opened against bodies below them, and those
    against the bodies where it works."""
    within = Q(pk__in=[])
    for office in policies.orgs_overseen(user):
        within |= Q(org__path__startswith=office.path)
    within |= Q(org_id__in=working_org_ids(user))
    return Finding.objects.filter(within).select_related("org", "office").order_by("state", "due_date", "pk")


def open_findings_count(user: Actor) -> int:
    return findings_for(user).exclude(state=FindingState.ACCEPTED).count()


def accountability_for(user: Actor) -> QuerySet[Accountability]:
    """责任追究 records: the office's only (its supervisors), never the body's."""
    offices = [o.pk for o in policies.offices_supervised(user)]
    return Accountability.objects.filter(office_id__in=offices).select_related("org", "office")
