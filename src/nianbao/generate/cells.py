"""A report's table cells by the form's paths, and a synthetic report recast in the 2019 layout.

The form (nianbao.form) names every cell by a dotted path; a 2019 report keeps its own cells
under `tables.legacy` (a plain dict), the rest in the typed model. `cell`/`set_cell` read and
write both, so renderers and tests walk `form.cell_paths()` whatever the format.

    report19 = as_2019(random_report(rng), rng)      # same agency, the 2019 layout, year 2019/2020
    [cell(report19, p) for p in form_for("2019").cell_paths()]
"""
from __future__ import annotations

import random
import re
from ..form import FORM_2019, Form, form_for
from ..model import ApplicantRow, Number, Report

def form_of(report: Report) -> Form:
    return form_for(report.format)


def model_paths(form: Form) -> list[str]:
    """Every path the model keeps a cell of `form` at: the form's cells, then their mirrors
    (2019: 处理决定数量 also under tables.active_disclosure)."""
    return form.cell_paths() + [copy for _, copy in form.mirrors]


def cell(report: Report, path: str) -> Number:
    """The value at a full path ("tables.legacy.active_disclosure.fees.change" included)."""
    return report.tables.cell(path.removeprefix("tables."))


def set_cell(report: Report, path: str, value: Number) -> None:
    """Set a cell, and its mirror with it (a 2019 处理决定数量 is also the model's `decisions`)."""
    report.tables.set_cell(path.removeprefix("tables."), value)
    for own, copy in form_of(report).mirrors:
        if own == path:
            report.tables.set_cell(copy.removeprefix("tables."), value)


def as_2019(report: Report, rng: random.Random, year: int | None = None) -> Report:
    """The same agency's report in the 2019 layout (reports for 2019 and 2020): table 二's old items
    with figures of their own (本年增/减 may be negative), table 三's three （六） rows summed into
    the single （六）其他处理 row, dates and years moved to `year`."""
    year = year or rng.choice([2019, 2020])
    r = report.model_copy(deep=True)
    old_year = r.meta.year
    r.format = FORM_2019.version
    r.meta.year = year
    if r.meta.period and r.meta.period.start and r.meta.period.end:
        r.meta.period.start = r.meta.period.start.replace(year=year)
        r.meta.period.end = r.meta.period.end.replace(year=year)
    if r.meta.published:
        r.meta.published = r.meta.published.replace(year=year + 1, day=min(r.meta.published.day, 28))
    if old_year:
        r.meta.title = r.meta.title and r.meta.title.replace(str(old_year), str(year))
        r.sections = [s.model_copy(update={"text": _move_years(s.text, old_year, year)}) for s in r.sections]
    f21 = form_for("2021")
    ad = r.tables.active_disclosure
    kept = {p for own, p in FORM_2019.mirrors}
    for row in FORM_2019.table("active_disclosure").rows:
        for c in row.columns:
            mirror = next((copy for own, copy in FORM_2019.mirrors if own == row.path(c.key)), None)
            if mirror:
                value = r.tables.cell(mirror.removeprefix("tables."))
            elif getattr(c, "signed", False) or c.key == "change":
                value = rng.randint(-5, 5)
            elif row.kind == "amount" and c is row.columns[-1]:
                value = rng.choice([0.0, round(rng.uniform(0, 900), 2), float(rng.randint(1, 300))])
            else:
                value = rng.choice([0, rng.randint(0, 12), rng.randint(0, 150)])
            r.tables.set_cell(row.path(c.key).removeprefix("tables."), value)
    # the 2021 items the 2019 table 二 lacks are absent from the model
    for key in {p.split(".")[2] for p in f21.cell_paths("active_disclosure")} - {p.split(".")[2] for p in kept}:
        setattr(ad, key, None)
    apps = FORM_2019.table("applications")
    other_rows = [k for k in r.tables.applications if k not in apps.by_key]
    other = ApplicantRow()
    for col in apps.columns:
        vals = [getattr(r.tables.applications[k], col.key) for k in other_rows]
        setattr(other, col.key, None if all(v is None for v in vals) else sum(v or 0 for v in vals))
    for k in other_rows:
        del r.tables.applications[k]
    own = next(row for row in apps.rows if row.path_prefix.startswith("tables.legacy"))
    for col in apps.columns:
        r.tables.set_cell(own.path(col.key).removeprefix("tables."), getattr(other, col.key))
    return r


def _move_years(text: str, old: int, new: int) -> str:
    """Years around the report's moved with it (last year, this year, next year), in one pass."""
    moves = {str(old + d): str(new + d) for d in (-1, 0, 1)}
    return re.sub("|".join(moves), lambda m: moves[m.group(0)], text)


def blank_out(report: Report, rng: random.Random, p: float) -> None:
    """Leave each cell of the report's form blank (None) with probability `p` (mirrors follow)."""
    if p <= 0:
        return
    for path in form_of(report).cell_paths():
        if rng.random() < p:
            set_cell(report, path, None)


def zero_rows(report: Report, rng: random.Random, n: int) -> None:
    """Make `n` outcome rows of table 三 all zeros and restore the form's arithmetic: the row
    totals, （七）总计, and 一 + 二 = 三 + 四 (the difference comes off 本年新收, then 上年结转)."""
    form = form_of(report)
    t = form.table("applications")
    totals = {i.lhs[0] for i in t.identities if i.rule == "T302"}
    total_row = next(r for r in t.rows if r.path(t.columns[0].key) in totals)
    outcomes = [r for r in t.rows if r.labels[0] == total_row.labels[0] and r is not total_row]
    first, second = t.rows[0], t.rows[1]                 # 一、本年新收, 二、上年结转 (the form's order)
    for row in rng.sample(outcomes, min(n, len(outcomes))):
        for c in t.columns:
            old = cell(report, row.path(c.key))
            set_cell(report, row.path(c.key), 0)
            if not old or c.key == t.columns[-1].key:
                continue
            tv = cell(report, total_row.path(c.key))
            if tv is not None:
                set_cell(report, total_row.path(c.key), tv - old)
            left = old
            for r in (first, second):
                v = cell(report, r.path(c.key))
                if v is None or not left:
                    continue
                take = min(v, left)
                set_cell(report, r.path(c.key), v - take)
                left -= take
    # row totals (T301) again, where the row has all its parts
    total_col = t.columns[-1].key
    for r in t.rows:
        parts = [cell(report, r.path(c.key)) for c in t.columns[:-1]]
        if cell(report, r.path(total_col)) is not None and None not in parts:
            set_cell(report, r.path(total_col), sum(parts))
