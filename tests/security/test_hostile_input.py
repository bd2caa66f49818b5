"""Issue 17 §9: no input gives a 500. NUL bytes and lone surrogates, JSON that is not an object,
numbers too large for a column, control and bidi characters in applicants' fields."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.core.errors import ValidationFailed
from tests.test_applications import applicant


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/search/?q=%00",
        "/search/?q=%ED%A0%80",
        "/api/v1/search?q=a%00b",
        "/xxgk/x%00y/",
        "/attachments/99999999999999999999/",
        "/xxgk/hhht/nb/99999999999999999999999/",
        "/search/?q=a&year=-1&page=99999999999999999999",
        "/api/v1/search?q=a&page=1e999&page_size=99999999999999999999&year=NaN",
    ],
)
def test_hostile_addresses_get_an_answer_not_a_500(path: str) -> None:
    assert Client().get(path).status_code in (200, 400, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '"text"',
        "42",
        "null",
        '[{"org": "x"}]',
        '{"org": "\\u0000"}',
        '{"a": "\\ud800"}',
        "[" * 100_000 + "]" * 100_000,  # deeper than Python's JSON decoder follows (RecursionError)
        '{"a":' * 5000 + '"\\u0041"' + "}" * 5000,
    ],
)
@pytest.mark.parametrize(
    "path", ["/api/v1/applications", "/api/v1/applications/status", "/api/v1/applications/correction"]
)
def test_public_endpoints_refuse_json_that_is_not_an_object(path: str, body: str) -> None:
    response = APIClient().post(path, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] in ("malformed_request", "invalid_characters")


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["applicant_name", "address", "description", "contact_person"])
@pytest.mark.parametrize("hostile", ["\x1b[31m", "\u202etxt.exe", "a\x00b", "\u2066x\u2069"])
def test_control_and_bidi_characters_are_refused_in_applicant_fields(field: str, hostile: str, world: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.submit_online(org=world.edu, applicant=applicant(**{field: f"王{hostile}"}), secret="my-secret-2026")
    assert refused.value.code == "invalid_characters" and refused.value.field == field
    assert not Application.objects.exists()


def test_file_names_are_cleaned_and_fit_the_column() -> None:
    from gongkai.core.text import clean_filename

    long = "文" * 200 + ".pdf"
    cleaned = clean_filename(long)
    assert cleaned.endswith(".pdf") and len(cleaned.encode()) <= 255
    assert clean_filename("C:\\Users\\x\\\u202efdp.exe") == "fdp.exe"
    assert clean_filename("\x00") == "file"
