"""Durable jobs: every side effect that must follow a change (a mail to an applicant, the nightly
scan) is a job, a row written in the same transaction as the change (docs/adr/0012).

The queue is Django's task framework (the ``django-tasks`` backport of Django 6's ``django.tasks``)
with its database backend (``django-tasks-db``): ``enqueue`` inserts a row, so the job exists if and
only if the change commits, and a worker (``manage.py db_worker``; several may run, each claims a row
with ``SELECT … FOR UPDATE SKIP LOCKED``) runs it after the commit. This module adds what the
library leaves to its users:

- **retries with backoff**: a job declared with ``@job`` that raises is enqueued again, to run
  30 s, 1, 2, 4 … minutes later (at most an hour apart), until its ``max_attempts``; each attempt
  is its own row, so the failed one stays visible with its traceback;
- **stalled jobs**: a worker killed mid-job leaves its row RUNNING; ``requeue_stalled`` (run by the
  scheduler) marks a row RUNNING longer than its job's ``timeout`` failed and enqueues it again;
- **periodic jobs**: apps declare them at start-up (``daily``); the scheduler (``manage.py
  jobs_scheduler``) enqueues each once per slot, guarded by a unique row (``ScheduledRun``), so two
  schedulers never enqueue a slot twice;
- **retry by hand**: ``retry`` enqueues a failed job again (the admin's action);
- **giving up**: a job may name ``gave_up``, called with its arguments when its last attempt fails
  (or its worker is lost on the last attempt), so that what it was doing can say so.

A job must be idempotent: the same job may run twice (a worker killed after the work but before the
row was marked done). Jobs take only JSON values (ids, not objects).

``GONGKAI_JOBS_EAGER`` (the tests' setting) runs each job in the process that enqueued it, right
after the commit, through the same code as the worker.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from gongkai.core.models import ScheduledRun

log = logging.getLogger(__name__)

# Priorities (a worker takes the highest first): what a person waits for (mail) before files that
# save a later wait (rendering) before bulk work (imports, rebuilds).
URGENT = 0
RENDER = -10
BULK = -20

RETRY_FIRST = dt.timedelta(seconds=30)
RETRY_LONGEST = dt.timedelta(hours=1)
ATTEMPT = "_attempt"  # the keyword argument that carries the attempt number of a retry


class WorkerLost(Exception):
    """The worker stopped (killed or crashed) while the job ran."""


@dataclass(frozen=True)
class Policy:
    max_attempts: int
    timeout: dt.timedelta
    gave_up: Callable[..., None] | None = None


POLICIES: dict[str, Policy] = {}


def backoff(attempt: int) -> dt.timedelta:
    """How long to wait before attempt ``attempt + 1``."""
    factor: int = 2 ** max(attempt - 1, 0)
    return min(RETRY_FIRST * factor, RETRY_LONGEST)


def job(
    *,
    max_attempts: int = 5,
    timeout: dt.timedelta = dt.timedelta(minutes=10),
    priority: int = URGENT,
    gave_up: Callable[..., None] | None = None,
) -> Callable[[Callable[..., None]], Task[Any, None]]:
    """Declare a durable job. ``timeout`` is how long an attempt may run before it is taken for lost;
    ``gave_up`` is called with the job's arguments when its last attempt has failed."""

    def declare(fn: Callable[..., None]) -> Task[Any, None]:
        @functools.wraps(fn)
        def attempt(*args: Any, **kwargs: Any) -> None:
            number = int(kwargs.pop(ATTEMPT, 1))
            try:
                fn(*args, **kwargs)
            except Exception:
                if number < max_attempts:
                    later = declared.using(run_after=timezone.now() + backoff(number))
                    later.enqueue(*args, **{**kwargs, ATTEMPT: number + 1})
                elif gave_up is not None:
                    gave_up(*args, **kwargs)
                raise

        declared: Task[Any, None] = task(priority=priority)(attempt)
        POLICIES[declared.module_path] = Policy(max_attempts, timeout, gave_up)
        return declared

    return declare


def enqueue(declared: Task[Any, None], *args: Any, **kwargs: Any) -> str:
    """Write the job in the caller's transaction: it exists if and only if the change commits."""
    result = declared.enqueue(*args, **kwargs)
    if settings.GONGKAI_JOBS_EAGER:
        transaction.on_commit(lambda: run_job(str(result.id)), robust=True)
    return str(result.id)


def _claim(rows: Any, worker: str) -> DBTaskResult[Any, Any] | None:
    with transaction.atomic():
        # In the library worker's order: priority, then the time each became due, then enqueued.
        row: DBTaskResult[Any, Any] | None = rows.ready().select_for_update(skip_locked=True).first()
        if row is not None:
            row.claim(worker)
    return row


def _execute(row: DBTaskResult[Any, Any]) -> bool:
    """Run a claimed job as the worker does, recording success or failure on its row."""
    try:
        declared = row.task
        result = row.task_result
        declared.call(*result.args, **result.kwargs)
    except Exception as exc:
        log.warning("job %s (%s) failed: %s", row.id, row.task_path, exc)
        row.set_failed(exc)
        return False
    row.set_successful(None)
    return True


def run_job(job_id: str, worker: str = "in-process") -> bool:
    """Run one job now if it is ready and no worker has claimed it."""
    row = _claim(DBTaskResult.objects.filter(id=job_id), worker)
    return row is not None and _execute(row)


def run_ready(worker: str = "in-process", limit: int = 10_000) -> int:
    """Run every ready job, one after another (what a worker does, until the queue is empty)."""
    done = 0
    while done < limit:
        row = _claim(DBTaskResult.objects.all(), worker)
        if row is None:
            break
        _execute(row)
        done += 1
    return done


def attempt_of(row: DBTaskResult[Any, Any]) -> int:
    return int(row.args_kwargs.get("kwargs", {}).get(ATTEMPT, 1))


def _again(row: DBTaskResult[Any, Any], *, attempt: int) -> str:
    result = row.task_result
    kwargs = {k: v for k, v in result.kwargs.items() if k != ATTEMPT}
    if attempt > 1:
        kwargs[ATTEMPT] = attempt
    return str(row.task.enqueue(*result.args, **kwargs).id)


def requeue_stalled(now: dt.datetime | None = None) -> int:
    """Jobs RUNNING longer than their timeout lost their worker: mark them failed, and enqueue them
    again while they have attempts left. Returns how many were found."""
    now = now or timezone.now()
    found = 0
    for row in DBTaskResult.objects.running().order_by("started_at"):
        policy = POLICIES.get(row.task_path, Policy(5, dt.timedelta(minutes=10)))
        if row.started_at is None or row.started_at > now - policy.timeout:
            continue
        with transaction.atomic():
            locked = DBTaskResult.objects.running().select_for_update(skip_locked=True).filter(id=row.id).first()
            if locked is None:
                continue
            locked.set_failed(WorkerLost(f"运行超过 {policy.timeout}，执行它的进程已停止"))
            attempt = attempt_of(locked)
            if attempt < policy.max_attempts:
                _again(locked, attempt=attempt + 1)
            elif policy.gave_up is not None:
                result = locked.task_result
                policy.gave_up(*result.args, **{k: v for k, v in result.kwargs.items() if k != ATTEMPT})
        found += 1
    return found


def retry(job_id: str) -> str:
    """Enqueue a failed job again, from its first attempt (an administrator's decision)."""
    with transaction.atomic():
        row = DBTaskResult.objects.failed().select_for_update().filter(id=job_id).first()
        if row is None:
            raise ValueError("only a failed job can be retried")
        return _again(row, attempt=1)


@dataclass(frozen=True)
class QueueState:
    pending: int  # ready now or waiting for their time (retries)
    running: int
    failed: int  # failed with no later attempt coming
    retried: int  # failed attempts that were enqueued again


def state() -> QueueState:
    rows = DBTaskResult.objects
    failed = list(rows.failed().values_list("task_path", "args_kwargs"))
    final = 0
    for path, args_kwargs in failed:
        policy = POLICIES.get(path, Policy(5, dt.timedelta(minutes=10)))
        if int(args_kwargs.get("kwargs", {}).get(ATTEMPT, 1)) >= policy.max_attempts:
            final += 1
    return QueueState(
        pending=rows.filter(status="READY").count(),
        running=rows.running().count(),
        failed=final,
        retried=len(failed) - final,
    )


def waiting(now: dt.datetime | None = None) -> tuple[int, int]:
    """How many jobs are ready to run, and how many seconds the oldest of them has waited."""
    now = now or timezone.now()
    ready = DBTaskResult.objects.ready()
    first = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return ready.count(), int((now - first).total_seconds()) if first else 0


# --- periodic jobs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periodic:
    name: str
    at: dt.time  # local time, every day
    job: Task[Any, None]


SCHEDULE: dict[str, Periodic] = {}


def daily(name: str, at: dt.time, declared: Task[Any, None]) -> None:
    """Run ``declared`` every day at ``at`` (local time); called by an app at start-up."""
    SCHEDULE[name] = Periodic(name, at, declared)


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue each periodic job whose slot today has come and has not been enqueued. A slot missed
    while no scheduler ran is enqueued once when one starts; earlier days are not made up."""
    now = timezone.localtime(now or timezone.now())
    enqueued = []
    for periodic in SCHEDULE.values():
        slot = timezone.make_aware(dt.datetime.combine(now.date(), periodic.at))
        if now < slot:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=periodic.name, slot=slot)
                run.job_id = enqueue(periodic.job)
                run.save(update_fields=["job_id"])
        except IntegrityError:
            continue  # another scheduler took this slot
        enqueued.append(periodic.name)
    return enqueued
