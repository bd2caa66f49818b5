"""Assessment (考核, issue 22 §2): an office's scheme for a year, versioned and locked when scoring
starts; every body below the office scored from the records with its breakdown; manual adjustments
only with a reason, proposed by one of the office's supervisors and approved by another; the ranking.
Each write checks the policy (``assessment.manage``, a supervisor at the office) and is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.errors import IllegalTransition, ValidationFailed
from gongkai.core.inputs import long_text, required_text
from gongkai.core.numbers import parse_decimal, parse_int
from gongkai.core.types import Actor
from gongkai.orgs import policies
from gongkai.orgs.models import Organisation
from gongkai.supervision.indicators import BY_KEY, Period, rate
from gongkai.supervision.models import Adjustment, AdjustmentState, AssessmentScheme, ScoreRun
from gongkai.supervision.scoring import Item, Line, cents, score


@transaction.atomic
def scheme_save(*, actor: Actor, office: Organisation, year: Any, name: str, items: list[Item]) -> AssessmentScheme:
    """Save the year's scheme: the draft is changed in place; a locked one gets a new version."""
    user = policies.require(actor, "assessment.manage", office)
    year = parse_int(year, label="考核年度", lo=2000, hi=timezone.localdate().year + 1, field="year")
    if not items:
        raise ValidationFailed("请至少为一项指标填写分值。", code="required", field="items")
    latest = AssessmentScheme.objects.select_for_update().filter(office=office, year=year).order_by("-version").first()
    data = [i.as_json() for i in items]
    if latest is not None and latest.locked_on is None:
        before = {"name": latest.name, "items": latest.items}
        latest.name, latest.items = required_text(name, "名称", "name", 200), data
        latest.save(update_fields=["name", "items"])
        scheme = latest
    else:
        before = None
        scheme = AssessmentScheme.objects.create(
            office=office,
            year=year,
            version=(latest.version + 1) if latest else 1,
            name=required_text(name, "名称", "name", 200),
            items=data,
            created_by=user,
        )
    audit.record(
        actor=actor,
        action="assessment.scheme_saved",
        obj=scheme,
        before=before,
        after={"version": scheme.version, "name": scheme.name, "items": data},
        org_id=office.pk,
    )
    return scheme


def scheme_items(scheme: AssessmentScheme) -> list[Item]:
    return [Item.from_json(d) for d in scheme.items]


def _values(office: Organisation, items: list[Item], period: Period, today: dt.date) -> dict[int, dict[str, Any]]:
    """Every body's value of each indicator the scheme uses (one grouped query per indicator)."""
    out: dict[int, dict[str, Any]] = {}
    for item in items:
        indicator = BY_KEY[item.indicator]
        numbers, bases = indicator.counts(office, period, today)
        for org_id in set(numbers) | set(bases):
            n, b = numbers.get(org_id, 0), bases.get(org_id, 0)
            value = rate(n, b, indicator.per) if indicator.is_rate else n
            out.setdefault(org_id, {})[item.indicator] = value
    return out


def _line_json(line: Line) -> dict[str, str]:
    return {
        "label": line.label,
        "value": line.value,
        "points": str(line.points),
        "kind": line.kind,
        "note": line.note,
        "indicator": line.indicator,
    }


@transaction.atomic
def score_run(*, actor: Actor, scheme: AssessmentScheme) -> ScoreRun:
    """Score every body below the office for the scheme's year; the scheme is locked from now on."""
    scheme = AssessmentScheme.objects.select_for_update().select_related("office").get(pk=scheme.pk)
    user = policies.require(actor, "assessment.manage", scheme.office)
    today = timezone.localdate()
    if scheme.locked_on is None:
        scheme.locked_on = today
        scheme.save(update_fields=["locked_on"])
        audit.record(actor=actor, action="assessment.scheme_locked", obj=scheme, org_id=scheme.office_id)
    items = scheme_items(scheme)
    period = Period(dt.date(scheme.year, 1, 1), dt.date(scheme.year, 12, 31), f"{scheme.year}年")
    values = _values(scheme.office, items, period, today)
    bodies = Organisation.objects.filter(path__startswith=scheme.office.path).exclude(pk=scheme.office_id)
    results = {}
    for org_id in bodies.values_list("pk", flat=True):
        # A count with no records is zero; a rate with no base has no value (None).
        mine = {
            i.indicator: values.get(org_id, {}).get(i.indicator, None if BY_KEY[i.indicator].is_rate else 0)
            for i in items
        }
        s = score(items, {k: (None if v is None else Decimal(v)) for k, v in mine.items()})
        results[str(org_id)] = {"total": str(s.total), "vetoed": s.vetoed, "lines": [_line_json(x) for x in s.lines]}
    run = ScoreRun.objects.create(
        scheme=scheme, period_start=period.start, period_end=period.end, results=results, computed_by=user
    )
    audit.record(
        actor=actor,
        action="assessment.scored",
        obj=run,
        after={"scheme": scheme.pk, "bodies": len(results)},
        org_id=scheme.office_id,
    )
    return run


@transaction.atomic
def adjustment_propose(*, actor: Actor, run: ScoreRun, org: Organisation, points: Any, reason: str) -> Adjustment:
    user = policies.require(actor, "assessment.manage", run.scheme.office)
    if str(org.pk) not in run.results:
        raise ValidationFailed("该机关不在本次评分中。", code="invalid_org", field="org")
    amount = parse_decimal(points, label="调整分值", lo=Decimal(-100), hi=Decimal(100), field="points")
    if amount == 0:
        raise ValidationFailed("调整分值不能为0。", code="out_of_range", field="points")
    adjustment = Adjustment.objects.create(
        run=run, org=org, points=cents(amount), reason=long_text(reason, "理由", "reason", 2000), proposed_by=user
    )
    audit.record(
        actor=actor,
        action="assessment.adjustment_proposed",
        obj=adjustment,
        after={"org": org.pk, "points": adjustment.points},
        reason=adjustment.reason,
        org_id=run.scheme.office_id,
    )
    return adjustment


@transaction.atomic
def adjustment_decide(*, actor: Actor, adjustment: Adjustment, approve: bool) -> Adjustment:
    """Another supervisor of the office approves or rejects it (never the one who proposed it)."""
    adjustment = Adjustment.objects.select_for_update().select_related("run__scheme__office").get(pk=adjustment.pk)
    user = policies.require(actor, "assessment.manage", adjustment.run.scheme.office)
    if adjustment.state != AdjustmentState.PROPOSED:
        raise IllegalTransition("该调整已处理。", code="already_decided")
    if adjustment.proposed_by_id == user.pk:
        raise IllegalTransition("调整须由提出人以外的人员批准。", code="same_person")
    adjustment.state = AdjustmentState.APPROVED if approve else AdjustmentState.REJECTED
    adjustment.decided_by, adjustment.decided_at = user, timezone.now()
    adjustment.save(update_fields=["state", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="assessment.adjustment_approved" if approve else "assessment.adjustment_rejected",
        obj=adjustment,
        after={"org": adjustment.org_id, "points": adjustment.points},
        org_id=adjustment.run.scheme.office_id,
    )
    return adjustment


@dataclass(frozen=True)
class Ranked:
    rank: int
    org: Organisation
    computed: Decimal
    adjusted: Decimal  # approved adjustments
    final: Decimal
    vetoed: bool
    lines: list[dict[str, str]]  # the breakdown, adjustments included: they add up to ``final``


def ranking(run: ScoreRun) -> list[Ranked]:
    """Every body's final score (computed plus approved adjustments), best first; equal scores share
    a rank."""
    orgs = Organisation.objects.in_bulk([int(k) for k in run.results])
    approved: dict[int, list[Adjustment]] = {}
    for a in run.adjustments.filter(state=AdjustmentState.APPROVED).order_by("id"):
        approved.setdefault(a.org_id, []).append(a)
    rows = []
    for key, result in run.results.items():
        org = orgs.get(int(key))
        if org is None:
            continue
        extra = approved.get(org.pk, [])
        lines = list(result["lines"]) + [
            {"label": "人工调整", "value": "", "points": str(a.points), "kind": "adjustment", "note": a.reason}
            for a in extra
        ]
        adjusted = sum((a.points for a in extra), Decimal(0))
        computed = Decimal(result["total"])
        rows.append((computed + adjusted, org, computed, adjusted, result["vetoed"], lines))
    rows.sort(key=lambda r: (-r[0], r[1].path))
    out: list[Ranked] = []
    for n, (final, org, computed, adjusted, vetoed, lines) in enumerate(rows):
        rank = out[-1].rank if out and out[-1].final == final else n + 1
        out.append(Ranked(rank, org, computed, adjusted, final, vetoed, lines))
    return out
