"""Issue 22 §2: assessment schemes (versioned, locked when scoring starts), every body scored from the
records with a breakdown that always adds up to its score, adjustments with a reason and another
supervisor's approval, the ranking, and the exports."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Role
from gongkai.supervision import assessment, exports
from gongkai.supervision.indicators import BY_KEY, INDICATORS
from gongkai.supervision.scoring import Item, full_marks, parse_item, score
from tests.conftest import World, make_user
from tests.test_supervision import YEAR, replied

decimals = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def schemes(draw: Any) -> tuple[list[Item], dict[str, Decimal | None]]:
    keys = draw(st.lists(st.sampled_from([i.key for i in INDICATORS]), unique=True, min_size=1, max_size=8))
    items, values = [], {}
    for key in keys:
        lower = BY_KEY[key].lower_is_better
        items.append(
            Item(
                indicator=key,
                weight=draw(decimals),
                target=draw(st.none() | st.decimals(min_value=1, max_value=100, places=1)),
                deduct_per=draw(decimals) if lower else Decimal(0),
                deduct_cap=draw(st.none() | decimals) if lower else None,
                veto_at=draw(st.none() | decimals),
            )
        )
        values[key] = draw(st.none() | decimals) if BY_KEY[key].is_rate else draw(decimals)
    return items, values


@given(schemes())
def test_a_breakdown_always_adds_up_to_its_score(case: tuple[list[Item], dict[str, Decimal | None]]) -> None:
    items, values = case
    result = score(items, values)
    assert sum((line.points for line in result.lines), Decimal(0)) == result.total
    assert Decimal(0) <= result.total <= full_marks(items)
    if result.vetoed:
        assert result.total == 0 and result.lines[-1].kind == "veto"


@given(schemes(), st.decimals(min_value=0, max_value=50, places=2))
def test_more_of_a_good_figure_never_lowers_a_score_and_more_of_a_bad_one_never_raises_it(
    case: tuple[list[Item], dict[str, Decimal | None]], more: Decimal
) -> None:
    items, values = case
    key = items[0].indicator
    if values[key] is None:
        return
    worse_or_better = {**values, key: values[key] + more}
    before, after = score(items, values).total, score(items, worse_or_better).total
    if BY_KEY[key].lower_is_better:
        assert after <= before
    elif not any(i.veto_at is not None for i in items if i.indicator == key):
        assert after >= before


def test_each_rule_scores_as_documented() -> None:
    on_time = Item("on_time", Decimal(20), target=Decimal(95))
    late = Item("late", Decimal(10), deduct_per=Decimal("0.5"), deduct_cap=Decimal(6))
    report = Item("report_late", Decimal(5), veto_at=Decimal(1))
    result = score([on_time, late, report], {"on_time": Decimal("76.0"), "late": Decimal(4), "report_late": Decimal(0)})
    assert [line.points for line in result.lines] == [Decimal("16.00"), Decimal("8.00"), Decimal("5.00")]
    assert result.total == Decimal("29.00") and not result.vetoed
    capped = score([late], {"late": Decimal(40)})
    assert capped.total == Decimal("4.00")  # 20 points of deductions, capped at 6
    vetoed = score([on_time, report], {"on_time": Decimal(100), "report_late": Decimal(1)})
    assert vetoed.vetoed and vetoed.total == 0 and vetoed.lines[-1].points == Decimal("-25.00")
    assert score([on_time], {"on_time": None}).lines[0].note == "无可评价的记录，按满分计"
    with pytest.raises(ValidationFailed):
        parse_item("published", {"weight": "5", "deduct_per": "1"})  # more is better: no deductions
    with pytest.raises(ValidationFailed):
        parse_item("late", {"target": "1"})  # a rule without full marks
    assert parse_item("late", {"weight": ""}) is None


@pytest.mark.django_db
def test_a_scheme_is_versioned_scored_adjusted_and_exported(world: World) -> None:
    supervisor = world.user("city_supervisor")
    second = make_user("city_supervisor2", world.city, Role.SUPERVISOR)
    replied(world.edu, 4, "late", late_days=2)
    replied(world.health, 4, "on_time")
    items = [Item("on_time", Decimal(60), target=Decimal(100)), Item("late", Decimal(40), deduct_per=Decimal(5))]
    with pytest.raises(PermissionDenied):
        assessment.scheme_save(actor=world.user("edu_clerk"), office=world.city, year=YEAR, name="方案", items=items)
    with pytest.raises(ValidationFailed):
        assessment.scheme_save(actor=supervisor, office=world.city, year=YEAR, name="方案", items=[])
    draft = assessment.scheme_save(actor=supervisor, office=world.city, year=YEAR, name="考核方案", items=items[:1])
    same = assessment.scheme_save(actor=supervisor, office=world.city, year=YEAR, name="考核方案", items=items)
    assert same.pk == draft.pk and same.version == 1  # a draft changes in place
    run = assessment.score_run(actor=supervisor, scheme=same)
    same.refresh_from_db()
    assert same.locked_on is not None
    v2 = assessment.scheme_save(actor=supervisor, office=world.city, year=YEAR, name="考核方案", items=items[1:])
    assert v2.version == 2 and v2.pk != same.pk  # a locked version never changes
    results = {int(k): v for k, v in run.results.items()}
    assert world.city.pk not in results  # the office is not scored by itself
    assert (results[world.health.pk]["total"], results[world.edu.pk]["total"]) == ("100.00", "20.00")
    edu_lines = results[world.edu.pk]["lines"]
    assert sum(Decimal(line["points"]) for line in edu_lines) == Decimal("20.00")
    with pytest.raises(ValidationFailed):
        assessment.adjustment_propose(actor=supervisor, run=run, org=world.edu, points=5, reason=" ")
    adjustment = assessment.adjustment_propose(
        actor=supervisor, run=run, org=world.edu, points="7.5", reason="两件逾期系系统故障所致，经核实"
    )
    with pytest.raises(IllegalTransition):  # not by the one who proposed it
        assessment.adjustment_decide(actor=supervisor, adjustment=adjustment, approve=True)
    assessment.adjustment_decide(actor=second, adjustment=adjustment, approve=True)
    ranked = {r.org: r for r in assessment.ranking(run)}
    assert ranked[world.edu].final == Decimal("27.50") and ranked[world.health].rank == 1
    assert sum(Decimal(line["points"]) for line in ranked[world.edu].lines) == ranked[world.edu].final
    book = load_workbook(io.BytesIO(exports.to_xlsx(run)))
    names = [row[1] for row in book["排名"].iter_rows(min_row=3, values_only=True)]
    assert names[0] == world.health.name
    from docx import Document

    text = "\n".join(c.text for t in Document(io.BytesIO(exports.to_docx(run))).tables for r in t.rows for c in r.cells)
    assert world.edu.name in text and "27.50" in text
    assert {"assessment.scheme_saved", "assessment.scheme_locked", "assessment.scored"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
