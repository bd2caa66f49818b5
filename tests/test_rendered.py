"""Issue 20 §1: an issued letter and a published report are rendered by a job right after the step
and kept, so that no download waits for Chromium; a report still in review is rendered afresh."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.storage import storages
from django.test import Client
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from gongkai.applications import clock, render, services
from gongkai.applications.models import Application, Letter, LetterKind
from gongkai.core.rendered import kept
from gongkai.reports import services as reports
from gongkai.reports.models import AnnualReport
from tests.conftest import World
from tests.test_applications import RECEIVED, TODAY, applicant
from tests.test_reports import YEAR, insert

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world: World, monkeypatch: pytest.MonkeyPatch) -> Application:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return services.submit_online(org=world.edu, applicant=applicant(), secret="my-secret", today=RECEIVED).application


def reply_letter(world: World, case: Application) -> Letter:
    """The reply (信息不存在), a letter to the applicant."""
    services.transition(
        actor=world.user("edu_clerk"),
        application=case,
        action="reply",
        on=dt.date(2026, 11, 20),
        reply_type="NOT_EXIST",
    )
    return Letter.objects.get(application=case, kind=LetterKind.REPLY)


def test_an_issued_letter_is_rendered_by_a_job_and_the_download_serves_the_kept_file(
    world: World, case: Application, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GONGKAI_RENDER_AHEAD = True
    with django_capture_on_commit_callbacks(execute=True):
        letter = reply_letter(world, case)
    letter.refresh_from_db()
    job = DBTaskResult.objects.get(task_path="gongkai.applications.jobs.render_letter")
    assert job.status == "SUCCESSFUL" and job.args_kwargs["args"] == [letter.pk]
    assert letter.docx.name.endswith(".docx") and letter.pdf.name.endswith(".pdf")
    with letter.pdf.open("rb") as fh:
        stored = fh.read()
    assert letter.number in "".join(p.extract_text() for p in PdfReader(io.BytesIO(stored)).pages)
    # The download is the kept file, not a second rendering.
    data, name = render.rendered(letter, "pdf")
    assert (data, name) == (stored, letter.pdf.name)


def test_two_renderings_that_race_keep_one_file(world: World, case: Application) -> None:
    letter = reply_letter(world, case)
    private = storages["private"]
    theirs = private.save("letters/2026/theirs.docx", io.BytesIO(b"their rendering"))

    def slow_render() -> bytes:
        # While this rendering runs, another one (the job, or a second download) records its file.
        Letter.objects.filter(pk=letter.pk).update(docx=theirs)
        return b"our rendering"

    data, name = kept(letter, "docx", slow_render, "x.docx")
    assert name == theirs and Letter.objects.get(pk=letter.pk).docx.name == theirs
    # Our copy is gone: no file is left that no row names.
    assert sorted(private.listdir("letters/2026")[1]) == ["theirs.docx"]
    assert data == b"our rendering"  # the same frozen text, so either rendering serves this download


def _published_report(world: World) -> AnnualReport:
    insert(world.edu, [("NAT", 400, 10, "GRANT"), ("LAW", 420, 30, "D4")])
    clerk = world.user("edu_clerk")
    report = reports.report_prepare(actor=clerk, org=world.edu, year=YEAR)
    report = reports.report_transition(actor=world.user("edu_reviewer"), report=report, action="review")
    report = reports.report_transition(actor=world.user("edu_leader"), report=report, action="approve")
    return reports.report_transition(actor=clerk, report=report, action="publish", on=dt.date(YEAR + 1, 1, 20))


def test_a_published_report_is_rendered_once_and_a_draft_on_every_download(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GONGKAI_RENDER_AHEAD = True
    client = Client()
    client.force_login(world.user("edu_clerk"))
    draft = reports.report_prepare(actor=world.user("edu_clerk"), org=world.edu, year=YEAR)
    assert client.get(f"/workbench/reports/{draft.pk}/export.xlsx").status_code == 200
    draft.refresh_from_db()
    assert not draft.xlsx  # a draft changes: nothing is kept

    with django_capture_on_commit_callbacks(execute=True):
        report = _published_report(world)
    report.refresh_from_db()
    assert report.xlsx and report.docx and report.pdf
    kept_names = (report.xlsx.name, report.docx.name, report.pdf.name)
    with report.docx.open("rb") as fh:
        stored = fh.read()
    response = Client().get(f"/xxgk/{world.edu.slug}/nb/{YEAR}.docx")
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
    assert Client().get(f"/xxgk/{world.edu.slug}/nb/{YEAR}.pdf").status_code == 200
    report.refresh_from_db()
    assert (report.xlsx.name, report.docx.name, report.pdf.name) == kept_names


def test_without_the_job_the_first_download_renders_and_keeps_the_file(world: World) -> None:
    report = _published_report(world)  # GONGKAI_RENDER_AHEAD is off in the tests' settings
    assert not AnnualReport.objects.get(pk=report.pk).xlsx
    first = Client().get(f"/xxgk/{world.edu.slug}/nb/{YEAR}.xlsx")
    assert first.status_code == 200
    name = AnnualReport.objects.get(pk=report.pk).xlsx.name
    assert name.startswith("reports/") and name.endswith(".xlsx")
    second = Client().get(f"/xxgk/{world.edu.slug}/nb/{YEAR}.xlsx")
    assert b"".join(second.streaming_content) == b"".join(first.streaming_content)
    assert AnnualReport.objects.get(pk=report.pk).xlsx.name == name
