"""The OpenAPI schema says what the applications API really returns (issue 18, "Done means").

- The committed schema (docs/api/openapi.yaml) is the one the code generates: a change to the API
  shows up in review as a change to that file (``make schema`` writes it).
- Every answer the tests below get is validated against the schema of its path, method and status,
  strictly: no field the schema does not declare, none it declares missing, types and enums as
  declared."""

from __future__ import annotations

import copy
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from gongkai.applications import access, clock, services
from gongkai.applications.models import Application
from tests.conftest import World, draft, publish
from tests.test_applications import RECEIVED, TODAY, applicant

SNAPSHOT = Path(__file__).resolve().parent.parent / "docs" / "api" / "openapi.yaml"


def generated() -> str:
    out = io.StringIO()
    call_command("spectacular", "--validate", stdout=out)
    return out.getvalue()


def test_the_committed_schema_is_the_one_the_code_generates() -> None:
    assert SNAPSHOT.exists(), "docs/api/openapi.yaml is missing: run `make schema`"
    assert generated() == SNAPSHOT.read_text(encoding="utf-8"), "the API changed: run `make schema` and commit"


def _strict(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema, tightened: ``nullable`` becomes a null alternative, and an object
    with declared properties admits no other."""
    if isinstance(node, list):
        return [_strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _strict(v) for k, v in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    if node.get("type") == "object" and "properties" in node:
        node.setdefault("additionalProperties", False)
        node["required"] = sorted(node["properties"])  # an answer carries every field it declares
    return node


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return yaml.safe_load(SNAPSHOT.read_text(encoding="utf-8"))


def conforms(openapi: dict[str, Any], response: Any, path: str, method: str) -> None:
    status = str(response.status_code)
    operation = openapi["paths"][path][method]
    assert status in operation["responses"], f"{method.upper()} {path} answered {status}, not in the schema"
    content = operation["responses"][status]["content"]
    media = "application/problem+json" if response.status_code >= 400 else "application/json"
    schema = (content.get(media) or content["application/json"])["schema"]
    root = {**_strict(schema), "components": _strict(copy.deepcopy(openapi["components"]))}
    errors = sorted(Draft202012Validator(root).iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


@pytest.fixture
def api(world: World, monkeypatch: pytest.MonkeyPatch, settings: Any) -> dict[str, Any]:
    cache.clear()
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    app = services.submit_online(org=world.edu, applicant=applicant(), secret="my-secret", today=RECEIVED).application
    staff = APIClient()
    staff.force_authenticate(world.user("edu_clerk"))
    return {
        "app": app,
        "staff": staff,
        "public": APIClient(),
        "credentials": {"tracking_code": app.tracking_code, "secret": "my-secret"},
    }


def test_staff_answers_conform(world: World, api: dict[str, Any], openapi: dict[str, Any]) -> None:
    staff, app = api["staff"], api["app"]
    base = "/api/v1/staff/applications"
    r = staff.get(f"{base}?org=edu")
    conforms(openapi, r, "/api/v1/staff/applications", "get")
    r = staff.get(f"{base}/{app.pk}")
    conforms(openapi, r, "/api/v1/staff/applications/{id}", "get")
    item = publish(world, draft(world, title="2025年部门预算公开说明"))
    r = staff.post(f"{base}/{app.pk}/documents", {"item": item.index_number}, format="json")
    assert r.status_code == 201
    conforms(openapi, r, "/api/v1/staff/applications/{id}/documents", "post")
    r = staff.get(f"{base}/{app.pk}/documents")
    conforms(openapi, r, "/api/v1/staff/applications/{id}/documents", "get")
    assert r.json()[0]["kind"] == "item" and f"/content/{item.pk}/" in r.json()[0]["url"]
    r = staff.post(
        f"{base}/{app.pk}/preview/reply", {"reply_type": "PUBLIC_ALREADY", "on": "2026-11-20"}, format="json"
    )
    assert r.status_code == 200 and "王**" in "".join(r.json()[0]["body"])
    conforms(openapi, r, "/api/v1/staff/applications/{id}/preview/{action}", "post")
    bad = staff.post(f"{base}/{app.pk}/preview/reply", {"reply_type": "NOT_THIS_BODY"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "competent_body_required"
    conforms(openapi, bad, "/api/v1/staff/applications/{id}/preview/{action}", "post")
    r = staff.post(
        f"{base}/{app.pk}/actions/reply", {"reply_type": "PUBLIC_ALREADY", "on": "2026-11-20"}, format="json"
    )
    assert r.status_code == 200 and r.json()["state"] == "replied"
    conforms(openapi, r, "/api/v1/staff/applications/{id}/actions/{action}", "post")
    previewed = staff.post(f"{base}/{app.pk}/preview/archive", {}, format="json")
    assert previewed.status_code == 200 and previewed.json() == []  # archiving issues no letter
    r = staff.post(
        f"{base}/{app.pk}/proactive", {"basis": "multiple", "title": "2025年部门预算", "topic": "T1102"}, format="json"
    )
    assert r.status_code == 201
    conforms(openapi, r, "/api/v1/staff/applications/{id}/proactive", "post")
    r = staff.post(f"{base}/{app.pk}/reveal", {"reason": "电话联系"}, format="json")
    conforms(openapi, r, "/api/v1/staff/applications/{id}/reveal", "post")
    denied = APIClient().get(f"{base}/{app.pk}")
    assert denied.status_code in (401, 403)


def test_the_issued_reply_is_the_previewed_one(world: World, api: dict[str, Any]) -> None:
    staff, app = api["staff"], api["app"]
    base = f"/api/v1/staff/applications/{app.pk}"
    params = {"reply_type": "DISCLOSE", "text": "纸质文本已邮寄。", "on": "2026-11-20"}
    (shown,) = staff.post(f"{base}/preview/reply", params, format="json").json()
    issued = staff.post(f"{base}/actions/reply", params, format="json").json()["letters"][-1]
    assert (issued["title"], issued["body"], issued["number"]) == (shown["title"], shown["body"], shown["number"])


def test_applicant_answers_conform(world: World, api: dict[str, Any], openapi: dict[str, Any]) -> None:
    public, app, credentials = api["public"], api["app"], api["credentials"]
    r = public.get("/api/v1/applications/challenge")
    conforms(openapi, r, "/api/v1/applications/challenge", "get")
    r = public.post("/api/v1/applications/status", credentials, format="json")
    conforms(openapi, r, "/api/v1/applications/status", "post")
    assert [e["label"] for e in r.json()["timeline"]][:2] == ["收到申请", "出具《政府信息公开申请登记回执》"]
    wrong = public.post("/api/v1/applications/status", {**credentials, "secret": "nope-nope"}, format="json")
    assert wrong.status_code == 403
    conforms(openapi, wrong, "/api/v1/applications/status", "post")
    r = public.post("/api/v1/applications/rate", {**credentials, "rating": "satisfied"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "not_replied"
    r = public.post(
        "/api/v1/applications/recover", {"tracking_code": app.tracking_code, "email": "x@y.example"}, format="json"
    )
    assert r.status_code == 202
    conforms(openapi, r, "/api/v1/applications/recover", "post")
    code = access.issue_reset_code(actor=world.user("edu_clerk"), application=app)
    r = public.post(
        "/api/v1/applications/reset",
        {"tracking_code": app.tracking_code, "reset_code": code, "secret": "a-new-secret-42"},
        format="json",
    )
    assert r.status_code == 200
    conforms(openapi, r, "/api/v1/applications/reset", "post")
    credentials = {**credentials, "secret": "a-new-secret-42"}
    r = public.post("/api/v1/applications/withdraw", {**credentials, "reason": "不需要了"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "closed" and not r.json()["can_withdraw"]
    conforms(openapi, r, "/api/v1/applications/withdraw", "post")
    assert Application.objects.get(pk=app.pk).outcome == "O3"


def test_the_applicant_downloads_and_rates_through_the_api(world: World, api: dict[str, Any]) -> None:
    from gongkai.applications import disclosed
    from gongkai.applications.uploads import Upload

    public, app, credentials = api["public"], api["app"], api["credentials"]
    (doc,) = disclosed.add_files(
        actor=world.user("edu_clerk"), application=app, uploads=[Upload("a.pdf", b"%PDF-1.4 x")]
    )
    url = f"/api/v1/applications/documents/{doc.pk}"
    assert public.post(url, credentials, format="json").status_code == 404  # not before the reply
    services.transition(
        actor=world.user("edu_clerk"), application=app, action="reply", on=dt.date(2026, 11, 20), reply_type="DISCLOSE"
    )
    r = public.post(url, credentials, format="json")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 x"
    assert public.post(url, {**credentials, "secret": "wrong-one"}, format="json").status_code == 403
    r = public.post("/api/v1/applications/rate", {**credentials, "rating": "fairly", "comment": "及时"}, format="json")
    assert r.status_code == 200 and r.json()["satisfaction"] == "fairly" and not r.json()["can_rate"]
    assert reverse("api:document", args=[doc.pk]) == url
