"""Send the day's digests at once (the scheduler does it every morning) and say what was sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.supervision.digest import send_digests


class Command(BaseCommand):
    help = "发送每日待办提醒邮件（幂等：同一天不重复发送），并报告发送情况。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="", help="按哪一天计算（默认今天，YYYY-MM-DD）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from None
        run = send_digests(day)
        for name in run.sent:
            self.stdout.write(f"sent\t{name}")
        self.stdout.write(
            f"{day}: 发送{len(run.sent)}封，无待办{run.nothing_to_say}人，已发送过{run.already_sent}人，"
            f"已关闭提醒{run.turned_off}人"
        )
