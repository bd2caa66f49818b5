"""Issue 21 §1: 政策解读 linked to the policy it interprets, shown on both pages, and the rule of
三同步 checked from the records (the to-do list, the figures, the share)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.calendars.services import WorkingCalendar
from gongkai.catalogue import interpretation
from gongkai.catalogue import services as doc_services
from gongkai.catalogue.models import Document
from gongkai.core.errors import IllegalTransition, ValidationFailed
from gongkai.orgs.selectors import bodies_seen_by
from tests.conftest import World, draft, publish

pytestmark = pytest.mark.django_db
POLICY_DAY = dt.date(2026, 3, 10)  # a Tuesday


def policy(
    world: World, title: str = "呼和浩特市中小学校学生欺凌防治办法", on: dt.date = POLICY_DAY, **kw: Any
) -> Document:
    return publish(world, draft(world, title=title, instrument="normative", **kw), on=on)


def interpret(world: World, of: Document, *, on: dt.date | None = POLICY_DAY, **kw: Any) -> Document:
    doc = draft(
        world,
        title=f"《{of.title}》政策解读",
        doc_number="",
        interprets=of.index_number or str(of.pk),
        interpretation_form=kw.pop("interpretation_form", "text"),
        interpreter=kw.pop("interpreter", "official"),
        **kw,
    )
    return publish(world, doc, on=on) if on else doc


def test_an_interpretation_is_linked_to_its_policy_and_shown_on_both_pages(world: World) -> None:
    norm = policy(world)
    reading = interpret(world, norm, interpreter="expert")
    assert reading.interprets == norm and list(interpretation.public_interpretations(norm)) == [reading]
    client = Client()
    policy_page = client.get(f"/xxgk/edu/content/{norm.pk}/").content.decode()
    assert "政策解读" in policy_page and f"/xxgk/edu/content/{reading.pk}/" in policy_page
    reading_page = client.get(f"/xxgk/edu/content/{reading.pk}/").content.decode()
    assert f'本文是对<a href="/xxgk/edu/content/{norm.pk}/">《{norm.title}》</a>的解读' in reading_page
    assert "文字解读（专家解读）" in reading_page
    item = client.get(f"/api/v1/items/{norm.pk}").json()
    assert [i["id"] for i in item["interpretations"]] == [reading.pk] and item["interprets"] is None
    assert item["interpretations"][0]["form"] == "text" and item["instrument"] == "normative"
    assert client.get(f"/api/v1/items/{reading.pk}").json()["interprets"]["id"] == norm.pk
    # The trail records the link by the policy's index number.
    from gongkai.core.models import AuditEvent

    created = AuditEvent.objects.get(action="document.created", object_id=str(reading.pk))
    assert created.after["interprets"] == norm.index_number


def test_what_an_interpretation_may_name(world: World) -> None:
    norm = policy(world)
    with pytest.raises(ValidationFailed) as err:
        draft(world, interprets="11150100MB0000000X/2026-99999", interpretation_form="text")
    assert err.value.field == "interprets"
    with pytest.raises(ValidationFailed) as err:
        draft(world, interpretation_form="text")  # a form without a policy
    assert err.value.field == "interprets"
    with pytest.raises(ValidationFailed) as err:
        draft(world, interprets=norm.index_number)  # a policy without a form
    assert err.value.field == "interpretation_form"
    with pytest.raises(ValidationFailed) as err:
        draft(world, interprets=norm.index_number, interpretation_form="video")
    assert err.value.field == "video_url"
    with pytest.raises(ValidationFailed) as err:
        draft(world, interprets=norm.index_number, interpretation_form="video", video_url="javascript:alert(1)")
    assert err.value.code == "invalid_url"
    reading = interpret(world, norm)
    with pytest.raises(ValidationFailed) as err:  # an interpretation of an interpretation
        draft(world, interprets=reading.index_number, interpretation_form="qa")
    assert "本身是一份解读" in err.value.message
    # Another body's draft cannot be named (it cannot even be seen); its published items can.
    other_draft = draft(world, org=world.health, title="卫生健康委草稿")
    other_draft = doc_services.document_transition(
        actor=world.user("health_clerk"), document=other_draft, action="submit"
    )
    with pytest.raises(ValidationFailed):
        draft(world, interprets=str(other_draft.pk), interpretation_form="text")
    other = publish(world, draft(world, org=world.health, title="卫生健康委规范性文件", instrument="normative"))
    assert interpret(world, other, on=None).interprets == other
    # Clearing the link makes the item an ordinary one again.
    plain = doc_services.document_update(
        actor=world.user("edu_clerk"),
        document=interpret(world, other, on=None),
        interprets="",
        interpretation_form="",
        interpreter="",
    )
    assert plain.interprets is None


def test_an_interpretation_drafted_with_its_policy_waits_for_it(world: World) -> None:
    norm = draft(world, title="呼和浩特市校外培训机构管理办法", instrument="normative")
    reading = interpret(world, norm, on=None)  # 三同步: drafted together, before the policy is out
    for action, who in (("submit", "edu_clerk"), ("review", "edu_reviewer"), ("approve", "edu_leader")):
        reading = doc_services.document_transition(actor=world.user(who), document=reading, action=action)
    with pytest.raises(IllegalTransition) as err:
        doc_services.document_transition(actor=world.user("edu_clerk"), document=reading, action="publish")
    assert err.value.code == "policy_not_published"
    publish(world, norm, on=POLICY_DAY)
    reading = doc_services.document_transition(
        actor=world.user("edu_clerk"), document=reading, action="publish", on=POLICY_DAY
    )
    assert reading.state == "published"


def test_three_syncs_figures_to_do_list_and_share(world: World) -> None:
    on_time = policy(world, "办法甲")
    interpret(world, on_time, on=POLICY_DAY)
    late = policy(world, "办法乙")
    interpret(world, late, on=dt.date(2026, 3, 31))  # 15 working days later
    missing = policy(world, "办法丙")
    policy(world, "办法丁", validity="repealed", repealed_date=dt.date(2026, 3, 20))
    publish(world, draft(world, title="普通通知"))  # neither 规章 nor 规范性文件: not counted
    (edu,) = [f for f in interpretation.figures_by_body([world.edu, world.health], 2026) if f.policies]
    assert (edu.org, edu.policies, edu.interpreted, edu.synchronous, edu.missing) == (world.edu, 4, 2, 1, 2)
    assert edu.share == 0.5 and edu.synchronous_share == 0.25
    statuses = {r.policy.title: r.status for r in edu.rows}
    assert statuses == {"办法甲": "synchronous", "办法乙": "late", "办法丙": "missing", "办法丁": "missing"}
    # The to-do list: in force and without an interpretation (the repealed one is no longer to do).
    assert [r.policy for r in interpretation.awaiting_interpretation(world.user("edu_clerk"))] == [missing]
    assert interpretation.awaiting_interpretation(world.user("health_clerk")) == []
    assert interpretation.awaiting_count(world.user("edu_leader")) == 1
    # The supervisor above sees the body's figures; the pages and the API say the same.
    assert world.edu in bodies_seen_by(world.user("city_supervisor"))
    assert bodies_seen_by(world.user("health_clerk")) == [world.health]
    client = Client()
    client.force_login(world.user("city_supervisor"))
    page = client.get("/workbench/interpretations/?year=2026").content.decode()
    assert "呼和浩特市教育局" in page and "50%" in page and "25%" in page
    api = client.get("/api/v1/staff/interpretations?year=2026").json()
    assert api["bodies"] == [
        {
            "org": "edu",
            "org_name": "呼和浩特市教育局",
            "policies": 4,
            "interpreted": 2,
            "synchronous": 1,
            "share": 0.5,
            "synchronous_share": 0.25,
        }
    ]
    assert api["awaiting"] == []  # a supervisor has nothing to do itself
    clerk = Client()
    clerk.force_login(world.user("edu_clerk"))
    assert [a["id"] for a in clerk.get("/api/v1/staff/interpretations?year=2026").json()["awaiting"]] == [missing.pk]
    assert "已发布而尚无解读的规章、规范性文件" in clerk.get("/workbench/").content.decode()
    assert clerk.get("/api/v1/staff/interpretations?year=abc").status_code == 400


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    window=st.integers(min_value=0, max_value=5),
    offsets=st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=30)), min_size=1, max_size=5),
)
def test_an_interpretation_is_synchronous_exactly_within_the_window(
    world: World, window: int, offsets: list[int | None]
) -> None:
    """The rule, for any window and any publication days: synchronous if and only if the first
    interpretation is out by the window's last working day; the counts add up."""
    from django.test import override_settings

    Document.objects.filter(interprets__isnull=False).delete()
    Document.objects.all().delete()
    calendar = WorkingCalendar(world.edu)
    expected = {"synchronous": 0, "late": 0, "missing": 0}
    with override_settings(GONGKAI_INTERPRETATION_SYNC_WORKING_DAYS=window):
        for i, offset in enumerate(offsets):
            norm = policy(world, f"办法{i}")
            if offset is not None:
                day = POLICY_DAY + dt.timedelta(days=offset)
                interpret(world, norm, on=day)
                due = calendar.add_working_days(POLICY_DAY, window).due if window else POLICY_DAY
                expected["synchronous" if day <= due else "late"] += 1
            else:
                expected["missing"] += 1
        (edu,) = interpretation.figures_by_body([world.edu], 2026)
    assert edu.policies == len(offsets) == edu.interpreted + edu.missing
    assert (edu.synchronous, edu.interpreted - edu.synchronous, edu.missing) == (
        expected["synchronous"],
        expected["late"],
        expected["missing"],
    )


def test_past_interpretations_are_imported_with_their_links_and_exported_back(world: World, tmp_path: Any) -> None:
    import io

    from gongkai.catalogue.importing import export_catalogue, import_catalogue
    from gongkai.catalogue.selectors import public_documents
    from tests.test_import_export import line, write_jsonl

    path = write_jsonl(
        tmp_path / "past.jsonl",
        [
            line(1, title="呼和浩特市学前教育管理办法", instrument="行政规范性文件"),
            line(2, title="《呼和浩特市学前教育管理办法》解读", interprets="src-1", interpretation_form="图解"),
            line(3, title="解读了不存在的文件", interprets="src-404", interpretation_form="text"),
            line(4, title="没有形式的解读", interprets="src-1"),
        ],
    )
    summary = import_catalogue(actor=None, path=path, default_org=world.edu)
    assert (summary.created, summary.rejected) == (2, 2)
    assert [n for n, _ in summary.rejections] == [3, 4]
    reading = Document.objects.get(source_id="src-2")
    assert reading.interprets == Document.objects.get(source_id="src-1") and reading.interpretation_form == "graphic"
    out = io.StringIO()
    export_catalogue(queryset=public_documents().order_by("id"), fmt="jsonl", out=out)
    exported = [__import__("json").loads(row) for row in out.getvalue().splitlines()]
    assert exported[1]["interprets"] == reading.interprets.index_number
    assert exported[1]["interpretation_form"] == "graphic"
    again = import_catalogue(actor=None, path=path, default_org=world.edu, restart=True)
    assert (again.created, again.unchanged) == (0, 2)


def test_another_departments_draft_interpretation_stays_hidden(world: World) -> None:
    from gongkai.catalogue.selectors import interpretations_seen_by

    norm = policy(world)
    theirs = draft(
        world, org=world.health, title="卫健委内部解读草稿", interprets=norm.index_number, interpretation_form="text"
    )
    ours = interpret(world, norm, on=None)
    assert interpretations_seen_by(world.user("edu_clerk"), norm) == [ours]
    assert interpretations_seen_by(world.user("health_clerk"), norm) == [theirs]
    client = Client()
    client.force_login(world.user("edu_clerk"))
    assert "卫健委内部解读草稿" not in client.get(f"/workbench/documents/{norm.pk}/").content.decode()
