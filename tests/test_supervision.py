"""Issue 22 §1, §3, §5: the supervision dashboard counted from the records for every body of a subtree,
the records behind each number without personal data, 督查 findings and their rectification, and the
office's 责任追究 records."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.applications.models import Application
from gongkai.applications.outcomes import OUTCOMES, REPLY_TYPES
from gongkai.applications.uploads import Upload
from gongkai.calendars.services import WorkingCalendar
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.supervision import selectors, services
from gongkai.supervision.indicators import Period
from gongkai.supervision.models import Finding
from gongkai.supervision.periods import period_from
from tests.conftest import World

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year - 1
PERIOD = Period(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), f"{YEAR}年")


def replied(
    org: Any, n: int, timeliness: str, late_days: int = 0, *, day: dt.date | None = None, outcome: str = "GRANT"
) -> None:
    """``n`` applications replied in the year with this timeliness (the applicant's data is made up
    and must never show on a supervisor's page)."""
    start = Application.objects.count()
    on = day or dt.date(YEAR, 5, 10)
    Application.objects.bulk_create(
        Application(
            org=org,
            tracking_code=f"S{start + i}-{org.pk}",
            channel="online",
            received_on=on - dt.timedelta(days=30),
            clock_start=on - dt.timedelta(days=30),
            applicant_type="NAT",
            applicant_name="欧阳秘密",
            id_number="11010519491231002X",
            phone="13912340000",
            applicant_key=f"k{start + i}",
            description="x",
            delivery_form="electronic",
            delivery_way="online",
            state="replied",
            is_open=False,
            replied_on=on,
            reply_type=next(t for t, (_, outs) in REPLY_TYPES.items() if outcome in outs),
            outcome=outcome,
            timeliness=timeliness,
            late_working_days=late_days,
        )
        for i in range(n)
    )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.booleans(), st.sampled_from(["on_time", "extended", "late"]), st.integers(1, 9)), max_size=8)
)
def test_the_subtree_total_is_the_sum_of_its_bodies(world: World, batches: list[tuple[bool, str, int]]) -> None:
    """For any records: each body's count is its own records', the total is the sum of the bodies,
    and a rate is its numerator over its base."""
    Application.objects.all().delete()
    for in_edu, timeliness, n in batches:
        replied(world.edu if in_edu else world.health, n, timeliness, late_days=2 if timeliness == "late" else 0)
    board = selectors.dashboard(world.city, PERIOD, "依申请公开", timezone.localdate())
    keys = [i.key for i in board.indicators]
    by_org = {row.org.pk: {c.indicator.key: c for c in row.cells} for row in board.rows}
    total = {c.indicator.key: c for c in board.total.cells}
    for key in keys:
        assert total[key].number == sum(cells[key].number for cells in by_org.values())
    for org, in_edu in ((world.edu, True), (world.health, False)):
        mine = [(t, n) for e, t, n in batches if e == in_edu]
        cells = by_org[org.pk]
        assert cells["replied"].number == sum(n for _, n in mine)
        assert cells["late"].number == sum(n for t, n in mine if t == "late")
        assert cells["late_days"].number == 2 * cells["late"].number
        assert cells["on_time"].base == cells["replied"].number
        if cells["replied"].number:
            share = 100 * (cells["replied"].number - cells["late"].number) / cells["replied"].number
            assert abs(float(cells["on_time"].value) - share) <= 0.05 + 1e-9  # rounded to 0.1, in binary
        else:
            assert cells["on_time"].value is None


def test_the_records_behind_a_number_carry_no_personal_data(world: World) -> None:
    replied(world.edu, 2, "late", late_days=3)
    client = Client()
    client.force_login(world.user("city_supervisor"))
    page = client.get(
        f"/workbench/supervision/?root={world.city.pk}&group=依申请公开&period=year&year={YEAR}"
    ).content.decode()
    assert "/workbench/supervision/cell/?org=" in page
    cell = client.get(
        f"/workbench/supervision/cell/?org={world.edu.pk}&indicator=late&start={YEAR}-01-01&end={YEAR}-12-31"
    ).content.decode()
    assert "逾期3个工作日" in cell and "申请 S" in cell
    assert "欧阳" not in cell and "13912340000" not in cell and "11010519491231002X" not in cell
    # A body sees its own row, and nothing of a sibling's.
    client.force_login(world.user("edu_clerk"))
    mine = client.get(f"/workbench/supervision/?group=依申请公开&period=year&year={YEAR}").content.decode()
    assert world.edu.name in mine and world.health.name not in mine.split('id="dashboard"', 1)[1]
    sibling = f"/workbench/supervision/cell/?org={world.health.pk}&indicator=late&start={YEAR}-01-01&end={YEAR}-12-31"
    assert client.get(sibling).status_code == 404
    for bad in ("?period=custom&start=x", "?group=<b>", "?root=999999", "?period=quarter&quarter=9"):
        assert client.get(f"/workbench/supervision/{bad}").status_code == 200


def test_each_count_is_the_number_of_records_its_drill_down_lists(world: World, settings: Any) -> None:
    """Every count indicator, for a body with records of every kind: the number on the dashboard is
    the number of records the drill-down lists (rates list their numerator's records)."""
    from gongkai.catalogue import columns
    from gongkai.catalogue.models import KeyColumn
    from gongkai.interaction import services as interaction
    from tests.conftest import draft, publish

    today = timezone.localdate()
    period = period_from({}, today)
    norm = publish(world, draft(world, title="办法", instrument="normative"))
    publish(world, draft(world, title="办法解读", interprets=norm.index_number, interpretation_form="qa"))
    draft(world, title="逾期未公开", formed_date=today - dt.timedelta(days=60))
    replied(world.edu, 2, "late", late_days=4, day=today)
    column = columns.column_open(actor=world.user("edu_clerk"), org=world.edu, area="BZ03", frequency="monthly")
    KeyColumn.objects.filter(pk=column.pk).update(created_at=timezone.now() - dt.timedelta(days=90))
    box = interaction.box_configure(
        actor=world.user("city_admin"), org=world.edu, channel="consult", enabled=True, reply_working_days=5
    )
    settings.GONGKAI_FORM_MIN_SECONDS = 0
    interaction.message_submit(
        box=box,
        writer={"writer_name": "甲", "phone": "13800000000", "email": "", "subject": "问", "body": "问"},
        secret="a-long-secret-1",
        consent=False,
    )
    services.finding_open(actor=world.user("city_supervisor"), org=world.edu, title="t", detail="d", working_days=5)
    seen = set()
    for group in ("主动公开", "依申请公开", "政民互动", "督查整改"):
        board = selectors.dashboard(world.city, period, group, today)
        row = next(r for r in board.rows if r.org == world.edu)
        for c in row.cells:
            listed = c.indicator.drill(world.edu, period, today)
            if c.indicator.total is None:
                assert len(listed) == c.number, c.indicator.key
            if c.number:
                seen.add(c.indicator.key)
    assert {"published", "policies", "policies_interpreted", "publish_overdue_now", "columns_overdue"} <= seen
    assert {"replied", "late", "late_days", "messages", "findings_open"} <= seen


def test_a_finding_is_answered_returned_and_closed(world: World, settings: Any, tmp_path: Any) -> None:
    supervisor, clerk = world.user("city_supervisor"), world.user("edu_clerk")
    with pytest.raises(PermissionDenied):
        services.finding_open(actor=clerk, org=world.edu, title="t", detail="d", working_days=10)
    with pytest.raises(PermissionDenied):  # never at the office's own body
        services.finding_open(actor=supervisor, org=world.city, title="t", detail="d", working_days=10)
    with pytest.raises(ValidationFailed):
        services.finding_open(actor=supervisor, org=world.edu, title="t", detail="d", working_days=0)
    finding = services.finding_open(
        actor=supervisor,
        org=world.edu,
        title="逾期答复较多",
        detail="第三季度有3件申请逾期答复。\n请查明原因并整改。",
        working_days=15,
        indicator="late",
    )
    today = timezone.localdate()
    assert (
        finding.office == world.city and finding.due_date == WorkingCalendar(world.edu).add_working_days(today, 15).due
    )
    with pytest.raises(PermissionDenied):
        services.finding_transition(actor=world.user("health_clerk"), finding=finding, action="respond", text="x")
    with pytest.raises(IllegalTransition):
        services.finding_transition(actor=supervisor, finding=finding, action="accept")
    evidence = Upload("整改台账.pdf", b"%PDF-1.4 ledger")
    services.finding_transition(actor=clerk, finding=finding, action="respond", text="已建立台账。", evidence=evidence)
    with pytest.raises(PermissionDenied):
        services.finding_transition(actor=clerk, finding=finding, action="accept")
    with pytest.raises(ValidationFailed):
        services.finding_transition(actor=supervisor, finding=finding, action="return")  # a reason is owed
    services.finding_transition(actor=supervisor, finding=finding, action="return", reason="未说明逾期原因")
    finding.refresh_from_db()
    assert finding.state == "open"
    with pytest.raises(ValidationFailed):  # a file that is not what it says is refused, nothing saved
        services.finding_transition(
            actor=clerk, finding=finding, action="respond", text="x", evidence=Upload("a.pdf", b"not a pdf")
        )
    services.finding_transition(actor=world.user("edu_leader"), finding=finding, action="respond", text="原因已查明。")
    services.finding_transition(actor=supervisor, finding=finding, action="accept", note="同意销号")
    finding.refresh_from_db()
    assert (finding.state, finding.closed_on) == ("accepted", today)
    first, second = finding.rectifications.order_by("id")
    assert (first.accepted, first.decision_note, second.accepted) == (False, "未说明逾期原因", True)
    assert {"finding.opened", "finding.respond", "finding.return", "finding.accept"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    client = Client()
    client.force_login(clerk)
    url = f"/workbench/findings/{finding.pk}/evidence/{first.pk}/"
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 ledger"
    client.force_login(world.user("health_clerk"))
    assert client.get(url).status_code == 404 and client.get(f"/workbench/findings/{finding.pk}/").status_code == 404


def test_findings_count_on_both_sides_and_repeats_are_seen(world: World) -> None:
    supervisor = world.user("city_supervisor")
    services.finding_open(actor=supervisor, org=world.edu, title="一", detail="d", working_days=5, indicator="late")
    Finding.objects.update(
        opened_on=timezone.localdate() - dt.timedelta(days=40), due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    services.finding_open(actor=supervisor, org=world.edu, title="二", detail="d", working_days=5, indicator="late")
    this_year = period_from({}, timezone.localdate())
    board = selectors.dashboard(world.city, this_year, "督查整改", timezone.localdate())
    edu = next(r for r in board.rows if r.org == world.edu)
    values = {c.indicator.key: c.number for c in edu.cells}
    assert values == {"findings_open": 2, "findings_overdue": 1, "findings_repeat": 1}
    assert selectors.open_findings_count(world.user("edu_clerk")) == 2 == selectors.open_findings_count(supervisor)
    assert selectors.open_findings_count(world.user("health_clerk")) == 0


def test_accountability_is_the_offices_only(world: World) -> None:
    supervisor = world.user("city_supervisor")
    with pytest.raises(PermissionDenied):
        services.accountability_record(
            actor=world.user("edu_leader"),
            org=world.edu,
            conduct="art53_2",
            facts="f",
            measure="m",
            decided_on=timezone.localdate(),
        )
    services.accountability_record(
        actor=supervisor,
        org=world.edu,
        conduct="art53_2",
        facts="栏目长期未更新",
        measure="责令改正",
        decided_on=timezone.localdate(),
    )
    client = Client()
    client.force_login(supervisor)
    page = client.get("/workbench/supervision/accountability/").content.decode()
    assert "责令改正" in page and "不及时更新" in page
    client.force_login(world.user("edu_clerk"))
    assert client.get("/workbench/supervision/accountability/").status_code == 404


def test_periods_are_read_from_the_query() -> None:
    today = dt.date(2026, 5, 20)
    assert period_from({"period": "quarter", "year": "2025", "quarter": "4"}, today) == Period(
        dt.date(2025, 10, 1), dt.date(2025, 12, 31), "2025年第4季度"
    )
    assert period_from({"period": "month", "year": "2024", "month": "2"}, today).end == dt.date(2024, 2, 29)
    assert period_from({}, today).start == dt.date(2026, 1, 1)
    for bad in ({"period": "custom", "start": "2026-05-01", "end": "2026-04-01"}, {"period": "week"}, {"year": "1900"}):
        with pytest.raises(ValidationFailed):
            period_from(bad, today)


def test_the_dashboard_through_the_api(world: World) -> None:
    replied(world.edu, 3, "late", late_days=1)
    client = Client()
    client.force_login(world.user("city_supervisor"))
    data = client.get(f"/api/v1/staff/supervision?root={world.city.slug}&group=依申请公开&year={YEAR}").json()
    edu = next(b for b in data["bodies"] if b["org"] == world.edu.slug)
    late = next(v for v in edu["values"] if v["key"] == "late")
    on_time = next(v for v in edu["values"] if v["key"] == "on_time")
    assert late["number"] == 3 and (on_time["base"], on_time["value"]) == (3, "0.0")
    assert data["total"]["org"] is None
    assert client.get(f"/api/v1/staff/supervision?root={world.province.slug}").status_code == 404  # above its office
    client.force_login(world.user("edu_clerk"))
    assert client.get(f"/api/v1/staff/supervision?root={world.health.slug}").status_code == 404


def test_public_evaluations_are_averaged_on_the_dashboard_and_feed_a_scheme(world: World) -> None:
    from decimal import Decimal

    from gongkai.supervision import assessment
    from gongkai.supervision.scoring import Item

    supervisor = world.user("city_supervisor")
    with pytest.raises(PermissionDenied):
        services.evaluation_enter(
            actor=world.user("edu_leader"),
            org=world.edu,
            source="survey",
            period_start=dt.date(YEAR, 1, 1),
            period_end=dt.date(YEAR, 6, 30),
            score=90,
            note="n",
        )
    for score_, end in ((90, dt.date(YEAR, 6, 30)), (81, dt.date(YEAR, 12, 31))):
        services.evaluation_enter(
            actor=supervisor,
            org=world.edu,
            source="third_party",
            period_start=dt.date(YEAR, 1, 1),
            period_end=end,
            score=score_,
            note="某大学公共管理学院评估",
        )
    with pytest.raises(ValidationFailed):
        services.evaluation_enter(
            actor=supervisor,
            org=world.edu,
            source="survey",
            period_start=dt.date(YEAR, 5, 1),
            period_end=dt.date(YEAR, 4, 1),
            score=80,
            note="n",
        )
    with pytest.raises(ValidationFailed):
        services.evaluation_enter(
            actor=supervisor,
            org=world.edu,
            source="survey",
            period_start=dt.date(YEAR, 1, 1),
            period_end=dt.date(YEAR, 2, 1),
            score=101,
            note="n",
        )
    board = selectors.dashboard(world.city, PERIOD, "社会评议", timezone.localdate())
    edu = next(r for r in board.rows if r.org == world.edu)
    evaluation = next(c for c in edu.cells if c.indicator.key == "evaluation")
    assert (evaluation.number, evaluation.base, evaluation.value) == (171, 2, Decimal("85.5"))
    scheme = assessment.scheme_save(
        actor=supervisor,
        office=world.city,
        year=YEAR,
        name="方案",
        items=[Item("evaluation", Decimal(10), target=Decimal(100))],
    )
    run = assessment.score_run(actor=supervisor, scheme=scheme)
    assert run.results[str(world.edu.pk)]["total"] == "8.55"
    assert run.results[str(world.health.pk)]["total"] == "10.00"  # nothing to rate: full marks, said so


def test_the_daily_digest_tells_each_person_once_what_needs_them(world: World, smtp: Any) -> None:
    from django.core.management import call_command

    from gongkai.supervision import digest
    from tests.conftest import body

    today = timezone.localdate()
    for name in ("edu_clerk", "city_supervisor", "health_clerk"):
        user = world.user(name)
        user.email = f"{name}@example.com"
        user.save()
    overdue = Application.objects.create(
        org=world.edu,
        tracking_code="D-1",
        channel="online",
        received_on=today - dt.timedelta(days=60),
        clock_start=today - dt.timedelta(days=60),
        applicant_type="NAT",
        applicant_name="欧阳秘密",
        id_number="11010519491231002X",
        phone="13912340000",
        applicant_key="d1",
        description="x",
        delivery_form="electronic",
        delivery_way="online",
        state="in_review",
        is_open=True,
        due_date=today - dt.timedelta(days=3),
    )
    finding = services.finding_open(
        actor=world.user("city_supervisor"), org=world.edu, title="指南未更新", detail="d", working_days=5
    )
    services.finding_transition(actor=world.user("edu_clerk"), finding=finding, action="respond", text="已更新")
    services.finding_open(
        actor=world.user("city_supervisor"), org=world.edu, title="栏目未更新", detail="d", working_days=5
    )
    run = digest.send_digests(today)
    assert sorted(run.sent) == ["city_supervisor", "edu_clerk"] and run.nothing_to_say >= 1  # health: nothing
    mails = {to[0]: body(m) for to, m in smtp.messages}
    clerk_mail = mails["edu_clerk@example.com"]
    assert overdue.tracking_code in clerk_mail and "已逾期未答复" in clerk_mail and "栏目未更新" in clerk_mail
    assert "欧阳" not in clerk_mail and "13912340000" not in clerk_mail
    assert "1个督查问题的整改情况待审核" in mails["city_supervisor@example.com"]
    again = digest.send_digests(today)  # the nightly job run twice sends nothing twice
    assert again.sent == [] and again.already_sent == 2 and len(smtp.messages) == 2
    services.digest_preference_save(actor=world.user("edu_clerk"), applications=False, findings=False)
    assert digest.lines_for(world.user("edu_clerk"), today, world.user("edu_clerk").digest) == []
    services.digest_preference_save(actor=world.user("city_supervisor"), enabled=False)
    out = io.StringIO()
    call_command("supervision_digest", "--date", (today + dt.timedelta(days=1)).isoformat(), stdout=out)
    assert "已关闭提醒1人" in out.getvalue() and "sent\tcity_supervisor" not in out.getvalue()


def test_hostile_requests_get_a_refusal_never_a_500(world: World) -> None:
    supervisor = world.user("city_supervisor")
    finding = services.finding_open(actor=supervisor, org=world.edu, title="t", detail="d", working_days=5)
    client = Client(raise_request_exception=False)
    client.force_login(supervisor)
    for url, data in (
        (f"/workbench/findings/{finding.pk}/bogus/", {}),
        (f"/workbench/findings/{finding.pk}/respond/", {"text": "x"}),  # not the supervisor's step
        (
            "/workbench/findings/open/",
            {
                "finding-org": world.edu.pk,
                "finding-title": "<script>",
                "finding-detail": "\x00",
                "finding-working_days": "1e9",
            },
        ),
        ("/workbench/findings/circular.docx", {"finding": ["x", "999999"]}),
        ("/workbench/supervision/evaluations/", {"eval-org": world.edu.pk, "eval-score": "-1"}),
        ("/workbench/supervision/accountability/", {"acc-org": world.city.pk, "acc-conduct": "art52"}),
    ):
        assert client.post(url, data).status_code in (200, 302, 404), url
    for url in (
        "/workbench/supervision/cell/?org=abc&indicator=late",
        f"/workbench/supervision/cell/?org={world.edu.pk}&indicator=late&start=2026-13-01&end=x",
        "/workbench/supervision/?period=month&month=13&year=99999",
        f"/workbench/findings/{finding.pk}/evidence/1/",
    ):
        assert client.get(url).status_code in (200, 404), url
    assert Finding.objects.count() == 1 and Finding.objects.get().state == "open"
    refused = client.post(
        "/workbench/findings/open/", {"finding-org": world.edu.pk}, HTTP_REFERER="https://evil.example/x"
    )
    assert refused.status_code == 302 and refused["Location"] == "/workbench/findings/"


def test_a_report_with_figures_that_do_not_agree_shows_on_the_dashboard(world: World) -> None:
    from gongkai.reports import services as reports

    clerk = world.user("edu_clerk")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=YEAR)
    assert report.problem_count == 0
    report = reports.report_override(
        actor=clerk, report=report, table="三", row="NEW", column="NAT", value=5, reason="纸质登记簿另有"
    )
    assert report.problem_count > 0
    this_year = Period(dt.date(YEAR + 1, 1, 1), dt.date(YEAR + 1, 12, 31), "次年")
    board = selectors.dashboard(world.city, this_year, "年度报告", timezone.localdate())
    edu = next(r for r in board.rows if r.org == world.edu)
    assert {c.indicator.key: c.number for c in edu.cells}["report_problems"] == 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from([o.code for o in OUTCOMES]), st.integers(1, 5)), max_size=6))
def test_the_outcome_mix_accounts_for_every_reply(world: World, batches: list[tuple[str, int]]) -> None:
    """Table 三's rows partition the replies: the four shares' records add up to the replies."""
    Application.objects.all().delete()
    for outcome, n in batches:
        replied(world.edu, n, "on_time", outcome=outcome)
    board = selectors.dashboard(world.edu, PERIOD, "依申请公开", timezone.localdate())
    cells = {c.indicator.key: c for c in board.rows[0].cells}
    parts = sum(cells[k].number for k in ("granted", "withheld", "unable", "not_handled"))
    assert parts == cells["replied"].number == sum(n for _, n in batches)
