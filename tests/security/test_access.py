"""Issue 17 §4: who the client is, rate limits that a header cannot dodge, tracking codes that lock
after repeated failures (with a way back), secrets that are not guessable, and an unknown code that
costs what a wrong secret costs."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.contrib.auth import hashers
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from gongkai.applications import access
from gongkai.applications.secret_rules import COMMON_IN_CHINA, secret_problem
from gongkai.core import ratelimit
from gongkai.core.errors import PermissionDenied
from gongkai.core.models import AuditEvent
from tests.conftest import Inbox, body
from tests.security.conftest import apply_to


def request_from(remote: str, forwarded: str = "") -> Any:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(settings: Any) -> None:
    settings.GONGKAI_TRUSTED_PROXIES = []
    assert ratelimit.client_address(request_from("203.0.113.9", "1.2.3.4")) == "203.0.113.9"
    settings.GONGKAI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # From a trusted proxy: the nearest untrusted hop; what the client wrote before it does not count.
    assert ratelimit.client_address(request_from("10.0.0.2", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert ratelimit.client_address(request_from("10.0.0.2", "198.51.100.7, 10.0.0.5")) == "198.51.100.7"
    # Not from the proxy: the header is the client's own invention.
    assert ratelimit.client_address(request_from("203.0.113.9", "198.51.100.7")) == "203.0.113.9"
    assert ratelimit.client_address(request_from("10.0.0.2", "not-an-ip")) == "10.0.0.2"


@pytest.mark.django_db
def test_a_rotating_header_does_not_bypass_the_tracking_limit(bodies: dict[str, Any], settings: Any) -> None:
    settings.GONGKAI_TRUSTED_PROXIES = []
    settings.GONGKAI_TRACK_FAILURES_PER_HOUR = 3
    settings.GONGKAI_TRACK_FAILURES_PER_CODE = 100
    client = Client(REMOTE_ADDR="203.0.113.9")
    url = reverse("portal:apply_track")
    statuses = [
        client.post(
            url, {"tracking_code": "2026-AAAA-BBBB", "secret": "guess"}, HTTP_X_FORWARDED_FOR=f"1.1.1.{i}"
        ).status_code
        for i in range(5)
    ]
    assert statuses == [403, 403, 403, 429, 429]


@pytest.mark.django_db(transaction=True)
def test_a_code_locks_after_repeated_failures_and_the_mail_unlocks_it(
    bodies: dict[str, Any],
    settings: Any,
    smtp: Inbox,
) -> None:
    settings.GONGKAI_TRACK_FAILURES_PER_CODE = 3
    settings.GONGKAI_TRACK_FAILURES_PER_HOUR = 1000
    app = apply_to(bodies["police"]).application
    smtp.messages.clear()
    for i in range(3):
        with pytest.raises(PermissionDenied) as wrong:
            access.verify_applicant(app.tracking_code, f"wrong-{i}")
        assert wrong.value.code == "bad_credentials"
    # Locked: even the right secret is refused, with the way back.
    with pytest.raises(PermissionDenied) as locked:
        access.verify_applicant(app.tracking_code, "my-secret")
    assert locked.value.code == "tracking_locked" and "电子邮箱" in locked.value.message
    assert AuditEvent.objects.filter(action="application.track_locked", object_id=str(app.pk)).count() == 1
    assert len(smtp.messages) == 1
    link = re.search(r"/apply/unlock/([^/\s]+)/", body(smtp.messages[0][1]))
    assert link is not None
    client = Client()
    url = reverse("portal:apply_unlock", args=[link.group(1)])
    assert "解除锁定" in client.get(url).content.decode()
    app.refresh_from_db()
    assert app.track_locked_at is not None  # a GET (a mail program's preview) changes nothing
    done = client.post(url)
    assert done.status_code == 200 and "已解除锁定" in done.content.decode()
    assert access.verify_applicant(app.tracking_code, "my-secret").pk == app.pk
    # The link works once.
    assert client.post(url).status_code == 400


@pytest.mark.django_db
def test_without_an_email_the_handling_body_unlocks(bodies: dict[str, Any], settings: Any) -> None:
    settings.GONGKAI_TRACK_FAILURES_PER_CODE = 2
    app = apply_to(bodies["police"], email="", delivery_way="post").application
    for _ in range(2):
        with pytest.raises(PermissionDenied):
            access.verify_applicant(app.tracking_code, "nope-nope")
    with pytest.raises(PermissionDenied) as locked:
        access.verify_applicant(app.tracking_code, "my-secret")
    assert bodies["police"].name in locked.value.message
    other = Client()
    other.force_login(bodies["finance_clerk"])
    assert other.post(reverse("workbench:application_unlock", args=[app.pk])).status_code == 404
    clerk = Client()
    clerk.force_login(bodies["police_clerk"])
    clerk.post(reverse("workbench:application_unlock", args=[app.pk]))
    assert access.verify_applicant(app.tracking_code, "my-secret").pk == app.pk
    assert AuditEvent.objects.filter(action="application.track_unlocked", actor=bodies["police_clerk"]).exists()


@pytest.mark.django_db
def test_an_unknown_code_costs_what_a_wrong_secret_costs(bodies: dict[str, Any], monkeypatch: Any) -> None:
    app = apply_to(bodies["police"]).application
    checks: list[str] = []
    real = hashers.check_password

    def counted(password: str, encoded: str, *args: Any, **kwargs: Any) -> bool:
        checks.append(encoded.split("$", 1)[0])
        return real(password, encoded, *args, **kwargs)

    monkeypatch.setattr(access, "check_password", counted)
    for code in (app.tracking_code, "2026-ZZZZ-ZZZZ", ""):
        with pytest.raises(PermissionDenied) as refused:
            access.verify_applicant(code, "wrong-secret")
        assert refused.value.code == "bad_credentials"
    # One hash check of the same algorithm each time, whether the code exists or not.
    assert len(checks) == 3 and len(set(checks)) == 1


TWENTY_WORDS = [
    "123456",
    "12345678",
    "woaini520",
    "5201314",
    "woaini1314",
    "iloveyou",
    "qwerty123",
    "abc12345",
    "11111111",
    "88888888",
    "a1234567",
    "password1",
    "1qaz2wsx",
    "zxcvbnm1",
    "qq123456",
    "aaaaaaaa",
    "147258369",
    "00000000",
    "woaini",
    "abcdefgh",
]


def test_common_and_trivial_secrets_are_refused() -> None:
    assert all(secret_problem(word) for word in TWENTY_WORDS)
    assert secret_problem("2026woaini520") and secret_problem("Woaini1314!") and secret_problem("0131452000")
    assert secret_problem("110105198001010014x", id_number="110105198001010014")
    assert secret_problem("tel13800138000", phone="138-0013-8000")
    assert secret_problem("湖畔-晚风-7421") is None


@given(word=st.sampled_from(sorted(COMMON_IN_CHINA)), digits=st.text("0123456789", max_size=6))
def test_a_common_word_with_digits_around_it_is_still_refused(word: str, digits: str) -> None:
    assert secret_problem(digits + word + digits) is not None


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=8, max_size=20))
def test_long_random_secrets_are_accepted(secret: str) -> None:
    if len(set(secret)) >= 4:
        assert secret_problem(secret) is None


def test_limits_hold_across_processes_through_redis(settings: Any) -> None:
    """Two cache clients stand for two worker processes: the counter is one."""
    from django.core.cache.backends.redis import RedisCache

    try:
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except Exception as exc:
        if os.environ.get("CI"):
            raise AssertionError("Redis must be running in CI (.ci/run starts it)") from exc
        pytest.skip(f"Redis is not reachable on 127.0.0.1:6379 ({exc}); .ci/run starts it")
    one = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "gk-test"})
    two = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "gk-test"})
    one.clear()
    caches = iter([one, two, one, two])
    import gongkai.core.ratelimit as rl

    for expected in (1, 2, 3, 4):
        rl.cache = next(caches)  # type: ignore[assignment]
        try:
            assert rl.hit("apply", "198.51.100.7") == expected
        finally:
            rl.cache = cache  # type: ignore[assignment]
    assert two.get(rl.key_for("apply", "198.51.100.7")) == 4
    one.clear()
