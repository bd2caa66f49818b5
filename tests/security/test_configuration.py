"""Issue 17 §8 and §11: production is the default and refuses to start half-configured; it passes
``check --deploy``; every page carries a Content-Security-Policy without inline script; staff
sessions end when idle; sign-in is throttled per account and per address."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from gongkai.core.middleware import StaffIdleTimeout
from tests.conftest import make_user

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_defaults_to_production_and_says_what_is_missing(tmp_path: Path) -> None:
    run = manage("check", GONGKAI_VAR_DIR=str(tmp_path))
    assert run.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in run.stderr and "config.settings.dev" in run.stderr
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    no_hosts = manage("check", DJANGO_SECRET_KEY="x" * 60, GONGKAI_VAR_DIR=str(tmp_path))
    assert "DJANGO_ALLOWED_HOSTS is not set" in no_hosts.stderr


def test_production_passes_check_deploy_without_a_warning(tmp_path: Path) -> None:
    run = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="kQ3v-8sLr_Zt1pX9yWb2NcE6hUj4MfA0gDoTi7lVqRs5eYw_Kx",
        DJANGO_ALLOWED_HOSTS="gongkai.example.org",
        GONGKAI_VAR_DIR=str(tmp_path),
    )
    assert run.returncode == 0, run.stderr + run.stdout
    assert "no issues" in run.stdout


def test_the_wsgi_module_defaults_to_production() -> None:
    text = (ROOT / "config" / "wsgi.py").read_text()
    assert 'setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")' in text


@pytest.mark.django_db
def test_pages_carry_a_policy_without_inline_script(client: Client) -> None:
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    scripts = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in scripts and "unsafe-inline" not in scripts and "unsafe-eval" not in scripts
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_an_idle_staff_session_ends(settings: Any) -> None:
    settings.GONGKAI_STAFF_IDLE_SECONDS = 600
    make_user("idle_clerk")
    client = Client()
    client.force_login(make_user("idle_clerk2"))
    assert client.get(reverse("workbench:dashboard")).status_code in (200, 403)
    session = client.session
    session[StaffIdleTimeout.KEY] = time.time() - 601
    session.save()
    response = client.get(reverse("workbench:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_in_is_throttled_per_account_and_per_address(settings: Any) -> None:
    cache.clear()
    settings.GONGKAI_LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.GONGKAI_LOGIN_FAILURES_PER_ADDRESS = 5
    user = make_user("throttled_clerk")
    user.set_password("a-strong-password-2026")
    user.save()
    url = reverse("login")
    # Three wrong passwords for one account, from three addresses: the account waits.
    for i in range(3):
        assert (
            Client(REMOTE_ADDR=f"198.51.100.{i}").post(url, {"username": user.username, "password": "x"}).status_code
            == 200
        )
    blocked = Client(REMOTE_ADDR="198.51.100.9").post(
        url, {"username": user.username, "password": "a-strong-password-2026"}
    )
    assert blocked.status_code == 429 and "登录失败次数过多" in blocked.content.decode()
    # One address trying many accounts waits too.
    for i in range(5):
        Client(REMOTE_ADDR="203.0.113.5").post(url, {"username": f"nobody{i}", "password": "x"})
    assert Client(REMOTE_ADDR="203.0.113.5").post(url, {"username": "other", "password": "y"}).status_code == 429
    # The admin's own sign-in page leads to the same throttled form.
    assert Client().get("/admin/login/?next=/admin/")["Location"].startswith("/accounts/login/")


def test_make_test_leaves_a_working_database(tmp_path: Path) -> None:
    """§11: `make test` migrates the development database first (as `make run` does), after which
    `manage.py deadline` answers instead of dying on a missing table."""
    makefile = (ROOT / "Makefile").read_text()
    assert "\ntest: venv system-deps migrate\n" in makefile and "\nmigrate: venv\n" in makefile
    dev = {"DJANGO_SETTINGS_MODULE": "config.settings.dev", "GONGKAI_VAR_DIR": str(tmp_path)}
    assert manage("migrate", "--noinput", "-v0", **dev).returncode == 0
    run = manage("deadline", "2026-09-25", "20", **dev)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "2026-10-29"  # the National Day holiday crossed
