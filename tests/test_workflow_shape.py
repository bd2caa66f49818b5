"""Issue 19 §1 and §3: one shape for every workflow, one count of working days.

- Applications, catalogue items and annual reports are each a ``core.workflow.Workflow`` of
  ``Transition`` rows, over the states of their model, and every step runs through
  ``run_transition`` (an illegal or refused step changes nothing and logs nothing).
- A step's parameters are declared once: the API's request body and the workbench's forms are
  built from the table, and the service refuses what the table refuses (types, bounds, unknown
  parameters), with a code.
- Every step that names a letter issues exactly that letter.
- Working days are counted once (``calendars.counting``): the catalogue's period, the reply period
  and the shorter periods agree, and every deadline is one ``DeadlineResult`` that survives storage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from gongkai.api.applications import ActionSerializer
from gongkai.applications import clock, services
from gongkai.applications import workflow as applications
from gongkai.applications.deadlines import Pause, reply_due
from gongkai.applications.models import Application, Letter, State
from gongkai.calendars.counting import DeadlineResult, count_working_days
from gongkai.catalogue import workflow as catalogue
from gongkai.catalogue.models import DocumentState
from gongkai.core.errors import ApplicationError, IllegalTransition, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.core.workflow import Param, Transition, Workflow, lock, run_transition
from gongkai.reports import workflow as reports
from gongkai.reports.models import ReportState
from gongkai.workbench.step_forms import raw_params, step_form
from tests.conftest import World
from tests.test_application_deadlines import FakeCalendar, calendars, days
from tests.test_applications import RECEIVED, TODAY, applicant


@pytest.mark.parametrize(
    ("flow", "states"),
    [
        (applications.STAFF, State.values),
        (applications.APPLICANT, State.values),
        (catalogue.DOCUMENT, DocumentState.values),
        (reports.REPORT, ReportState.values),
    ],
)
def test_every_workflow_is_a_table_of_transitions_over_its_states(flow: Workflow, states: list[str]) -> None:
    assert isinstance(flow, Workflow) and flow.transitions
    for t in flow.transitions:
        assert isinstance(t, Transition)
        assert t.sources and set(t.sources) <= set(states) and t.target in states, t.action
        assert t.label and t.permission
        # A step is never offered twice from one state.
        assert sum(1 for u in flow.transitions if u.action == t.action and set(u.sources) & set(t.sources)) == 1


def test_the_api_body_is_built_from_the_table() -> None:
    declared = {p.name for t in applications.TRANSITIONS for p in t.params}
    assert set(ActionSerializer().fields) == declared | {"on", "reason"}
    days = ActionSerializer().fields["days"]
    assert (days.min_value, days.max_value) == (1, 20)  # Art. 33(2), as declared once


@pytest.mark.parametrize("step", applications.TRANSITIONS, ids=lambda t: t.action)
def test_the_workbench_form_of_each_step_is_built_from_the_table(step: Transition) -> None:
    form = step_form(step)
    names = {f.name for g in form.groups for f in g.fields if hasattr(f, "name")}
    rows = {f.param.name for g in form.groups for f in g.fields if not hasattr(f, "name")}
    assert names | rows == {p.name for p in step.params} | ({"reason"} if step.needs_reason else set()) | (
        {"on"} if step.date_label else set()
    )
    assert form.button == (step.button or step.label)


def test_a_form_reads_back_what_the_step_takes() -> None:
    step = applications.BY_ACTION["reply"]
    data = QueryDict(mutable=True)
    data.update({"reply_type": "PARTIAL", "text": "见附件", "competent_unknown": "1"})
    data.setlist("withheld_item", ["名单", ""])
    data.setlist("withheld_reason", ["个人隐私", ""])
    raw = raw_params(step, data)
    assert raw["withheld"] == [{"item": "名单", "reason": "个人隐私"}, {"item": "", "reason": ""}]
    assert raw["competent_unknown"] is True
    cleaned = step.clean(raw)
    assert cleaned["withheld"] == [{"item": "名单", "reason": "个人隐私"}]  # empty rows dropped
    assert cleaned["outcome"] == "" and cleaned["query_law"] == ""


def test_a_form_starts_from_what_the_record_holds() -> None:
    # Amending the reasons an applicant gave (Art. 35) starts from what was recorded before.
    step = applications.BY_ACTION["record_reasons"]
    recorded = Application(art35_reasons="申请人称用于学术研究")
    assert "申请人称用于学术研究" in str(step_form(step, record=recorded).groups[0].fields[0])
    assert "申请人称用于学术研究" not in str(step_form(step).groups[0].fields[0])


PERIOD = Param("period", "期限", kind="int", default=15, lo=1, hi=60, code="invalid_period")


@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_an_integer_parameter_takes_exactly_its_bounds(n: int) -> None:
    for sent in (n, str(n)):
        if 1 <= n <= 60:
            assert PERIOD.clean(sent) == n
        else:
            with pytest.raises(ValidationFailed) as refused:
                PERIOD.clean(sent)
            assert refused.value.code == "invalid_period" and refused.value.field == "period"


@given(st.one_of(st.text(max_size=30), st.floats(), st.booleans(), st.lists(st.integers(), max_size=2), st.none()))
def test_any_input_is_a_value_or_a_domain_error(raw: Any) -> None:
    """Whatever a form or a client sends, cleaning gives a value or a refusal with a code: never
    another exception (which a view would turn into a 500)."""
    for param in (
        PERIOD,
        Param("on", "日期", kind="date"),
        Param("text", "内容", kind="longtext", max_length=10),
        Param("kind", "类型", kind="choice", choices=lambda: [("a", "甲")]),
        Param("rows", "行", kind="rows", columns=(("x", "X"),)),
        Param("flag", "是否", kind="bool"),
    ):
        try:
            param.clean(raw)
        except ApplicationError as exc:
            assert exc.code and exc.field == param.name


def test_a_step_refuses_parameters_it_does_not_take() -> None:
    with pytest.raises(ValidationFailed) as refused:
        applications.BY_ACTION["accept"].clean({"days": 3})
    assert refused.value.code == "unknown_field"


@pytest.fixture
def case(world: World, monkeypatch: pytest.MonkeyPatch) -> Application:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return services.submit_online(org=world.edu, applicant=applicant(), secret="my-secret", today=RECEIVED).application


def test_a_refused_step_changes_nothing_and_logs_nothing(world: World, case: Application) -> None:
    clerk = world.user("edu_clerk")
    events = AuditEvent.objects.count()
    for action, params, error in (
        ("archive", {}, IllegalTransition),  # not from 已收到
        ("propose_extension", {"days": 30, "reason": "量大"}, IllegalTransition),  # not before acceptance
        ("request_correction", {"items": "文号", "period": 61}, ValidationFailed),  # beyond the declared bound
        ("request_correction", {"items": "文号", "typo": 1}, ValidationFailed),
        ("reply", {"reply_type": "NO_SUCH_TYPE"}, ValidationFailed),
    ):
        with pytest.raises(error):
            services.transition(actor=clerk, application=case, action=action, **params)
    case.refresh_from_db()
    assert case.state == State.RECEIVED and AuditEvent.objects.count() == events


def test_a_step_runs_only_on_a_row_locked_for_it(world: World, case: Application) -> None:
    # Two clerks acting at once take their steps one after the other only if the row is locked.
    with pytest.raises(RuntimeError, match="lock"), transaction.atomic():
        run_transition(
            applications.STAFF,
            Application.objects.get(pk=case.pk),
            action="accept",
            actor=world.user("edu_clerk"),
            raw={},
            today=TODAY,
            authorise=lambda step: None,
            handle=lambda step: None,
            snapshot=lambda obj: {},
        )
    case.refresh_from_db()
    assert case.state == State.RECEIVED


def test_each_step_issues_the_letter_its_row_names(world: World, case: Application) -> None:
    clerk = world.user("edu_clerk")
    taken = [
        ("request_correction", {"items": "请写明文号", "on": dt.date(2026, 11, 3)}),
        ("receive_correction", {"text": "文号为X", "on": dt.date(2026, 11, 4)}),
        ("consult", {"party": "某公司", "kind": "third_party", "on": dt.date(2026, 11, 5)}),
        ("end_consultation", {"opinion": "同意", "on": dt.date(2026, 11, 6)}),
        ("reply", {"reply_type": "NOT_EXIST", "on": dt.date(2026, 11, 9)}),
    ]
    for action, params in taken:
        before = set(Letter.objects.filter(application=case).values_list("kind", flat=True).distinct())
        count = Letter.objects.filter(application=case).count()
        services.transition(actor=clerk, application=case, action=action, **params)
        letters = list(Letter.objects.filter(application=case).order_by("id")[count:])
        expected = applications.BY_ACTION[action].letter
        assert [letter.kind for letter in letters] == ([expected] if expected else []), (action, before)


# --- one count of working days ---------------------------------------------------------------------


@given(days, calendars, st.integers(min_value=0, max_value=40))
def test_every_period_is_the_same_count(start: dt.date, cal: FakeCalendar, n: int) -> None:
    """The reply period is the count of 20 working days (plus the extension) that every other
    period uses; pauses only add the working days they cover."""
    assert reply_due(start, cal).due == count_working_days(cal, start, 20).due
    ext = min(n, 20)
    assert reply_due(start, cal, extension=ext).due == count_working_days(cal, start, 20 + ext).due
    assert reply_due(start, cal, pauses=[Pause(start, start)]).due == count_working_days(cal, start, 20).due


@given(days, calendars, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=20))
def test_a_deadline_survives_storage_with_its_explanation(start: dt.date, cal: FakeCalendar, n: int, ext: int) -> None:
    result = count_working_days(
        cal, start, n, extension=ext, pauses=[Pause(start, start + dt.timedelta(days=3), "征求第三方意见")]
    )
    stored = result.as_dict()
    assert DeadlineResult.from_dict(stored) == result
    assert stored["text"] == result.explain() and f"{result.due:%Y年%m月%d日}" in stored["text"]


@pytest.mark.django_db(transaction=True)
def test_a_step_locks_its_row_and_not_its_body(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cluster test found it: locking a case also locked its body's row (FOR UPDATE over the
    join), so a submission to the same body, whose foreign key takes KEY SHARE on that row at
    commit while holding the audit trail's lock, deadlocked with a clerk's step waiting for it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks exist on PostgreSQL only (SQLite locks the whole database)")
    import psycopg

    monkeypatch.setattr(clock, "today", lambda: TODAY)
    case = services.submit_online(org=world.edu, applicant=applicant(), secret="my-secret", today=RECEIVED).application
    s = connection.settings_dict
    other = psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"], autocommit=False)
    try:
        with transaction.atomic():
            lock(Application, case.pk)
            # Another session may still refer to the body, but not take the case.
            other.execute("SELECT 1 FROM orgs_organisation WHERE id = %s FOR KEY SHARE NOWAIT", [world.edu.pk])
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("SELECT 1 FROM applications_application WHERE id = %s FOR UPDATE NOWAIT", [case.pk])
            other.rollback()
    finally:
        other.close()
