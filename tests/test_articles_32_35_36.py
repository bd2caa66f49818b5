"""Issue 18 §9–§11: the steps of Art. 35 (numerous or frequent requests), Art. 32 (disclosure over a
third party's objection) and Art. 36(7) (queries governed by their own law), each a recorded step
with its letter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications import clock, services
from gongkai.applications.models import Application, LetterKind, State, Timeliness
from gongkai.applications.outcomes import REPLY_TYPES
from gongkai.core.errors import IllegalTransition, ValidationFailed
from tests.conftest import World
from tests.test_applications import RECEIVED, TODAY, applicant


@pytest.fixture
def case(world: World, monkeypatch: pytest.MonkeyPatch) -> Application:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    app = services.submit_online(org=world.edu, applicant=applicant(), secret="my-secret", today=RECEIVED).application
    return services.transition(actor=world.user("edu_clerk"), application=app, action="accept", on=RECEIVED)


def step(app: Application, world: World, action: str, on: dt.date, **params: Any) -> Application:
    return services.transition(actor=world.user("edu_clerk"), application=app, action=action, on=on, **params)


def letter_text(app: Application, kind: str) -> str:
    return "\n".join(app.letters.filter(kind=kind).last().body)


# --- Art. 35 -------------------------------------------------------------------------------------


def test_art35_reasons_then_a_longer_reasonable_period_with_a_notice(world: World, case: Application) -> None:
    with pytest.raises(IllegalTransition) as err:
        step(case, world, "set_longer_period", dt.date(2026, 11, 4), until=dt.date(2027, 2, 1), reason="数量大")
    assert err.value.code == "not_asked"
    app = step(case, world, "ask_reasons", dt.date(2026, 11, 4), period=10)
    assert app.art35_asked_on == dt.date(2026, 11, 4) and app.art35_reasons_due == dt.date(2026, 11, 18)
    text = letter_text(app, LetterKind.ART35_REASONS)
    assert "第三十五条" in text and "请您于2026年11月18日前向本机关说明申请理由" in text
    app = step(app, world, "record_reasons", dt.date(2026, 11, 10), text="撰写学位论文需要历年数据")
    normal_due = app.due_date
    with pytest.raises(ValidationFailed) as verr:
        step(app, world, "set_longer_period", dt.date(2026, 11, 12), until=normal_due, reason="数量大")
    assert verr.value.code == "invalid_date"
    app = step(
        app, world, "set_longer_period", dt.date(2026, 11, 12), until=dt.date(2027, 1, 29), reason="所需信息共计412件。"
    )
    assert app.due_date == dt.date(2027, 1, 29) and app.due_explanation["kind"] == "art35"
    text = letter_text(app, LetterKind.ART35_DELAY)
    assert "因所需信息共计412件，无法在" in text  # the clerk's full stop does not break the sentence
    assert "确定延迟答复的合理期限至2027年1月29日" in text
    # A reply after the 20 working days but within the period set is recorded as such.
    app = step(app, world, "reply", dt.date(2026, 12, 30), reply_type="DISCLOSE", text="已邮寄。")
    assert app.timeliness == Timeliness.DELAYED and app.late_working_days == 0


def test_art35_no_handling_n4_only_after_asking_for_reasons(world: World, case: Application) -> None:
    with pytest.raises(ValidationFailed) as err:
        step(case, world, "reply", dt.date(2026, 11, 20), reply_type="NOT_HANDLED", outcome="N4", text="理由不合理")
    assert err.value.code == "not_asked"
    app = step(case, world, "ask_reasons", dt.date(2026, 11, 4))
    app = step(app, world, "reply", dt.date(2026, 11, 20), reply_type="NOT_HANDLED", outcome="N4", text="理由不合理。")
    assert app.outcome == "N4" and "第三十五条" in letter_text(app, LetterKind.REPLY)


def test_a_longer_period_cannot_be_set_after_the_deadline(world: World, case: Application) -> None:
    app = step(case, world, "ask_reasons", dt.date(2026, 11, 4))
    with pytest.raises(IllegalTransition) as err:
        step(app, world, "set_longer_period", dt.date(2026, 12, 10), until=dt.date(2027, 2, 1), reason="数量大")
    assert err.value.code == "already_overdue"


# --- Art. 32 -------------------------------------------------------------------------------------


def test_disclosure_over_a_third_partys_objection_is_recorded_and_notified(world: World, case: Application) -> None:
    app = step(case, world, "consult", dt.date(2026, 11, 4), party="内蒙古某建设有限公司", kind="third_party")
    consultation = letter_text(app, LetterKind.CONSULTATION)
    assert "第三十二条" in consultation and "第三十四条" not in consultation and "（或" not in consultation
    with pytest.raises(IllegalTransition):
        step(app, world, "disclose_over_objection", dt.date(2026, 11, 5), content="x", reason="y")
    app = step(app, world, "end_consultation", dt.date(2026, 11, 10), opinion="涉及商业秘密，不同意公开", objected=True)
    with pytest.raises(IllegalTransition) as err:  # a consultation that is over cannot be ended again
        step(app, world, "end_consultation", dt.date(2026, 11, 11))
    assert err.value.code == "illegal_transition"
    with pytest.raises(ValidationFailed) as verr:
        step(app, world, "disclose_over_objection", dt.date(2026, 11, 12), reason="涉及公共安全")
    assert verr.value.code == "required"
    app = step(
        app,
        world,
        "disclose_over_objection",
        dt.date(2026, 11, 12),
        content="该项目的消防验收结论",
        reason="项目为学校教学楼，消防验收结论关系师生生命安全，不公开可能对公共利益造成重大影响。",
    )
    pause = app.pauses.get()
    assert pause.objected and pause.disclosed_over_objection_on == dt.date(2026, 11, 12)
    notice = app.letters.filter(kind=LetterKind.THIRD_PARTY_DECISION).get()
    assert not notice.to_applicant and notice.recipient == "内蒙古某建设有限公司"
    text = "\n".join(notice.body)
    assert "决定公开的内容：该项目的消防验收结论" in text and "第三十二条" in text and "公共利益" in text
    with pytest.raises(IllegalTransition):  # decided once
        step(app, world, "disclose_over_objection", dt.date(2026, 11, 13), content="x", reason="y")


def test_an_agency_consultation_cites_article_34(world: World, case: Application) -> None:
    app = step(case, world, "consult", dt.date(2026, 11, 4), party="呼和浩特市财政局", kind="agency")
    text = letter_text(app, LetterKind.CONSULTATION)
    assert "第三十四条" in text and "视为同意公开" in text and "第三十二条" not in text


# --- Art. 36(7) ----------------------------------------------------------------------------------


def test_a_query_governed_by_its_own_law_names_the_law_and_where_to_apply(world: World, case: Application) -> None:
    assert REPLY_TYPES["QUERY_PROCEDURE"][1] == ("D8",)
    assert "D8" not in REPLY_TYPES["WITHHOLD"][1]
    with pytest.raises(ValidationFailed) as err:
        step(case, world, "reply", dt.date(2026, 11, 20), reply_type="QUERY_PROCEDURE")
    assert err.value.code == "query_law_required"
    with pytest.raises(ValidationFailed) as err:
        step(
            case,
            world,
            "reply",
            dt.date(2026, 11, 20),
            reply_type="QUERY_PROCEDURE",
            query_law="《不动产登记暂行条例》",
        )
    assert err.value.code == "query_where_required"
    app = step(
        case,
        world,
        "reply",
        dt.date(2026, 11, 20),
        reply_type="QUERY_PROCEDURE",
        query_law="《不动产登记暂行条例》及其实施细则",
        query_where="呼和浩特市不动产登记中心（新华大街1号）。",
    )
    assert (app.outcome, app.outcome_basis) == ("D8", "第三十六条第（七）项")
    text = letter_text(app, LetterKind.REPLY)
    assert (
        "请您依照《不动产登记暂行条例》及其实施细则的规定，向呼和浩特市不动产登记中心（新华大街1号）申请查询。" in text
    )
    assert "不予公开" not in text  # not a bare refusal, though it counts in row D8 of 不予公开


# --- pages ---------------------------------------------------------------------------------------


def test_the_new_steps_on_the_workbench(world: World, case: Application, client: Client) -> None:
    client.force_login(world.user("edu_clerk"))
    detail = reverse("workbench:application", args=[case.pk])
    html = client.get(detail).content.decode()
    assert "要求说明理由" in html and "确定延迟答复的合理期限" not in html
    act = lambda a: reverse("workbench:application_act", args=[case.pk, a])  # noqa: E731
    client.post(act("ask_reasons"), {"period": "10", "on": "2026-11-04"})
    html = client.get(detail).content.decode()
    assert 'id="art35-state"' in html and "确定延迟答复的合理期限" in html
    bad = client.post(act("set_longer_period"), {"until": "not-a-date", "reason": "数量大"}, follow=True)
    assert "请填写延迟答复的期限" in bad.content.decode()
    client.post(act("set_longer_period"), {"until": "2027-01-29", "reason": "数量大", "on": "2026-11-12"})
    assert Application.objects.get(pk=case.pk).due_date == dt.date(2027, 1, 29)
    assert Application.objects.get(pk=case.pk).state == State.IN_REVIEW
