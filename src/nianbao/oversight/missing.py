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

    today = today or date.today()
    return VIEWS.get(registry.store, registry, ("missing", str(region), year, today),
                     lambda: _missing(registry, region, year, today))


def _missing(registry: Registry, region: int | str, year: int, today: date) -> MissingView:
    from ..store.models import Agency
    from ..store.models import Report as ReportRow
    from ..store.registry_models import EntryRow

    store = registry.store
    top = registry.resolve(region)
    regions = registry.subtree(top.id)
    by_id = {r.id: r for r in registry.regions()}
    entries = registry.expected(top.id, recursive=True)

    def chain(rid: int) -> list[Region]:
        out, r = [], by_id.get(rid)
        while r is not None and len(out) < 50:
            out.append(r)
            r = by_id.get(r.parent_id) if r.parent_id is not None else None
        return out[::-1]

    with store._read() as s:
        # only the agencies no entry has taken are read (an unmatched entry is looked for among them,
        # and only they can be `unregistered`): at 5,000 reports nearly every agency is matched
        taken = select(EntryRow.agency_id).where(EntryRow.agency_id.is_not(None))
        free = s.execute(select(Agency.id, Agency.name, Agency.region, Agency.names)
                         .where(Agency.id.not_in(taken)).order_by(Agency.id)).all()
        matcher = Matcher.of((a.id, a.name, a.region, a.names or []) for a in free) \
            if any(e.agency_id is None for e in entries) else None
        agency_of = {e.id: e.agency_id if e.agency_id is not None or matcher is None
                     else matcher.match(e.name, [r.name for r in chain(e.region_id)], chain(e.region_id)[0].level)
                     for e in entries}
        ids = {a for a in agency_of.values() if a is not None}
        versions: dict[int, list[tuple[int, str | None, bool]]] = {}
        # `year + 0`: SQLite would otherwise walk the year's index over every report of the year
        # (~7 ms at 5,000) instead of the agencies' (~0.1 ms for a city)
        for rid, aid, pub, current in s.execute(select(ReportRow.id, ReportRow.agency_id, ReportRow.published,
                                                        ReportRow.is_current)
                                                 .where(ReportRow.agency_id.in_(ids), ReportRow.year + 0 == year)):
            versions.setdefault(aid, []).append((rid, pub, current))
        # reports of the subtree's places whose agency no entry names
        names = {r.name for r in regions}
        names_of = {a.id: (a.name, a.region) for a in free if a.id not in ids
                    and names & set(_PLACES.findall((a.region or "") + (a.name or "")))}
        unregistered = []
        if names_of:
            for rid, aid, printed, pub in s.execute(
                    select(ReportRow.id, ReportRow.agency_id, ReportRow.agency_name, ReportRow.published)
                    .where(ReportRow.year == year, ReportRow.is_current, ReportRow.agency_id.in_(sorted(names_of)))
                    .order_by(ReportRow.id)):
                name, reg = names_of[aid]
                unregistered.append({"report_id": rid, "agency_id": aid, "agency": name, "region": reg,
                                     "agency_name": printed, "published": pub})

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

