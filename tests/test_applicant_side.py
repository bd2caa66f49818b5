"""Issue 18 §16: the applicant's side of a case. The timeline on the tracking page, withdrawal (撤回),
recovery of a lost secret through the contact given in the application, and the one-question
rating after the reply. Services directly, pages through Django's test client; the browser test is
``test_the_applicant_follows_withdraws_rates_and_recovers`` in test_browser.py."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from gongkai.applications import access, clock, selectors, services
from gongkai.applications.models import Application, LetterKind, Pause, State
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.portal.apply_views import SESSION_KEY
from tests.conftest import World
from tests.test_applications import RECEIVED, TODAY, applicant


@pytest.fixture
def case(world: World, monkeypatch: pytest.MonkeyPatch, settings: Any) -> Application:
    cache.clear()
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return services.submit_online(org=world.edu, applicant=applicant(), secret="my-secret", today=RECEIVED).application


def step(app: Application, actor: Any, action: str, on: dt.date, **params: Any) -> Application:
    return services.transition(actor=actor, application=app, action=action, on=on, **params)


def signed_in(client: Client, app: Application) -> Client:
    session = client.session
    session[SESSION_KEY] = [app.pk]
    session.save()
    return client


# --- withdrawal ----------------------------------------------------------------------------------


def test_withdrawal_closes_the_case_in_row_o3_with_a_letter(world: World, case: Application) -> None:
    app = step(case, world.user("edu_clerk"), "accept", dt.date(2026, 11, 3))
    step(app, world.user("edu_clerk"), "consult", dt.date(2026, 11, 4), party="某企业")
    app = services.applicant_withdraw(application=case, reason="已通过其他途径获得", today=dt.date(2026, 11, 9))
    assert (app.state, app.is_open, app.outcome, app.withdrawn_on) == (
        State.CLOSED,
        False,
        "O3",
        dt.date(2026, 11, 9),
    )
    assert app.replied_on == dt.date(2026, 11, 9)  # counted in the year it closed
    assert not app.pauses.filter(end__isnull=True).exists()  # the consultation ends with the case
    assert app.pauses.get(kind=Pause.Kind.THIRD_PARTY).end == dt.date(2026, 11, 9)
    letter = app.letters.get(kind=LetterKind.CLOSURE)
    assert "您于2026年11月9日撤回了上述政府信息公开申请。本机关对该申请终止处理。" in letter.body
    assert AuditEvent.objects.get(action="application.withdraw").reason == "已通过其他途径获得"
    with pytest.raises(IllegalTransition) as err:
        services.applicant_withdraw(application=app)
    assert err.value.code == "not_withdrawable"


def test_a_replied_case_cannot_be_withdrawn_and_staff_cannot_withdraw(world: World, case: Application) -> None:
    with pytest.raises(IllegalTransition) as err:
        step(case, world.user("edu_clerk"), "withdraw", dt.date(2026, 11, 4))
    assert err.value.code == "illegal_transition"  # the applicant's step is not a staff step
    app = step(case, world.user("edu_clerk"), "reply", dt.date(2026, 11, 10), reply_type="NOT_EXIST")
    with pytest.raises(IllegalTransition):
        services.applicant_withdraw(application=app)
    assert Application.objects.get(pk=app.pk).outcome == "U1"


# --- rating --------------------------------------------------------------------------------------


def test_the_applicant_rates_once_after_the_reply(world: World, case: Application) -> None:
    with pytest.raises(IllegalTransition) as err:
        services.applicant_rate(application=case, rating="satisfied")
    assert err.value.code == "not_replied"
    app = step(case, world.user("edu_clerk"), "reply", dt.date(2026, 11, 10), reply_type="NOT_EXIST")
    with pytest.raises(ValidationFailed) as verr:
        services.applicant_rate(application=app, rating="very")
    assert verr.value.code == "required"
    app = services.applicant_rate(application=app, rating="fairly", comment="答复及时，但理由可以更详细")
    assert (app.satisfaction, app.get_satisfaction_display()) == ("fairly", "基本满意")
    with pytest.raises(IllegalTransition) as err:
        services.applicant_rate(application=app, rating="satisfied")
    assert err.value.code == "already_rated"
    assert Application.objects.get(pk=app.pk).satisfaction == "fairly"


# --- timeline ------------------------------------------------------------------------------------


def test_the_timeline_shows_every_step_and_letter_and_the_applicants_own_correction(
    world: World, case: Application
) -> None:
    clerk = world.user("edu_clerk")
    app = step(case, clerk, "request_correction", dt.date(2026, 11, 3), items="请写明年份")
    app = services.applicant_submit_correction(application=app, text="2025年度", today=dt.date(2026, 11, 5))
    step(app, clerk, "consult", dt.date(2026, 11, 6), party="内蒙古某某科技有限公司")
    services.reveal_personal_data(actor=clerk, application=app, reason="电话联系")
    timeline = selectors.applicant_timeline(app)
    labels = [e.label for e in timeline]
    assert labels == [
        "收到申请",
        "出具《政府信息公开申请登记回执》",
        "告知补正",
        "出具《政府信息公开申请补正告知书》",
        "收到补正",
        "征求意见（期间不计入答复期限）",
    ]
    details = " ".join(e.detail for e in timeline)
    assert "补正内容：2025年度" in details and "需要补正的事项：请写明年份" in details
    assert "科技有限公司" not in details  # the third party is not named to the applicant
    assert not any("个人信息" in label for label in labels)  # staff reveals are internal


# --- a lost secret -------------------------------------------------------------------------------


# The reset mail is a job: it goes out when the request's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_a_lost_secret_is_reset_through_the_email_given(world: World, case: Application) -> None:
    mail.outbox.clear()
    access.request_secret_reset(case.tracking_code, "someone@else.example")
    assert mail.outbox == []  # no match: nothing sent, and the caller is told the same
    access.request_secret_reset(case.tracking_code.lower(), "WANG@example.com")
    (message,) = mail.outbox
    token = re.search(r"/apply/reset/([^/\s]+)/", message.body).group(1)
    with pytest.raises(ValidationFailed) as err:
        access.reset_with_token(token, "13800138000")  # the phone number is refused as a secret
    assert err.value.code == "weak_secret"
    access.reset_with_token(token, "a-new-secret-42")
    assert access.verify_applicant(case.tracking_code, "a-new-secret-42").pk == case.pk
    with pytest.raises(PermissionDenied):
        access.verify_applicant(case.tracking_code, "my-secret")
    with pytest.raises(ValidationFailed) as err:
        access.reset_with_token(token, "another-secret-43")  # the link works once
    assert err.value.code == "reset_link_used"
    with pytest.raises(ValidationFailed) as err:
        access.reset_with_token(token[:-2] + "xx", "another-secret-43")
    assert err.value.code == "reset_link_invalid"
    assert AuditEvent.objects.filter(action="application.secret_reset").count() == 1


def test_without_email_the_body_gives_a_reset_code_by_phone(world: World, case: Application, settings: Any) -> None:
    clerk = world.user("edu_clerk")
    with pytest.raises(PermissionDenied):
        access.issue_reset_code(actor=world.user("city_supervisor"), application=case)
    code = access.issue_reset_code(actor=clerk, application=case)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", code)
    stored = Application.objects.get(pk=case.pk)
    assert code not in stored.secret_reset_hash  # kept hashed
    with pytest.raises(PermissionDenied) as err:
        access.reset_with_code(case.tracking_code, "WRONGCOD", "a-new-secret-42")
    assert err.value.code == "bad_reset_code"
    app = access.reset_with_code(case.tracking_code, code.lower(), "a-new-secret-42")
    assert access.verify_applicant(app.tracking_code, "a-new-secret-42").pk == case.pk
    with pytest.raises(PermissionDenied):  # used once
        access.reset_with_code(case.tracking_code, code, "another-secret-43")


def test_an_expired_reset_code_and_repeated_wrong_codes_lock(world: World, case: Application, settings: Any) -> None:
    code = access.issue_reset_code(actor=world.user("edu_clerk"), application=case)
    Application.objects.filter(pk=case.pk).update(secret_reset_until=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(PermissionDenied):
        access.reset_with_code(case.tracking_code, code, "a-new-secret-42")
    settings.GONGKAI_TRACK_FAILURES_PER_CODE = 3
    for _ in range(3):
        with pytest.raises(PermissionDenied):
            access.reset_with_code(case.tracking_code, "WRONGCOD", "a-new-secret-42")
    assert Application.objects.get(pk=case.pk).track_locked_at is not None


# --- pages ---------------------------------------------------------------------------------------


# The reset mail is a job: it goes out when the request's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_the_recovery_page_answers_the_same_whether_or_not_the_contact_matches(
    world: World, case: Application, client: Client
) -> None:
    url = reverse("portal:apply_recover")
    mail.outbox.clear()
    wrong = client.post(url, {"by": "mail", "mail-tracking_code": case.tracking_code, "mail-email": "x@y.example"})
    right = client.post(url, {"by": "mail", "mail-tracking_code": case.tracking_code, "mail-email": case.email})
    assert wrong.status_code == right.status_code == 200
    assert wrong.context["mail_sent"] and right.context["mail_sent"]
    assert len(mail.outbox) == 1
    token = re.search(r"/apply/reset/([^/\s]+)/", mail.outbox[0].body).group(1)
    page = client.get(reverse("portal:apply_reset", args=[token]))
    assert page.status_code == 200 and case.tracking_code in page.content.decode()
    mismatch = client.post(reverse("portal:apply_reset", args=[token]), {"secret": "abcdef12", "secret2": "abcdef13"})
    assert mismatch.status_code == 400 and "两次输入的查询密码不一致" in mismatch.content.decode()
    done = client.post(
        reverse("portal:apply_reset", args=[token]), {"secret": "a-new-secret-42", "secret2": "a-new-secret-42"}
    )
    assert done.status_code == 302
    assert client.get(reverse("portal:apply_reset", args=[token])).status_code == 400  # used


def test_the_status_page_withdraws_and_rates(world: World, case: Application, client: Client) -> None:
    signed_in(client, case)
    page = client.get(reverse("portal:apply_status")).content.decode()
    assert 'id="timeline"' in page and "收到申请" in page and 'id="withdraw"' in page
    unconfirmed = client.post(reverse("portal:apply_withdraw"), {"reason": "不需要了"})
    assert unconfirmed.status_code == 400 and "请勾选确认" in unconfirmed.content.decode()
    assert Application.objects.get(pk=case.pk).is_open
    assert client.post(reverse("portal:apply_withdraw"), {"reason": "不需要了", "confirm": "on"}).status_code == 302
    page = client.get(reverse("portal:apply_status")).content.decode()
    assert "撤回申请" in page and "终止处理告知书" in page and 'id="withdraw"' not in page
    assert 'id="rating-form"' not in page  # a withdrawal is not a reply to rate


def test_the_status_page_rating(world: World, case: Application, client: Client) -> None:
    step(case, world.user("edu_clerk"), "reply", dt.date(2026, 11, 10), reply_type="NOT_EXIST")
    signed_in(client, case)
    assert 'id="rating-form"' in client.get(reverse("portal:apply_status")).content.decode()
    empty = client.post(reverse("portal:apply_rate"), {"comment": "x"})
    assert empty.status_code == 400 and "请选择满意、基本满意或不满意" in empty.content.decode()
    assert client.post(reverse("portal:apply_rate"), {"rating": "dissatisfied", "comment": "太慢"}).status_code == 302
    page = client.get(reverse("portal:apply_status")).content.decode()
    assert "您的评价：不满意（太慢）" in page and 'id="rating-form"' not in page
    staff = Client()
    staff.force_login(world.user("edu_clerk"))
    assert "申请人评价：不满意" in staff.get(reverse("workbench:application", args=[case.pk])).content.decode()


def test_the_workbench_shows_a_reset_code_once(world: World, case: Application, client: Client) -> None:
    client.force_login(world.user("edu_clerk"))
    page = client.post(reverse("workbench:application_reset_code", args=[case.pk]))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    code = page.context["reset_code"]
    assert code in page.content.decode()
    assert code not in client.get(reverse("workbench:application", args=[case.pk])).content.decode()
    supervisor = Client()
    supervisor.force_login(world.user("city_supervisor"))
    assert supervisor.post(reverse("workbench:application_reset_code", args=[case.pk])).status_code == 302
    assert Application.objects.get(pk=case.pk).secret_reset_hash  # only the clerk's code was kept
