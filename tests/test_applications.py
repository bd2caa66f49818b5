"""Applications (依申请公开): intake, the handling state machine, deadlines, fees, letters, appeals,
privacy. Services are exercised directly; the pages in test_application_pages.py and the browser."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.applications import access, clock, letters, render, selectors, services
from gongkai.applications.deadlines import Pause as PurePause
from gongkai.applications.deadlines import reply_due
from gongkai.applications.identity import check_character
from gongkai.applications.models import Application, ApplicationFile, Letter, LetterKind, State
from gongkai.applications.outcomes import REPLY_TYPES
from gongkai.applications.services import intake
from gongkai.applications.uploads import Upload
from gongkai.calendars.services import WorkingCalendar
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.demo.data import demo_credit_code
from gongkai.orgs.models import Role
from tests.conftest import make_org, make_user

TODAY = dt.date(2026, 12, 31)
RECEIVED = dt.date(2026, 11, 2)  # a Monday
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def person_id(serial: int = 1) -> str:
    first17 = f"11010519800101{serial:03d}"
    return first17 + check_character(first17)


def applicant(**over: Any) -> dict[str, Any]:
    data = {
        "applicant_type": "NAT",
        "applicant_name": "王小明",
        "id_number": person_id(),
        "phone": "13800138000",
        "email": "wang@example.com",
        "address": "呼和浩特市新城区某路1号",
        "postcode": "010010",
        "description": "2025年度部门预算及其说明",
        "delivery_form": "electronic",
        "delivery_way": "email",
    }
    data.update(over)
    return data


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    # The services refuse dates after today; tests fix today so that they never depend on the clock.
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def office(db: Any, today: dt.date) -> dict[str, Any]:
    org = make_org("呼和浩特市财政局", office_phone="0471-1234567", office_address="呼和浩特市新华大街1号")
    other = make_org("呼和浩特市教育局")
    return {
        "org": org,
        "other": other,
        "clerk": make_user("fin_clerk", org, Role.CLERK),
        "leader": make_user("fin_leader", org, Role.LEADER),
        "reviewer": make_user("fin_reviewer", org, Role.REVIEWER),
        "other_clerk": make_user("edu_clerk", other, Role.CLERK),
    }


def submit(org: Any, on: dt.date = RECEIVED, **over: Any) -> Application:
    return services.submit_online(org=org, applicant=applicant(**over), secret="my-secret", today=on).application


def step(app: Application, actor: Any, action: str, on: dt.date, **params: Any) -> Application:
    return services.transition(actor=actor, application=app, action=action, on=on, **params)


# --- intake -------------------------------------------------------------------------------------


def test_online_submission_gets_a_code_a_receipt_and_a_deadline(office: dict[str, Any]) -> None:
    app = submit(office["org"])
    assert app.state == State.RECEIVED and app.is_open
    assert app.received_on == RECEIVED and app.clock_start == RECEIVED
    # 20 working days after Monday 2 November 2026: Monday 30 November.
    assert app.due_date == dt.date(2026, 11, 30)
    assert "次日起算20个工作日" in app.due_explanation["text"]
    receipt = app.letters.get()
    assert receipt.kind == LetterKind.RECEIPT and app.tracking_code in "".join(receipt.body)
    assert AuditEvent.objects.filter(action="application.received", object_id=str(app.pk)).exists()
    # The secret is stored hashed, never as written.
    assert "my-secret" not in app.secret_hash


def test_the_applicant_proves_who_they_are_with_code_and_secret(office: dict[str, Any]) -> None:
    app = submit(office["org"])
    assert access.verify_applicant(app.tracking_code.lower(), "my-secret").pk == app.pk
    for code, secret in ((app.tracking_code, "wrong-secret"), ("2026-XXXX-XXXX", "my-secret")):
        with pytest.raises(PermissionDenied) as err:
            access.verify_applicant(code, secret)
        # The same answer either way: a code cannot be probed.
        assert err.value.message == "查询码或查询密码不正确。"


def test_secrets_are_hashed_with_the_applicant_hasher(office: dict[str, Any], settings: Any) -> None:
    settings.GONGKAI_SECRET_HASHER = "gk_scrypt"
    app = submit(office["org"])
    assert app.secret_hash.startswith("gk_scrypt$16384$") and "$8$1$" in app.secret_hash
    assert access.verify_applicant(app.tracking_code, "my-secret").pk == app.pk
    with pytest.raises(PermissionDenied):
        access.verify_applicant(app.tracking_code, "my-secreT")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("id_number", person_id()[:-1] + ("0" if person_id()[-1] != "0" else "1"), "invalid_id_number"),
        ("applicant_name", "", "required"),
        ("phone", "12", "invalid_phone"),
        ("description", "  ", "required"),
        ("delivery_way", "pigeon", "required"),
        ("email", "not-an-address", "invalid_email"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(office: dict[str, Any], field: str, value: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        submit(office["org"], **{field: value})
    assert err.value.code == code and err.value.field == field
    assert not Application.objects.exists()


def test_organisations_apply_with_a_credit_code_and_a_contact(office: dict[str, Any]) -> None:
    code = demo_credit_code("150100", 4242)
    with pytest.raises(ValidationFailed) as err:
        submit(office["org"], applicant_type="LAW", applicant_name="某律师事务所", id_number=code)
    assert err.value.field == "contact_person"
    app = submit(
        office["org"], applicant_type="LAW", applicant_name="某律师事务所", id_number=code, contact_person="李律师"
    )
    assert app.applicant_type == "LAW"
    with pytest.raises(ValidationFailed) as err:
        submit(
            office["org"], applicant_type="BIZ", applicant_name="某公司", id_number=code[:-1] + "Y", contact_person="李"
        )
    assert err.value.code == "invalid_credit_code"


def test_staff_register_by_channel_with_the_receipt_date_of_article_31(office: dict[str, Any]) -> None:
    clerk, org = office["clerk"], office["org"]
    mail = services.register(
        actor=clerk,
        org=org,
        channel="mail_signed",
        applicant=applicant(),
        submitted_on=dt.date(2026, 11, 1),
        signed_for_on=dt.date(2026, 11, 4),
    ).application
    assert mail.received_on == dt.date(2026, 11, 4)
    with pytest.raises(ValidationFailed) as err:
        services.register(actor=clerk, org=org, channel="mail_ordinary", applicant=applicant())
    assert err.value.code == "receipt_date_required"
    with pytest.raises(ValidationFailed) as err:
        services.register(actor=clerk, org=org, channel="fax", applicant=applicant(), confirmed_on=RECEIVED, oral=True)
    assert err.value.code == "oral_not_in_person"
    oral = services.register(
        actor=clerk, org=org, channel="in_person", applicant=applicant(), submitted_on=RECEIVED, oral=True
    ).application
    assert oral.oral and oral.registered_by == clerk
    with pytest.raises(PermissionDenied):
        services.register(
            actor=office["other_clerk"], org=org, channel="in_person", applicant=applicant(), submitted_on=RECEIVED
        )


def test_a_failure_in_the_middle_leaves_nothing(office: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full while writing the receipt")

    monkeypatch.setattr(intake, "issue_letter", broken)  # the receipt step of intake
    uploads = [Upload("scan.png", PNG), Upload("note.txt", "补充说明".encode())]
    with pytest.raises(RuntimeError):
        services.submit_online(
            org=office["org"], applicant=applicant(), secret="my-secret", uploads=uploads, today=RECEIVED
        )
    assert not Application.objects.exists() and not ApplicationFile.objects.exists()
    stored = Path(default_storage.path("applications"))
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))


def test_uploads_are_checked_by_type_content_and_size(office: dict[str, Any], settings: Any) -> None:
    org = office["org"]
    for upload, code in (
        (Upload("virus.exe", b"MZ..."), "file_type_not_allowed"),
        (Upload("photo.png", b"GIF89a not a png"), "file_content_mismatch"),
        (Upload("empty.txt", b""), "file_empty"),
        (Upload("fake.pdf", b"hello"), None),
    ):
        with pytest.raises(ValidationFailed) as err:
            services.submit_online(org=org, applicant=applicant(), secret="my-secret", uploads=[upload], today=RECEIVED)
        if code:
            assert err.value.code == code
    settings.GONGKAI_APPLICATION_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as err:
        services.submit_online(
            org=org, applicant=applicant(), secret="my-secret", uploads=[Upload("big.png", PNG * 2)], today=RECEIVED
        )
    assert err.value.code == "file_too_large"
    assert not Application.objects.exists()
    settings.GONGKAI_APPLICATION_UPLOAD_MAX_BYTES = 10_000
    app = services.submit_online(
        org=org, applicant=applicant(), secret="my-secret", uploads=[Upload("id.png", PNG)], today=RECEIVED
    ).application
    f = app.files.get()
    assert f.filename == "id.png" and f.size == len(PNG) and f.file.read() == PNG


# --- the state machine --------------------------------------------------------------------------


def test_correction_restarts_the_clock_and_is_asked_once_within_7_working_days(office: dict[str, Any]) -> None:
    clerk = office["clerk"]
    late = submit(office["org"])
    with pytest.raises(IllegalTransition) as err:
        step(late, clerk, "request_correction", dt.date(2026, 11, 12), items="文号")  # 8th working day
    assert err.value.code == "correction_too_late"
    app = submit(office["org"])
    app = step(app, clerk, "request_correction", dt.date(2026, 11, 11), items="请写明文号", period=10)
    assert app.state == State.CORRECTION_REQUESTED
    assert app.correction_due == dt.date(2026, 11, 25) and app.due_date == app.correction_due
    assert app.letters.filter(kind=LetterKind.CORRECTION).exists()
    corrected = services.applicant_submit_correction(
        application=app, text="呼财发〔2025〕3号", today=dt.date(2026, 11, 20)
    )
    assert corrected.state == State.IN_REVIEW and corrected.clock_start == dt.date(2026, 11, 20)
    # Art. 30: the 20 working days run again from the day the correction arrived.
    assert corrected.due_date == WorkingCalendar(office["org"]).add_working_days(dt.date(2026, 11, 20), 20).due
    with pytest.raises(IllegalTransition):
        step(corrected, clerk, "request_correction", dt.date(2026, 11, 23), items="again")


def test_no_correction_in_time_closes_the_case_as_abandoned(office: dict[str, Any]) -> None:
    clerk = office["clerk"]
    app = step(submit(office["org"]), clerk, "request_correction", dt.date(2026, 11, 3), items="文号", period=5)
    with pytest.raises(IllegalTransition) as err:
        step(app, clerk, "abandon", app.correction_due)
    assert err.value.code == "period_running"
    app = step(app, clerk, "abandon", app.correction_due + dt.timedelta(days=1))
    assert (app.state, app.outcome, app.is_open, app.due_date) == (State.CLOSED, "O1", False, None)
    assert app.letters.filter(kind=LetterKind.CLOSURE).exists()


def test_consultation_time_does_not_count(office: dict[str, Any]) -> None:
    clerk = office["clerk"]
    app = step(submit(office["org"]), clerk, "accept", RECEIVED)
    base = app.due_date
    app = step(app, clerk, "consult", dt.date(2026, 11, 4), party="某公司", kind="third_party")
    assert app.state == State.CONSULTING
    letter = app.letters.get(kind=LetterKind.CONSULTATION)
    assert not letter.to_applicant and letter.recipient == "某公司"
    app = step(app, clerk, "end_consultation", dt.date(2026, 11, 11), opinion="不同意公开")
    # Wednesday 4th still counts; Thursday 5th to Wednesday 11th (5 working days) do not.
    cal = WorkingCalendar(office["org"])
    assert app.due_date == cal.add_working_days(base, 5).due
    assert "征求第三方意见期间5个工作日不计算在内" in app.due_explanation["text"]


def test_extension_needs_the_heads_approval_and_is_at_most_20_days(office: dict[str, Any]) -> None:
    clerk, leader = office["clerk"], office["leader"]
    app = step(submit(office["org"]), clerk, "accept", RECEIVED)
    with pytest.raises(ValidationFailed) as err:
        step(app, clerk, "propose_extension", dt.date(2026, 11, 20), days=21, reason="量大")
    assert err.value.code == "invalid_extension"
    with pytest.raises(ValidationFailed):
        step(app, clerk, "propose_extension", dt.date(2026, 11, 20), days=10)  # no reason
    app = step(app, clerk, "propose_extension", dt.date(2026, 11, 20), days=10, reason="需要调取档案")
    assert app.extension_days == 0 and app.due_date == dt.date(2026, 11, 30)
    with pytest.raises(PermissionDenied):
        step(app, clerk, "approve_extension", dt.date(2026, 11, 23))
    app = step(app, leader, "approve_extension", dt.date(2026, 11, 23))
    assert app.extension_days == 10 and app.extension_approved_by == leader
    assert app.due_date == dt.date(2026, 12, 14)
    assert app.letters.filter(kind=LetterKind.EXTENSION).exists()
    assert "经批准延长10个工作日" in app.due_explanation["text"]
    with pytest.raises(IllegalTransition):
        step(app, clerk, "propose_extension", dt.date(2026, 11, 24), days=5, reason="再延")


def test_fees_follow_the_monthly_count_and_the_page_scale(office: dict[str, Any]) -> None:
    clerk, org = office["clerk"], office["org"]
    apps = [submit(org, on=dt.date(2026, 11, 2) + dt.timedelta(days=i % 3)) for i in range(11)]
    first = step(apps[0], clerk, "accept", dt.date(2026, 11, 5))
    with pytest.raises(IllegalTransition) as err:
        step(first, clerk, "fee_notice", dt.date(2026, 11, 5))
    assert err.value.code == "no_fee_due"
    eleventh = max(apps, key=lambda a: (a.received_on, a.pk))
    eleventh = step(eleventh, clerk, "accept", dt.date(2026, 11, 5))
    eleventh = step(eleventh, clerk, "fee_notice", dt.date(2026, 11, 5))
    assert (eleventh.month_seq, eleventh.fee_yuan, eleventh.fee_scale) == (11, 100, "case")
    assert eleventh.state == State.FEE_NOTICE_SENT and eleventh.letters.filter(kind=LetterKind.FEE).exists()
    with pytest.raises(IllegalTransition):
        step(eleventh, clerk, "fee_lapsed", eleventh.fee_due)
    paid = step(eleventh, clerk, "fee_paid", dt.date(2026, 11, 10))
    assert paid.state == State.IN_REVIEW
    # The days waiting for payment (6th to 10th: 3 working days) do not count.
    assert paid.due_date == WorkingCalendar(org).add_working_days(paid.received_on, 23).due
    other = step(apps[1], clerk, "accept", dt.date(2026, 11, 5))
    other = step(other, clerk, "fee_notice", dt.date(2026, 11, 5), pages=101)
    assert (other.fee_yuan, other.fee_scale) == (720, "page")
    lapsed = step(other, clerk, "fee_lapsed", other.fee_due + dt.timedelta(days=1))
    assert (lapsed.state, lapsed.outcome) == (State.CLOSED, "O2")


def test_a_partial_reply_lists_what_was_withheld_and_why(office: dict[str, Any]) -> None:
    clerk = office["clerk"]
    app = step(submit(office["org"]), clerk, "accept", RECEIVED)
    with pytest.raises(ValidationFailed) as err:
        step(app, clerk, "reply", dt.date(2026, 11, 20), reply_type="PARTIAL", text="见附件")
    assert err.value.code == "withheld_required"
    with pytest.raises(ValidationFailed) as err:
        step(app, clerk, "reply", dt.date(2026, 11, 20), reply_type="WITHHOLD", outcome="GRANT", text="x")
    assert err.value.code == "outcome_mismatch"
    app = step(
        app,
        clerk,
        "reply",
        dt.date(2026, 11, 20),
        reply_type="PARTIAL",
        text="预算表见附件",
        withheld=[{"item": "第3页人员名单", "reason": "涉及个人隐私（第十五条）"}],
    )
    assert (app.state, app.outcome, app.outcome_basis) == (State.REPLIED, "PARTIAL", "第三十七条")
    reply = app.letters.get(kind=LetterKind.REPLY)
    text = "\n".join(reply.body)
    assert "第3页人员名单：涉及个人隐私（第十五条）" in text
    assert "60日内依法申请行政复议" in text and "6个月内依法向人民法院提起行政诉讼" in text
    app = step(app, clerk, "archive", dt.date(2026, 11, 21))
    assert app.state == State.ARCHIVED and app.archived_on == dt.date(2026, 11, 21)


@pytest.mark.parametrize("reply_type", sorted(REPLY_TYPES))
def test_every_reply_type_gives_a_letter_citing_its_basis(office: dict[str, Any], reply_type: str) -> None:
    clerk = office["clerk"]
    app = submit(office["org"])
    if reply_type == "STILL_UNCLEAR":
        app = step(app, clerk, "request_correction", RECEIVED, items="文号")
        app = services.applicant_submit_correction(application=app, text="不知道", today=dt.date(2026, 11, 5))
    outcomes = [o for o in REPLY_TYPES[reply_type][1] if o not in ("O1", "O2")]
    withheld = [{"item": "第2页", "reason": "第十五条"}] if reply_type == "PARTIAL" else None
    app = step(
        app,
        clerk,
        "reply",
        dt.date(2026, 11, 10),
        reply_type=reply_type,
        outcome=outcomes[-1],
        text="理由",
        withheld=withheld,
        competent_body="某市自然资源局，电话0471-0000000" if reply_type == "NOT_THIS_BODY" else "",
        **(
            {"query_law": "《不动产登记暂行条例》", "query_where": "市不动产登记中心"}
            if reply_type == "QUERY_PROCEDURE"
            else {}
        ),
    )
    assert app.outcome == outcomes[-1]
    body = "\n".join(app.letters.get(kind=LetterKind.REPLY).body)
    assert "《中华人民共和国政府信息公开条例》" in body and "60日内" in body
    if app.outcome_basis:
        assert app.outcome_basis.split("、")[0].split("第（")[0] in body


def test_petitions_are_closed_as_such_in_row_n1(office: dict[str, Any]) -> None:
    app = step(
        submit(office["org"], description="举报某单位违规收费"),
        office["clerk"],
        "not_gi",
        RECEIVED,
        text="请向12345热线反映",
    )
    assert (app.state, app.outcome, app.is_open) == (State.CLOSED, "N1", False)
    assert "第三十九条第一款" in "".join(app.letters.get(kind=LetterKind.NOT_GI).body)


def test_a_consultation_is_answered_and_closed_as_such_in_row_o3(office: dict[str, Any]) -> None:
    """Issue 21 §6, the reverse of turning a message into an application: an "application" that asks
    a question is answered as a consultation, with its own letter, and counted as 其他处理."""
    with pytest.raises(ValidationFailed):  # the answer is the point of the step
        step(submit(office["org"]), office["clerk"], "answer_enquiry", RECEIVED, text="")
    app = step(
        submit(office["org"], description="请问小学入学需要准备哪些材料？"),
        office["clerk"],
        "answer_enquiry",
        RECEIVED,
        text="需准备户口簿、房产证明和儿童预防接种证。",
    )
    assert (app.state, app.outcome, app.reply_type, app.is_open) == (State.CLOSED, "O3", "CLOSED", False)
    letter = "".join(app.letters.get(kind=LetterKind.ENQUIRY).body)
    assert "不作为政府信息公开申请处理" in letter and "需准备户口簿" in letter
    assert app.timeliness  # answered on the day: counted in the year's 办结时效 like a reply


def test_illegal_steps_change_nothing(office: dict[str, Any]) -> None:
    clerk = office["clerk"]
    app = submit(office["org"])
    events = AuditEvent.objects.count()
    for action in ("receive_correction", "end_consultation", "fee_paid", "archive", "approve_extension"):
        with pytest.raises(IllegalTransition):
            step(app, clerk, action, RECEIVED)
    with pytest.raises(PermissionDenied):
        step(app, office["other_clerk"], "accept", RECEIVED)
    with pytest.raises(ValidationFailed):
        step(app, clerk, "accept", TODAY + dt.timedelta(days=1))
    app.refresh_from_db()
    assert app.state == State.RECEIVED and AuditEvent.objects.count() == events


# --- deadlines, as properties -------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start_offset=st.integers(min_value=0, max_value=60),
    pause_at=st.integers(min_value=0, max_value=15),
    pause_len=st.integers(min_value=0, max_value=15),
    extension=st.integers(min_value=0, max_value=20),
)
def test_a_pause_inside_the_period_moves_the_due_date_by_exactly_its_working_days(
    db: Any, start_offset: int, pause_at: int, pause_len: int, extension: int
) -> None:
    """On the real calendar (holidays and make-up days loaded): pausing k working days in the
    running period moves the due date by exactly k working days, with or without an extension."""
    cal = WorkingCalendar(None)
    start = dt.date(2026, 9, 1) + dt.timedelta(days=start_offset)
    begin = cal.add_working_days(start, pause_at).due if pause_at else start
    end = cal.add_working_days(begin, pause_len).due if pause_len else begin
    plain = reply_due(start, cal, extension=extension)
    paused = reply_due(start, cal, pauses=[PurePause(begin, end)], extension=extension)
    assert paused.paused_days == pause_len
    assert paused.due == (cal.add_working_days(plain.due, pause_len).due if pause_len else plain.due)


# --- privacy ------------------------------------------------------------------------------------


def test_lists_mask_personal_data_and_every_reveal_is_logged(office: dict[str, Any]) -> None:
    app = submit(office["org"])
    shown = selectors.masked(app)
    assert shown["applicant_name"] == "王**" and app.id_number not in str(shown) and "13800138000" not in str(shown)
    rows, total = selectors.inbox(office["clerk"], office["org"], today=RECEIVED)
    assert total == 1 and rows[0].applicant == "王**"
    data = services.reveal_personal_data(actor=office["reviewer"], application=app, reason="核对身份")
    assert data["id_number"] == app.id_number
    event = AuditEvent.objects.get(action="application.reveal")
    assert event.actor == office["reviewer"] and event.reason == "核对身份"
    with pytest.raises(PermissionDenied):
        services.reveal_personal_data(actor=office["other_clerk"], application=app)
    # The trail never holds the personal data itself.
    assert not AuditEvent.objects.filter(after__icontains=app.id_number).exists()


def test_supervisors_read_but_cannot_reveal(office: dict[str, Any]) -> None:
    city = make_org("呼和浩特市人民政府", kind="city")
    dept = make_org("呼和浩特市民政局", parent=city)
    supervisor = make_user("city_supervisor", city, Role.SUPERVISOR)
    app = submit(dept)
    assert selectors.staff_application(supervisor, app.pk) == app
    rows, _ = selectors.inbox(supervisor, dept, today=RECEIVED)
    assert [r.app.pk for r in rows] == [app.pk]
    with pytest.raises(PermissionDenied):
        services.reveal_personal_data(actor=supervisor, application=app)


# --- the inbox, repeated applications -----------------------------------------------------------


def test_inbox_is_sorted_by_due_date_with_marks(office: dict[str, Any]) -> None:
    org, clerk = office["org"], office["clerk"]
    old = submit(org, on=dt.date(2026, 10, 9))
    soon = submit(org, on=dt.date(2026, 11, 2))
    fresh = submit(org, on=dt.date(2026, 11, 20))
    closed = step(submit(org, on=dt.date(2026, 10, 1)), clerk, "not_gi", dt.date(2026, 10, 9))
    rows, total = selectors.inbox(clerk, org, today=dt.date(2026, 11, 26))
    assert total == 3 and [r.app.pk for r in rows] == [old.pk, soon.pk, fresh.pk]
    assert [r.due_mark for r in rows] == ["overdue", "due_soon", ""]
    assert closed.pk not in [r.app.pk for r in rows]


def test_the_clerk_sees_earlier_and_similar_applications(office: dict[str, Any]) -> None:
    org = office["org"]
    first = submit(org, on=dt.date(2026, 10, 9), description="2025年度部门预算及其说明")
    submit(org, on=dt.date(2026, 10, 12), description="某路段修缮工程招标文件", id_number=person_id(7))
    again = submit(org, on=dt.date(2026, 11, 2), description="2025年度部门预算和说明")
    assert [a.pk for a in selectors.applicant_history(office["clerk"], again)] == [first.pk]
    similar = selectors.similar_applications(again)
    assert [a.pk for a, _ in similar] == [first.pk] and similar[0][1] >= 0.5
    assert selectors.monthly_count(again) == 1 and selectors.monthly_count(first) == 1


# --- appeals ------------------------------------------------------------------------------------


def test_reconsideration_and_litigation_are_recorded_with_results(office: dict[str, Any]) -> None:
    clerk = office["clerk"]
    app = submit(office["org"])
    with pytest.raises(ValidationFailed):
        services.appeal_record(
            actor=clerk, application=app, kind="reconsideration", filed_on=RECEIVED, authority="市政府"
        )
    app = step(app, clerk, "reply", dt.date(2026, 11, 10), reply_type="NOT_EXIST", text="")
    appeal = services.appeal_record(
        actor=clerk,
        application=app,
        kind="reconsideration",
        filed_on=dt.date(2026, 11, 20),
        authority="呼和浩特市人民政府",
    )
    assert appeal.result == "pending"
    with pytest.raises(ValidationFailed):
        services.appeal_decide(actor=clerk, appeal=appeal, result="upheld", decided_on=dt.date(2026, 11, 1))
    appeal = services.appeal_decide(actor=clerk, appeal=appeal, result="corrected", decided_on=dt.date(2026, 12, 20))
    assert appeal.result == "corrected"
    assert AuditEvent.objects.filter(action="appeal.decided", object_id=str(appeal.pk)).exists()


# --- letters ------------------------------------------------------------------------------------


def test_templates_edit_only_the_fill_in_regions(office: dict[str, Any]) -> None:
    org = office["org"]
    admin = make_user("fin_admin", org, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.letter_template_save(actor=office["clerk"], org=org, kind="reply", regions={"note": "x"})
    with pytest.raises(ValidationFailed) as err:
        services.letter_template_save(actor=admin, org=org, kind="reply", regions={"rights": "不得复议"})
    assert err.value.code == "invalid_region"
    with pytest.raises(ValidationFailed):
        services.letter_template_save(actor=admin, org=org, kind="reply", regions={"note": "{reply_paragraphs}"})
    services.letter_template_save(
        actor=admin,
        org=org,
        kind="reply",
        regions={"contact": "经办人：赵科长，电话{office_phone}。", "note": "特此告知。"},
    )
    app = step(submit(org), office["clerk"], "reply", dt.date(2026, 11, 10), reply_type="DISCLOSE", text="见附件")
    body = app.letters.get(kind=LetterKind.REPLY).body
    assert "经办人：赵科长，电话0471-1234567。" in body and "特此告知。" in body
    # The locked wording is there whatever the template says.
    assert any("第三十六条第（二）项" in p for p in body)
    assert letters.rights("答复", org) in body


def test_an_applicants_braces_are_never_read_as_placeholders(office: dict[str, Any]) -> None:
    app = submit(office["org"], description="关于{office_phone}和{reply_text}的文件")
    assert "关于{office_phone}和{reply_text}的文件" in "".join(app.letters.get().body)


@pytest.mark.skipif(render.chromium_path() is None, reason="Chromium is not installed (make system-deps)")
def test_letters_render_to_docx_and_pdf_with_cjk_fonts_embedded(office: dict[str, Any]) -> None:
    from docx import Document
    from pypdf import PdfReader

    app = submit(office["org"])
    letter = app.letters.get()
    data, name, ctype = render.download(letter, "docx")
    assert name.endswith(".docx") and ctype.endswith("document")
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert letter.title in text and app.tracking_code in text
    pdf, _, _ = render.download(letter, "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    extracted = "".join(page.extract_text() for page in reader.pages)
    assert "登记回执" in extracted and app.tracking_code in extracted
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type3":
                # A Type 3 font carries its glyphs as drawing procedures inside the PDF itself.
                fonts.append(("Type3", "/CharProcs" in font))
                continue
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font)["/FontDescriptor"].get_object()
            fonts.append((str(font["/BaseFont"]), any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))))
    assert any("UMing" in name for name, _ in fonts), fonts
    assert all(embedded for _, embedded in fonts), fonts
    # Rendered once and kept with the letter.
    letter.refresh_from_db()
    assert letter.pdf and letter.docx
    assert Letter.objects.filter(pk=letter.pk, pdf="").count() == 0


def test_a_deadline_in_a_year_not_yet_loaded_is_marked_provisional(office: dict[str, Any]) -> None:
    from gongkai.calendars.models import CalendarYear

    first_unloaded = max(CalendarYear.objects.filter(is_complete=True).values_list("year", flat=True)) + 1
    app = submit(office["org"], on=dt.date(first_unloaded - 1, 12, 20))
    assert app.due_date.year == first_unloaded and app.due_explanation["provisional"]
    assert f"{first_unloaded}年节假日安排尚未载入，本期限为暂定" in app.due_explanation["text"]
    early = submit(office["org"], on=dt.date(first_unloaded - 1, 3, 2))
    assert not early.due_explanation["provisional"] and "暂定" not in early.due_explanation["text"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    received_offset=st.integers(min_value=0, max_value=300),
    notice_after=st.integers(min_value=0, max_value=7),
    corrected_after=st.integers(min_value=0, max_value=40),
)
def test_the_reply_clock_starts_again_from_the_corrected_application(
    office: dict[str, Any], received_offset: int, notice_after: int, corrected_after: int
) -> None:
    """Art. 30: whatever happened before, once the correction arrives the reply is due 20 working
    days after that day; the request itself must come within 7 working days of receipt."""
    cal = WorkingCalendar(office["org"])
    received = dt.date(2025, 1, 2) + dt.timedelta(days=received_offset)
    app = submit(office["org"], on=received)
    notice = cal.add_working_days(received, notice_after).due if notice_after else received
    app = step(app, office["clerk"], "request_correction", notice, items="文号", period=60)
    corrected_on = notice + dt.timedelta(days=corrected_after)
    app = services.applicant_submit_correction(application=app, text="补正", today=corrected_on)
    assert app.clock_start == corrected_on
    assert app.due_date == cal.add_working_days(corrected_on, 20).due


# --- readings settled after the first release (spec §9; issue 18 §7, §8, §12) -------------------


def test_an_extension_is_decided_before_the_reply_deadline(office: dict[str, Any]) -> None:
    """Art. 33(2): an extension proposed in time but approved after the deadline is refused."""
    clerk, leader = office["clerk"], office["leader"]
    app = step(submit(office["org"]), clerk, "accept", RECEIVED)
    assert app.due_date == dt.date(2026, 11, 30)
    app = step(app, clerk, "propose_extension", dt.date(2026, 11, 27), days=10, reason="需要调取档案")
    with pytest.raises(IllegalTransition) as late:
        step(app, leader, "approve_extension", dt.date(2026, 12, 1))
    assert late.value.code == "already_overdue" and "2026年11月30日" in late.value.message
    app.refresh_from_db()
    assert app.extension_days == 0 and app.extension_proposed_days == 10
    approved = step(app, leader, "approve_extension", dt.date(2026, 11, 30))  # the last day still counts
    assert approved.extension_days == 10


def test_correction_may_be_requested_after_acceptance_within_seven_working_days(office: dict[str, Any]) -> None:
    """Art. 30: 补正 within 7 working days of receipt, whether or not the case was accepted."""
    clerk = office["clerk"]
    app = step(submit(office["org"]), clerk, "accept", RECEIVED)
    corrected = step(app, clerk, "request_correction", dt.date(2026, 11, 11), items="请写明学段")
    assert corrected.state == State.CORRECTION_REQUESTED
    late = step(submit(office["org"]), clerk, "accept", RECEIVED)
    with pytest.raises(IllegalTransition) as err:
        step(late, clerk, "request_correction", dt.date(2026, 11, 12), items="请写明学段")
    assert err.value.code == "correction_too_late"


def test_the_monthly_count_is_per_charging_body(office: dict[str, Any]) -> None:
    """国办函〔2020〕109号 Art. 4 as settled in spec §9: applications to other bodies do not count."""
    org, other = office["org"], office["other"]
    for i in range(5):
        submit(other, on=dt.date(2026, 11, 2) + dt.timedelta(days=i))
    first_here = submit(org, on=dt.date(2026, 11, 9))
    assert first_here.month_seq == 1 and selectors.monthly_count(first_here) == 1
    second_here = submit(org, on=dt.date(2026, 11, 10))
    assert second_here.month_seq == 2 and selectors.monthly_count(second_here) == 2


def test_the_fee_notice_goes_out_within_the_reply_period_and_says_how_to_pay(office: dict[str, Any]) -> None:
    clerk, org = office["clerk"], office["org"]
    apps = [submit(org, on=dt.date(2026, 11, 2)) for _ in range(11)]
    eleventh = step(apps[-1], clerk, "accept", dt.date(2026, 11, 3))
    with pytest.raises(IllegalTransition) as late:
        step(eleventh, clerk, "fee_notice", dt.date(2026, 12, 1))
    assert late.value.code == "fee_notice_too_late"
    noticed = step(eleventh, clerk, "fee_notice", dt.date(2026, 11, 30))
    text = "".join(noticed.letters.get(kind=LetterKind.FEE).body)
    assert "缴费方式：持本通知书到" in text and org.office_address in text


def test_supervisors_see_counts_below_them_and_heads_see_their_queue(world: Any, monkeypatch: Any) -> None:
    """Issue 18 §4, §5: the head of the office sees the extensions waiting for approval; a
    supervisor sees, per body below it, open, due-soon and overdue applications, and no name."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    clerk, leader = world.user("edu_clerk"), world.user("edu_leader")
    old = step(submit(world.edu, on=dt.date(2026, 11, 2)), clerk, "accept", dt.date(2026, 11, 3))
    submit(world.edu, on=dt.date(2026, 12, 28))
    submit(world.health, on=dt.date(2026, 12, 30))
    old = step(old, clerk, "propose_extension", dt.date(2026, 11, 27), days=5, reason="档案在外地")
    assert [a.pk for a in selectors.awaiting_head(leader)] == [old.pk]
    assert selectors.awaiting_head(clerk) == [] and selectors.awaiting_head(world.user("health_leader")) == []
    loads = selectors.oversight_overview(world.user("city_supervisor"), today=TODAY)
    by_org = {load.org.slug: (load.open, load.due_soon, load.overdue) for load in loads}
    assert by_org == {"edu": (2, 0, 1), "health": (1, 0, 0)}
    assert loads[0].org == world.edu  # the most overdue first
    assert selectors.oversight_overview(clerk, today=TODAY) == []
    assert selectors.oversight_overview(world.user("outsider"), today=TODAY) == []
    # This year's replies, by the timeliness recorded at each (issue 18 §13); a body with replies
    # and nothing open is listed too.
    late = step(submit(world.health, on=dt.date(2026, 11, 2)), world.user("health_clerk"), "accept", RECEIVED)
    step(late, world.user("health_clerk"), "reply", dt.date(2026, 12, 3), reply_type="NOT_EXIST")
    step(old, clerk, "reply", dt.date(2026, 11, 30), reply_type="NOT_EXIST")
    loads = selectors.oversight_overview(world.user("city_supervisor"), today=TODAY)
    assert {load.org.slug: (load.on_time, load.extended, load.late) for load in loads} == {
        "edu": (1, 0, 0),
        "health": (0, 0, 1),
    }


def test_every_reply_records_whether_it_was_on_time(office: dict[str, Any]) -> None:
    """Issue 18 §13 (Art. 33): on time, within an approved extension, or late by N working days,
    against the deadline of the day of the reply."""
    clerk, leader = office["clerk"], office["leader"]
    reply = {"reply_type": "DISCLOSE", "text": "所需信息见本答复书所附文件。"}
    on_time = step(
        step(submit(office["org"]), clerk, "accept", RECEIVED), clerk, "reply", dt.date(2026, 11, 30), **reply
    )
    assert (on_time.timeliness, on_time.late_working_days, on_time.reply_due) == ("on_time", 0, dt.date(2026, 11, 30))
    extended = step(submit(office["org"]), clerk, "accept", RECEIVED)
    extended = step(extended, clerk, "propose_extension", dt.date(2026, 11, 20), days=10, reason="需要调取档案")
    extended = step(extended, leader, "approve_extension", dt.date(2026, 11, 23))
    extended = step(extended, clerk, "reply", dt.date(2026, 12, 3), **reply)
    assert (extended.timeliness, extended.reply_due) == ("extended", dt.date(2026, 12, 14))
    late = step(submit(office["org"]), clerk, "accept", RECEIVED)
    late = step(late, clerk, "reply", dt.date(2026, 12, 3), **reply)  # Tue 1, Wed 2, Thu 3 December
    assert (late.timeliness, late.late_working_days) == ("late", 3)
    assert "逾期答复" in late.get_timeliness_display()

    # The annual report counts 按时办结, 延期办结 and 逾期办结 from these records (section 六).
    from gongkai.reports import documents, presentation
    from gongkai.reports import services as reports

    admin = make_user("fin_reporter", office["org"], Role.CLERK)
    report = reports.report_prepare(actor=admin, org=office["org"], year=2026)
    assert report.computed["self"]["timeliness"] == {
        "on_time": 1,
        "extended": 1,
        "delayed": 0,
        "late": 1,
        "late_days": 3,
        "proactive": 0,
    }
    sentence = presentation.report_context(report)["timeliness_text"]
    assert sentence.startswith(
        "本年度答复的政府信息公开申请中，按时办结1件，延期办结1件，逾期办结1件（合计逾期3个工作日）"
    )
    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(documents.to_docx(report))).paragraphs)
    assert sentence in text
