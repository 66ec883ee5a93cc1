"""Issue 16's "done when": a generated region (nianbao.generate.region — a city, its districts,
departments and townships over two years, with late, missing, copied and inconsistent reports
planted) goes through the real pipeline — registry import, the city's own deadline, ingest of both
years' files through the Library, the regional pass — and every planted case is found, and
nothing else of its kind: the missing view, D004, X002, X005, R001, R002, the indicators of the
agency without applications, and the scorecard's ranking and deduction lines.

One region is built per backend (SQLite, and PostgreSQL when reachable): about 60 text reports,
a few seconds each."""
from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from nianbao.generate.region import CITY_DEADLINES, Region, generate_region, write_region
from nianbao.library import Library

SEED = 3
USER = "督查员"
REGIONAL = ("D004", "X002", "X005", "R001", "R002")


@dataclass
class World:
    region: Region
    lib: Library
    tmp: Path
    reports: dict[int, tuple[str, int]]           # stored report id → (member key, year)
    ids: dict[tuple[str, int], int]               # (member key, year) → current report id
    after_ingest: set[tuple]                      # the regional codes' findings ingest left
    url: str

    def findings(self, code: str) -> list[dict]:
        return [f for f in self.lib.store.findings(code=code) if f["report_id"] in self.reports]

    def who(self, code: str) -> set[tuple[str, int]]:
        return {self.reports[f["report_id"]] for f in self.findings(code)}


def _regional_findings(lib: Library) -> set[tuple]:
    return {(f["report_id"], f["code"], f["path"], f["message"]) for code in REGIONAL
            for f in lib.store.findings(code=code)}


@contextmanager
def _database(backend: str, tmp: Path, config) -> Iterator[str]:
    """A fresh store URL: a SQLite file, or a PostgreSQL schema of the session's test database
    (store_support.py), dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp}/nianbao.db"
        return
    from sqlalchemy import text

    from store_support import _pg_database

    url, eng = _pg_database(config)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with eng.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with eng.connect() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("region")
    region = generate_region(SEED)
    written = write_region(region, tmp)
    with _database(request.param, tmp, request.config) as url:
        yield from _world(region, written, tmp, url)


def _world(region: Region, written, tmp: Path, url: str) -> Iterator[World]:
    lib = Library(url, data_dir=tmp / "files")
    try:
        lib.import_registry(written.registry_xlsx, written.registry_xlsx.name, user=USER)
        city = lib.registry.region(region.city_region)
        for kind, md in CITY_DEADLINES.items():
            lib.registry.set_deadline(city.id, kind, md, user=USER)
        for year in region.years:
            res = lib.ingest([tmp / str(year)], user=USER, jobs=1)
            assert not res.store_error and all(o.status == "stored" for o in res.outcomes), res
        after_ingest = _regional_findings(lib)
        lib.audit_region(user=USER)
        reports, ids = {}, {}
        for year in region.years:
            for info in lib.store.list_reports(year=year):
                m = region.by_printed(info.agency_name or info.agency)
                assert m is not None, info.agency_name
                reports[info.id] = (m.key, year)
                ids[(m.key, year)] = info.id
        yield World(region, lib, tmp, reports, ids, after_ingest, url)
    finally:
        lib.close()


def test_every_generated_report_is_stored_once_under_its_own_agency(world):
    assert set(world.ids) == set(world.region.reports)
    assert len(world.reports) == len(world.region.reports)


def test_ingest_already_ran_the_regional_pass_and_running_it_again_changes_nothing(world):
    assert world.after_ingest
    assert _regional_findings(world.lib) == world.after_ingest


def test_registry_csv_and_xlsx_import_the_same_entries(world, tmp_path):
    from nianbao.generate.region import registry_csv

    other = Library(f"sqlite:///{tmp_path}/csv.db", data_dir=tmp_path / "files")
    try:
        other.import_registry(registry_csv(world.region), "registry.csv", user=USER)

        def entries(lib):
            full = {r.id: r.full_name for r in lib.registry.regions()}
            return {(full[e.region_id], e.name, e.kind, e.covers) for e in lib.registry.entries()}
        assert entries(other) == entries(world.lib)
        assert len(entries(other)) == len(world.region.members)
    finally:
        other.close()


def test_missing_view_lists_exactly_the_planted_missing_and_late_agencies(world):
    key = world.region.key
    for year in world.region.years:
        view = world.lib.missing(world.region.city_region, year, today=date(year + 2, 1, 1))
        assert view.counts["expected"] == len(world.region.members)
        assert {r.entry.name for r in view.of("missing")} == {k for k, y in key.missing if y == year}
        late = {r.entry.name: r for r in view.of("late")}
        assert set(late) == {k for k, y in key.late if y == year}
        for name, row in late.items():
            published = world.region.reports[(name, year)].meta.published
            assert row.days_late == (published - key.deadlines[(name, year)]).days
        assert not view.unregistered and not view.of("unknown") and not view.of("not_due")


def test_cli_missing_lists_the_planted_missing_and_late_agencies(world):
    import json

    from typer.testing import CliRunner

    from nianbao.cli import app as cli_app

    key, year = world.region.key, world.region.years[1]
    res = CliRunner().invoke(cli_app, ["missing", "--region", world.region.city, "--year", str(year),
                                       "--status", "missing", "--status", "late", "--today", f"{year + 2}-01-01",
                                       "--json", "--db", world.url])
    assert res.exit_code == 0, res.output
    got = {(a["name"], a["status"]) for a in json.loads(res.output)["agencies"]}
    assert got == {(k, "missing") for k, y in key.missing if y == year} | \
        {(k, "late") for k, y in key.late if y == year}


def test_d004_fires_on_exactly_the_late_reports_with_the_deadline_that_applies(world):
    key = world.region.key
    assert world.who("D004") == key.late
    for f in world.findings("D004"):
        k, year = world.reports[f["report_id"]]
        assert f["data"]["deadline_iso"] == key.deadlines[(k, year)].isoformat()
        if (k, year) in key.late_by_region_rule:        # the city's 01-28, named as the city's rule
            assert world.region.city in f["message"] or world.region.city in str(f["data"])


def test_x005_names_exactly_the_planted_sibling_pair(world):
    pairs = set()
    for f in world.findings("X005"):
        k, year = world.reports[f["report_id"]]
        other = world.reports[f["data"]["other_report_id"]]
        assert other[1] == year
        pairs.add((frozenset({k, other[0]}), year))
    assert pairs == world.region.key.copied_sibling


def test_x002_fires_on_exactly_the_report_copied_from_last_year(world):
    assert world.who("X002") == world.region.key.copied_last_year


def test_r001_fires_on_exactly_the_inconsistent_area_reports_and_names_the_cells(world):
    key = world.region.key
    assert world.who("R001") == set(key.rollup_wrong)
    cells = defaultdict(set)
    for f in world.findings("R001"):
        for c in f["data"]["cells"]:
            path = c["path"] if c["path"].startswith("tables.") else "tables." + c["path"]
            cells[world.reports[f["report_id"]]].add(path)
    assert dict(cells) == key.rollup_wrong
    assert not {k for k, _ in world.who("R001")} & key.office_only


def test_r002_fires_on_exactly_the_incomplete_rollup_naming_the_missing_agency(world):
    key = world.region.key
    assert world.who("R002") == set(key.rollup_incomplete)
    for f in world.findings("R002"):
        named = {m["name"] for m in f["data"]["missing"]}
        assert named == key.rollup_incomplete[world.reports[f["report_id"]]]


def test_office_only_government_is_not_compared_with_its_sub_reports(world):
    from nianbao.oversight.regional import rollup_for

    for name in world.region.key.office_only:
        m = world.region.member(name)
        for year in world.region.years:
            ru = rollup_for(world.lib, m.region, year)
            assert ru.status == "office" and not ru.computed


def test_indicators_of_the_agency_without_applications_are_blank_not_zero(world):
    from nianbao.oversight.indicators import region_indicators

    key = world.region.key
    for k, year in key.no_applications:
        res = region_indicators(world.lib, world.region.city_region, year)
        row = next(r for r in res.rows if r.report_id == world.ids[(k, year)])
        for name in ("substantive_rate", "denial_rate", "carryover_rate", "review_correction_rate",
                     "litigation_loss_rate"):
            ind = row.indicators[name]
            assert ind.value is None and ind.display == "—" and ind.mark is None, name
        # every other agency has its rates, none marked red or yellow (the clean ones are healthy)
        others = [r for r in res.rows if r.report_id != world.ids[(k, year)]]
        assert all(r.indicators["substantive_rate"].value is not None for r in others)
        assert not [(r.name, n) for r in others for n, i in r.indicators.items() if i.mark]


def test_scorecard_ranks_planted_bad_agencies_below_clean_ones_with_their_deduction_lines(world):
    key = world.region.key
    for year in world.region.years:
        card = world.lib.scorecard(world.region.city_region, year)
        by_name = {}
        for s in card.agencies:
            entry = world.lib.registry.entry(s.entry_id) if s.entry_id is not None else None
            assert entry is not None, s.agency          # every agency scored is a registry entry
            by_name[entry.name] = s
        assert set(by_name) == {m.key for m in world.region.members}
        bad = {k for k, y in key.bad if y == year}
        clean = set(by_name) - bad
        assert bad and clean
        worst_clean = max(by_name[k].rank for k in clean)
        for k in bad:
            s = by_name[k]
            assert s.rank > worst_clean and s.total < s.base, k
            lines = {ln.item for ln in s.lines if ln.evaluated and ln.points}
            want = set()
            if (k, year) in key.missing:
                want.add("missing")
            if (k, year) in key.late:
                want.add("late")
            if (k, year) in key.copied_last_year or any(k in ks and y == year for ks, y in key.copied_sibling):
                want.add("copied")
            assert lines == want, (k, lines)
        for k in clean:
            s = by_name[k]
            assert s.total == s.base and not [ln.item for ln in s.lines if ln.evaluated and ln.points], k


def test_web_api_answers_the_missing_view_and_the_copied_pairs_of_the_planted_region(world):
    from fastapi.testclient import TestClient

    from nianbao.web.app import Settings, create_app

    key, year = world.region.key, world.region.years[1]
    app = create_app(Settings(db_url=world.url, data_dir=world.tmp / "files", secret="test-secret", workers=1))
    with TestClient(app) as client:
        r = client.get("/api/missing", params={"region": world.region.city, "year": year,
                                               "today": f"{year + 2}-01-01"})
        assert r.status_code == 200, r.text
        got = {(a["name"], a["status"]) for a in r.json()["agencies"] if a["status"] != "published"}
        assert got == {(k, "missing") for k, y in key.missing if y == year} | \
            {(k, "late") for k, y in key.late if y == year}
        r = client.get("/api/copied", params={"year": year, "region": world.region.city})
        assert r.status_code == 200, r.text
        pairs = {(frozenset({world.reports[p["report_id"]][0], world.reports[p["other_report_id"]][0]}), year)
                 for p in r.json()}
        assert pairs == {(ks, y) for ks, y in key.copied_sibling if y == year}
