"""Who has not published: per region (with its sub-regions) and report year, every agency the
registry expects, with its report's status against the deadline that applies to it
(oversight/deadlines.py):

  published  on time (the publication date on or before the deadline; the row's status keeps this
             key — counted as `on_time`)
  late       published after the deadline (days late given)
  unknown    a report is stored but states no publication date: its timeliness cannot be told
  missing    no report in the store, and the deadline has passed
  not_due    no report yet, but the deadline has not passed (missing only after it)

`counts`: expected; published = every expected agency whose report is stored (on_time + late +
unknown: a report without a date is published all the same); on_time, late, unknown, missing,
not_due (the statuses); unregistered.

Timeliness is measured on the earliest publication date of the agency-year's stored versions: a
corrected version published later does not make the first publication late.

Reports of the region's agencies that the registry does not list (an agency whose name or region
names a place of the subtree, matched to no entry) are listed apart as `unregistered`.

Entries not yet matched to a store agency are matched here in memory (the persistent match is
made when reports arrive or the registry is imported), so the view never waits on a write.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..lru import LRU
from .deadlines import entry_rule
from .registry import KIND_NAMES, Matcher, _PLACES

if TYPE_CHECKING:
    from ..audit.context import Deadline
    from ..store.registry import Entry, Region, Registry

STATUSES = ("published", "late", "unknown", "missing", "not_due")
STATUS_NAMES = {"published": "按期公开", "late": "逾期公开", "unknown": "发布日期不明", "missing": "未公开",
                "not_due": "未到期"}


@dataclass
class AgencyStatus:
    entry: Entry
    region: Region
    deadline: Deadline
    status: str
    agency_id: int | None = None
    report_id: int | None = None        # the current version
    published: date | None = None       # the earliest stated publication date of the versions
    days_late: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"entry_id": self.entry.id, "name": self.entry.name, "kind": self.entry.kind,
                "kind_name": KIND_NAMES.get(self.entry.kind, self.entry.kind), "covers": self.entry.covers,
                "region_id": self.region.id, "region": self.region.name, "region_full_name": self.region.full_name,
                "agency_id": self.agency_id, "report_id": self.report_id,
                "published": self.published.isoformat() if self.published else None,
                "deadline": self.deadline.date.isoformat(), "deadline_source": self.deadline.source,
                "status": self.status, "status_name": STATUS_NAMES[self.status], "days_late": self.days_late}


@dataclass
class MissingView:
    region: Region
    year: int
    today: date
    rows: list[AgencyStatus] = field(default_factory=list)
    unregistered: list[dict[str, Any]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """expected, published (every report stored: on time, late or undated), on_time, late, unknown,
        missing, not_due, unregistered."""
        by = {s: 0 for s in STATUSES}
        for r in self.rows:
            by[r.status] += 1
        return {"expected": len(self.rows), "published": by["published"] + by["late"] + by["unknown"],
                "on_time": by["published"], "late": by["late"], "unknown": by["unknown"],
                "missing": by["missing"], "not_due": by["not_due"], "unregistered": len(self.unregistered)}

    def of(self, status: str) -> list[AgencyStatus]:
        return [r for r in self.rows if r.status == status]

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region.to_dict(), "year": self.year, "today": self.today.isoformat(),
                "counts": self.counts, "agencies": [r.to_dict() for r in self.rows],
                "unregistered": self.unregistered}


def _iso(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def missing(registry: Registry, region: int | str, year: int, *, today: date | None = None) -> MissingView:
    """The view for `region` (id, name or full name; RegistryError when unknown) and report `year`
    (kept while the store and the registry are unchanged: regional.VIEWS)."""
    from .regional import VIEWS
    from .scope import pinned

    today = today or date.today()
    with pinned():                  # the fingerprints read once for the view and what it asks
        return VIEWS.get(registry.store, registry, ("missing", str(region), year, today),
                         lambda: _missing(registry, region, year, today))


class _YearFacts:
    """What every region's view of one year reads, read once per store and registry version
    (_FACTS): the store agencies no entry has taken (an unmatched entry is looked for among them,
    and only they can be `unregistered`) with the places their names name, and every report of the
    year by agency (id, publication date, current, printed name). A region's view is then a filter
    of these and of the registry's maps (oversight.scope), without a query of its own."""

    def __init__(self, registry: Registry, year: int):
        from ..store.models import Agency
        from ..store.models import Report as ReportRow
        from ..store.registry_models import EntryRow

        with registry.store._read() as s:
            # at 5,000 reports nearly every agency is matched: few are free
            taken = select(EntryRow.agency_id).where(EntryRow.agency_id.is_not(None))
            self.free = s.execute(select(Agency.id, Agency.name, Agency.region, Agency.names)
                                  .where(Agency.id.not_in(taken)).order_by(Agency.id)).all()
            self.versions: dict[int, list[tuple[int, str | None, bool, str | None]]] = {}
            self.current: dict[int, tuple[int, str]] = {}       # agency id → (current report, its form)
            for rid, aid, pub, current, printed, fmt in s.execute(
                    select(ReportRow.id, ReportRow.agency_id, ReportRow.published, ReportRow.is_current,
                           ReportRow.agency_name, ReportRow.format)
                    .where(ReportRow.year == year, ReportRow.agency_id.is_not(None)).order_by(ReportRow.id)):
                self.versions.setdefault(aid, []).append((rid, pub, current, printed))
                if current:
                    self.current[aid] = (rid, fmt)
        self.places = {a.id: set(_PLACES.findall((a.region or "") + (a.name or ""))) for a in self.free}
        self._matcher: Matcher | None = None
        self.matched: dict[int, int | None] = {}        # unmatched entry id → the agency matched here

    def match(self, entry: Entry, chain: list[Region]) -> int | None:
        if entry.id not in self.matched:
            if self._matcher is None:
                self._matcher = Matcher.of((a.id, a.name, a.region, a.names or []) for a in self.free)
            self.matched[entry.id] = self._matcher.match(entry.name, [r.name for r in chain], chain[0].level)
        return self.matched[entry.id]


_FACTS = LRU(size=8, ttl=300.0)


def _facts(registry: Registry, year: int) -> _YearFacts:
    from .scope import data_version, registry_fingerprint

    store = registry.store
    key = (getattr(store, "url", None), year)
    version = (data_version(store), registry_fingerprint(store))
    got = _FACTS.get(key, version)
    if got is None:
        got = _YearFacts(registry, year)
        _FACTS.put(key, got, version)
    return got


def _missing(registry: Registry, region: int | str, year: int, today: date) -> MissingView:
    from .scope import _maps, _subtree, registry_fingerprint

    top = registry.resolve(region)
    maps = _maps(registry.store, registry_fingerprint(registry.store))
    if maps is None:                # the registry's tables changed under the fingerprint: read it now
        by_id = {r.id: r for r in registry.regions()}
        sub = {r.id for r in registry.subtree(top.id)}
        entries = registry.expected(top.id, recursive=True)
    else:
        by_id = maps.regions
        sub = _subtree(maps, top.id)
        # as Registry.expected lists them: by region, then id
        entries = sorted((e for e in maps.entries if e.region_id in sub), key=lambda e: (e.region_id, e.id))
    facts = _facts(registry, year)

    def chain(rid: int) -> list[Region]:
        out, r = [], by_id.get(rid)
        while r is not None and len(out) < 50:
            out.append(r)
            r = by_id.get(r.parent_id) if r.parent_id is not None else None
        return out[::-1]

    agency_of = {e.id: e.agency_id if e.agency_id is not None else facts.match(e, chain(e.region_id))
                 for e in entries}
    ids = {a for a in agency_of.values() if a is not None}
    versions = {a: [(rid, pub, cur) for rid, pub, cur, _ in facts.versions[a]] for a in ids if a in facts.versions}
    # reports of the subtree's places whose agency no entry names
    names = {by_id[rid].name for rid in sub if rid in by_id}
    names_of = {a.id: (a.name, a.region) for a in facts.free if a.id not in ids and names & facts.places[a.id]}
    unregistered = []
    for aid in names_of:
        for rid, pub, current, printed in facts.versions.get(aid, ()):
            if current:
                name, reg = names_of[aid]
                unregistered.append({"report_id": rid, "agency_id": aid, "agency": name, "region": reg,
                                     "agency_name": printed, "published": pub})
    unregistered.sort(key=lambda u: u["report_id"])
    regions = [by_id[rid] for rid in sub if rid in by_id]

    view = MissingView(top, year, today, unregistered=unregistered)
    chains = {r.id: chain(r.id) for r in regions}
    memo: dict = {}
    for e in entries:
        deadline = entry_rule(registry, e, chains.get(e.region_id), memo).on(year, e.kind)
        aid = agency_of[e.id]
        got = versions.get(aid, []) if aid is not None else []
        row = AgencyStatus(e, by_id[e.region_id], deadline, "missing", aid)
        if got:
            row.report_id = next((rid for rid, _, cur in got if cur), got[0][0])
            dates = [d for d in (_iso(p) for _, p, _ in got) if d is not None]
            if not dates:
                row.status = "unknown"
            else:
                row.published = min(dates)
                late = (row.published - deadline.date).days
                row.status, row.days_late = ("late", late) if late > 0 else ("published", None)
        elif today <= deadline.date:
            row.status = "not_due"
        view.rows.append(row)
    order = {s: i for i, s in enumerate(("missing", "late", "unknown", "not_due", "published"))}
    view.rows.sort(key=lambda r: (order[r.status], r.region.full_name, r.entry.name))
    return view

