"""Issue 18 §18: the apply form reports every error at once, in plain Chinese, with a summary at the
top; its described-by references exist; the portal has Chinese 404 and 500 pages."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from gongkai.applications.models import Application
from tests.test_application_pages import form_data, org  # noqa: F401  (the org fixture)


def test_every_error_at_once_in_plain_words(client: Client, org: Any, settings: Any) -> None:  # noqa: F811
    settings.GONGKAI_FORM_MIN_SECONDS = 60
    data = form_data(client, org, applicant_name="", description="长" * 5001, postcode="1234567")
    response = client.post(reverse("portal:apply", args=[org.slug]), data)
    html = response.content.decode()
    assert response.status_code == 400 and not Application.objects.exists()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary is not None and "autofocus" in summary.group(0)
    text = summary.group(0)
    assert "请填写姓名或者名称。" in text and "提交过快" in text
    assert "最多5000个字，现在是5001个" in text and "邮政编码最多6个字" in text
    assert "确保" not in html  # no stock Django wording
    # What was typed is kept; the secrets are not sent back.
    assert 'value="13800138000"' in html and 'value="my-secret"' not in html
    # Every aria-describedby names an element that exists.
    for ids in re.findall(r'aria-describedby="([^"]+)"', html):
        for ref in ids.split():
            assert f'id="{ref}"' in html, ref


def test_chinese_error_pages(client: Client, db: Any) -> None:
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    broken = server_error(RequestFactory().get("/"))
    assert broken.status_code == 500 and "系统故障" in broken.content.decode()
