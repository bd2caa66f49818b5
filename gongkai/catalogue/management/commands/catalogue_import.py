"""``manage.py catalogue_import FILE [--org SLUG|CODE] [--user NAME]``: bulk import with a progress bar.

Rejected lines are reported on standard error (line number and reason) and counted in the summary.
Run it again after an interruption: it resumes after the last committed batch.
"""

from __future__ import annotations

import codecs
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gongkai.catalogue.importing import checkpoint, count_records, detect_format, import_catalogue
from gongkai.core.errors import ApplicationError
from gongkai.orgs.models import Organisation


class Command(BaseCommand):
    help = "Import catalogue items from a JSONL or CSV file (may be .gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--org", help="default issuing body (slug or credit code) for lines without one")
        parser.add_argument("--user", help="act as this user (their roles are checked); default: system")
        parser.add_argument("--format", choices=["jsonl", "csv"])
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument("--restart", action="store_true", help="ignore the checkpoint of an earlier run")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--encoding",
            default="",
            help="the file's encoding (utf-8, gb18030…); default: detected from its first bytes",
        )
        parser.add_argument(
            "--stop-on-error", action="store_true", help="stop at the first rejected line instead of going on"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        org = None
        if options["org"]:
            ref = options["org"]
            org = Organisation.objects.filter(slug=ref).first() or Organisation.objects.filter(credit_code=ref).first()
            if org is None:
                raise CommandError(f"找不到机构：{ref}")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"找不到用户：{options['user']}")
        try:
            fmt = options["format"] or detect_format(path)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if options["encoding"]:
            try:
                codecs.lookup(options["encoding"])
            except LookupError:
                raise CommandError(f"不认识的编码：{options['encoding']}") from None
        total = count_records(path, fmt, options["encoding"])
        done = 0 if options["restart"] else checkpoint(path, fmt, org)
        bar = tqdm(
            total=total, initial=done, unit="行", disable=options["no_progress"], file=sys.stderr, dynamic_ncols=True
        )

        def reject(number: int, reason: str) -> None:
            with tqdm.external_write_mode(file=sys.stderr):
                self.stderr.write(f"第{number}行被拒绝：{reason}")

        try:
            summary = import_catalogue(
                actor=actor,
                path=path,
                default_org=org,
                fmt=fmt,
                batch_size=options["batch_size"],
                restart=options["restart"],
                on_progress=bar.update,
                on_reject=reject,
                encoding=options["encoding"],
                stop_on_error=options["stop_on_error"],
            )
        except ApplicationError as exc:  # the file breaks off, or --stop-on-error met a bad line
            raise CommandError(exc.message) from exc
        finally:
            bar.close()
        resumed = f"（从第{summary.resumed_from}行之后继续）" if summary.resumed_from else ""
        self.stdout.write(
            f"导入完成{resumed}：新增 {summary.created}，更新 {summary.updated}，未变 {summary.unchanged}，"
            f"拒绝 {summary.rejected}。"
        )
