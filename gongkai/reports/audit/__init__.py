"""The report auditor (issue 23): every figure of a disclosure report checked, ours or anyone's.

Art. 50 lists what an annual report states and the national format (国办公开办函〔2021〕30号) asks
for 数据精确, 文字严谨; a report published with inaccurate content is a matter of responsibility under
Art. 47 (the format's words: 发布内容不准确), under which the competent departments supervise the
bodies' disclosure work; this is the examiner's reading their supervisors do by hand today.

``audit(document)`` reads a report (``reading.read`` for a file; ``gongkai.reports.auditing`` for the
platform's own) and returns its findings, each with its kind, location, the figure as written, the
figure computed, the rule or base used and one sentence in Chinese. docs/reports.md lists the rules
and their limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.reports.audit import arithmetic, format_tables, prose, statements
from gongkai.reports.audit.finding import BLOCKING, KINDS, Finding
from gongkai.reports.audit.reading import MAX_BYTES, Document, Unreadable, read

__all__ = ["BLOCKING", "KINDS", "MAX_BYTES", "Context", "Document", "Finding", "Unreadable", "audit", "read"]

_LATE = re.compile(
    r"均(在法定期限内|在法定时限内|在规定时限内|按时|在规定期限内)(予以)?(答复|办结|作出答复)|无逾期|未出现逾期"
)


@dataclass
class Context:
    """What the auditor knows besides the text: the report's tables when they are not in the text
    (the platform's own), their scope, last year's report, and the platform's timeliness counts."""

    tables: format_tables.Tables | None = None
    scope: str | None = None  # "own" / "aggregate": whose figures ``tables`` are; None: the report's
    aggregate: format_tables.Tables | None = None  # a government's subtree tables, for 全市 sentences
    last: Document | None = None
    last_tables: format_tables.Tables | None = None
    late_replies: int | None = None
    # Filled by the audit: the figures checked and found to agree, each with the base it matched
    # (``manage.py report_audit --explain``).
    notes: list[str] = field(default_factory=list)


def audit(document: Document, context: Context | None = None) -> list[Finding]:
    context = context or Context()
    text = prose.parse(document)
    tables = context.tables or format_tables.read_tables(document.rows)
    found = format_tables.identities(tables)
    if context.aggregate is not None:
        found += format_tables.identities(context.aggregate)
    bases = [
        (name, int(value))
        for name, get in statements.RECEIVED
        if (value := get(tables)) is not None and tables.present()
    ]
    found += arithmetic.sums(text) + arithmetic.channels(text)
    found += (
        arithmetic.percentages(text, bases, context.notes) + arithmetic.changes(text) + arithmetic.handled_rates(text)
    )
    if tables.present() or tables.t4:
        found += statements.against_tables(text, tables, context.scope, context.notes)
        found += statements.claims(text, tables)
    if context.aggregate is not None:
        found += statements.against_tables(text, context.aggregate, "aggregate", context.notes)
    found += statements.duplicates(text)
    if context.late_replies:
        for sentence in text.sentences:
            m = _LATE.search(sentence.text)
            if m:
                found.append(
                    Finding(
                        "claim",
                        sentence.location(),
                        m.group(0),
                        f"逾期答复{context.late_replies}件",
                        "办结时效记录中逾期办结应为0",
                        f"正文说申请均按时答复，但办结时效记录中有{context.late_replies}件逾期答复。",
                    )
                )
    last_tables = context.last_tables
    if context.last is not None:
        last_text = prose.parse(context.last)
        last_tables = last_tables or format_tables.read_tables(context.last.rows)
        found += statements.year_over_year(
            text, statements.values(text, tables), statements.values(last_text, last_tables)
        )
    elif last_tables is not None:
        values: dict[str, Decimal] = statements.values(prose.parse(Document()), last_tables)
        found += statements.year_over_year(text, statements.values(text, tables), values)
    if last_tables is not None:
        found += format_tables.across_years(tables, last_tables)
    return _unique(found)


def _unique(found: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for f in found:
        key = (f.kind, f.location, f.stated, f.computed)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
