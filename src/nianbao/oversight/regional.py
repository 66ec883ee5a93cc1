"""The regional audit pass: the rules whose answer depends on the registry, the jurisdiction's
configuration or other reports of the region — D004 (the deadline that applies), X002 (the
configured threshold), X005 (sibling reports), R001/R002 (the roll-up) — re-run for the affected
current reports, their findings of those codes replaced in the store (`Library.audit_region`;
`Library.ingest` runs it for what a new report touches).

What a report touches (`affected`): itself, its siblings of the year (their X005 may now name it),
the governments of its region and of every region above (their roll-ups include it), and its own
agency's report of the next year (X002 compares with it).

Siblings: reports of the same year and kind in the same region (registry: the entry's region; a
government's or a 乡镇's siblings are those under the same parent region). Without a registry the
store's agency region string and the kind read from the name (audit/dates.py) stand in, and the
roll-up is not computed (R001/R002 stay silent; the roll-up view says why).
"""
from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..audit.context import AuditContext, FirstPublished
from ..audit.dates import is_peoples_government
from ..audit.registry import run_rules
from ..lru import LRU
from .config import default_config, load_config
from .rollup import TABLES, Rollup, compute_rollup
from .similarity import CopyIndex, SiblingText, compare_reports

CODES = ("D004", "X002", "X005", "R001", "R002")


@dataclass
class PassResult:
    """What a regional pass did: reports audited, those whose findings changed, the findings of
    the pass's codes that are new (were not there before), per report."""
    audited: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    new: list[dict[str, Any]] = field(default_factory=list)
    registry: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"audited": len(self.audited), "changed": self.changed, "new": self.new, "registry": self.registry,
                "codes": list(CODES)}


def registry_of(lib):
    """The library's registry (`lib.registry`), or one bound to its store."""
    reg = getattr(lib, "registry", None)
    if reg is None:
        from ..store.registry import Registry

        reg = Registry(lib.store)
    return reg


class _World:
    """The registry and the store's current reports of one year, loaded once for a pass."""

    def __init__(self, lib, year: int):
        self.lib, self.year = lib, year
        self.registry = registry_of(lib)
        self.has_registry = not self.registry.is_empty()
        self.regions = {r.id: r for r in self.registry.regions()} if self.has_registry else {}
        self.entries = self.registry.entries() if self.has_registry else []
        self.entry_of = {e.agency_id: e for e in self.entries if e.agency_id is not None}
        self.infos = {i.id: i for i in lib.store.list_reports(year=year)}
        self.report_of = {i.agency_id: i.id for i in self.infos.values() if i.agency_id is not None}
        self.formats = {i: info.format for i, info in self.infos.items()}
        self._configs: dict[Any, Any] = {}
        self._versions: dict[int, list[tuple[int, Any]]] | None = None
        # the tree's links and the entries by region, once (a pass computes a roll-up per government)
        self.kids: dict[int, list[Any]] = defaultdict(list)
        for r in self.regions.values():
            if r.parent_id is not None:
                self.kids[r.parent_id].append(r)
        self.entries_of: dict[int, list[Any]] = defaultdict(list)
        for e in self.entries:
            self.entries_of[e.region_id].append(e)

    def first_published(self, report_id: int) -> FirstPublished | None:
        """D004's date when it is not the report's own: the earliest stated publication date among
        the stored versions of its agency-year (the missing view's date, oversight/missing.py), with
        the version stating it, when that is earlier than this report's date (or it states none)."""
        if self._versions is None:
            self._versions = versions_of_year(self.lib, self.year)
        info = self.infos[report_id]
        return first_published(self._versions.get(info.agency_id, ()), report_id) \
            if info.agency_id is not None else None

    def group(self, report_id: int) -> tuple:
        info = self.infos[report_id]
        e = self.entry_of.get(info.agency_id)
        if e is not None:
            reg = self.regions.get(e.region_id)
            up = reg is not None and (e.kind == "government" or reg.level == "township")
            return ("registry", e.kind, reg.parent_id if up else e.region_id)
        kind = "government" if is_peoples_government(info.agency_name or info.agency) else "department"
        return ("store", kind, info.region or "")

    def config(self, report_id: int):
        """The jurisdiction configuration of the report's region: the documents set on its chain,
        outermost first (the nearest region's settings win); the bundled default outside the registry."""
        e = self.entry_of.get(self.infos[report_id].agency_id)
        rid = e.region_id if e is not None else None
        if rid not in self._configs:
            docs = [r.config for r in self.chain(rid)] if rid is not None else []
            self._configs[rid] = load_config(*[d for d in docs if d]) if any(docs) else default_config()
        return self._configs[rid]

    def subtree(self, region_id: int) -> set[int]:
        out, stack = set(), [region_id]
        while stack:
            rid = stack.pop()
            out.add(rid)
            stack.extend(r.id for r in self.kids.get(rid, ()))
        return out

    def chain(self, region_id: int) -> list[Any]:
        """The regions from the root down to `region_id` (from the tree loaded once)."""
        out, r = [], self.regions.get(region_id)
        while r is not None and len(out) < 50:
            out.append(r)
            r = self.regions.get(r.parent_id) if r.parent_id is not None else None
        return out[::-1]

    def deadline(self, agency_id: int | None):
        """D004's deadline for the agency's report of the year (None: not in the registry)."""
        from .deadlines import entry_rule

        e = self.entry_of.get(agency_id) if agency_id is not None else None
        if e is None:
            return None
        return entry_rule(self.registry, e, self.chain(e.region_id)).on(self.year, e.kind)

    def governed_region(self, report_id: int) -> int | None:
        """The region whose government this report is (None: not a government in the registry)."""
        e = self.entry_of.get(self.infos[report_id].agency_id)
        if e is None:
            return None
        reg = self.regions.get(e.region_id)
        if e.kind == "government" or (e.kind == "township" and reg is not None and reg.level == "township"):
            return e.region_id
        return None

    def _members(self, region_id: int) -> tuple[list[Any], Rollup]:
        entries = [e for rid in sorted(self.subtree(region_id)) for e in self.entries_of.get(rid, ())]
        entries.sort(key=lambda e: e.id)        # as the registry lists them
        return entries, compute_rollup(region_id, self.year, regions=self.regions, entries=entries,
                                       report_of=self.report_of, cells=None, formats=self.formats, children=self.kids)

    def rollup(self, region_id: int) -> Rollup:
        return self.rollups([region_id])[region_id]

    def rollups(self, region_ids: Iterable[int]) -> dict[int, Rollup]:
        """The roll-ups of these regions, the cells of all their reports read at once."""
        members = {rid: self._members(rid) for rid in dict.fromkeys(region_ids)}
        ids = sorted({m.report_id for _, ru in members.values() if ru.computed
                      for m in [ru.government, *ru.included]})
        cells = _cells(self.lib, ids) if ids else {}
        return {rid: ru if not ru.computed else
                compute_rollup(rid, self.year, regions=self.regions, entries=entries, report_of=self.report_of,
                               cells=cells, formats=self.formats, children=self.kids)
                for rid, (entries, ru) in members.items()}


def versions_of_year(lib, year: int) -> dict[int, list[tuple[int, Any]]]:
    """{agency id: [(report id, stated publication date or None)]} of every stored version (current
    or superseded) of the year's reports, by id — what the missing view measures timeliness on."""
    from ..store.models import Report as ReportRow
    from .missing import _iso

    out: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    q = select(ReportRow.id, ReportRow.agency_id, ReportRow.published).where(
        ReportRow.year == year, ReportRow.agency_id.is_not(None))
    with lib.store._core() as c:
        for rid, aid, pub in c.execute(q.order_by(ReportRow.id)):
            out[aid].append((rid, _iso(pub)))      # the missing view's reading of the stated date
    return out


def first_published(versions: Iterable[tuple[int, Any]], report_id: int | None) -> FirstPublished | None:
    """Of an agency-year's versions [(report id, date)], the earliest date and the (first) version
    stating it, when that is another version's and earlier than `report_id`'s own date (or it has
    none); None when the report's own date is the first publication."""
    versions = list(versions)
    own = next((d for rid, d in versions if rid == report_id), None)
    dated = sorted((d, rid) for rid, d in versions if d is not None)
    if not dated:
        return None
    d, rid = dated[0]
    if rid == report_id or (own is not None and own <= d):
        return None
    return FirstPublished(d, rid)


def _rollup(lib, region_id: int, year: int, regions, entries, report_of, formats) -> Rollup:
    """Who is in the sum first, then the cells of those reports only (not the whole subtree's)."""
    members = compute_rollup(region_id, year, regions=regions, entries=entries, report_of=report_of, cells=None,
                             formats=formats)
    if not members.computed:
        return members
    ids = [m.report_id for m in [members.government, *members.included]]
    return compute_rollup(region_id, year, regions=regions, entries=entries, report_of=report_of,
                          cells=_cells(lib, ids), formats=formats)


def _cells(lib, ids: list[int]) -> dict[int, dict[tuple[str, str, str], float | None]]:
    """Store.cells(ids, tables=TABLES), each chunk fetched whole from the driver's cursor (a city's
    roll-up reads ~20,000 cells: row-by-row fetching was most of its time, and SQLAlchemy's rows
    for a district's ~6,000 cells cost as much again as the driver's plain tuples; the columns
    need no conversion)."""
    from ..store.models import Cell

    out: dict[int, dict[tuple[str, str, str], float | None]] = {i: {} for i in ids}
    c = Cell.__table__.c
    with lib.store._core() as conn:
        for k in range(0, len(ids), 500):
            q = select(c.report_id, c.table_key, c.row_key, c.col_key, c.value).where(
                c.report_id.in_(ids[k:k + 500]), c.table_key.in_(TABLES))
            res = conn.execute(q)
            try:
                rows = res.cursor.fetchall()
            finally:
                res.close()
            for rid, t, r, col, v in rows:
                out[rid][(t, r, col)] = v
    return out


class ViewCache:
    """Region views (roll-up, copied pairs, missing) kept while the store's reports and findings
    (Store.data_version) and the registry (Registry.fingerprint) are unchanged: both are read on
    every use, so a new report, a regional pass or a registry edit — from any process — is seen at
    once. A few hundred views per store at most, least recently used dropped first."""

    def __init__(self, size: int = 256):
        self.size = size
        self._stores: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get(self, store, registry, key: tuple, compute):
        from .scope import _memo, data_version

        if getattr(store, "data_version", None) is None or not hasattr(registry, "fingerprint"):
            return compute()
        # each read once per view (scope.pinned): a scorecard asks for the missing view inside its own
        full = (data_version(store), _memo("registry", store, lambda _s: registry.fingerprint()))
        with self._lock:
            items = self._stores.get(store)
            if items is None:
                items = self._stores[store] = LRU(self.size)
        value = items.get(key, full)
        if value is None:
            value = compute()
            items.put(key, value, full)
        return value


VIEWS = ViewCache()


def rollup_for(lib, region: int | str, year: int) -> Rollup:
    """The roll-up of a region (id or name) and year; without a registry it says it cannot be computed.
    Reads only the region's subtree: its regions, entries, their current reports and cells (kept
    in VIEWS while nothing changed)."""
    from .scope import pinned

    registry = registry_of(lib)
    with pinned():
        return VIEWS.get(lib.store, registry, ("rollup", str(region), year),
                         lambda: _rollup_for(lib, registry, region, year))


def _rollup_for(lib, registry, region: int | str, year: int) -> Rollup:
    from .missing import _facts
    from .scope import _maps, _subtree, registry_fingerprint

    maps = _maps(lib.store, registry_fingerprint(lib.store))     # None: no registry (or not readable)
    if maps is None and registry.is_empty():
        return Rollup(None, str(region), year, "no_registry")
    reg = registry.resolve(region)
    if maps is None:
        regions = {r.id: r for r in registry.subtree(reg.id)}      # all a roll-up of it looks at
        entries = registry.expected(reg.id, recursive=True)
        infos = lib.store.current_reports([e.agency_id for e in entries if e.agency_id is not None], year)
        return _rollup(lib, reg.id, year, regions, entries, {i.agency_id: i.id for i in infos},
                       {i.id: i.format for i in infos})
    # the registry's maps and the year's reports by agency, read once for every region's view
    sub = _subtree(maps, reg.id)
    regions = {rid: maps.regions[rid] for rid in sub if rid in maps.regions}
    entries = sorted((e for e in maps.entries if e.region_id in sub), key=lambda e: (e.region_id, e.id))
    current = _facts(registry, year).current
    got = [current[e.agency_id] for e in entries if e.agency_id in current]
    return _rollup(lib, reg.id, year, regions, entries,
                   {e.agency_id: current[e.agency_id][0] for e in entries if e.agency_id in current},
                   dict(got))


def scope(lib, region: int | str | None, year: int | None) -> list[int]:
    """Current reports of a region (its whole subtree; every report when None) and year: the one
    region scope of nianbao.oversight.scope (RegionNotFound when neither registry nor store knows it)."""
    from ..store.models import Agency
    from ..store.models import Report as ReportRow
    from .scope import resolve

    sc = resolve(lib, region).require()
    q = select(ReportRow.id).where(ReportRow.is_current)
    if sc.condition is not None:
        # the condition is over the agency table alone: its agencies first, then their reports by
        # the report list's covering index (a join walked every current report: ~15 ms at 5,000)
        q = q.where(ReportRow.agency_id.in_(select(Agency.id).where(sc.condition)))
    if year is not None:
        q = q.where(ReportRow.year == year)
    with lib.store._core() as c:
        return sorted(rid for (rid,) in c.execute(q))


def _current_by_year(lib, report_ids: Iterable[int]) -> dict[int, list[int]]:
    """The current ones of these reports, by year (one query for many, one each for a few)."""
    ids = list(dict.fromkeys(report_ids))
    if len(ids) > 50:
        wanted = set(ids)
        infos = [i for i in lib.store.list_reports() if i.id in wanted]
    else:
        infos = [i for i in map(lib.store.get_info, ids) if i is not None and i.is_current]
    by_year: dict[int, list[int]] = defaultdict(list)
    for info in infos:
        if info.year is not None:
            by_year[info.year].append(info.id)
    return by_year


def affected(lib, report_ids: Iterable[int]) -> list[int]:
    """The current reports whose regional findings a new report changes (module docstring)."""
    by_year = _current_by_year(lib, report_ids)
    out: set[int] = set()
    for year, ids in by_year.items():
        w = _World(lib, year)
        groups = {w.group(r) for r in ids if r in w.infos}
        out |= {r for r in w.infos if w.group(r) in groups}
        out |= set(ids)
        governs = {w.governed_region(r): r for r in w.infos}       # region id → its government's report
        for r in ids:
            e = w.entry_of.get(w.infos[r].agency_id) if r in w.infos else None
            if e is None:
                continue
            out |= {governs[reg.id] for reg in w.chain(e.region_id) if reg.id in governs}
        nxt = {i.agency_id: i.id for i in lib.store.list_reports(year=year + 1)}
        out |= {nxt[w.infos[r].agency_id] for r in ids if r in w.infos and w.infos[r].agency_id in nxt}
    return sorted(out)


CHUNK = 200      # reports whose models are held at once during a pass


def run_pass(lib, report_ids: Iterable[int], *, user: str | None = None,
             codes: tuple[str, ...] = CODES) -> PassResult:
    """Re-run `codes` (CODES) for these current reports and replace those findings in the store.

    Batched: the reports' models, their previous years' and the roll-ups' cells are read a chunk at
    a time in a few queries; a report whose findings of those codes come out the same is not
    written. Review cases of the audited reports whose copies of those findings no longer say what
    the store's do (a sibling renumbered by delete and restore, same rule and cell) are synced too,
    and count as changed."""
    result = PassResult()
    registry = registry_of(lib)
    result.registry = not registry.is_empty()      # also when there is no report to audit
    if result.registry:
        registry.rematch()          # entries whose agency's first report arrived since the import
    by_year = _current_by_year(lib, report_ids)
    for year in sorted(by_year):
        w = _World(lib, year)
        result.registry = w.has_registry
        targets = [r for r in by_year[year] if r in w.infos]
        siblings = _siblings(lib, w, targets) if "X005" in codes else {}
        rollups: dict[int, Rollup] = {}
        previous = _Previous(lib)
        for k in range(0, len(targets), CHUNK):
            chunk = targets[k:k + CHUNK]
            models = _models(lib, chunk)
            prev_of = previous.of({rid: models[rid] for rid in chunk if rid in models})
            prev_models = _models(lib, sorted(set(prev_of.values())))
            governed = {rid: w.governed_region(rid) for rid in chunk}
            if "R001" in codes or "R002" in codes:
                rollups.update(w.rollups(g for g in governed.values() if g is not None and g not in rollups))
            for rid in chunk:
                report = models.get(rid)
                if report is None:      # gone since the pass began
                    continue
                info = w.infos[rid]
                cfg = w.config(rid)
                deadline = w.deadline(info.agency_id)
                region_id = governed[rid]
                ctx = AuditContext(deadline=deadline, siblings=siblings.get(rid),
                                   rollup=rollups.get(region_id) if region_id is not None else None,
                                   similarity=cfg.similarity, first_published=w.first_published(rid))
                prev_id = prev_of.get(rid)
                prev = prev_models.get(prev_id) if prev_id is not None else None
                found = run_rules(report, prev, ctx, select=codes)
                for f in found:
                    p = f.data.get("previous")
                    if prev is not None and isinstance(p, dict):
                        p["report_id"] = prev_id
                result.audited.append(rid)
                old = [f for f in report.findings if f.code in codes]
                new = [f for f in found if f.code in codes]
                if [f.model_dump(mode="json") for f in old] == [f.model_dump(mode="json") for f in new]:
                    continue            # what the store holds already: no write
                before = {(f.code, f.message) for f in old}
                if lib.store.replace_findings(rid, codes, found):
                    result.changed.append(rid)
                    for f in found:
                        if (f.code, f.message) not in before:
                            result.new.append({"report_id": rid, "agency": info.agency_name or info.agency,
                                               "year": year, **f.model_dump(mode="json")})
    _sync_reviews(lib, result, codes, user)
    return result


def _models(lib, ids: list[int]) -> dict[int, Any]:
    """{report id: Report model} of these stored reports, read in one query per 500."""
    from ..model import Report
    from ..store.models import Report as ReportRow

    out: dict[int, Any] = {}
    with lib.store._core() as c:
        for k in range(0, len(ids), 500):
            for rid, model in c.execute(select(ReportRow.id, ReportRow.model).where(ReportRow.id.in_(ids[k:k + 500]))):
                out[rid] = Report.model_validate(model)
    return out


class _Previous:
    """Store.previous_report for many reports at once: the current report of the year before of
    an agency of the same name whose region agrees (agencies by id, as the store scans them)."""

    def __init__(self, lib):
        from ..store.models import Agency

        self.lib = lib
        self.by_name: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
        with lib.store._core() as c:
            for aid, name, region in c.execute(select(Agency.id, Agency.name, Agency.region).order_by(Agency.id)):
                self.by_name[name].append((aid, region))
        self._current: dict[int, dict[int, int]] = {}

    def current(self, year: int) -> dict[int, int]:
        """{agency id: its current report id} of a year."""
        if year not in self._current:
            from ..store.models import Report as ReportRow

            got: dict[int, int] = {}
            with self.lib.store._core() as c:
                for rid, aid in c.execute(select(ReportRow.id, ReportRow.agency_id)
                                          .where(ReportRow.year == year, ReportRow.is_current)
                                          .order_by(ReportRow.id)):
                    got.setdefault(aid, rid)
            self._current[year] = got
        return self._current[year]

    def of(self, models: dict[int, Any]) -> dict[int, int]:
        """{report id: its previous report's id} for those that have one."""
        from ..agency import regions_agree, split_agency

        out: dict[int, int] = {}
        for rid, report in models.items():
            if not report.meta.agency or report.meta.year is None:
                continue
            region, name = split_agency(report.meta.agency)
            current = self.current(report.meta.year - 1)
            for aid, aregion in self.by_name.get(name, ()):
                if regions_agree(aregion, region) and aid in current:
                    out[rid] = current[aid]
                    break
        return out


def _siblings(lib, w: _World, targets: list[int]) -> dict[int, list[SiblingText]]:
    """X005's context for each target: the siblings whose text holds at least the lowest configured
    threshold of the target's (the rule applies the target's own threshold)."""
    groups = {w.group(r) for r in targets}
    pool = [r for r in w.infos if w.group(r) in groups]
    threshold = min(w.config(r).similarity.X005 for r in targets) if targets else 0.5
    min_chars = min(w.config(r).similarity.min_chars for r in targets) if targets else 0
    texts = lib.store.section_texts(pool)
    idx = CopyIndex(threshold=threshold, min_chars=min_chars)
    for r in pool:
        idx.add(r, "\n".join(t for _, t in sorted(texts.get(r, {}).items())), group=w.group(r))
    out: dict[int, list[SiblingText]] = {}
    for r in targets:
        sibs = []
        for m in idx.matches(r):
            info = w.infos[m.other]
            by = compare_reports({"sections": _sections(texts.get(r, {}))},
                                 {"sections": _sections(texts.get(m.other, {}))}).by_section
            sibs.append(SiblingText(m.other, info.agency_name or info.agency or "", info.year, m.share,
                                    m.other_share, by))
        out[r] = sibs
    return out


def _sections(texts: dict[int, str]) -> list[dict[str, Any]]:
    return [{"no": no, "text": t} for no, t in texts.items()]


def _sync_reviews(lib, result: PassResult, codes: tuple[str, ...], user: str | None) -> None:
    """Agency-years under review follow their findings now (as ingest does for a new version); the
    others get their case when first opened. A case whose open copies of `codes` say something else
    than the store's findings (same rule and cell, another message: an X005 now naming another
    sibling) is synced whether or not this pass wrote the report, and the report counts as changed
    (a full region-audit repairs what an earlier pass left stale)."""
    stale = _stale_reviews(lib, result.audited, codes)
    result.changed.extend(r for r in sorted(stale) if r not in result.changed)
    if not result.changed:
        return
    years = {lib.store.get_info(r).year for r in result.changed}
    reviewed = {c["report_id"] for y in years for c in lib.review.cases(year=y) if c.get("id") is not None}
    for rid in result.changed:
        if rid in stale or rid in reviewed:
            lib.review.case_for_report(rid, user)


def _stale_reviews(lib, report_ids: list[int], codes: tuple[str, ...]) -> set[int]:
    """Of these (current) reports, those whose review case holds open copies of their findings of
    `codes` that differ from the store's (by key: rule, cell and rank; and message)."""
    from ..store.models import Finding
    from ..store.review import finding_keys
    from ..store.review_models import ReviewCase, ReviewFinding

    ids = sorted(set(report_ids))
    out: set[int] = set()
    with lib.store._core() as c:
        for k in range(0, len(ids), 500):
            chunk = ids[k:k + 500]
            case_of = dict(c.execute(select(ReviewCase.id, ReviewCase.report_id)
                                     .where(ReviewCase.report_id.in_(chunk))).all())
            if not case_of:
                continue
            copies: dict[int, set[tuple[str, str]]] = defaultdict(set)
            for cid, key, code, message in c.execute(
                    select(ReviewFinding.case_id, ReviewFinding.key, ReviewFinding.code, ReviewFinding.message)
                    .where(ReviewFinding.case_id.in_(list(case_of)), ReviewFinding.origin == "audit",
                           ReviewFinding.state == "open")):
                if code in codes:
                    copies[case_of[cid]].add((key, message))
            rows: dict[int, list[tuple[str, str | None, str]]] = defaultdict(list)
            for rid, code, path, message in c.execute(
                    select(Finding.report_id, Finding.code, Finding.path, Finding.message)
                    .where(Finding.report_id.in_(list(case_of.values()))).order_by(Finding.report_id, Finding.id)):
                rows[rid].append((code, path, message))
            for rid in set(case_of.values()):
                found = rows.get(rid, [])
                keys = finding_keys([(code, path) for code, path, _ in found])
                held = {(key, m) for key, (code, _, m) in zip(keys, found) if code in codes}
                if held != copies.get(rid, set()):
                    out.add(rid)
    return out


def pairs(lib, year: int, region: int | str | None = None) -> list[dict[str, Any]]:
    """Copied-text pairs among the current reports of a year (of a region), as the regional pass
    found them: every X005 finding with the sibling it names and the others it lists, the shares
    and the threshold applied (kept in VIEWS while nothing changed)."""
    from .scope import pinned

    key = ("pairs", str(region) if region is not None else None, year)
    with pinned():
        return [dict(p) for p in VIEWS.get(lib.store, registry_of(lib), key, lambda: _pairs(lib, year, region))]


def _pairs(lib, year: int, region: int | str | None) -> list[dict[str, Any]]:
    """A region's pairs: those of the year's pairs (read once for every region, kept in VIEWS on the
    same terms) whose report's agency is in the region's scope — its current reports of the year."""
    from .scope import agency_id_set

    every = VIEWS.get(lib.store, registry_of(lib), ("pairs-of-year", year), lambda: _year_pairs(lib, year))
    agencies = agency_id_set(lib, region) if region is not None else None
    return [p for aid, p in every if agencies is None or aid in agencies]


def _year_pairs(lib, year: int) -> list[tuple[int | None, dict[str, Any]]]:
    """(the report's agency id, pair) of every current report of the year, in the pairs' order."""
    ids = scope(lib, None, year)
    from .scope import resolve

    named = resolve(lib, None)                  # the registry's region names of the agencies
    out = []
    found = lib.store.findings(report_ids=ids, code="X005")
    infos = {i.id: i for i in lib.store.report_infos({f["report_id"] for f in found})}
    for f in found:
        d = f.get("data") or {}
        info = infos.get(f["report_id"])
        for o in [d.get("other") or {}, *(d.get("others") or [])]:
            if not o.get("report_id"):
                continue
            out.append((info.agency_id if info else None,
                        {"report_id": f["report_id"], "agency": (info.agency_name or info.agency) if info else None,
                         "region": named.region_name(info.agency_id, info.region) if info else None,
                         "other_report_id": o["report_id"],
                         "other_agency": o.get("agency"), "share": o.get("share"), "other_share": o.get("other_share"),
                         "by_section": o.get("by_section") or {}, "threshold": d.get("threshold"), "year": year}))
    return sorted(out, key=lambda x: (-(x[1]["share"] or 0), x[1]["report_id"], x[1]["other_report_id"]))


def audit_region(lib, region: int | str | None = None, year: int | None = None, *,
                 user: str | None = None) -> PassResult:
    """The regional pass over every current report of a region (subtree) and year (all when None)."""
    return run_pass(lib, scope(lib, region, year), user=user)


def after_ingest(lib, report_ids: Iterable[int], *, user: str | None = None) -> PassResult:
    """The regional pass over what newly stored reports touch (`affected`), once a registry is
    imported (before that, ingest stays as it was and `audit_region` runs the pass on demand)."""
    ids = list(report_ids)
    registry = registry_of(lib)
    if not ids:
        return PassResult()
    # a version stored as not current (a restored or late-arriving earlier version) may be its
    # agency-year's first publication: the current version's D004 is measured on it
    ids = list(dict.fromkeys(ids + _current_versions(lib, ids)))
    if registry.is_empty():
        # without a registry regional oversight is not set up: `audit_region` runs on demand; only a
        # new version of an agency-year whose first publication is an earlier version's gets its
        # D004 measured on that date (the statute's deadline), as with a registry
        return run_pass(lib, _later_versions(lib, ids), user=user, codes=("D004",))
    registry.rematch()              # the new reports' agencies may be the registry's entries
    return run_pass(lib, affected(lib, ids), user=user)


def _current_versions(lib, report_ids: list[int]) -> list[int]:
    """The current versions of the agency-years of those of these reports that are not current."""
    out: list[int] = []
    for info in lib.store.report_infos(report_ids):
        if not info.is_current and info.agency_id is not None and info.year is not None:
            out += [i.id for i in lib.store.current_reports([info.agency_id], info.year)]
    return out


def _later_versions(lib, report_ids: list[int]) -> list[int]:
    """Those of these current reports whose agency-year has another stored version."""
    out = []
    for year, ids in _current_by_year(lib, report_ids).items():
        versions = versions_of_year(lib, year)
        for info in lib.store.report_infos(ids):
            if info.agency_id is not None and len(versions.get(info.agency_id, ())) > 1:
                out.append(info.id)
    return sorted(out)


def copied_view(lib, report_id: int, other_id: int) -> dict[str, Any] | None:
    """Two stored reports' sections 一/五 side by side, the copied passages marked (X002 and X005
    alike): {"this", "other": report info, "share", "other_share", "by_section", "sections": [...]}.
    None when either report is not in the store; InputError when both ids are one report (a report
    compared with itself is 100% "copied", which says nothing)."""
    from ..errors import InputError
    from .similarity import side_by_side

    if report_id == other_id:
        raise InputError(f"不能把报告 {report_id} 与它自己比较：请给出两份不同报告的编号")
    a, b = lib.store.get_report(report_id), lib.store.get_report(other_id)
    if a is None or b is None:
        return None
    view = side_by_side(a.report, b.report)

    def info(s) -> dict[str, Any]:
        return {"report_id": s.id, "agency": s.agency_name or s.agency, "agency_id": s.agency_id, "region": s.region,
                "year": s.year, "is_current": s.is_current}

    relation = "previous_year" if a.agency_id is not None and a.agency_id == b.agency_id else "sibling"
    return {"this": info(a), "other": info(b), "relation": relation} | view


def before_delete(lib, report_id: int) -> list[int]:
    """The other reports whose regional findings name or sum a report about to be deleted (run
    `after_delete` with them once it is gone): with a registry every report it touches (`affected`);
    without one (the pass then runs on demand) those whose X005 names it, so that no finding keeps
    naming a report that is gone."""
    naming = naming_report(lib, report_id)
    if registry_of(lib).is_empty():
        return naming
    return sorted((set(affected(lib, [report_id])) | set(naming)) - {report_id})


def naming_report(lib, report_id: int) -> list[int]:
    """The current reports of the same year whose X005 names `report_id` (as the best sibling or
    among the others)."""
    info = lib.store.get_info(report_id)
    if info is None or info.year is None:
        return []
    ids = [r for r in scope(lib, None, info.year) if r != report_id]
    out = set()
    for f in lib.store.findings(report_ids=ids, code="X005") if ids else ():
        d = f.get("data") or {}
        if report_id in {(o or {}).get("report_id") for o in [d.get("other"), *(d.get("others") or [])]} \
                or d.get("other_report_id") == report_id:
            out.add(f["report_id"])
    return sorted(out)


def after_delete(lib, touched: list[int], agency_id: int | None, year: int | None, *,
                 user: str | None = None) -> PassResult:
    """The regional pass over `touched` and the current version of the agency-year (it took over,
    or its D004 was measured on the deleted version's date)."""
    ids = list(touched)
    if agency_id is not None and year is not None:
        ids += [i.id for i in lib.store.current_reports([agency_id], year)]
    return run_pass(lib, ids, user=user) if ids else PassResult()
