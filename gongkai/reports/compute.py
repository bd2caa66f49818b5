"""Computing the report's tables from the records (issue 5): table 三 from applications, table 四 from
appeals, table 二's rows on 规章 and 行政规范性文件 from the catalogue.

Scope is a set of organisations: one body, or a government's whole subtree (the 全市 figures), each
body counted once because each application, appeal and item belongs to exactly one body.

Counting rules (docs/reports.md):
- 新收: received in the year; 上年结转: received before the year and not yet answered on 1 January;
- 办理结果: answered (replied or closed) in the year, by outcome; 总计: their sum;
- 结转下年度: received by 31 December and not answered by then.
Identity I1 then holds by construction: both sides count the applications received by 31 December
and not answered before 1 January.
- 表四: cases filed in the year, with their result if decided by 31 December, else 尚未审结.
- 办结时效 (issue 18 §13, reported under 六): replies of the year by the timeliness recorded when they
  were made (Art. 33): 按时办结, 延期办结 (an approved extension, or Art. 35's longer period), 逾期办结
  with the working days late; and Art. 44's conversions to proactive disclosure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from gongkai.applications.models import Appeal, Application, Timeliness
from gongkai.catalogue.models import Document, DocumentState, Instrument
from gongkai.orgs.models import Organisation
from gongkai.reports.tables import APPLICANT_COLUMNS, OUTCOME_ROWS, T3_COLUMNS, T3_ROWS, T4_BLOCKS, T4_RESULTS, Cell


@dataclass(frozen=True)
class Scope:
    """Whose records a report counts: one body, or a body and everything below it."""

    org: Organisation
    subtree: bool = False

    def q(self, field: str = "org") -> Q:
        if self.subtree:
            # The bodies of the subtree as a subquery on the indexed path, rather than a join from
            # every counted row to its organisation.
            below = Organisation.objects.filter(path__startswith=self.org.path).values("pk")
            return Q(**{f"{field}_id__in": below})
        return Q(**{f"{field}_id": self.org.pk})


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def table3(scope: Scope, year: int) -> dict[Cell, int]:
    start, end = year_bounds(year)
    apps: QuerySet[Application] = Application.objects.filter(scope.q())
    cells: dict[Cell, int] = {(r, c): 0 for r, _ in T3_ROWS for c, _ in T3_COLUMNS}
    flows = (
        apps.filter(received_on__lte=end)
        .filter(Q(replied_on__isnull=True) | Q(replied_on__gte=start))
        .values("applicant_type")
        .order_by()
        .annotate(
            new=Count("id", filter=Q(received_on__gte=start)),
            carry_in=Count("id", filter=Q(received_on__lt=start)),
            carry_out=Count("id", filter=Q(replied_on__isnull=True) | Q(replied_on__gt=end)),
        )
    )
    for row in flows:
        col = row["applicant_type"]
        cells[("NEW", col)] += row["new"]
        cells[("CARRY_IN", col)] += row["carry_in"]
        cells[("CARRY_OUT", col)] += row["carry_out"]
    done = (
        apps.filter(replied_on__gte=start, replied_on__lte=end)
        .values("outcome", "applicant_type")
        .order_by()
        .annotate(n=Count("id"))
    )
    for answered in done:
        cells[(answered["outcome"], answered["applicant_type"])] += answered["n"]
    return _totals(cells)


def _totals(cells: dict[Cell, int]) -> dict[Cell, int]:
    for col, _ in T3_COLUMNS:
        cells[("DONE", col)] = sum(cells[(r, col)] for r in OUTCOME_ROWS)
    for row, _ in T3_ROWS:
        cells[(row, "TOT")] = sum(cells[(row, c)] for c, _ in APPLICANT_COLUMNS)
    return cells


def table4(scope: Scope, year: int) -> dict[Cell, int]:
    start, end = year_bounds(year)
    cells: dict[Cell, int] = {(b, r): 0 for b, _ in T4_BLOCKS for r, _ in T4_RESULTS}
    rows = (
        Appeal.objects.filter(scope.q(), filed_on__gte=start, filed_on__lte=end)
        .values("kind", "result", "decided_on")
        .order_by()
        .annotate(n=Count("id"))
    )
    for row in rows:
        decided = row["decided_on"] is not None and row["decided_on"] <= end
        result = row["result"] if decided and row["result"] != "pending" else "pending"
        cells[(row["kind"], result)] += row["n"]
        cells[(row["kind"], "total")] += row["n"]
    return cells


def table2_instruments(scope: Scope, year: int) -> dict[Cell, int]:
    """规章 and 行政规范性文件: issued (published) in the year, repealed in the year, in force on
    31 December (published by then and not repealed by then)."""
    start, end = year_bounds(year)
    # Both conditions on purpose: the IN gives the index equality terms, and the exclusion is the
    # partial index's own WHERE, which SQLite must see literally to use it.
    docs = Document.objects.filter(
        scope.q(), state=DocumentState.PUBLISHED, instrument__in=[Instrument.REGULATION, Instrument.NORMATIVE]
    ).exclude(instrument="")
    rows = (
        docs.values("instrument")
        .order_by()
        .annotate(
            issued=Count("id", filter=Q(published_date__gte=start, published_date__lte=end)),
            repealed=Count("id", filter=Q(repealed_date__gte=start, repealed_date__lte=end)),
            in_force=Count(
                "id", filter=Q(published_date__lte=end) & (Q(repealed_date__isnull=True) | Q(repealed_date__gt=end))
            ),
        )
    )
    code = {"regulation": "REG", "normative": "NORM"}
    cells: dict[Cell, int] = {(r, c): 0 for r in ("REG", "NORM") for c in ("issued", "repealed", "in_force")}
    for row in rows:
        for col in ("issued", "repealed", "in_force"):
            cells[(code[row["instrument"]], col)] = row[col]
    return cells


def timeliness(scope: Scope, year: int) -> dict[str, int]:
    """Replies of the year by their recorded timeliness, never recomputed from today's calendar."""
    start, end = year_bounds(year)
    replies = Application.objects.filter(scope.q(), replied_on__gte=start, replied_on__lte=end).exclude(timeliness="")
    counts = replies.aggregate(
        on_time=Count("id", filter=Q(timeliness=Timeliness.ON_TIME)),
        extended=Count("id", filter=Q(timeliness__in=[Timeliness.EXTENDED, Timeliness.DELAYED])),
        delayed=Count("id", filter=Q(timeliness=Timeliness.DELAYED)),
        late=Count("id", filter=Q(timeliness=Timeliness.LATE)),
        late_days=Sum("late_working_days", filter=Q(timeliness=Timeliness.LATE)),
    )
    counts["proactive"] = Application.objects.filter(
        scope.q(), proactive_marked_on__gte=start, proactive_marked_on__lte=end
    ).count()
    return {k: int(v or 0) for k, v in counts.items()}
