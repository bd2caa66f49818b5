"""``manage.py deadline YYYY-MM-DD N [--org SLUG]``: the due date, N working days after a date.

The last line of standard output is the due date (YYYY-MM-DD). A provisional result (a year whose
holiday schedule is not loaded) adds a warning on standard error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.calendars.services import add_working_days
from gongkai.orgs.selectors import org_by_slug


class Command(BaseCommand):
    help = "Add N working days to a date (counting from the day after it) and print the due date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("date", help="start date, YYYY-MM-DD")
        parser.add_argument("days", help="number of working days (0 or more)")
        parser.add_argument("--org", help="organisation slug, to include its local holidays")
        parser.add_argument("--explain", action="store_true", help="print the explanation first")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']!r}") from None
        try:
            days = int(options["days"])
        except ValueError:
            raise CommandError(f"工作日数应为整数：{options['days']!r}") from None
        if days < 0:
            raise CommandError("工作日数不能为负数。")
        org = None
        if options.get("org"):
            org = org_by_slug(options["org"])
            if org is None:
                raise CommandError(f"找不到机构：{options['org']}")
        result = add_working_days(start, days, org=org)
        if options["explain"]:
            self.stdout.write(result.explain())
        if result.provisional:
            years = ", ".join(str(y) for y in result.unloaded_years)
            self.stderr.write(
                f"warning: provisional result: the official holiday schedule for {years} is not loaded; "
                "weekends only were assumed for that period."
            )
        self.stdout.write(result.due.isoformat())
