"""Issue 18 §17 (Art. 44): information disclosed on application becomes a catalogue draft, linked
both ways, and the conversions are counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications import clock, proactive, selectors, services
from gongkai.applications.models import Application
from gongkai.catalogue.models import DocumentState
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from tests.conftest import World
from tests.test_applications import RECEIVED, TODAY, applicant


@pytest.fixture
def replied(world: World, monkeypatch: pytest.MonkeyPatch) -> Application:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    app = services.submit_online(org=world.edu, applicant=applicant(), secret="my-secret", today=RECEIVED).application
    return services.transition(
        actor=world.user("edu_clerk"),
        application=app,
        action="reply",
        on=dt.date(2026, 11, 20),
        reply_type="DISCLOSE",
        text="已通过电子邮件发送。",
    )


def convert(world: World, app: Application, who: str = "edu_clerk", **over: Any) -> Any:
    values = {"basis": "multiple", "title": "2025年度部门预算及其说明", "topic": "T1102", "today": TODAY}
    values.update(over)
    return proactive.convert(actor=world.user(who), application=app, **values)


def test_a_disclosed_reply_becomes_a_catalogue_draft_linked_both_ways(world: World, replied: Application) -> None:
    doc = convert(world, replied, summary="多名申请人申请")
    replied.refresh_from_db()
    assert doc.state == DocumentState.DRAFT and doc.org == world.edu and doc.formed_date == TODAY
    assert "第四十四条" in doc.body
    assert replied.proactive_document == doc and replied.proactive_basis == "multiple"
    assert list(doc.from_applications.all()) == [replied]
    assert selectors.proactive_conversions(world.edu, TODAY.year) == 1
    assert selectors.proactive_conversions(world.health, TODAY.year) == 0
    assert AuditEvent.objects.filter(action="application.made_proactive").count() == 1
    with pytest.raises(IllegalTransition) as err:
        convert(world, replied)
    assert err.value.code == "already_converted"


def test_only_disclosed_information_and_only_the_handling_body(world: World, replied: Application) -> None:
    with pytest.raises(PermissionDenied):
        convert(world, replied, who="health_clerk")
    with pytest.raises(ValidationFailed) as err:
        convert(world, replied, basis="whim")
    assert err.value.code == "required"
    with pytest.raises(ValidationFailed) as err:
        convert(world, replied, topic="T9999")
    assert err.value.code == "required"
    refused = services.submit_online(
        org=world.edu, applicant=applicant(), secret="my-secret", today=RECEIVED
    ).application
    refused = services.transition(
        actor=world.user("edu_clerk"),
        application=refused,
        action="reply",
        on=dt.date(2026, 11, 20),
        reply_type="NOT_EXIST",
    )
    with pytest.raises(IllegalTransition) as ierr:
        convert(world, refused)
    assert ierr.value.code == "not_disclosed"
    assert not Application.objects.filter(proactive_document__isnull=False).exists()


def test_the_workbench_converts_and_shows_the_link(world: World, replied: Application, client: Client) -> None:
    client.force_login(world.user("edu_clerk"))
    detail = client.get(reverse("workbench:application", args=[replied.pk])).content.decode()
    assert 'id="make-proactive"' in detail
    bad = client.post(reverse("workbench:application_proactive", args=[replied.pk]), {"title": "x"}, follow=True)
    assert "请选择转为主动公开的依据" in bad.content.decode()
    done = client.post(
        reverse("workbench:application_proactive", args=[replied.pk]),
        {"basis": "suggested", "title": "2025年度部门预算", "topic": "T1102"},
        follow=True,
    )
    page = done.content.decode()
    assert "来源：依申请公开" in page and replied.tracking_code in page
    inbox = client.get(reverse("workbench:applications")).content.decode()
    assert 'id="conversions">1<' in inbox
