"""Which reports a region is: the one answer every `--region` / `?region=` filter uses (compare,
export, review lists, progress and notices, the dashboard, indicators, scorecard, the regional pass).

    sc = resolve(lib, "温州市")           # RegionScope, resolved once per registry/agency change
    sc.require()                          # RegionNotFound (Chinese, exit 2 / 404) when unknown
    q = q.where(sc.condition)             # SQL over the agency table (outer-joined to the report)

How a region is found, nearest first:
1. the registry (when one is imported): a node by id, name or full name; its scope is every store
   agency a registry entry of its subtree matched, plus the store agencies no entry matched whose
   region string or name names it (reports of agencies the registry does not list yet);
2. without such a node, the store's own region strings — only when the store knows the text (some
   agency's region contains it or its name starts with it);
3. otherwise the region is unknown: `known` is False and the caller says so (never an empty table
   that looks like "no reports").

Why one module: the region filters used to be written four times (text match in the store, the
registry subtree in indicators, another in the regional pass), so one command showed 8 reports of
a city and the next 22. Store stays persistence: it takes the prepared condition, not the registry.

Coverage: a government's report that covers its whole area (registry 报告范围 全域, covers="area")
already sums the reports under it; region totals leave it out (`area_agencies`). Without a registry
coverage is unknown and a total may count an area twice (`totals_note` says which).
"""
from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import false, func, or_, select, union

from ..errors import InputError
from ..lru import LRU

NO_REGION = "（未识别地区）"
NOTE_AREA = "地区合计不含汇总全域数据的政府报告，避免重复计算"
NOTE_UNKNOWN = "未导入名录，无法判断政府报告是否汇总全域数据，地区合计可能重复计算"
NOTE_PARTLY = "名录未注明报告范围的政府报告计入合计，可能重复计算"


class RegionNotFound(InputError):
    """A region that neither the registry nor the store's agencies know (or that names several)."""


@dataclass(frozen=True)
class RegionScope:
    asked: str | None                     # as the user wrote it (None: every region)
    label: str | None                     # the registry's full name, or the store text
    node: Any = None                      # registry Region, or None
    condition: Any = None                 # SQL over Agency (None: every report)
    known: bool = True
    message: str | None = None            # why not known (Chinese)
    registry: bool = False                # a registry is imported
    area_agencies: frozenset[int] = frozenset()    # reports covering the whole area (left out of totals)
    covers_known: frozenset[int] = frozenset()     # agencies whose coverage the registry states
    region_of: dict[int, str] = field(default_factory=dict)   # agency id → registry full region name
    kind_of: dict[int, str] = field(default_factory=dict)     # agency id → registry kind (government …)
    agency_ids: Any = None                # SELECT of the scope's agency ids (None: every report)

    def require(self) -> RegionScope:
        """Itself, or RegionNotFound (its Chinese message) when the region is unknown."""
        if not self.known:
            raise RegionNotFound(self.message or f"地区「{self.asked}」不在名录中")
        return self

    @property
    def everything(self) -> bool:
        return self.condition is None

    def region_name(self, agency_id: int | None, store_region: str | None = None) -> str | None:
        """The agency's region as the registry names it (full name), else the store's string."""
        if agency_id is not None and agency_id in self.region_of:
            return self.region_of[agency_id]
        return store_region or None

    def totals_note(self, governments_unknown: int = 0) -> str:
        """What a region's total leaves out or may count twice (the legend's footnote)."""
        if not self.registry:
            return NOTE_UNKNOWN
        if governments_unknown:
            return f"{NOTE_AREA}；{NOTE_PARTLY}（{governments_unknown} 份）"
        return NOTE_AREA


_SCOPES = LRU(ttl=30.0)
_MAPS = LRU(size=16, ttl=30.0)


def store_of(lib: Any):
    return getattr(lib, "store", lib)


def registry_of(lib: Any):
    """The registry of a Library, or of a plain Store (the same tables), or None."""
    reg = getattr(lib, "registry", None)
    if reg is not None or not hasattr(lib, "_read"):
        return reg
    try:
        from ..store.registry import Registry
    except ImportError:
        return None
    return Registry(lib)


# within one view (`pinned`): the fingerprints read once, not by every cache lookup of the view
_PINNED: ContextVar[dict | None] = ContextVar("nianbao_scope_pinned", default=None)


@contextmanager
def pinned() -> Iterator[None]:
    """Read the registry's and the agency table's fingerprints once for everything inside (one
    view: a region's rows, totals, trend and thresholds each look their caches up)."""
    if _PINNED.get() is not None:
        yield
        return
    token = _PINNED.set({})
    try:
        yield
    finally:
        _PINNED.reset(token)


def _memo(what: str, store: Any, read) -> Any:
    memo = _PINNED.get()
    if memo is None:
        return read(store)
    key = (what, id(store))
    if key not in memo:
        memo[key] = read(store)
    return memo[key]


def registry_fingerprint(store: Any) -> tuple | None:
    """Registry.fingerprint (any import, edit, deadline, configuration or rematch changes it), read
    once per view; None without registry tables."""
    return _memo("registry", store, _registry_fingerprint)


def data_version(store: Any) -> tuple:
    """Store.data_version (reports and findings), read once per view (`pinned`)."""
    return _memo("data", store, lambda s: s.data_version())


def _registry_fingerprint(store: Any) -> tuple | None:
    from ..store.registry import Registry

    try:
        return Registry(store).fingerprint()
    except Exception:               # noqa: BLE001 — a store without the registry's migration
        return None


def _agency_fingerprint(store: Any) -> tuple:
    """What tells a change of the agency table: Store.data_version where there is one — agencies are
    created and updated (names, a fuller region) only by Store.save_report, with the new report row
    that changes it; already read by every view (`pinned`), where the table's own count and highest
    id cost another ~1.5 ms query a view (and missed a region learned in place)."""
    if hasattr(store, "data_version"):
        return ("data", *data_version(store))
    return _memo("agency", store, _read_agency_fingerprint)


def _read_agency_fingerprint(store: Any) -> tuple:
    from ..store.models import Agency

    with store._read() as s:
        return tuple(s.execute(select(func.count(Agency.id), func.max(Agency.id))).one())


def text_condition(text: str):
    """The store's own rule: the agency's region string contains it or its name starts with it."""
    from ..store.models import Agency

    return or_(Agency.region.contains(text), Agency.name.startswith(text))


class _Maps:
    """The registry's facts every scope needs, read once per registry change."""

    def __init__(self, reg):
        regions = {r.id: r for r in reg.regions()}
        entries = reg.entries()
        self.regions = regions
        self.entries = entries
        self.region_of = {e.agency_id: regions[e.region_id].full_name for e in entries
                          if e.agency_id is not None and e.region_id in regions}
        self.matched = frozenset(e.agency_id for e in entries if e.agency_id is not None)
        self.area = frozenset(e.agency_id for e in entries if e.agency_id is not None and e.covers == "area")
        self.covers_known = frozenset(e.agency_id for e in entries if e.agency_id is not None and e.covers)
        self.kind_of = {e.agency_id: e.kind for e in entries if e.agency_id is not None}
        # the tree's children and each region's matched agencies, for a new region's scope without
        # walking every region and entry again (a province: ~1,650 regions, ~5,000 entries)
        self.children: dict[int, list[int]] = {}
        for r in regions.values():
            if r.parent_id is not None:
                self.children.setdefault(r.parent_id, []).append(r.id)
        self.agencies_in: dict[int, set[int]] = {}
        for e in entries:
            if e.agency_id is not None:
                self.agencies_in.setdefault(e.region_id, set()).add(e.agency_id)


def _maps(lib: Any, fp: tuple | None) -> _Maps | None:
    reg = registry_of(lib)
    if reg is None or fp is None:
        return None
    key = (getattr(store_of(lib), "url", None), fp)
    got = _MAPS.get(key)
    if got is None:
        try:
            got = (_Maps(reg) if not reg.is_empty() else None,)
        except Exception:           # noqa: BLE001 — no registry tables yet: the store's own regions
            got = (None,)
        _MAPS.put(key, got)
    return got[0]


def resolve(lib: Any, region: int | str | None) -> RegionScope:
    """The scope of `region` (registry id, name or full name, or a store region string); cached
    while the registry and the agency table are unchanged (module docstring)."""
    store = store_of(lib)
    fp = registry_fingerprint(store) if hasattr(store, "_read") else None
    key = (getattr(store, "url", None), str(region).strip() if region is not None else None, fp,
           _agency_fingerprint(store) if region not in (None, "") else None)
    got = _SCOPES.get(key)
    if got is None:
        got = _resolve(lib, region, fp)
        _SCOPES.put(key, got)
    return got


def _resolve(lib: Any, region: int | str | None, fp: tuple | None) -> RegionScope:
    from ..store.models import Agency

    maps = _maps(lib, fp)
    base = dict(registry=maps is not None, region_of=maps.region_of if maps else {},
                kind_of=maps.kind_of if maps else {},
                area_agencies=maps.area if maps else frozenset(), covers_known=maps.covers_known if maps else frozenset())
    text = "".join(str(region).split()) if region is not None else ""
    if not text:
        return RegionScope(None, None, **base)
    if maps is not None:
        found = registry_of(lib).find_regions(text)
        if len(found) > 1:
            names = "、".join(r.full_name for r in found[:5])
            return RegionScope(text, text, known=False, message=f"地区「{text}」不唯一：{names}；请写全称或编号", **base)
        if found:
            node = found[0]
            sub = _subtree(maps, node.id)
            ids = frozenset(a for rid in sub for a in maps.agencies_in.get(rid, ()))
            base["area_agencies"] = frozenset(a for a in maps.area if a in ids)
            agency_ids = registry_agency_ids(node.id, node.name)
            return RegionScope(text, node.full_name or node.name, node, Agency.id.in_(agency_ids),
                               agency_ids=agency_ids, **base)
    cond = text_condition(text)
    with store_of(lib)._read() as s:
        known = s.execute(select(Agency.id).where(cond).limit(1)).first() is not None
    if not known:
        return RegionScope(text, text, condition=false(), known=False, message=f"地区「{text}」不在名录中，库中也没有该地区机关的报告", **base)
    return RegionScope(text, text, None, cond, agency_ids=_text_agency_ids(text), **base)


def registry_agency_ids(region_id: int, name: str):
    """registry_agency_ids_template's statement for this region: built once, its two values bound
    per region (building the aliased statement cost ~1.5 ms of CPU on every first view of a city;
    binding costs microseconds and gives SQLAlchemy's compiled cache the same key)."""
    return _agency_ids_template().params(scope_region_id=region_id, scope_region_name=name)


@functools.cache
def _agency_ids_template():
    from sqlalchemy import bindparam

    return _registry_agency_ids(bindparam("scope_region_id"), bindparam("scope_region_name"))


def _registry_agency_ids(region_id, name):
    """SELECT of agency ids: the agencies a registry entry of the region's subtree matched, plus
    those no entry matched whose region string or name names it (an agency the registry places
    elsewhere is not this region's by its text). Its own aliases: it correlates with nothing.

    Why SQL of constant size (the subtree a recursive CTE, "matched elsewhere" a NOT EXISTS), not
    id lists: a city's scope excluded the ~5,000 agencies registered elsewhere by a NOT IN list,
    whose per-query compilation and evaluation cost more than the rest of a regional view. This
    statement's shape does not depend on the region, so SQLAlchemy compiles it once; a query that
    filters `Report.agency_id IN (this)` reads only the region's reports (SQLite: ix_report_list),
    where a condition on the outer-joined agency walks every current report of the year."""
    from sqlalchemy.orm import aliased

    from ..store.models import Agency
    from ..store.registry_models import EntryRow, RegionRow

    child, entry, other, unmatched = aliased(RegionRow), aliased(EntryRow), aliased(EntryRow), aliased(Agency)
    sub = select(RegionRow.id).where(RegionRow.id == region_id).cte("scope_subtree", recursive=True)
    sub = sub.union_all(select(child.id).where(child.parent_id == sub.c.id))
    registered = select(entry.agency_id).where(entry.region_id.in_(select(sub.c.id)), entry.agency_id.is_not(None))
    by_text = (select(unmatched.id)
               .where(or_(unmatched.region.contains(name), unmatched.name.startswith(name)),
                      ~select(other.id).where(other.agency_id == unmatched.id).exists()))
    return union(registered, by_text)


def _text_agency_ids(text: str):
    """SELECT of the ids of the agencies `text_condition` names (own alias: correlates with nothing)."""
    from sqlalchemy.orm import aliased

    from ..store.models import Agency

    a = aliased(Agency)
    return select(a.id).where(or_(a.region.contains(text), a.name.startswith(text)))


_ID_SETS = LRU(size=256, ttl=30.0)


def agency_id_set(lib: Any, region: int | str | None) -> frozenset[int] | None:
    """The scope's agency ids as a set (None: every report; RegionNotFound when unknown), read by
    one query on its `agency_ids` and kept on the same terms as the scope: a region's view can then
    be a filter of computations shared by every region (oversight.indicators), not its own query."""
    sc = resolve(lib, region).require()
    if sc.agency_ids is None:
        return None
    store = store_of(lib)
    key = (getattr(store, "url", None), str(region).strip(), registry_fingerprint(store), _agency_fingerprint(store))
    got = _ID_SETS.get(key)
    if got is None:
        with store._read() as s:
            got = frozenset(a for (a,) in s.execute(sc.agency_ids) if a is not None)
        _ID_SETS.put(key, got)
    return got


def _subtree(maps: _Maps, region_id: int) -> set[int]:
    kids = maps.children
    out, stack = set(), [region_id]
    while stack:
        rid = stack.pop()
        if rid not in out:
            out.add(rid)
            stack.extend(kids.get(rid, ()))
    return out


def scoped(lib: Any, filters: dict[str, Any]) -> dict[str, Any]:
    """Store filters with `region` replaced by the scope's SQL condition (`where`); RegionNotFound
    when the region is unknown. Filters without a region pass unchanged."""
    region = filters.get("region")
    if region in (None, ""):
        return {k: v for k, v in filters.items() if k != "region"}
    sc = resolve(lib, region).require()
    return {k: v for k, v in filters.items() if k != "region"} | {"where": sc.condition}


def group_labels(lib: Any) -> dict[int, str] | None:
    """agency id → the registry's full region name, for grouping by region (None: no registry)."""
    sc = resolve(lib, None)
    return dict(sc.region_of) if sc.registry else None


_CHOICES = LRU(size=16, ttl=30.0)


def region_choices(lib: Any) -> list[str]:
    """What a region filter offers: the registry's full names when one is imported (every one of
    them resolves to its subtree), then the store's agency region strings no registry region
    answers to (agencies outside the registry); without a registry the store's strings. Kept
    while the registry and the agency table are unchanged: every regional page shows the filter,
    and asking the registry about each of a province's ~50 region strings cost ~20 ms a page."""
    store = store_of(lib)
    if not hasattr(store, "_read"):
        return _region_choices(lib)
    key = (getattr(store, "url", None), registry_fingerprint(store), _agency_fingerprint(store))
    got = _CHOICES.get(key)
    if got is None:
        got = tuple(_region_choices(lib))
        _CHOICES.put(key, got)
    return list(got)


def _region_choices(lib: Any) -> list[str]:
    reg = registry_of(lib)
    stored = store_of(lib).regions()
    try:
        if reg is not None and not reg.is_empty():
            out = [r.full_name for r in reg.regions()]
            return out + [g for g in stored if not reg.find_regions(g)]
    except Exception:               # noqa: BLE001 — no registry tables yet
        pass
    return stored
