"""Parse throughput: text reports (mixed layouts and styles, ~8 KB each) → model, one process;
and where a parse's CPU time goes, per stage (read, sections/meta, tables, narrative, the rest of
extract), with the audit's beside it (issues 11 and 12: no stage may grow).

    .venv/bin/python bench/bench_parse.py [N]
"""
from __future__ import annotations

import sys
import time

from corpus import summary, text_corpus, timed

from nianbao import api

N = 1000


# The stages of a parse, as `api.parse_bytes` and `extract` call them: (module, function, stage).
STAGES = (("nianbao.api", "read", "read"), ("nianbao.extract", "find_sections", "sections/meta"),
          ("nianbao.extract", "find_meta", "sections/meta"), ("nianbao.extract", "extract_tables", "tables"),
          ("nianbao.extract", "extract_narrative", "narrative"))


def stage_cpu(corpus) -> dict[str, float]:
    """CPU ms per report of each stage (one more pass, each stage's function wrapped by a CPU
    clock; "rest" is the parse outside them: building the Report, applying the tables), and of
    the audit of the parsed reports. CPU time: comparable on a machine other processes share."""
    import importlib

    spent: dict[str, float] = {}
    saved = []

    def clocked(fn, stage):
        def wrapper(*a, **k):
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[stage] = spent.get(stage, 0.0) + time.process_time() - t
        return wrapper

    for mod_name, fn_name, stage in STAGES:
        mod = importlib.import_module(mod_name)
        saved.append((mod, fn_name, getattr(mod, fn_name)))
        setattr(mod, fn_name, clocked(getattr(mod, fn_name), stage))
    try:
        t = time.process_time()
        reports = [api.parse_bytes(data, name) for name, data, _ in corpus]
        total = time.process_time() - t
    finally:
        for mod, fn_name, fn in saved:
            setattr(mod, fn_name, fn)
    t = time.process_time()
    for r in reports:
        api.audit(r)
    out = {k: 1000 * v / len(corpus) for k, v in spent.items()}
    out["rest"] = 1000 * (total - sum(spent.values())) / len(corpus)
    out["audit"] = 1000 * (time.process_time() - t) / len(corpus)
    return out


def run(n: int = N) -> list[tuple[str, str]]:
    corpus = text_corpus(n)
    for name, data, _ in corpus[:20]:           # warm-up: imports, regex compilation
        api.parse_bytes(data, name)
    cpu = time.process_time()
    secs = timed(lambda item: api.parse_bytes(item[1], item[0]), corpus)
    cpu = time.process_time() - cpu
    s = summary(secs)
    size = sum(len(d) for _, d, _ in corpus)
    return [
        (f"parse: text reports per second (1 process, {n} reports)", f"{s['per_second']:.0f}"),
        # CPU time does not count the time other processes take the core: comparable on a busy machine
        ("parse: reports per CPU-second", f"{n / cpu:.0f}"),
        ("parse: MB of text per second", f"{size / sum(secs) / 1e6:.2f}"),
        ("parse: mean report size (KB)", f"{size / n / 1024:.1f}"),
        ("parse: per report p50 / p95 (ms)", f"{s['p50_ms']:.1f} / {s['p95_ms']:.1f}"),
    ] + [(f"parse: CPU ms per report — {stage}", f"{ms:.2f}") for stage, ms in stage_cpu(corpus).items()]


if __name__ == "__main__":
    for name, fig in run(int(sys.argv[1]) if len(sys.argv) > 1 else N):
        print(f"{name}: {fig}")
