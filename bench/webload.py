"""Load helpers for the web benches: a store of N synthetic reports, `nianbao serve` over it, and
concurrent keep-alive clients measuring p50/p95 latency per endpoint.

    from webload import bench_store, serve, measure
    db = bench_store(5000)                               # built once, cached under the temp directory
    with serve(db) as base:                              # http://127.0.0.1:<port>
        m = measure(base, lambda rng: "/dashboard", clients=20, requests=400)
        m["p95_ms"], m["p50_ms"], m["rps"]

Another bench (bench_region.py, …) reuses these: `bench_store(n)` gives the same store for the
same n, so two benches measure over the same data.
"""
from __future__ import annotations

import dataclasses
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]
CACHE = Path(tempfile.gettempdir()) / "nianbao-bench"
SEED_VERSION = 3          # bump when the seeding below changes: cached stores are rebuilt


def _years_plan(n: int) -> list[tuple[int, int]]:
    """(agency index, year) for n reports: most agencies report 2021–2023, most of them 2020 too,
    and one agency already 2024 — the newest year holds a single report, as early in a year."""
    agencies = max(1, (n - 1 + 3) // 4)
    plan = [(a, y) for y in (2021, 2022, 2023) for a in range(agencies)]
    plan += [(a, 2020) for a in range(agencies)]
    plan = plan[:max(0, n - 1)] + [(0, 2024)]
    return plan[:n]


def _fast_sqlite(engine) -> None:
    """The bench's own store is throwaway: commits need not reach the disk while it is built."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _off(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA synchronous=OFF")

    engine.dispose()


def build_store(path: Path, n: int, seed: int = 7) -> dict[str, int]:
    """n audited synthetic reports (generated models, saved through the store: no parsing),
    about 1 in 2 with a broken cell, some with blank cells or text that disagrees with a table."""
    from nianbao import api
    from nianbao.generate.synthetic import perturb, random_agency, random_report
    from nianbao.store import open_store

    rng = random.Random(seed)
    plan = _years_plan(n)
    need = max(a for a, _ in plan) + 1
    agencies, names = [], set()
    while len(agencies) < need:
        ag = random_agency(rng)
        if ag.name not in names:
            names.add(ag.name)
            agencies.append(ag)
        elif len(names) > 50 and rng.random() < 0.02:       # the generator's names run out: number one
            ag = dataclasses.replace(ag, name=f"{ag.name}第{len(agencies)}分局")
            names.add(ag.name)
            agencies.append(ag)
    findings = 0
    with open_store(f"sqlite:///{path}") as store:
        _fast_sqlite(store.engine)
        for i, (a, year) in enumerate(plan):
            r = random_report(rng, year=year, agency=agencies[a], blanks=0.01 if i % 3 == 0 else 0.0,
                              consistent=i % 4 != 0)
            if i % 2:
                r, _ = perturb(r, rng)
            api.audit(r)
            findings += len(r.findings)
            store.save_report(r, history=False)
        # two generated agencies may be one after name normalisation (a version, not a new report):
        # top up with new agencies' 2022 reports until n are current
        while (reports := store.count_reports()) < n:
            for _ in range(n - reports):
                r = api.audit(random_report(rng, year=2022))
                findings += len(r.findings)
                store.save_report(r, history=False)
    return {"reports": reports, "findings": findings, "agencies": need}


def bench_store(n: int) -> Path:
    """A SQLite store of n reports, built on first use and kept under the temp directory (a bench
    run copies it, so runs never see each other's writes)."""
    from nianbao.store import db

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"web-{n}-v{SEED_VERSION}-{db.head_revision()}.db"
    if not path.exists():
        tmp = path.with_suffix(".building")
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)
        build_store(tmp, n)
        tmp.rename(path)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(str):
    """The server's base URL (a str), with its process id for `cpu_seconds`."""
    pid: int


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) the process has used so far; None where /proc is not there. Unlike
    latency it does not depend on what else the machine runs."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float | None:
    """cpu_seconds of the process and all its descendants (nianbao serve runs several server
    processes, each with its parse workers)."""
    total, stack = 0.0, [pid]
    while stack:
        p = stack.pop()
        got = cpu_seconds(p)
        if got is None:
            if p == pid:
                return None
            continue                # ended since it was listed
        total += got
        try:
            for t in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (t / "children").read_text().split()]
        except OSError:
            pass
    return total


def _settled(pid: int, limit: float = 120.0) -> None:
    """Wait until the server's processes are idle (under 5% of a CPU for a second): each warms its
    caches in the background after it starts (web/warm.py); the figures are of a server at work,
    not of one still starting."""
    end = time.monotonic() + limit
    before = tree_cpu_seconds(pid)
    while before is not None and time.monotonic() < end:
        time.sleep(1.0)
        now = tree_cpu_seconds(pid)
        if now is None or now - before < 0.05:
            return
        before = now


@contextmanager
def serve(db: Path) -> Iterator[Server]:
    """`nianbao serve` over a copy of the store at `db`; yields its base URL (with `.pid`)."""
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-web-") as d:
        copy = Path(d) / "store.db"
        shutil.copy(db, copy)
        port = _free_port()
        proc = subprocess.Popen([*CLI, "serve", "--db", f"sqlite:///{copy}", "--host", "127.0.0.1", "--port",
                                 str(port), "--data-dir", str(Path(d) / "files")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env={**os.environ, "PYTHONWARNINGS": "ignore"})
        base = Server(f"http://127.0.0.1:{port}")
        base.pid = proc.pid
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/session", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    proc.kill()
                    raise RuntimeError("server did not start: " + proc.stderr.read().decode()[-2000:])
                time.sleep(0.2)
        _settled(proc.pid)
        try:
            yield base
        finally:
            proc.terminate()
            proc.wait(10)


def _client(base: str, paths: list[str], out: list[float], errors: list[str],
            ready: threading.Barrier | None = None) -> None:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    if ready is not None:
        # a browser keeps its connection: open it (one small request, not counted), then start together
        conn.request("GET", "/api/session")
        conn.getresponse().read()
        ready.wait()
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
            conn = http.client.HTTPConnection(host, int(port), timeout=60)
            continue
        out.append(time.perf_counter() - t)
    conn.close()


def measure(base: str, path: Callable[[random.Random], str], *, clients: int = 20, requests: int = 400,
            warm: int = 0, seed: int = 1) -> dict[str, float]:
    """`requests` GETs of path(rng) shared by `clients` concurrent keep-alive clients (after `warm`
    requests from one client, not counted; each client's connection is open before the clock
    starts): p50, p95, max latency (ms), requests per second, and the server's CPU ms per request."""
    rng = random.Random(seed)
    paths = [path(rng) for _ in range(requests + warm)]
    lat: list[float] = []
    errors: list[str] = []
    if warm:
        _client(base, paths[:warm], [], errors)
    paths = paths[warm:]
    pid = getattr(base, "pid", None)
    ready = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=_client, args=(base, paths[i::clients], lat, errors, ready))
               for i in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    t0, cpu0 = time.perf_counter(), tree_cpu_seconds(pid) if pid else None
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    cpu1 = tree_cpu_seconds(pid) if pid else None
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    lat.sort()
    q = statistics.quantiles(lat, n=100)
    return {"p50_ms": 1000 * q[49], "p95_ms": 1000 * q[94], "max_ms": 1000 * lat[-1], "rps": len(lat) / wall,
            "requests": len(lat),
            "cpu_ms": 1000 * (cpu1 - cpu0) / len(lat) if cpu0 is not None and cpu1 is not None else None}
