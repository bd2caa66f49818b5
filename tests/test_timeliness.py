"""第二十六条: publish within 20 working days of formation or change."""

import datetime as dt

import pytest

from gongkai.catalogue import selectors
from tests.conftest import draft, publish

pytestmark = pytest.mark.django_db


def test_due_date_is_stored_with_explanation(world) -> None:
    doc = draft(world, formed_date=dt.date(2026, 9, 25))
    assert doc.publish_due == dt.date(2026, 10, 29)
    assert doc.publish_due_explanation["working_days"] == 20
    assert doc.publish_due_explanation["makeup_days_crossed"] == [["2026-10-10", "国庆节调休"]]


def test_publication_after_twenty_working_days_is_flagged(world) -> None:
    on_time = publish(world, draft(world, formed_date=dt.date(2026, 3, 2)), on=dt.date(2026, 3, 30))
    late = publish(world, draft(world, formed_date=dt.date(2026, 3, 2), title="迟"), on=dt.date(2026, 3, 31))
    assert on_time.publish_due == dt.date(2026, 3, 30)
    assert not on_time.published_late and late.published_late


def test_law_may_set_another_period(world) -> None:
    doc = draft(world, formed_date=dt.date(2026, 3, 2), disclosure_period_days=5)
    assert doc.publish_due == dt.date(2026, 3, 9)


def test_at_risk_list_soonest_first_and_scoped(world) -> None:
    today = dt.date(2026, 6, 15)  # Monday
    overdue = draft(world, formed_date=dt.date(2026, 5, 1), title="逾期")
    soon = draft(world, formed_date=dt.date(2026, 5, 18), title="将到期")
    draft(world, formed_date=dt.date(2026, 6, 12), title="还早")
    draft(world, org=world.health, formed_date=dt.date(2026, 5, 1), title="别的部门")
    published = publish(world, draft(world, formed_date=dt.date(2026, 5, 1), title="已发布"))
    rows = selectors.at_risk_documents(world.user("edu_clerk"), today=today)
    assert [r.document for r in rows] == [overdue, soon]
    assert rows[0].overdue and not rows[1].overdue
    assert published not in [r.document for r in rows]
    supervisor_rows = selectors.at_risk_documents(world.user("city_supervisor"), today=today)
    assert len(supervisor_rows) == 3
