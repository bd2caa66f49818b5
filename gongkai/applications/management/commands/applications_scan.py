"""The nightly scan: recompute deadlines that were provisional (a year's holiday schedule has been
loaded since), count open applications that are due soon or overdue, remind the handling clerks by
mail (once per due date). The scheduler runs it every night as a job (``applications.jobs``); this
command runs it at once (docs/operations.md)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.applications.jobs import nightly


class Command(BaseCommand):
    help = "扫描未办结的政府信息公开申请，统计即将到期和已逾期的件数，并邮件提醒经办人员。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="以该日期为今天（YYYY-MM-DD），默认今天")
        parser.add_argument("--no-mail", action="store_true", help="只统计，不发邮件")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("日期格式应为 YYYY-MM-DD。") from None
        started = time.perf_counter()
        done = nightly(today, send=not options["no_mail"])
        result = done.scan
        self.stdout.write(
            f"重新计算暂定期限 {done.recomputed} 件；"
            f"未办结 {result.open_applications} 件；即将到期 {result.due_soon} 件；已逾期 {result.overdue} 件；"
            f"发送提醒 {result.reminders_sent} 封；"
            f"用时 {time.perf_counter() - started:.2f} 秒。"
        )
