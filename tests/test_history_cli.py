"""`nianbao audit FILE --db URL` and Library.audit: the cross-year rules against the stored previous year."""
from __future__ import annotations

import json
import random
import subprocess
import sys

from nianbao.generate import random_agency, random_report
from nianbao.generate.text import render_bytes
from nianbao.store import open_store
from store_support import db_url, store  # noqa: F401  (fixtures)

CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]


def _pair(seed=3):
    rng = random.Random(seed)
    ag = random_agency(rng, "county_dept")
    prev = random_report(rng, year=2022, agency=ag)
    cur = random_report(rng, year=2023, agency=ag)
    prev.tables.applications["carried_forward"].total = (cur.tables.applications["carried_over"].total or 0) + 4
    prev.source.sha256 = "a" * 64
    return prev, cur


def test_audit_with_db_compares_with_the_stored_previous_year(db_url, tmp_path):
    prev, cur = _pair()
    s = open_store(db_url)
    pid = s.save_report(prev).report_id
    s.close()
    f = tmp_path / "cur.txt"
    f.write_bytes(render_bytes(cur, "tabs", seed=1))
    p = subprocess.run([*CLI, "audit", str(f), "--db", db_url, "--json", "--fail-on", "never"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    x = [f for f in json.loads(p.stdout)["findings"] if f["code"] == "X001"]
    assert any(f["data"]["col"] == "total" and f["data"]["previous"]["report_id"] == pid for f in x)
    # without --db there is no previous year, so no cross-year finding
    p = subprocess.run([*CLI, "audit", str(f), "--json", "--fail-on", "never"], capture_output=True, text=True,
                       timeout=120)
    assert not [f for f in json.loads(p.stdout)["findings"] if f["code"].startswith("X")]


def test_library_audit_saves_nothing(store):
    from nianbao.library import Library

    prev, cur = _pair(4)
    store.save_report(prev)
    out = Library(store=store).audit(cur)
    assert any(f.code == "X001" for f in out.findings)
    assert store.count_reports(current=None) == 1
    assert store.previous_report(prev) is None
