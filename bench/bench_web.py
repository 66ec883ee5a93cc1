"""Web bench: report page latency with 20 concurrent clients on loopback.

Starts `nianbao serve` on a free 127.0.0.1 port over a temporary SQLite store holding
synthetic reports (audited, with findings), then 20 client threads with keep-alive
connections request report pages — a bounded number of requests in all — and the
p50/p95 latency and throughput are reported. Target: p95 ≤ 100 ms.

    .venv/bin/python bench/bench_web.py
"""
from __future__ import annotations

import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

CLIENTS = 20
REQUESTS = 600            # in all, shared by the clients
REPORTS = 50
CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(db: str, n: int) -> list[int]:
    from nianbao import api
    from nianbao.generate.synthetic import perturb, random_report
    from nianbao.store import open_store

    rng = random.Random(7)
    ids = []
    with open_store(db) as store:
        for i in range(n):
            r = random_report(rng, year=2023)
            if i % 2:
                r, _ = perturb(r, rng)
            ids.append(store.save_report(api.audit(r)).report_id)
    return ids


def _start(db: str, tmp: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    proc = subprocess.Popen([*CLI, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port),
                             "--data-dir", str(tmp / "files")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/session", timeout=1)
            return proc, port
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("server did not start: " + proc.stderr.read().decode()[-2000:])
            time.sleep(0.2)


def _client(port: int, paths: list[str], out: list[float], errors: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for p in paths:
        t = time.perf_counter()
        try:
            conn.request("GET", p)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append(f"{p}: {resp.status}")
        except (OSError, http.client.HTTPException) as e:
            errors.append(f"{p}: {e}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        out.append(time.perf_counter() - t)
    conn.close()


def measure(clients: int = CLIENTS, requests: int = REQUESTS, reports: int = REPORTS) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        db = f"sqlite:///{tmp}/bench.db"
        ids = _seed(db, reports)
        proc, port = _start(db, tmp)
        try:
            rng = random.Random(1)
            paths = [f"/reports/{rng.choice(ids)}" for _ in range(requests)]
            cold = []
            for i in ids:              # first view of each report: rendered (then cached per report version)
                t = time.perf_counter()
                urllib.request.urlopen(f"http://127.0.0.1:{port}/reports/{i}").read()
                cold.append(time.perf_counter() - t)
            lat: list[float] = []
            errors: list[str] = []
            per = [paths[i::clients] for i in range(clients)]
            threads = [threading.Thread(target=_client, args=(port, ps, lat, errors)) for ps in per]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
        finally:
            proc.terminate()
            proc.wait(10)
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    lat.sort()
    q = statistics.quantiles(lat, n=100)
    return {"p50_ms": 1000 * q[49], "p95_ms": 1000 * q[94], "max_ms": 1000 * lat[-1],
            "rps": len(lat) / wall, "requests": len(lat), "first_view_ms": 1000 * statistics.median(cold[1:])}


def run() -> list[tuple[str, float]]:
    m = measure()
    return [
        (f"web report page p95 latency, {CLIENTS} clients (ms)", round(m["p95_ms"], 1)),
        (f"web report page p50 latency, {CLIENTS} clients (ms)", round(m["p50_ms"], 1)),
        ("web report pages per second", round(m["rps"], 1)),
        ("web report page first view, one client, median (ms)", round(m["first_view_ms"], 1)),
    ]


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    for name, fig in run():
        print(f"{name}: {fig}")
