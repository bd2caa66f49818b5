from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongkai.calendars.services import calendar_load_package


class Command(BaseCommand):
    help = "Load (or refresh) official holidays and make-up working days from the chinese-calendar package."

    def handle(self, *args: Any, **options: Any) -> None:
        count, years = calendar_load_package(actor=None)
        self.stdout.write(f"Loaded {count} days for {years[0]}–{years[-1]}.")
