"""`nianbao demo`: a fresh SQLite store with the bundled sample reports and generated ones.

The five bundled samples (src/nianbao/samples, real published reports) have one year each; to show
the cross-year rules and the comparisons, the demo adds generated reports (generate/synthetic.py,
rendered to text and DOCX and parsed back like any file) for a few agencies over two years. A
generated year follows on from the one before (上年结转 = last year's 结转下年度, 现行有效 rolled
forward), except for the cases the cross-year rules are there for: every third agency repeats last
year's report with the year changed (X002: copied; X001: its carry-over no longer matches), and
one agency's second year is drawn without regard to the first (X001, X004).
"""
from __future__ import annotations

import os
import random
import shutil
from collections import Counter
from pathlib import Path

SAMPLES = Path(__file__).with_name("samples")


def generate_files(folder: Path, agencies: int = 8, years: tuple[int, ...] = (2022, 2023), seed: int = 2024) -> list[Path]:
    """Generated reports of `agencies` agencies over `years`, as text, Markdown and DOCX files."""
    from .generate import random_agency, random_report
    from .generate.text import LAYOUTS, file_name, render_bytes

    try:
        from .generate.docx import render_docx
    except ImportError:     # python-docx missing: text only
        render_docx = None
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    out = []
    n = 0
    for i in range(agencies):
        ag = random_agency(rng, "county_dept" if i % 2 else None)
        copy_seed = rng.random() if i % 3 == 0 else None
        previous = None
        for year in years:
            if copy_seed:           # same draws, new year
                r = random_report(random.Random(copy_seed), year=year, agency=ag)
            else:
                r = random_report(rng, year=year, agency=ag, previous=previous if i != 1 else None)
            previous = r
            if render_docx is not None and n == 3:     # one DOCX: rendering DOCX is slow (seconds)
                p = folder / f"{n:04d}_{r.meta.agency}{year}.docx"
                p.write_bytes(render_docx(r))
            else:
                layout = LAYOUTS[n % len(LAYOUTS)]
                p = folder / file_name(r, layout, n)
                p.write_bytes(render_bytes(r, layout, seed=n))
            out.append(p)
            n += 1
    return out


def build_demo(out: Path, *, jobs: int | None = None, agencies: int = 8):
    """(IngestResult, database URL, findings summary, hints) of a freshly built demo store under `out`;
    hints name an agency with several years and the one with the most errors, for the next commands."""
    from .library import Library
    from .originals import originals_store

    out.mkdir(parents=True, exist_ok=True)
    for f in out.glob("nianbao.db*"):
        f.unlink()
    url = f"sqlite:///{out / 'nianbao.db'}"
    # where `nianbao serve --db …/nianbao.db` looks by default; named, so a NIANBAO_DATA_DIR is never wiped
    originals = originals_store(url, out / "nianbao-files")
    shutil.rmtree(originals.root, ignore_errors=True)
    generated = out / "generated"
    shutil.rmtree(generated, ignore_errors=True)
    generate_files(generated, agencies)
    with Library(url, originals=originals, workers=jobs or os.cpu_count() or 1) as lib:
        store = lib.store
        result = lib.ingest([SAMPLES, generated], jobs=jobs, keep_originals=True)
        summary = store.findings_summary()
        several = [a for a in store.agencies() if len(a.years) > 1]
        worst = max(store.list_reports(), key=lambda i: (i.errors, i.warnings), default=None)
        hints = {"agency_years": several[0].name if several else None,
                 "rectification": worst.agency if worst else None,
                 "year": Counter(i.year for i in store.list_reports()).most_common(1)[0][0]}
    return result, url, summary, hints
