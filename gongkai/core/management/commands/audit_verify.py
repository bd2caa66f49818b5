"""Check the audit trail's hash chain: every event's hash recomputed, every link followed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.audit import verify_chain


class Command(BaseCommand):
    help = "检查审计日志的哈希链：报告第一处断裂（被改动、删除或插入的事件）。"

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.unchained:
            self.stdout.write(f"{report.unchained} 个事件早于哈希链启用（core 迁移 0003），未纳入检查。")
        if report.first_break is not None:
            event = report.first_break
            raise CommandError(
                f"审计日志在事件 #{event.pk}（{event.created_at:%Y-%m-%d %H:%M:%S} {event.action}）处断裂："
                f"{report.problem}。此前 {report.checked - 1} 个事件完好。"
            )
        self.stdout.write(f"审计日志完好：{report.checked} 个事件，链尾哈希 {report.head or '（空）'}")
        self.stdout.write("请把链尾哈希另行保存（如每日备份记录）：与之比对可发现末尾事件被截去。")
