"""Issue 19 (first steps): the rules of the codebase's shape that a test can hold.

- The database refuses an application whose ``is_open`` disagrees with its state, or whose outcome
  is not one its reply type allows.
- The catalogue announces changes through ``catalogue.hooks``; search subscribes at start-up and
  indexes in the same transaction (a rolled-back change leaves the index as it was).
- Only ``orgs.policies`` reads memberships for a decision, and no ``assert`` guards remain
  (scripts/lint_rules.py, also run by `make lint`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from gongkai.applications import clock, services
from gongkai.applications.models import Application
from gongkai.catalogue import hooks
from gongkai.orgs import policies
from gongkai.search.indexing import index_documents
from gongkai.search.models import SearchEntry
from scripts.lint_rules import problems
from tests.conftest import World, draft, publish
from tests.test_applications import RECEIVED, TODAY, applicant


@pytest.fixture
def case(world: World, monkeypatch: pytest.MonkeyPatch) -> Application:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return services.submit_online(org=world.edu, applicant=applicant(), secret="my-secret", today=RECEIVED).application


@pytest.mark.parametrize(
    "change",
    [
        {"is_open": False},  # received, yet closed
        {"state": "replied"},  # replied, yet open
        {"reply_type": "WITHHOLD", "outcome": "GRANT"},  # an outcome the reply type does not allow
        {"reply_type": "WITHHOLD", "outcome": "D8"},  # 行政查询事项 has its own reply type now
        {"reply_type": "", "outcome": "N1"},  # an outcome without a reply
    ],
)
def test_the_database_refuses_a_case_that_contradicts_itself(case: Application, change: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=case.pk).update(**change)


def test_search_follows_the_catalogue_through_its_hook(world: World) -> None:
    assert index_documents in hooks._listeners  # subscribed by SearchConfig.ready
    doc = publish(world, draft(world, title="关于做好2026年秋季学期开学工作的通知"))
    assert SearchEntry.objects.filter(document_id=doc.pk).exists()
    other = draft(world, title="回滚的草稿")
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(world, other, on=dt.date(2026, 3, 10))
        assert SearchEntry.objects.filter(document_id=other.pk).exists()
        raise RuntimeError("roll back")
    assert not SearchEntry.objects.filter(document_id=other.pk).exists()


def test_who_is_reminded_is_decided_by_policies(world: World) -> None:
    for name in ("edu_clerk", "health_clerk", "edu_leader"):
        user = world.user(name)
        user.email = f"{name}@example.cn"
        user.save()
    reminded = policies.to_remind([world.edu.pk, world.health.pk], "application.handle")
    assert reminded == {world.edu.pk: ["edu_clerk@example.cn"], world.health.pk: ["health_clerk@example.cn"]}
    assert policies.org_held(world.user("edu_clerk"), "edu") == world.edu
    assert policies.org_held(world.user("edu_clerk"), "health") is None


def test_the_house_rules_hold() -> None:
    assert problems() == []


def test_every_step_of_the_table_has_its_label_in_the_history() -> None:
    """The history's labels of the staff steps come from the workflow table (one declaration), so a
    new step is never shown as its code."""
    from gongkai.applications import workflow
    from gongkai.core.audit import ACTION_LABELS

    for step in workflow.TRANSITIONS:
        assert ACTION_LABELS[f"application.{step.action}"], step.action
    assert ACTION_LABELS["application.ask_reasons"] == "要求说明理由"
    assert ACTION_LABELS["application.withdraw"] == "申请人撤回申请"
