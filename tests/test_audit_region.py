"""R001/R002 on a roll-up computed from registry regions and entries (oversight.rollup), unit-level:
who is in the sum, who is missing, which cells differ, and the government that reports only on
its office."""
from __future__ import annotations

from nianbao.audit.context import AuditContext
from nianbao.audit.registry import run_rules
from nianbao.model import Meta, Report
from nianbao.oversight.rollup import ASSUMED, OFFICE, compute_rollup
from nianbao.store.registry import Entry, Region

NEW = ("applications", "new_received", "total")
GRANTED = ("applications", "granted", "total")
REVIEW = ("review_litigation", "review", "total")

# 中卫市 (1) → 沙坡头区 (2, area report), 中宁县 (3, office report), 海原县 (5, coverage unknown);
# 沙坡头区 → 宣和镇 (4, a 乡镇 region)
REGIONS = {
    1: Region(1, "中卫市", "宁夏回族自治区中卫市", "city", None),
    2: Region(2, "沙坡头区", "宁夏回族自治区中卫市沙坡头区", "county", 1),
    3: Region(3, "中宁县", "宁夏回族自治区中卫市中宁县", "county", 1),
    4: Region(4, "宣和镇", "宁夏回族自治区中卫市沙坡头区宣和镇", "township", 2),
    5: Region(5, "海原县", "宁夏回族自治区中卫市海原县", "county", 1),
}


def _entries(city_covers: str | None = "area") -> list[Entry]:
    return [
        Entry(1, 1, "中卫市人民政府", "government", city_covers, 101),
        Entry(2, 1, "中卫市司法局", "department", None, 102),
        Entry(3, 1, "中卫市统计局", "department", None, 103),
        Entry(4, 2, "沙坡头区人民政府", "government", "area", 104),
        Entry(5, 2, "沙坡头区民政局", "department", None, 105),
        Entry(6, 4, "宣和镇人民政府", "township", None, 106),
        Entry(7, 3, "中宁县人民政府", "government", "office", 107),
        Entry(8, 3, "中宁县教育局", "department", None, 108),
        Entry(9, 5, "海原县人民政府", "government", None, 109),
    ]


def _cells(new, granted, review):
    return {NEW: new, GRANTED: granted, REVIEW: review}


# the city's parts: 司法局, 统计局, 沙坡头区 (area: its own report), 中宁县 office report + 教育局, 海原县
PARTS = {202: _cells(10, 5, 1), 203: _cells(4, 2, 0), 204: _cells(30, 20, 2), 207: _cells(3, 1, 0),
         208: _cells(7, 3, 1), 209: _cells(6, 4, 0)}


def _rollup(city_cells, *, missing: tuple[int, ...] = (), city_covers: str | None = "area", year: int = 2023):
    report_of = {a: a + 100 for a in range(101, 110) if a not in missing}
    cells = {201: city_cells} | PARTS
    return compute_rollup(1, year, regions=REGIONS, entries=_entries(city_covers), report_of=report_of, cells=cells)


def _gov_report() -> Report:
    return Report(meta=Meta(agency="中卫市人民政府", year=2023))


def _run(rollup, codes=("R001", "R002")):
    return run_rules(_gov_report(), None, AuditContext(rollup=rollup), select=codes)


def test_rollup_sums_departments_and_subregions_as_the_registry_says():
    ru = _rollup(_cells(60, 35, 4))
    assert ru.computed and ru.complete
    names = [(m.name, m.note) for m in ru.included]
    # the city's departments, then each district: an area report stands for its district, an office
    # report comes with the district's parts, an unknown coverage is counted as area and said so
    assert sorted(names) == sorted([("中卫市司法局", ""), ("中卫市统计局", ""), ("沙坡头区人民政府", "全域报告"),
                                    ("中宁县人民政府", OFFICE), ("中宁县教育局", ""), ("海原县人民政府", ASSUMED)])
    assert "宣和镇人民政府" not in [m.name for m in ru.included]     # inside 沙坡头区's area report
    by = {c.path: c for c in ru.cells}
    assert by["tables.applications.new_received.total"].total == 60
    assert ru.differences() == []
    assert _run(ru) == []


def test_r001_names_each_differing_cell_and_the_reports_in_the_sum():
    ru = _rollup(_cells(65, 35, 3))                 # new +5, review −1
    fs = _run(ru)
    assert [f.code for f in fs] == ["R001", "R001"]
    apps, review = fs
    assert apps.path == "tables.applications" and review.path == "tables.review_litigation"
    assert [c["path"] for c in apps.data["cells"]] == ["tables.applications.new_received.total"]
    cell = apps.data["cells"][0]
    assert (cell["government"], cell["total"], cell["difference"]) == (65, 60, 5)
    assert "65" in apps.message and "60" in apps.message and "中卫市司法局" in apps.message
    assert [m["name"] for m in apps.data["included"]][:2] == ["中卫市司法局", "中卫市统计局"]
    assert apps.data["missing"] == [] and apps.severity == "warning"


def test_with_reports_missing_only_a_figure_below_the_partial_sum_is_named_and_the_missing_are_listed():
    ru = _rollup(_cells(70, 30, 4), missing=(103,))     # 统计局 missing: sum = 56 new, 33 granted
    assert [m.name for m in ru.missing] == ["中卫市统计局"]
    fs = _run(ru)
    r001 = [f for f in fs if f.code == "R001"]
    assert len(r001) == 1
    # 70 > 56 may be the missing report's; 30 < 33 cannot be
    assert [c["path"] for c in r001[0].data["cells"]] == ["tables.applications.granted.total"]
    assert "中卫市统计局" in r001[0].message and "下限" in r001[0].message
    r002 = [f for f in fs if f.code == "R002"]
    assert len(r002) == 1 and r002[0].severity == "info"
    assert "中卫市统计局" in r002[0].message and r002[0].data["count"] == 1


def test_r002_lists_every_missing_agency_including_a_district_government():
    ru = _rollup(_cells(60, 35, 4), missing=(103, 104, 108))
    r002 = _run(ru, ("R002",))
    assert sorted(m["name"] for m in r002[0].data["missing"]) == sorted(["中卫市统计局", "沙坡头区人民政府", "中宁县教育局"])
    assert "3个机关" in r002[0].message


def test_a_government_reporting_on_its_office_only_is_not_compared_and_says_so():
    ru = _rollup(_cells(999, 0, 0), city_covers="office")
    assert not ru.computed and ru.status == "office" and "本机关" in ru.reason
    assert _run(ru) == []
    unknown = _rollup(_cells(999, 0, 0), city_covers=None)
    assert unknown.status == "unknown_cover" and _run(unknown) == []


def test_a_blank_cell_in_a_part_leaves_the_sum_unknown_not_zero():
    ru = _rollup(_cells(60, 35, 4))
    parts = dict(PARTS)
    parts[202] = _cells(10, None, 1)
    report_of = {a: a + 100 for a in range(101, 110)}
    ru = compute_rollup(1, 2023, regions=REGIONS, entries=_entries(), report_of=report_of,
                        cells={201: _cells(60, 99, 4)} | parts)
    c = next(c for c in ru.cells if c.path == "tables.applications.granted.total")
    assert c.total is None and c.difference is None and c.blank == ("中卫市司法局",)
    assert "tables.applications.granted.total" not in [d.path for d in ru.differences()]


def test_rules_are_skipped_without_a_rollup():
    assert run_rules(_gov_report(), None, None, select=["R"]) == []


# ------------------------------------------------------------------ the regional pass over a store
import json  # noqa: E402
import random  # noqa: E402

import pytest  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from nianbao.cli import app as cli_app  # noqa: E402
from nianbao.generate.region import sum_tables  # noqa: E402
from nianbao.generate.synthetic import random_report  # noqa: E402
from nianbao.library import Library  # noqa: E402
from nianbao.model import Section, Tables  # noqa: E402
from nianbao.oversight.registry import parse_registry  # noqa: E402

from test_similarity import UNRELATED_1, UNRELATED_5, _filled  # noqa: E402

REGISTRY_CSV = """省,市,县,机关名称,类型,报告范围
宁夏回族自治区,中卫市,沙坡头区,沙坡头区人民政府,政府,{covers}
宁夏回族自治区,中卫市,沙坡头区,司法局,部门,
宁夏回族自治区,中卫市,沙坡头区,民政局,部门,
宁夏回族自治区,中卫市,沙坡头区,财政局,部门,
"""
OWN_TEXT = {"财政局": (UNRELATED_1, UNRELATED_5)}


def _dept(name: str, year: int, rng: random.Random, *, copied: bool) -> Report:
    r = random_report(rng, year=year, agency="county_dept")
    r.meta.agency = f"中卫市沙坡头区{name}"
    if copied:
        t = _filled(r.meta.agency, year, rng)
        s1, s5 = t.section(1).text, t.section(5).text
    else:
        s1, s5 = OWN_TEXT[name]
    r.sections = [s for s in r.sections if s.no not in (1, 5)] + [
        Section(no=1, heading="总体情况", text=s1), Section(no=5, heading="存在的主要问题及改进情况", text=s5)]
    return r


def _gov(parts: list[Report], year: int, rng: random.Random, shift: int = 0) -> Report:
    r = random_report(rng, year=year, agency="county_dept")
    r.meta.agency = "中卫市沙坡头区人民政府"
    apps, rl = sum_tables([p.tables for p in parts])
    r.tables = Tables(active_disclosure=r.tables.active_disclosure, applications=apps, review_litigation=rl)
    if shift:
        r.tables.applications["new_received"].total += shift
    r.sections = [s for s in r.sections if s.no not in (1, 5)] + [
        Section(no=1, heading="总体情况", text="沙坡头区人民政府全面推进政务公开。" * 3),
        Section(no=5, heading="存在的主要问题及改进情况", text="无。")]
    return r


@pytest.fixture
def lib(tmp_path):
    lib = Library(f"sqlite:///{tmp_path / 'n.db'}")
    yield lib
    lib.close()


def _codes(lib: Library, rid: int, prefix: str = "") -> list[str]:
    return [f["code"] for f in lib.store.findings(report_ids=[rid], code=prefix or None)]


def test_a_new_report_updates_its_neighbours_x005_and_review_decisions_survive_the_pass(lib):
    lib.import_registry(REGISTRY_CSV.format(covers="全域").encode(), "r.csv")
    rng = random.Random(21)
    a = lib.add_report(_dept("司法局", 2023, rng, copied=True))
    c = lib.add_report(_dept("财政局", 2023, rng, copied=False))
    assert "X005" not in _codes(lib, a) + _codes(lib, c)
    b = lib.add_report(_dept("民政局", 2023, rng, copied=True))     # filled in 司法局's template
    fa = [f for f in lib.store.findings(report_ids=[a]) if f["code"] == "X005"]
    fb = [f for f in lib.store.findings(report_ids=[b]) if f["code"] == "X005"]
    assert fa[0]["data"]["other_report_id"] == b and fb[0]["data"]["other_report_id"] == a
    assert "X005" not in _codes(lib, c)
    assert lib.store.get_info(a).warnings == sum(f["severity"] == "warning" for f in lib.store.findings(report_ids=[a]))
    # a reviewer confirms a's X005; re-running the pass changes nothing and keeps the decision
    finding = next(f for f in lib.findings(a) if f["code"] == "X005")
    lib.decide(finding["id"], "确认", user="张三", expected_version=finding["version"])
    again = lib.audit_region(region="沙坡头区", year=2023)
    assert again.changed == [] and again.new == []
    kept = next(f for f in lib.findings(a) if f["code"] == "X005")
    assert kept["decision"] == "确认" and kept["state"] == "open"


def test_cross_year_reaudit_keeps_the_sibling_finding(lib):
    lib.import_registry(REGISTRY_CSV.format(covers="全域").encode(), "r.csv")
    rng = random.Random(22)
    a = lib.add_report(_dept("司法局", 2023, rng, copied=True))
    lib.add_report(_dept("民政局", 2023, rng, copied=True))
    assert "X005" in _codes(lib, a)
    res = lib.store.save_report(_dept("司法局", 2022, rng, copied=True))   # store only
    assert a in res.reaudited
    assert "X005" in _codes(lib, a)


def test_r001_on_the_government_report_names_the_cell_and_r002_the_missing_department(lib):
    lib.import_registry(REGISTRY_CSV.format(covers="全域").encode(), "r.csv")
    rng = random.Random(23)
    parts = [_dept("司法局", 2023, rng, copied=True), _dept("财政局", 2023, rng, copied=False)]
    for p in parts:
        lib.add_report(p)
    g = lib.add_report(_gov(parts, 2023, rng, shift=-5))         # below the partial sum: cannot be
    r001 = [f for f in lib.store.findings(report_ids=[g]) if f["code"] == "R001"]
    assert len(r001) == 1 and [c["path"] for c in r001[0]["data"]["cells"]] == [
        "tables.applications.new_received.total"]
    assert r001[0]["data"]["cells"][0]["difference"] == -5
    r002 = [f for f in lib.store.findings(report_ids=[g]) if f["code"] == "R002"]
    assert len(r002) == 1 and "民政局" in r002[0]["message"] and r002[0]["severity"] == "info"
    ru = lib.rollup(region="沙坡头区", year=2023)
    assert ru.computed and [m.name for m in ru.missing] == ["民政局"]


def test_office_only_government_gets_no_r001_and_the_rollup_says_so(lib):
    lib.import_registry(REGISTRY_CSV.format(covers="本机关").encode(), "r.csv")
    rng = random.Random(24)
    parts = [_dept("司法局", 2023, rng, copied=True), _dept("财政局", 2023, rng, copied=False)]
    for p in parts:
        lib.add_report(p)
    g = lib.add_report(_gov(parts, 2023, rng, shift=40))
    assert not {"R001", "R002"} & set(_codes(lib, g))
    ru = lib.rollup(region="沙坡头区", year=2023)
    assert ru.status == "office" and "只覆盖本机关" in ru.reason


def test_without_a_registry_the_pass_runs_on_demand_and_the_rollup_cannot_be_computed(lib):
    rng = random.Random(25)
    a = lib.add_report(_dept("司法局", 2023, rng, copied=True))
    b = lib.add_report(_dept("民政局", 2023, rng, copied=True))
    assert "X005" not in _codes(lib, a)                        # nothing at ingest without a registry
    res = lib.audit_region(year=2023)
    assert sorted(res.changed) == sorted([a, b]) and not res.registry
    assert lib.rollup(region="沙坡头区", year=2023).status == "no_registry"


def test_cli_region_audit_copied_and_rollup(lib, tmp_path):
    runner = CliRunner()
    db = lib.store.url
    rng = random.Random(26)
    a = lib.add_report(_dept("司法局", 2023, rng, copied=True))
    b = lib.add_report(_dept("民政局", 2023, rng, copied=True))
    out = runner.invoke(cli_app, ["region-audit", "--year", "2023", "--db", db])
    assert out.exit_code == 0, out.output
    assert "X005" in out.output and "尚未导入机关登记册" in out.output
    js = runner.invoke(cli_app, ["copied", "--year", "2023", "--db", db, "--json"])
    pairs = json.loads(js.output)
    assert {(p["report_id"], p["other_report_id"]) for p in pairs} == {(a, b), (b, a)}
    table = runner.invoke(cli_app, ["copied", "--year", "2023", "--db", db])
    assert "相同比例" in table.output
    ru = runner.invoke(cli_app, ["rollup", "--region", "沙坡头区", "--year", "2023", "--db", db])
    assert ru.exit_code == 0 and "尚未导入机关登记册" in ru.output
    lib.import_registry(REGISTRY_CSV.format(covers="全域").encode(), "r.csv")
    bad = runner.invoke(cli_app, ["rollup", "--region", "火星县", "--year", "2023", "--db", db])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


from store_support import db_url  # noqa: E402,F401  (SQLite and PostgreSQL)

from nianbao.model import Finding  # noqa: E402
from nianbao.store import open_store  # noqa: E402


def test_store_replaces_the_findings_of_given_codes_and_reads_sections_alone(db_url):  # noqa: F811
    store = open_store(db_url)
    try:
        rng = random.Random(27)
        r = _dept("司法局", 2023, rng, copied=True)
        rid = store.save_report(r).report_id
        texts = store.section_texts([rid])
        assert texts[rid] == {1: r.section(1).text, 5: r.section(5).text}
        before = store.findings(report_ids=[rid])
        x5 = Finding(code="X005", severity="warning", message="雷同", path="sections", data={"other_report_id": 9})
        assert store.replace_findings(rid, ["X005", "R001"], [x5]) is True
        assert store.replace_findings(rid, ["X005", "R001"], [x5]) is False      # unchanged: nothing written
        after = store.findings(report_ids=[rid])
        assert [f["code"] for f in after] == [f["code"] for f in before] + ["X005"]
        info = store.get_info(rid)
        assert info.warnings == sum(f["severity"] == "warning" for f in after)
        assert [f.code for f in store.get_report(rid).report.findings].count("X005") == 1
        assert store.replace_findings(rid, ["X005"], []) is True
        assert "X005" not in [f["code"] for f in store.findings(report_ids=[rid])]
        assert store.get_info(rid).warnings == info.warnings - 1
    finally:
        store.close()


def test_deleting_a_sibling_clears_the_x005_naming_it_and_restoring_brings_it_back(lib):
    lib.import_registry(REGISTRY_CSV.format(covers="全域").encode(), "r.csv")
    rng = random.Random(28)
    a = lib.add_report(_dept("司法局", 2023, rng, copied=True))
    b = lib.add_report(_dept("民政局", 2023, rng, copied=True))
    assert "X005" in _codes(lib, a)
    assert lib.delete(b, user="张三", reason="重复上传")
    assert "X005" not in _codes(lib, a)
    deleted = lib.review.deleted()[0]["id"]
    b2 = lib.restore(deleted, user="张三")
    assert [f["data"]["other_report_id"] for f in lib.store.findings(report_ids=[a], code="X005")] == [b2]


def test_a_registry_change_reruns_the_regional_rules_at_once(lib):
    """Adding or removing an expected agency, or setting a region's deadline, updates R002 and
    D004 of the stored reports without a separate region-audit."""
    from datetime import date

    lib.import_registry(REGISTRY_CSV.format(covers="全域").encode(), "r.csv")
    rng = random.Random(26)
    parts = [_dept("司法局", 2023, rng, copied=True), _dept("财政局", 2023, rng, copied=False),
             _dept("民政局", 2023, rng, copied=True)]
    parts[0].meta.published = date(2024, 1, 25)
    ids = [lib.add_report(p) for p in parts]
    g = lib.add_report(_gov(parts, 2023, rng))
    assert "R002" not in _codes(lib, g) and "D004" not in _codes(lib, ids[0])
    region = lib.registry.region("沙坡头区")
    lib.registry.add_entry(region.id, "审计局", "department", user="甲")          # expected, no report
    r002 = [f for f in lib.store.findings(report_ids=[g]) if f["code"] == "R002"]
    assert len(r002) == 1 and "审计局" in r002[0]["message"]
    entry = next(e for e in lib.registry.expected(region.id) if e.name == "审计局")
    lib.registry.remove_entry(entry.id, user="甲")
    assert "R002" not in _codes(lib, g)
    lib.registry.set_deadline(region.id, "department", "01-20", user="甲")        # earlier than 25 January
    assert "D004" in _codes(lib, ids[0])


def test_importing_the_registry_after_the_reports_audits_them_against_it(lib, tmp_path):
    rng = random.Random(27)
    parts = [_dept("司法局", 2023, rng, copied=True), _dept("财政局", 2023, rng, copied=False)]
    for p in parts:
        lib.add_report(p)
    g = lib.add_report(_gov(parts, 2023, rng))
    assert "R002" not in _codes(lib, g)                # no registry: nothing expected
    res = lib.import_registry(REGISTRY_CSV.format(covers="全域").encode(), "r.csv")
    assert res.reaudited >= 3 and res.changed >= 1
    assert "R002" in _codes(lib, g)                     # 民政局 expected, no report
