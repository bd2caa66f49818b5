"""Issue 21 §6: 政民互动 — the public message box of a body. The public writes in (with the checks
of the application form), gets a tracking code, reads the reply; the body answers within the limit
it set; a reply is published with the question, edited, only with the writer's consent; a message
that is a request for information becomes an application in one step; the writer stays masked to
staff lists and every reveal is logged; supervisors see counts, not messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from gongkai.applications.access import verify_applicant
from gongkai.calendars.services import WorkingCalendar
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.interaction import selectors, services
from gongkai.interaction.models import Message, MessageBox
from tests.conftest import World
from tests.test_application_pages import solve

pytestmark = pytest.mark.django_db
WRITER = {"writer_name": "赵丽华", "phone": "13912345678", "email": "zhao@example.com"}


@pytest.fixture
def box(world: World, settings: Any) -> MessageBox:
    cache.clear()
    settings.GONGKAI_FORM_MIN_SECONDS = 0
    return services.box_configure(
        actor=world.user("city_admin"), org=world.edu, channel="leader", enabled=True, reply_working_days=10
    )


def write(box: MessageBox, consent: bool = True, **over: Any) -> Message:
    writer = {
        **WRITER,
        "subject": "学校周边交通拥堵",
        "body": "我是赵丽华，电话13912345678。第十中学门口早高峰拥堵，能否设置临时停车点？",
        **over,
    }
    return services.message_submit(box=box, writer=writer, secret="zhao-secret-1", consent=consent)


def test_only_an_administrator_switches_channels_on(world: World, box: MessageBox) -> None:
    with pytest.raises(PermissionDenied):
        services.box_configure(
            actor=world.user("edu_leader"), org=world.edu, channel="consult", enabled=True, reply_working_days=5
        )
    with pytest.raises(ValidationFailed):
        services.box_configure(
            actor=world.user("city_admin"), org=world.edu, channel="consult", enabled=True, reply_working_days=0
        )
    assert [b.channel for b in selectors.open_boxes(world.edu)] == ["leader"]
    services.box_configure(
        actor=world.user("city_admin"), org=world.edu, channel="leader", enabled=False, reply_working_days=10
    )
    assert selectors.open_boxes(world.edu) == []
    with pytest.raises(IllegalTransition):
        write(MessageBox.objects.get(org=world.edu, channel="leader"))
    assert AuditEvent.objects.filter(action="message.box_configured").count() == 2


def test_a_message_is_due_within_the_bodys_working_day_limit(world: World, box: MessageBox) -> None:
    message = write(box)
    today = timezone.localdate()
    assert message.received_on == today
    assert message.due_date == WorkingCalendar(world.edu).add_working_days(today, 10).due
    assert message.tracking_code.startswith(f"M{today.year}-") and message.secret_hash != "zhao-secret-1"
    event = AuditEvent.objects.get(action="message.received")
    assert "赵丽华" not in str(event.after) and "13912345678" not in str(event.after)
    assert services.verify_writer(message.tracking_code.lower(), "zhao-secret-1") == message
    with pytest.raises(PermissionDenied):
        services.verify_writer(message.tracking_code, "wrong-secret")
    for over, field in (({"phone": "12"}, "phone"), ({"subject": ""}, "subject"), ({"body": "x\u202ey"}, "body")):
        with pytest.raises(ValidationFailed) as err:
            write(box, **over)
        assert err.value.field == field
    with pytest.raises(ValidationFailed) as err:
        services.message_submit(
            box=box, writer={**WRITER, "subject": "s", "body": "b"}, secret="13912345678", consent=False
        )
    assert err.value.field == "secret"


def test_reply_publish_with_consent_and_the_public_reads_it(world: World, box: MessageBox) -> None:
    message = write(box)
    clerk = world.user("edu_clerk")
    with pytest.raises(PermissionDenied):
        services.message_transition(actor=world.user("health_clerk"), message=message, action="reply", reply="x")
    with pytest.raises(IllegalTransition):
        services.message_transition(actor=clerk, message=message, action="publish", question="q", answer="a")
    message = services.message_transition(
        actor=clerk, message=message, action="reply", reply="已协调交警部门在校门东侧设置临时停车点。"
    )
    assert message.state == "replied" and message.replied_by == clerk
    message = services.message_transition(
        actor=clerk,
        message=message,
        action="publish",
        question="第十中学门口早高峰拥堵，能否设置临时停车点？",
        answer="已协调交警部门在校门东侧设置临时停车点。",
    )
    assert message.published and message.published_on == timezone.localdate()
    client = Client()
    listing = client.get("/xxgk/edu/hudong/?q=停车点").content.decode()
    assert "学校周边交通拥堵" in listing and "赵丽华" not in listing
    assert "没有找到" in client.get("/xxgk/edu/hudong/?q=供暖").content.decode()
    page = client.get(f"/xxgk/edu/hudong/{message.pk}/").content.decode()
    assert "临时停车点" in page and "13912345678" not in page and "赵丽华" not in page
    # Without consent a reply is never published.
    private = write(box, consent=False)
    private = services.message_transition(actor=clerk, message=private, action="reply", reply="已转有关部门。")
    with pytest.raises(IllegalTransition) as err:
        services.message_transition(actor=clerk, message=private, action="publish", question="q", answer="a")
    assert err.value.code == "no_consent"
    assert client.get(f"/xxgk/edu/hudong/{private.pk}/").status_code == 404
    # Taken down with a reason, it leaves the portal.
    services.message_transition(actor=world.user("edu_leader"), message=message, action="unpublish", reason="含有误")
    assert client.get(f"/xxgk/edu/hudong/{message.pk}/").status_code == 404


def test_a_request_for_information_becomes_an_application_in_one_step(world: World, box: MessageBox) -> None:
    message = write(box, subject="申请公开学校建设资金", body="请公开第十中学改扩建工程的资金使用明细。")
    message = services.message_transition(
        actor=world.user("edu_clerk"),
        message=message,
        action="convert",
        applicant_type="NAT",
        id_number="11010519491231002X",
        description="第十中学改扩建工程的资金使用明细",
    )
    app = message.application
    assert message.state == "converted" and app.org == world.edu and app.applicant_name == "赵丽华"
    assert app.received_on == timezone.localdate() and app.description == "第十中学改扩建工程的资金使用明细"
    # The writer follows the application with the password chosen for the message.
    assert verify_applicant(app.tracking_code, "zhao-secret-1") == app


def test_staff_see_the_writer_masked_and_every_reveal_is_logged(world: World, box: MessageBox) -> None:
    message = write(box)
    (row,) = selectors.inbox(world.user("edu_clerk"))
    assert row.writer == "赵**" and "1234" not in row.phone
    assert selectors.inbox(world.user("city_supervisor")) == []  # a supervisor sees counts only
    assert selectors.inbox(world.user("health_clerk")) == []
    with pytest.raises(PermissionDenied):
        services.message_reveal(actor=world.user("city_supervisor"), message=message)
    revealed = services.message_reveal(actor=world.user("edu_reviewer"), message=message)
    assert revealed["phone"] == "13912345678"
    assert AuditEvent.objects.filter(action="message.reveal", object_id=str(message.pk)).count() == 1
    client = Client()
    client.force_login(world.user("edu_clerk"))
    page = client.get(f"/workbench/messages/{message.pk}/").content.decode()
    writer_cell = page.split('id="writer">', 1)[1].split("</td>", 1)[0]
    assert "13912345678" not in writer_cell and "赵**" in writer_cell
    shown = client.post(f"/workbench/messages/{message.pk}/reveal/").content.decode()
    assert "13912345678" in shown.split('id="writer">', 1)[1].split("</td>", 1)[0]
    assert Client().get(f"/workbench/messages/{message.pk}/").status_code == 302  # signed out
    other = Client()
    other.force_login(world.user("health_clerk"))
    assert other.get(f"/workbench/messages/{message.pk}/").status_code == 404


def test_counts_reply_timeliness(world: World, box: MessageBox) -> None:
    on_time = write(box)
    services.message_transition(actor=world.user("edu_clerk"), message=on_time, action="reply", reply="答复")
    late = write(box)
    Message.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    late.refresh_from_db()
    services.message_transition(actor=world.user("edu_clerk"), message=late, action="reply", reply="答复")
    waiting = write(box)
    Message.objects.filter(pk=waiting.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    figures = selectors.counts([world.edu.pk, world.health.pk], timezone.localdate().year, timezone.localdate())
    edu = figures[world.edu.pk]
    assert (edu.received, edu.replied, edu.replied_on_time, edu.open_overdue) == (3, 2, 1, 1)
    assert edu.on_time_share == 0.5 and figures[world.health.pk].received == 0


def test_the_portal_form_checks_like_the_application_form(world: World, box: MessageBox) -> None:
    client = Client()
    url = "/xxgk/edu/hudong/write/leader/"
    assert client.get("/xxgk/edu/hudong/write/complain/").status_code == 404  # not switched on
    assert client.get("/xxgk/edu/hudong/write/nonsense/").status_code == 404
    page = client.get(url).content.decode()
    answer, token = solve(page)
    data = {
        **WRITER,
        "subject": "食堂价格",
        "body": "学校食堂价格偏高。",
        "consent": "on",
        "secret": "zhao-secret-1",
        "secret2": "zhao-secret-1",
        "challenge_answer": answer,
        "challenge_token": token,
        "website": "",
    }
    wrong = client.post(url, {**data, "challenge_answer": str(int(answer) + 1)})
    assert wrong.status_code == 400 and not Message.objects.exists()
    answer, token = solve(client.get(url).content.decode())
    bot = client.post(url, {**data, "challenge_answer": answer, "challenge_token": token, "website": "spam"})
    assert bot.status_code == 400 and not Message.objects.exists()
    answer, token = solve(client.get(url).content.decode())
    done = client.post(url, {**data, "challenge_answer": answer, "challenge_token": token})
    assert done.status_code == 302
    message = Message.objects.get()
    assert message.consent_to_publish and message.tracking_code in client.get(done["Location"]).content.decode()
    reused = client.post(url, {**data, "challenge_answer": answer, "challenge_token": token})
    assert reused.status_code == 400 and Message.objects.count() == 1
    # Following it: a wrong password is refused, the right one shows the message.
    assert (
        Client().post("/hudong/track/", {"tracking_code": message.tracking_code, "secret": "nope-nope"}).status_code
        == 403
    )
    reader = Client()
    shown = reader.post("/hudong/track/", {"tracking_code": message.tracking_code, "secret": "zhao-secret-1"})
    assert shown.status_code == 302
    assert "学校食堂价格偏高" in reader.get(shown["Location"]).content.decode()


def test_a_supervisor_sees_the_counts_of_the_bodies_below(world: World, box: MessageBox) -> None:
    message = write(box)
    services.message_transition(actor=world.user("edu_clerk"), message=message, action="reply", reply="答复")
    client = Client()
    client.force_login(world.user("city_supervisor"))
    page = client.get("/workbench/messages/").content.decode()
    figures = page.split('id="message-figures"', 1)[1]
    assert "呼和浩特市教育局" in figures and "100%" in figures
    assert message.tracking_code not in page and "学校周边交通拥堵" not in page


def test_the_admin_shows_no_writer_and_changes_channels_through_the_service(world: World, box: MessageBox) -> None:
    from django.contrib.auth import get_user_model

    message = write(box)
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("ops", password="pw-for-tests-ops"))
    listing = client.get("/admin/interaction/message/").content.decode()
    assert message.tracking_code in listing and "赵丽华" not in listing
    page = client.get(f"/admin/interaction/message/{message.pk}/change/").content.decode()
    assert "赵丽华" not in page and "13912345678" not in page and "停车点" not in page
    form = client.get(f"/admin/interaction/messagebox/{box.pk}/change/")
    assert form.status_code == 200
    client.post(
        f"/admin/interaction/messagebox/{box.pk}/change/", {"enabled": "", "reply_working_days": "7", "intro": ""}
    )
    box.refresh_from_db()
    assert (box.enabled, box.reply_working_days) == (False, 7)
    assert AuditEvent.objects.filter(action="message.box_configured").count() == 2


def test_the_api_gives_the_published_questions_and_answers_only(world: World, box: MessageBox) -> None:
    message = write(box)
    services.message_transition(actor=world.user("edu_clerk"), message=message, action="reply", reply="已设置停车点。")
    write(box)  # not replied, not published
    assert Client().get("/api/v1/messages?org=edu").json()["total"] == 0
    services.message_transition(
        actor=world.user("edu_clerk"), message=message, action="publish", question="能否设置停车点？", answer="已设置。"
    )
    body = Client().get("/api/v1/messages?org=edu&q=停车点").json()
    assert body["total"] == 1 and body["results"][0]["question"] == "能否设置停车点？"
    assert "赵丽华" not in str(body) and "13912345678" not in str(body)
    assert Client().get("/api/v1/messages?org=nowhere").status_code == 404


def test_the_writer_rates_once_and_offline_channels_are_counted_with_their_source(
    world: World, box: MessageBox
) -> None:
    from gongkai.interaction.models import OfflineTally

    message = write(box)
    with pytest.raises(IllegalTransition):
        services.message_rate(message=message, satisfaction="satisfied")  # before the reply
    services.message_transition(actor=world.user("edu_clerk"), message=message, action="reply", reply="答复")
    with pytest.raises(ValidationFailed):
        services.message_rate(message=message, satisfaction="great")
    services.message_rate(message=message, satisfaction="fairly")
    with pytest.raises(IllegalTransition):
        services.message_rate(message=message, satisfaction="satisfied")
    clerk, year = world.user("edu_clerk"), timezone.localdate().year
    services.tally_enter(
        actor=clerk, org=world.edu, channel="hotline", year=year, month=1, count=40, source="12345热线"
    )
    services.tally_enter(
        actor=clerk, org=world.edu, channel="hotline", year=year, month=1, count=42, source="12345热线（更正）"
    )
    services.tally_enter(actor=clerk, org=world.edu, channel="letter", year=year, month=1, count=3, source="收文登记簿")
    assert OfflineTally.objects.count() == 2  # the same month again replaces it
    with pytest.raises(PermissionDenied):
        services.tally_enter(
            actor=world.user("health_clerk"), org=world.edu, channel="letter", year=year, month=1, count=1, source="x"
        )
    for bad in ({"source": ""}, {"month": 13}, {"count": -1}, {"year": year + 1}, {"channel": "fax"}):
        with pytest.raises(ValidationFailed):
            services.tally_enter(
                actor=clerk,
                org=world.edu,
                **{"channel": "letter", "year": year, "month": 1, "count": 1, "source": "x", **bad},
            )
    edu = selectors.counts([world.edu.pk], year, timezone.localdate())[world.edu.pk]
    assert (edu.fairly, edu.offline) == (1, {"hotline": 42, "letter": 3})
    assert AuditEvent.objects.filter(action="message.tally_entered").count() == 3


def test_the_writer_is_told_by_mail_once_when_the_reply_is_given(world: World, box: MessageBox, smtp: Any) -> None:
    from gongkai.core import jobs
    from gongkai.interaction import notify
    from tests.conftest import body

    message = write(box)
    silent = write(box, email="")
    clerk = world.user("edu_clerk")
    services.message_transition(actor=clerk, message=message, action="reply", reply="已设置临时停车点。")
    services.message_transition(actor=clerk, message=silent, action="reply", reply="已答复。")
    assert jobs.run_ready() == 1  # one job: the writer without an address gets none
    ((to, mail),) = smtp.messages
    assert to == ["zhao@example.com"] and message.tracking_code in mail["Subject"]
    text = body(mail)
    assert (
        "赵丽华：" in text and "/hudong/track/" in text and "临时停车点" not in text
    )  # the reply is read on the portal
    assert notify.send_reply_notice(message.pk) is False and len(smtp.messages) == 1  # once
    assert Message.objects.get(pk=message.pk).reply_mailed_at is not None
