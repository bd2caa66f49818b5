"""Issue 17 in Chromium: every control the security work added, used as a person would: opening an
applicant's file and a full letter with a reason, the masked letter, a tracking code locked by wrong
secrets and unlocked by the handling body and by the mailed link, and the throttled sign-in."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from gongkai.applications import access
from gongkai.applications.uploads import Upload
from gongkai.core.models import AuditEvent
from tests.test_applications import applicant
from tests.test_browser import CHROMIUM, browser, login, page  # noqa: F401  (the browser fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (make system-deps)"),
]

ID_CARD = b"%PDF-1.4\n% the applicant's identity card\n"


def submit(world: Any, **over: Any) -> Any:
    from gongkai.applications import services

    return services.submit_online(
        org=world.edu,
        applicant=applicant(**over),
        secret="my-secret",
        uploads=[Upload("身份证.pdf", ID_CARD)],
    ).application


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode()


def test_staff_open_files_and_full_letters_only_with_a_reason(world: Any, live_server: Any, page: Any) -> None:  # noqa: F811
    cache.clear()
    app = submit(world, applicant_name="王小明")
    base = live_server.url
    login(page, base, "edu_clerk")
    page.goto(f"{base}/workbench/applications/{app.pk}/")
    # The masked letter: a plain link.
    with page.expect_download() as masked:
        page.get_by_role("link", name="DOCX").first.click()
    assert "王小明" not in docx_text(Path(masked.value.path()).read_bytes())
    masked_pdf = page.request.get(base + page.get_by_role("link", name="PDF").first.get_attribute("href"))
    assert masked_pdf.status == 200 and masked_pdf.body()[:5] == b"%PDF-"
    assert not AuditEvent.objects.filter(action="application.reveal").exists()  # masked views are no reveals
    # The uploaded identity card: the browser will not send the form without a reason.
    file_reason = page.get_by_label("查看理由").last
    page.get_by_role("button", name="下载（将记入审计日志）").click()
    assert page.evaluate("el => !el.checkValidity()", file_reason.element_handle())
    file_reason.fill("核对身份证明")
    with page.expect_download() as card:
        page.get_by_role("button", name="下载（将记入审计日志）").click()
    assert Path(card.value.path()).read_bytes() == ID_CARD and card.value.suggested_filename == "身份证.pdf"
    # The letter in full.
    page.get_by_label("完整版理由").first.fill("打印后邮寄")
    with page.expect_download() as full:
        page.get_by_role("button", name="完整版 DOCX").first.click()
    assert "王小明" in docx_text(Path(full.value.path()).read_bytes())
    page.get_by_label("完整版理由").first.fill("存档")
    with page.expect_download() as full_pdf:
        page.get_by_role("button", name="完整版 PDF").first.click()
    assert Path(full_pdf.value.path()).read_bytes()[:5] == b"%PDF-"
    reasons = sorted(AuditEvent.objects.filter(action="application.reveal").values_list("reason", flat=True))
    assert reasons == ["存档", "打印后邮寄", "核对身份证明"]


def test_a_locked_code_is_unlocked_by_the_body_and_by_the_mailed_link(
    world: Any,
    live_server: Any,
    page: Any,  # noqa: F811
    settings: Any,
) -> None:
    cache.clear()
    settings.GONGKAI_TRACK_FAILURES_PER_CODE = 3
    app = submit(world, email="", delivery_way="post")
    base = live_server.url

    def track(secret: str) -> None:
        page.goto(f"{base}/apply/track/")
        page.fill("#id_tracking_code", app.tracking_code)
        page.fill("#id_secret", secret)
        page.get_by_role("button", name="查询").click()
        page.wait_for_load_state("load")

    for i in range(3):
        track(f"wrong-{i}")
        assert "查询码或查询密码不正确" in page.inner_text("main")
    track("my-secret")
    assert "已被锁定" in page.inner_text("main") and world.edu.name in page.inner_text("main")
    # The applicant calls the office; the clerk checks who is calling and unlocks.
    staff = page.context.browser.new_page()
    login(staff, base, "edu_clerk")
    staff.goto(f"{base}/workbench/applications/{app.pk}/")
    assert "锁定" in staff.inner_text("#tracking-locked")
    staff.get_by_role("button", name="核实申请人身份后解除锁定").click()
    staff.wait_for_selector("text=查询码已解除锁定")
    track("my-secret")
    page.wait_for_url("**/apply/status/")
    staff.close()
    # Locked again; this time the applicant follows the mailed link.
    cache.clear()
    for i in range(3):
        track(f"wrong-again-{i}")
    app.refresh_from_db()
    page.goto(f"{base}/apply/unlock/{access.unlock_token(app)}/")
    page.get_by_role("button", name="解除锁定").click()
    page.wait_for_selector("#unlock-done")
    track("my-secret")
    page.wait_for_url("**/apply/status/")


def test_sign_in_says_when_it_is_throttled(world: Any, live_server: Any, page: Any, settings: Any) -> None:  # noqa: F811
    cache.clear()
    settings.GONGKAI_LOGIN_FAILURES_PER_ACCOUNT = 2
    base = live_server.url
    for _ in range(2):
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "edu_clerk")
        page.fill("#id_password", "wrong-password")
        page.get_by_role("button", name="登录").click()
        page.wait_for_selector("text=用户名或密码不正确")
    page.fill("#id_username", "edu_clerk")
    page.fill("#id_password", "pw-for-tests")
    page.get_by_role("button", name="登录").click()
    assert re.search(r"登录失败次数过多，请\d+分钟后再试", page.inner_text("#login-throttled"))
