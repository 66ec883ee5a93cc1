"""The roll-up: a people's government's report that covers its whole area, against the sum of the
reports of its departments and sub-regions in the store (rules R001, R002; `nianbao rollup`).

Who is in the sum comes from the registry alone (oversight.md: `lib.registry`), never from
guessing by names: the region's own expected agencies (departments, 乡镇, 开发区 — not the
government itself), and for every sub-region its part —
- its government's report when that report covers its whole area ("area");
- its government's office report *and* the parts of the sub-region, when the report covers only
  the office ("office");
- its government's report, counted as the whole area and said so (`assumed`), when the registry
  does not say what it covers;
- the parts of the sub-region when it has no government entry.
An expected agency without a current report of the year is `missing` (the sum is then a lower
bound: R001 only names cells where the government's figure is below it, R002 lists the missing).
A government report that covers only its own office, or whose coverage is unknown, is not
compared (`status` says why); without a registry the roll-up cannot be computed.

Cells: every cell of table 三 (applications) and 四 (review_litigation) of the government report's
form. A cell blank in any report of the sum has no sum ("—", and which reports left it blank).
"""
from __future__ import annotations

import functools

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..form import form_for
from ..store.cells import split_path

TABLES = ("applications", "review_litigation")
STATUS_TEXT = {
    "ok": "已汇总比对",
    "office": "该政府报告只覆盖本机关，不与下属机关报告之和比对",
    "unknown_cover": "机关登记册未写明该政府报告覆盖全域还是本机关，不作汇总比对",
    "no_registry": "尚未导入机关登记册，无法确定哪些报告应计入汇总",
    "no_region": "机关登记册中没有该地区",
    "no_government": "机关登记册中该地区没有人民政府",
    "no_report": "该地区人民政府本年度报告未入库",
    "no_parts": "机关登记册中该地区没有下属机关或下级地区，无可汇总",
}


@dataclass(frozen=True, slots=True)
class Member:
    """One registry entry in the roll-up: its report (None: missing) and how it counts."""
    entry_id: int
    name: str
    kind: str
    region: str                       # the entry's region, full name
    agency_id: int | None
    report_id: int | None
    note: str = ""                    # "全域报告" / "本机关报告" / "报告范围未知，按全域计"

    def to_dict(self) -> dict[str, Any]:
        return {"entry_id": self.entry_id, "name": self.name, "kind": self.kind, "region": self.region,
                "agency_id": self.agency_id, "report_id": self.report_id, "note": self.note}


@dataclass(frozen=True, slots=True)
class CellSum:
    path: str
    name: str
    government: float | None
    total: float | None               # None: blank in some report of the sum (`blank` names them)
    blank: tuple[str, ...] = ()

    @property
    def difference(self) -> float | None:
        if self.government is None or self.total is None:
            return None
        return self.government - self.total

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "name": self.name, "government": self.government, "total": self.total,
                "difference": self.difference, "blank": list(self.blank)}


@dataclass
class Rollup:
    """A region's roll-up for one year (AuditContext.rollup for the government's report)."""
    region_id: int | None
    region: str
    year: int
    status: str                           # a key of STATUS_TEXT
    government: Member | None = None
    covers: str | None = None
    included: list[Member] = field(default_factory=list)
    missing: list[Member] = field(default_factory=list)
    cells: list[CellSum] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return STATUS_TEXT[self.status]

    @property
    def computed(self) -> bool:
        return self.status == "ok"

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def assumed(self) -> list[Member]:
        return [m for m in self.included if m.note == ASSUMED]

    def differences(self, table: str | None = None) -> list[CellSum]:
        """Cells where the government's figure cannot be the sum: any difference when every expected
        report is in; with reports missing, only a government figure below the partial sum."""
        out = []
        for c in self.cells:
            d = c.difference
            if d is None or abs(d) < 1e-9 or (table and not c.path.startswith(f"tables.{table}.")):
                continue
            if self.complete or d < 0:
                out.append(c)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"region_id": self.region_id, "region": self.region, "year": self.year, "status": self.status,
                "reason": self.reason, "covers": self.covers,
                "government": self.government.to_dict() if self.government else None,
                "included": [m.to_dict() for m in self.included], "missing": [m.to_dict() for m in self.missing],
                "assumed": [m.name for m in self.assumed], "complete": self.complete,
                "cells": [c.to_dict() for c in self.cells],
                "differences": [c.path for c in self.differences()] if self.computed else []}


AREA, OFFICE, ASSUMED = "全域报告", "本机关报告", "报告范围未知，按全域计"


def _government(entries: Iterable[Any], level: str | None) -> Any | None:
    entries = list(entries)
    gov = next((e for e in entries if e.kind == "government"), None)
    if gov is None and level == "township":     # a 乡镇's own entry is its government
        gov = next((e for e in entries if e.kind == "township"), None)
    return gov


def compute_rollup(region_id: int, year: int, *, regions: Mapping[int, Any], entries: Iterable[Any],
                   report_of: Mapping[int, int], cells: Mapping[int, Mapping[tuple[str, str, str], float | None]] | None,
                   formats: Mapping[int, str] | None = None,
                   children: Mapping[int, list[Any]] | None = None) -> Rollup:
    """The roll-up of one region and year from the registry (`regions` by id, every `entries` of the
    subtree) and the store (`report_of`: agency id → its current report of the year; `cells` of
    those reports, None: members only, no sums; `formats`: report id → form version). `children`:
    the regions by parent id when the caller has them already (a pass computes many roll-ups)."""
    region = regions.get(region_id)
    if region is None:
        return Rollup(region_id, "", year, "no_region")
    by_region: dict[int, list[Any]] = {}
    for e in entries:
        by_region.setdefault(e.region_id, []).append(e)
    if children is None:
        children = {}
        for r in regions.values():
            if r.parent_id is not None:
                children.setdefault(r.parent_id, []).append(r)

    def member(e: Any, note: str = "") -> Member:
        rid = report_of.get(e.agency_id) if e.agency_id is not None else None
        reg = regions.get(e.region_id)
        return Member(e.id, e.name, e.kind, reg.full_name if reg else "", e.agency_id, rid, note)

    full = region.full_name
    gov = _government(by_region.get(region_id, ()), region.level)
    if gov is None:
        return Rollup(region_id, full, year, "no_government")
    top = member(gov)
    if top.report_id is None:
        return Rollup(region_id, full, year, "no_report", top, gov.covers)
    if gov.covers != "area":
        return Rollup(region_id, full, year, "office" if gov.covers == "office" else "unknown_cover", top, gov.covers)

    parts: list[Member] = []

    def collect(rid: int) -> None:
        for e in sorted(by_region.get(rid, ()), key=lambda e: e.name):
            if e.id != gov.id and e.kind != "government" and not (
                    e.kind == "township" and regions[rid].level == "township"):
                parts.append(member(e))
        for child in sorted(children.get(rid, ()), key=lambda r: r.full_name):
            cg = _government(by_region.get(child.id, ()), child.level)
            if cg is None:
                collect(child.id)
            elif cg.covers == "office":
                parts.append(member(cg, OFFICE))
                collect(child.id)
            elif cg.covers == "area" or cg.kind == "township":
                parts.append(member(cg, AREA))
            else:
                parts.append(member(cg, ASSUMED))

    collect(region_id)
    if not parts:
        return Rollup(region_id, full, year, "no_parts", top, gov.covers)
    included = [m for m in parts if m.report_id is not None]
    missing = [m for m in parts if m.report_id is None]
    if cells is None:                   # who is in the sum only (the caller fetches their cells next)
        return Rollup(region_id, full, year, "ok", top, gov.covers, included, missing)
    gov_cells = cells.get(top.report_id, {})
    sums = []
    for path, key, name in _summed_cells((formats or {}).get(top.report_id, "2021")):
        total, blank = 0.0, []
        for m in included:
            v = cells.get(m.report_id, {}).get(key)
            if v is None:
                blank.append(m.name)
            else:
                total += v
        sums.append(CellSum(path, name, gov_cells.get(key), None if blank else total, tuple(blank)))
    return Rollup(region_id, full, year, "ok", top, gov.covers, included, missing, sums)


@functools.cache
def _summed_cells(version: str) -> tuple[tuple[str, tuple[str, str, str], str], ...]:
    """(path, key, Chinese name) of every cell of TABLES in a form version, computed once per version."""
    form = form_for(version)
    out = []
    for table in TABLES:
        try:
            paths = form.cell_paths(table)
        except KeyError:
            continue
        out += [(p, split_path(p), form.cell_name(p)) for p in paths]
    return tuple(out)


def fmt(v: float | None) -> str:
    """A figure as printed; "—" when unknown."""
    if v is None:
        return "—"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
