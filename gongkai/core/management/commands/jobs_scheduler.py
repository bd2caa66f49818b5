"""The scheduler of durable jobs (``core.jobs``): every ``--interval`` seconds it enqueues the periodic
jobs whose time has come (the nightly scan, the sweep of orphaned files) and puts back in the queue
the jobs whose worker died. Run one or more beside the workers (``manage.py db_worker``); two
schedulers never enqueue the same slot twice."""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from gongkai.core import jobs


class Command(BaseCommand):
    help = "按时把定期任务（每晚扫描等）排入队列，并把执行中断的任务重新排队。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=30.0, help="每隔多少秒检查一次（默认30）")
        parser.add_argument("--once", action="store_true", help="检查一次后退出")

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while running:
            close_old_connections()
            for name in jobs.enqueue_due():
                self.stdout.write(f"已排入队列：{name}")
            lost = jobs.requeue_stalled()
            if lost:
                self.stdout.write(f"执行中断的任务 {lost} 个，已按重试规则重新排队。")
            if once:
                break
            deadline = time.monotonic() + max(interval, 1.0)
            while running and time.monotonic() < deadline:
                time.sleep(0.5)
