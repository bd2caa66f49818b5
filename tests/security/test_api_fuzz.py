"""Issue 17 §9, the rule: no input gives a 500. Schemathesis generates requests from the API's own
OpenAPI schema (valid and invalid, with hostile strings) and sends them in-process, unsigned and
signed in as a clerk; no answer may be a 5xx. The budget and the seed are fixed (``derandomize``),
so CI runs the same examples every time, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from gongkai.orgs.models import Role
from tests.conftest import make_org, make_user

EXAMPLES_PER_OPERATION = 40

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()


@pytest.fixture
def clerk_token(db: Any, settings: Any) -> str:
    cache.clear()
    settings.GONGKAI_APPLY_RATE_PER_HOUR = 10**6
    settings.GONGKAI_TRACK_FAILURES_PER_HOUR = 10**6
    org = make_org("呼和浩特市财政局", slug="czj")
    clerk = make_user("fuzz_clerk", org, Role.CLERK, Role.LEADER)
    return Token.objects.create(user=clerk).key


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error(case: Any, clerk_token: str) -> None:
    # As Django's test client does: the handler must not close the test's connection after a request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for headers in ({}, {"Authorization": f"Token {clerk_token}"}):
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.as_curl_command(headers=headers), response.text[:500])
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
