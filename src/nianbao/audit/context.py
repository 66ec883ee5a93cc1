"""What a rule may need beyond the report and the previous year's: facts that depend on the
registry and on other reports of the region (issue 16).

`run_rules(report, previous, context)` hands the context to the rules that declare it:
`@rule(..., needs="rollup")` runs only when `context.rollup` is set (the rule is skipped, not
silent-by-guess, when the regional pass did not compute it); `@rule(..., uses="deadline")` runs
always and reads the field when it is set (D004 falls back to 条例第四十九条).

Every field is optional: None = not computed. An empty list (`siblings=[]`) means computed and
empty, which is different from not computed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from typing import Any

STATUTE = "条例第四十九条"

# who the deadline is for, as the D004 message names them
KIND_WHO = {"department": "政府部门", "government": "县级以上人民政府", "township": "乡镇人民政府（街道办事处）",
            "zone": "开发区管理机构"}


@dataclass(frozen=True, slots=True)
class Deadline:
    """The publication deadline that applies to one report: the date (in the year after the
    report year), the agency kind it was chosen for, and where it comes from ("条例第四十九条",
    "中卫市规定", …)."""
    date: Date
    kind: str
    source: str = STATUTE

    @property
    def statutory(self) -> bool:
        return self.source == STATUTE

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "kind": self.kind, "source": self.source}


@dataclass(frozen=True, slots=True)
class FirstPublished:
    """The earliest stated publication date among the stored versions of a report's agency-year
    and the version that states it (D004 measures lateness on it, as the missing view does: a
    corrected re-publication does not make the agency's report for the year later)."""
    date: Date
    report_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "report_id": self.report_id}


@dataclass(slots=True)
class AuditContext:
    """Facts computed outside the report for the rules that need them (every field optional)."""
    deadline: Deadline | None = None    # D004: the deadline that applies to the report's agency
    siblings: list[Any] | None = None   # X005: other reports of the same year/region/kind (oversight.similarity)
    rollup: Any | None = None           # R001/R002: sums of sub-reports (oversight.rollup)
    similarity: Any | None = None       # X002/X005: the jurisdiction's thresholds (oversight.config.Similarity)
    first_published: FirstPublished | None = None   # D004: an earlier version's date, when earlier than this one's

    def get(self, name: str) -> Any:
        return getattr(self, name, None)
