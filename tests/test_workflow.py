import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from gongkai.catalogue import selectors
from gongkai.catalogue.models import Document, DocumentState, Validity
from gongkai.catalogue.services import document_transition, document_update
from gongkai.core.audit import history_for
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.orgs.services import org_update
from tests.conftest import draft, publish

pytestmark = pytest.mark.django_db


def step(world, doc, action, who, reason=""):
    return document_transition(actor=world.user(who), document=doc, action=action, reason=reason)


def test_full_path_to_published(world) -> None:
    doc = draft(world)
    assert doc.state == DocumentState.DRAFT and doc.index_number is None
    doc = step(world, doc, "submit", "edu_clerk")
    doc = step(world, doc, "review", "edu_reviewer")
    doc = step(world, doc, "approve", "edu_leader")
    doc = step(world, doc, "publish", "edu_clerk")
    assert doc.state == DocumentState.PUBLISHED
    assert doc.index_number == f"{world.edu.credit_code}/{doc.published_date.year}-00001"
    assert doc.publisher_name == "呼和浩特市教育局"
    actions = [e.action for e in history_for(doc)]
    assert actions == [
        "document.created",
        "document.submit",
        "document.review",
        "document.approve",
        "document.publish",
    ]
    assert doc in selectors.public_documents()


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("edu_clerk", "review"),  # a clerk cannot pass his own confidentiality review
        ("edu_leader", "reject"),  # at the review stage only the reviewer returns an item
        ("edu_leader", "review"),
        ("health_reviewer", "review"),  # another department's reviewer
        ("city_supervisor", "review"),
        ("city_admin", "review"),
    ],
)
def test_wrong_role_is_refused_and_nothing_changes(world, who: str, action: str) -> None:
    doc = step(world, draft(world), "submit", "edu_clerk")
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied) as err:
        step(world, doc, action, who)
    assert "没有" in err.value.message
    doc.refresh_from_db()
    assert doc.state == DocumentState.SUBMITTED
    assert AuditEvent.objects.count() == before


def test_reviewer_cannot_approve(world) -> None:
    doc = step(world, step(world, draft(world), "submit", "edu_clerk"), "review", "edu_reviewer")
    with pytest.raises(PermissionDenied):
        step(world, doc, "approve", "edu_reviewer")
    doc.refresh_from_db()
    assert doc.state == DocumentState.REVIEWED


@pytest.mark.parametrize("action", ["approve", "publish", "withdraw", "revoke", "submit", "fly"])
def test_illegal_step_is_refused_with_clear_message(world, action: str) -> None:
    doc = step(world, draft(world), "submit", "edu_clerk")
    with pytest.raises(IllegalTransition) as err:
        step(world, doc, action, "edu_leader")
    assert "待保密审查" in err.value.message and err.value.code == "illegal_transition"
    doc.refresh_from_db()
    assert doc.state == DocumentState.SUBMITTED


def test_rejection_needs_reason_and_returns_to_draft(world) -> None:
    doc = step(world, draft(world), "submit", "edu_clerk")
    with pytest.raises(ValidationFailed):
        step(world, doc, "reject", "edu_reviewer", reason="  ")
    doc = step(world, doc, "reject", "edu_reviewer", reason="含有学生个人信息")
    assert doc.state == DocumentState.DRAFT and doc.last_rejection_reason == "含有学生个人信息"
    doc = document_update(actor=world.user("edu_clerk"), document=doc, body="已删除个人信息。")
    doc = step(world, step(world, doc, "submit", "edu_clerk"), "review", "edu_reviewer")
    doc = step(world, doc, "reject", "edu_leader", reason="请补充政策解读")
    assert doc.state == DocumentState.DRAFT


def test_only_drafts_are_editable(world) -> None:
    doc = step(world, draft(world), "submit", "edu_clerk")
    with pytest.raises(IllegalTransition):
        document_update(actor=world.user("edu_clerk"), document=doc, title="改")


def test_revocation_keeps_item_public_and_marked(world) -> None:
    doc = publish(world, draft(world))
    doc = step(world, doc, "revoke", "edu_clerk", reason="被新文件替代")
    assert doc.state == DocumentState.PUBLISHED and doc.validity == Validity.REPEALED
    assert doc.repealed_date is not None
    assert doc in selectors.public_documents()
    with pytest.raises(IllegalTransition):
        step(world, doc, "revoke", "edu_leader", reason="again")


def test_withdrawal_removes_from_public_but_keeps_index_number(world) -> None:
    doc = publish(world, draft(world))
    number = doc.index_number
    with pytest.raises(PermissionDenied):
        step(world, doc, "withdraw", "edu_clerk", reason="错误")
    doc = step(world, doc, "withdraw", "edu_leader", reason="内容有误")
    assert doc.state == DocumentState.WITHDRAWN and doc.index_number == number
    assert doc not in selectors.public_documents()
    # The number is never reused: the next item gets the next serial.
    nxt = publish(world, draft(world, title="另一份"))
    assert nxt.index_number != number and nxt.index_number.endswith("-00002")


def test_index_numbers_unique_per_org_and_stable_on_rename(world) -> None:
    a = publish(world, draft(world), on=dt.date(2026, 4, 1))
    b = publish(world, draft(world, org=world.health, title="卫生"), on=dt.date(2026, 4, 1))
    assert a.index_number.endswith("/2026-00001") and b.index_number.endswith("/2026-00001")
    assert a.index_number != b.index_number
    org_update(actor=world.user("city_admin"), org=world.edu, name="呼和浩特市教育局（更名）")
    a.refresh_from_db()
    assert a.index_number.endswith("/2026-00001") and a.publisher_name == "呼和浩特市教育局"
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=b.pk).update(index_number=a.index_number)


def test_database_forbids_published_without_index_number(world) -> None:
    doc = draft(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(state=DocumentState.PUBLISHED)


def test_invalid_metadata_is_refused_with_field(world) -> None:
    with pytest.raises(ValidationFailed) as err:
        draft(world, title="   ")
    assert err.value.field == "title"
    with pytest.raises(ValidationFailed) as err:
        draft(world, validity=Validity.REPEALED)
    assert err.value.field == "repealed_date"
    assert Document.objects.count() == 0


def test_doc_number_is_parsed_on_save(world) -> None:
    doc = draft(world, doc_number="发文字号：呼教发[2026]7号")
    assert (doc.doc_number_code, doc.doc_number_year, doc.doc_number_serial) == ("呼教发", 2026, 7)
