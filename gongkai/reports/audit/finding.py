"""One finding of the auditor: what kind of inconsistency, where, the figure as the report writes it,
the figure computed, the rule or base used, and one sentence in Chinese saying what is wrong."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# kind → how the workbench and the CLI name it. Only identities block a report's review (issue 23
# §3); every other kind is a warning the approver acknowledges with a reason.
KINDS: dict[str, str] = {
    "identity": "表格勾稽关系",
    "percentage": "百分比与数量不符",
    "sum": "合计与分项不符",
    "breakdown": "“其中”分项超过总数",
    "prose_table": "正文与表格不符",
    "claim": "定性表述与表格不符",
    "year_over_year": "同比表述与上年不符",
    "duplicate": "同一数量前后不一",
    "cross_year": "与上年度报告不衔接",
}
BLOCKING = frozenset({"identity"})


@dataclass(frozen=True)
class Finding:
    kind: str
    location: str
    stated: str
    computed: str
    rule: str
    explanation: str

    @property
    def blocking(self) -> bool:
        return self.kind in BLOCKING

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def key(self) -> str:
        """Stable across re-audits of the same text: what an acknowledgement is attached to."""
        return f"{self.kind}|{self.location}|{self.stated}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        where = f"[{self.kind_label}] {self.location}"
        return f"{where}：{self.explanation}（写作{self.stated}，应为{self.computed}；{self.rule}）"
