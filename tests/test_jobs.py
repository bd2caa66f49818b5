"""Issue 20 §1: durable jobs (``core.jobs``) on the database queue, with the library's own worker.

- A job is a row of the transaction that causes it: rolled back, it never existed; committed, it
  waits for a worker. The worker (``manage.py db_worker``) sends the mail through a real SMTP
  server on localhost.
- A job that fails is tried again later, with a growing wait, until its attempts run out; each
  attempt stays visible. A job whose worker died is found and put back in the queue.
- Each job is idempotent: a letter's notice goes out once however often its job runs.
- Periodic jobs are enqueued once per slot, however many schedulers run.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gongkai.applications import clock, services
from gongkai.applications import jobs as app_jobs
from gongkai.applications.models import Letter
from gongkai.core import jobs
from gongkai.core.models import AuditEvent, ScheduledRun
from tests.conftest import Inbox, body, free_port, make_org
from tests.test_applications import TODAY, applicant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """As in production: jobs wait in the queue for a worker."""
    settings.GONGKAI_JOBS_EAGER = False
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def worker() -> None:
    """The library's worker, until the queue has nothing ready."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False, stdout=StringIO(), stderr=StringIO())


def submit(org: Any) -> Any:
    return services.submit_online(org=org, applicant=applicant(), secret="my-secret", today=TODAY).application


def test_a_job_is_written_with_the_change_or_not_at_all(queued: None, smtp: Inbox) -> None:
    org = make_org("呼和浩特市财政局")
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(org)
        assert DBTaskResult.objects.count() == 1  # the receipt's notice, in the same transaction
        raise RuntimeError("the step fails after issuing its letter")
    assert DBTaskResult.objects.count() == 0
    app = submit(org)
    (row,) = DBTaskResult.objects.all()
    assert row.status == "READY" and row.task_path.endswith("mail_letter_notice")
    assert smtp.messages == []  # nothing is sent by the request itself
    worker()
    assert len(smtp.messages) == 1 and app.tracking_code in body(smtp.messages[0][1])
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert Letter.objects.get(application=app).emailed_at is not None


def test_a_failed_mail_is_tried_again_later_and_sent_once(queued: None, smtp: Inbox, settings: Any) -> None:
    org = make_org("呼和浩特市财政局")
    live_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # the mail server is down
    app = submit(org)
    worker()
    failed = DBTaskResult.objects.get(status="FAILED")
    retry = DBTaskResult.objects.get(status="READY")
    assert "OSError" in failed.exception_class_path
    assert jobs.attempt_of(retry) == 2
    wait = retry.run_after - failed.finished_at
    assert dt.timedelta(seconds=25) < wait < dt.timedelta(seconds=35)  # the first wait is 30 s
    assert jobs.state() == jobs.QueueState(pending=1, running=0, failed=0, retried=1)
    worker()  # not yet due: nothing runs
    assert smtp.messages == [] and DBTaskResult.objects.filter(status="READY").count() == 1
    settings.EMAIL_PORT = live_port
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    worker()
    assert len(smtp.messages) == 1 and app.tracking_code in body(smtp.messages[0][1])
    # The same job again (a worker died after sending, before recording): no second mail.
    letter = Letter.objects.get(application=app)
    jobs.enqueue(app_jobs.mail_letter_notice, letter.pk)
    worker()
    assert len(smtp.messages) == 1 and smtp.messages[0][1]["Message-ID"] == f"<letter-{letter.pk}@gongkai>"
    letter.refresh_from_db()
    assert letter.email_attempts == 2  # one refused, one sent


@pytest.mark.parametrize("attempt", [1, 2, 3, 6, 7, 12])
def test_the_wait_doubles_and_is_capped_at_an_hour(attempt: int) -> None:
    expected = min(30 * 2 ** (attempt - 1), 3600)
    assert jobs.backoff(attempt) == dt.timedelta(seconds=expected)


def test_the_last_attempt_is_not_retried_and_shows_as_failed(queued: None, smtp: Inbox, settings: Any) -> None:
    settings.EMAIL_PORT = free_port()
    org = make_org("呼和浩特市财政局")
    app = submit(org)
    DBTaskResult.objects.all().delete()
    letter = Letter.objects.get(application=app)
    jobs.enqueue(app_jobs.mail_letter_notice, letter.pk, _attempt=12)
    worker()
    assert DBTaskResult.objects.filter(status="READY").count() == 0
    assert jobs.state() == jobs.QueueState(pending=0, running=0, failed=1, retried=0)
    # An administrator retries it by hand: it starts again from its first attempt.
    failed = DBTaskResult.objects.get(status="FAILED")
    again = DBTaskResult.objects.get(pk=jobs.retry(str(failed.pk)))
    assert again.status == "READY" and jobs.attempt_of(again) == 1


def test_a_job_whose_worker_died_is_put_back(queued: None) -> None:
    org = make_org("呼和浩特市财政局")
    submit(org)
    row = DBTaskResult.objects.get()
    row.claim("worker-killed-with-9")  # claimed, then the process vanished
    assert jobs.requeue_stalled() == 0  # still within its timeout
    later = timezone.now() + app_jobs.MAIL_TIMEOUT + dt.timedelta(seconds=1)
    assert jobs.requeue_stalled(later) == 1
    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path.endswith("WorkerLost")
    again = DBTaskResult.objects.get(status="READY")
    assert jobs.attempt_of(again) == 2 and again.args_kwargs["args"] == row.args_kwargs["args"]
    assert jobs.requeue_stalled(later) == 0


def test_periodic_jobs_are_enqueued_once_per_slot(queued: None) -> None:
    early = timezone.make_aware(dt.datetime(2026, 12, 7, 6, 0))
    assert jobs.enqueue_due(early) == []
    morning = timezone.make_aware(dt.datetime(2026, 12, 7, 6, 20))
    assert jobs.enqueue_due(morning) == ["applications_scan"]
    assert jobs.enqueue_due(morning) == []  # a second scheduler finds the slot taken
    assert jobs.enqueue_due(morning + dt.timedelta(hours=1)) == ["files_sweep"]
    assert jobs.enqueue_due(morning + dt.timedelta(hours=1, minutes=15)) == ["supervision_digest"]
    assert ScheduledRun.objects.count() == 3
    assert sorted(jobs.enqueue_due(morning + dt.timedelta(days=1, hours=2))) == [
        "applications_scan",
        "files_sweep",
        "supervision_digest",
    ]
    out = StringIO()
    call_command("jobs_scheduler", once=True, stdout=out)  # today's slots: the real clock's day
    worker()
    assert not DBTaskResult.objects.filter(status="FAILED").exists()


def test_the_nightly_job_reminds_like_the_command(queued: None, smtp: Inbox) -> None:
    org = make_org("呼和浩特市财政局")
    submit(org)
    worker()  # the receipt's notice
    jobs.enqueue(app_jobs.nightly_scan)
    worker()
    (row,) = DBTaskResult.objects.filter(task_path__endswith="nightly_scan")
    assert row.status == "SUCCESSFUL"


def test_an_administrator_sees_the_queue_and_retries_by_hand(
    queued: None, smtp: Inbox, client: Any, settings: Any
) -> None:
    settings.EMAIL_PORT = free_port()
    org = make_org("呼和浩特市财政局")
    app = submit(org)
    DBTaskResult.objects.all().delete()
    jobs.enqueue(app_jobs.mail_letter_notice, Letter.objects.get(application=app).pk, _attempt=12)
    worker()
    failed = DBTaskResult.objects.get(status="FAILED")
    ops = get_user_model().objects.create_superuser("ops", password="pw-for-tests-ops")
    client.force_login(ops)
    page = client.get("/admin/django_tasks_database/dbtaskresult/")
    assert page.status_code == 200 and "已失败且不再重试 1" in page.content.decode()
    done = client.post(
        "/admin/django_tasks_database/dbtaskresult/",
        {"action": "retry_failed", "_selected_action": [str(failed.pk)]},
        follow=True,
    )
    assert "已重新排队 1 个任务" in done.content.decode()
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert AuditEvent.objects.filter(action="job.retried", object_id=str(failed.pk)).exists()


def test_a_search_rebuild_can_be_handed_to_a_worker(queued: None, world: Any) -> None:
    from gongkai.search.models import SearchEntry
    from gongkai.search.query import search
    from tests.conftest import draft, publish

    item = publish(world, draft(world, title="关于做好冬季供暖保障工作的通知"))
    SearchEntry.objects.all().delete()  # an index that has fallen out of step
    out = StringIO()
    call_command("search_rebuild", "--queue", stdout=out)
    (row,) = DBTaskResult.objects.filter(task_path="gongkai.search.jobs.rebuild_index")
    assert row.status == "READY" and str(row.id) in out.getvalue()
    assert SearchEntry.objects.count() == 0  # nothing ran in the command's process
    worker()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert [hit.document.pk for hit in search("冬季供暖").hits] == [item.pk]
