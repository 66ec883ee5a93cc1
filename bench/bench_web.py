"""Web bench: latency of the dashboard, report pages and the lists at 5,000 reports under 20
concurrent clients.

Builds (once, cached: bench/webload.py) a SQLite store of 5,000 audited synthetic reports — models
generated and saved through the store, no parsing — across five years, the newest holding one
report; starts `nianbao serve` over a copy; then, per endpoint, 20 keep-alive client threads share
a bounded number of GETs and the p50/p95 latency, throughput and the server's CPU time per request
are printed (latency depends on what else the machine runs — the load average is printed with it;
CPU per request does not). Aim: p95 ≤ 100 ms. It prints figures, never fails on a slow machine.

    .venv/bin/python bench/bench_web.py              # or: make bench / bench/run.py web
    NIANBAO_BENCH_REPORTS=500 .venv/bin/python bench/bench_web.py
"""
from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from webload import bench_store, measure, serve  # noqa: E402

CLIENTS = 20
REQUESTS = 400            # per endpoint, shared by the clients
REPORTS = int(os.environ.get("NIANBAO_BENCH_REPORTS", "5000"))


def _ids(db: Path) -> tuple[list[int], int]:
    with sqlite3.connect(db) as c:
        ids = [i for (i,) in c.execute("SELECT id FROM report WHERE is_current")]
        agencies = c.execute("SELECT count(*) FROM agency").fetchone()[0]
    return ids, agencies


def endpoints(ids: list[int]) -> list[tuple[str, object, int]]:
    """(name, path(rng), warm-up requests): what a reviewer's browser and an API client ask most."""
    pages = max(1, len(ids) // 50)
    return [
        ("dashboard (busiest year)", lambda rng: "/dashboard", 1),
        ("dashboard, 全部年度, a random page", lambda rng: f"/dashboard?year=all&page={rng.randint(1, pages)}", 1),
        ("report page, a random one of all (mostly first views)", lambda rng: f"/reports/{rng.choice(ids)}", 0),
        ("report page, one of 200 viewed before", lambda rng: f"/reports/{rng.choice(ids[:200])}", 600),
        ("/api/reports default page", lambda rng: "/api/reports", 1),
        ("/api/reports, a random page", lambda rng: f"/api/reports?page={rng.randint(1, pages)}", 0),
        ("index page /, a random page", lambda rng: f"/?page={rng.randint(1, max(1, len(ids) // 200))}", 0),
    ]


def run() -> list[tuple[str, str]]:
    db = bench_store(REPORTS)
    ids, agencies = _ids(db)
    load = f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs" if hasattr(os, "getloadavg") else ""
    out: list[tuple[str, str]] = [(f"{len(ids)} current reports, {agencies} agencies; {CLIENTS} clients, "
                                   f"{REQUESTS} GETs per endpoint", load)]
    with serve(db) as base:
        for name, path, warm in endpoints(ids):
            m = measure(base, path, clients=CLIENTS, requests=REQUESTS, warm=warm)
            cpu = f", CPU {m['cpu_ms']:.1f} ms/req" if m["cpu_ms"] is not None else ""
            out.append((f"{name}: p50 / p95 latency",
                        f"{m['p50_ms']:.0f} / {m['p95_ms']:.0f} ms ({m['rps']:.0f} req/s{cpu})"))
    return out


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    for what, fig in run():
        print(f"{what}: {fig}" if fig else what)
