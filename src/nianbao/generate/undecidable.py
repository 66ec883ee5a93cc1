"""Which cells a rendering leaves undecidable for any reader, by the form's arithmetic.

Some flattenings lose where a value belongs: digits run together ("规章1012": 1|0|12 or 10|1|2?),
or blank cells dropped and at most counted ("3 |" "5 |" "||": which of three cells is blank?).
The renderer records, for each such printed row, every reading the text allows (`Readings`);
a reading survives when it keeps every identity the form states (row totals, （七）总计,
一+二=三+四, table 四 sums; an identity with a blank cell says nothing). A cell is decidable when
all surviving readings agree on it. The round-trip property expects a decidable cell read
exactly and an undecidable one null and listed in `report.extraction.unread`, never a guess.
"""
from __future__ import annotations

import itertools
import re

from ..form import Form
from ..model import Number

Reading = dict[str, Number]            # path → value, for the cells of one printed row

_COUNT = re.compile(r"0|[1-9]\d*")
_SIGNED = re.compile(r"-?(?:0|[1-9]\d*)")
_AMOUNT = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
_MAX_NODES = 200_000                   # cut enumeration budget per printed row
_MAX_JOINT = 3_000                     # combinations of ambiguous rows checked together


def pattern_for(form: Form, path: str) -> re.Pattern:
    """What one printed value of the cell may look like: a count, a signed change, an amount."""
    _, row, col = form.cell(path)
    if getattr(col, "signed", False) or col.key == "change":
        return _SIGNED
    if row.kind == "amount" and col is row.columns[-1]:
        return _AMOUNT
    return _COUNT


def glued_readings(form: Form, paths: list[str], digits: str) -> list[Reading] | None:
    """Every way to cut `digits` into one number per path (no leading zeros, decimals only in
    amount cells) that keeps the sums the form states inside the row, e.g. a table-三 row's
    总计 = the six applicant columns. None when there are too many to enumerate."""
    pats = [pattern_for(form, p) for p in paths]
    # sums inside the row: total at index j = the cells at the indexes before it
    sums: dict[int, list[int]] = {}
    index = {p: i for i, p in enumerate(paths)}
    for ident in form.identities():
        if len(ident.lhs) == 1 and ident.lhs[0] in index and all(p in index for p in ident.rhs):
            sums[index[ident.lhs[0]]] = [index[p] for p in ident.rhs]
    total_of = {k: j for j, parts in sums.items() for k in parts}     # a part → the index of its total
    out: list[Reading] = []
    nodes = 0

    def walk(pos: int, i: int, got: list[Number]) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > _MAX_NODES:
            raise OverflowError
        if i == len(paths):
            if pos == len(digits):
                out.append(dict(zip(paths, got)))
            return
        left = len(paths) - i - 1
        if i in sums:                                   # the total is the sum: one candidate only
            text = _fmt(sum(got[j] for j in sums[i]))
            ends = [pos + len(text)] if digits.startswith(text, pos) else []
        else:
            ends = range(pos + 1, len(digits) - left + 1)
        for end in ends:
            piece = digits[pos:end]
            if not pats[i].fullmatch(piece):
                continue
            value = float(piece) if "." in piece else int(piece)
            if i in total_of:                           # the total still has to fit after the other parts
                j = total_of[i]
                partial = sum(got[k] for k in sums[j] if k < i) + value
                if end + (j - i - 1) + len(_fmt(partial)) + (len(paths) - j - 1) > len(digits):
                    break                               # a longer piece only makes the sum longer
            walk(end, i + 1, got + [value])

    try:
        walk(0, 0, [])
    except OverflowError:
        return None
    return out


def _fmt(v: Number) -> str:
    if isinstance(v, float):
        return repr(round(v, 10)).removesuffix(".0") if v.is_integer() else repr(round(v, 10))
    return str(v)


def dropped_readings(paths: list[str], printed: list[Number]) -> list[Reading]:
    """Every way to put the printed values of a row, in order, into its cells when the row's
    blank cells were dropped (len(paths) - len(printed) of them, place unknown)."""
    k = len(paths) - len(printed)
    out = []
    for blanks in itertools.combinations(range(len(paths)), k):
        it = iter(printed)
        out.append({p: None if i in blanks else next(it) for i, p in enumerate(paths)})
    return out


def _holds(form_ids, values: dict[str, Number], touched: set[str]) -> bool:
    for ident in form_ids:
        if touched.isdisjoint(ident.paths):
            continue
        vals = [values.get(p) for p in ident.paths]
        if any(v is None for v in vals):
            continue                                    # a blank cell: the identity says nothing
        if abs(sum(values[p] for p in ident.lhs) - sum(values[p] for p in ident.rhs)) > 1e-9:
            return False
    return True


def _varying(readings: list[Reading]) -> set[str]:
    return {p for p in readings[0] if len({rd[p] for rd in readings}) > 1}


def undecidable(form: Form, truth: dict[str, Number], rows: list[list[Reading]]) -> tuple[set[str], set[str]]:
    """(certain, possible): the cells no reader can decide, and those a reader may fail to.

    A printed row's reading survives when it keeps the form's identities. `certain` holds the
    cells that differ between surviving readings even when every other cell of the report is
    known (no reader can tell); `possible` those that differ when only the cells outside the
    ambiguous rows are known (two ambiguous rows in one column sum may hide each other). When
    the ambiguous rows are few enough to try together, both are the exact answer."""
    rows = [r for r in rows if len(r) > 1]
    if not rows:
        return set(), set()
    ids = form.identities()
    ambiguous = {p for r in rows for p in r[0]}
    known = {p: v for p, v in truth.items() if p not in ambiguous}
    certain: set[str] = set()
    possible: set[str] = set()
    alone: set[str] = set()
    pruned = []
    for readings in rows:
        mine = set(readings[0])
        touching = [i for i in ids if not mine.isdisjoint(i.paths)]
        if not touching:                                # no arithmetic reaches the row (table 二): it stands alone
            alone |= _varying(readings)
            ambiguous -= mine
            continue
        local = [i for i in touching if set(i.paths) <= mine | set(known)]
        loose = [rd for rd in readings if _holds(local, {**known, **rd}, mine)] or readings
        strict = [rd for rd in readings if _holds(touching, {**truth, **rd}, mine)] or readings
        pruned.append(loose)
        possible |= _varying(loose)
        certain |= _varying(strict)
    combos = 1
    for r in pruned:
        combos *= len(r)
    if combos <= _MAX_JOINT:                            # few enough: every combination, exactly
        seen: dict[str, set] = {p: set() for p in ambiguous}
        relevant = [i for i in ids if not ambiguous.isdisjoint(i.paths)]
        for combo in itertools.product(*pruned):
            values = dict(known)
            for rd in combo:
                values.update(rd)
            if _holds(relevant, values, ambiguous):
                for p in ambiguous:
                    seen[p].add(values[p])
        exact = {p for p, vs in seen.items() if len(vs) != 1} | alone
        return exact, exact
    return certain | alone, possible | certain | alone
