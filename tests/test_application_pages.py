"""The pages of 依申请公开, through Django's test client: the public form with its abuse checks and
rate limits, tracking a case, correcting it; the staff inbox, masking, reveals and steps."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from gongkai.applications import clock, services
from gongkai.applications.models import Application, State
from gongkai.core.antiabuse import in_words
from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Role
from tests.conftest import make_org, make_user
from tests.test_applications import TODAY, applicant

DIGITS = "零一二三四五六七八九"


def from_words(text: str) -> int:
    if "十" not in text:
        return DIGITS.index(text)
    tens, _, ones = text.partition("十")
    return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(ones) if ones else 0)


def test_numbers_in_words_read_back() -> None:
    assert [in_words(n) for n in (7, 10, 13, 20, 49)] == ["七", "十", "十三", "二十", "四十九"]
    assert all(from_words(in_words(n)) == n for n in range(0, 100))


def solve(html: str) -> tuple[str, str]:
    question = re.search(r"验证问题：(\S+?)加(\S+?)等于多少", html)
    token = re.search(r'name="challenge_token" value="([^"]+)"', html)
    assert question and token
    return str(from_words(question.group(1)) + from_words(question.group(2))), token.group(1)


@pytest.fixture
def org(db: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    cache.clear()
    settings.GONGKAI_FORM_MIN_SECONDS = 0
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return make_org("呼和浩特市财政局", slug="czj")


def form_data(client: Client, org: Any, **over: Any) -> dict[str, Any]:
    page = client.get(reverse("portal:apply", args=[org.slug]))
    assert page.status_code == 200
    answer, token = solve(page.content.decode())
    data = {**applicant(), "secret": "my-secret", "secret2": "my-secret", "challenge_answer": answer}
    data["challenge_token"] = token
    data["website"] = ""
    data.update(over)
    return data


def test_apply_online_and_receive_the_code(client: Client, org: Any) -> None:
    response = client.post(reverse("portal:apply", args=[org.slug]), form_data(client, org))
    assert response.status_code == 302 and response["Location"] == reverse("portal:apply_done")
    app = Application.objects.get()
    done = client.get(response["Location"]).content.decode()
    assert app.tracking_code in done and "您的申请已完整保存" in done
    assert app.channel == "online" and app.received_on == TODAY


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"challenge_answer": "-1"}, "验证问题回答不正确"),
        ({"website": "http://spam.example"}, "提交未通过校验"),
        ({"challenge_token": "forged"}, "验证问题无效"),
        ({"secret2": "other-secret"}, "两次输入的查询密码不一致"),
        ({"id_number": "110105198001010010"}, "身份证号码校验位不正确"),
    ],
)
def test_bad_submissions_are_refused_in_plain_words_and_save_nothing(
    client: Client, org: Any, over: dict[str, str], message: str
) -> None:
    response = client.post(reverse("portal:apply", args=[org.slug]), form_data(client, org, **over))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists()


def test_a_form_posted_at_once_or_twice_is_refused(client: Client, org: Any, settings: Any) -> None:
    data = form_data(client, org)
    assert client.post(reverse("portal:apply", args=[org.slug]), data).status_code == 302
    again = client.post(reverse("portal:apply", args=[org.slug]), data)
    assert again.status_code == 400 and "已经提交过" in again.content.decode()
    settings.GONGKAI_FORM_MIN_SECONDS = 30
    fast = client.post(reverse("portal:apply", args=[org.slug]), form_data(client, org))
    assert fast.status_code == 400 and "提交过快" in fast.content.decode()
    assert Application.objects.count() == 1


def test_submissions_are_rate_limited_per_address(client: Client, org: Any, settings: Any) -> None:
    settings.GONGKAI_APPLY_RATE_PER_HOUR = 2
    url = reverse("portal:apply", args=[org.slug])
    assert client.post(url, form_data(client, org)).status_code == 302
    assert client.post(url, form_data(client, org)).status_code == 302
    third = client.post(url, form_data(client, org))
    assert third.status_code == 429 and "过于频繁" in third.content.decode()
    assert Application.objects.count() == 2
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(url, form_data(other, org)).status_code == 302


def test_track_correct_and_read_the_letters(client: Client, org: Any, settings: Any) -> None:
    clerk = make_user("clerk", org, Role.CLERK)
    app = services.submit_online(
        org=org, applicant=applicant(), secret="my-secret", today=dt.date(2026, 11, 2)
    ).application
    services.transition(
        actor=clerk, application=app, action="request_correction", on=dt.date(2026, 11, 3), items="请写明文号"
    )
    visitor = Client()
    assert visitor.get(reverse("portal:apply_status")).status_code == 302
    settings.GONGKAI_TRACK_FAILURES_PER_HOUR = 3
    for _ in range(3):
        wrong = visitor.post(reverse("portal:apply_track"), {"tracking_code": app.tracking_code, "secret": "guess"})
        assert wrong.status_code == 403 and "查询码或查询密码不正确" in wrong.content.decode()
    blocked = visitor.post(reverse("portal:apply_track"), {"tracking_code": app.tracking_code, "secret": "my-secret"})
    assert blocked.status_code == 429
    cache.clear()
    ok = visitor.post(reverse("portal:apply_track"), {"tracking_code": app.tracking_code, "secret": "my-secret"})
    assert ok.status_code == 302
    status = visitor.get(reverse("portal:apply_status")).content.decode()
    assert "待补正" in status and "请写明文号" in status and "补正告知书" in status
    corrected = visitor.post(reverse("portal:apply_correction"), {"text": "呼财发〔2025〕3号"})
    assert corrected.status_code == 302
    app.refresh_from_db()
    assert app.state == State.IN_REVIEW and app.correction_text == "呼财发〔2025〕3号"
    letter = app.letters.first()
    assert letter is not None
    docx = visitor.get(reverse("portal:apply_letter", args=[letter.pk, "docx"]))
    assert docx.status_code == 200 and docx["Content-Type"].endswith("document")
    # Another visitor, without the secret, cannot read it by guessing the number.
    assert Client().get(reverse("portal:apply_letter", args=[letter.pk, "docx"])).status_code == 404


def test_staff_pages_mask_reveal_and_handle(org: Any) -> None:
    clerk = make_user("clerk", org, Role.CLERK)
    stranger = make_user("stranger", make_org("呼和浩特市教育局"), Role.CLERK)
    app = services.submit_online(
        org=org, applicant=applicant(), secret="my-secret", today=dt.date(2026, 11, 2)
    ).application
    staff = Client()
    staff.force_login(clerk)
    inbox = staff.get(reverse("workbench:applications")).content.decode()
    assert app.tracking_code in inbox and "王**" in inbox and "王小明" not in inbox
    detail = staff.get(reverse("workbench:application", args=[app.pk])).content.decode()
    assert "王小明" not in detail and app.id_number not in detail and "110***" in detail
    shown = staff.post(reverse("workbench:application_reveal", args=[app.pk]), {"reason": "电话联系"})
    assert app.id_number in shown.content.decode() and shown["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="application.reveal", actor=clerk, reason="电话联系").count() == 1
    step = staff.post(
        reverse("workbench:application_act", args=[app.pk, "request_correction"]),
        {"items": "请写明文号", "period": "10", "on": "2026-11-03"},
        follow=True,
    )
    assert "已告知补正" in step.content.decode()
    app.refresh_from_db()
    assert app.state == State.CORRECTION_REQUESTED
    refused = staff.post(reverse("workbench:application_act", args=[app.pk, "archive"]), follow=True)
    assert "不能“归档”" in refused.content.decode()
    other = Client()
    other.force_login(stranger)
    assert other.get(reverse("workbench:application", args=[app.pk])).status_code == 404
    assert other.post(reverse("workbench:application_reveal", args=[app.pk])).status_code == 404


def test_staff_register_a_letter_received_by_post(org: Any) -> None:
    clerk = make_user("clerk", org, Role.CLERK)
    staff = Client()
    staff.force_login(clerk)
    data = {
        **applicant(),
        "org": org.pk,
        "channel": "mail_signed",
        "signed_for_on": "2026-11-04",
        "submitted_on": "2026-11-01",
    }
    response = staff.post(reverse("workbench:application_register"), data)
    assert response.status_code == 302
    app = Application.objects.get()
    assert app.received_on == dt.date(2026, 11, 4) and app.registered_by == clerk
    missing = staff.post(reverse("workbench:application_register"), {**data, "signed_for_on": ""})
    assert "签收日期" in missing.content.decode() and Application.objects.count() == 1


def test_administrators_edit_only_the_fill_in_regions_of_letters(org: Any) -> None:
    admin = make_user("admin", org, Role.ADMIN)
    staff = Client()
    staff.force_login(admin)
    page = staff.get(reverse("workbench:letter_templates"), {"org": org.slug, "kind": "reply"}).content.decode()
    assert "60日内依法申请行政复议" in page and 'name="region_contact"' in page and 'name="region_rights"' not in page
    saved = staff.post(
        reverse("workbench:letter_templates"),
        {"org": org.slug, "kind": "reply", "region_contact": "经办人：赵科长，电话{office_phone}。", "region_note": ""},
        follow=True,
    )
    assert "文书模板已保存" in saved.content.decode() and "经办人：赵科长" in saved.content.decode()
    bad = staff.post(
        reverse("workbench:letter_templates"),
        {"org": org.slug, "kind": "reply", "region_contact": "{secret}", "region_note": ""},
        follow=True,
    )
    assert "未知的占位符" in bad.content.decode()
    clerk = Client()
    clerk.force_login(make_user("clerk", org, Role.CLERK))
    assert clerk.get(reverse("workbench:letter_templates")).status_code == 302
