"""Place a row's value tokens in its columns, or say why they cannot be placed.

- exactly as many values (blanks counted) as columns: in order;
- more: the extra tokens must be blanks at the edges (a merged label cell's empty slots, a
  closing pipe); the readings that differ are decided by the form's arithmetic (`check`), or for a
  grid by its layout (empty slots after a label are the label's merged columns);
- fewer: a digit run glued together ("1200012") is cut where the arithmetic allows one cut only;
  otherwise the gap's place is decided by the arithmetic, if only one place adds up.
Anything still ambiguous stays null with a reason (Chinese) for `extraction.unread`. Pure.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import combinations
from math import comb

from ...document import Loc
from .tokens import B, PB, Token, V

Check = Callable[[list], "bool | None"]     # True: adds up, False: does not, None: cannot tell
MAX_READINGS = 400


UNDECIDED = Token("U", "", Loc())     # a cell the readings the text allows do not agree on


def _consensus(readings: list[list[Token | None]], check: Check | None, why: str) -> tuple[list[Token | None], str]:
    """The cells every reading the arithmetic leaves agrees on; the others UNDECIDED (null, unread)."""
    if check is not None:
        readings = [r for r in readings if check(values(r)) is not False] or readings
    vals = [values(r) for r in readings]
    out = [readings[0][i] if len({v[i] for v in vals}) == 1 else UNDECIDED for i in range(len(vals[0]))]
    return out, why


def values(slots: Sequence[Token | None]) -> list:
    return [t.value if t is not None and t.kind == V else None for t in slots]


def _pick(readings: list[list[Token | None]], check: Check | None) -> list[Token | None] | None:
    """The one reading, by value, that the arithmetic does not rule out (adds up, else cannot tell)."""
    distinct: dict[tuple, list[Token | None]] = {}
    for r in readings:
        distinct.setdefault(tuple(values(r)), r)
    if len(distinct) == 1:
        return next(iter(distinct.values()))
    if check is None:
        return None
    verdicts = [(check(list(k)), r) for k, r in distinct.items()]
    good = [r for v, r in verdicts if v is True]
    if len(good) == 1:
        return good[0]
    if not good:
        maybe = [r for v, r in verdicts if v is None]
        if len(maybe) == 1:
            return maybe[0]
    return None


def _fit_grid(run: list[Token], n: int) -> list[Token]:
    """A grid's spare empty slots: the leading ones first (a label cell merged over columns)."""
    run = list(run)
    while len(run) > n and run[0].kind == B and not run[0].text:
        run.pop(0)
    while len(run) > n and run[-1].kind == B and not run[-1].text:
        run.pop()
    return run[:n]


_GLUED = re.compile(r"^-?\d[\d.-]*$")
_AMOUNT = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d+)?$")
_COUNT = re.compile(r"^(?:0|[1-9]\d*)$")
_SIGNED = re.compile(r"^-?(?:0|[1-9]\d*)$")


def _num(d: str) -> float | int:
    return float(d) if "." in d else int(d)


def _splits(digits: str, parts: int, signed: tuple[bool, ...] = ()):
    """Every cut of a digit run into `parts` numbers without leading zeros; a part may carry a minus
    only in a signed column (2019: 本年增/减)."""
    flag = signed[0] if signed else False
    ok = _AMOUNT if flag == "amount" else _SIGNED if flag else _COUNT
    if parts == 1:
        if ok.match(digits):
            yield [digits]
        return
    for i in range(1, len(digits) - parts + 2):
        head = digits[:i]
        if not ok.match(head):
            if head == "-" and ok is _SIGNED or head.endswith(".") and ok is _AMOUNT:
                continue                      # the minus of "-4", the point of "0.5": take a digit more
            break                             # a leading zero, or a minus where none may stand
        for rest in _splits(digits[i:], parts - 1, signed[1:]):
            yield [head] + rest


def _by_columns(hard: list[Token], cols: list[int]) -> list[Token | None] | None:
    """The reading the grid's header gives: the cell under each column's header, if every value
    stands under one."""
    at = {t.col: t for t in hard}
    if any((t.kind == V or t.text) and t.col not in cols for t in hard):
        return None
    return [at.get(c) for c in cols]


def _keep(alts: list | None, readings: list[list[Token | None]], check: Check | None) -> None:
    """Record the readings the row's own arithmetic leaves open (distinct by value), for the
    table's column sums to decide between (assemble_applications)."""
    if alts is None:
        return
    distinct: dict[tuple, list[Token | None]] = {}
    for r in readings:
        if check is None or check(values(r)) is not False:
            distinct.setdefault(tuple(values(r)), r)
    alts[:] = list(distinct.values()) if len(distinct) > 1 else []


def grid_leads(runs: Sequence[list[Token]], n: int) -> dict[int, int]:
    """Per grid, how many empty slots stand before the values in every one of its complete rows
    (n printed values, nothing more printed), when at least three such rows all agree. A grid whose
    rows are not aligned in columns (cells one per line read as one long row) still says by its
    complete rows where a row's spare empty slots go: before its values, or after them."""
    seen: dict[int, set[int]] = {}
    count: dict[int, int] = {}
    for run in runs:
        hard = [t for t in run if t.kind != PB]
        printed = [t for t in hard if t.kind == V or t.text]
        if len(printed) != n or not all(t.kind == V for t in printed) or len({t.grid for t in hard}) != 1 \
                or hard[0].grid < 0:
            continue
        lead = next(i for i, t in enumerate(hard) if t.kind == V)
        if any(t.kind != V for t in hard[lead:lead + n]):
            continue
        seen.setdefault(hard[0].grid, set()).add(lead)
        count[hard[0].grid] = count.get(hard[0].grid, 0) + 1
    return {g: next(iter(s)) for g, s in seen.items() if len(s) == 1 and count[g] >= 3}


def place(run: list[Token], n: int, check: Check | None = None, cols: list[int] | None = None,
          alts: list | None = None, signed: Sequence[bool] = (), lead: int | None = None,
          merged: bool = False) -> tuple[list[Token | None], str]:
    """(slots, reason): `n` slots (None = null); reason is "" when placed, else why not (Chinese).
    `cols`: the grid columns of the `n` slots, where the grid's header row names them.
    `lead`: the empty slots before the values in the grid's complete rows (grid_leads).
    `merged`: the row has fewer cells than its table has columns, its last value cell merged over
    the rest (表二's 行政许可, 2019's 本年增/减), so that value printed again in the slots its merge
    covers is one cell; elsewhere (表二's 规章, 表三, 表四) a number too many is one too many,
    whatever the numbers are."""
    floating = [t for t in run if t.floating]
    if floating and len(run) - sum(1 for t in run if t.kind == PB) == n:
        run = [t for t in run if not t.floating]      # blanks counted, not placed: a gap to find
    hard = [t for t in run if t.kind != PB]
    if len(hard) == n:
        return list(hard), ""
    if len(run) == n:
        return [None if t.kind == PB else t for t in run], ""
    if len(hard) > n:
        # a printed cell (a number, or "—", "/") is in every reading; only empty cells may be spare
        printed = lambda t: t.kind == V or t.text != ""      # noqa: E731
        nv = sum(1 for t in hard if printed(t))
        readings = [hard[i:i + n] for i in range(len(hard) - n + 1)
                    if sum(1 for t in hard[i:i + n] if printed(t)) == nv]
        header = _by_columns(hard, cols) if cols and len({t.grid for t in hard}) == 1 else None
        _keep(alts, ([header] if header is not None else []) + readings, check)
        if header is not None:
            # the header's columns, unless they break the row's sum and exactly one other reading keeps it
            if check is not None and check(values(header)) is False:
                good = {tuple(values(r)): r for r in readings if check(values(r)) is True}
                if len(good) == 1:
                    return next(iter(good.values())), ""
            return header, ""
        if readings:
            got = _pick(readings, check)
            if got is not None:
                return got, ""
            if lead is not None and all(t.grid >= 0 for t in hard):
                # the grid's complete rows say where the spare empty slots stand
                same = [r for r in readings if lead <= len(hard) - n and r[0] is hard[lead]]
                if len(same) == 1 and (check is None or check(values(same[0])) is not False):
                    return same[0], ""
            if all(t.grid >= 0 for t in hard):
                return _fit_grid(hard, n), ""
            return _consensus(readings, check, f"该行有{len(hard)}个单元格，应有{n}个，无法确定哪些是空白")
        if all(t.grid >= 0 for t in hard) and \
                all(t.kind == B or merged and t.text == hard[n - 1].text for t in hard[n:]):
            return hard[:n], ""          # "—" after the row's cells, or a merged last cell printed again
        return [None] * n, f"该行有{nv}个数值，多于应有的{n}个"
    base = run if len(run) <= n else hard
    k = n - len(base)
    if not any(t.kind == V for t in base):
        return [None] * n, ""                 # nothing printed but blanks: every reading is all null
    glued = _glued(base, k, check, alts, signed)
    if glued is not None:
        return glued
    readings: list[list[Token | None]] = []
    if comb(n, k) <= MAX_READINGS:
        for gaps in combinations(range(n), k):
            it = iter(base)
            readings.append([None if i in gaps else next(it) for i in range(n)])
    if any(t.kind == PB for t in base):
        readings = [[None if t is not None and t.kind == PB else t for t in r] for r in readings]
    _keep(alts, readings, check)
    got = _pick(readings, check) if readings else None
    if got is not None:
        return got, ""
    why = f"该行有{len(base)}个数值，应有{n}个，无法确定空缺位置"
    return _consensus(readings, check, why) if readings else ([None] * n, why)


def _sum_cuts(digits: str, parts: int, total: int, acc: int = 0):
    """Cuts of `digits` into `parts` numbers without leading zeros that sum with `acc` to `total`."""
    if parts == 1:
        if digits and (digits == "0" or digits[0] != "0") and acc + int(digits) == total:
            yield [digits]
        return
    for i in range(1, len(digits) - parts + 2):
        head = digits[:i]
        if head != "0" and head[0] == "0":
            break
        v = acc + int(head)
        if v > total:
            break
        for rest in _sum_cuts(digits[i:], parts - 1, total, v):
            yield [head] + rest


def _glued(base: list[Token], k: int, check: Check | None, alts: list | None = None,
           signed: Sequence[bool] = ()) -> tuple[list[Token | None], str] | None:
    """A digit run glued together ("1200012", "规章000"): the one cut into k+1 numbers that the
    arithmetic keeps (or the only cut there is); None when no token is a glued run."""
    n = len(base) + k
    cuts = []
    if len(base) == 1 and getattr(check, "row_total", False) and base[0].glued and base[0].text.isdigit():
        # the whole row run together: cut the total off the end, then only cuts that sum to it
        d = base[0].text
        for lt in range(1, len(d) - k + 1):
            last = d[len(d) - lt:]
            if last != "0" and last[0] == "0":
                continue
            for cut in _sum_cuts(d[:len(d) - lt], k, int(last)):
                cuts.append((True, 0, cut + [last], tuple(int(x) for x in cut) + (int(last),)))
        if not cuts:
            return [None] * n, f"数字连在一起（{d}），无法按表内勾稽关系拆分为{n}个数值"
        base_cuts = cuts
    else:
        base_cuts = None
    for gi, g in enumerate(base if base_cuts is None else ()):
        if g.kind != V or not g.glued or not _GLUED.match(g.text) or len(g.text) < k + 1:
            continue
        head = [t.value if t.kind == V else None for t in base[:gi]]
        tail = [t.value if t.kind == V else None for t in base[gi + 1:]]
        flags = tuple(signed[gi:gi + k + 1]) if signed else (False,) * (k + 1)
        for cut in _splits(g.text, k + 1, flags):
            vals = head + [_num(d) for d in cut] + tail
            verdict = check(vals) if check is not None else None
            if verdict is not False:
                cuts.append((verdict, gi, cut, tuple(vals)))
            if len(cuts) > MAX_READINGS * 10:
                break
    if not cuts:
        if any(g.kind == V and g.glued and _GLUED.match(g.text) and len(g.text) >= k + 1 for g in base):
            return [None] * n, f"数字连在一起（{''.join(t.text for t in base)}），无法按表内勾稽关系拆分为{n}个数值"
        return None
    sure = [c for c in cuts if c[0] is True] or cuts

    def reading(c) -> list[Token | None]:
        _, gi, cut, _ = c
        g = base[gi]
        pieces = [Token(V, d, g.loc, _num(d), grid=g.grid, row=g.row, col=g.col) for d in cut]
        return base[:gi] + pieces + base[gi + 1:]
    if len({c[3] for c in sure}) != 1:
        distinct = list({c[3]: c for c in sure}.values())
        why = f"数字连在一起（{''.join(t.text for t in base)}），无法唯一拆分为{n}个数值"
        if len(distinct) > 50:
            return [None] * n, why
        readings = [reading(c) for c in distinct]
        if alts is not None:                               # the table's column sums may still tell
            alts[:] = readings
        return _consensus(readings, None, why)
    return reading(sure[0]), ""
