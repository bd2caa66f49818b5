from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.catalogue.importing import export_catalogue
from gongkai.catalogue.selectors import public_documents
from gongkai.orgs.models import Organisation


class Command(BaseCommand):
    help = "Export published catalogue items to JSONL or CSV (standard output or --output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        parser.add_argument("--org", help="only this body and those below it (slug or credit code)")
        parser.add_argument("--output", help="file to write; default standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        qs = public_documents().order_by("id")
        if options["org"]:
            ref = options["org"]
            org = Organisation.objects.filter(slug=ref).first() or Organisation.objects.filter(credit_code=ref).first()
            if org is None:
                raise CommandError(f"找不到机构：{ref}")
            qs = qs.filter(org__path__startswith=org.path)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                count = export_catalogue(queryset=qs, fmt=options["format"], out=out)
        else:
            count = export_catalogue(queryset=qs, fmt=options["format"], out=sys.stdout)
        self.stderr.write(f"exported {count} items")
