"""The application façade (nianbao.library.Library) is the one way in: the store is persistence
only (it imports no audit and runs no rule unless the façade hands it the cross-year rules), the
web's backend asks the façade, not the store's tables."""
from __future__ import annotations

import ast
import random
import subprocess
import sys
from pathlib import Path

from nianbao.generate import random_agency, random_report
from nianbao.library import Library
from store_support import db_url, store  # noqa: F401  (fixtures)

SRC = Path(__file__).resolve().parents[1] / "src" / "nianbao"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved against its package."""
    pkg = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = pkg.split(".")
            mod = node.module or ""
            if node.level:
                base = base[: len(base) - node.level + 1]
                full = ".".join([*base, mod] if mod else base)
            else:
                full = mod
            out.add(full)
            out.update(f"{full}.{a.name}" for a in node.names)
    return out


def test_store_package_imports_nothing_from_audit_or_api():
    bad = {f"{p.relative_to(SRC)}: {m}" for p in (SRC / "store").rglob("*.py") for m in _imports(p)
           if m.startswith(("nianbao.audit", "nianbao.api", "nianbao.library", "nianbao.ingest"))}
    assert not bad, bad


def test_importing_and_using_the_store_loads_no_audit_module(tmp_path):
    code = (
        "import random, sys\n"
        "from nianbao.generate import random_agency, random_report\n"
        "before = {m for m in sys.modules if m.startswith(('nianbao.audit', 'nianbao.api'))}\n"
        "from nianbao.store import open_store\n"
        "rng = random.Random(1); ag = random_agency(rng, 'county_dept')\n"
        f"s = open_store('sqlite:///{tmp_path / 'x.db'}')\n"
        "for y in (2022, 2023, 2024):\n"
        "    r = random_report(rng, year=y, agency=ag); r.source.sha256 = f'{y:064x}'\n"
        "    s.save_report(r)\n"
        "s.delete_report(2)\n"
        "after = {m for m in sys.modules if m.startswith(('nianbao.audit', 'nianbao.api'))}\n"
        "print(sorted(after - before))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


def _pair(seed: int):
    rng = random.Random(seed)
    ag = random_agency(rng, "county_dept")
    prev, cur = random_report(rng, year=2022, agency=ag), random_report(rng, year=2023, agency=ag)
    prev.tables.applications["carried_forward"].total = (cur.tables.applications["carried_over"].total or 0) + 5
    prev.source.sha256, cur.source.sha256 = "b" * 64, "c" * 64
    return prev, cur


def test_store_without_the_auditor_keeps_findings_as_given(store):
    prev, cur = _pair(7)
    assert store.history_rules is None
    store.save_report(prev)
    rc = store.save_report(cur)
    assert not store.findings(report_ids=[rc.report_id], code="X")


def test_library_hands_the_store_the_cross_year_rules(store):
    prev, cur = _pair(8)
    lib = Library(store=store)
    assert store.history_rules is not None
    rc = lib.add_report(cur, user="甲")
    assert not store.findings(report_ids=[rc], code="X001")
    rp = lib.add_report(prev, user="甲")          # the earlier year arrives later: the next one is re-audited
    x = store.findings(report_ids=[rc], code="X001")
    assert x and all(f["data"]["previous"]["report_id"] == rp for f in x)
    assert lib.delete(rp, user="甲", reason="重复上传")   # and deleting it takes them away again
    assert not store.findings(report_ids=[rc], code="X")


def test_delete_and_restore_are_in_the_trail_and_the_archive_is_one_transaction(store):
    prev, cur = _pair(9)
    lib = Library(store=store)
    rid = lib.add_report(cur, user="甲")
    record = lib.delete(rid, user="乙", reason="传错文件")
    assert lib.store.get_info(rid) is None
    deleted = lib.review.deleted(1)[0]
    assert deleted["id"] == record and deleted["report_id"] == rid and deleted["deleted_by"] == "乙" and deleted["reason"] == "传错文件"
    new = lib.restore(deleted["id"], user="丙")
    assert lib.store.get_info(new).sha256 == "c" * 64
    actions = [(e["action"], e["user"]) for e in lib.trail(agency_id=lib.store.get_info(new).agency_id, year=2023)]
    assert ("delete", "乙") in actions and ("restore", "丙") in actions
    delete = next(e for e in lib.trail(agency_id=lib.store.get_info(new).agency_id, year=2023)
                  if e["action"] == "delete")
    assert delete["before"]["report_id"] == rid and delete["comment"] == "传错文件"
    assert lib.delete(10**6, user="乙") is None    # unknown: nothing archived, nothing trailed
    assert lib.review.deleted(5)[0]["report_id"] == rid


def test_one_parse_pool_for_web_uploads_survives_a_killed_worker(tmp_path):
    import os
    import signal

    from nianbao.errors import InputError
    from nianbao.generate import sample_reports
    from nianbao.generate.text import render_bytes
    from nianbao.ingest import ParsePool

    reports = sample_reports(2, seed=4)
    data = [render_bytes(r, "tabs", seed=i) for i, r in enumerate(reports)]
    lib = Library(f"sqlite:///{tmp_path / 'p.db'}", data_dir=tmp_path / "files", workers=1)
    try:
        assert isinstance(lib.pool, ParsePool)          # the ingest's pool class: one implementation
        first = lib.add_file(data[0], "a.txt", user="甲")
        assert not first["duplicate"]
        for pid in list(lib.pool._pool._processes):     # the worker dies (OOM killer, a crashing library)
            os.kill(pid, signal.SIGKILL)
        second = lib.add_file(data[1], "b.txt", user="甲")    # parsed afresh, not failed
        assert second["report_id"] != first["report_id"] and not second["duplicate"]
        try:
            lib.add_file(b"\x00not a report", "c.txt", user="甲")
            raise AssertionError("no InputError")
        except InputError as e:
            assert e.file == "c.txt" and e.message
        assert lib.original(second["report_id"])[0] == data[1]
    finally:
        lib.close()


def test_web_backend_asks_the_library_not_the_store_tables():
    mods = _imports(SRC / "web" / "backend.py")
    assert not {m for m in mods if m.startswith(("sqlalchemy", "nianbao.store.models", "nianbao.store.review_models",
                                                 "nianbao.ingest", "nianbao.export"))}
    src = (SRC / "web" / "backend.py").read_text(encoding="utf-8")
    assert "self.store." not in src          # every read and write goes through self.library


def test_web_backend_over_the_library_pages_and_fingerprints_reports(store):
    from nianbao.web.backend import Backend

    prev, cur = _pair(11)
    lib = Library(store=store)
    b = Backend(lib)
    rid = lib.add_report(cur, user="甲")
    v1 = b.version(rid)
    lib.add_report(prev, user="甲")              # re-audits the later year: its page changes
    assert b.version(rid) != v1 and b.version(10**6) is None
    assert [s.id for s in b.summaries(year=2023)] == [rid]
    assert b.get(rid)[0].rules.get("X001")


def _timed(item):
    """A worker's work for the pool test: when it ran (start, end) and where."""
    import os
    import time

    t0 = time.monotonic()
    time.sleep(0.2)
    return (item, t0, time.monotonic(), os.getpid())


def test_parse_pool_bounds_what_is_in_flight_by_bytes():
    from nianbao.ingest import ParsePool

    seen: list[int] = []          # files in flight (not yet done) at each submit

    class Counting(ParsePool):
        def _executor(self):
            ex = super()._executor()
            if not getattr(ex, "counted", False):
                submit, futures = ex.submit, []

                def counting(*a, **kw):
                    seen.append(sum(not f.done() for f in futures))
                    futures.append(submit(*a, **kw))
                    return futures[-1]

                ex.submit, ex.counted = counting, True
            return ex

    pool = Counting(2)
    try:
        got: list = []
        pool.map(range(4), _timed, lambda item, r: got.append(r), name=str, size=lambda _: 10, max_bytes=5)
        assert [g[0] for g in got] == [0, 1, 2, 3] and seen == [0, 0, 0, 0]     # over the bound: one at a time
        seen.clear()
        both: list = []
        pool.map(range(4), _timed, lambda item, r: both.append(r), name=str, size=lambda _: 1, max_bytes=100)
        assert sorted(g[0] for g in both) == [0, 1, 2, 3] and max(seen) >= 1  # within it: several at once
    finally:
        pool.shutdown()
