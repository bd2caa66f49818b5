"""Issue 21 §12: section 一 of the annual report written from the records, each figure traceable to
the records behind it, and the figures staff keep in their prose checked against the records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from gongkai.core.errors import IllegalTransition
from gongkai.core.models import AuditEvent
from gongkai.openness import services as openness
from gongkai.reports import overview
from gongkai.reports import services as reports
from tests.conftest import World, draft, publish

pytestmark = pytest.mark.django_db


def _records(world: World) -> None:
    clerk, year = world.user("edu_clerk"), timezone.localdate().year
    day = dt.date(year, 1, 5)
    norm = publish(world, draft(world, title="校外培训管理办法", instrument="normative"), on=day)
    publish(world, draft(world, title="办法解读", interprets=norm.index_number, interpretation_form="qa"), on=day)
    for n in range(3):
        openness.press_conference_record(actor=clerk, org=world.edu, held_on=day, topic=f"发布会{n}", speakers="局长")
    openness.training_record(actor=clerk, org=world.edu, kind="training", held_on=day, title="条例培训", attendance=40)
    openness.training_record(actor=clerk, org=world.edu, kind="training", held_on=day, title="业务培训", attendance=25)


def test_the_draft_states_each_topic_from_the_records(world: World) -> None:
    _records(world)
    report = reports.report_prepare(actor=world.user("edu_clerk"), org=world.edu, year=timezone.localdate().year)
    text = report.overview
    assert "（一）主动公开。本年度主动公开政府信息2条" in text
    assert "制发规章和行政规范性文件1件" in text and "发布政策解读1篇" in text and "召开新闻发布会3场" in text
    assert "（五）监督保障。本年度举办政务公开培训2期，参训65人次" in text
    assert "编印政府公报" not in text  # a zero figure is left out unless it leads its topic
    assert "新收政府信息公开申请0件" in text  # the lead figure of 依申请公开 is always stated
    assert report.facts["press"] == 3 and report.facts["trained"] == 65
    assert reports.report_problems(report) == []


def test_a_figure_changed_in_the_prose_is_refused_until_it_agrees_with_the_records(world: World) -> None:
    _records(world)
    clerk, reviewer = world.user("edu_clerk"), world.user("edu_reviewer")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=timezone.localdate().year)
    edited = report.overview.replace("召开新闻发布会3场", "召开新闻发布会 4 场")
    report = reports.report_edit_text(actor=clerk, report=report, overview=edited, problems_text="", other_text="")
    (problem,) = reports.report_problems(report)
    assert problem.table == "一" and "记录中召开新闻发布会为3场" in problem.message
    with pytest.raises(IllegalTransition):
        reports.report_transition(actor=reviewer, report=report, action="review")
    # Prose that no longer states the figure with the fact's words is not held to it.
    rewritten = edited.replace("召开新闻发布会 4 场", "多次召开新闻发布会")
    report = reports.report_edit_text(actor=clerk, report=report, overview=rewritten, problems_text="", other_text="")
    assert reports.report_problems(report) == []
    # New records, recomputed: the stored figures move with them and the draft can be written again.
    openness.press_conference_record(
        actor=clerk, org=world.edu, held_on=timezone.localdate(), topic="又一场", speakers="局长"
    )
    report = reports.report_redraft_overview(actor=clerk, report=report)
    assert "召开新闻发布会4场" in report.overview and report.facts["press"] == 4
    assert AuditEvent.objects.filter(action="report.overview_drafted").count() == 1


def test_each_figure_links_to_its_records_and_the_page_escapes_the_prose(world: World) -> None:
    _records(world)
    clerk = world.user("edu_clerk")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=timezone.localdate().year)
    report = reports.report_edit_text(
        actor=clerk,
        report=report,
        overview="<script>alert(1)</script>本年度召开新闻发布会3场，举办政务公开培训9期。",
        problems_text="",
        other_text="",
    )
    client = Client()
    client.force_login(clerk)
    page = client.get(f"/workbench/reports/{report.pk}/").content.decode()
    section = page.split('id="overview-facts"', 1)[1].split("</div>", 1)[0]
    assert "<script>alert(1)" not in section and "&lt;script&gt;" in section
    assert f'href="/workbench/reports/{report.pk}/facts/press/"' in section
    assert 'class="fact mismatch"' in section and "记录中为2期" in section
    sources = client.get(f"/workbench/reports/{report.pk}/facts/press/").content.decode()
    assert all(f"发布会{n}" in sources for n in range(3))
    summed = client.get(f"/workbench/reports/{report.pk}/facts/trained/").content.decode()
    assert "条例培训" in summed and ">40<" in summed and ">25<" in summed
    assert client.get(f"/workbench/reports/{report.pk}/facts/nothing/").status_code == 404
    client.force_login(world.user("health_clerk"))
    assert client.get(f"/workbench/reports/{report.pk}/facts/press/").status_code == 404


@given(st.dictionaries(st.sampled_from([f.key for f in overview.FACTS]), st.integers(0, 10**6)))
def test_every_figure_the_draft_states_is_read_back_as_the_records_value(values: dict[str, int]) -> None:
    """The identity section 一 rests on: what the draft writes, the check reads back unchanged, and
    each stated figure belongs to exactly one fact."""
    full = {f.key: values.get(f.key, 0) for f in overview.FACTS}
    text = overview.draft_text(full)
    found = list(overview.mentions(text, full))
    assert all(m.stated == m.computed == full[m.fact.key] for m in found)
    stated = {f.key for f in overview.FACTS if full[f.key] or f.always}
    assert sorted(m.fact.key for m in found) == sorted(stated)


def test_recounting_rewrites_an_untouched_draft_and_keeps_an_edited_one(world: World) -> None:
    clerk, year = world.user("edu_clerk"), timezone.localdate().year
    report = reports.report_prepare(actor=clerk, org=world.edu, year=year)
    assert "召开新闻发布会" not in report.overview
    openness.press_conference_record(actor=clerk, org=world.edu, held_on=timezone.localdate(), topic="t", speakers="s")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=year)
    assert "召开新闻发布会1场" in report.overview  # nobody had edited it: written again
    edited = report.overview + "\n另：全年召开新闻发布会1场。"
    report = reports.report_edit_text(actor=clerk, report=report, overview=edited, problems_text="", other_text="")
    openness.press_conference_record(actor=clerk, org=world.edu, held_on=timezone.localdate(), topic="u", speakers="s")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=year)
    assert report.overview == edited and report.facts["press"] == 2
    assert len(reports.report_problems(report)) == 2  # both mentions of the old figure
