"""Regional oversight bench (issue 16): a store with 5,000 reports of one year over a generated
province (nianbao.generate.region.generate_province — ~46 cities with their districts, departments
and townships, every region with its planted cases), the registry of all of them imported, then:

- the regional pass (D004 with the registry's deadlines, X002, X005 through the MinHash LSH index,
  R001/R002 roll-ups) over the whole year: a batch, its total time printed;
- the regional views through the web app (`nianbao serve` on loopback, CLIENTS concurrent clients
  with keep-alive): missing view, indicators overview, agencies compare page, scorecard, copied
  pairs, roll-up — p50/p95 per view. The web latency goal is p95 ≤ 100 ms.

The reports are generated models audited and saved directly (no rendering, no parsing: the parse
is bench_parse's business). The store is built once per run (~3 minutes on 2 cores, mostly the
5,000 saves).

    .venv/bin/python bench/bench_region.py
    .venv/bin/python bench/run.py region
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

REPORTS = 5000
CLIENTS = 4
REQUESTS = 120            # per view, shared by the clients
PER_CITY = 111            # reports of one city-year with generate_province's defaults
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


def build(db: str, n: int | None = None) -> dict:
    """The store: registry, deadlines, `n` audited reports of one year, the regional pass.
    Returns the timings and what the views need (cities, districts, year)."""
    from nianbao import api
    from nianbao.generate.region import CITY_DEADLINES, REGISTRY_HEADER, generate_province, registry_rows
    from nianbao.library import Library
    from nianbao.oversight.registry import parse_registry

    n = n or REPORTS
    t0 = time.perf_counter()
    regions = generate_province(seed=1, cities=-(-n // PER_CITY))
    year = regions[0].years[1]
    reports = [r for reg in regions for (_, y), r in sorted(reg.reports.items()) if y == year][:n]
    t_gen = time.perf_counter() - t0
    rows = [REGISTRY_HEADER] + [row for reg in regions for row in registry_rows(reg)]
    csv = "\n".join(",".join(r) for r in rows).encode()
    out: dict = {"year": year, "cities": [], "generate_s": t_gen, "reports": len(reports)}
    with Library(db, data_dir=Path(db.removeprefix("sqlite:///")).parent / "files") as lib:
        t = time.perf_counter()
        lib.registry.import_rows(parse_registry(csv, "registry.csv"), user=USER)
        for reg in regions:
            node = lib.registry.region(reg.city_region)
            for kind, md in CITY_DEADLINES.items():
                lib.registry.set_deadline(node.id, kind, md, user=USER)
            out["cities"].append((reg.city, reg.districts))
        out["registry_s"] = time.perf_counter() - t
        t = time.perf_counter()
        for r in reports:
            lib.store.save_report(api.audit(r))
        out["save_s"] = time.perf_counter() - t
        if hasattr(lib.registry, "rematch"):
            lib.registry.rematch(all=True)
        t = time.perf_counter()
        res = lib.audit_region(year=year, user=USER)
        out["pass_s"] = time.perf_counter() - t
        out["pass_audited"] = len(res.audited)
        out["pass_new"] = len(res.new)
    return out


def _get(port: int, path: str) -> tuple[int, float]:
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    return status, time.perf_counter() - t


def measure_views(port: int, info: dict, clients: int = CLIENTS, requests: int = REQUESTS) -> dict[str, dict]:
    from bench_web import _client
    from urllib.parse import quote

    rng = random.Random(3)
    out = {}
    for name, template in VIEWS:
        def path() -> str:
            city, districts = rng.choice(info["cities"])
            return template.format(city=quote(city), district=quote(rng.choice(districts)), year=info["year"])

        status, first = _get(port, path())
        if status != 200:
            out[name] = {"error": f"HTTP {status}"}
            continue
        paths = [path() for _ in range(requests)]
        lat: list[float] = []
        errors: list[str] = []
        threads = [threading.Thread(target=_client, args=(port, paths[i::clients], lat, errors))
                   for i in range(clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        if errors or len(lat) < 2:
            out[name] = {"error": f"{len(errors)} failed, e.g. {errors[:2]}"}
            continue
        q = statistics.quantiles(lat, n=100)
        out[name] = {"p50_ms": 1000 * q[49], "p95_ms": 1000 * q[94], "first_ms": 1000 * first,
                     "rps": len(lat) / wall}
    return out


def run() -> list[tuple[str, str | float]]:
    from bench_web import _start

    with tempfile.TemporaryDirectory(prefix="nianbao-bench-region-") as d:
        tmp = Path(d)
        db = f"sqlite:///{tmp}/region.db"
        info = build(db)
        proc, port = _start(db, tmp)
        try:
            views = measure_views(port, info)
        finally:
            proc.terminate()
            proc.wait(10)
    rows: list[tuple[str, str | float]] = [
        (f"store: {info['reports']} reports of {info['year']}, {len(info['cities'])} cities — generate (s)",
         round(info["generate_s"], 1)),
        ("store: audit + save of every report (s)", round(info["save_s"], 1)),
        (f"regional pass over the year, {info['pass_audited']} reports (batch, s)", round(info["pass_s"], 1)),
    ]
    for name, m in views.items():
        if "error" in m:
            rows.append((f"web {name}", f"(failed: {m['error']})"))
            continue
        rows.append((f"web {name} p95 / p50, {CLIENTS} clients (ms; goal p95 ≤ 100)",
                     f"{m['p95_ms']:.1f} / {m['p50_ms']:.1f}"))
        rows.append((f"web {name} first request (ms)", round(m["first_ms"], 1)))
    return rows


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    if len(sys.argv) > 1:          # a smaller store for a quick look: bench_region.py 500
        REPORTS = int(sys.argv[1])
    for what, fig in run():
        print(f"{what}: {fig}")
