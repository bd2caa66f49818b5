"""Issue 17 §5: whoever may not reveal sees letters with the applicant's personal data masked, in the
API and in the files; every full view is a logged reveal with a reason."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from gongkai.applications import services
from gongkai.core.errors import ValidationFailed
from gongkai.core.models import AuditEvent
from tests.security.conftest import apply_to

NAME, ADDRESS = "王小明", "呼和浩特市新城区某路1号"


def docx_text(response: Any) -> str:
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode()


def test_supervisors_see_letters_masked_in_the_api(bodies: dict[str, Any]) -> None:
    app = apply_to(bodies["police"], applicant_name=NAME).application
    api = APIClient()
    api.force_authenticate(bodies["supervisor"])
    data = api.get(f"/api/v1/staff/applications/{app.pk}").json()
    bodies = " ".join(" ".join(letter["body"]) for letter in data["letters"])
    assert data["letters"] and NAME not in bodies and "王**" in bodies
    assert NAME not in str(data)


def test_letter_files_are_masked_unless_revealed_with_a_reason(bodies: dict[str, Any]) -> None:
    app = apply_to(bodies["police"], applicant_name=NAME, delivery_way="post", address=ADDRESS).application
    letter = app.letters.get()
    url = reverse("workbench:letter_file", args=[letter.pk, "docx"])
    supervisor = Client()
    supervisor.force_login(bodies["supervisor"])
    masked = docx_text(supervisor.get(url))
    assert NAME not in masked and "王**" in masked and letter.number in masked
    # A supervisor may not reveal at all; the refusal is logged as nothing.
    refused = supervisor.post(url, {"reason": "监督检查"})
    assert refused.status_code == 302 and not AuditEvent.objects.filter(action="application.reveal").exists()
    clerk = Client()
    clerk.force_login(bodies["police_clerk"])
    assert NAME not in docx_text(clerk.get(url))
    assert clerk.post(url, {"reason": ""}).status_code == 302
    assert not AuditEvent.objects.filter(action="application.reveal").exists()
    full = clerk.post(url, {"reason": "打印后邮寄"})
    assert NAME in docx_text(full)
    event = AuditEvent.objects.get(action="application.reveal")
    assert event.actor == bodies["police_clerk"] and event.reason == "打印后邮寄"
    assert event.after == {"letter": letter.number, "format": "docx"}


def test_a_reveal_without_a_reason_is_refused(bodies: dict[str, Any]) -> None:
    app = apply_to(bodies["police"]).application
    with pytest.raises(ValidationFailed) as refused:
        services.reveal_personal_data(actor=bodies["police_clerk"], application=app, reason="  \u202e ")
    assert refused.value.code == "reason_required"
    api = APIClient()
    api.force_authenticate(bodies["police_clerk"])
    response = api.post(f"/api/v1/staff/applications/{app.pk}/reveal", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    assert not AuditEvent.objects.filter(action="application.reveal").exists()
