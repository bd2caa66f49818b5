from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongkai.workbench.demo import load_demo


class Command(BaseCommand):
    help = "Load the project's demo data (once; does nothing when it is already there)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        if not result:
            self.stdout.write("Demo data already loaded.")
            return
        self.stdout.write(f"Loaded {result['orgs']} organisations and {result['documents']} items.")
