"""Issue 21 §11: every document a body issues is registered with its 公开属性 (Art. 14–17); the share
made public and the reasons for the rest are counted; Art. 44 switches a 依申请公开 document to 主动公开."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.catalogue import register
from gongkai.catalogue.models import DocumentState, IssuedDocument
from gongkai.catalogue.selectors import attribute_figures
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from tests.conftest import World, draft, publish

pytestmark = pytest.mark.django_db


def test_the_reviewer_registers_documents_and_the_rate_is_counted(world: World) -> None:
    reviewer, today = world.user("edu_reviewer"), timezone.localdate()
    item = publish(world, draft(world, title="关于做好招生工作的通知"))
    register.issued_register(
        actor=reviewer,
        org=world.edu,
        title=item.title,
        doc_number="呼教发〔2026〕7号",
        written_date=today,
        attribute="proactive",
        item=item.index_number,
    )
    register.issued_register(
        actor=reviewer,
        org=world.edu,
        title="调整内设机构人员的通知",
        written_date=today,
        attribute="withheld",
        reason="internal",
    )
    register.issued_register(
        actor=reviewer,
        org=world.edu,
        title="会议纪要",
        written_date=today,
        attribute="withheld",
        reason="process",
        note="讨论记录",
    )
    register.issued_register(
        actor=reviewer, org=world.edu, title="方案", written_date=today, attribute="on_application"
    )
    f = attribute_figures([world.edu.pk], today.year)[world.edu.pk]
    assert (f.total, f.proactive, f.on_application, f.withheld, f.unpublished) == (4, 1, 1, 2, 0)
    assert str(f.rate) == "25.0"
    assert f.reasons == {"内部事务信息（第十六条第一款）": 1, "过程性信息（第十六条第二款）": 1}
    assert attribute_figures([world.edu.pk], today.year - 1)[world.edu.pk].rate is None
    assert AuditEvent.objects.filter(action="issued_document.registered").count() == 4


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"attribute": "withheld"}, "required"),  # 不予公开 names its reason
        ({"attribute": "withheld", "reason": "whim"}, "required"),
        ({"attribute": "secret"}, "invalid_choice"),
        ({"title": "  "}, "required"),
        ({"title": "通知\x07"}, "invalid_characters"),
        ({"written_date": "2999-01-01"}, "invalid_date"),
        ({"written_date": "昨天"}, "invalid_date"),
        ({"doc_number": "呼教发〔2026〕1号"}, "duplicate_number"),
        ({"attribute": "on_application", "item": "1"}, "not_proactive"),
        ({"item": "000000000/2000-00000"}, "invalid_item"),
    ],
)
def test_a_registration_that_breaks_a_rule_is_refused_and_saves_nothing(world: World, change: dict, code: str) -> None:
    reviewer = world.user("edu_reviewer")
    register.issued_register(
        actor=reviewer,
        org=world.edu,
        title="先登记的",
        doc_number="呼教发〔2026〕1号",
        written_date=timezone.localdate(),
        attribute="proactive",
    )
    if change.get("item") == "1":
        change = {**change, "item": str(draft(world).pk)}
    fields = {"title": "通知", "written_date": timezone.localdate(), "attribute": "proactive", **change}
    with pytest.raises(ValidationFailed) as err:
        register.issued_register(actor=reviewer, org=world.edu, **fields)
    assert err.value.code == code
    assert IssuedDocument.objects.count() == 1


def test_only_the_reviewer_decides_and_another_body_is_out_of_reach(world: World) -> None:
    for who in ("edu_clerk", "edu_leader", "city_supervisor", "health_reviewer"):
        with pytest.raises(PermissionDenied):
            register.issued_register(
                actor=world.user(who),
                org=world.edu,
                title="通知",
                written_date=timezone.localdate(),
                attribute="proactive",
            )


def test_article_44_switches_an_on_application_document_in_one_step(world: World) -> None:
    reviewer, clerk, today = world.user("edu_reviewer"), world.user("edu_clerk"), timezone.localdate()
    record = register.issued_register(
        actor=reviewer,
        org=world.edu,
        title="学校布局调整方案",
        doc_number="呼教发〔2026〕9号",
        written_date=today - dt.timedelta(days=5),
        attribute="on_application",
    )
    with pytest.raises(ValidationFailed):  # the basis is said
        register.issued_make_proactive(actor=clerk, record=record, topic="T1102", basis="")
    with pytest.raises(PermissionDenied):
        register.issued_make_proactive(actor=world.user("health_clerk"), record=record, topic="T1102", basis="申请")
    doc = register.issued_make_proactive(actor=clerk, record=record, topic="T1102", basis="三人申请同一信息")
    record.refresh_from_db()
    assert (record.attribute, record.switched_from, record.switched_on, record.item) == (
        "proactive",
        "on_application",
        today,
        doc,
    )
    assert (doc.state, doc.title, doc.doc_number, doc.formed_date) == (
        DocumentState.DRAFT,
        "学校布局调整方案",
        "呼教发〔2026〕9号",
        today,
    )
    assert "第四十四条" in doc.body
    f = attribute_figures([world.edu.pk], record.written_date.year)[world.edu.pk]
    assert (f.proactive, f.switched, f.unpublished, f.on_application) == (1, 1, 1, 0)
    with pytest.raises(IllegalTransition):
        register.issued_make_proactive(actor=clerk, record=record, topic="T1102", basis="再次")
    publish(world, doc)
    assert attribute_figures([world.edu.pk], record.written_date.year)[world.edu.pk].unpublished == 0
    assert AuditEvent.objects.filter(action="issued_document.made_proactive").count() == 1


def test_a_proactive_document_is_linked_later_to_the_item_that_publishes_it(world: World) -> None:
    reviewer, clerk = world.user("edu_reviewer"), world.user("edu_clerk")
    record = register.issued_register(
        actor=reviewer, org=world.edu, title="通知", written_date=timezone.localdate(), attribute="proactive"
    )
    other = publish(world, draft(world, org=world.health))
    with pytest.raises(ValidationFailed):  # another body's item
        register.issued_link(actor=clerk, record=record, item=other.index_number)
    item = publish(world, draft(world))
    register.issued_link(actor=clerk, record=record, item=item.index_number)
    record.refresh_from_db()
    assert record.item == item


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["proactive", "on_application", "internal", "process", "privacy"]), max_size=12))
def test_the_attributes_always_add_up_to_the_documents_registered(world: World, kinds: list[str]) -> None:
    """The identity the report relies on: 主动 + 依申请 + 不予公开 = 登记; the reasons add up to 不予公开;
    the rate is 主动公开 over all, to one decimal."""
    IssuedDocument.objects.all().delete()
    reviewer, today = world.user("edu_reviewer"), timezone.localdate()
    for kind in kinds:
        attribute = kind if kind in ("proactive", "on_application") else "withheld"
        register.issued_register(
            actor=reviewer,
            org=world.edu,
            title="公文",
            written_date=today,
            attribute=attribute,
            reason="" if attribute != "withheld" else kind,
        )
    f = attribute_figures([world.edu.pk], today.year)[world.edu.pk]
    assert f.total == len(kinds) == f.proactive + f.on_application + f.withheld
    assert sum(f.reasons.values()) == f.withheld
    if kinds:
        assert f.rate is not None and abs(float(f.rate) - 100 * f.proactive / f.total) <= 0.05
    else:
        assert f.rate is None


def test_the_page_shows_the_rate_to_a_supervisor_and_no_forms(world: World) -> None:
    register.issued_register(
        actor=world.user("edu_reviewer"),
        org=world.edu,
        title="通知",
        written_date=timezone.localdate(),
        attribute="proactive",
    )
    client = Client()
    client.force_login(world.user("city_supervisor"))
    page = client.get("/workbench/issued/").content.decode()
    assert "100.0%" in page.split('id="attribute-figures"', 1)[1] and 'id="issued-form"' not in page
    client.force_login(world.user("edu_reviewer"))
    assert client.get("/workbench/issued/?year=abc").status_code == 200
    response = client.post("/workbench/issued/register/", {"issued-org": world.edu.pk, "issued-title": ""})
    assert response.status_code == 302 and IssuedDocument.objects.count() == 1
