"""The registry's region tree is read once and kept while the region table is unchanged; every edit
(import, new or removed region, deadline, configuration) is seen at once — through the same
Registry, another Registry over the same store, and another process's store on the same file."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from nianbao.oversight.registry import parse_registry
from nianbao.store import open_store
from nianbao.store.registry import Registry
from nianbao.store.registry_models import RegionRow
from store_support import db_url, store  # noqa: F401  (fixtures)

CSV = """省,市,县（区）,机关名称,类型,报告范围,期限
宁夏回族自治区,中卫市,,中卫市人民政府,政府,全域,
宁夏回族自治区,中卫市,沙坡头区,沙坡头区人民政府,政府,全域,
宁夏回族自治区,中卫市,中宁县,中宁县人民政府,政府,全域,
"""


@pytest.fixture
def path(db_url):
    return db_url


@pytest.fixture
def reg(path):
    with open_store(path) as store:
        r = Registry(store)
        r.import_rows(parse_registry(CSV.encode(), "名录.csv"), user="t")
        yield r


def test_region_tree_is_read_once_while_unchanged(reg):
    first = reg.regions()
    assert reg.regions()[0] is first[0]              # the same objects: not rebuilt
    assert reg.region("中卫市") is reg.region("宁夏回族自治区中卫市")


def test_new_region_is_found_at_once(reg):
    city = reg.region("中卫市")
    assert reg.region("海原县") is None
    reg.add_region("海原县", parent_id=city.id)
    assert reg.region("海原县").parent_id == city.id
    assert "海原县" in {c.name for c in reg.children(city.id)}
    assert "海原县" in {r.name for r in reg.subtree(city.id)}


def test_removed_region_is_gone_at_once(reg):
    city = reg.region("中卫市")
    reg.remove_region(reg.region("中宁县").id)
    assert reg.region("中宁县") is None
    assert [c.name for c in reg.children(city.id)] == ["沙坡头区"]


def test_deadline_and_config_edits_are_seen_at_once(reg):
    city = reg.region("中卫市")
    reg.set_deadline(city.id, "department", "01-20", user="t")
    assert reg.region(city.id).deadlines == {"department": "01-20"}
    assert reg.ancestors(reg.region("沙坡头区").id)[1].deadlines == {"department": "01-20"}
    reg.set_deadline(city.id, "department", None, user="t")
    assert reg.region(city.id).deadlines == {}
    reg.set_config(city.id, "deadlines: {department: \"01-25\"}\n", user="t")
    assert reg.config_chain(reg.region("沙坡头区").id)[0][0].id == city.id


def test_reimport_with_new_regions_is_seen_by_another_registry_of_the_store(reg):
    other = Registry(reg.store)
    assert other.region("中卫市") is not None
    reg.import_rows(parse_registry((CSV + "宁夏回族自治区,中卫市,海原县,海原县人民政府,政府,全域,\n").encode(),
                                   "名录.csv"), user="t")
    assert other.region("海原县") is not None


def test_edit_by_another_process_is_seen_at_once(reg, path):
    """A second store on the same file (as the CLI beside the web server): its edit reaches the
    first store's cached tree through the table's fingerprint, not through the cache's own reset."""
    assert reg.region("沙坡头区").deadlines == {}
    with open_store(path) as store2:
        Registry(store2).set_deadline(reg.region("沙坡头区").id, "government", "02-20", user="cli")
    assert reg.region("沙坡头区").deadlines == {"government": "02-20"}
    with open_store(path) as store2:
        Registry(store2).add_region("新区", parent_id=reg.region("中卫市").id)
    assert reg.region("新区") is not None


def test_direct_table_change_is_seen_even_without_a_new_timestamp(reg):
    """Any write to the registry's tables raises its version (database triggers), whoever makes it."""
    rid = reg.region("中宁县").id
    before = reg.fingerprint()
    with reg.store._write() as s:
        s.execute(update(RegionRow).where(RegionRow.id == rid).values(deadlines={"zone": "01-15"}))
    assert reg.region(rid).deadlines == {"zone": "01-15"}
    assert reg.fingerprint() != before


def test_foreign_key_actions_change_the_registry_fingerprint(reg):
    """A region's deletion cascading to its children and entries, and an agency's deletion clearing
    an entry's match, are writes the triggers see too."""
    from datetime import UTC, datetime

    from sqlalchemy import delete, insert, select

    from nianbao.store.models import Agency
    from nianbao.store.registry_models import EntryRow

    eid = reg.entries()[0].id
    with reg.store._write() as s:
        aid = s.execute(insert(Agency).values(name="测试局", region="中卫市", names=[], created_at=datetime.now(UTC))
                        ).inserted_primary_key[0]
        s.execute(update(EntryRow).where(EntryRow.id == eid).values(agency_id=aid))
    before = reg.fingerprint()
    with reg.store._write() as s:
        s.execute(delete(Agency).where(Agency.id == aid))
        assert s.scalar(select(EntryRow.agency_id).where(EntryRow.id == eid)) is None
    after = reg.fingerprint()
    assert after != before
    with reg.store._write() as s:
        s.execute(delete(RegionRow).where(RegionRow.id == reg.region("中卫市").id))
    assert reg.fingerprint() != after and reg.region("沙坡头区") is None


# ------------------------------------------------------------------ cached region views
MISSING_CSV = """省,市,县,乡镇,机关名称,类型,报告范围
宁夏回族自治区,中卫市,,,司法局,部门,
宁夏回族自治区,中卫市,沙坡头区,,司法局,部门,
宁夏回族自治区,中卫市,沙坡头区,,沙坡头区人民政府,政府,全域
"""


def _put(lib, agency: str, published, year: int = 2023) -> int:
    from audit_support import clean_report

    r = clean_report(year, agency=agency)
    r.meta.published = published
    return lib.store.save_report(r).report_id


@pytest.fixture
def lib(tmp_path):
    from nianbao.library import Library

    with Library(f"sqlite:///{tmp_path / 'v.db'}", data_dir=tmp_path / "files") as lib:
        lib.import_registry(MISSING_CSV.encode(), "名录.csv")
        yield lib


def test_missing_view_is_kept_until_a_report_arrives(lib):
    from datetime import date

    today = date(2024, 6, 1)
    first = lib.missing("中卫市", 2023, today=today)
    assert lib.missing("中卫市", 2023, today=today) is first         # kept: nothing changed
    assert first.counts["missing"] == 3
    _put(lib, "中卫市司法局", date(2024, 1, 20))
    after = lib.missing("中卫市", 2023, today=today)
    assert after is not first and after.counts["missing"] == 2 and after.counts["published"] == 1


def test_missing_views_of_two_regions_follow_a_report_stored_between_them(lib):
    """Every region's missing view of a year reads the year's reports once (shared): a report of
    沙坡头区 stored after the city's view is seen by the district's first view and the city's next."""
    from datetime import date

    today = date(2024, 6, 1)
    assert lib.missing("中卫市", 2023, today=today).counts["missing"] == 3
    _put(lib, "中卫市沙坡头区人民政府", date(2024, 3, 1))
    district = lib.missing("沙坡头区", 2023, today=today)
    assert district.counts == {"expected": 2, "published": 1, "on_time": 1, "late": 0, "unknown": 0, "missing": 1,
                               "not_due": 0, "unregistered": 0}
    assert lib.missing("中卫市", 2023, today=today).counts["published"] == 1


def test_missing_view_matches_an_entry_in_memory_and_lists_unregistered_agencies(lib):
    """An entry whose agency's report arrived without a rematch is matched in the view (the shared
    matcher of the year's free agencies), and a report of the region's places whose agency no entry
    names is listed apart — in the region that names it only."""
    from datetime import date

    today = date(2024, 6, 1)
    lib.missing("中卫市", 2023, today=today)
    _put(lib, "中卫市司法局", date(2024, 1, 10))
    rid = _put(lib, "中卫市沙坡头区财政局", date(2024, 1, 12))
    city = lib.missing("中卫市", 2023, today=today)
    assert city.counts["published"] == 1 and [u["report_id"] for u in city.unregistered] == [rid]
    assert [u["report_id"] for u in lib.missing("沙坡头区", 2023, today=today).unregistered] == [rid]
    assert lib.missing("中卫市", 2022, today=today).counts["published"] == 0     # another year: its own


def test_missing_view_sees_a_deadline_edit_at_once(lib):
    from datetime import date

    _put(lib, "中卫市沙坡头区司法局", date(2024, 1, 30))
    today = date(2024, 6, 1)
    assert lib.missing("中卫市", 2023, today=today).counts["late"] == 0
    lib.registry.set_deadline(lib.registry.region("中卫市").id, "department", "01-28")
    assert lib.missing("中卫市", 2023, today=today).counts["late"] == 1


def test_rollup_sees_a_registry_entry_edit_at_once(lib):
    _put(lib, "中卫市沙坡头区人民政府", None)
    _put(lib, "中卫市沙坡头区司法局", None)
    lib.registry.rematch(all=True)
    assert lib.rollup(region="沙坡头区", year=2023).status == "ok"
    gov = next(e for e in lib.registry.expected(lib.registry.region("沙坡头区").id) if e.kind == "government")
    lib.registry.update_entry(gov.id, covers="office", user="t")
    assert lib.rollup(region="沙坡头区", year=2023).status == "office"


def test_rollup_sees_a_new_report_of_the_year_after_another_regions_view(lib):
    """A region's roll-up takes its members' reports from the year's reports read once for every
    region (shared with the missing view): a report stored after one region's view is counted."""
    from datetime import date

    gov = _put(lib, "中卫市沙坡头区人民政府", None)
    lib.registry.rematch(all=True)
    lib.missing("中卫市", 2023, today=date(2024, 6, 1))
    first = lib.rollup(region="沙坡头区", year=2023)
    assert first.status == "ok" and first.government.report_id == gov and first.included == []
    dept = _put(lib, "中卫市沙坡头区司法局", None)
    lib.registry.rematch(all=True)
    assert [m.report_id for m in lib.rollup(region="沙坡头区", year=2023).included] == [dept]


def test_rollup_sees_a_rematch_at_once(lib):
    """A rematch changes only the entries' agency ids (no timestamp): still a new fingerprint."""
    _put(lib, "中卫市沙坡头区人民政府", None)
    assert lib.rollup(region="沙坡头区", year=2023).status == "no_report"     # entry not matched yet
    lib.registry.rematch()
    assert lib.rollup(region="沙坡头区", year=2023).status == "ok"


# ------------------------------------------------------------------ the batched regional pass
def test_batched_previous_year_lookup_agrees_with_store_previous_report(lib):
    """The pass finds each report's previous year for a whole chunk at once; same answer as
    Store.previous_report one by one (same-named agencies of other regions never taken)."""
    from datetime import date

    from nianbao.oversight.regional import _models, _Previous

    names = ["中卫市司法局", "吴忠市司法局", "中卫市沙坡头区司法局", "中卫市沙坡头区人民政府", "中卫市财政局"]
    for n in names[:4]:
        _put(lib, n, date(2023, 1, 20), year=2022)
    ids = [_put(lib, n, date(2024, 1, 20), year=2023) for n in names]
    models = _models(lib, ids)
    got = _Previous(lib).of(models)
    for rid in ids:
        prev = lib.store.previous_report(models[rid])
        assert got.get(rid) == (prev.id if prev else None)
    assert len(got) == 4 and ids[4] not in got


def test_regional_pass_writes_only_reports_whose_findings_change(lib):
    """A second pass over unchanged reports rewrites nothing (no store writes, same findings)."""
    from datetime import date

    for n in ("中卫市司法局", "中卫市沙坡头区司法局", "中卫市沙坡头区人民政府"):
        _put(lib, n, date(2024, 2, 20))
    lib.registry.rematch(all=True)
    lib.registry.set_deadline(lib.registry.region("中卫市").id, "department", "01-28")   # runs the pass itself
    assert "D004" in {f["code"] for f in lib.store.findings(code="D004")}
    first = lib.audit_region(year=2023)
    assert first.audited and first.changed == []
    before = lib.store.data_version()
    again = lib.audit_region(year=2023)
    assert sorted(again.audited) == sorted(first.audited) and again.changed == [] and again.new == []
    assert lib.store.data_version() == before


def test_rollup_sums_the_cells_read_from_the_driver_on_sqlite_and_postgresql(db_url, tmp_path):  # noqa: F811
    """The roll-up's cells come from the driver's cursor unconverted: the same floats on both."""
    from datetime import date

    from nianbao.library import Library

    with Library(db_url, data_dir=tmp_path / "files") as lib:
        lib.import_registry(MISSING_CSV.encode(), "名录.csv")
        _put(lib, "中卫市沙坡头区人民政府", date(2024, 3, 1))
        dept = _put(lib, "中卫市沙坡头区司法局", date(2024, 1, 10))
        lib.registry.rematch(all=True)
        ru = lib.rollup(region="沙坡头区", year=2023)
        assert ru.status == "ok" and [m.report_id for m in ru.included] == [dept]
        model = lib.store.get_report(dept).report
        summed = [c for c in ru.cells if c.total is not None]
        assert summed and all(isinstance(c.total, float) for c in summed)
        assert all(c.total == model.tables.cell(c.path.removeprefix("tables.")) for c in summed[:20])


def test_store_years_follow_a_new_and_a_deleted_report_despite_the_cache(store):
    from audit_support import clean_report

    assert store.years() == []
    rid = store.save_report(clean_report(2023, agency="中卫市司法局")).report_id
    assert store.years() == [2023]
    other = store.save_report(clean_report(2021, agency="中卫市民政局")).report_id
    assert store.years() == [2021, 2023]
    store.delete_report(other)
    assert store.years() == [2023]
    store.delete_report(rid)
    assert store.years() == []
