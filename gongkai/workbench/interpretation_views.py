"""政策解读 and 三同步 in the workbench: the to-do list of policies published without an
interpretation, and each body's figures for a year (a supervisor sees every body below it)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from gongkai.catalogue import interpretation
from gongkai.core.errors import ApplicationError
from gongkai.core.numbers import parse_int
from gongkai.orgs.selectors import bodies_seen_by


@login_required
def interpretations(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    try:
        year = parse_int(request.GET.get("year") or this_year, label="年度", lo=2000, hi=2100)
    except ApplicationError:
        year = this_year
    bodies = bodies_seen_by(request.user)
    figures = [f for f in interpretation.figures_by_body(bodies, year) if f.policies]
    total = interpretation.BodyFigures(org=bodies[0]) if bodies else None
    if total is not None:
        for f in figures:
            total.policies += f.policies
            total.interpreted += f.interpreted
            total.synchronous += f.synchronous
    return render(
        request,
        "workbench/interpretations.html",
        {
            "year": year,
            "years": range(this_year, this_year - 6, -1),
            "figures": figures,
            "total": total,
            "todo": interpretation.awaiting_interpretation(request.user),
            "sync_days": settings.GONGKAI_INTERPRETATION_SYNC_WORKING_DAYS,
            "nav": "interpretations",
        },
    )
