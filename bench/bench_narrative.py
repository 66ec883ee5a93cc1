"""Narrative extraction time: `extract_narrative` over the paragraphs of the generated corpus.

The paragraphs are taken once per report (reading and section finding are not timed), so the
figure is the cost of reading the text's facts alone (issue 12: it must not grow).

    .venv/bin/python bench/bench_narrative.py [N]
"""
from __future__ import annotations

import sys
import time

from corpus import summary, text_corpus, timed

from nianbao.extract.narrative import extract_narrative
from nianbao.extract.sections import find_sections
from nianbao.readers import read

N = 300


def _inputs(n: int) -> list[tuple[list, int | None]]:
    out = []
    for name, data, report in text_corpus(n):
        layout = find_sections(read(data, name))
        out.append((layout.narrative(), report.meta.year))
    return out


def run(n: int = N) -> list[tuple[str, str]]:
    inputs = _inputs(n)
    for paras, year in inputs[:20]:             # warm-up: imports, regex compilation
        extract_narrative(paras, year)
    cpu = time.process_time()
    secs = timed(lambda item: extract_narrative(*item), inputs)
    cpu = time.process_time() - cpu
    s = summary(secs)
    facts = sum(len(extract_narrative(p, y)) for p, y in inputs[:50]) / min(50, len(inputs))
    return [
        (f"narrative: ms per report (extract_narrative, {n} reports)", f"{s['mean_ms']:.2f}"),
        ("narrative: CPU ms per report", f"{1000 * cpu / n:.2f}"),
        ("narrative: per report p50 / p95 (ms)", f"{s['p50_ms']:.2f} / {s['p95_ms']:.2f}"),
        ("narrative: facts per report", f"{facts:.1f}"),
    ]


if __name__ == "__main__":
    for name, fig in run(int(sys.argv[1]) if len(sys.argv) > 1 else N):
        print(f"{name}: {fig}")
