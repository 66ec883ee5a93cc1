"""The registry's persistence: the region tree and the agencies expected to publish in each
(tables in registry_models.py; reading and validating files, and name matching, in
oversight/registry.py). `Library.registry` is one bound to the library's store.

    reg = Registry(store)
    reg.import_rows(parse_registry("名录.xlsx"), user="张三")   # idempotent: re-import updates
    city = reg.region("中卫市")                                  # id, name, full name
    reg.expected(city.id, recursive=True)                       # every entry under the city
    reg.set_deadline(city.id, "department", "01-28", user="张三")
    reg.entry_for_agency(12)                                    # the entry a store agency matched

The tree is small (thousands of nodes at most): reads load it whole and walk it in memory.
"""
from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import InputError
from ..oversight.registry import RegistryImportError
from .models import Agency
from .registry_models import EntryRow, RegionRow, RegistryVersion

_VERSION = select(RegistryVersion.n)      # one row, raised by triggers (migration 0008)

_UNSET: Any = object()


def _kind_error(kind: str) -> str:
    """「类型「怪类」无效（可用：政府（government）、…）」: the Chinese names first, the codes in parentheses."""
    from ..oversight.registry import KIND_NAMES, KINDS

    return f"类型「{kind}」无效（可用：{'、'.join(f'{KIND_NAMES[k]}（{k}）' for k in KINDS)}）"


class RegistryError(InputError):
    """A registry operation that cannot be done: `kind` "notfound", "ambiguous", "invalid"."""

    def __init__(self, message: str, kind: str = "invalid"):
        super().__init__(message)
        self.kind = kind


def _line_of(message: str) -> int:
    m = re.match(r"第 (\d+) 行", message)
    return int(m.group(1)) if m else 0


class RegistryRowsError(RegistryImportError, RegistryError):
    """Rows of an import that contradict the registry (unknown parent, a region put twice): every
    one, a Chinese line each, like the file's own errors (both a RegistryImportError and a
    RegistryError, so callers catching either see the whole list)."""

    def __init__(self, errors: list[str]):
        RegistryImportError.__init__(self, errors)
        self.kind = "invalid"


@dataclass(frozen=True, slots=True)
class Region:
    id: int
    name: str
    full_name: str
    level: str                      # province / city / county / township
    parent_id: int | None
    deadlines: dict[str, str] = field(default_factory=dict)   # {kind: "MM-DD"} set on this node
    config: str | None = None       # jurisdiction YAML set on this node

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"has_config": self.config is not None}


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    region_id: int
    name: str                       # as the registry writes it
    kind: str                       # government / department / township / zone
    covers: str | None              # area / office / None (unknown)
    agency_id: int | None           # the store agency it matched, None until one is found
    deadline: str | None = None     # "MM-DD" for this agency alone

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportResult:
    rows: int = 0
    regions_created: int = 0
    entries_created: int = 0
    entries_updated: int = 0
    entries_unchanged: int = 0
    entries_removed: int = 0
    matched: int = 0                # entries of the file matched to a store agency
    unmatched: int = 0
    reaudited: int = 0              # reports the regional pass re-ran afterwards (Library.import_registry)
    changed: int = 0                # … of them whose D004/X005/R001/R002 findings changed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _now() -> datetime:
    return datetime.now(UTC)


def _region(r: RegionRow) -> Region:
    return Region(r.id, r.name, r.full_name, r.level, r.parent_id, dict(r.deadlines or {}), r.config)


def _entry(e: EntryRow) -> Entry:
    return Entry(e.id, e.region_id, e.name, e.kind, e.covers, e.agency_id, e.deadline)


def _next_level(level: str | None) -> str:
    from ..oversight.registry import LEVELS

    if level is None:
        return LEVELS[0]
    i = LEVELS.index(level) if level in LEVELS else len(LEVELS) - 1
    return LEVELS[min(i + 1, len(LEVELS) - 1)]


# ------------------------------------------------------------ the trail of the registry's changes
# Every change is recorded in the review trail (review_event, append-only) in its own transaction:
# who, when, what (the action, the region and agency in `comment`), before → after in Chinese.
TRAIL_LISTED = 100          # an import lists at most this many changed entries on each side


def _md_text(md: str | None, unset: str = "未设") -> str:
    if not md:
        return unset
    m, d = md.split("-")
    return f"次年{int(m)}月{int(d)}日"


def _entry_facts(kind: str, covers: str | None, deadline: str | None) -> dict[str, str]:
    from ..oversight.registry import COVERS_NAMES, KIND_NAMES

    return {"类型": KIND_NAMES.get(kind, kind), "报告范围": COVERS_NAMES.get(covers or "", "未注明"),
            "期限": _md_text(deadline, "按地区规定")}


def _entry_text(kind: str, covers: str | None, deadline: str | None) -> str:
    return "，".join(f"{k}{v}" if k != "类型" else v for k, v in _entry_facts(kind, covers, deadline).items())


def _chain_ids(s: Session, region_id: int | None) -> list[int]:
    """The ids from the root down to `region_id` (read in the change's transaction)."""
    out: list[int] = []
    while region_id is not None and len(out) < 50:
        out.append(region_id)
        region_id = s.scalar(select(RegionRow.parent_id).where(RegionRow.id == region_id))
    return out[::-1]


def _trail(s: Session, action: str, user: str | None, region_ids: Iterable[int], *, region_id: int | None = None,
           agency_id: int | None = None, before: dict | None = None, after: dict | None = None,
           comment: str | None = None) -> None:
    from .review import Review

    hidden = {"_region_ids": sorted(set(region_ids)), "_region_id": region_id}
    Review._event(s, action, user, agency_id=agency_id, before=before or None, after={**(after or {}), **hidden},
                  comment=comment)


def _capped(d: dict[str, str], more: int) -> dict[str, str]:
    return d | ({"…": f"另有 {more} 项"} if more else {})


class _Tree:
    """The region tree as read once: nodes in full-name order, by id, children by parent (sorted
    by name), and the lookups `find_regions` makes. Immutable once built; shared by requests."""

    __slots__ = ("regions", "by_id", "kids", "by_full", "by_name")

    def __init__(self, regions: list[Region]):
        self.regions = regions
        self.by_id = {r.id: r for r in regions}
        kids: dict[int | None, list[Region]] = {}
        by_full: dict[str, list[Region]] = {}
        by_name: dict[str, list[Region]] = {}
        for r in regions:
            kids.setdefault(r.parent_id, []).append(r)
            by_full.setdefault(r.full_name, []).append(r)
            by_name.setdefault(r.name, []).append(r)
        self.kids = {k: sorted(v, key=lambda c: c.name) for k, v in kids.items()}
        self.by_full, self.by_name = by_full, by_name


# store → (fingerprint, tree). The fingerprint (count, last id, last change of the region table) is
# read on every use, so an edit made by another process (the CLI beside the web server) is seen at
# once; the Registry's own writes also drop the entry (two edits within one clock tick).
_TREES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_TREES_LOCK = threading.Lock()
_REGION_COLS = (RegionRow.id, RegionRow.name, RegionRow.full_name, RegionRow.level, RegionRow.parent_id,
                RegionRow.deadlines, RegionRow.config)
_ENTRY_COLS = (EntryRow.id, EntryRow.region_id, EntryRow.name, EntryRow.kind, EntryRow.covers, EntryRow.agency_id,
               EntryRow.deadline)


class Registry:
    """Regions and expected agencies in the store (see the module docstring)."""

    def __init__(self, store, on_change=None):
        self.store = store
        # called as on_change(region_id or None for all, user) after a committed change: the façade
        # re-runs the rules the registry decides (deadlines, siblings, roll-ups); the store never audits
        self.on_change = on_change

    def _notify(self, region_id: int | None, user: str | None) -> None:
        if self.on_change is not None:
            self.on_change(region_id, user)

    # ------------------------------------------------------------ reading
    def _tree(self) -> _Tree:
        """The region tree, read whole in one plain query and kept while the registry is unchanged
        (a province has ~1,650 nodes: building them costs ~40 ms; the check reads one row)."""
        fp = self.fingerprint()
        with _TREES_LOCK:
            got = _TREES.get(self.store)
        if got is not None and got[0] == fp:
            return got[1]
        with self._conn() as s:
            rows = s.execute(select(*_REGION_COLS).order_by(RegionRow.full_name)).all()
        tree = _Tree([Region(i, n, f, lv, p, dict(d or {}), c) for i, n, f, lv, p, d, c in rows])
        with _TREES_LOCK:
            _TREES[self.store] = (fp, tree)
        return tree

    def _conn(self):
        """A plain connection for the plain-row reads (no ORM session to set up per lookup)."""
        core = getattr(self.store, "_core", None)
        return core() if core is not None else self.store._read()

    def _changed(self) -> None:
        """Forget the cached tree of this store (called after every write to the region table)."""
        with _TREES_LOCK:
            _TREES.pop(self.store, None)

    def fingerprint(self) -> tuple:
        """The registry's version, which triggers raise on every write to its tables (migration
        0008_registry_version): any import, edit, deadline, configuration or match changes it,
        whichever process or program made it."""
        hot = getattr(self.store, "_hot", None)
        if hot is not None:             # every regional view and report page asks: the cheap path
            return hot(_VERSION).one()
        with self._conn() as s:
            return (s.scalar(_VERSION),)

    def regions(self) -> list[Region]:
        return list(self._tree().regions)

    def is_empty(self) -> bool:
        with self._conn() as s:
            return not s.scalar(select(RegionRow.id).limit(1))

    def find_regions(self, ref: int | str) -> list[Region]:
        """Every region `ref` may name: an id, a full name, a name, or the end of a full name
        ("中卫市沙坡头区" for "宁夏回族自治区中卫市沙坡头区")."""
        tree = self._tree()
        if isinstance(ref, int) or str(ref).strip().isdigit():
            r = tree.by_id.get(int(ref))
            return [r] if r is not None else []
        text = "".join(str(ref).split())
        found = tree.by_full.get(text) or tree.by_name.get(text)
        if found:
            return list(found)
        return [r for r in tree.regions if r.full_name.endswith(text)]

    def region(self, ref: int | str) -> Region | None:
        """The region `ref` names (id, name, full name), or None when none or several do."""
        found = self.find_regions(ref)
        return found[0] if len(found) == 1 else None

    def resolve(self, ref: int | str) -> Region:
        """Like `region`, but a RegistryError (Chinese, naming the candidates) instead of None."""
        found = self.find_regions(ref)
        if not found:
            raise RegistryError(f"区域「{ref}」不在名录中", "notfound")
        if len(found) > 1:
            raise RegistryError(f"区域「{ref}」不唯一：{'、'.join(r.full_name for r in found[:5])}；请写全称或编号",
                                "ambiguous")
        return found[0]

    def children(self, region_id: int) -> list[Region]:
        """Children in full-name order (as `regions()` lists them)."""
        return sorted(self._tree().kids.get(region_id, []), key=lambda r: r.full_name)

    def subtree(self, region_id: int) -> list[Region]:
        """The node and every descendant (depth first, children by name)."""
        tree = self._tree()
        top = tree.by_id.get(region_id)
        out: list[Region] = []
        stack = [top] if top else []
        while stack:
            r = stack.pop()
            out.append(r)
            stack.extend(reversed(tree.kids.get(r.id, [])))
        return out

    def ancestors(self, region_id: int) -> list[Region]:
        """The chain from the root down to the node (the node last)."""
        by_id = self._tree().by_id
        chain: list[Region] = []
        r = by_id.get(region_id)
        while r is not None and len(chain) < 50:
            chain.append(r)
            r = by_id.get(r.parent_id) if r.parent_id is not None else None
        return chain[::-1]

    def expected(self, region_id: int, *, recursive: bool = False) -> list[Entry]:
        ids = [r.id for r in self.subtree(region_id)] if recursive else [region_id]
        with self._conn() as s:      # plain rows: a province's thousands of entries without ORM objects
            rows = s.execute(select(*_ENTRY_COLS).where(EntryRow.region_id.in_(ids)).order_by(EntryRow.region_id,
                                                                                      EntryRow.id))
            return [Entry(*r) for r in rows]

    def entry_counts(self) -> dict[int, tuple[int, int]]:
        """{region id: (entries, of them matched to a store agency)}, counted by the database."""
        q = select(EntryRow.region_id, func.count(EntryRow.id), func.count(EntryRow.agency_id)) \
            .group_by(EntryRow.region_id)
        with self._conn() as s:
            return {rid: (n, m) for rid, n, m in s.execute(q)}

    def agency_names(self, agency_ids: Iterable[int]) -> dict[int, str]:
        """{agency id: region + name} of these store agencies (the entries' matches, as shown)."""
        ids = sorted(set(agency_ids))
        out: dict[int, str] = {}
        with self._conn() as s:
            for k in range(0, len(ids), 500):
                for aid, region, name in s.execute(select(Agency.id, Agency.region, Agency.name)
                                                   .where(Agency.id.in_(ids[k:k + 500]))):
                    out[aid] = (region or "") + name
        return out

    def entry(self, entry_id: int) -> Entry | None:
        with self.store._read() as s:
            e = s.get(EntryRow, entry_id)
            return _entry(e) if e else None

    def entries(self) -> list[Entry]:
        with self._conn() as s:      # plain rows: thousands of entries without ORM objects
            return [Entry(*r) for r in s.execute(select(*_ENTRY_COLS).order_by(EntryRow.id))]

    def entry_for_agency(self, agency_id: int) -> Entry | None:
        with self.store._read() as s:
            e = s.scalars(select(EntryRow).where(EntryRow.agency_id == agency_id).order_by(EntryRow.id)).first()
            return _entry(e) if e else None

    def config_chain(self, region_id: int) -> list[tuple[Region, str]]:
        """(region, YAML) of the nodes from the root down to `region_id` that set a configuration."""
        return [(r, r.config) for r in self.ancestors(region_id) if r.config]

    # ------------------------------------------------------------ import
    def import_rows(self, rows: Iterable[Any], *, user: str | None = None, replace: bool = False,
                    source: str | None = None) -> ImportResult:
        """Validated rows (oversight.registry.RegistryRow, or dicts with the file's column names) →
        regions and entries, in one transaction. Re-importing updates (kind, covers, deadline) and
        never duplicates; `replace` also removes the entries of the file's regions that it no
        longer lists. Entries are matched to store agencies afterwards. An import that changed
        something is one event of the trail (`source`: the file's name)."""
        from ..oversight.registry import RegistryRow, rows_from_mappings

        rows = list(rows)
        if rows and isinstance(rows[0], Mapping):
            rows = rows_from_mappings(rows)
        if not all(isinstance(r, RegistryRow) for r in rows):
            raise RegistryError("名录行应为 RegistryRow 或字典")
        res = ImportResult(rows=len(rows))
        now = _now()
        touched: set[int] = set()
        listed: dict[int, set[str]] = {}
        changed_regions: set[int] = set()
        was: dict[str, str] = {}        # entry (地区 机关) → as it was, for the trail
        now_is: dict[str, str] = {}     # … → as it is now (new regions too)
        with self.store._write() as s:
            nodes = {r.id: r for r in s.scalars(select(RegionRow))}
            by_parent = {(r.parent_id, r.name): r for r in nodes.values()}
            file_names: dict[str, RegionRow] = {}      # layout 2: regions named by earlier rows
            existing = {(e.region_id, e.name): e for e in s.scalars(select(EntryRow))}

            def node(parent: RegionRow | None, name: str, level: str | None) -> RegionRow:
                key = (parent.id if parent else None, name)
                r = by_parent.get(key)
                if r is None and parent is None:
                    # a file without the levels above: attach to the one region of that name and level
                    same = [n for n in nodes.values() if n.name == name and (level is None or n.level == level)]
                    if len(same) == 1:
                        r = same[0]
                if r is None:
                    r = RegionRow(parent_id=key[0], name=name, level=level or _next_level(parent.level if parent
                                                                                        else None),
                                  full_name=(parent.full_name if parent else "") + name, deadlines={},
                                  updated_by=user, updated_at=now)
                    s.add(r)
                    s.flush()
                    nodes[r.id] = r
                    by_parent[(r.parent_id, r.name)] = r
                    res.regions_created += 1
                    changed_regions.add(r.id)
                    now_is[r.full_name] = "新增地区"
                return r

            errors = self._conflicts(rows, nodes, by_parent)
            for row in rows:
                if row.path:
                    region: RegionRow | None = None
                    for level, name in row.path:
                        region = node(region, name, level)
                else:
                    parent = None
                    if row.parent:
                        parent = file_names.get(row.parent) or self._find_row(nodes, row.parent)
                        if parent is None:
                            errors.append(f"第 {row.line} 行：上级区域「{row.parent}」未找到（应在前面的行列出或已导入）")
                            continue
                    region = node(parent, row.region or "", row.level)
                    file_names.setdefault(row.region or "", region)
                assert region is not None
                if row.name is None:
                    continue
                listed.setdefault(region.id, set()).add(row.name)
                e = existing.get((region.id, row.name))
                values = {"kind": row.kind, "covers": row.covers, "deadline": row.deadline}
                label = f"{region.full_name} {row.name}"
                if e is None:
                    e = EntryRow(region_id=region.id, name=row.name, updated_by=user, updated_at=now, **values)
                    s.add(e)
                    s.flush()
                    existing[(region.id, row.name)] = e
                    res.entries_created += 1
                    changed_regions.add(region.id)
                    now_is[label] = _entry_text(e.kind, e.covers, e.deadline)
                elif any(getattr(e, k) != v for k, v in values.items()):
                    was.setdefault(label, _entry_text(e.kind, e.covers, e.deadline))
                    for k, v in values.items():
                        setattr(e, k, v)
                    e.updated_by, e.updated_at = user, now
                    res.entries_updated += 1
                    changed_regions.add(region.id)
                    now_is[label] = _entry_text(e.kind, e.covers, e.deadline)
                else:
                    res.entries_unchanged += 1
                touched.add(e.id)
            if errors:       # nothing is written: the transaction rolls back
                raise RegistryRowsError(sorted(set(errors), key=_line_of))
            if replace:
                for region_id, names in listed.items():
                    doomed = s.scalars(select(EntryRow).where(EntryRow.region_id == region_id,
                                                              EntryRow.name.not_in(names))).all()
                    for e in doomed:
                        was[f"{nodes[region_id].full_name} {e.name}"] = _entry_text(e.kind, e.covers, e.deadline)
                    gone = s.execute(delete(EntryRow).where(EntryRow.region_id == region_id,
                                                            EntryRow.name.not_in(names)))
                    res.entries_removed += gone.rowcount or 0
                    if doomed:
                        changed_regions.add(region_id)
            self._rematch(s, touched)
            matched = s.scalar(select(func.count(EntryRow.id)).where(EntryRow.id.in_(touched),
                                                                     EntryRow.agency_id.is_not(None))) or 0
            if changed_regions:
                self._trail_import(s, res, user, source, nodes, changed_regions, was, now_is)
        self._changed()
        res.matched, res.unmatched = matched, len(touched) - matched
        return res

    @staticmethod
    def _trail_import(s: Session, res: ImportResult, user: str | None, source: str | None,
                      nodes: dict[int, RegionRow], changed: set[int], was: dict[str, str],
                      now_is: dict[str, str]) -> None:
        """One event for an import that changed the registry: the counts, and the entries (and new
        regions) it changed, before → after (at most TRAIL_LISTED a side)."""
        ids: set[int] = set()
        for rid in changed:
            while rid is not None and rid not in ids:
                ids.add(rid)
                rid = nodes[rid].parent_id if rid in nodes else None
        before = dict(list(was.items())[:TRAIL_LISTED])
        after = dict(list(now_is.items())[:TRAIL_LISTED])
        counts = (f"新增地区 {res.regions_created} 个，新增机关 {res.entries_created} 个，"
                  f"更新 {res.entries_updated} 个，删除 {res.entries_removed} 个")
        _trail(s, "registry_import", user, ids, before=_capped(before, len(was) - len(before)),
               after=_capped(after, len(now_is) - len(after)),
               comment=(f"{source}：" if source else "") + counts)

    @staticmethod
    def _conflicts(rows: list, nodes: dict[int, RegionRow], by_parent: dict) -> list[str]:
        """Rows (layout 1) that would put a region a second time under the same ancestors, one level
        skipped (see oversight.registry's docstring): a gap row whose region the registry already
        holds deeper, or a full row whose region the registry holds as a gap node."""
        from ..oversight.registry import gaps, missing_levels

        kids: dict[int | None, list[RegionRow]] = {}
        for r in nodes.values():
            kids.setdefault(r.parent_id, []).append(r)

        def deeper(top: RegionRow, name: str) -> RegionRow | None:
            stack = [k for k in kids.get(top.id, [])]
            while stack:
                r = stack.pop()
                if r.name == name and r.parent_id != top.id:
                    return r
                stack.extend(kids.get(r.id, []))
            return None

        out: list[str] = []
        for row in rows:
            if not row.path:
                continue
            chain: list[RegionRow | None] = []          # the existing nodes of the row's path, None once new
            parent: RegionRow | None = None
            for k, (level, name) in enumerate(row.path):
                node = by_parent.get((parent.id if parent else None, name)) if (k == 0 or parent) else None
                if node is None and k == 0:
                    same = [n for n in nodes.values() if n.name == name and n.level == level]
                    node = same[0] if len(same) == 1 else None
                chain.append(node)
                parent = node
            for i in gaps(row.path):
                top, name = chain[i], row.path[i + 1][1]
                hit = deeper(top, name) if top is not None and chain[i + 1] is None else None
                if hit is not None:
                    out.append(f"第 {row.line} 行：{name} 已在 {nodes[hit.parent_id].name} 下，本行缺少"
                               f"{missing_levels(row.path[i][0], row.path[i + 1][0])}")
            gap_set = set(gaps(row.path))
            for j in range(2, len(row.path)):
                if chain[j] is not None or j - 1 in gap_set:
                    continue
                name = row.path[j][1]
                for i in range(j - 1):
                    top = chain[i]
                    g = by_parent.get((top.id, name)) if top is not None else None
                    if g is not None:
                        out.append(f"第 {row.line} 行：名录中 {name} 直接在 {top.name} 下（缺少"
                                   f"{missing_levels(top.level, g.level) or '中间一级'}），本行又把它列在 "
                                   f"{row.path[j - 1][1]} 下；请先在名录中删除或改正那一个")
                        break
        return out

    @staticmethod
    def _where(s: Session, region_id: int, name: str) -> str:
        """「地区全称 机关」 of an entry, as the trail's comment names it."""
        return f"{s.scalar(select(RegionRow.full_name).where(RegionRow.id == region_id)) or ''} {name}".strip()

    def has_region(self, ref: str) -> bool:
        """Whether `ref` names exactly one region (as a 上级区域 of an import file is looked up)."""
        return self._find_row({r.id: r for r in self._tree().regions}, ref) is not None

    @staticmethod
    def _find_row(nodes: dict[int, RegionRow], ref: str) -> RegionRow | None:
        for test in (lambda r: r.full_name == ref, lambda r: r.name == ref, lambda r: r.full_name.endswith(ref)):
            found = [r for r in nodes.values() if test(r)]
            if found:
                return found[0] if len(found) == 1 else None
        return None

    # ------------------------------------------------------------ editing
    def add_region(self, name: str, *, parent_id: int | None = None, level: str | None = None,
                   user: str | None = None) -> Region:
        from ..oversight.registry import LEVELS

        name = "".join(name.split())
        if not name:
            raise RegistryError("区域名称不能为空")
        if level is not None and level not in LEVELS:
            raise RegistryError(f"层级「{level}」无效（可用：{'、'.join(LEVELS)}）")
        with self.store._write() as s:
            parent = s.get(RegionRow, parent_id) if parent_id is not None else None
            if parent_id is not None and parent is None:
                raise RegistryError(f"上级区域 {parent_id} 不存在", "notfound")
            if s.scalars(select(RegionRow).where(RegionRow.parent_id == parent_id, RegionRow.name == name)).first():
                raise RegistryError(f"区域「{name}」已存在")
            r = RegionRow(parent_id=parent_id, name=name, level=level or _next_level(parent.level if parent else None),
                          full_name=(parent.full_name if parent else "") + name, deadlines={}, updated_by=user,
                          updated_at=_now())
            s.add(r)
            s.flush()
            out = _region(r)
            from ..oversight.registry import LEVEL_NAMES

            _trail(s, "region_add", user, _chain_ids(s, r.id), region_id=r.id,
                   after={"层级": LEVEL_NAMES.get(r.level, r.level)}, comment=r.full_name)
        self._changed()
        return out

    def remove_region(self, region_id: int, *, user: str | None = None) -> bool:
        """The region, its sub-regions and their entries."""
        ids = [r.id for r in self.subtree(region_id)]
        if not ids:
            return False
        with self.store._write() as s:
            top = s.get(RegionRow, region_id)
            if top is not None:
                n = s.scalar(select(func.count(EntryRow.id)).where(EntryRow.region_id.in_(ids))) or 0
                _trail(s, "region_remove", user, _chain_ids(s, region_id), region_id=region_id,
                       before={"下级地区": f"{len(ids) - 1} 个", "机关": f"{n} 个"}, comment=top.full_name)
            s.execute(delete(EntryRow).where(EntryRow.region_id.in_(ids)))
            for rid in reversed(ids):           # children first (SQLite may not enforce the cascade)
                s.execute(delete(RegionRow).where(RegionRow.id == rid))
        self._changed()
        return True

    def _check_entry(self, kind: str | None, covers: str | None, deadline: str | None) -> str | None:
        from ..oversight.registry import COVERS, KINDS, parse_md

        if kind is not None and kind not in KINDS:
            raise RegistryError(_kind_error(kind))
        if covers is not None and covers not in COVERS:
            raise RegistryError(f"报告范围「{covers}」无效（可用：{'、'.join(COVERS)}，或留空）")
        if deadline:
            try:
                return parse_md(deadline)
            except ValueError as e:
                raise RegistryError(str(e)) from None
        return None

    def add_entry(self, region_id: int, name: str, kind: str, *, covers: str | None = None,
                  deadline: str | None = None, user: str | None = None) -> Entry:
        from ..agency import clean_name

        name = clean_name(name)
        if not name:
            raise RegistryError("机关名称不能为空")
        md = self._check_entry(kind, covers, deadline)
        with self.store._write() as s:
            if s.get(RegionRow, region_id) is None:
                raise RegistryError(f"区域 {region_id} 不存在", "notfound")
            if s.scalars(select(EntryRow).where(EntryRow.region_id == region_id, EntryRow.name == name)).first():
                raise RegistryError(f"该区域已有机关「{name}」")
            e = EntryRow(region_id=region_id, name=name, kind=kind, covers=covers, deadline=md, updated_by=user,
                         updated_at=_now())
            s.add(e)
            s.flush()
            self._rematch(s, {e.id})
            out = _entry(e)
            _trail(s, "entry_add", user, _chain_ids(s, region_id), region_id=region_id, agency_id=e.agency_id,
                   after=_entry_facts(e.kind, e.covers, e.deadline), comment=self._where(s, region_id, name))
        self._notify(region_id, user)
        return out

    def update_entry(self, entry_id: int, *, name: str = _UNSET, kind: str = _UNSET, covers: str | None = _UNSET,
                     deadline: str | None = _UNSET, user: str | None = None) -> Entry:
        from ..agency import clean_name

        self._check_entry(None if kind is _UNSET else kind, None if covers is _UNSET else covers,
                          None if deadline is _UNSET else deadline)
        with self.store._write() as s:
            e = s.get(EntryRow, entry_id)
            if e is None:
                raise RegistryError(f"名录条目 {entry_id} 不存在", "notfound")
            old_name, old_facts = e.name, _entry_facts(e.kind, e.covers, e.deadline)
            if name is not _UNSET:
                name = clean_name(name)
                if not name:
                    raise RegistryError("机关名称不能为空")
                if name != e.name and s.scalars(select(EntryRow).where(EntryRow.region_id == e.region_id,
                                                                       EntryRow.name == name)).first():
                    raise RegistryError(f"该区域已有机关「{name}」")
                e.name = name
            if kind is not _UNSET:
                e.kind = kind
            if covers is not _UNSET:
                e.covers = covers or None
            if deadline is not _UNSET:
                e.deadline = self._check_entry(None, None, deadline) if deadline else None
            e.updated_by, e.updated_at = user, _now()
            if name is not _UNSET:
                self._rematch(s, {e.id})
            out = _entry(e)
            before = ({"名称": old_name} if e.name != old_name else {}) | old_facts
            after = ({"名称": e.name} if e.name != old_name else {}) | _entry_facts(e.kind, e.covers, e.deadline)
            diff = [k for k in after if before.get(k) != after[k]]
            if diff:
                _trail(s, "entry_edit", user, _chain_ids(s, e.region_id), region_id=e.region_id,
                       agency_id=e.agency_id, before={k: before[k] for k in diff},
                       after={k: after[k] for k in diff}, comment=self._where(s, e.region_id, old_name))
        self._notify(out.region_id, user)
        return out

    def remove_entry(self, entry_id: int, *, user: str | None = None) -> bool:
        with self.store._write() as s:
            e = s.get(EntryRow, entry_id)
            region_id = e.region_id if e is not None else None
            if e is not None:
                _trail(s, "entry_remove", user, _chain_ids(s, e.region_id), region_id=e.region_id,
                       agency_id=e.agency_id, before=_entry_facts(e.kind, e.covers, e.deadline),
                       comment=self._where(s, e.region_id, e.name))
            gone = bool(s.execute(delete(EntryRow).where(EntryRow.id == entry_id)).rowcount)
        if gone:
            self._notify(region_id, user)
        return gone

    def set_deadline(self, region_id: int, kind: str, md: str | None, *, user: str | None = None) -> Region:
        """The deadline (MM-DD of the next year) this region sets for one kind; None removes it
        (the region then inherits its parent's)."""
        from ..oversight.registry import KINDS, parse_md

        if kind not in KINDS:
            raise RegistryError(_kind_error(kind))
        if md:
            try:
                md = parse_md(md)
            except ValueError as e:
                raise RegistryError(str(e)) from None
        with self.store._write() as s:
            r = s.get(RegionRow, region_id)
            if r is None:
                raise RegistryError(f"区域 {region_id} 不存在", "notfound")
            d = dict(r.deadlines or {})
            old_md = d.get(kind)
            if md:
                d[kind] = md
            else:
                d.pop(kind, None)
            r.deadlines, r.updated_by, r.updated_at = d, user, _now()
            out = _region(r)
            if old_md != d.get(kind):
                from ..oversight.registry import KIND_NAMES

                what = f"{KIND_NAMES[kind]}期限"
                _trail(s, "deadline", user, _chain_ids(s, region_id), region_id=region_id,
                       before={what: _md_text(old_md, "未设（沿用上级）")},
                       after={what: _md_text(d.get(kind), "未设（沿用上级）")}, comment=r.full_name)
        self._changed()
        self._notify(region_id, user)
        return out

    def set_config(self, region_id: int, text: str | None, *, user: str | None = None) -> Region:
        """Store a jurisdiction configuration (YAML text; validated by oversight/config.py) on a
        region; None or blank removes it."""
        if text and text.strip():
            from ..oversight.config import ConfigError, load_config

            try:
                load_config(text)
            except ConfigError as e:
                raise RegistryError(str(e)) from None
        else:
            text = None
        with self.store._write() as s:
            r = s.get(RegionRow, region_id)
            if r is None:
                raise RegistryError(f"区域 {region_id} 不存在", "notfound")
            old_text = r.config
            r.config, r.updated_by, r.updated_at = text, user, _now()
            out = _region(r)
            if old_text != text:
                _trail(s, "config", user, _chain_ids(s, region_id), region_id=region_id,
                       before={"辖区配置": old_text or "无（沿用上级或默认）"},
                       after={"辖区配置": text or "无（沿用上级或默认）"}, comment=r.full_name)
        self._changed()
        self._notify(region_id, user)
        return out

    # ------------------------------------------------------------ matching
    def rematch(self, *, all: bool = False) -> int:
        """Match entries to store agencies: those without one (after reports arrived), or every
        entry (`all`). Returns how many entries changed their agency."""
        q = select(EntryRow.id)
        if not all:
            q = q.where(EntryRow.agency_id.is_(None))
        with self.store._read() as s:         # no write lock taken when there is nothing to match
            if not s.scalar(select(func.count()).select_from(q.subquery())):
                return 0
        with self.store._write() as s:
            return self._rematch(s, set(s.scalars(q)), free_only=not all)

    def _rematch(self, s: Session, entry_ids: set[int], *, free_only: bool = False) -> int:
        """Match the entries `entry_ids`; `free_only`: among the agencies no other entry has taken (the
        unmatched entries after an upload: the index stays small however many agencies are stored)."""
        from ..oversight.registry import Matcher

        if not entry_ids:
            return 0
        q = select(Agency.id, Agency.name, Agency.region, Agency.names)
        if free_only:
            q = q.where(Agency.id.not_in(select(EntryRow.agency_id).where(EntryRow.agency_id.is_not(None))))
        matcher = Matcher.of((a.id, a.name, a.region, a.names or []) for a in s.execute(q))
        nodes = {r.id: r for r in s.scalars(select(RegionRow))}
        chains: dict[int, list[RegionRow]] = {}

        def chain(rid: int) -> list[RegionRow]:
            if rid not in chains:
                out, r = [], nodes.get(rid)
                while r is not None and len(out) < 50:
                    out.append(r)
                    r = nodes.get(r.parent_id) if r.parent_id is not None else None
                chains[rid] = out[::-1]
            return chains[rid]

        changed = 0
        for e in s.scalars(select(EntryRow).where(EntryRow.id.in_(entry_ids))).all():
            c = chain(e.region_id)
            aid = matcher.match(e.name, [r.name for r in c], c[0].level if c else None)
            if aid != e.agency_id:
                e.agency_id = aid
                changed += 1
        return changed
