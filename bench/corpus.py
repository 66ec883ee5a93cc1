"""The bench corpus, shared by every bench module: synthetic reports rendered as the files a
reviewer receives (mixed text layouts and styles), generated once per process.

    from corpus import text_corpus
    for name, data, report in text_corpus(1000): ...

`report` is the model the file was rendered from (what parsing must give back), so a bench of
the audit, the store or the exports can start from it without parsing again.
"""
from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Iterable
from functools import lru_cache

from nianbao.generate.synthetic import random_report
from nianbao.generate.text import LAYOUTS, Style, file_name, render_bytes
from nianbao.model import Report


@lru_cache(maxsize=4)
def text_corpus(n: int = 1000, seed: int = 2024) -> tuple[tuple[str, bytes, Report], ...]:
    """`n` (file name, bytes, model) triples: a third per layout, each with a random style."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        report = random_report(rng, nonzero=rng.random() < 0.8, blanks=rng.choice([0.0] * 8 + [0.02]))
        layout = LAYOUTS[i % len(LAYOUTS)]
        out.append((file_name(report, layout, i), render_bytes(report, layout, Style.random(rng), seed=i), report))
    return tuple(out)


def timed(fn: Callable, items: Iterable) -> list[float]:
    """Seconds `fn(item)` took, one per item (wall clock, single process)."""
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t)
    return out


def summary(seconds: list[float]) -> dict[str, float]:
    """Per-item figures of a list of timings: items per second, mean, median and p95 in ms."""
    q = statistics.quantiles(seconds, n=100) if len(seconds) > 1 else seconds * 99
    total = sum(seconds)
    return {"per_second": len(seconds) / total if total else float("inf"),
            "mean_ms": 1000 * total / len(seconds), "p50_ms": 1000 * q[49], "p95_ms": 1000 * q[94]}
