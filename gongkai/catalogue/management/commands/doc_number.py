"""``manage.py doc_number < numbers.txt``: one 文号 per input line, one parsed line out.

Output columns, tab-separated: issuing-body code, year, number; a field is empty when that part is
absent or unparsable. ``--summary`` prints the share parsed on standard error.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.catalogue.doc_numbers import parse_doc_number


class Command(BaseCommand):
    help = "Parse document numbers (文号) from standard input, one per line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--summary", action="store_true", help="report the share parsed on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        total = parsed = 0
        out = self.stdout
        for line in sys.stdin:
            total += 1
            doc = parse_doc_number(line.rstrip("\r\n"))
            parsed += doc.parsed
            out.write("\t".join(doc.as_row()))
        if options["summary"] and total:
            self.stderr.write(f"parsed {parsed} of {total} ({parsed / total:.2%})")
