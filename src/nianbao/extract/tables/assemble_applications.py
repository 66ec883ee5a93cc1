"""Table 三: each row's seven values (six applicant columns and 总计).

Where a row's count leaves the columns open, the grid's own columns decide (those of its complete
rows, else those its header names), then the row's total (T301: 总计 = the six columns); a row
still open takes the reading that keeps the table's column sums (T302 （七）总计 = the outcome
rows, T303 一 + 二 = 三 + 四), if one keeps more of them than any other. A row nothing decides is
null and named in extraction.unread."""
from __future__ import annotations

from collections import Counter
from itertools import product

from ...form import Form, TableForm
from .match import match_norm
from .place import grid_leads, place, values
from .result import TableResult
from .rows import RowRead
from .tokens import L, Token, V
from .unread import record


def row_total(vals: list) -> bool | None:
    """T301 on one reading: True adds up, False does not, None cannot tell (总计 blank, all zero, or
    a blank part that would have to be nonzero: a blank is no 0, so it never rules a reading out)."""
    total, parts = vals[-1], vals[:-1]
    if total is None:
        return None
    adds_up = abs(sum(v or 0 for v in parts) - total) < 1e-9
    if any(v is None for v in parts):
        return True if adds_up and total else None
    if not adds_up:
        return False
    return True if total else None


row_total.row_total = True          # place() may cut a glued row by this sum directly


def header_columns(tokens: list[Token], table: TableForm) -> dict[int, list[int]]:
    """Per grid, the grid column under each applicant column's header ("自然人" … "总计"), when the
    header names all seven, left to right."""
    want = {match_norm(c.label): i for i, c in enumerate(table.columns)}
    found: dict[int, dict[int, int]] = {}
    for t in tokens:
        if t.grid >= 0 and t.kind == L and t.norm in want and t.text.strip() == t.norm:
            found.setdefault(t.grid, {}).setdefault(want[t.norm], t.col)
    out = {}
    for g, cols in found.items():
        pos = [cols.get(i) for i in range(len(table.columns))]
        if None not in pos and all(b > a for a, b in zip(pos, pos[1:])):
            out[g] = pos
    return out


def grid_columns(rows: list[RowRead], n: int) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Per grid, the columns its complete rows (n values, no blank) print their values in, when most
    of them agree; and those where all agree (a full grid: every row with all its label slots)."""
    seen: dict[int, Counter] = {}
    for r in rows:
        vs = [t for t in r.values if t.kind == V]
        if len(vs) == n and all(t.grid >= 0 for t in vs) and len({t.grid for t in vs}) == 1:
            seen.setdefault(vs[0].grid, Counter())[tuple(t.col for t in vs)] += 1
    most, all_ = {}, {}
    for g, c in seen.items():
        cols, k = c.most_common(1)[0]
        if k * 2 > sum(c.values()) and all(b == a + 1 for a, b in zip(cols, cols[1:])):
            most[g] = list(cols)
            if k == sum(c.values()):
                all_[g] = most[g]
    return most, all_


MAX_JOINT = 20_000


def _holds(checks, v: dict) -> bool:
    return all(any(v.get(p) is None for p in i.paths)
               or abs(sum(v[p] for p in i.lhs) - sum(v[p] for p in i.rhs)) < 1e-9 for i in checks)


def _components(open_rows: list[tuple[RowRead, list]], ids) -> list[list[int]]:
    """Open rows linked by a column sum that reaches both (T303 links 上年结转 to nothing open in the
    outcome rows, T302 links the outcome rows): each group is solved on its own."""
    paths = [set(r.target.row.paths()) for r, _ in open_rows]
    parent = list(range(len(open_rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    for ident in ids:
        hit = [k for k, ps in enumerate(paths) if not ps.isdisjoint(ident.paths)]
        for k in hit[1:]:
            parent[find(k)] = find(hit[0])
    groups: dict[int, list[int]] = {}
    for k in range(len(open_rows)):
        groups.setdefault(find(k), []).append(k)
    return list(groups.values())


def _survivors(group: list[tuple[RowRead, list]], base: dict, ids) -> list[list[int]]:
    """Per row of the group, the readings some combination keeping every column sum uses. Too many
    combinations to try: each row on its own, the group's other rows unknown (a sum with an unknown
    cell says nothing, so no reading that could be right is ruled out)."""
    paths = [r.target.row.paths() for r, _ in group]
    touched = {p for ps in paths for p in ps}
    checks = [i for i in ids if not touched.isdisjoint(i.paths)]
    combos = 1
    for _, alts in group:
        combos *= len(alts)
    if combos <= MAX_JOINT:
        used: list[set[int]] = [set() for _ in group]
        for choice in product(*[range(len(a)) for _, a in group]):
            v = dict(base)
            for (_, alts), ps, c in zip(group, paths, choice):
                v.update(zip(ps, values(alts[c])))
            if _holds(checks, v):
                for k, c in enumerate(choice):
                    used[k].add(c)
        return [sorted(u) for u in used]
    unknown = dict(base)
    unknown.update((p, None) for p in touched)
    out = []
    for (_, alts), ps in zip(group, paths):
        keep = []
        for c, alt in enumerate(alts):
            v = dict(unknown)
            v.update(zip(ps, values(alt)))
            if _holds(checks, v):
                keep.append(c)
        out.append(keep)
    return out


def _balance(table: TableForm, res: TableResult, open_rows: list[tuple[RowRead, list]]) -> None:
    """Rows left open (several readings the row's own total allows): the readings that keep every
    column sum the form states (T302, T303; a sum with a blank cell says nothing), tried together for
    the rows a sum links. A row all surviving readings read alike is read so; of an unread row, the
    cells they agree on are read and the others stay unread; a row placed by the grid's columns keeps
    its reading otherwise."""
    ids = [i for i in table.identities if i.rule in ("T302", "T303")]
    if not open_rows:
        return
    base = {p: v for p, (v, _) in res.cells.items()}
    for members in _components(open_rows, ids):
        group = [open_rows[k] for k in members]
        for (r, alts), keep in zip(group, _survivors(group, base, ids)):
            if keep:
                _apply(res, r, [alts[c] for c in keep])


def _apply(res: TableResult, r: RowRead, kept: list) -> None:
    row = r.target.row
    name = f"{row.path_prefix}.{row.key}"
    picked = {tuple(values(a)) for a in kept}
    if len(picked) != 1:
        # an unread row: the cells every surviving reading agrees on are read; the others stay
        # null and named (a row placed by its grid's columns keeps its reading)
        unread = [u for u in res.unread if u.row == name]
        if not unread:
            return
        agreed = [len({values(a)[i] for a in kept}) == 1 for i in range(len(row.columns))]
        for col, tok, ok in zip(row.columns, kept[0], agreed):
            if ok and row.path(col.key) in unread[0].cells:
                value = tok.value if tok is not None and tok.kind == V else None
                res.cells[row.path(col.key)] = (value, tok.loc if tok is not None else None)
        for u in unread:
            u.cells = [p for p, ok in zip(row.paths(), agreed) if not ok and p in u.cells]
        res.unread = [u for u in res.unread if u.row != name or u.cells]
        return
    for col, tok in zip(row.columns, kept[0]):
        value = tok.value if tok is not None and tok.kind == V else None
        res.cells[row.path(col.key)] = (value, tok.loc if tok is not None else None)
    res.unread = [u for u in res.unread if u.row != name]


def assemble_applications(rows: list[RowRead], form: Form, res: TableResult,
                          tokens: list[Token] | None = None) -> None:
    if not rows:
        return
    table = rows[0].target.table
    n = len(table.columns)
    learned, full = grid_columns(rows, n)         # a full grid's own columns: trusted over the column sums
    cols = {**(header_columns(tokens, table) if tokens else {}), **learned}
    leads = grid_leads([r.values for r in rows], n)
    open_rows = []
    last_cols = None              # a table split over grids (a page break) keeps its columns
    for r in rows:
        row = r.target.row
        grids = {t.grid for t in r.values if t.kind == V}
        here = cols.get(next(iter(grids))) if len(grids) == 1 else None
        last_cols = here or last_cols
        alts: list = []
        use = here or (last_cols if len(grids) == 1 else None)
        lead = leads.get(next(iter(grids))) if len(grids) == 1 else None
        slots, why = place(r.values, n, row_total, use, alts, lead=lead)
        if use is not None and use in full.values() and not why:
            alts = []
        record(res, row, slots, why, r)
        for col, tok in zip(row.columns, slots):
            value = tok.value if tok is not None and tok.kind == V else None
            res.set(row.path(col.key), value, tok.loc if tok is not None else None)
        if alts:
            open_rows.append((r, alts))
    _balance(table, res, open_rows)
