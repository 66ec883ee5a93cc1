"""Which publication deadline applies to an agency's report, and where it comes from.

条例第四十九条: 县级以上人民政府部门 publish the previous year's report by 31 January, 县级以上地方
人民政府 by 31 March. 乡镇 governments (and 街道办事处, 开发区 管委会) fall under neither sentence;
nianbao gives them the government's 31 March — the later date, so that no report is called late
that the regulation does not call late (audit/dates.py does the same when it guesses the kind from
the name). These are the bundled defaults (oversight/default.yaml `deadlines`).

Provinces and cities set their own, often earlier (28 January, 20 February). The deadline of an
agency of kind K in region R is the first of, nearest first:
  1. the agency's own deadline in the registry (entry.deadline);
  2. going up from R to the root: the deadline for K set on the node (`registry deadline`), else
     the `deadlines` of the node's jurisdiction configuration (`registry config`);
  3. the bundled default.
Any date is accepted (a region may set a later one too: it is its rule, not ours to judge).
An agency not in the registry gets None here: D004 then keeps the statute and the name's kind.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from ..audit.context import STATUTE, Deadline

if TYPE_CHECKING:
    from ..store.registry import Entry, Region, Registry

# the statute's own dates; a bundled default that differs is "nianbao 默认配置", not the statute
_STATUTE_MD = {"department": "01-31", "government": "03-31"}
_BY_ANALOGY = "参照条例第四十九条"


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """A deadline as configured: "MM-DD" of the year after the report year, and its source."""
    md: str
    source: str
    region_id: int | None = None        # the region that set it (None: the default)

    def on(self, year: int, kind: str) -> Deadline:
        return Deadline(in_year(year + 1, self.md), kind, self.source)

    def to_dict(self) -> dict[str, Any]:
        return {"md": self.md, "source": self.source, "region_id": self.region_id}


def in_year(year: int, md: str) -> date:
    """"MM-DD" in `year`; 02-29 in a common year is 28 February."""
    m, d = (int(x) for x in md.split("-"))
    try:
        return date(year, m, d)
    except ValueError:
        return date(year, m, 28)


@cache
def default_rule(kind: str) -> DeadlineRule:
    """The bundled default's rule for `kind` (default.yaml is part of the package: cached)."""
    from .config import default_config

    md = default_config().deadlines.get(kind) or ("01-31" if kind == "department" else "03-31")
    if _STATUTE_MD.get(kind) == md:
        return DeadlineRule(md, STATUTE)
    if kind in ("township", "zone") and md == _STATUTE_MD["government"]:
        return DeadlineRule(md, _BY_ANALOGY)
    return DeadlineRule(md, "nianbao 默认配置")


def _config_deadline(text: str | None, kind: str) -> str | None:
    if not text:
        return None
    md = _config_deadlines(text).get(kind)
    return str(md) if md else None


@lru_cache(maxsize=256)
def _config_deadlines(text: str) -> dict[str, Any]:
    from .config import ConfigError, parse_document

    try:
        d = parse_document(text).get("deadlines") or {}
    except ConfigError:
        return {}                       # stored before it was validated: it sets nothing
    return d if isinstance(d, dict) else {}


def region_rule(chain: list[Region], kind: str) -> DeadlineRule:
    """The rule for `kind` in the last region of `chain` (root first): nearest setting wins."""
    for r in reversed(chain):
        md = (r.deadlines or {}).get(kind) or _config_deadline(r.config, kind)
        if md:
            return DeadlineRule(md, f"{r.name}规定", r.id)
    return default_rule(kind)


def entry_rule(registry: Registry, entry: Entry, chain: list[Region] | None = None,
               memo: dict[tuple[int, str], DeadlineRule] | None = None) -> DeadlineRule:
    """The rule of one entry; `memo` keeps the region rules across many entries of one view."""
    chain = chain if chain is not None else registry.ancestors(entry.region_id)
    if entry.deadline:
        region = chain[-1].name if chain else ""
        return DeadlineRule(entry.deadline, f"{region}名录中{entry.name}的期限", entry.region_id)
    if memo is None:
        return region_rule(chain, entry.kind)
    key = (entry.region_id, entry.kind)
    if key not in memo:
        memo[key] = region_rule(chain, entry.kind)
    return memo[key]


def deadline_for(registry: Registry, agency_id: int | None, year: int | None) -> Deadline | None:
    """The deadline of `agency_id`'s report of `year`, or None when the agency is not in the registry."""
    if agency_id is None or year is None:
        return None
    entry = registry.entry_for_agency(agency_id)
    if entry is None:
        return None
    return entry_rule(registry, entry).on(year, entry.kind)


def region_rules(registry: Registry, region_id: int) -> dict[str, DeadlineRule]:
    """kind → the rule in force in a region (for `registry show` and the region page)."""
    from .registry import KINDS

    chain = registry.ancestors(region_id)
    return {k: region_rule(chain, k) for k in KINDS}
