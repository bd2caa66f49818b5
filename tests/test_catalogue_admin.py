"""The catalogue's admin pages are read-only: items change only through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.conftest import World, draft, publish

pytestmark = pytest.mark.django_db


def test_an_operator_looks_up_items_and_their_interpretations_but_changes_nothing(world: World) -> None:
    norm = publish(world, draft(world, title="呼和浩特市学生资助管理办法", instrument="normative"))
    reading = publish(
        world, draft(world, title="学生资助管理办法解读", interprets=norm.index_number, interpretation_form="qa")
    )
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("ops", password="pw-for-tests-ops"))
    listing = client.get("/admin/catalogue/document/?interpretation_form__exact=qa").content.decode()
    assert "学生资助管理办法解读" in listing and "呼和浩特市学生资助管理办法</a>" not in listing
    page = client.get(f"/admin/catalogue/document/{reading.pk}/change/")
    assert page.status_code == 200 and f"{norm.title}</a>" in page.content.decode()
    assert client.get("/admin/catalogue/document/add/").status_code == 403
    posted = client.post(f"/admin/catalogue/document/{reading.pk}/change/", {"title": "改过的名称"})
    assert posted.status_code == 403
    reading.refresh_from_db()
    assert reading.title == "学生资助管理办法解读"
    assert client.get("/admin/catalogue/catalogueupload/").status_code == 200
