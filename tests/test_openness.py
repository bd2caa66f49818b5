"""Issue 21 §3 and §8: press conferences (with their transcript and the interpretations released)
and training sessions and meetings, recorded by the body's clerk and counted from the records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.openness import corrections, selectors, services
from tests.conftest import World, draft, publish

pytestmark = pytest.mark.django_db


def test_a_press_conference_with_its_transcript_and_interpretations(world: World) -> None:
    clerk = world.user("edu_clerk")
    norm = publish(world, draft(world, title="呼和浩特市义务教育招生办法", instrument="normative"))
    reading = publish(world, draft(world, title="招生办法解读", interprets=norm.index_number, interpretation_form="qa"))
    transcript = publish(world, draft(world, title="新闻发布会实录"))
    day = timezone.localdate() - dt.timedelta(days=3)
    conference = services.press_conference_record(
        actor=clerk,
        org=world.edu,
        held_on=day.isoformat(),
        topic="2026年义务教育招生政策",
        speakers="局长、新闻发言人",
        head_attended=True,
        transcript=transcript.index_number,
        interpretations=[reading.index_number],
    )
    assert list(conference.interpretations.all()) == [reading] and conference.transcript == transcript
    assert AuditEvent.objects.filter(action="press_conference.recorded").count() == 1
    with pytest.raises(ValidationFailed) as err:  # only interpretations are released as such
        services.press_conference_record(
            actor=clerk, org=world.edu, held_on=day, topic="t", speakers="s", interpretations=[norm.index_number]
        )
    assert err.value.code == "not_interpretation"
    with pytest.raises(ValidationFailed):
        services.press_conference_record(
            actor=clerk, org=world.edu, held_on=timezone.localdate() + dt.timedelta(days=1), topic="t", speakers="s"
        )
    with pytest.raises(PermissionDenied):
        services.press_conference_record(
            actor=world.user("edu_leader"), org=world.edu, held_on=day, topic="t", speakers="s"
        )
    page = Client().get("/xxgk/edu/xwfbh/").content.decode()
    assert "2026年义务教育招生政策" in page and "主要负责人出席" in page
    assert f"/xxgk/edu/content/{reading.pk}/" in page and f"/xxgk/edu/content/{transcript.pk}/" in page
    api = Client().get("/api/v1/press-conferences?org=edu").json()
    assert api["results"][0]["interpretations"][0]["id"] == reading.pk


def test_training_and_meetings_are_counted_with_attendance(world: World) -> None:
    clerk, year = world.user("edu_clerk"), timezone.localdate().year
    day = timezone.localdate()
    services.training_record(actor=clerk, org=world.edu, kind="training", held_on=day, title="条例培训", attendance=60)
    services.training_record(actor=clerk, org=world.edu, kind="meeting", held_on=day, title="推进会", attendance="25")
    for bad in ({"attendance": 0}, {"attendance": "很多"}, {"kind": "party"}, {"title": ""}):
        with pytest.raises(ValidationFailed):
            services.training_record(
                actor=clerk, org=world.edu, **{"kind": "training", "held_on": day, "title": "x", "attendance": 1, **bad}
            )
    services.press_conference_record(actor=clerk, org=world.edu, held_on=day, topic="开学", speakers="发言人")
    figures = selectors.figures([world.edu.pk, world.health.pk], year)
    edu = figures[world.edu.pk]
    assert (edu.conferences, edu.head_attended, edu.trainings, edu.meetings, edu.attendance) == (1, 0, 1, 1, 85)
    assert figures[world.health.pk].attendance == 0
    client = Client()
    client.force_login(world.user("city_supervisor"))
    page = client.get("/workbench/openness/").content.decode()
    assert "呼和浩特市教育局" in page.split('id="openness-figures"', 1)[1] and "85" in page
    assert "记录新闻发布会" not in page  # a supervisor records nothing


def test_the_workbench_says_what_is_missing_and_records_nothing(world: World) -> None:
    from gongkai.openness.models import PressConference

    client = Client()
    client.force_login(world.user("edu_clerk"))
    answer = client.post(
        "/workbench/openness/press/",
        {"press-org": world.edu.pk, "press-held_on": "2026-03-12", "press-topic": "", "press-speakers": "发言人"},
        follow=True,
    )
    assert "新闻发布会未记录：主题：" in answer.content.decode() and not PressConference.objects.exists()
    forged = client.post(
        "/workbench/openness/press/",
        {"press-org": world.health.pk, "press-held_on": "2026-03-12", "press-topic": "t", "press-speakers": "s"},
        follow=True,
    )
    assert "新闻发布会未记录" in forged.content.decode() and not PressConference.objects.exists()


def test_responses_to_concerns_and_deputies_proposals_are_counted(world: World) -> None:
    from gongkai.core.errors import IllegalTransition

    clerk, today = world.user("edu_clerk"), timezone.localdate()
    item = publish(world, draft(world, title="关于校外培训监管的情况说明"))
    services.response_record(
        actor=clerk,
        org=world.edu,
        responded_on=today,
        concern="校外培训机构退费难",
        channel="website",
        public_opinion=True,
        items=[item.index_number],
    )
    services.response_record(actor=clerk, org=world.edu, responded_on=today, concern="开学时间", channel="new_media")
    with pytest.raises(ValidationFailed):
        services.response_record(actor=clerk, org=world.edu, responded_on=today, concern="x", channel="fax")
    suggestion = services.proposal_record(
        actor=clerk,
        org=world.edu,
        kind="suggestion",
        number="第0123号",
        title="关于增加学位供给的建议",
        received_on=today,
    )
    services.proposal_record(
        actor=clerk, org=world.edu, kind="proposal", number="第45号", title="提案", received_on=today
    )
    with pytest.raises(ValidationFailed) as err:
        services.proposal_record(
            actor=clerk, org=world.edu, kind="suggestion", number="第0123号", title="再次", received_on=today
        )
    assert err.value.code == "duplicate_number"
    with pytest.raises(ValidationFailed):
        services.proposal_reply(actor=clerk, proposal=suggestion, replied_on=today - dt.timedelta(days=400))
    answer = publish(world, draft(world, title="对市人大第0123号建议的答复"))
    suggestion = services.proposal_reply(
        actor=clerk, proposal=suggestion, replied_on=today, reply_item=answer.index_number
    )
    assert suggestion.reply_item == answer
    with pytest.raises(IllegalTransition):
        services.proposal_reply(actor=clerk, proposal=suggestion, replied_on=today)
    edu = selectors.figures([world.edu.pk], today.year)[world.edu.pk]
    assert (edu.responses, edu.public_opinion, edu.suggestions, edu.proposals, edu.replied) == (2, 1, 1, 1, 1)
    assert (
        AuditEvent.objects.filter(
            action__in=["concern_response.recorded", "proposal.recorded", "proposal.replied"]
        ).count()
        == 5
    )


def test_reading_points_are_listed_in_the_guide_and_their_visits_counted(world: World) -> None:
    clerk, today = world.user("edu_clerk"), timezone.localdate()
    point = services.reading_point_add(
        actor=clerk,
        org=world.edu,
        kind="archives",
        name="呼和浩特市档案馆政府信息查阅中心",
        address="新华大街1号",
        hours="工作日 9:00–17:00",
        holdings="本局公开的规范性文件",
    )
    with pytest.raises(ValidationFailed):
        services.reading_point_add(actor=clerk, org=world.edu, kind="museum", name="x", address="y", hours="z")
    with pytest.raises(PermissionDenied):
        services.reading_point_add(
            actor=world.user("health_clerk"), org=world.edu, kind="library", name="x", address="y", hours="z"
        )
    guide = Client().get("/xxgk/edu/zhinan/").content.decode()
    assert "呼和浩特市档案馆政府信息查阅中心" in guide and "新华大街1号" in guide
    services.reading_tally_enter(
        actor=clerk, point=point, year=today.year, month=1, visits=30, items_consulted=75, source="查阅登记簿"
    )
    services.reading_tally_enter(
        actor=clerk, point=point, year=today.year, month=1, visits=31, items_consulted=76, source="查阅登记簿（复核）"
    )
    with pytest.raises(ValidationFailed):
        services.reading_tally_enter(
            actor=clerk, point=point, year=today.year + 1, month=1, visits=1, items_consulted=1, source="x"
        )
    edu = selectors.figures([world.edu.pk], today.year)[world.edu.pk]
    assert (edu.reading_points, edu.visits, edu.items_consulted) == (1, 31, 76)


def test_the_admin_lists_the_records_and_changes_none(world: World) -> None:
    from django.contrib.auth import get_user_model

    services.training_record(
        actor=world.user("edu_clerk"),
        org=world.edu,
        kind="training",
        held_on=timezone.localdate(),
        title="培训",
        attendance=5,
    )
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("ops", password="pw-for-tests-ops"))
    for model in (
        "pressconference",
        "trainingsession",
        "concernresponse",
        "deputyproposal",
        "readingpoint",
        "readingtally",
        "gazetteissue",
    ):
        assert client.get(f"/admin/openness/{model}/").status_code == 200
        assert client.get(f"/admin/openness/{model}/add/").status_code == 403
    assert "培训" in client.get("/admin/openness/trainingsession/").content.decode()


def test_new_media_accounts_and_their_monthly_figures(world: World) -> None:
    clerk, today = world.user("edu_clerk"), timezone.localdate()
    account = services.new_media_add(
        actor=clerk, org=world.edu, platform="wechat", name="呼和浩特教育", operator="呼和浩特市教育局办公室"
    )
    with pytest.raises(ValidationFailed) as err:
        services.new_media_add(actor=clerk, org=world.edu, platform="wechat", name="呼和浩特教育", operator="x")
    assert err.value.code == "duplicate_account"
    services.new_media_figures_enter(
        actor=clerk, account=account, year=today.year, month=1, posts=40, followers=1200, source="公众号后台"
    )
    services.new_media_figures_enter(
        actor=clerk, account=account, year=today.year, month=1, posts=41, followers=1210, source="公众号后台"
    )
    if today.month > 1:
        services.new_media_figures_enter(
            actor=clerk, account=account, year=today.year, month=2, posts=9, followers=1300, source="公众号后台"
        )
    edu = selectors.figures([world.edu.pk], today.year)[world.edu.pk]
    assert edu.new_media_accounts == 1 and edu.new_media_posts == (50 if today.month > 1 else 41)
    (listed,) = selectors.new_media_accounts([world.edu.pk])
    assert listed.latest_followers == (1300 if today.month > 1 else 1210)
    client = Client()
    client.force_login(world.user("city_supervisor"))
    assert "呼和浩特教育" in client.get("/workbench/openness/").content.decode().split('id="accounts"', 1)[1]


def test_a_gazette_issue_prints_its_contents_in_order_and_is_counted(world: World) -> None:
    """Issue 21 §4: an issue's table of contents is catalogue items; the year's counts come from the
    records; the portal and the API show each issue with its contents."""
    clerk, today = world.user("edu_clerk"), timezone.localdate()
    rule = publish(world, draft(world, title="呼和浩特市校外培训管理办法", instrument="normative"))
    reading = publish(
        world, draft(world, title="校外培训管理办法解读", interprets=rule.index_number, interpretation_form="text")
    )
    other = publish(world, draft(world, title="教育事业统计公报"))
    issue = services.gazette_issue_record(
        actor=clerk,
        org=world.edu,
        year=today.year,
        number=3,
        published_on=today,
        items=[rule.index_number, reading.index_number, other.index_number],
    )
    assert [e.document for e in issue.entries.order_by("position")] == [rule, reading, other]
    assert AuditEvent.objects.filter(action="gazette.recorded", object_id=str(issue.pk)).count() == 1
    refusals = [
        ({"number": 3, "items": [other.index_number]}, "duplicate_issue"),
        ({"number": 4, "items": []}, "required"),
        ({"number": 4, "items": [rule.index_number, rule.index_number]}, "duplicate_item"),
        ({"number": 4, "items": ["000000000/2000-00000"]}, "invalid_item"),
        ({"number": 0, "items": [other.index_number]}, "invalid_number"),
        ({"number": 4, "items": [other.index_number], "year": today.year - 2}, "invalid_date"),
    ]
    for change, code in refusals:
        fields = {"year": today.year, "published_on": today, **change}
        with pytest.raises(ValidationFailed) as err:
            services.gazette_issue_record(actor=clerk, org=world.edu, **fields)
        assert err.value.code == code, change
    with pytest.raises(PermissionDenied):
        services.gazette_issue_record(
            actor=world.user("edu_leader"), org=world.edu, year=today.year, number=5, published_on=today, items=[]
        )
    from gongkai.openness.models import GazetteEntry, GazetteIssue

    assert GazetteIssue.objects.count() == 1 and GazetteEntry.objects.count() == 3  # nothing half-saved
    edu = selectors.figures([world.edu.pk], today.year)[world.edu.pk]
    assert (edu.gazette_issues, edu.gazette_items) == (1, 3)
    assert selectors.figures([world.edu.pk], today.year - 1)[world.edu.pk].gazette_issues == 0
    listing = Client().get("/xxgk/edu/gongbao/").content.decode()
    assert f"{today.year}年第3期" in listing and f"/xxgk/edu/gongbao/{issue.pk}/" in listing
    toc = Client().get(f"/xxgk/edu/gongbao/{issue.pk}/").content.decode()
    toc_list = toc.split('id="gazette-toc"', 1)[1]
    assert toc_list.index("校外培训管理办法</a>") < toc_list.index("管理办法解读") < toc_list.index("统计公报")
    assert "行政规范性文件" in toc_list and "政策解读" in toc_list
    assert Client().get(f"/xxgk/hhht/gongbao/{issue.pk}/").status_code == 404  # another body's address
    api = Client().get(f"/api/v1/gazette-issues?org=edu&year={today.year}").json()
    first = api["results"][0]["contents"][0]
    assert api["total"] == 1 and (first["title"], first["instrument"]) == (rule.title, "normative")


def test_a_wrong_record_is_removed_with_a_reason_and_points_and_accounts_close(world: World) -> None:
    """A record entered wrongly is removed (with a reason; the trail keeps what it said) and entered
    again; a reading point closes and leaves the 指南; an account is marked closed."""
    clerk, today = world.user("edu_clerk"), timezone.localdate()
    session = services.training_record(
        actor=clerk, org=world.edu, kind="training", held_on=today, title="条例培训", attendance=500
    )
    with pytest.raises(ValidationFailed):
        corrections.record_remove(actor=clerk, kind="training", pk=session.pk, reason=" ")
    with pytest.raises(PermissionDenied):
        corrections.record_remove(actor=world.user("health_clerk"), kind="training", pk=session.pk, reason="错")
    what = corrections.record_remove(actor=clerk, kind="training", pk=session.pk, reason="参加人次多录了一个0")
    assert "条例培训" in what and selectors.figures([world.edu.pk], today.year)[world.edu.pk].trainings == 0
    event = AuditEvent.objects.get(action="openness.training_removed")
    assert event.before["attendance"] == 500 and event.reason == "参加人次多录了一个0"
    from gongkai.core.errors import NotFound

    with pytest.raises(NotFound):
        corrections.record_remove(actor=clerk, kind="training", pk=session.pk, reason="again")
    with pytest.raises(NotFound):
        corrections.record_remove(actor=clerk, kind="users", pk=1, reason="x")
    rule = publish(world, draft(world, title="办法", instrument="normative"))
    issue = services.gazette_issue_record(
        actor=clerk, org=world.edu, year=today.year, number=1, published_on=today, items=[rule.index_number]
    )
    corrections.record_remove(actor=clerk, kind="gazette", pk=issue.pk, reason="期号录错")
    from gongkai.openness.models import GazetteEntry

    assert not GazetteEntry.objects.exists()
    point = services.reading_point_add(
        actor=clerk, org=world.edu, kind="library", name="市图书馆", address="a", hours="h"
    )
    corrections.reading_point_set_active(actor=clerk, point=point, active=False)
    assert "市图书馆" not in Client().get("/xxgk/edu/zhinan/").content.decode()
    with pytest.raises(IllegalTransition):
        corrections.reading_point_set_active(actor=clerk, point=point, active=False)
    account = services.new_media_add(actor=clerk, org=world.edu, platform="weibo", name="呼和浩特教育", operator="办")
    corrections.new_media_set_active(actor=clerk, account=account, active=False)
    assert selectors.figures([world.edu.pk], today.year)[world.edu.pk].new_media_accounts == 0


def test_staff_read_the_records_through_the_api(world: World) -> None:
    from gongkai.catalogue import register

    clerk, today = world.user("edu_clerk"), timezone.localdate()
    services.training_record(actor=clerk, org=world.edu, kind="meeting", held_on=today, title="推进会", attendance=9)
    register.issued_register(
        actor=world.user("edu_reviewer"),
        org=world.edu,
        title="会议纪要",
        written_date=today,
        attribute="withheld",
        reason="process",
    )
    client = Client()
    assert client.get("/api/v1/staff/openness-records?kind=training").status_code in (401, 403)
    client.force_login(world.user("city_supervisor"))
    data = client.get(f"/api/v1/staff/openness-records?kind=training&year={today.year}").json()
    assert data["total"] == 1 and data["results"][0]["details"] == {"kind": "会议", "attendance": "9"}
    assert client.get("/api/v1/staff/openness-records?kind=issued").json()["total"] == 0  # figures only, above
    assert client.get("/api/v1/staff/openness-records?kind=users").status_code == 400
    client.force_login(world.user("edu_clerk"))
    issued = client.get("/api/v1/staff/openness-records?kind=issued").json()["results"]
    assert issued[0]["details"]["reason"] == "过程性信息（第十六条第二款）"


def test_the_portal_lists_page_on_and_keep_the_search(world: World) -> None:
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    clerk = world.user("edu_clerk")
    for n in range(21):
        services.press_conference_record(
            actor=clerk, org=world.edu, held_on=timezone.localdate(), topic=f"发布会{n:02d}", speakers="局长"
        )
    first = Client().get("/xxgk/edu/xwfbh/").content.decode()
    assert 'href="?page=2" rel="next"' in first and "第 1 / 2 页" in first
    assert "发布会00" in Client().get("/xxgk/edu/xwfbh/?page=2").content.decode()
    page = Paginator(list(range(45)), 20).get_page(2)
    html = render_to_string("portal/_pagination.html", {"page": page, "query": "q=%E5%AD%A6%22&"})
    assert 'href="?q=%E5%AD%A6%22&amp;page=1"' in html and 'href="?q=%E5%AD%A6%22&amp;page=3"' in html
