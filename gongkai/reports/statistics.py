"""Statistics of the openness work for a body or a subtree, by month and by body: the figures of
section 一 (``overview.FACTS``), counted from the same records, so a statistics page, the report
draft and the sources behind a figure always agree. One grouped query per figure."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import ExtractMonth

from gongkai.core.types import Actor
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import bodies_seen_by
from gongkai.reports.overview import FACTS, Fact


def bodies_in_scope(user: Actor, wanted: str, *, subtree: bool) -> tuple[Organisation | None, list[Organisation]]:
    """The body a statistics request names (by id or slug) among those the user sees (its first one
    when the name is missing or out of reach), and the bodies counted: it alone, or it and every
    body below it that the user sees."""
    seen = bodies_seen_by(user)
    org = next((o for o in seen if wanted in (str(o.pk), o.slug)), seen[0] if seen else None)
    if org is None:
        return None, []
    return org, ([o for o in seen if o.path.startswith(org.path)] if subtree else [org])


@dataclass(frozen=True)
class Series:
    fact: Fact
    months: tuple[int, ...] | None  # January to December; None for a state (columns open, accounts run)
    total: int


def _by_month(fact: Fact, field: str, org_ids: list[int], year: int) -> tuple[int, ...]:
    qs = fact.records(org_ids, year).order_by()
    if field == "month":  # figures entered per month
        rows = qs.values("month").annotate(n=fact.measure()).values_list("month", "n")
    else:
        rows = qs.annotate(m=ExtractMonth(field)).values("m").annotate(n=fact.measure()).values_list("m", "n")
    months = [0] * 12
    for month, n in rows:
        months[int(month) - 1] = int(n or 0)
    return tuple(months)


def monthly(org_ids: list[int], year: int) -> list[Series]:
    """Every figure for these bodies together, month by month, with the year's total."""
    out = []
    for fact in FACTS:
        if fact.month_field is None:
            total = int(fact.records(org_ids, year).aggregate(n=fact.measure())["n"] or 0)
            out.append(Series(fact, None, total))
        else:
            months = _by_month(fact, fact.month_field, org_ids, year)
            out.append(Series(fact, months, sum(months)))
    return out


def by_body(org_ids: list[int], year: int) -> dict[str, dict[int, int]]:
    """Every figure's year total per body: {fact key: {body id: value}} (absent: zero)."""
    out: dict[str, dict[int, int]] = {}
    for fact in FACTS:
        rows = fact.records(org_ids, year).order_by().values(fact.org_field).annotate(n=fact.measure())
        out[fact.key] = {r[fact.org_field]: int(r["n"] or 0) for r in rows}
    return out


def over_years(fact: Fact, org_ids: list[int], years: list[int]) -> list[int]:
    """One figure's total for each of these years."""
    return [int(fact.records(org_ids, y).aggregate(n=fact.measure())["n"] or 0) for y in years]


def to_xlsx(
    title: str, year: int, series: list[Series], bodies: list[tuple[int, str]], per_body: dict[str, dict[int, int]]
) -> bytes:
    """The statistics as a workbook: 按月 (each figure by month, with the year's total) and 按机构
    (each body's year totals, one column per figure)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    months = book.active
    months.title = "按月"
    months.append([f"{title} {year}年政务公开工作统计"])
    months["A1"].font = Font(bold=True)
    months.append(["类别", "项目", "单位", *[f"{m}月" for m in range(1, 13)], "全年"])
    for s in series:
        by_month = list(s.months) if s.months is not None else [None] * 12
        months.append([s.fact.topic, s.fact.before, s.fact.unit, *by_month, s.total])
    months.column_dimensions["B"].width = 30
    bodies_sheet = book.create_sheet("按机构")
    bodies_sheet.append(["机构", *[f"{s.fact.before}（{s.fact.unit}）" for s in series]])
    for pk, name in bodies:
        bodies_sheet.append([name, *[per_body.get(s.fact.key, {}).get(pk, 0) for s in series]])
    bodies_sheet.column_dimensions["A"].width = 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
