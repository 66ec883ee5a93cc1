"""Write a synthetic corpus of one layout or family, with gold, to measure a reader on it.

    python -m nianbao.generate.text --family closing_pipes --format 2019 --n 20 --out /tmp/corpus
    python -m nianbao.generate.text --family all --format both --n 20 --out /tmp/corpus --score
    (python -m nianbao.generate.corpus takes the same options without runpy's double-import warning)

Each case is `NNN_<family>_<format>.txt|.md` (bytes as the style encodes them) and
`NNN_<family>_<format>.gold.json`: format, meta, tables, and `undecidable` — the cells the
rendering leaves undecidable for any reader (null and listed in extraction.unread is right for
them; generate/undecidable.py). `--score` parses every case and prints the cell accuracy per
family and format: a cell counts when read exactly, or, if undecidable, left null and listed.
"""
from __future__ import annotations

import argparse
import json
import random
from dataclasses import replace
from pathlib import Path

from ..form import form_for
from ..model import Report
from .cells import as_2019, blank_out, cell, model_paths, zero_rows
from .synthetic import random_report
from .text import ALL_LAYOUTS, Style, render_bytes, undecidable_cells

KINDS = ["county_dept", "city_dept", "province_dept", "county_gov", "town_gov", "city_gov", "city_office",
         "province_gov"]


def corpus_report(rng: random.Random, fmt: str, i: int) -> Report:
    """A varied report: nonzero figures mostly, some rows all zeros, blanks in every third."""
    report = random_report(rng, nonzero=i % 4 != 3, agency=KINDS[i % len(KINDS)])
    if fmt == "2019":
        report = as_2019(report, rng)
    zero_rows(report, rng, rng.choice([0, 2, 4]))
    blank_out(report, rng, 0.02 if i % 3 == 2 else 0.0)
    return report


def case(family: str, fmt: str, i: int, seed: int = 0) -> tuple[Report, Style, bytes, set[str], set[str]]:
    rng = random.Random(f"{seed}/{family}/{fmt}/{i}")
    report = corpus_report(rng, fmt, i)
    style = Style.random(rng)
    if family == "tabs" and style.blank == "" and any(cell(report, p) is None for p in form_for(fmt).cell_paths()):
        style = replace(style, blank="—")       # truly empty edge cells are ambiguous in this layout
    certain, possible = undecidable_cells(report, family, style, seed=i)
    return report, style, render_bytes(report, family, style, seed=i), certain, possible


def gold(report: Report, certain: set[str], possible: set[str]) -> dict:
    d = report.to_dict()
    return {"format": d["format"], "meta": {k: d["meta"].get(k) for k in ("agency", "year", "period", "published")},
            "tables": d["tables"], "undecidable": sorted(certain), "may_be_unread": sorted(possible - certain)}


def write(family: str, fmt: str, n: int, out: Path, seed: int = 0) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n):
        report, _, data, certain, possible = case(family, fmt, i, seed)
        stem = f"{i:03d}_{family}_{fmt}"
        path = out / (stem + (".md" if family == "markdown" else ".txt"))
        path.write_bytes(data)
        (out / f"{stem}.gold.json").write_text(json.dumps(gold(report, certain, possible), ensure_ascii=False,
                                                          indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


def score(report: Report, got: Report, certain: set[str], possible: set[str]) -> tuple[int, int]:
    """(cells right, cells) over the report's form: exact, or an undecidable cell null and listed."""
    form = form_for(report.format)
    unread = {c for u in got.extraction.unread for c in u.cells}
    own = {copy: o for o, copy in form.mirrors}
    right = total = 0
    for p in model_paths(form):
        a, b = cell(report, p), cell(got, p) if got.format == report.format else None
        q = own.get(p, p)
        if q in certain:
            ok = b is None and q in unread
        elif q in possible and b is None and q in unread:
            ok = True
        else:
            ok = (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)
        right += ok
        total += 1
    return right, total


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m nianbao.generate.text", description=__doc__.split("\n\n")[0])
    ap.add_argument("--family", default="all", help=f"one of {', '.join(ALL_LAYOUTS)}, or all")
    ap.add_argument("--format", default="both", choices=["2021", "2019", "both"])
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--score", action="store_true", help="parse every case and print cell accuracy")
    a = ap.parse_args(argv)
    families = ALL_LAYOUTS if a.family == "all" else tuple(a.family.split(","))
    formats = ("2021", "2019") if a.format == "both" else (a.format,)
    for family in families:
        for fmt in formats:
            if a.out:
                write(family, fmt, a.n, a.out, a.seed)
            if a.score:
                from .. import api
                right = total = perfect = 0
                for i in range(a.n):
                    report, _, data, certain, possible = case(family, fmt, i, a.seed)
                    got = api.parse_bytes(data, "r.md" if family == "markdown" else "r.txt")
                    r, t = score(report, got, certain, possible)
                    right, total, perfect = right + r, total + t, perfect + (r == t)
                print(f"{family:14s} {fmt}  cells {right / total:7.2%}  ({right}/{total}), "
                      f"reports all right {perfect}/{a.n}", flush=True)


if __name__ == "__main__":          # python -m nianbao.generate.corpus … (the same as … generate.text …)
    main()
