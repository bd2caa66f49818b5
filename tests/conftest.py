from __future__ import annotations

import datetime as dt
import email
import email.policy
import importlib
import itertools
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from hypothesis import settings as hypothesis_settings

from gongkai.catalogue import services as doc_services
from gongkai.catalogue.models import Term
from gongkai.demo.data import demo_credit_code
from gongkai.orgs import services as org_services
from gongkai.orgs.models import Organisation, OrgKind, Role

# No time limit on a hypothesis example: a timed check fails on a busy shared machine without any
# defect (performance is measured in bench/, never asserted in a test).
hypothesis_settings.register_profile("gongkai", deadline=None)
hypothesis_settings.load_profile("gongkai")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
_serial = itertools.count(100)


def shared_file(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared real-data folder is not beside this checkout")
    return path


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GONGKAI_PRIVATE_ROOT = tmp_path / "private"


def ensure_reference_data() -> None:
    """Reload what the data migrations load (vocabularies, the official calendar) if a flush removed it.

    Transactional tests (the browser tests) end with a flush of every table, which also empties the
    data the migrations put there; the very migration functions put it back.
    """
    from django.apps import apps

    from gongkai.calendars.models import CalendarYear

    if not Term.objects.exists():
        importlib.import_module("gongkai.catalogue.migrations.0002_vocabularies").forwards(apps, None)
    if not CalendarYear.objects.exists():
        importlib.import_module("gongkai.calendars.migrations.0002_load_official_schedule").forwards(apps, None)
    from gongkai.catalogue.models import KeyArea

    if not KeyArea.objects.exists():
        importlib.import_module("gongkai.catalogue.migrations.0008_key_areas_default").seed(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if uses_db:
        request.getfixturevalue("db")
        ensure_reference_data()


def make_org(name: str, parent: Organisation | None = None, kind: str = OrgKind.DEPARTMENT, **kw: Any) -> Organisation:
    n = next(_serial)
    return org_services.org_create(
        actor=None,
        name=name,
        slug=kw.pop("slug", f"org-{n}"),
        kind=kind,
        credit_code=demo_credit_code("150100", n),
        parent=parent,
        **kw,
    )


def make_user(username: str, org: Organisation | None = None, *roles: str) -> Any:
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests")
    for role in roles:
        assert org is not None
        org_services.membership_grant(actor=None, user=user, org=org, role=role)
    return user


@dataclass
class World:
    """A small tree: a city government with two departments, and its province above."""

    province: Organisation
    city: Organisation
    edu: Organisation
    health: Organisation
    users: dict[str, Any]

    def user(self, name: str) -> Any:
        return self.users[name]


@pytest.fixture
def world(db: Any) -> World:
    province = make_org("内蒙古自治区人民政府", kind=OrgKind.PROVINCE, slug="nmg")
    city = make_org(
        "呼和浩特市人民政府", province, kind=OrgKind.CITY, slug="hhht", office_name="市政府办公室政务公开科"
    )
    edu = make_org("呼和浩特市教育局", city, slug="edu")
    health = make_org("呼和浩特市卫生健康委员会", city, slug="health")
    users = {
        "edu_clerk": make_user("edu_clerk", edu, Role.CLERK),
        "edu_reviewer": make_user("edu_reviewer", edu, Role.REVIEWER),
        "edu_leader": make_user("edu_leader", edu, Role.LEADER),
        "health_clerk": make_user("health_clerk", health, Role.CLERK),
        "health_reviewer": make_user("health_reviewer", health, Role.REVIEWER),
        "health_leader": make_user("health_leader", health, Role.LEADER),
        "city_supervisor": make_user("city_supervisor", city, Role.SUPERVISOR),
        "city_admin": make_user("city_admin", city, Role.ADMIN),
        "outsider": make_user("outsider"),
    }
    return World(province, city, edu, health, users)


def term(vocabulary: str, code: str) -> Term:
    return Term.objects.get(vocabulary=vocabulary, code=code, is_current=True)


def draft(world: World, org: Organisation | None = None, **fields: Any) -> Any:
    org = org or world.edu
    clerk = world.user("edu_clerk" if org == world.edu else "health_clerk")
    values: dict[str, Any] = {
        "title": "关于做好2026年义务教育招生入学工作的通知",
        "doc_number": "呼教发〔2026〕7号",
        "formed_date": dt.date(2026, 3, 2),
        "written_date": dt.date(2026, 3, 2),
        "topic": term("topic", "T1102"),
        "body": "义务教育招生入学工作事关千家万户。",
    }
    values.update(fields)
    return doc_services.document_create(actor=clerk, org=org, **values)


def publish(world: World, doc: Any, on: dt.date | None = None) -> Any:
    prefix = "edu" if doc.org == world.edu else "health"
    for action, who in (("submit", "clerk"), ("review", "reviewer"), ("approve", "leader"), ("publish", "clerk")):
        doc = doc_services.document_transition(
            actor=world.user(f"{prefix}_{who}"), document=doc, action=action, on=on if action == "publish" else None
        )
    return doc


# --- a real SMTP server on localhost (aiosmtpd), for the mail tests ------------------------------


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    try:
        yield inbox
    finally:
        controller.stop()


def body(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())
