"""Issue 21 §10: key-area columns opened from the shared list of areas, published items filed into
them, shown on the portal, and a column silent for longer than its declared frequency flagged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from gongkai.catalogue import columns
from gongkai.catalogue.models import ColumnEntry, KeyArea, KeyColumn
from gongkai.catalogue.selectors import FREQUENCY_DAYS, key_columns, overdue_columns
from gongkai.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from tests.conftest import World, draft, publish

pytestmark = pytest.mark.django_db


def test_the_default_list_holds_the_standard_catalogue_and_articles_20_and_21() -> None:
    assert KeyArea.objects.filter(source="standard").count() == 25
    assert KeyArea.objects.filter(source="art20").count() == 15
    assert KeyArea.objects.filter(source="art21").count() == 7
    assert KeyArea.objects.get(code="BZ03").label == "财政预决算"
    assert KeyArea.objects.get(code="A20_07").label == "财政预算、决算信息"


def test_a_column_is_opened_filled_and_shown_on_the_portal(world: World) -> None:
    clerk = world.user("edu_clerk")
    column = columns.column_open(actor=clerk, org=world.edu, area="BZ20", frequency="monthly")
    assert column.name == "义务教育"
    with pytest.raises(ValidationFailed) as err:
        columns.column_open(actor=clerk, org=world.edu, area="BZ20", frequency="monthly")
    assert err.value.code == "duplicate_name"
    with pytest.raises(PermissionDenied):
        columns.column_open(actor=world.user("health_clerk"), org=world.edu, area="BZ03", frequency="yearly")
    first = publish(world, draft(world, title="2026年义务教育学校招生计划"))
    second = publish(world, draft(world, title="义务教育阶段学校名单"))
    assert columns.column_file(actor=clerk, column=column, items=[first.index_number, second.index_number]) == 2
    assert columns.column_file(actor=clerk, column=column, items=[first.index_number]) == 0  # already there
    other = publish(world, draft(world, org=world.health))
    with pytest.raises(ValidationFailed) as err:  # all or nothing: another body's item files none
        columns.column_file(actor=clerk, column=column, items=[other.index_number, draft(world).title])
    assert err.value.code == "invalid_item" and ColumnEntry.objects.count() == 2
    page = Client().get("/xxgk/edu/zdly/").content.decode()
    assert "义务教育" in page and "2条" in page
    listing = Client().get(f"/xxgk/edu/zdly/{column.pk}/").content.decode()
    assert "2026年义务教育学校招生计划" in listing and "义务教育阶段学校名单" in listing
    api = Client().get("/api/v1/key-columns?org=edu").json()["results"]
    assert api[0]["items"] == 2 and api[0]["overdue"] is False
    columns.column_unfile(actor=clerk, column=column, document=second)
    with pytest.raises(IllegalTransition):
        columns.column_unfile(actor=clerk, column=column, document=second)
    columns.column_set_active(actor=clerk, column=column, active=False)
    assert Client().get(f"/xxgk/edu/zdly/{column.pk}/").status_code == 404
    with pytest.raises(IllegalTransition):
        columns.column_file(actor=clerk, column=column, items=[second.index_number])
    actions = set(AuditEvent.objects.filter(action__startswith="key_column.").values_list("action", flat=True))
    assert actions == {"key_column.opened", "key_column.filed", "key_column.unfiled", "key_column.closed"}


@pytest.mark.parametrize("frequency", ["monthly", "quarterly", "half_yearly", "yearly"])
def test_a_column_silent_longer_than_its_frequency_is_flagged(world: World, frequency: str) -> None:
    """The rule: a column is overdue the day after its last update (or its opening) plus its period."""
    clerk, today = world.user("edu_clerk"), timezone.localdate()
    column = columns.column_open(actor=clerk, org=world.edu, area="BZ03", frequency=frequency)
    days = FREQUENCY_DAYS[frequency]
    KeyColumn.objects.filter(pk=column.pk).update(created_at=timezone.now() - dt.timedelta(days=days + 40))
    (status,) = key_columns([world.edu.pk])
    assert status.stale_on(today) and status.last_update is None
    assert list(overdue_columns(today)) == [column]  # the same rule in one query
    item = publish(world, draft(world), on=today - dt.timedelta(days=days))
    columns.column_file(actor=clerk, column=column, items=[item.index_number])
    (status,) = key_columns([world.edu.pk])
    assert status.last_update == today - dt.timedelta(days=days) and status.due == today
    assert not status.stale_on(today) and status.stale_on(today + dt.timedelta(days=1))
    assert not overdue_columns(today).exists() and list(overdue_columns(today + dt.timedelta(days=1))) == [column]


def test_a_column_updated_on_change_is_never_flagged(world: World) -> None:
    column = columns.column_open(actor=world.user("edu_clerk"), org=world.edu, area="BZ01", frequency="on_change")
    KeyColumn.objects.filter(pk=column.pk).update(created_at=timezone.now() - dt.timedelta(days=3000))
    (status,) = key_columns([world.edu.pk])
    assert status.due is None and not status.stale_on(timezone.localdate())
    assert not overdue_columns(timezone.localdate() + dt.timedelta(days=9000)).exists()


def test_the_workbench_lists_overdue_columns_to_a_supervisor(world: World) -> None:
    column = columns.column_open(actor=world.user("edu_clerk"), org=world.edu, area="BZ02", frequency="monthly")
    KeyColumn.objects.filter(pk=column.pk).update(created_at=timezone.now() - dt.timedelta(days=100))
    client = Client()
    client.force_login(world.user("city_supervisor"))
    page = client.get("/workbench/key-columns/").content.decode()
    assert "公共资源交易" in page.split('id="overdue-columns"', 1)[1] and 'id="column-open-form"' not in page
    assert client.get(f"/workbench/key-columns/{column.pk}/").status_code == 404  # oversight reads, never manages


def test_only_the_national_administrator_edits_the_list_of_areas(world: World) -> None:
    with pytest.raises(PermissionDenied):
        columns.key_area_save(actor=world.user("edu_clerk"), code="BZ26", label="生态环境", source="standard")
    root = get_user_model().objects.create_superuser("ops", password="pw-for-tests-ops")
    columns.key_area_save(actor=root, code="BZ26", label="生态环境", source="standard", position=26)
    columns.key_area_save(actor=root, code="BZ01", label="重大建设项目", source="standard", is_current=False)
    assert KeyArea.objects.get(code="BZ26").label == "生态环境"
    assert AuditEvent.objects.filter(action="key_area.saved").count() == 2
    with pytest.raises(ValidationFailed):  # a retired area takes no new column
        columns.column_open(actor=world.user("edu_clerk"), org=world.edu, area="BZ01", frequency="monthly")
    client = Client()
    client.force_login(root)
    response = client.post(
        "/admin/catalogue/keyarea/add/",
        {"code": "BZ27", "label": "生态环境保护", "source": "standard", "position": 27, "is_current": "on"},
    )
    assert response.status_code == 302 and KeyArea.objects.filter(code="BZ27").exists()
    assert AuditEvent.objects.filter(action="key_area.saved").count() == 3
