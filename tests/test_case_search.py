"""Issue 18 §3: staff find any case of their bodies, open or closed, and export the list masked."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.applications import clock, selectors, services
from gongkai.applications.exports import HEADER
from gongkai.applications.models import Application
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from tests.conftest import World
from tests.test_applications import RECEIVED, TODAY, applicant, person_id


@pytest.fixture
def cases(world: World, monkeypatch: pytest.MonkeyPatch) -> dict[str, Application]:
    monkeypatch.setattr(clock, "today", lambda: TODAY)

    def submit(org: Any, on: dt.date, **over: Any) -> Application:
        return services.submit_online(org=org, applicant=applicant(**over), secret="my-secret", today=on).application

    clerk = world.user("edu_clerk")
    open_case = submit(world.edu, RECEIVED, description="2025年全市中小学校舍安全检查报告")
    closed = submit(
        world.edu,
        dt.date(2026, 3, 2),
        applicant_name="李大华",
        id_number=person_id(2),
        phone="13912345678",
        description='=HYPERLINK("http://evil")学区划分方案',
    )
    closed = services.transition(
        actor=clerk, application=closed, action="reply", on=dt.date(2026, 3, 20), reply_type="NOT_EXIST"
    )
    other_body = submit(world.health, RECEIVED, description="2025年食品安全抽检结果")
    return {"open": open_case, "closed": closed, "health": other_body}


def found(user: Any, **filters: Any) -> set[str]:
    return {a.tracking_code for a in selectors.case_search(user, selectors.CaseFilters(**filters))}


def test_staff_find_open_and_closed_cases_of_their_own_bodies_only(world: World, cases: dict[str, Any]) -> None:
    clerk = world.user("edu_clerk")
    codes = {k: v.tracking_code for k, v in cases.items()}
    assert found(clerk) == {codes["open"], codes["closed"]}
    assert found(world.user("city_supervisor")) == set(codes.values())  # the whole subtree, read-only
    assert found(world.user("outsider")) == set()
    assert found(clerk, code=codes["closed"].lower()) == {codes["closed"]}
    assert found(clerk, words="学区 划分") == {codes["closed"]}
    assert found(clerk, state="replied", outcome="U1") == {codes["closed"]}
    assert found(clerk, received_from=dt.date(2026, 10, 1)) == {codes["open"]}
    assert found(clerk, replied_from=dt.date(2026, 3, 1), replied_to=dt.date(2026, 3, 31)) == {codes["closed"]}
    assert found(clerk, timeliness="on_time") == {codes["closed"]}
    assert found(clerk, channel="online") == {codes["open"], codes["closed"]}


def test_by_the_masked_value_as_lists_show_it(world: World, cases: dict[str, Any]) -> None:
    clerk = world.user("edu_clerk")
    assert found(clerk, masked_applicant="李**") == {cases["closed"].tracking_code}
    assert found(clerk, masked_applicant="王**") == {cases["open"].tracking_code}
    assert found(clerk, masked_applicant="李*") == set()  # the length is part of the mask
    assert found(clerk, masked_applicant="139****5678") == {cases["closed"].tracking_code}


def test_by_full_applicant_data_only_after_a_logged_reveal_at_the_users_bodies(
    world: World, cases: dict[str, Any]
) -> None:
    clerk = world.user("edu_clerk")
    with pytest.raises(ValidationFailed) as err:
        services.log_applicant_search(actor=clerk, term="李大华", reason="")
    assert err.value.code == "reason_required"
    with pytest.raises(PermissionDenied):
        services.log_applicant_search(actor=world.user("city_supervisor"), term="李大华", reason="核查")
    services.log_applicant_search(actor=clerk, term="李大华", reason="申请人来电查询")
    event = AuditEvent.objects.get(action="application.search_personal")
    assert event.after == {"term": "李**"} and event.reason == "申请人来电查询"  # the term is logged masked
    assert found(clerk, applicant="李大华") == {cases["closed"].tracking_code}
    assert found(clerk, applicant=person_id(2)) == {cases["closed"].tracking_code}
    # A health clerk's full-data search does not reach the education bureau's cases.
    assert found(world.user("health_clerk"), applicant="李大华") == set()


def test_the_export_is_masked_and_defuses_formulas(world: World, cases: dict[str, Any], client: Client) -> None:
    client.force_login(world.user("edu_clerk"))
    response = client.get(reverse("workbench:application_export", args=["csv"]), {"words": "学区"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == HEADER and len(rows) == 2
    row = dict(zip(HEADER, rows[1], strict=True))
    assert row["申请人"] == "李**" and row["联系电话"] == "139****5678"
    assert row["所需政府信息"].startswith("'=HYPERLINK")
    assert "李大华" not in text and person_id(2) not in text
    xlsx = client.get(reverse("workbench:application_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert tuple(values[0]) == HEADER and len(values) == 3
    assert all("李大华" not in str(v) for r in values for v in r)
    assert any(str(v).startswith("'=HYPERLINK") for r in values for v in r)


def test_the_search_page(world: World, cases: dict[str, Any], client: Client) -> None:
    client.force_login(world.user("edu_clerk"))
    url = reverse("workbench:application_search")
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and cases["closed"].tracking_code in html and "李**" in html
    assert cases["health"].tracking_code not in html
    bad = client.get(url, {"received_from": "2026-13-45", "state": "nonsense"})
    assert bad.status_code == 400
    assert "请输入正确的日期" in bad.content.decode() and "请从列表中选择" in bad.content.decode()
    # Full applicant data only by POST with a reason; by GET it is refused (it would sit in logs).
    assert client.get(url, {"applicant": "李大华"}).status_code == 400
    refused = client.post(url, {"applicant": "李大华"})
    assert refused.status_code == 400 and "须填写理由" in refused.content.decode()
    ok = client.post(url, {"applicant": "李大华", "reason": "申请人来电"})
    assert ok.status_code == 200 and cases["closed"].tracking_code in ok.content.decode()
    assert "李大华" not in ok.content.decode().split('id="cases"')[1]  # the list stays masked
