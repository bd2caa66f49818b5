"""``manage.py search_rebuild``: re-derive the whole search index, with a progress bar.

Safe to interrupt and rerun (``indexing.rebuild``): on SQLite it is one transaction, which an
interruption rolls back; on PostgreSQL each batch commits on its own and ordinary writes keep the
index right.
``--queue`` hands the rebuild to a worker (``search.jobs.rebuild_index``) instead of running it here.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from tqdm import tqdm

from gongkai.catalogue.models import Document, DocumentState
from gongkai.core.jobs import enqueue
from gongkai.search.hot import current
from gongkai.search.indexing import rebuild
from gongkai.search.jobs import rebuild_index
from gongkai.search.pg_indexes import refresh_recent_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index of published catalogue items."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="enqueue the rebuild as a job for a worker (manage.py db_worker) instead of running it here",
        )
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="PostgreSQL: drop the token index and build it once at the end (much faster for a "
            "whole catalogue; searches are slow until it is back)",
        )

        parser.add_argument(
            "--keep-hot",
            action="store_true",
            help="PostgreSQL: keep the current hot-token list instead of choosing it afresh from the "
            "catalogue (docs/search.md)",
        )

        parser.add_argument(
            "--recent-index",
            action="store_true",
            help="PostgreSQL: only build the token index of the newest items again, from the current "
            "hot-token list (after upgrading to a version that has it; a full rebuild builds it too)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["recent_index"]:
            if connection.vendor != "postgresql":
                self.stdout.write("SQLite 无需此索引。")
                return
            hot = current()
            if hot is None or hot.recent_key is None:
                self.stdout.write("尚无热词元表：请先运行 manage.py search_rebuild（会一并建立此索引）。")
                return
            self.stderr.write("正在建立最新条目的词元索引……")
            refresh_recent_index(hot)
            self.stdout.write("最新条目的词元索引已建立。")
            return
        tune = not options["keep_hot"]
        if options["queue"]:
            job_id = enqueue(rebuild_index, bulk=options["bulk"], tune=tune)
            self.stdout.write(f"已排队，作业 {job_id}；进度见日志，状态见管理后台的“作业”。")
            return
        total = Document.objects.filter(state=DocumentState.PUBLISHED).count()
        if tune and connection.vendor == "postgresql":
            self.stderr.write("正在从目录中抽样选取常用词元（热词元）……")
        with tqdm(total=total, unit="条", file=sys.stderr, disable=options["no_progress"]) as bar:
            count = rebuild(batch_size=options["batch_size"], on_progress=bar.update, bulk=options["bulk"], tune=tune)
        self.stdout.write(f"索引重建完成：{count} 条。")
