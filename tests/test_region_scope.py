"""One region → reports answer (nianbao.oversight.scope) everywhere a region filters: compare,
export, review cases/progress/notice, the dashboard, indicators, copied pairs — on a generated
region (nianbao.generate.region: a city, its districts, departments and townships) with the
registry imported, and the same files without one. Region totals leave out area reports.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nianbao.cli.app import app
from nianbao.generate.region import generate_region, write_region
from nianbao.library import Library
from nianbao.oversight.scope import NOTE_AREA, NOTE_UNKNOWN, RegionNotFound, resolve

SEED = 3
USER = "督查员"
runner = CliRunner()


class World:
    def __init__(self, region, lib: Library, url: str, registry: bool, tmp: Path):
        self.region, self.lib, self.url, self.registry = region, lib, url, registry
        self.year = region.years[-1]
        self.city = region.city                     # as a user types it ("…市")
        self.lib_dir = tmp / "files"

    def members_with_reports(self) -> set[str]:
        return {k for (k, y) in self.region.reports if y == self.year}


def _build(tmp: Path, registry: bool, url: str | None = None):
    region = generate_region(SEED)
    written = write_region(region, tmp)
    url = url or f"sqlite:///{tmp}/nianbao.db"
    lib = Library(url, data_dir=tmp / "files")
    if registry:
        lib.import_registry(written.registry_xlsx, written.registry_xlsx.name, user=USER)
    for year in region.years:
        res = lib.ingest([tmp / str(year)], user=USER, jobs=1)
        assert not res.store_error
    if not registry:
        lib.audit_region(user=USER)
    return World(region, lib, url, registry, tmp)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request, tmp_path_factory):
    from test_oversight_planted import _database

    tmp = tmp_path_factory.mktemp("scope-reg")
    with _database(request.param, tmp, request.config) as url:
        w = _build(tmp, registry=True, url=url)
        yield w
        w.lib.close()


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    w = _build(tmp_path_factory.mktemp("scope-bare"), registry=False)
    yield w
    w.lib.close()


def _cli(w: World, *args: str):
    return runner.invoke(app, [*args, "--db", w.url])


# ------------------------------------------------------------------ one selection everywhere
def test_city_scope_is_every_report_of_its_subtree(world):
    ids = {i.id for i in world.lib.reports(region=world.city, year=world.year)}
    assert len(ids) == len(world.members_with_reports())
    # store text alone finds fewer: district agencies print only their district
    text = {i.id for i in world.lib.store.list_reports(region=world.city, year=world.year)}
    assert text < ids


def test_compare_export_indicators_and_review_list_agree_on_a_city(world):
    n = len(world.members_with_reports())
    got = json.loads(_cli(world, "compare", "--region", world.city, "--year", str(world.year), "--json").stdout)
    assert len(got["rows"]) == n
    ind = json.loads(_cli(world, "indicators", "--region", world.city, "--year", str(world.year), "--json").stdout)
    assert len(ind["rows"]) == n
    data, _, _ = world.lib.export("csv", "wide", region=world.city, year=world.year)
    assert len(list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))) == n
    assert len(world.lib.cases(region=world.city, year=world.year)) == n
    assert world.lib.count_cases(region=world.city, year=world.year) == n
    assert world.lib.report_totals(region=world.city, year=world.year)["reports"] == n
    assert len(world.lib.report_ids(region=world.city, year=world.year)) == n


def test_a_district_scope_holds_only_its_own_agencies(world):
    district = world.region.districts[0]
    keys = {m.key for m in world.region.members if m.district == district}
    want = {k for k in keys if (k, world.year) in world.region.reports}
    got = {world.region.by_printed(i.agency_name or i.agency).key
           for i in world.lib.reports(region=district, year=world.year)}
    assert got == want


def test_progress_groups_by_the_registry_regions_not_unrecognised(world):
    rows = world.lib.progress(year=world.year)
    names = {r["region"] for r in rows}
    assert "（未识别地区）" not in names
    assert sum(r["reports"] for r in rows) == len(world.members_with_reports())
    assert {world.region.city_region + d for d in world.region.districts} <= names


def test_notice_of_a_city_covers_confirmed_findings_of_district_agencies(world):
    lib = world.lib
    infos = lib.reports(region=world.city, year=world.year)
    text = {i.id for i in lib.store.list_reports(region=world.city, year=world.year)}
    target = next(i for i in infos if i.id not in text and i.errors + i.warnings > 0)
    case = lib.review.case_for_report(target.id, USER)
    lib.decide(lib.review.findings(case["id"])[0]["id"], "确认", user=USER)
    data, name, media = lib.notice(region=world.city, year=world.year, record=False)
    assert media == "application/zip" and data
    r = _cli(world, "review", "notice", "--region", world.city, "--year", str(world.year), "-o",
             str(Path(world.lib_dir).parent / "n.zip"))
    assert r.exit_code == 0, r.output


# ------------------------------------------------------------------ totals without double counting
def test_region_totals_leave_out_area_reports_and_say_so(world):
    res = world.lib.indicators(region=world.city, year=world.year)
    area = {world.lib.store.get_info(r).agency_id for r in res.excluded}
    assert res.excluded and area == set(resolve(world.lib, world.city).area_agencies) & {r.agency_id for r in res.rows}
    kept = [r for r in res.rows if r.report_id not in res.excluded]
    new = sum(r.indicators["applications_per_agency"].numerator or 0 for r in kept)
    assert res.totals["applications_per_agency"].numerator == new
    assert res.totals["applications_per_agency"].of == len(kept)
    assert res.totals_note.startswith(NOTE_AREA)
    out = _cli(world, "indicators", "--region", world.city, "--year", str(world.year)).stdout
    assert "地区合计不含汇总全域数据的政府报告" in out


def test_without_a_registry_totals_warn_they_may_double_count(bare):
    res = bare.lib.indicators(region=bare.city, year=bare.year)
    assert res.totals_note == NOTE_UNKNOWN and not res.excluded


# ------------------------------------------------------------------ region names filled in
def test_indicator_rows_and_copied_pairs_carry_the_registry_region(world):
    res = world.lib.indicators(region=world.city, year=world.year)
    assert all(r.region for r in res.rows)
    for r in res.rows:
        m = world.region.by_printed(r.agency_name or r.agency)
        assert r.region.startswith(m.region)         # a 乡镇 sits in its own region under the county
    for p in world.lib.copied(year=world.year, region=world.city):
        assert p["region"]


# ------------------------------------------------------------------ unknown regions
@pytest.mark.parametrize("cmd", [["compare"], ["indicators"], ["review", "list"], ["review", "progress"],
                                 ["copied"], ["scorecard"]])
def test_an_unknown_region_is_a_chinese_input_error_in_the_cli(world, cmd):
    r = _cli(world, *cmd, "--region", "火星市", "--year", str(world.year))
    assert r.exit_code == 2, r.output
    assert "不在名录中" in r.output and "Traceback" not in r.output


def test_export_of_an_unknown_region_writes_no_file(world, tmp_path):
    out = tmp_path / "x.csv"
    r = _cli(world, "export", "--region", "火星市", "--format", "csv", "-o", str(out))
    assert r.exit_code == 2 and "不在名录中" in r.output
    assert not out.exists()


def test_an_unknown_region_without_registry_is_an_error_too(bare):
    with pytest.raises(RegionNotFound):
        bare.lib.compare(region="火星市", year=bare.year)
    sc = resolve(bare.lib, bare.city)
    assert sc.known and sc.node is None
    assert len(bare.lib.reports(region=bare.city, year=bare.year)) == \
        len(bare.lib.store.list_reports(region=bare.city, year=bare.year))


def test_web_answers_404_for_an_unknown_region_and_counts_the_subtree(world):
    from fastapi.testclient import TestClient

    from nianbao.web.app import Settings, create_app

    client = TestClient(create_app(Settings(db_url=world.url, data_dir=world.lib_dir, secret="s", workers=1)))
    y = str(world.year)
    for path in ("/api/indicators", "/api/compare", "/api/review/progress"):
        r = client.get(path, params={"region": "火星市", "year": y})
        assert r.status_code == 404 and "不在名录中" in r.json()["detail"], (path, r.text)
    for path in ("/regions/overview", "/compare/agencies", "/dashboard"):
        r = client.get(path, params={"region": "火星市", "year": y})
        assert r.status_code == 404 and "不在名录中" in r.text, path
    n = len(world.members_with_reports())
    r = client.get("/api/compare", params={"region": world.city, "year": y, "limit": 500})
    assert r.status_code == 200 and len(r.json()["rows"]) == n
    page = client.get("/dashboard", params={"region": world.city, "year": y}).text
    assert f"{n} 份报告" in page


def test_region_choices_are_the_registry_full_names_when_one_is_imported(world, bare):
    from nianbao.oversight.scope import region_choices

    got = region_choices(world.lib)
    assert world.region.city_region in got
    assert {world.region.city_region + d for d in world.region.districts} <= set(got)
    assert region_choices(bare.lib) == bare.lib.store.regions()


def test_indicators_panel_footnote_says_whether_totals_may_double_count(world, bare):
    from fastapi.testclient import TestClient

    from nianbao.web.app import Settings, create_app

    for w, said in ((world, "地区合计不含汇总全域数据的政府报告"), (bare, "可能重复计算")):
        client = TestClient(create_app(Settings(db_url=w.url, data_dir=w.lib_dir, secret="s", workers=1)))
        r = client.get("/regions/indicators-panel", params={"region": w.city, "year": str(w.year)})
        assert r.status_code == 200 and said in r.text
        api = client.get("/api/indicators", params={"region": w.city, "year": str(w.year)}).json()
        assert said in api["totals_note"]


def test_a_registry_import_renews_the_dashboard_of_a_region_at_once(bare, tmp_path):
    import sqlite3

    from fastapi.testclient import TestClient

    from nianbao.generate.region import registry_csv
    from nianbao.web.app import Settings, create_app

    src, dst = sqlite3.connect(bare.url.removeprefix("sqlite:///")), sqlite3.connect(tmp_path / "copy.db")
    src.backup(dst)                 # WAL included (a plain file copy would miss the latest writes)
    src.close(), dst.close()
    url = f"sqlite:///{tmp_path}/copy.db"
    client = TestClient(create_app(Settings(db_url=url, data_dir=tmp_path / "files", secret="s", workers=1)))
    params = {"region": bare.city, "year": str(bare.year)}
    text_only = len(bare.lib.store.list_reports(region=bare.city, year=bare.year))
    assert f"{text_only} 份报告" in client.get("/dashboard", params=params).text
    with Library(url, data_dir=tmp_path / "files") as lib:
        lib.import_registry(registry_csv(bare.region), "名录.csv", user=USER)
    n = len(bare.members_with_reports())
    assert text_only < n and f"{n} 份报告" in client.get("/dashboard", params=params).text


def test_totals_note_counts_governments_of_unknown_coverage_but_not_townships():
    from nianbao.oversight.indicators import AgencyRow, totals_note
    from nianbao.oversight.scope import RegionScope

    rows = [AgencyRow(1, 1, "文成县人民政府", "", None, 2024), AgencyRow(2, 2, "城关镇人民政府", "", None, 2024),
            AgencyRow(3, 3, "文成县财政局", "", None, 2024), AgencyRow(4, 4, "泰顺县人民政府", "", None, 2024),
            AgencyRow(5, 5, "瑞安市人民政府", "", None, 2024)]
    sc = RegionScope("温州市", "温州市", registry=True, covers_known=frozenset({5}),
                     kind_of={1: "government", 2: "township", 3: "department", 5: "government"})
    # 1: a registry government without 报告范围; 4: not in the registry, named a government
    assert totals_note(sc, rows) == f"{NOTE_AREA}；名录未注明报告范围的政府报告计入合计，可能重复计算（2 份）"
    assert totals_note(RegionScope("温州市", "温州市"), rows) == NOTE_UNKNOWN
