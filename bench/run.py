"""`make bench`: run every bench module in bench/ and print their figures (never pass/fail).

A bench module is bench/bench_<what>.py with

    def run() -> list[tuple[str, str | float]]:    # (what was measured, the figure)

It may build its input from bench/corpus.py (`text_corpus(n)`: rendered synthetic reports with
their models; `timed`, `summary` for per-item timings); a web bench from bench/webload.py
(`bench_store(n)`: a cached store of n audited synthetic reports, `serve(db)`: `nianbao serve` over
a copy, `measure(base, path, clients=20)`: p50/p95 latency, req/s and server CPU per request).
Adding a bench is adding a file: modules run in name order, each in this process; one that fails
prints its error as its figure and the others still run.

    .venv/bin/python bench/run.py              # all modules
    .venv/bin/python bench/run.py parse audit  # only bench_parse.py and bench_audit.py
"""
from __future__ import annotations

import importlib
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def modules(selected: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if selected:
        names = [n for n in names if n.removeprefix("bench_") in selected or n in selected]
    return names


def ingest_memory(selected: list[str]) -> list[tuple[str, str, str, str]]:
    """Peak memory of a whole `nianbao ingest -j 2` (the parent and its workers, sampled from /proc
    every 20 ms) over a mixed batch: 300 synthetic text reports, every fixture format (PDF, DOCX,
    HTML, text) 5 times over, and 8 pathological files of 40 MB (text without a line break, one
    gigantic HTML cell). Aim: under 1 GB whatever the batch. Rows for the bench table."""
    import os
    import subprocess
    import tempfile

    if selected and "memory" not in selected:
        return []
    if not Path("/proc/self/status").exists():
        return [("memory", "peak RSS of ingest -j 2", "(needs Linux /proc)", "")]
    from corpus import text_corpus

    def tree_rss_kb(pid: int) -> tuple[int, int]:
        """(sum of RSS over `pid` and its descendants, the parent's own RSS), in kB."""
        kids: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                status = (d / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            kids.setdefault(int(fields["PPid"].strip()), []).append(int(d.name))
            rss[int(d.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
        total, todo = 0, [pid]
        while todo:
            p = todo.pop()
            total += rss.get(p, 0)
            todo += kids.get(p, [])
        return total, rss.get(pid, 0)

    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-mem-") as tmp:
        folder = Path(tmp, "in")
        folder.mkdir()
        for name, data, _ in text_corpus(300):
            (folder / name).write_bytes(data)
        fixtures = HERE.parent / "tests/fixtures/formats"
        for i in range(5):
            for f in fixtures.iterdir():
                if f.suffix in (".pdf", ".docx", ".html", ".txt"):
                    (folder / f"{i}_{f.name}").write_bytes(f.read_bytes() + (b"\n" * i if f.suffix == ".txt" else b""))
        for i in range(8):
            if i % 2:
                (folder / f"huge{i}.html").write_bytes(b"<html><body><table><tr><td>"
                                                       + "公开".encode() * (40 * 2**20 // 6) + b"</td></tr></table>")
            else:
                (folder / f"huge{i}.txt").write_bytes(("政府信息公开|0\t" + str(i)).encode() * (40 * 2**20 // 20))
        n_files = sum(1 for _ in folder.iterdir())
        batch_mb = sum(f.stat().st_size for f in folder.iterdir()) // 2**20
        proc = subprocess.Popen([sys.executable, "-c", "from nianbao.cli import main; main()", "ingest", str(folder),
                                 "--db", str(Path(tmp, "n.db")), "-j", "2", "--json"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
        peak = parent = 0
        while proc.poll() is None:
            total, own = tree_rss_kb(proc.pid)
            peak, parent = max(peak, total), max(parent, own)
            time.sleep(0.02)
    took = f"{time.perf_counter() - t:.1f}"
    return [("memory", f"peak RSS, ingest -j 2 of {n_files} files ({batch_mb} MB), parent + workers",
             f"{peak // 1024} MB (aim < 1024)", took),
            ("", "peak RSS of the ingest parent alone", f"{parent // 1024} MB", "")]


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    from rich.console import Console
    from rich.table import Table

    console = Console()
    rows: list[tuple[str, str, str, str]] = []
    for name in modules(argv):
        t = time.perf_counter()
        try:
            figures = importlib.import_module(name).run()
        except Exception as e:  # a broken bench must not hide the others' figures
            traceback.print_exc(file=sys.stderr)
            figures = [("(failed)", f"{type(e).__name__}: {e}")]
        took = f"{time.perf_counter() - t:.1f}"
        for i, (what, fig) in enumerate(figures):
            rows.append((name.removeprefix("bench_") if i == 0 else "", what, str(fig), took if i == 0 else ""))
        console.print(f"[dim]{name} done in {took} s[/dim]", highlight=False)
    rows += ingest_memory(argv)
    table = Table(title=f"nianbao bench — Python {platform.python_version()}, {platform.machine()}")
    for col, justify in (("bench", "left"), ("measure", "left"), ("figure", "right"), ("s", "right")):
        table.add_column(col, justify=justify)
    for r in rows:
        table.add_row(*r)
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
