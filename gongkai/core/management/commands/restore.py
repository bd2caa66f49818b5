"""Restore a backup made by ``manage.py backup`` into an empty installation and check that everything
came back: every table's rows, every file, the audit chain to the same head hash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core.backup import restore_backup
from gongkai.core.errors import ApplicationError


class Command(BaseCommand):
    help = "把备份恢复到空的安装（新建的空数据库和空的文件目录），并逐项核对。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="manage.py backup 生成的备份文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(Path(options["archive"]), progress=lambda m: self.stderr.write(m))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for problem in report.problems:
            self.stderr.write(problem)
        if report.problems:
            raise CommandError(f"恢复后的核对发现 {len(report.problems)} 处不符，请勿使用这次恢复的数据。")
        rows = sum(report.counts.values())
        self.stdout.write(
            f"恢复完成并核对无误：{len(report.counts)} 张表共 {rows} 行，{report.files} 个文件，"
            f"审计日志 {report.audit_events} 个事件，链尾哈希 {report.audit_head or '（空）'}。"
        )
        if report.missing_files:
            listed = "、".join(report.missing_files[:10])
            self.stdout.write(f"备份时已缺失的文件 {len(report.missing_files)} 个：{listed}")
        self.stdout.write("接下来：运行 manage.py migrate（若本版本更新），在 PostgreSQL 上再运行 manage.py db_roles。")
