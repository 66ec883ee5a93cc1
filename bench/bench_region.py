"""Regional oversight bench (issue 16): a store with 5,000 reports of one year over a generated
province (nianbao.generate.region.generate_province — ~46 cities with their districts, departments
and townships, every region with its planted cases), the registry of all of them imported, then:

- the regional pass (D004 with the registry's deadlines, X002, X005 through the MinHash LSH index,
  R001/R002 roll-ups) over the whole year: a batch, its total time printed;
- the regional views through the web app (`nianbao serve` on loopback, CLIENTS concurrent clients
  with keep-alive): missing view, indicators overview, agencies compare page, scorecard, copied
  pairs, roll-up — p50/p95 per view. The web latency goal is p95 ≤ 100 ms.

The reports are generated models audited and saved directly (no rendering, no parsing: the parse
is bench_parse's business). The store (registry, deadlines, reports; before the pass) is built once
and cached under the temp directory like bench_web's (webload.py); every run times the pass on a
copy, then serves that copy.

    .venv/bin/python bench/bench_region.py
    .venv/bin/python bench/run.py region
    NIANBAO_BENCH_REGION_REPORTS=500 .venv/bin/python bench/bench_region.py     # a quick look
    .venv/bin/python bench/bench_region.py --cpu      # CPU ms per view and city, in this process

Latency depends on what else the machine runs; CPU time does not. So every web figure comes with
the server's CPU ms per request (all its processes), and `--cpu` times each view's first request
for every city through the app in this process (time.process_time, no network): "first" with every
cache empty (what the first visitor after a change pays, the shared per-year computations
included), then each other city's first view — what the web bench's requests mostly are.
"""
from __future__ import annotations

import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from webload import CACHE, _fast_sqlite, measure, serve, tree_cpu_seconds  # noqa: E402

REPORTS = int(os.environ.get("NIANBAO_BENCH_REGION_REPORTS", "5000"))
CLIENTS = 4
REQUESTS = 100            # per view, shared by the clients
PER_CITY = 111            # reports of one city-year with generate_province's defaults
SEED_VERSION = 1          # bump when the store built below changes: cached stores are rebuilt
USER = "bench"

# (name, path template): {city}, {district} (a district of that city), {year}
VIEWS = [
    ("missing view", "/missing?region={city}&year={year}"),
    ("indicators overview", "/regions/overview?region={city}&year={year}"),
    ("agencies compare", "/compare/agencies?region={city}&year={year}"),
    ("scorecard", "/scorecard?region={city}&year={year}"),
    ("copied pairs", "/copied?region={city}&year={year}"),
    ("roll-up", "/rollup?region={district}&year={year}"),
]


def build_store(path: Path, n: int) -> dict[str, float]:
    """The registry of a generated province, each city's 01-28 deadline for departments, and `n`
    audited reports of one year saved through the store (no regional pass yet). Seconds taken."""
    from nianbao import api
    from nianbao.generate.region import CITY_DEADLINES, REGISTRY_HEADER, generate_province, registry_rows
    from nianbao.library import Library
    from nianbao.oversight.registry import parse_registry

    t0 = time.perf_counter()
    regions = generate_province(seed=1, cities=-(-n // PER_CITY))
    year = regions[0].years[1]
    reports = [r for reg in regions for (_, y), r in sorted(reg.reports.items()) if y == year][:n]
    out = {"generate_s": time.perf_counter() - t0}
    csv = "\n".join(",".join(r) for r in [REGISTRY_HEADER] + [row for reg in regions for row in registry_rows(reg)])
    with Library(f"sqlite:///{path}", data_dir=path.parent / "files") as lib:
        _fast_sqlite(lib.store.engine)
        t = time.perf_counter()
        lib.registry.import_rows(parse_registry(csv.encode(), "registry.csv"), user=USER)
        for reg in regions:
            node = lib.registry.region(reg.city_region)
            for kind, md in CITY_DEADLINES.items():
                lib.registry.set_deadline(node.id, kind, md, user=USER)
        out["registry_s"] = time.perf_counter() - t
        t = time.perf_counter()
        for r in reports:
            lib.store.save_report(api.audit(r), history=False)
        lib.registry.rematch(all=True)
        out["save_s"] = time.perf_counter() - t
    return out


def region_store(n: int) -> Path:
    """The bench's store of n reports, built on first use and kept under the temp directory."""
    from nianbao.store import db

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"region-{n}-v{SEED_VERSION}-{db.head_revision()}.db"
    if not path.exists():
        tmp = path.with_suffix(".building")
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)
        built = build_store(tmp, n)
        print(f"[bench_region] store built: " + ", ".join(f"{k} {v:.1f}" for k, v in built.items()), file=sys.stderr)
        tmp.rename(path)
    return path


def _places(db: Path) -> tuple[int, list[tuple[str, list[str]]], int]:
    """(year, [(city, [its districts])], current reports) read from the store."""
    with sqlite3.connect(db) as c:
        year, reports = c.execute("SELECT max(year), count(*) FROM report WHERE is_current").fetchone()
        rows = c.execute("SELECT id, parent_id, level, name FROM region").fetchall()
    cities = {i: (name, []) for i, _, level, name in rows if level == "city"}
    for _, parent, level, name in rows:
        if level == "county" and parent in cities:
            cities[parent][1].append(name)
    return year, sorted(cities.values()), reports


def _passed_store(n: int) -> Path:
    """The bench store after the regional pass (copied pairs are X005 findings): built once."""
    from nianbao.library import Library

    db = region_store(n)
    path = db.with_name(db.stem + "-passed.db")
    if not path.exists():
        tmp = path.with_suffix(".building")
        shutil.copy(db, tmp)
        year, _, _ = _places(db)
        with Library(f"sqlite:///{tmp}", data_dir=tmp.parent / "files-passed") as lib:
            lib.audit_region(year=year, user=USER)
        tmp.rename(path)
    return path


def _clear_caches(app) -> None:
    """Every in-memory cache of nianbao (module-level LRUs and view caches) and of the app."""
    from nianbao.lru import LRU
    from nianbao.oversight.regional import ViewCache

    for name, mod in list(sys.modules.items()):
        if not name.startswith("nianbao"):
            continue
        for v in list(vars(mod).values()):
            if isinstance(v, LRU):
                v.clear()
            elif isinstance(v, ViewCache):
                v._stores.clear()
    for v in getattr(app.state, "_state", {}).values():
        if isinstance(v, LRU):
            v.clear()


def cpu_per_city(n: int = REPORTS, views: list[tuple[str, str]] = VIEWS) -> list[tuple[str, str | float]]:
    """Per view: CPU ms of its first request with every cache empty, then of the first request for
    each other city (caches of other cities and views kept, as in the web bench), in bench order."""
    import statistics

    from fastapi.testclient import TestClient

    from nianbao.web.app import Settings, create_app

    db = _passed_store(n)
    year, cities, _ = _places(db)
    rows: list[tuple[str, str | float]] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-cpu-") as d:
        copy = Path(d) / "store.db"
        shutil.copy(db, copy)
        app = create_app(Settings(db_url=f"sqlite:///{copy}", data_dir=Path(d) / "files", secret="bench", workers=1))
        with TestClient(app) as client:
            client.get("/api/session")
            rng = random.Random(0)
            base = []
            for _ in range(20):
                t = time.process_time()
                client.get("/api/session")
                base.append(time.process_time() - t)
            overhead = statistics.median(base)
            rows.append((f"CPU per request, in process ({len(cities)} cities, {year}); request overhead "
                         f"{1000 * overhead:.1f} ms subtracted", "first / median / mean / p90 ms"))
            for name, template in views:
                _clear_caches(app)
                took = []
                for city, districts in cities:
                    path = template.format(city=quote(city), district=quote(rng.choice(districts)), year=year)
                    t = time.process_time()
                    r = client.get(path)
                    took.append(1000 * (time.process_time() - t - overhead))
                    if r.status_code != 200:
                        raise RuntimeError(f"{path}: HTTP {r.status_code}")
                rest = sorted(took[1:])
                rows.append((f"cpu {name}", f"{took[0]:.0f} / {statistics.median(rest):.1f} / "
                                            f"{statistics.mean(rest):.1f} / {rest[int(0.9 * len(rest))]:.1f}"))
    return rows


def _first(base: str, path: str) -> tuple[int, float]:
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=120) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    return status, time.perf_counter() - t


def run() -> list[tuple[str, str | float]]:
    from nianbao.library import Library

    db = region_store(REPORTS)
    year, cities, reports = _places(db)
    rows: list[tuple[str, str | float]] = [(f"store: {reports} reports of {year}, {len(cities)} cities "
                                            f"with their districts; {CLIENTS} clients, {REQUESTS} GETs per view", "")]
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-region-") as d:
        copy = Path(d) / "store.db"
        shutil.copy(db, copy)
        with Library(f"sqlite:///{copy}", data_dir=Path(d) / "files") as lib:
            t = time.perf_counter()
            res = lib.audit_region(year=year, user=USER)
            took = time.perf_counter() - t
        rows.append((f"regional pass over the year: {len(res.audited)} reports audited, "
                     f"{len(res.new)} findings new (batch, s)", round(took, 1)))
        with serve(copy) as base:
            for name, template in VIEWS:
                def path(rng: random.Random, template=template) -> str:
                    city, districts = rng.choice(cities)
                    return template.format(city=quote(city), district=quote(rng.choice(districts)), year=year)

                status, first = _first(base, path(random.Random(0)))
                if status != 200:
                    rows.append((f"web {name}", f"(HTTP {status})"))
                    continue
                cpu0 = tree_cpu_seconds(base.pid)
                try:
                    m = measure(base, path, clients=CLIENTS, requests=REQUESTS)
                except RuntimeError as e:
                    rows.append((f"web {name}", f"(failed: {e})"))
                    continue
                cpu1 = tree_cpu_seconds(base.pid)
                # the server's CPU per request (all its processes, the clients' connection set-up
                # included): unlike latency, not inflated by other work on the machine
                cpu = f"{1000 * (cpu1 - cpu0) / m['requests']:.0f}" if cpu0 is not None and cpu1 is not None else "?"
                rows.append((f"web {name}: p50 / p95 / first ms (goal p95 ≤ 100) / server CPU ms per request",
                             f"{m['p50_ms']:.0f} / {m['p95_ms']:.0f} / {1000 * first:.0f} / {cpu}"))
    if hasattr(os, "getloadavg"):      # other work on the machine inflates every figure above
        rows.append(("machine load average (1 min) at the end", round(os.getloadavg()[0], 1)))
    return rows


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    for what, fig in (cpu_per_city() if "--cpu" in sys.argv[1:] else run()):
        print(f"{what}: {fig}")
