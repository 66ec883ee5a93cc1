"""`make bench`: run every bench module in bench/ and print their figures (never pass/fail).

A bench module is bench/bench_<what>.py with

    def run() -> list[tuple[str, str | float]]:    # (what was measured, the figure)

It may build its input from bench/corpus.py (`text_corpus(n)`: rendered synthetic reports with
their models; `timed`, `summary` for per-item timings). Modules run in name order, each in this
process; one that fails prints its error as its figure and the others still run.

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
    table = Table(title=f"nianbao bench — Python {platform.python_version()}, {platform.machine()}")
    for col, justify in (("bench", "left"), ("measure", "left"), ("figure", "right"), ("s", "right")):
        table.add_column(col, justify=justify)
    for r in rows:
        table.add_row(*r)
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
