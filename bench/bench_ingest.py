"""Batch ingest of 1,000 generated reports (text layouts and up to one in ten
as DOCX, as many as a 20 s rendering budget allows) into a
fresh SQLite file and a fresh PostgreSQL database: wall time, reports/s, and the idempotent re-run.

Measures `nianbao.ingest.ingest` with -j = CPU count (parse + audit in workers, the parent writes one
transaction per report, the cross-year rules against the store). PostgreSQL: $NIANBAO_TEST_PG or
postgres@127.0.0.1:5432/test (trust auth); skipped with a note when it is not reachable.
"""
from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

N = int(os.environ.get("NIANBAO_BENCH_INGEST_N", "1000"))
DOCX_SHARE = 0.1
DOCX_BUDGET_S = float(os.environ.get("NIANBAO_BENCH_DOCX_BUDGET", "20"))
PG_ADMIN = os.environ.get("NIANBAO_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _write_corpus(folder: Path) -> tuple[int, int]:
    from corpus import text_corpus

    corpus = text_corpus(N)
    try:
        from nianbao.generate.docx import render_docx
    except ImportError:
        render_docx = None
    # every tenth file as DOCX, within a rendering budget (python-docx rendering can take seconds)
    n_docx, spent = 0, 0.0
    every = int(1 / DOCX_SHARE)
    for i, (name, data, report) in enumerate(corpus):
        if render_docx is not None and i % every == every - 1 and spent < DOCX_BUDGET_S:
            t = time.perf_counter()
            (folder / (Path(name).stem + ".docx")).write_bytes(render_docx(report))
            spent += time.perf_counter() - t
            n_docx += 1
        else:
            (folder / name).write_bytes(data)
    return len(corpus) - n_docx, n_docx


def _ingest(url: str, folder: Path) -> list[tuple[str, str]]:
    from nianbao.ingest import ingest
    from nianbao.library import history_rules
    from nianbao.store import open_store

    jobs = os.cpu_count() or 1
    with open_store(url, history_rules=history_rules) as store:     # as the Library opens it: X rules too
        t = time.perf_counter()
        res = ingest([folder], store, jobs=jobs)
        wall = time.perf_counter() - t
        t = time.perf_counter()
        again = ingest([folder], store, jobs=jobs)
        rerun = time.perf_counter() - t
    stored = res.count("stored")
    return [(f"-j {jobs}: stored / failed", f"{stored} / {res.count('failed')}"),
            ("wall time (s)", f"{wall:.1f}"),
            ("reports/s", f"{stored / wall:.1f}"),
            ("re-run, all known (s)", f"{rerun:.2f} ({again.count('duplicate')} duplicates)")]


def run() -> list[tuple[str, str]]:
    from sqlalchemy import create_engine, text

    out: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        n_text, n_docx = _write_corpus(folder)
        out.append(("corpus: text / docx files", f"{n_text} / {n_docx}"))
        out += [(f"SQLite {w}", f) for w, f in _ingest(f"sqlite:///{Path(tmp) / 'bench.db'}", folder)]
        try:
            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text("SELECT 1"))
        except Exception as e:  # noqa: BLE001
            out.append(("PostgreSQL", f"skipped: not reachable ({type(e).__name__})"))
            return out
        name = f"nianbao_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = admin.url.set(database=name).render_as_string(hide_password=False)
            out += [(f"PostgreSQL {w}", f) for w, f in _ingest(url, folder)]
        finally:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    return out


if __name__ == "__main__":
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    for what, fig in run():
        print(f"{what}: {fig}")
