from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from gongkai.demo.data import load_demo


class Command(BaseCommand):
    help = "Load the project's demo data (once; does nothing when it is already there)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo applicants have made-up addresses: the letters they are sent are kept, not mailed.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            result = load_demo()
        if not result:
            self.stdout.write("Demo data already loaded.")
            return
        self.stdout.write(
            f"Loaded {result['orgs']} organisations, {result['documents']} items "
            f"and {result['applications']} applications."
        )
