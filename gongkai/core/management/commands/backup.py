"""Back up the installation: the database and every stored file, at one moment, into one file with a
manifest and checksums (``gongkai.core.backup``; docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core.backup import create_backup
from gongkai.core.errors import ApplicationError


class Command(BaseCommand):
    help = "备份数据库和全部文件（同一时点），生成一个带清单和校验和的备份文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder",
            nargs="?",
            default=None,
            help="备份文件存放的目录（默认 var/backups；内含申请人的身份证明，勿放在网站目录下）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"] or Path(settings.VAR_DIR) / "backups")
        try:
            path = create_backup(folder, progress=lambda m: self.stderr.write(m))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"备份完成：{path}")
