"""The missing-reports view: per region (with its sub-regions) and year, each expected agency
published on time, late (days), unknown (no date), missing, or not yet due; unregistered reports apart."""
from __future__ import annotations

from datetime import date

import pytest
from audit_support import clean_report
from store_support import db_url  # noqa: F401

from nianbao.library import Library
from nianbao.store.registry import RegistryError

CSV = """省,市,县,乡镇,机关名称,类型,报告范围
宁夏回族自治区,中卫市,,,司法局,部门,
宁夏回族自治区,中卫市,沙坡头区,,司法局,部门,
宁夏回族自治区,中卫市,沙坡头区,,沙坡头区人民政府,政府,全域
宁夏回族自治区,中卫市,沙坡头区,宣和镇,宣和镇人民政府,乡镇,本机关
宁夏回族自治区,中卫市,中宁县,,财政局,部门,
宁夏回族自治区,吴忠市,利通区,,司法局,部门,
"""


def put(lib: Library, agency: str, published: date | None, year: int = 2023, *, title: str = "") -> int:
    r = clean_report(year, agency=agency)
    r.meta.published = published
    if title:
        r.meta.title = title                     # another version: other bytes
    return lib.store.save_report(r).report_id    # straight into the store: no registry hook runs


def planted(lib: Library) -> dict[str, int]:
    lib.import_registry(CSV.encode(), "名录.csv")    # before the reports: matched when the view is built
    lib.registry.set_deadline(lib.registry.region("中卫市").id, "department", "01-28")
    return {
        "on_time": put(lib, "中卫市司法局", date(2024, 1, 20)),
        "corrected": put(lib, "中卫市司法局", date(2024, 2, 15), title="中卫市司法局2023年年度报告（更正）"),
        "late": put(lib, "中卫市沙坡头区司法局", date(2024, 1, 30)),
        "no_date": put(lib, "沙坡头区", None),
        "unregistered": put(lib, "沙坡头区教育局", date(2024, 1, 10)),
        "elsewhere": put(lib, "吴忠市利通区教育局", date(2024, 1, 10)),
        "other_year": put(lib, "中宁县财政局", date(2023, 1, 10), year=2022),
    }


def test_missing_view_counts_each_expected_agency_once(db_url, tmp_path):  # noqa: F811
    with Library(db_url, data_dir=tmp_path / "files") as lib:
        ids = planted(lib)
        view = lib.missing("中卫市", 2023, today=date(2024, 3, 1))
        assert view.counts == {"expected": 5, "published": 3, "on_time": 1, "late": 1, "unknown": 1, "missing": 1,
                               "not_due": 1, "unregistered": 1}
        by = {(r.region.name, r.entry.name): r for r in view.rows}
        on_time = by[("中卫市", "司法局")]
        # the corrected version is current; timeliness is the first publication's
        assert on_time.status == "published" and on_time.report_id == ids["corrected"]
        assert on_time.published == date(2024, 1, 20)
        late = by[("沙坡头区", "司法局")]
        assert (late.status, late.days_late, late.deadline.source) == ("late", 2, "中卫市规定")
        assert by[("沙坡头区", "沙坡头区人民政府")].status == "unknown"
        assert by[("中宁县", "财政局")].status == "missing"                  # only a 2022 report
        town = by[("宣和镇", "宣和镇人民政府")]
        assert town.status == "not_due" and town.deadline.date == date(2024, 3, 31)
        (extra,) = view.unregistered
        assert extra["report_id"] == ids["unregistered"] and extra["agency"] == "沙坡头区教育局"


def test_missing_after_the_deadline_and_per_sub_region(tmp_path):
    with Library(f"sqlite:///{tmp_path / 'm.db'}", data_dir=tmp_path / "files") as lib:
        planted(lib)
        view = lib.missing("沙坡头区", 2023, today=date(2024, 6, 1))
        assert view.counts["expected"] == 3 and view.counts["missing"] == 1        # 宣和镇 is now overdue
        assert [r.entry.name for r in view.of("missing")] == ["宣和镇人民政府"]
        d = view.to_dict()
        assert d["region"]["full_name"] == "宁夏回族自治区中卫市沙坡头区" and d["agencies"][0]["status_name"] == "未公开"
        assert lib.missing("利通区", 2023, today=date(2024, 6, 1)).counts["missing"] == 1


def test_missing_view_of_a_region_not_in_the_registry_is_an_error(tmp_path):
    with Library(f"sqlite:///{tmp_path / 'm.db'}", data_dir=tmp_path / "files") as lib:
        with pytest.raises(RegistryError, match="区域「海淀区」不在名录中"):
            lib.missing("海淀区", 2023)


def test_reports_arriving_through_the_library_match_their_entries(tmp_path):
    with Library(f"sqlite:///{tmp_path / 'm.db'}", data_dir=tmp_path / "files") as lib:
        lib.import_registry(CSV.encode(), "名录.csv")
        r = clean_report(2023, agency="中宁县财政局")
        rid = lib.add_report(lib.audit(r))
        entry = lib.registry.entry_for_agency(lib.store.get_info(rid).agency_id)
        assert entry is not None and entry.name == "财政局"
