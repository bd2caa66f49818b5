"""Issue 17 §3: the panel of the same applicant's other applications shows a clerk only those made
to the clerk's own bodies: never another body's tracking code or request."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from gongkai.applications import selectors
from tests.security.conftest import apply_to


def test_the_panel_keeps_to_the_viewers_own_bodies(bodies: dict[str, Any]) -> None:
    detention = apply_to(bodies["police"], description="本人被行政拘留的决定书及相关案卷材料").application
    budget = apply_to(bodies["finance"], description="2025年度部门预算").application
    again = apply_to(bodies["finance"], description="2024年度部门决算").application
    clerk = bodies["finance_clerk"]
    assert [a.pk for a in selectors.applicant_history(clerk, again)] == [budget.pk]
    # A supervisor reads the case but sees no cross-reference of the person's other applications.
    assert selectors.applicant_history(bodies["supervisor"], again) == []
    client = Client()
    client.force_login(clerk)
    page = client.get(reverse("workbench:application", args=[again.pk])).content.decode()
    assert budget.tracking_code in page
    assert detention.tracking_code not in page and "行政拘留" not in page and "公安局" not in page


def test_the_inbox_opens_no_body_the_user_may_not_read(bodies: dict[str, Any]) -> None:
    detention = apply_to(bodies["police"], description="本人被行政拘留的决定书").application
    clerk = Client()
    clerk.force_login(bodies["finance_clerk"])
    page = clerk.get(reverse("workbench:applications"), {"org": bodies["police"].slug}).content.decode()
    assert detention.tracking_code not in page and bodies["finance"].name in page
    supervisor = Client()
    supervisor.force_login(bodies["supervisor"])
    below = supervisor.get(reverse("workbench:applications"), {"org": bodies["police"].slug}).content.decode()
    assert detention.tracking_code in below and "王小明" not in below  # read-only, masked
