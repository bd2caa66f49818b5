"""Shared set-up of the security probes: two bodies, their staff, a supervisor above them, and an
application with an uploaded file to each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache

from gongkai.applications import clock, services
from gongkai.applications.uploads import Upload
from gongkai.orgs.models import OrgKind, Role
from tests.conftest import make_org, make_user
from tests.test_applications import TODAY, applicant


@pytest.fixture
def bodies(db: Any, monkeypatch: pytest.MonkeyPatch, settings: Any) -> dict[str, Any]:
    cache.clear()
    settings.GONGKAI_FORM_MIN_SECONDS = 0
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    city = make_org("呼和浩特市人民政府", kind=OrgKind.CITY)
    police = make_org("呼和浩特市公安局", parent=city, slug="gaj")
    finance = make_org("呼和浩特市财政局", parent=city, slug="czj")
    return {
        "city": city,
        "police": police,
        "finance": finance,
        "police_clerk": make_user("police_clerk", police, Role.CLERK),
        "finance_clerk": make_user("finance_clerk", finance, Role.CLERK),
        "supervisor": make_user("city_supervisor", city, Role.SUPERVISOR),
    }


def apply_to(org: Any, *, on: dt.date = TODAY, files: tuple[tuple[str, bytes], ...] = (), **over: Any) -> Any:
    uploads = [Upload(name=n, data=d) for n, d in files]
    return services.submit_online(org=org, applicant=applicant(**over), secret="my-secret", uploads=uploads, today=on)
