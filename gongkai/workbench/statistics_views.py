"""Statistics of the openness work (issue 21 §13): for a body or its whole subtree, a year, each
figure by month with charts, each body's totals, and the same as XLSX. Everyone sees the bodies they
work at or oversee; the figures are the report's section 一 facts, counted from the same records."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from gongkai.core.errors import ApplicationError
from gongkai.core.numbers import parse_int
from gongkai.orgs.models import Organisation
from gongkai.orgs.selectors import bodies_seen_by
from gongkai.reports import charts, statistics
from gongkai.reports.overview import BY_KEY, FACTS, TOPICS

YEARS_SHOWN = 5


@dataclass
class Choice:
    year: int
    org: Organisation | None
    subtree: bool
    metric: str
    org_ids: list[int]
    bodies: list[Organisation]  # the bodies counted


def _choice(request: HttpRequest) -> Choice:
    """What the page shows, from the query string; anything malformed falls back to the default."""
    this_year = timezone.localdate().year
    try:
        year = parse_int(request.GET.get("year") or this_year, label="年度", lo=2000, hi=this_year)
    except ApplicationError:
        year = this_year
    subtree = request.GET.get("scope") == "subtree"
    org, bodies = statistics.bodies_in_scope(request.user, request.GET.get("org", ""), subtree=subtree)
    metric = request.GET.get("metric", "") if request.GET.get("metric", "") in BY_KEY else FACTS[0].key
    return Choice(year, org, subtree, metric, [o.pk for o in bodies], bodies)


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)
    this_year = timezone.localdate().year
    context: dict[str, object] = {
        "choice": choice,
        "orgs": bodies_seen_by(request.user),
        "years": range(this_year, this_year - 6, -1),
        "facts": FACTS,
        "nav": "statistics",
    }
    if choice.org is not None:
        series = statistics.monthly(choice.org_ids, choice.year)
        metric = next(s for s in series if s.fact.key == choice.metric)
        label = f"{metric.fact.before}（{metric.fact.unit}）"
        years = list(range(choice.year - YEARS_SHOWN + 1, choice.year + 1))
        trend = statistics.over_years(metric.fact, choice.org_ids, years)
        context.update(
            {
                "topics": [(t, [s for s in series if s.fact.topic == t]) for t in TOPICS],
                "metric": metric,
                "label": label,
                "month_chart": mark_safe(
                    charts.bar_chart(f"{choice.year}年各月{label}", [f"{m}月" for m in range(1, 13)], metric.months)
                )
                if metric.months is not None
                else "",
                "year_chart": mark_safe(
                    charts.line_chart(f"近{YEARS_SHOWN}年{label}", [f"{y}年" for y in years], trend)
                ),
                "trend": list(zip(years, trend, strict=True)),
            }
        )
        if choice.subtree and len(choice.bodies) > 1:
            per_body = statistics.by_body(choice.org_ids, choice.year)[choice.metric]
            rows = sorted(((o, per_body.get(o.pk, 0)) for o in choice.bodies), key=lambda r: -r[1])
            context["body_rows"] = rows
            context["body_chart"] = mark_safe(
                charts.bar_chart(
                    f"{choice.year}年各机构{label}", [o.name for o, _ in rows[:20]], [n for _, n in rows[:20]]
                )
            )
    return render(request, "workbench/statistics.html", context)


@login_required
def statistics_export(request: HttpRequest) -> HttpResponse:
    choice = _choice(request)
    if choice.org is None:
        return HttpResponse("没有可统计的机构。", status=404, content_type="text/plain; charset=utf-8")
    series = statistics.monthly(choice.org_ids, choice.year)
    data = statistics.to_xlsx(
        f"{choice.org.name}{'（含下级机构）' if choice.subtree else ''}",
        choice.year,
        series,
        [(o.pk, o.name) for o in choice.bodies],
        statistics.by_body(choice.org_ids, choice.year),
    )
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="statistics-{choice.year}.xlsx"'
    return response
