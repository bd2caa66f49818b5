"""``manage.py files_sweep``: delete stored files that no row owns (left by a process that died
between writing a file and committing its row). Run it nightly after the scan (docs/operations.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.core.sweep import sweep_orphans


class Command(BaseCommand):
    help = "删除没有任何记录引用的存储文件（进程在写入文件后、提交记录前中断所遗留）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--grace-minutes", type=int, default=60, help="leave files younger than this alone")
        parser.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")

    def handle(self, *args: Any, grace_minutes: int, dry_run: bool, **options: Any) -> None:
        result = sweep_orphans(grace=dt.timedelta(minutes=max(grace_minutes, 0)), dry_run=dry_run)
        for name in result.removed_names:
            self.stdout.write(("将删除 " if dry_run else "已删除 ") + name)
        verb = "可删除" if dry_run else "删除"
        self.stdout.write(
            f"检查 {result.scanned} 个文件，{verb}无主文件 {result.removed} 个；"
            f"{result.kept_recent} 个无主文件写入不足 {grace_minutes} 分钟，暂留。"
        )
