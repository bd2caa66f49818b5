"""The REST API for applications: same services, same rules, same error codes as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongkai.applications import clock, services
from gongkai.applications.models import Application, State
from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Role
from tests.conftest import make_org, make_user
from tests.test_application_pages import from_words
from tests.test_applications import TODAY, applicant


@pytest.fixture
def org(db: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    cache.clear()
    settings.GONGKAI_FORM_MIN_SECONDS = 0
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return make_org("呼和浩特市财政局", slug="czj")


def challenge(client: APIClient) -> dict[str, str]:
    data = client.get("/api/v1/applications/challenge").json()
    a, b = data["question"].split("等于")[0].split("加")
    return {"challenge_token": data["token"], "challenge_answer": str(from_words(a) + from_words(b))}


def staff_client(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_the_schema_is_valid_openapi_and_covers_every_endpoint(db: Any, tmp_path: Any) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/search",
        "/api/v1/applications",
        "/api/v1/applications/challenge",
        "/api/v1/applications/status",
        "/api/v1/applications/correction",
        "/api/v1/staff/applications",
        "/api/v1/staff/applications/{id}",
        "/api/v1/staff/applications/{id}/actions/{action}",
        "/api/v1/staff/applications/{id}/reveal",
    } <= paths
    served = APIClient().get("/api/v1/schema")
    assert served.status_code == 200


def test_apply_track_and_correct_through_the_api(org: Any) -> None:
    client = APIClient()
    response = client.post(
        "/api/v1/applications", {**applicant(), "org": "czj", "secret": "my-secret", **challenge(client)}, format="json"
    )
    assert response.status_code == 201, response.json()
    code = response.json()["tracking_code"]
    app = Application.objects.get(tracking_code=code)
    assert response.json()["due_date"] == app.due_date.isoformat()
    wrong = client.post("/api/v1/applications/status", {"tracking_code": code, "secret": "nope-nope"}, format="json")
    assert wrong.status_code == 403 and wrong.json()["code"] == "bad_credentials"
    assert wrong["Content-Type"] == "application/problem+json"
    clerk = make_user("clerk", org, Role.CLERK)
    services.transition(actor=clerk, application=app, action="request_correction", on=TODAY, items="文号")
    status = client.post(
        "/api/v1/applications/status", {"tracking_code": code, "secret": "my-secret"}, format="json"
    ).json()
    assert status["state"] == "correction_requested" and [x["kind"] for x in status["letters"]] == [
        "receipt",
        "correction",
    ]
    corrected = client.post(
        "/api/v1/applications/correction",
        {"tracking_code": code, "secret": "my-secret", "text": "呼财发〔2025〕3号"},
        format="json",
    )
    assert corrected.status_code == 200 and corrected.json()["state"] == "in_review"


def test_api_errors_carry_the_same_codes_as_the_pages(org: Any) -> None:
    client = APIClient()
    bad_id = {**applicant(id_number="110105198001010010"), "org": "czj", "secret": "my-secret", **challenge(client)}
    response = client.post("/api/v1/applications", bad_id, format="json")
    body = response.json()
    assert response.status_code == 400 and (body["code"], body["field"]) == ("invalid_id_number", "id_number")
    assert "校验位" in body["detail"]
    wrong = client.post(
        "/api/v1/applications",
        {**applicant(), "org": "czj", "secret": "my-secret", "challenge_token": "x", "challenge_answer": "1"},
        format="json",
    )
    assert wrong.json()["code"] == "challenge_invalid"
    assert (
        client.post("/api/v1/applications", "{not json", content_type="application/json").json()["code"]
        == "malformed_request"
    )
    assert not Application.objects.exists()


def test_staff_handle_through_the_api(org: Any) -> None:
    clerk, leader = make_user("clerk", org, Role.CLERK), make_user("leader", org, Role.LEADER)
    stranger = make_user("stranger", make_org("呼和浩特市教育局"), Role.CLERK)
    app = services.submit_online(
        org=org, applicant=applicant(), secret="my-secret", today=dt.date(2026, 11, 2)
    ).application
    api = staff_client(clerk)
    assert APIClient().get("/api/v1/staff/applications", {"org": "czj"}).json()["code"] == "not_authenticated"
    inbox = api.get("/api/v1/staff/applications", {"org": "czj"}).json()
    assert inbox["total"] == 1 and inbox["results"][0]["applicant"] == "王**"
    detail = api.get(f"/api/v1/staff/applications/{app.pk}").json()
    assert app.id_number not in str(detail) and "accept" in detail["actions"]
    base = f"/api/v1/staff/applications/{app.pk}/actions"
    assert api.post(f"{base}/accept", {"on": "2026-11-02"}, format="json").status_code == 200
    refused = api.post(f"{base}/archive", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "illegal_transition"
    api.post(f"{base}/propose_extension", {"days": 10, "reason": "需要调取档案", "on": "2026-11-20"}, format="json")
    denied = api.post(f"{base}/approve_extension", {}, format="json")
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    approved = staff_client(leader).post(f"{base}/approve_extension", {"on": "2026-11-23"}, format="json").json()
    assert approved["extension_days"] == 10
    missing = api.post(f"{base}/reply", {"reply_type": "PARTIAL", "text": "见附件"}, format="json")
    assert missing.json()["code"] == "withheld_required"
    replied = api.post(
        f"{base}/reply",
        {
            "reply_type": "PARTIAL",
            "text": "见附件",
            "withheld": [{"item": "第3页", "reason": "个人隐私"}],
            "on": "2026-11-24",
        },
        format="json",
    ).json()
    assert replied["state"] == State.REPLIED and replied["outcome"] == "PARTIAL"
    assert replied["letters"][-1]["title"].endswith("（部分公开）")
    reveal = api.post(f"/api/v1/staff/applications/{app.pk}/reveal", {"reason": "寄送答复"}, format="json")
    assert reveal.json()["id_number"] == app.id_number and reveal["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="application.reveal", reason="寄送答复").count() == 1
    other = staff_client(stranger)
    assert other.get(f"/api/v1/staff/applications/{app.pk}").status_code == 404
    assert other.post(f"/api/v1/staff/applications/{app.pk}/reveal", {}, format="json").status_code == 404


def test_staff_register_through_the_api(org: Any) -> None:
    api = staff_client(make_user("clerk", org, Role.CLERK))
    response = api.post(
        "/api/v1/staff/applications",
        {**applicant(), "org": "czj", "channel": "fax", "confirmed_on": "2026-11-05"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["received_on"] == "2026-11-05"
    bad = api.post("/api/v1/staff/applications", {**applicant(), "org": "czj", "channel": "fax"}, format="json")
    assert bad.json()["code"] == "receipt_date_required"
