"""Parse throughput: text reports (mixed layouts and styles, ~8 KB each) → model, one process.

    .venv/bin/python bench/bench_parse.py [N]
"""
from __future__ import annotations

import sys
import time

from corpus import summary, text_corpus, timed

from nianbao import api

N = 1000


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
    ]


if __name__ == "__main__":
    for name, fig in run(int(sys.argv[1]) if len(sys.argv) > 1 else N):
        print(f"{name}: {fig}")
