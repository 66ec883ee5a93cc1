"""Compare: indicators of one agency over years and of a region's agencies, sortable. Both databases."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest

from nianbao.compare import agency_years, region_year, sort_rows
from nianbao.generate import random_agency, random_report
from store_support import db_url, store  # noqa: F401  (fixtures)

CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]


def _save(store, seed, year, name):
    rng = random.Random(seed)
    r = random_report(rng, year=year, agency=random_agency(rng, "county_dept"))
    r.meta.agency = name
    r.source.sha256 = f"{seed:064x}"
    return r, store.save_report(r).report_id


def test_agency_over_years_shows_indicators_from_its_tables(store):
    r1, _ = _save(store, 1, 2022, "中卫市沙坡头区司法局")
    r2, _ = _save(store, 2, 2023, "沙坡头区司法局")
    rows = agency_years(store, "沙坡头区司法局")
    assert [r.year for r in rows] == [2022, 2023]
    for row, rep in zip(rows, (r1, r2)):
        ap = rep.tables.applications
        assert row.received == ap["new_received"].total
        total = ap["results_total"].total
        assert row.granted_share == (round(ap["granted"].total / total, 4) if total else None)
        rv = rep.tables.review_litigation.review
        assert row.review_corrected_share == (round(rv.corrected / rv.total, 4) if rv.total else None)


def test_region_year_lists_the_regions_agencies_and_sorts(store):
    _save(store, 3, 2023, "吴忠市红寺堡区司法局")
    _save(store, 4, 2023, "吴忠市利通区司法局")
    _save(store, 5, 2023, "中卫市沙坡头区司法局")
    _save(store, 6, 2022, "吴忠市利通区司法局")
    rows = region_year(store, "吴忠市", 2023)
    assert sorted(r.agency for r in rows) == ["利通区司法局", "红寺堡区司法局"]
    by_received = sort_rows(rows, "received", descending=True)
    assert [r.received for r in by_received] == sorted((r.received for r in rows), reverse=True)
    with pytest.raises(ValueError):
        sort_rows(rows, "nonsense")


def test_cli_compare_json_and_unknown_agency(db_url):
    from nianbao.store import open_store

    s = open_store(db_url)
    _save(s, 7, 2023, "吴忠市红寺堡区司法局")
    s.close()
    p = subprocess.run([*CLI, "compare", "--db", db_url, "--year", "2023", "--sort", "errors", "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert [r["agency"] for r in json.loads(p.stdout)["rows"]] == ["红寺堡区司法局"]
    p = subprocess.run([*CLI, "compare", "--db", db_url, "--agency", "不存在局"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 2 and "不存在局" in p.stderr
    p = subprocess.run([*CLI, "compare", "--db", db_url, "--year", "2023"], capture_output=True, text=True,
                       timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert p.returncode == 0 and "红寺堡区司法局" in p.stdout
