"""Audit a report file, or every published report of a year on the platform (issue 23 §3, §5).

    manage.py report_audit FILE [FILE_LAST_YEAR] [--json] [--explain]
    manage.py report_audit --year 2025 [--under ORG_SLUG]

For a file: findings one per line (or a JSON list; ``--explain`` also lists the figures that agree
and the base each matched), exit status 0 when there is nothing to report,
1 when there are findings, 2 when a file cannot be read (with the reason on stderr). For a year: a
progress bar on stderr and a summary table of findings by kind and by body.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from gongkai.reports import audit, auditing
from gongkai.reports.models import AnnualReport, ReportState


class Command(BaseCommand):
    help = "审核政府信息公开工作年度报告中的数字：勾稽关系、百分比、合计、正文与表格、前后一致、跨年度衔接。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="年报文件（HTML、DOCX、PDF或纯文本）")
        parser.add_argument("last_year", nargs="?", help="上一年度的年报文件（可选，用于同比与跨年度衔接）")
        parser.add_argument("--json", action="store_true", help="以JSON列表输出")
        parser.add_argument("--explain", action="store_true", help="同时列出核对相符的数字及所用基数")
        parser.add_argument("--year", type=int, help="审核平台上该年度已发布的全部年报（批量）")
        parser.add_argument("--under", default="", help="只审核该机关（slug）及其下级机关的年报")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["year"]:
            self._batch(options)
            return
        if not options["file"]:
            self.stderr.write("请给出要审核的年报文件，或用 --year 批量审核平台上的年报。")
            sys.exit(2)
        try:
            document = _read(options["file"])
            last = _read(options["last_year"]) if options["last_year"] else None
        except audit.Unreadable as exc:
            self.stderr.write(str(exc))
            sys.exit(2)
        context = audit.Context(last=last)
        found = audit.audit(document, context)
        if options["explain"] and not options["json"]:
            for note in context.notes:
                self.stdout.write(f"[相符] {note}")
        if options["json"]:
            self.stdout.write(json.dumps([f.as_dict() for f in found], ensure_ascii=False, indent=1))
        else:
            for f in found:
                self.stdout.write(f.line())
            if not found:
                self.stdout.write("未发现数字不符。")
        sys.exit(1 if found else 0)

    def _batch(self, options: dict[str, Any]) -> None:
        reports = AnnualReport.objects.filter(year=options["year"], state=ReportState.PUBLISHED).select_related("org")
        if options["under"]:
            reports = reports.filter(org__path__startswith=_path(options["under"]))
        kinds: Counter[str] = Counter()
        by_body: list[tuple[str, int]] = []
        total = reports.count()
        with tqdm(total=total, unit="份", file=sys.stderr, disable=options["no_progress"]) as bar:
            for report in reports.iterator(chunk_size=200):
                found = auditing.findings(report)
                kinds.update(f.kind for f in found)
                if found:
                    by_body.append((report.org.name, len(found)))
                bar.update(1)
        self.stdout.write(
            f"{options['year']}年度已发布年报{total}份，有数字不符的{len(by_body)}份，共{sum(kinds.values())}处。"
        )
        self.stdout.write("类别\t处数")
        for kind, label in audit.KINDS.items():
            self.stdout.write(f"{label}\t{kinds.get(kind, 0)}")
        if by_body:
            self.stdout.write("机关\t处数")
            for name, n in sorted(by_body, key=lambda row: -row[1])[:50]:
                self.stdout.write(f"{name}\t{n}")


def _read(name: str) -> audit.Document:
    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise audit.Unreadable(f"无法打开文件“{name}”：{exc.strerror or exc}。") from exc
    return audit.read(data, path.name)


def _path(slug: str) -> str:
    from gongkai.orgs.models import Organisation

    org = Organisation.objects.filter(slug=slug).first()
    return org.path if org is not None else "\x00"
