"""Audit cost per report: every rule of the catalog on parsed reports (no previous year).

    .venv/bin/python bench/bench_audit.py [N]
"""
from __future__ import annotations

import sys

from corpus import summary, text_corpus, timed

from nianbao import api

N = 1000


def run(n: int = N) -> list[tuple[str, str]]:
    parsed = [api.parse_bytes(data, name) for name, data, _ in text_corpus(n)]
    for r in parsed[:20]:
        api.audit(r.model_copy(deep=True))
    s = summary(timed(api.audit, parsed))
    findings = sum(len(r.findings) for r in parsed)
    return [
        (f"audit: reports per second (1 process, {n} parsed reports)", f"{s['per_second']:.0f}"),
        ("audit: per report mean / p95 (ms)", f"{s['mean_ms']:.2f} / {s['p95_ms']:.2f}"),
        ("audit: findings per report", f"{findings / n:.1f}"),
    ]


if __name__ == "__main__":
    for name, fig in run(int(sys.argv[1]) if len(sys.argv) > 1 else N):
        print(f"{name}: {fig}")
