"""Issue 21 §13: statistics of the openness work for a body and a subtree, by month and by body,
with charts and XLSX; the same figures as the report's section 一."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from gongkai.openness import services as openness
from gongkai.openness.models import TrainingSession
from gongkai.reports import overview, statistics
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _train(world: World, org: object, day: dt.date, people: int) -> None:
    clerk = world.user("edu_clerk" if org == world.edu else "health_clerk")
    openness.training_record(actor=clerk, org=org, kind="training", held_on=day, title="培训", attendance=people)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(1, 12), st.integers(1, 500)), max_size=10))
def test_each_month_counts_its_records_and_the_year_equals_the_reports_figure(
    world: World, sessions: list[tuple[int, int]]
) -> None:
    TrainingSession.objects.all().delete()
    year = timezone.localdate().year - 1
    for month, people in sessions:
        _train(world, world.edu, dt.date(year, month, 15), people)
    by_key = {s.fact.key: s for s in statistics.monthly([world.edu.pk], year)}
    for month in range(1, 13):
        assert by_key["trainings"].months[month - 1] == sum(1 for m, _ in sessions if m == month)
        assert by_key["trained"].months[month - 1] == sum(p for m, p in sessions if m == month)
    facts = overview.compute_facts(world.edu, year)
    assert all(s.total == facts[key] for key, s in by_key.items())


def test_a_subtree_is_the_sum_of_its_bodies(world: World) -> None:
    year = timezone.localdate().year - 1
    _train(world, world.edu, dt.date(year, 3, 1), 10)
    _train(world, world.edu, dt.date(year, 4, 1), 20)
    _train(world, world.health, dt.date(year, 4, 2), 5)
    ids = [world.city.pk, world.edu.pk, world.health.pk]
    whole = {s.fact.key: s for s in statistics.monthly(ids, year)}
    per_body = statistics.by_body(ids, year)
    assert whole["trained"].total == 35 == sum(per_body["trained"].values())
    assert per_body["trainings"] == {world.edu.pk: 2, world.health.pk: 1}
    assert whole["trainings"].months[3] == 2
    assert statistics.over_years(overview.BY_KEY["trained"], ids, [year - 1, year]) == [0, 35]


def test_the_page_and_its_workbook_for_a_supervisor(world: World) -> None:
    year = timezone.localdate().year - 1
    _train(world, world.edu, dt.date(year, 5, 1), 12)
    _train(world, world.health, dt.date(year, 6, 1), 8)
    client = Client()
    client.force_login(world.user("city_supervisor"))
    query = f"?org={world.city.pk}&scope=subtree&year={year}&metric=trained"
    page = client.get(f"/workbench/statistics/{query}").content.decode()
    assert 'class="chart-bar"' in page and 'class="chart-line"' in page
    bodies = page.split('id="body-figures"', 1)[1].split("</table>", 1)[0]
    assert bodies.index(world.edu.name) < bodies.index(world.health.name) and ">12<" in bodies
    book = load_workbook(io.BytesIO(client.get(f"/workbench/statistics/export.xlsx{query}").content))
    months = {row[1]: row for row in book["按月"].iter_rows(min_row=3, values_only=True)}
    assert months["参训"][3 + 4] == 12 and months["参训"][3 + 5] == 8 and months["参训"][-1] == 20
    header = next(book["按机构"].iter_rows(max_row=1, values_only=True))
    rows = {r[0]: r for r in book["按机构"].iter_rows(min_row=2, values_only=True)}
    assert rows[world.health.name][header.index("参训（人次）")] == 8
    # Whatever the query says, the page answers (a body out of reach falls back to the user's own).
    for bad in ("?year=abc", "?org=999999", "?metric=<x>", "?scope=all&year=1900"):
        assert client.get(f"/workbench/statistics/{bad}").status_code == 200
    health_clerk = Client()
    health_clerk.force_login(world.user("health_clerk"))
    own = health_clerk.get(f"/workbench/statistics/?org={world.edu.pk}&year={year}&metric=trained").content.decode()
    assert world.edu.name not in own.split('id="stat-org"', 1)[1].split("</select>", 1)[0]


def test_the_statistics_api_for_staff_and_the_public_reading_points(world: World) -> None:
    year = timezone.localdate().year - 1
    _train(world, world.edu, dt.date(year, 2, 3), 7)
    _train(world, world.health, dt.date(year, 2, 4), 3)
    client = Client()
    assert client.get("/api/v1/staff/statistics?org=hhht").status_code in (401, 403)
    client.force_login(world.user("city_supervisor"))
    data = client.get(f"/api/v1/staff/statistics?org={world.city.slug}&scope=subtree&year={year}").json()
    trained = next(f for f in data["figures"] if f["key"] == "trained")
    assert trained["total"] == 10 and trained["months"][1] == 10
    assert sorted((b["org"], b["value"]) for b in trained["by_body"]) == [(world.edu.slug, 7), (world.health.slug, 3)]
    state = next(f for f in data["figures"] if f["key"] == "reading_points")
    assert state["months"] is None
    client.force_login(world.user("health_clerk"))
    assert client.get(f"/api/v1/staff/statistics?org={world.edu.slug}").status_code == 404  # not its body
    assert client.get("/api/v1/staff/statistics?org=health&year=abc").status_code == 400
    openness.reading_point_add(
        actor=world.user("edu_clerk"),
        org=world.edu,
        kind="library",
        name="市图书馆查阅点",
        address="新华大街2号",
        hours="9:00-17:00",
    )
    points = Client().get(f"/api/v1/reading-points?org={world.edu.slug}").json()["results"]
    assert [(p["name"], p["kind_label"]) for p in points] == [("市图书馆查阅点", "图书馆")]
