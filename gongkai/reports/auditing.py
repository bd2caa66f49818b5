"""The auditor applied to the platform's own report as it is edited (issue 23 §3).

The report's sections become the document's paragraphs; its tables (computed ⊕ entered ⊕ overrides,
``services.effective``) are given to the auditor directly, the body's own as "own" and, for a
government with bodies below it, the subtree's as "aggregate" (the 全市 sentences); last year's
report, when the platform has it, is the year before. Findings other than the format's identities
are warnings, acknowledged one by one with a reason before the report is approved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gongkai.reports import audit
from gongkai.reports.audit import format_tables, reading
from gongkai.reports.models import AnnualReport

SECTIONS = (
    ("overview", "一、总体情况"),
    ("problems_text", "五、存在的主要问题及改进情况"),
    ("other_text", "六、其他需要报告的事项"),
)


def document_of(report: AnnualReport) -> reading.Document:
    doc = reading.Document()
    for field, heading in SECTIONS:
        reading.from_lines([heading, *getattr(report, field).splitlines()], doc)
    return doc


def tables_of(effective: dict[str, dict[Any, Any]]) -> format_tables.Tables:
    def numbers(cells: dict[Any, Any]) -> dict[Any, format_tables.CellValue]:
        return {
            cell: Decimal(str(v))
            for cell, v in cells.items()
            if isinstance(v, (int, Decimal)) and not isinstance(v, bool)
        }

    return format_tables.Tables(
        numbers(effective.get("t2", {})), numbers(effective.get("t3", {})), numbers(effective.get("t4", {}))
    )


def findings(report: AnnualReport) -> list[audit.Finding]:
    from gongkai.reports.services import effective

    previous = AnnualReport.objects.filter(org_id=report.org_id, year=report.year - 1).first()
    context = audit.Context(
        tables=tables_of(effective(report, "self")),
        scope="own",
        aggregate=tables_of(effective(report, "subtree")) if "subtree" in report.computed else None,
        last_tables=tables_of(effective(previous, "self")) if previous is not None and previous.computed else None,
        late_replies=int(report.computed.get("self", {}).get("timeliness", {}).get("late", 0)),
    )
    return audit.audit(document_of(report), context)


def warnings(report: AnnualReport) -> list[audit.Finding]:
    """The findings the approver acknowledges: every kind but the identities (which block, through
    ``services.report_problems``)."""
    return [f for f in findings(report) if not f.blocking]


def unacknowledged(report: AnnualReport, found: list[audit.Finding] | None = None) -> list[audit.Finding]:
    done = {a["key"] for a in report.acknowledgements}
    return [f for f in (warnings(report) if found is None else found) if f.key not in done]
