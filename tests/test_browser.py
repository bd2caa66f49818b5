"""End to end in Debian's headless Chromium, driven by Playwright (no browser download)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import draft, publish

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make system-deps)"),
]
# Playwright's sync API runs an event loop in this thread; the ORM calls made here are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def focused_text(page: Any) -> str:
    return page.evaluate(
        "() => (document.activeElement && (document.activeElement.innerText || document.activeElement.value || document.activeElement.getAttribute('aria-label') || document.activeElement.id)) || ''"
    )


def tab_to(page: Any, text: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if text in focused_text(page):
            return
    raise AssertionError(f"could not reach {text!r} with Tab")


def check_accessibility(page: Any) -> None:
    """Basic automated checks: language, one h1, labelled controls, named links, alt text."""
    # After a click that navigates, the new document may not exist yet on a busy machine.
    page.wait_for_load_state("load")
    problems = page.evaluate(
        """() => {
        const out = [];
        if (document.documentElement.lang !== 'zh-CN') out.push('html lang');
        if (document.querySelectorAll('h1').length !== 1) out.push('h1 count ' + document.querySelectorAll('h1').length);
        for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
            const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.getAttribute('aria-label') || el.closest('label');
            if (!labelled) out.push('unlabelled ' + (el.name || el.outerHTML.slice(0, 60)));
        }
        // textContent: a link inside a closed <details> is named, though not rendered yet.
        for (const a of document.querySelectorAll('a')) if (!a.textContent.trim() && !a.getAttribute('aria-label')) out.push('empty link');
        for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) out.push('img alt');
        return out;
    }"""
    )
    assert problems == [], problems


def test_portal_keyboard_only(world, live_server, page) -> None:
    doc = publish(world, draft(world, title="关于做好义务教育招生入学工作的通知", doc_number="呼教发〔2026〕7号"))
    publish(world, draft(world, title="关于校园安全的意见", doc_number="呼教发〔2026〕8号"))
    page.goto(f"{live_server.url}/xxgk/hhht/")
    check_accessibility(page)
    page.keyboard.press("Tab")
    assert focused_text(page) == "跳到正文"
    tab_to(page, "法定主动公开内容")
    page.keyboard.press("Enter")
    page.wait_for_url("**/fdzdgknr/")
    check_accessibility(page)
    assert "共 2 条" in page.inner_text("main")
    tab_to(page, "site-q")  # the search box in the header, on every page
    page.keyboard.type("呼教发[2026]7号")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    check_accessibility(page)
    assert "共 1 条" in page.inner_text("main")
    assert page.inner_text("mark") == "呼教发〔2026〕7号"
    tab_to(page, "关于做好义务教育招生入学工作的通知")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/content/{doc.pk}/")
    check_accessibility(page)
    meta = page.inner_text("table.meta")
    doc.refresh_from_db()
    assert doc.index_number in meta and "呼教发〔2026〕7号" in meta and "现行有效" in meta
    tab_to(page, "政府信息公开指南")
    page.keyboard.press("Enter")
    page.wait_for_url("**/zhinan/")
    assert "政府信息公开工作机构" in page.inner_text("main")


def fill_and_submit_application(page: Any) -> str:
    """Fill the open apply form as 王小明 would (fields already filled are kept), answer the question
    in words, submit, and return the tracking code shown."""
    from tests.test_application_pages import from_words
    from tests.test_applications import person_id

    page.fill("#id_applicant_name", "王小明")
    page.fill("#id_id_number", person_id())
    page.fill("#id_phone", "13800138000")
    page.fill("#id_description", "2025年全市义务教育阶段学校招生计划")
    page.select_option("#id_delivery_form", "electronic")
    page.select_option("#id_delivery_way", "online")
    page.fill("#id_secret", "my-secret")
    page.fill("#id_secret2", "my-secret")
    question = page.inner_text("label[for=id_challenge_answer]")
    a, b = re.search(r"验证问题：(\S+?)加(\S+?)等于多少", question).groups()
    page.fill("#id_challenge_answer", str(from_words(a) + from_words(b)))
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/apply/done/")
    return page.inner_text("#tracking-code").strip()


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/workbench/")
    page.focus("#id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type("pw-for-tests")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"://[^/]+/workbench/$"))


def logout(page: Any) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"://[^/]+/$"))


def test_staff_path_from_draft_to_published(world, live_server, page) -> None:
    base = live_server.url
    login(page, base, "edu_clerk")
    check_accessibility(page)
    page.get_by_role("link", name="新建政府信息").click()
    page.wait_for_url("**/new/")
    check_accessibility(page)
    page.get_by_label("名称").fill("呼和浩特市教育局关于2026年秋季学期开学工作的通知")
    page.get_by_label("文号").fill("呼教发〔2026〕31号")
    page.get_by_label("主题分类").select_option(label="科技、教育\\教育")
    page.get_by_label("信息形成（变更）日期").fill("2026-08-20")
    page.get_by_label("正文").fill("各旗县区教育局：现就秋季学期开学工作通知如下。")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_selector("text=草稿已保存")
    url = page.url
    # Try to submit with the keyboard: Tab to the button and press Enter.
    tab_to(page, "提交审核")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=已提交审核")
    logout(page)

    login(page, base, "edu_reviewer")
    page.goto(url)
    page.get_by_role("button", name="保密审查通过").click()
    page.wait_for_selector("text=已保密审查通过")
    logout(page)

    login(page, base, "edu_leader")
    page.goto(url)
    page.get_by_role("button", name="审批通过").click()
    page.wait_for_selector("text=已审批通过")
    logout(page)

    login(page, base, "edu_clerk")
    page.goto(url)
    page.get_by_role("button", name="发布").click()
    page.wait_for_selector("text=已发布。")
    assert page.inner_text("#doc-state") == "已发布"
    history = page.inner_text("#history")
    for label in ("创建草稿", "提交审核", "保密审查通过", "领导审批通过", "发布"):
        assert label in history
    assert "edu_reviewer" in history and "edu_leader" in history
    page.get_by_role("link", name="在门户网站查看").click()
    assert "呼和浩特市教育局关于2026年秋季学期开学工作的通知" in page.inner_text("h1")
    assert f"{world.edu.credit_code}/2026-00001" in page.inner_text("table.meta")


def test_other_department_cannot_open_draft(world, live_server, page) -> None:
    doc = draft(world, title="教育局内部草稿")
    login(page, live_server.url, "health_clerk")
    response = page.goto(f"{live_server.url}/workbench/documents/{doc.pk}/")
    assert response is not None and response.status == 404
    page.goto(f"{live_server.url}/workbench/documents/")
    assert "教育局内部草稿" not in page.inner_text("main")


def test_application_from_online_form_to_partial_reply(world, live_server, page, settings) -> None:
    """Issue 4 §11: apply online and receive the code; the clerk asks for a correction; the applicant
    corrects; the clerk proposes an extension and the head approves it; the clerk replies in part;
    the applicant reads the reply letter."""

    settings.GONGKAI_FORM_MIN_SECONDS = 0
    base = live_server.url
    # The applicant, on the portal.
    page.goto(f"{base}/xxgk/edu/")
    page.get_by_role("link", name="依申请公开").click()
    page.wait_for_url("**/ysqgk/")
    check_accessibility(page)
    page.select_option("#id_applicant_type", "NAT")
    page.fill("#id_email", "wang@example.com")
    code = fill_and_submit_application(page)
    assert re.fullmatch(r"\d{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)

    # The clerk asks for a correction.
    staff = page.context.browser.new_page()
    login(staff, base, "edu_clerk")
    staff.get_by_role("link", name="依申请公开").click()
    staff.get_by_role("link", name=code).click()
    staff.wait_for_url(re.compile(r".*/workbench/applications/\d+/$"))
    check_accessibility(staff)
    assert "王**" in staff.inner_text("#applicant-name")
    staff.fill("#request_correction-items", "请写明所需招生计划的学段")
    staff.get_by_role("button", name="告知补正").click()
    staff.wait_for_selector("text=已告知补正")
    assert staff.inner_text("#app-state") == "待补正"

    # The applicant signs in with code and secret and corrects.
    page.goto(f"{base}/apply/track/")
    page.fill("#id_tracking_code", code)
    page.fill("#id_secret", "my-secret")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/apply/status/")
    assert page.inner_text("#app-state") == "待补正"
    page.fill("#id_text", "小学和初中阶段")
    page.get_by_role("button", name="提交补正").click()
    page.wait_for_selector("text=补正材料已提交")
    assert page.inner_text("#app-state") == "办理中"

    # The clerk proposes an extension; the head of the office approves it.
    staff.reload()
    staff.fill("#propose_extension-days", "10")
    staff.fill("#propose_extension-reason", "需要汇总各旗县区数据")
    staff.get_by_role("button", name="提请延期").click()
    staff.wait_for_selector("#extension-pending")
    assert staff.get_by_role("button", name="批准延期").count() == 0  # not the clerk's to approve
    head = page.context.browser.new_page()
    login(head, base, "edu_leader")
    head.goto(staff.url)
    head.get_by_role("button", name="批准延期").click()
    head.wait_for_selector("text=已批准延期")
    assert "经批准延长10个工作日" in head.inner_text("#due-explanation")

    # The clerk replies in part, saying what is withheld and why.
    staff.reload()
    staff.select_option("#reply-reply_type", "PARTIAL")
    staff.fill("#reply-text", "招生计划见附件一。")
    staff.get_by_label("不予公开的内容1").fill("学生个人名单")
    staff.get_by_label("不予公开的理由1").fill("涉及个人隐私，依据第十五条不予公开")
    staff.get_by_role("button", name="预览答复书").click()
    staff.wait_for_selector("#letter-preview")
    check_accessibility(staff)
    assert "学生个人名单：涉及个人隐私" in staff.inner_text("#letter-preview")
    staff.get_by_role("button", name="确认无误，出具答复书").click()
    staff.wait_for_selector("text=已答复")
    assert staff.inner_text("#app-state") == "已答复"
    assert "部分公开" in staff.inner_text("#app-outcome")
    assert staff.inner_text("#app-timeliness").startswith("按时答复")  # issue 18 §13

    # The applicant sees the reply letter.
    page.reload()
    assert page.inner_text("#app-state") == "已答复"
    page.get_by_role("cell", name="政府信息公开申请答复书（部分公开）").wait_for()
    page.locator("details").last.click()
    letter_text = page.locator("details").last.inner_text()
    assert "学生个人名单：涉及个人隐私" in letter_text and "60日内依法申请行政复议" in letter_text
    pdf = page.request.get(base + page.get_by_role("link", name="PDF").last.get_attribute("href"))
    assert pdf.status == 200 and pdf.body()[:5] == b"%PDF-"
    staff.close()
    head.close()


def test_the_applicant_attaches_files_to_the_application_and_to_the_correction(
    world, live_server, page, settings, tmp_path
) -> None:
    """Issue 18 §1: both public forms take files (the upload control once rendered as
    "<MultiValueDict: {}>"), show them back to the applicant, and hand them to the clerk."""

    settings.GONGKAI_FORM_MIN_SECONDS = 0
    base = live_server.url
    scan = tmp_path / "身份证.pdf"
    scan.write_bytes(b"%PDF-1.4\n% identity card scan\n")
    extra = tmp_path / "补充说明.txt"
    extra.write_text("所需信息为2025年小学招生计划。", encoding="utf-8")

    page.goto(f"{base}/xxgk/edu/ysqgk/")
    assert "MultiValueDict" not in page.content()
    page.set_input_files("#id_attachments", str(scan))
    code = fill_and_submit_application(page)

    page.goto(f"{base}/apply/status/")
    assert "身份证.pdf" in page.inner_text("#my-files")
    with page.expect_download() as mine:
        page.get_by_role("link", name="身份证.pdf").click()
    assert mine.value.suggested_filename == "身份证.pdf"

    staff = page.context.browser.new_page()
    login(staff, base, "edu_clerk")
    staff.goto(f"{base}/workbench/applications/")
    staff.get_by_role("link", name=code).click()
    staff.fill("#request_correction-items", "请写明所需招生计划的学段")
    staff.get_by_role("button", name="告知补正").click()
    staff.wait_for_selector("text=已告知补正")

    page.goto(f"{base}/apply/status/")
    assert "MultiValueDict" not in page.content()
    page.fill("#id_text", "小学阶段")
    page.set_input_files("#id_attachments", str(extra))
    page.get_by_role("button", name="提交补正").click()
    page.wait_for_selector("text=补正材料已提交")
    files = page.inner_text("#my-files")
    assert "身份证.pdf" in files and "补充说明.txt" in files and "补正材料" in files
    assert "小学阶段" in page.inner_text("#correction-text")

    staff.reload()
    staff_files = staff.inner_text("ul.files")
    assert "身份证.pdf" in staff_files and "补充说明.txt" in staff_files
    staff.close()


def test_the_head_sees_the_queue_and_the_supervisor_reads_below_it(world, live_server, page) -> None:
    """Issue 18 §4, §5: the extension waiting for the head is on the head's dashboard with its count;
    the supervisor goes from the overview of its bodies to a case, read-only and masked."""
    import datetime as dt

    from gongkai.applications import services
    from tests.test_applications import applicant

    today = dt.date.today()
    app = services.submit_online(
        org=world.edu, applicant=applicant(applicant_name="王小明"), secret="my-secret", today=today
    ).application
    clerk = world.user("edu_clerk")
    services.transition(actor=clerk, application=app, action="accept", on=today)
    services.transition(actor=clerk, application=app, action="propose_extension", on=today, days=5, reason="档案在外地")
    base = live_server.url

    login(page, base, "edu_leader")
    assert page.inner_text("#awaiting-count") == "1"
    page.locator("#awaiting-head").get_by_role("link", name=app.tracking_code).click()
    page.get_by_role("button", name="批准延期").click()
    page.wait_for_selector("text=已批准延期")
    page.goto(f"{base}/workbench/")
    assert page.locator("#awaiting-head").count() == 0

    supervisor = page.context.browser.new_page()
    login(supervisor, base, "city_supervisor")
    supervisor.goto(f"{base}/workbench/applications/")
    check_accessibility(supervisor)
    supervisor.locator("#oversight").get_by_role("link", name=world.edu.name).click()
    supervisor.get_by_role("link", name=app.tracking_code).click()
    supervisor.wait_for_url(re.compile(r".*/workbench/applications/\d+/$"))
    assert supervisor.inner_text("#applicant-name") == "王**"
    assert supervisor.get_by_role("button", name=re.compile("显示完整个人信息")).count() == 0
    assert supervisor.get_by_role("button", name="答复", exact=True).count() == 0
    supervisor.close()


def test_a_refused_application_puts_every_error_in_a_summary_that_takes_focus(
    world, live_server, page, settings
) -> None:
    """Issue 18 §18: one submission shows all its errors, the summary first and focused; each entry
    leads to its field."""
    settings.GONGKAI_FORM_MIN_SECONDS = 60
    page.goto(f"{live_server.url}/xxgk/edu/ysqgk/")
    page.fill("#id_phone", "13800138000")
    page.fill("#id_postcode", "12")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_selector("#error-summary")
    assert page.evaluate("() => document.activeElement && document.activeElement.id") == "error-summary"
    summary = page.inner_text("#error-summary")
    assert "请填写姓名或者名称。" in summary and "提交过快" in summary and "确保" not in summary
    assert page.input_value("#id_phone") == "13800138000"
    page.locator("#error-summary").get_by_role("link", name=re.compile("姓名或者名称")).click()
    assert page.evaluate("() => location.hash") == "#id_applicant_name"
    check_accessibility(page)


def test_an_operator_sees_a_failed_job_and_retries_it(world, live_server, page, settings) -> None:
    """Issue 20 §1: the job queue in /admin/ (pending, failed, retried) and the retry by hand."""
    from django.contrib.auth import get_user_model
    from django_tasks_db.models import DBTaskResult

    from gongkai.applications import jobs as app_jobs
    from gongkai.applications import services
    from gongkai.applications.models import Letter
    from gongkai.core import jobs
    from tests.conftest import free_port
    from tests.test_applications import applicant

    settings.GONGKAI_JOBS_EAGER = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # no mail server there
    app = services.submit_online(org=world.edu, applicant=applicant(), secret="my-secret").application
    DBTaskResult.objects.all().delete()
    jobs.enqueue(app_jobs.mail_letter_notice, Letter.objects.get(application=app).pk, _attempt=12)
    jobs.run_ready()
    get_user_model().objects.create_superuser("ops", password="pw-for-tests-ops")
    base = live_server.url
    page.goto(f"{base}/admin/login/?next=/admin/django_tasks_database/dbtaskresult/")
    page.fill("#id_username", "ops")
    page.fill("#id_password", "pw-for-tests-ops")
    page.press("#id_password", "Enter")
    page.wait_for_url("**/dbtaskresult/")
    assert "已失败且不再重试 1" in page.inner_text("body")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "retry_failed")
    page.click("button[name=index]")
    page.wait_for_selector("text=已重新排队 1 个任务")
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_an_administrator_edits_how_to_pay_in_the_fee_notice(world, live_server, page) -> None:
    """The letter-template editor, with the fee notice's 缴费方式 region (国办函〔2020〕109号: the
    notice says how to pay); the legal wording around it stays locked."""
    base = live_server.url
    login(page, base, "city_admin")
    page.goto(f"{base}/workbench/letter-templates/")
    page.select_option("#tpl-org", world.edu.slug)
    page.select_option("#tpl-kind", "fee")
    page.get_by_role("button", name="打开").click()
    page.wait_for_selector("#region-payment")
    assert "第四十二条" in page.inner_text("main")  # the locked legal wording around the region
    page.fill("#region-payment", "缴费方式：通过“内蒙古非税缴费”平台缴纳，缴费码见本通知书右上角。")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=文书模板已保存")
    assert "非税缴费" in page.input_value("#region-payment")
    check_accessibility(page)


def test_a_reply_with_a_file_is_previewed_confirmed_and_downloaded(
    world, live_server, page, settings, tmp_path
) -> None:
    """Issue 18 §2, §6: the clerk attaches the disclosed file and a published catalogue item, sees the
    letter before it goes (nothing is issued until the confirmation), confirms; the applicant
    downloads the file from the tracking page and follows the item's link."""

    settings.GONGKAI_FORM_MIN_SECONDS = 0
    base = live_server.url
    item = publish(world, draft(world, title="2025年义务教育招生计划"))
    disclosed_file = tmp_path / "招生计划明细.pdf"
    disclosed_file.write_bytes(b"%PDF-1.4\n% plan in detail\n" + b"0" * 100)

    page.goto(f"{base}/xxgk/edu/ysqgk/")
    code = fill_and_submit_application(page)

    staff = page.context.browser.new_page()
    login(staff, base, "edu_clerk")
    staff.goto(f"{base}/workbench/applications/")
    staff.get_by_role("link", name=code).click()
    staff.set_input_files("#reply-files", str(disclosed_file))
    staff.get_by_role("button", name="附上文件").click()
    staff.wait_for_selector("text=已附上1个文件")
    staff.fill("#reply-item", item.index_number)
    staff.get_by_role("button", name="附上目录信息").click()
    staff.wait_for_selector("text=已附上目录信息")
    listed = staff.inner_text("#reply-document-list")
    assert "招生计划明细.pdf" in listed and "2025年义务教育招生计划" in listed
    # A file attached by mistake is removed before the reply.
    wrong = tmp_path / "附错的文件.txt"
    wrong.write_text("不应提供的内容", encoding="utf-8")
    staff.set_input_files("#reply-files", str(wrong))
    staff.get_by_role("button", name="附上文件").click()
    staff.wait_for_selector("text=已附上1个文件")
    staff.get_by_role("button", name="移除 附错的文件.txt").click()
    staff.wait_for_selector("text=已移除“附错的文件.txt”")
    assert "附错的文件.txt" not in staff.inner_text("#reply-document-list")
    with staff.expect_download() as got:
        staff.get_by_role("link", name="招生计划明细.pdf").click()
    assert got.value.suggested_filename == "招生计划明细.pdf"

    # A 非本机关负责 reply with no competent body is refused with the field's message; with one, it
    # is refused because it provides nothing while documents are attached.
    staff.select_option("#reply-reply_type", "NOT_THIS_BODY")
    staff.get_by_role("button", name="预览答复书").click()
    staff.wait_for_selector("#reply-error")
    assert "请填写负责公开该政府信息的行政机关的名称和联系方式" in staff.inner_text("#reply-error")
    assert staff.eval_on_selector("#reply-reply_type", "e => e.value") == "NOT_THIS_BODY"  # kept
    staff.fill("#reply-competent_body", "呼和浩特市自然资源局，0471-0000000")
    staff.get_by_role("button", name="预览答复书").click()
    staff.wait_for_selector("text=请先移除已附上的文件或目录信息")
    staff.fill("#reply-competent_body", "")
    staff.check("#reply-competent_unknown")  # "无法确定" passes the competent-body rule; documents still refuse
    staff.get_by_role("button", name="预览答复书").click()
    staff.wait_for_selector("text=请先移除已附上的文件或目录信息")
    assert staff.is_checked("#reply-competent_unknown")
    staff.uncheck("#reply-competent_unknown")

    staff.select_option("#reply-reply_type", "DISCLOSE")
    staff.fill("#reply-competent_body", "")  # kept from the attempt above; a disclosure names none
    staff.get_by_role("button", name="预览答复书").click()
    staff.wait_for_selector("#letter-preview")
    check_accessibility(staff)
    preview = staff.inner_text("#letter-preview")
    assert "现向您提供该政府信息，见本答复书所列材料。" in preview
    assert "1. 招生计划明细.pdf" in preview and item.index_number in preview
    assert "王小明" not in preview and "王**" in preview
    # Going back instead of confirming issues nothing and keeps what was chosen.
    staff.get_by_role("button", name="返回修改").click()
    staff.wait_for_selector("#reply-form")
    assert staff.inner_text("#app-state") == "已登记"
    assert staff.eval_on_selector("#reply-reply_type", "e => e.value") == "DISCLOSE"
    staff.fill("#reply-text", "纸质文本另行邮寄。")
    staff.get_by_role("button", name="预览答复书").click()
    assert "纸质文本另行邮寄。" in staff.inner_text("#letter-preview")
    staff.get_by_role("button", name="确认无误，出具答复书").click()
    staff.wait_for_selector("text=已答复")
    assert staff.inner_text("#app-state") == "已答复"
    assert staff.get_by_role("button", name="附上文件").count() == 0  # nothing changes after the reply

    page.goto(f"{base}/apply/status/")
    documents = page.inner_text("#reply-documents")
    assert "招生计划明细.pdf" in documents and "2025年义务教育招生计划" in documents
    with page.expect_download() as got:
        page.locator("#reply-documents").get_by_role("link", name="招生计划明细.pdf").click()
    assert got.value.suggested_filename == "招生计划明细.pdf"
    assert Path(got.value.path()).read_bytes() == disclosed_file.read_bytes()
    page.locator("#reply-documents").get_by_role("link", name="2025年义务教育招生计划").click()
    page.wait_for_url(f"**/xxgk/edu/content/{item.pk}/")
    staff.close()


def test_the_applicant_follows_withdraws_rates_and_recovers(world, live_server, page, settings) -> None:
    """Issue 18 §16: the tracking page shows the timeline with the applicant's own correction; a
    case is withdrawn with a confirmation; a replied one is rated; a lost secret is reset with the
    code the body gives by phone."""

    settings.GONGKAI_FORM_MIN_SECONDS = 0
    base = live_server.url
    page.goto(f"{base}/xxgk/edu/ysqgk/")
    first = fill_and_submit_application(page)
    page.goto(f"{base}/xxgk/edu/ysqgk/")
    second = fill_and_submit_application(page)

    staff = page.context.browser.new_page()
    login(staff, base, "edu_clerk")
    staff.goto(f"{base}/workbench/applications/")
    staff.get_by_role("link", name=first).click()
    staff.fill("#request_correction-items", "请写明学段")
    staff.get_by_role("button", name="告知补正").click()
    staff.wait_for_selector("text=已告知补正")

    # The first case: the applicant corrects, sees it in the timeline, then withdraws.
    page.goto(f"{base}/apply/track/")
    page.fill("#id_tracking_code", first)
    page.fill("#id_secret", "my-secret")
    page.get_by_role("button", name="查询").click()
    page.fill("#id_text", "小学阶段")
    page.get_by_role("button", name="提交补正").click()
    page.wait_for_selector("text=补正材料已提交")
    timeline = page.inner_text("#timeline")
    assert "告知补正：需要补正的事项：请写明学段" in timeline and "补正内容：小学阶段" in timeline
    check_accessibility(page)
    page.get_by_text("撤回申请", exact=True).first.click()  # opens the section
    page.fill("#id_reason", "已从学校获得")
    page.get_by_role("button", name="撤回申请").click()
    page.wait_for_selector("text=请勾选确认")
    assert page.inner_text("#app-state") == "办理中"
    page.check("#id_confirm")
    page.get_by_role("button", name="撤回申请").click()
    page.wait_for_selector("text=申请已撤回")
    assert page.inner_text("#app-state") == "已终止"
    assert "撤回申请：已从学校获得" in page.inner_text("#timeline")
    page.get_by_text("政府信息公开申请终止处理告知书").first.wait_for()

    # The second case: the clerk replies; the applicant has lost the secret and calls the body.
    staff.goto(f"{base}/workbench/applications/")
    staff.get_by_role("link", name=second).click()
    staff.select_option("#reply-reply_type", "NOT_EXIST")
    staff.get_by_role("button", name="预览答复书").click()
    staff.get_by_role("button", name="确认无误，出具答复书").click()
    staff.wait_for_selector("text=已答复")
    staff.get_by_role("button", name="生成重置码").click()
    code = staff.inner_text("#reset-code").strip()
    assert len(code) == 8

    page.get_by_role("button", name="退出查询").click()
    page.get_by_role("link", name="忘记查询密码？").click()
    page.wait_for_url("**/apply/recover/")
    check_accessibility(page)
    page.fill("#id_code-tracking_code", second)
    page.fill("#id_code-reset_code", code)
    page.fill("#id_code-secret", "a-new-secret-42")
    page.fill("#id_code-secret2", "a-new-secret-42")
    page.get_by_role("button", name="设置新的查询密码").click()
    page.wait_for_selector("text=查询密码已重新设置")
    page.fill("#id_tracking_code", second)
    page.fill("#id_secret", "a-new-secret-42")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/apply/status/")
    assert "作出答复" in page.inner_text("#timeline")
    assert "重新设置查询密码" in page.inner_text("#timeline")

    # And rates the reply.
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=请选择满意、基本满意或不满意")
    page.get_by_label("基本满意").check()
    page.fill("#id_comment", "答复及时")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=感谢您的评价")
    assert page.inner_text("#my-rating") == "您的评价：基本满意（答复及时）"
    staff.reload()
    assert "基本满意" in staff.inner_text("#app-satisfaction")
    staff.close()


def test_staff_find_a_closed_case_and_export_the_list(world, live_server, page, settings) -> None:
    """Issue 18 §3: a replied case is found again by the words of the request and by the applicant's
    full name (after giving a reason), and the filtered list is exported masked."""
    import datetime as dt

    from openpyxl import load_workbook

    from gongkai.applications import services
    from tests.test_applications import applicant

    app = services.submit_online(
        org=world.edu, applicant=applicant(description="2025年学区划分方案"), secret="my-secret"
    ).application
    services.transition(
        actor=world.user("edu_clerk"), application=app, action="reply", reply_type="NOT_EXIST", on=dt.date.today()
    )
    base = live_server.url
    login(page, base, "edu_clerk")
    page.goto(f"{base}/workbench/applications/")
    assert app.tracking_code not in page.inner_text("main")  # closed: not in the to-do list
    page.get_by_role("link", name="查找全部申请（含已办结）").click()
    check_accessibility(page)
    page.fill("#id_words", "学区划分")
    page.select_option("#id_state", "replied")
    page.fill("#id_received_from", "2020-01-01")
    page.get_by_role("button", name="查找", exact=True).first.click()
    page.wait_for_selector("#cases")
    assert app.tracking_code in page.inner_text("#cases") and "王**" in page.inner_text("#cases")
    # Every other filter, narrowing to the same case.
    page.select_option("#id_org", label="呼和浩特市教育局")
    page.fill("#id_code", app.tracking_code[-4:])
    page.fill("#id_masked_applicant", "王**")
    page.select_option("#id_outcome", "U1")
    page.select_option("#id_channel", "online")
    page.select_option("#id_timeliness", "on_time")
    today = dt.date.today().isoformat()
    page.fill("#id_received_to", today)
    page.fill("#id_replied_from", "2020-01-01")
    page.fill("#id_replied_to", today)
    page.get_by_role("button", name="查找", exact=True).first.click()
    page.wait_for_selector("#case-count")
    assert page.inner_text("#case-count").startswith("共 1 件")
    with page.expect_download() as got:
        page.get_by_role("button", name="导出 XLSX").first.click()
    sheet = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes())).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert app.tracking_code in cells and "王**" in cells and "王小明" not in cells
    with page.expect_download() as got:
        page.get_by_role("button", name="导出 CSV").click()
    assert got.value.suggested_filename.endswith(".csv")

    page.get_by_text("按申请人完整信息查找").click()
    page.fill("#id_applicant", "王小明")
    page.get_by_role("button", name="查找", exact=True).last.click()
    page.wait_for_selector("text=须填写理由")
    page.fill("#id_reason", "申请人来电询问")
    page.get_by_role("button", name="查找", exact=True).last.click()
    page.wait_for_selector("#cases")
    assert app.tracking_code in page.inner_text("#cases")


def test_replied_information_becomes_proactive_disclosure(world, live_server, page) -> None:
    """Issue 18 §17 (Art. 44): from a disclosed reply, the clerk makes a catalogue draft; the draft
    names the case it came from and the inbox counts the conversion."""
    import datetime as dt

    from gongkai.applications import services
    from tests.test_applications import applicant

    app = services.submit_online(org=world.edu, applicant=applicant(), secret="my-secret").application
    services.transition(
        actor=world.user("edu_clerk"),
        application=app,
        action="reply",
        reply_type="DISCLOSE",
        text="已通过电子邮件发送。",
        on=dt.date.today(),
    )
    base = live_server.url
    login(page, base, "edu_clerk")
    page.goto(f"{base}/workbench/applications/{app.pk}/")
    page.get_by_text("转为主动公开（第四十四条）").click()
    page.check("#basis-multiple")
    page.fill("#proactive-title", "2025年度部门预算及其说明（依申请公开转主动公开）")
    page.select_option("#proactive-topic", index=1)
    page.fill("#proactive-summary", "多名申请人申请相同信息")
    page.get_by_role("button", name="生成主动公开信息草稿").click()
    page.wait_for_selector("#from-application")
    check_accessibility(page)
    assert app.tracking_code in page.inner_text("#from-application")
    page.get_by_role("link", name=app.tracking_code).click()
    assert "转为主动公开" in page.inner_text("#app-proactive")
    page.goto(f"{base}/workbench/applications/")
    assert page.inner_text("#conversions") == "1"


def test_the_steps_of_articles_32_35_and_36_7_and_recovery_by_mail(world, live_server, page, settings) -> None:
    """Issue 18 §9–§11 and §16 through the pages: the clerk records a third party's objection and
    discloses over it, asks for reasons, records them and sets a longer period (Art. 35), and replies
    to a query governed by its own law (Art. 36(7)); the applicant recovers the secret by e-mail."""
    import datetime as dt

    from django.core import mail

    settings.GONGKAI_FORM_MIN_SECONDS = 0
    base = live_server.url
    page.goto(f"{base}/xxgk/edu/ysqgk/")
    page.fill("#id_email", "wang@example.com")
    code = fill_and_submit_application(page)

    staff = page.context.browser.new_page()
    login(staff, base, "edu_clerk")
    staff.goto(f"{base}/workbench/applications/")
    staff.get_by_role("link", name=code).click()
    staff.get_by_role("button", name="审核通过，开始办理").click()
    staff.wait_for_selector("text=已审核通过，开始办理")

    # Art. 32: consult, record the objection, disclose over it with the notice to the third party.
    staff.fill("#consult-party", "内蒙古某建设有限公司")
    staff.get_by_role("button", name="发出征求意见函").click()
    staff.wait_for_selector("text=已征求意见")
    staff.fill("#end_consultation-opinion", "涉及商业秘密，不同意公开")
    staff.check("#end_consultation-objected")
    staff.get_by_role("button", name="征求意见结束").click()
    staff.wait_for_selector("text=不同意公开")
    staff.fill("#disclose_over_objection-content", "该项目的消防验收结论")
    staff.fill("#disclose_over_objection-reason", "关系师生生命安全，不公开可能对公共利益造成重大影响")
    staff.get_by_role("button", name="决定予以公开并书面告知第三方").click()
    staff.wait_for_selector("text=已决定予以公开并书面告知第三方")
    assert "政府信息公开决定告知书" in staff.inner_text("main")

    # Art. 35: reasons asked, recorded, and a longer reasonable period set.
    staff.fill("#ask_reasons-period", "10")
    staff.get_by_role("button", name="要求说明理由").click()
    staff.wait_for_selector("#art35-state")
    staff.fill("#record_reasons-text", "撰写学位论文需要历年数据")
    staff.get_by_role("button", name="记录申请人说明的理由").click()
    staff.wait_for_selector("text=撰写学位论文需要历年数据")
    until = dt.date.today() + dt.timedelta(days=90)
    staff.fill("#set_longer_period-until", until.isoformat())
    staff.fill("#set_longer_period-reason", "所需信息共计412件")
    staff.get_by_role("button", name="确定延迟答复的合理期限").click()
    staff.wait_for_selector("text=已确定延迟答复的合理期限")
    assert staff.inner_text("#app-due") == until.isoformat()
    check_accessibility(staff)

    # Art. 36(7): a query reply names the law and where to apply.
    staff.select_option("#reply-reply_type", "QUERY_PROCEDURE")
    staff.fill("#reply-on", dt.date.today().isoformat())
    staff.fill("#reply-query_law", "《不动产登记暂行条例》及其实施细则")
    staff.fill("#reply-query_where", "呼和浩特市不动产登记中心")
    staff.get_by_role("button", name="预览答复书").click()
    preview = staff.inner_text("#letter-preview")
    assert "请您依照《不动产登记暂行条例》及其实施细则的规定，向呼和浩特市不动产登记中心申请查询。" in preview
    staff.get_by_role("button", name="确认无误，出具答复书").click()
    staff.wait_for_selector("text=已答复")
    assert "8.属于行政查询事项" in staff.inner_text("#app-outcome")

    # The applicant lost the secret: a link to the e-mail address given in the application.
    mail.outbox.clear()
    page.goto(f"{base}/apply/recover/")
    page.fill("#id_mail-tracking_code", code)
    page.fill("#id_mail-email", "wang@example.com")
    page.get_by_role("button", name="发送重置链接").click()
    page.wait_for_selector("#mail-sent")
    link = re.search(r"https?://\S+/apply/reset/\S+/", mail.outbox[-1].body).group(0)
    page.goto(base + link[link.index("/apply/reset/") :])
    check_accessibility(page)
    page.fill("#id_secret", "a-new-secret-42")
    page.fill("#id_secret2", "a-new-secret-42")
    page.get_by_role("button", name="保存新的查询密码").click()
    page.wait_for_selector("text=查询密码已重新设置")
    page.fill("#id_tracking_code", code)
    page.fill("#id_secret", "a-new-secret-42")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/apply/status/")
    assert "作出答复" in page.inner_text("#timeline")
    staff.close()


def test_a_leader_imports_a_catalogue_file_and_watches_it_finish(world, live_server, page, settings, tmp_path) -> None:
    """Issue 20 §1: the upload through the page, the job waiting for a worker, the page refreshing
    itself until the import is done, the rejected line listed with its reason."""
    import json

    from gongkai.catalogue.models import Document
    from gongkai.core import jobs
    from tests.test_import_export import line

    settings.GONGKAI_JOBS_EAGER = False  # as in production: a worker takes the job
    catalogue = tmp_path / "旧系统目录.jsonl"
    rows = [line(1), line(2), line(3, written_date="2024-02-30")]
    catalogue.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    login(page, live_server.url, "edu_leader")
    page.get_by_role("link", name="政府信息", exact=True).click()
    page.get_by_role("link", name="批量导入已公开的信息").click()
    page.wait_for_url("**/documents/imports/")
    check_accessibility(page)
    page.get_by_role("button", name="上传并导入").click()  # no file chosen: the browser refuses
    assert page.url.endswith("/documents/imports/")
    page.get_by_label("默认发布机构").select_option(label="呼和浩特市教育局")
    page.set_input_files("#id_file", str(catalogue))
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_selector("text=已上传，正在排队导入")
    check_accessibility(page)
    assert page.inner_text("#import-state") == "排队中"
    assert not Document.objects.exists()
    jobs.run_ready()  # the worker
    # Nobody reloads: the page refreshes itself while the import waits or runs.
    page.wait_for_selector("#import-state:text-is('已完成')", timeout=20_000)
    assert page.inner_text("#import-progress") == "已处理 3 / 3 行（100%）"
    assert page.inner_text("#import-created") == "2" and page.inner_text("#import-rejected") == "1"
    rejected = page.inner_text("table.list")
    assert "3" in rejected and "2024-02-30" in rejected, rejected
    assert Document.objects.filter(org=world.edu).count() == 2
    page.get_by_role("link", name="← 批量导入").click()
    assert "旧系统目录.jsonl" in page.inner_text("table.list")


def test_a_clerk_publishes_an_interpretation_of_a_normative_document(world, live_server, page) -> None:
    """Issue 21 §1: from the 政策解读 to-do list to the interpretation shown on both portal pages."""
    from gongkai.catalogue import services as doc_services

    norm = publish(world, draft(world, title="呼和浩特市中小学生课后服务管理办法", instrument="normative"))
    base = live_server.url
    login(page, base, "edu_clerk")
    assert "已发布而尚无解读的规章、规范性文件" in page.inner_text("#awaiting-interpretation")
    page.get_by_role("link", name="政策解读", exact=True).click()
    page.wait_for_url("**/interpretations/")
    check_accessibility(page)
    assert norm.title in page.inner_text("#todo")
    page.locator("#todo").get_by_role("link", name="新建解读").click()
    page.wait_for_url("**/documents/new/**")
    check_accessibility(page)
    assert page.get_by_label("所解读的政策文件（索引号或工作台编号）").input_value() == norm.index_number
    assert page.get_by_label("解读形式").input_value() == "text"
    page.get_by_label("解读主体").select_option(label="主要负责人解读")
    page.get_by_label("名称").fill("《呼和浩特市中小学生课后服务管理办法》政策解读")
    page.get_by_label("主题分类").select_option(label="科技、教育\\教育")
    page.get_by_label("信息形成（变更）日期").fill("2026-03-02")
    page.get_by_label("正文").fill("一、出台背景。二、主要内容。三、适用范围。")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_selector("text=草稿已保存")
    assert norm.title in page.inner_text("#interprets")
    url = page.url
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_selector("text=已提交审核")
    reading = norm.interpretations.get()
    doc_services.document_transition(actor=world.user("edu_reviewer"), document=reading, action="review")
    doc_services.document_transition(actor=world.user("edu_leader"), document=reading, action="approve")
    page.goto(url)
    page.get_by_role("button", name="发布").click()
    page.wait_for_selector("text=已发布。")

    page.goto(f"{base}/xxgk/edu/content/{norm.pk}/")
    check_accessibility(page)
    section = page.inner_text("#interpretations")
    assert "《呼和浩特市中小学生课后服务管理办法》政策解读" in section and "主要负责人解读" in section
    page.locator("#interpretations").get_by_role("link").click()
    page.wait_for_url(f"**/content/{reading.pk}/")
    assert "本文是对《呼和浩特市中小学生课后服务管理办法》的解读" in page.inner_text("#interprets")
    page.locator("#interprets").get_by_role("link").click()
    page.wait_for_url(f"**/content/{norm.pk}/")
    page.goto(f"{base}/workbench/interpretations/?year={norm.published_date.year}")
    assert "没有待解读的规章、规范性文件" in page.inner_text("#todo")
    assert "100%" in page.inner_text("#figures")


def test_a_citizen_writes_to_the_leaders_mailbox_and_reads_the_published_reply(
    world, live_server, page, settings
) -> None:
    """Issue 21 §6: the citizen writes to the 领导信箱 with consent to publish; the clerk replies and
    publishes the question and answer without the writer's name; the citizen reads the reply with
    the tracking code, and anyone reads the published Q&A on the portal."""
    from gongkai.interaction import services as interaction
    from tests.test_application_pages import from_words

    settings.GONGKAI_FORM_MIN_SECONDS = 0
    interaction.box_configure(
        actor=world.user("city_admin"), org=world.edu, channel="leader", enabled=True, reply_working_days=10
    )
    base = live_server.url
    page.goto(f"{base}/xxgk/edu/")
    page.get_by_role("link", name="政民互动").click()
    page.wait_for_url("**/hudong/")
    check_accessibility(page)
    page.get_by_role("link", name="写信：领导信箱").click()
    page.wait_for_url("**/hudong/write/leader/")
    check_accessibility(page)
    page.get_by_label("姓名", exact=False).first.fill("赵丽华")
    page.fill("#id_phone", "13912345678")
    page.get_by_label("电子邮箱").fill("zhao@example.com")
    page.get_by_label("标题").fill("校门口早高峰拥堵")
    page.get_by_label("留言内容").fill("我是赵丽华。第十中学门口早高峰拥堵，建议设置临时停车点。")
    page.get_by_label("同意在答复后将留言和答复公开").check()
    page.get_by_label("设置查询密码").fill("zhao-secret-1")
    page.get_by_label("再次输入查询密码").fill("zhao-secret-1")
    question = page.inner_text("label[for=id_challenge_answer]")
    a, b = re.search(r"验证问题：(\S+?)加(\S+?)等于多少", question).groups()
    page.fill("#id_challenge_answer", str(from_words(a) + from_words(b)))
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url("**/hudong/done/")
    code = page.inner_text("#tracking-code").strip()
    assert re.fullmatch(r"M\d{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)

    staff = page.context.browser.new_page()
    login(staff, base, "edu_clerk")
    staff.get_by_role("link", name="政民互动").click()
    staff.wait_for_url("**/workbench/messages/")
    check_accessibility(staff)
    assert "赵**" in staff.inner_text("#messages") and "赵丽华" not in staff.inner_text("#messages")
    staff.get_by_role("link", name=code).click()
    check_accessibility(staff)
    staff.fill("#reply-reply", "已协调交警部门于本周起在校门东侧设置临时停车点。")
    staff.get_by_role("button", name="答复", exact=True).click()
    staff.wait_for_selector("text=已答复。")
    assert staff.inner_text("#message-state") == "已答复"
    question_box = staff.locator("#publish-question")
    assert "我是赵丽华" in question_box.input_value()  # the form starts from the message
    question_box.fill("第十中学门口早高峰拥堵，建议设置临时停车点。")
    staff.get_by_role("button", name="公开问答").click()
    staff.wait_for_selector("text=已公开问答。")
    staff.close()

    page.goto(f"{base}/hudong/track/")
    page.fill("#id_tracking_code", code)
    page.fill("#id_secret", "zhao-secret-1")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/hudong/status/")
    assert "临时停车点" in page.inner_text("#reply")
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("#rated")
    assert "满意" in page.inner_text("#rated")
    page.get_by_role("link", name="公开", exact=True).click()
    page.wait_for_url("**/hudong/*/")
    assert "建议设置临时停车点" in page.inner_text("#question") and "赵丽华" not in page.inner_text("main")
    page.goto(f"{base}/xxgk/edu/hudong/")
    page.fill("#q", "停车点")
    page.get_by_role("button", name="查找").click()
    assert "校门口早高峰拥堵" in page.inner_text("#published")


def test_channels_are_set_and_messages_converted_dismissed_revealed_and_taken_down(world, live_server, page) -> None:
    """Issue 21 §6, the rest of the staff's controls: the administrator switches a channel on; the
    clerk reveals the writer (logged), turns one message into an application, declines another;
    the leader takes a published answer down."""
    from gongkai.core.models import AuditEvent
    from gongkai.interaction import services as interaction
    from gongkai.interaction.models import Message

    base = live_server.url
    login(page, base, "city_admin")
    page.goto(f"{base}/workbench/messages/boxes/?org=edu")
    check_accessibility(page)
    box = page.locator("#box-consult")
    box.get_by_label("开通咨询").check()
    box.get_by_label("答复时限（工作日）").fill("5")
    box.get_by_label("说明").fill("咨询教育政策。")
    box.get_by_role("button", name="保存咨询").click()
    page.wait_for_selector("text=已保存。")
    logout(page)
    page.goto(f"{base}/xxgk/edu/hudong/")
    assert "写信：咨询" in page.inner_text("#channels") and "5个工作日内答复" in page.inner_text("#channels")

    consult = world.edu.message_boxes.get(channel="consult")
    writer = {"writer_name": "钱多多", "phone": "13700001111", "email": ""}
    asks = interaction.message_submit(
        box=consult,
        writer={**writer, "subject": "招生计划", "body": "请提供2026年招生计划文件。"},
        secret="qian-secret-1",
        consent=True,
    )
    noise = interaction.message_submit(
        box=consult, writer={**writer, "subject": "测试", "body": "测试测试"}, secret="qian-secret-1", consent=False
    )
    login(page, base, "edu_clerk")
    page.goto(f"{base}/workbench/messages/{asks.pk}/")
    page.get_by_role("button", name="显示留言人完整联系方式（将记录查看）").click()
    assert "13700001111" in page.inner_text("#writer")
    assert AuditEvent.objects.filter(action="message.reveal").count() == 1
    page.select_option("#convert-applicant_type", "NAT")
    page.fill("#convert-id_number", "11010519491231002X")
    page.fill("#convert-description", "2026年招生计划文件")
    page.select_option("#convert-delivery_form", "electronic")
    page.select_option("#convert-delivery_way", "online")
    page.get_by_role("button", name="转为政府信息公开申请").click()
    page.wait_for_selector("text=已转为政府信息公开申请。")
    asks.refresh_from_db()
    assert asks.state == "converted" and asks.application.tracking_code in page.inner_text("main")
    page.goto(f"{base}/workbench/messages/{noise.pk}/")
    page.fill("#dismiss-reason", "无实质内容")
    page.get_by_role("button", name="不予答复").click()
    page.wait_for_selector("text=已不予答复。")
    assert Message.objects.get(pk=noise.pk).state == "dismissed"
    page.goto(f"{base}/workbench/messages/")
    tally = page.locator("#tally-form")
    tally.get_by_label("渠道").select_option(label="热线电话")
    tally.get_by_label("月", exact=True).fill("1")
    tally.get_by_label("件数").fill("42")
    tally.get_by_label("数据来源").fill("12345热线系统导出")
    tally.get_by_role("button", name="记录").click()
    page.wait_for_selector("text=已记录线下渠道件数。")
    assert "12345热线系统导出" in page.inner_text("#tallies")
    page.get_by_label("状态").select_option(label="不予答复")
    page.get_by_role("button", name="筛选").click()
    assert noise.tracking_code in page.inner_text("#messages") and asks.tracking_code not in page.inner_text(
        "#messages"
    )
    logout(page)

    published = interaction.message_submit(
        box=consult,
        writer={**writer, "subject": "开学时间", "body": "何时开学？"},
        secret="qian-secret-1",
        consent=True,
    )
    interaction.message_transition(actor=world.user("edu_clerk"), message=published, action="reply", reply="9月1日。")
    interaction.message_transition(
        actor=world.user("edu_clerk"), message=published, action="publish", question="何时开学？", answer="9月1日。"
    )
    login(page, base, "edu_leader")
    page.goto(f"{base}/workbench/messages/{published.pk}/")
    page.fill("#unpublish-reason", "政策有调整")
    page.get_by_role("button", name="撤下公开").click()
    page.wait_for_selector("text=已撤下公开。")
    response = page.goto(f"{base}/xxgk/edu/hudong/{published.pk}/")
    assert response is not None and response.status == 404


def test_a_clerk_records_a_press_conference_and_a_training_session(world, live_server, page) -> None:
    """Issue 21 §3, §8: both forms of the workbench, and the press conference on the portal."""
    norm = publish(world, draft(world, title="呼和浩特市学生资助办法", instrument="normative"))
    reading = publish(
        world, draft(world, title="学生资助办法解读", interprets=norm.index_number, interpretation_form="text")
    )
    base = live_server.url
    today = timezone.localdate()  # every record of this test is of today, so "this year" lists show it
    day, year = today.isoformat(), today.year
    login(page, base, "edu_clerk")
    page.get_by_role("link", name="公开工作记录").click()
    page.wait_for_url("**/workbench/openness/")
    check_accessibility(page)
    press = page.locator("#press-form")
    press.get_by_label("举行日期").fill(day)
    press.get_by_label("主题").fill("学生资助政策新闻发布会")
    press.get_by_label("发布人（新闻发言人、负责人等）").fill("局长、新闻发言人")
    press.get_by_label("主要负责人出席").check()
    press.get_by_label("发布的政策解读的索引号（可选，多个以空格分隔）").fill(reading.index_number)
    press.get_by_role("button", name="记录新闻发布会").click()
    page.wait_for_selector("text=已记录新闻发布会。")
    assert "学生资助政策新闻发布会" in page.inner_text("#conferences")
    training = page.locator("#training-form")
    training.get_by_label("类型").select_option(label="培训")
    training.get_by_label("日期").fill(day)
    training.get_by_label("名称").fill("政府信息公开条例培训")
    training.get_by_label("参加人次").fill("60")
    training.get_by_role("button", name="记录培训或会议").click()
    page.wait_for_selector("text=已记录培训或会议。")
    assert "政府信息公开条例培训" in page.inner_text("#sessions")
    assert "60" in page.inner_text("#openness-figures")
    response = page.locator("#response-form")
    response.get_by_label("回应日期").fill(day)
    response.get_by_label("关切事项").fill("学生资助申请材料多")
    response.get_by_label("回应渠道").select_option(label="政务新媒体")
    response.get_by_label("属于舆情回应").check()
    response.get_by_label("相关信息的索引号（可选，多个以空格分隔）").fill(reading.index_number)
    response.get_by_role("button", name="记录回应关切").click()
    page.wait_for_selector("text=已记录回应关切。")
    assert "学生资助申请材料多" in page.inner_text("#responses")
    proposal = page.locator("#proposal-form")
    proposal.get_by_label("建议或提案").select_option(label="人大代表建议")
    proposal.get_by_label("编号").fill("第0123号")
    proposal.get_by_label("案由").fill("关于扩大学生资助范围的建议")
    proposal.get_by_label("交办日期").fill(day)
    proposal.get_by_role("button", name="登记建议提案").click()
    page.wait_for_selector("text=已登记建议提案。")
    row = page.locator("#proposals tr", has_text="第0123号")
    row.get_by_label("答复日期").fill(day)
    row.get_by_label("公开的答复的索引号（可选）").fill(norm.index_number)
    row.get_by_role("button", name="登记答复").click()
    page.wait_for_selector("text=已登记第0123号的答复。")
    assert "已公开" in page.inner_text("#proposals")
    point = page.locator("#point-form")
    point.get_by_label("查阅点类型").select_option(label="图书馆")
    point.get_by_label("查阅点名称").fill("呼和浩特市图书馆政府信息查阅点")
    point.get_by_label("地址").fill("新华大街2号")
    point.get_by_label("开放时间").fill("每日 9:00–20:00")
    point.get_by_label("可查阅的内容（可选）").fill("规范性文件汇编")
    point.get_by_role("button", name="添加查阅点").click()
    page.wait_for_selector("text=已添加查阅点")
    reading_form = page.locator("#reading-form")
    reading_form.locator("#id_reading-point").select_option(label="呼和浩特市图书馆政府信息查阅点")
    reading_form.locator("#id_reading-month").fill("1")
    reading_form.get_by_label("接待人次").fill("12")
    reading_form.get_by_label("查阅件次").fill("30")
    reading_form.get_by_label("数据来源").fill("查阅登记簿")
    reading_form.get_by_role("button", name="记录接待情况").click()
    page.wait_for_selector("text=已记录查阅点接待情况。")
    account = page.locator("#account-form")
    account.get_by_label("平台").select_option(label="政务微信公众号")
    account.get_by_label("账号名称").fill("呼和浩特教育")
    account.get_by_label("运营主体").fill("呼和浩特市教育局办公室")
    account.get_by_role("button", name="登记账号").click()
    page.wait_for_selector("text=已登记政务新媒体账号。")
    figures_form = page.locator("#account-figures-form")
    figures_form.locator("#id_figures-account").select_option(label="政务微信公众号“呼和浩特教育”")
    figures_form.locator("#id_figures-month").fill("1")
    figures_form.get_by_label("发布信息条数").fill("41")
    figures_form.get_by_label("月末关注人数").fill("1210")
    figures_form.get_by_label("数据来源").fill("公众号后台")
    figures_form.get_by_role("button", name="记录月度数据").click()
    page.wait_for_selector("text=已记录政务新媒体月度数据。")
    assert "1210" in page.inner_text("#accounts")
    gazette = page.locator("#gazette-form")
    gazette.locator("#id_gazette-year").fill(str(year))
    gazette.get_by_label("期号").fill("2")
    gazette.get_by_label("出版日期").fill(day)
    gazette.get_by_label("本期目录").fill(f"{norm.index_number}\n{reading.index_number}")
    gazette.get_by_role("button", name="登记政府公报").click()
    page.wait_for_selector("text=已登记政府公报。")
    page.locator("#gazettes").get_by_role("link", name=f"{year}年第2期").click()
    page.wait_for_selector("#gazette-toc")
    check_accessibility(page)
    assert page.locator("#gazette-toc li").all_inner_texts()[0].startswith("呼和浩特市学生资助办法")
    page.locator("#gazette-toc").get_by_role("link", name="学生资助办法解读").click()
    page.wait_for_url(f"**/content/{reading.pk}/")
    page.goto(f"{base}/xxgk/edu/zhinan/")
    assert "呼和浩特市图书馆政府信息查阅点" in page.inner_text("#reading-points")
    page.goto(f"{base}/xxgk/edu/")
    page.get_by_role("link", name="新闻发布会").click()
    check_accessibility(page)
    page.locator("#press-conferences").get_by_role("link", name="学生资助办法解读").click()
    page.wait_for_url(f"**/content/{reading.pk}/")
    # A wrong record is removed with a reason; a reading point closes; an account is marked closed.
    page.goto(f"{base}/workbench/openness/")
    row = page.locator("#sessions tr", has_text="政府信息公开条例培训")
    row.get_by_label(f"删除“{day} 政府信息公开条例培训”的理由").fill("日期录错，重新录入")
    row.get_by_role("button", name=f"删除“{day} 政府信息公开条例培训”").click()
    page.wait_for_selector("text=已删除培训或会议“")
    assert "政府信息公开条例培训" not in page.inner_text("#sessions")
    page.get_by_role("button", name="关闭“呼和浩特市图书馆政府信息查阅点”").click()
    page.wait_for_selector("text=已关闭查阅点")
    assert "已关闭" in page.inner_text("#reading-points")
    page.get_by_role("button", name="标为关停“呼和浩特教育”").click()
    page.wait_for_selector("text=已将“呼和浩特教育”标为已关停。")
    assert "已关停" in page.inner_text("#accounts")


def test_documents_are_registered_with_their_attribute_and_one_is_made_proactive(world, live_server, page) -> None:
    """Issue 21 §11: the reviewer registers documents with their 公开属性 and reason; the rate shows; the
    clerk switches a 依申请公开 document to 主动公开 (Art. 44) and lands on its catalogue draft."""
    base = live_server.url
    login(page, base, "edu_reviewer")
    page.get_by_role("link", name="公文公开属性").click()
    page.wait_for_url("**/workbench/issued/")
    check_accessibility(page)
    form = page.locator("#issued-form")
    for title, attribute, reason in (
        ("学校布局调整方案", "依申请公开", None),
        ("局务会议纪要", "不予公开", "过程性信息（第十六条第二款）"),
        ("关于做好招生工作的通知", "主动公开", None),
    ):
        form.get_by_label("公文标题").fill(title)
        form.get_by_label("成文日期").fill(timezone.localdate().isoformat())
        form.get_by_label("公开属性").select_option(label=attribute)
        if reason:
            form.get_by_label("不予公开的理由").select_option(label=reason)
        form.get_by_role("button", name="登记公文").click()
        page.wait_for_selector(f"text=已登记“{title}”")
    figures = page.inner_text("#attribute-figures")
    assert "33.3%" in figures and "过程性信息（第十六条第二款） 1件" in figures
    form.get_by_label("公文标题").fill("缺理由的公文")
    form.get_by_label("成文日期").fill(timezone.localdate().isoformat())
    form.get_by_label("公开属性").select_option(label="不予公开")
    form.get_by_role("button", name="登记公文").click()
    page.wait_for_selector("text=不予公开的，请选择理由")
    page.context.clear_cookies()
    login(page, base, "edu_clerk")
    page.goto(f"{base}/workbench/issued/")
    row = page.locator("#issued-documents tr", has_text="学校布局调整方案")
    row.get_by_label("主题分类").select_option(index=1)
    row.get_by_label("依据（如申请编号）").fill("三人申请同一信息")
    row.get_by_role("button", name="转为主动公开（第四十四条）").click()
    page.wait_for_selector("text=已转为主动公开")
    assert "学校布局调整方案" in page.inner_text("h1")
    page.goto(f"{base}/workbench/issued/")
    assert "由依申请公开转为主动公开" in page.inner_text("#issued-documents")
    assert "66.7%" in page.inner_text("#attribute-figures")


def test_a_clerk_opens_a_key_area_column_files_items_and_the_public_reads_it(world, live_server, page) -> None:
    """Issue 21 §10: the column is opened and filled on the workbench and shown on the portal."""
    item = publish(world, draft(world, title="2026年部门预算公开说明"))
    base = live_server.url
    login(page, base, "edu_clerk")
    page.get_by_role("link", name="重点领域").click()
    page.wait_for_url("**/workbench/key-columns/")
    check_accessibility(page)
    form = page.locator("#column-open-form")
    form.get_by_label("重点领域").select_option(label="财政预决算（基层政务公开标准目录）")
    form.get_by_label("栏目名称").fill("部门预决算")
    form.get_by_label("更新频率").select_option(label="每年更新")
    form.get_by_role("button", name="开设栏目").click()
    page.wait_for_selector("text=已开设栏目“部门预决算”。")
    filing = page.locator("#column-file-form")
    filing.get_by_label("栏目").select_option(label="部门预决算")
    filing.get_by_label("信息的索引号").fill(f"{item.index_number}\n000000000/2000-00000")
    filing.get_by_role("button", name="归入栏目").click()
    page.wait_for_selector("text=找不到本机关已发布的信息")
    filing.get_by_label("信息的索引号").fill(item.index_number)
    filing.get_by_role("button", name="归入栏目").click()
    page.wait_for_selector("text=已将1条信息归入“部门预决算”。")
    page.locator("#key-columns").get_by_role("link", name="部门预决算").click()
    page.wait_for_selector("#column-items")
    assert "2026年部门预算公开说明" in page.inner_text("#column-items")
    page.get_by_role("link", name="门户网站上的栏目").click()
    page.wait_for_selector("#column-items")
    check_accessibility(page)
    page.locator("#main").get_by_role("link", name="重点领域信息公开").click()
    page.wait_for_selector("#key-areas")
    assert "部门预决算" in page.inner_text("#key-areas")
    page.goto(f"{base}/workbench/key-columns/")
    page.get_by_role("button", name="停用“部门预决算”").click()
    page.wait_for_selector("text=已停用栏目“部门预决算”。")
    assert "已停用" in page.inner_text("#key-columns")
    page.locator("#key-columns").get_by_role("link", name="部门预决算").click()
    page.get_by_role("button", name="移出“2026年部门预算公开说明”").click()
    page.wait_for_selector("text=已将“2026年部门预算公开说明”移出栏目。")
    assert "栏目中还没有信息" in page.inner_text("#column-items")


def test_the_report_drafts_section_one_from_the_records_and_shows_their_sources(world, live_server, page) -> None:
    """Issue 21 §12: the draft's section 一 states figures from the records; a click on a figure
    lists the records; a figure edited away from the records is marked and blocks review."""
    from gongkai.openness import services as openness

    clerk, year = world.user("edu_clerk"), timezone.localdate().year - 1  # the year just ended
    for title in ("招生政策发布会", "学生资助政策发布会"):
        openness.press_conference_record(
            actor=clerk, org=world.edu, held_on=dt.date(year, 1, 6), topic=title, speakers="局长"
        )
    base = live_server.url
    login(page, base, "edu_clerk")
    page.get_by_role("link", name="年度报告").click()
    page.get_by_role("button", name=f"按记录编制{year}年度报告").click()
    page.wait_for_selector("#overview-facts")
    check_accessibility(page)
    section = page.inner_text("#overview-facts")
    assert "召开新闻发布会2场" in section and "新收政府信息公开申请0件" in section
    page.locator("#overview-facts").get_by_role("link", name="召开新闻发布会2场").click()
    page.wait_for_selector("#fact-sources")
    sources = page.inner_text("#fact-sources")
    assert "招生政策发布会" in sources and "学生资助政策发布会" in sources
    page.go_back()
    page.wait_for_selector("#overview")
    text = page.locator("#overview").input_value()
    page.locator("#overview").fill(text.replace("召开新闻发布会2场", "召开新闻发布会5场"))
    page.get_by_role("button", name="保存正文").click()
    page.wait_for_selector("#report-problems")
    assert "记录中召开新闻发布会为2场" in page.inner_text("#report-problems")
    assert page.locator("#overview-facts a.fact.mismatch").count() == 1
    page.get_by_role("button", name="按记录重新生成总体情况").click()
    page.wait_for_selector("#report-ok")
    assert "召开新闻发布会2场" in page.inner_text("#overview-facts")


def test_a_supervisor_reads_the_statistics_of_the_bodies_below_and_downloads_them(world, live_server, page) -> None:
    """Issue 21 §13: the statistics page for a subtree, its charts and its XLSX."""
    from openpyxl import load_workbook

    from gongkai.openness import services as openness

    year = timezone.localdate().year - 1
    openness.training_record(
        actor=world.user("edu_clerk"),
        org=world.edu,
        kind="training",
        held_on=dt.date(year, 5, 8),
        title="培训",
        attendance=30,
    )
    base = live_server.url
    login(page, base, "city_supervisor")
    page.get_by_role("link", name="统计").click()
    page.wait_for_selector("#statistics-form")
    form = page.locator("#statistics-form")
    form.get_by_label("机构").select_option(label=world.city.name)
    form.get_by_label("范围").select_option(label="本机构及下级机构")
    form.get_by_label("年度").select_option(label=f"{year}年")
    form.get_by_label("图表项目").select_option(label="参训（人次）")
    form.get_by_role("button", name="查看").click()
    page.wait_for_selector("#body-figures")
    check_accessibility(page)
    assert page.locator("#month-chart svg rect").count() == 12
    assert "30" in page.inner_text("#body-figures")
    page.locator("#statistics-table").get_by_role("link", name="举办政务公开培训（期）").click()
    page.wait_for_selector("#body-figures")
    assert "举办政务公开培训" in page.inner_text("#charts-h")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出表格（XLSX）").click()
    assert info.value.suggested_filename == f"statistics-{year}.xlsx"
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    rows = {r[1]: r for r in book["按月"].iter_rows(min_row=3, values_only=True)}
    assert rows["参训"][-1] == 30


def test_an_application_that_is_a_consultation_is_answered_as_such(world, live_server, page, settings) -> None:
    """Issue 21 §6: the clerk answers an application that only asks a question as a consultation;
    the applicant reads the letter on the tracking page."""
    settings.GONGKAI_FORM_MIN_SECONDS = 0
    base = live_server.url
    page.goto(f"{base}/xxgk/edu/ysqgk/")
    code = fill_and_submit_application(page)
    staff = page.context.browser.new_page()
    login(staff, base, "edu_clerk")
    staff.goto(f"{base}/workbench/applications/")
    staff.get_by_role("link", name=code).click()
    staff.fill("#answer_enquiry-text", "小学入学需准备户口簿和预防接种证，详见招生公告。")
    staff.get_by_role("button", name="作为咨询答复").click()
    staff.wait_for_selector("text=已作为咨询答复")
    assert "3.其他" in staff.inner_text("#app-outcome")
    check_accessibility(staff)
    page.goto(f"{base}/apply/status/")
    assert "作为咨询答复" in page.inner_text("main")
    page.get_by_text("阅读全文").nth(1).click()
    assert "不作为政府信息公开申请处理。现就您咨询的事项答复如下：小学入学需准备户口簿" in page.inner_text("main")


def test_a_clerk_imports_a_past_year_of_training_from_a_file(world, live_server, page, tmp_path) -> None:
    """Issue 21: the import form of 公开工作记录 takes a file through the page; the template downloads."""
    base = live_server.url
    login(page, base, "edu_clerk")
    page.goto(f"{base}/workbench/openness/")
    with page.expect_download() as info:
        page.get_by_role("link", name="培训和会议").click()
    header = Path(info.value.path()).read_text(encoding="utf-8-sig").strip()
    assert header == "类型,日期,名称,参加人次"
    year = timezone.localdate().year - 1
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{header}\n培训,{year}-03-01,条例培训,40\n会议,{year}-04-01,推进会,很多\n", encoding="utf-8-sig")
    form = page.locator("#import-form")
    form.get_by_label("记录类型").select_option(label="培训和会议")
    form.get_by_label("文件").set_input_files(str(bad))
    form.get_by_role("button", name="导入").click()
    page.wait_for_selector("text=第3行")
    good = tmp_path / "good.csv"
    good.write_text(f"{header}\n培训,{year}-03-01,条例培训,40\n会议,{year}-04-01,推进会,15\n", encoding="utf-8-sig")
    form = page.locator("#import-form")
    form.get_by_label("记录类型").select_option(label="培训和会议")
    form.get_by_label("文件").set_input_files(str(good))
    form.get_by_role("button", name="导入").click()
    page.wait_for_selector("text=已导入2条培训和会议记录。")
    check_accessibility(page)


def test_a_supervisor_drills_into_a_late_reply_and_a_finding_is_rectified(world, live_server, page, tmp_path) -> None:
    """Issue 22: the dashboard, the records behind a cell without personal data, a finding opened
    from it, the clerk's rectification with evidence, returned once, then accepted; 责任追究."""
    from tests.test_supervision import replied

    replied(world.edu, 1, "late", late_days=3, day=timezone.localdate())
    base = live_server.url
    login(page, base, "city_supervisor")
    page.get_by_role("link", name="监督考核").click()
    page.wait_for_selector("#dashboard-form")
    page.locator("#dashboard-form").get_by_label("指标类别").select_option(label="依申请公开")
    page.locator("#dashboard-form").get_by_role("button", name="查看").click()
    page.wait_for_selector("#dashboard")
    check_accessibility(page)
    row = page.locator("#dashboard tbody tr", has_text=world.edu.name)
    row.locator("a.warn").first.click()
    page.wait_for_selector("#cell-rows")
    cell = page.inner_text("#cell-rows")
    assert "逾期3个工作日" in cell and "欧阳" not in cell and "13912340000" not in cell
    check_accessibility(page)
    form = page.locator("#finding-form")
    form.get_by_label("问题描述和整改要求").fill("今年有申请逾期答复，请查明原因，建立台账。")
    form.get_by_label("整改时限（工作日）").fill("10")
    form.get_by_role("button", name="下发督查问题").click()
    page.wait_for_selector("text=已下发督查问题")
    finding_url = page.url

    clerk = page.context.browser.new_page()
    login(clerk, base, "edu_clerk")
    clerk.get_by_role("link", name="监督考核").click()
    clerk.get_by_role("link", name="督查问题（未销号 1 个）").click()
    clerk.locator("#findings").get_by_role("link").first.click()
    check_accessibility(clerk)
    ledger = tmp_path / "整改台账.pdf"
    ledger.write_bytes(b"%PDF-1.4 ledger")
    clerk.get_by_label("整改情况").fill("已建立逾期预警台账。")
    clerk.get_by_label("佐证材料").set_input_files(str(ledger))
    clerk.get_by_role("button", name="报送整改情况").click()
    clerk.wait_for_selector("text=已报送整改情况。")

    page.goto(finding_url)
    with page.expect_download() as got:
        page.get_by_role("link", name="整改台账.pdf").click()
    assert Path(got.value.path()).read_bytes() == b"%PDF-1.4 ledger"
    page.get_by_label("退回理由").fill("未说明逾期原因")
    page.get_by_role("button", name="退回重新整改").click()
    page.wait_for_selector("text=已退回重新整改。")
    clerk.reload()
    clerk.get_by_label("整改情况").fill("逾期原因是征求意见时间过长，已改进流程。")
    clerk.get_by_role("button", name="报送整改情况").click()
    clerk.wait_for_selector("text=已报送整改情况。")
    page.reload()
    page.get_by_label("审核意见").fill("同意销号")
    page.get_by_role("button", name="整改通过，予以销号").click()
    page.wait_for_selector("text=已整改通过，予以销号。")
    assert page.inner_text("#finding-state") == "已销号"

    page.goto(f"{base}/workbench/findings/")
    form = page.locator("#finding-form")
    form.get_by_label("机构").select_option(label=world.health.name)
    form.get_by_label("问题", exact=False).first.fill("政府信息公开指南未更新")
    form.get_by_label("问题描述和整改要求").fill("指南中的办公地址已变更，请更新。")
    form.get_by_label("整改时限（工作日）").fill("5")
    form.get_by_role("button", name="下发督查问题").click()
    page.wait_for_selector("text=已下发督查问题“政府信息公开指南未更新”")
    page.goto(f"{base}/workbench/findings/")
    assert "政府信息公开指南未更新" in page.inner_text("#findings")
    for box in page.locator("#findings input[type=checkbox]").all():
        box.check()
    with page.expect_download() as circular:
        page.get_by_role("button", name="生成通报（DOCX）").click()
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(Path(circular.value.path()).read_bytes())).paragraphs)
    assert "政府信息公开指南未更新" in text and "逾期答复问题" in text
    assert "已销号。整改情况：逾期原因是征求意见时间过长，已改进流程。" in text

    page.goto(f"{base}/workbench/supervision/")
    page.get_by_role("link", name="社会评议").click()
    check_accessibility(page)
    form = page.locator("#evaluation-form")
    form.locator("#id_eval-org").select_option(label=world.edu.name)
    form.get_by_label("评议方式").select_option(label="第三方评估")
    form.get_by_label("评议期间起").fill(f"{timezone.localdate().year}-01-01")
    form.get_by_label("评议期间止").fill(timezone.localdate().isoformat())
    form.get_by_label("得分（百分制）").fill("88")
    form.get_by_label("说明").fill("某大学评估中心")
    form.get_by_role("button", name="录入社会评议").click()
    page.wait_for_selector("text=已录入")
    assert "88" in page.inner_text("#evaluations")

    page.goto(f"{base}/workbench/supervision/accountability/")
    check_accessibility(page)
    form = page.locator("#accountability-form")
    form.get_by_label("机构").select_option(label=world.edu.name)
    form.get_by_label("违法行为").select_option(index=2)
    form.get_by_label("事实").fill("重点领域栏目长期未更新。")
    form.get_by_label("处理措施").fill("责令改正")
    form.get_by_label("决定日期").fill(timezone.localdate().isoformat())
    form.get_by_role("button", name="登记责任追究").click()
    page.wait_for_selector("text=已登记对")
    assert "责令改正" in page.inner_text("#accountability")


def test_an_office_defines_a_scheme_scores_the_year_and_downloads_the_circular(world, live_server, page) -> None:
    """Issue 22 §2: the scheme form, scoring, an adjustment approved by a second supervisor, and the
    XLSX and the 通报."""
    from docx import Document
    from openpyxl import load_workbook

    from gongkai.orgs.models import Role
    from tests.conftest import make_user
    from tests.test_supervision import replied

    make_user("city_supervisor2", world.city, Role.SUPERVISOR)
    year = timezone.localdate().year
    replied(world.edu, 2, "late", late_days=1, day=timezone.localdate())
    base = live_server.url
    login(page, base, "city_supervisor")
    page.goto(f"{base}/workbench/supervision/")
    page.get_by_role("link", name="考核方案").click()
    start = page.locator("#scheme-start")
    start.get_by_label("考核年度").fill(str(year))
    start.get_by_role("button", name="打开方案").click()
    page.wait_for_selector("#scheme-form")
    check_accessibility(page)
    form = page.locator("#scheme-form")
    form.get_by_label("按时答复率（第三十三条） 分值").fill("60")
    form.get_by_label("按时答复率（第三十三条） 目标值").fill("100")
    form.get_by_label("逾期答复 分值").fill("40")
    form.get_by_label("逾期答复 每单位扣分").fill("10")
    form.get_by_label("上年度年报逾期 分值").fill("0")
    form.get_by_label("上年度年报逾期 否决值").fill("1")
    form.get_by_role("button", name="保存方案").click()
    page.wait_for_selector("text=满分100.00分")
    assert "逾期答复" in page.inner_text("#scheme-items")
    page.get_by_role("button", name=f"按本方案评分{year}年度").click()
    page.wait_for_selector("#ranking")
    check_accessibility(page)
    row = page.locator("#ranking tbody > tr", has_text=world.edu.name).first
    assert "20.00" in row.inner_text()
    row.locator("summary").click()  # the breakdown, each value a link to the records behind it
    with page.expect_navigation():
        row.get_by_role("link", name="2件").click()
    assert "逾期1个工作日" in page.inner_text("#cell-rows")
    page.go_back()
    adjust = page.locator("#adjust-form")
    adjust.get_by_label("机关").select_option(label=world.edu.name)
    adjust.get_by_label("调整分值").fill("5")
    adjust.get_by_label("理由").fill("一件逾期因系统停机")
    adjust.get_by_role("button", name="提出调整").click()
    page.wait_for_selector("text=已提出调整")
    run_url = page.url
    other = page.context.browser.new_page()
    login(other, base, "city_supervisor2")
    other.goto(run_url)
    other.get_by_role("button", name="批准调整").click()
    other.wait_for_selector("text=已批准调整。")
    assert "25.00" in other.locator("#ranking tbody > tr", has_text=world.edu.name).first.inner_text()
    adjust = other.locator("#adjust-form")
    adjust.get_by_label("机关").select_option(label=world.health.name)
    adjust.get_by_label("调整分值").fill("-3")
    adjust.get_by_label("理由").fill("抽查发现答复书不规范")
    adjust.get_by_role("button", name="提出调整").click()
    other.wait_for_selector("text=已提出调整")
    page.goto(run_url)
    page.get_by_role("button", name="不予批准").click()
    page.wait_for_selector("text=已不予批准。")
    assert "未批准" in page.inner_text("#adjustments")
    with other.expect_download() as sheet:
        other.get_by_role("link", name="结果表（XLSX）").click()
    book = load_workbook(io.BytesIO(Path(sheet.value.path()).read_bytes()))
    assert any(r[1] == world.edu.name and r[4] == 25 for r in book["排名"].iter_rows(min_row=3, values_only=True))
    with other.expect_download() as circular:
        other.get_by_role("link", name="通报（DOCX）").click()
    doc = Document(io.BytesIO(Path(circular.value.path()).read_bytes()))
    assert "考核结果的通报" in doc.paragraphs[0].text


def test_a_clerk_chooses_what_the_daily_digest_says(world, live_server, page) -> None:
    """Issue 22 §6: the digest settings page and its preview."""
    base = live_server.url
    login(page, base, "edu_clerk")
    page.get_by_role("link", name="每日提醒").click()
    page.wait_for_selector("#digest-form")
    check_accessibility(page)
    form = page.locator("#digest-form")
    assert form.get_by_label("接收每日提醒邮件").is_checked()
    form.get_by_label("依申请公开：即将到期和逾期的申请").uncheck()
    form.get_by_label("主动公开：即将到期和逾期未公开的信息").uncheck()
    form.get_by_label("政民互动：逾期未答复的留言").uncheck()
    form.get_by_label("督查：待整改、待审核和整改逾期的问题").uncheck()
    form.get_by_role("button", name="保存设置").click()
    page.wait_for_selector("text=已保存每日提醒设置。")
    assert not page.locator("#digest-form").get_by_label("依申请公开：即将到期和逾期的申请").is_checked()
    assert "今天没有需要提醒的事项" in page.inner_text("#digest-preview")


def test_the_approver_acknowledges_the_auditors_warning_before_approving(world, live_server, page) -> None:
    """Issue 23 §3: prose that contradicts the tables is a warning on the report's page; review goes
    on, approval waits until the approver has acknowledged it with a reason."""
    from gongkai.reports import services as reports

    year = timezone.localdate().year - 1
    clerk = world.user("edu_clerk")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=year)
    reports.report_edit_text(
        actor=clerk, report=report, overview="本年度新收政府信息公开申请5件。", problems_text="", other_text=""
    )
    base = live_server.url
    login(page, base, "edu_reviewer")
    page.goto(f"{base}/workbench/reports/{report.pk}/")
    page.wait_for_selector("#report-warnings")
    assert "正文写本年新收申请5件" in page.inner_text("#report-warnings")
    assert page.locator("#report-warnings form").count() == 0  # the reviewer does not acknowledge
    page.get_by_role("button", name="审核通过").click()
    page.wait_for_selector("text=已保存")
    logout(page)
    login(page, base, "edu_leader")
    page.goto(f"{base}/workbench/reports/{report.pk}/")
    page.get_by_role("button", name="批准").click()
    page.wait_for_selector("text=还有1条审核提示未确认")
    check_accessibility(page)
    warning = page.locator("#report-warnings li").first
    warning.get_by_label("确认理由").fill("另有2件纸质申请在登记簿中")
    warning.get_by_role("button", name="确认").click()
    page.wait_for_selector("text=已确认：另有2件纸质申请在登记簿中")
    page.get_by_role("button", name="批准").click()
    page.wait_for_selector("text=已保存")
    assert page.inner_text("#report-state") == "已批准"


def test_a_supervisor_audits_a_lower_bodys_published_report(world, live_server, page, tmp_path) -> None:
    """Issue 23 §3: the supervisor uploads a published report (and last year's), reads the findings,
    audits the body's report on the platform, and sees the count on the dashboard."""
    from gongkai.reports import services as reports

    year = timezone.localdate().year - 1
    report = reports.report_prepare(actor=world.user("edu_clerk"), org=world.edu, year=year)
    for user, step in (("edu_reviewer", "review"), ("edu_leader", "approve"), ("edu_clerk", "publish")):
        report = reports.report_transition(actor=world.user(user), report=report, action=step)
    this, last = tmp_path / "年报.txt", tmp_path / "上年年报.txt"
    this.write_text(
        "一、总体情况\n其中咨询电话接听8000次,本区年度共接受市民咨询2.5万人次。当面咨询接待6000次,网上咨询7000次。\n"
        "本年共收到政府信息公开申请162件,较上年增长96%。\n",
        encoding="gb18030",
    )
    last.write_text("本年共收到政府信息公开申请83件。\n", encoding="utf-8")
    base = live_server.url
    login(page, base, "city_supervisor")
    page.goto(f"{base}/workbench/supervision/")
    page.get_by_role("link", name="年报审核").click()
    page.wait_for_selector("#report-audit-form")
    check_accessibility(page)
    form = page.locator("#report-audit-form")
    form.locator("#id_audit-org").select_option(label=world.edu.name)
    form.locator("#id_audit-year").fill(str(year))
    form.locator("#id_audit-file").set_input_files(str(this))
    form.locator("#id_audit-last_year").set_input_files(str(last))
    form.get_by_role("button", name="审核这份年报").click()
    page.wait_for_selector("#audit-findings")
    check_accessibility(page)
    table = page.inner_text("#audit-findings")
    assert "合计与分项不符" in table and "2.5万人次" in table and "同比表述与上年不符" in table
    assert "年报.txt" in page.inner_text("main")
    # Without a file: the body's report on the platform.
    page.get_by_role("link", name="年报审核").click()
    form = page.locator("#report-audit-form")
    form.locator("#id_audit-org").select_option(label=world.edu.name)
    form.locator("#id_audit-year").fill(str(year))
    form.get_by_role("button", name="审核这份年报").click()
    page.wait_for_selector("#audit-summary")
    assert "未发现数字问题" in page.inner_text("#audit-summary")
    page.get_by_role("link", name="打开平台上的年报").click()
    page.wait_for_selector("#report-state")
    page.goto(f"{base}/workbench/supervision/report-audits/")
    assert "已被新的审核取代" in page.inner_text("#report-audits")
    # A file that is not a report is refused in plain words, and nothing is recorded.
    junk = tmp_path / "scan.pdf"
    junk.write_bytes(b"%PDF-1.4 not really")
    form = page.locator("#report-audit-form")
    form.locator("#id_audit-org").select_option(label=world.edu.name)
    form.locator("#id_audit-year").fill(str(year))
    form.locator("#id_audit-file").set_input_files(str(junk))
    form.get_by_role("button", name="审核这份年报").click()
    page.wait_for_selector("text=无法读取该PDF文件")
    assert page.locator("#report-audits tbody tr").count() == 2
