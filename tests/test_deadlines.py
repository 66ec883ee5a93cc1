"""Deadlines as configuration: the statute's defaults, region deadlines inherited down the tree,
an agency's own, the jurisdiction YAML; D004 measured against the deadline that applies; the
audit context plumbing (rules that need a context field are skipped without it)."""
from __future__ import annotations

from datetime import date

import pytest
from audit_support import clean_report

from nianbao.audit.context import AuditContext, Deadline
from nianbao.audit.registry import REGISTRY, Hit, Rule, run_rules
from nianbao.library import Library
from nianbao.oversight.deadlines import deadline_for, default_rule, in_year, region_rules

CSV = """省,市,县,机关名称,类型
宁夏回族自治区,中卫市,,司法局,部门
宁夏回族自治区,中卫市,沙坡头区,司法局,部门
宁夏回族自治区,中卫市,沙坡头区,沙坡头区人民政府,政府
宁夏回族自治区,中卫市,沙坡头区,宣和镇人民政府,乡镇
宁夏回族自治区,吴忠市,利通区,司法局,部门
"""


@pytest.fixture
def lib(tmp_path):
    with Library(f"sqlite:///{tmp_path / 'd.db'}", data_dir=tmp_path / "files") as lib:
        yield lib


def stored(lib: Library, agency: str, year: int = 2023, published: date | None = date(2024, 1, 15)) -> int:
    r = clean_report(year, agency=agency)
    r.meta.published = published
    return lib.add_report(lib.audit(r))


def registered(lib: Library, *agencies: str) -> dict[str, int]:
    """Store a report for each agency, then import the registry (entries match the agencies)."""
    ids = {a: lib.store.get_info(stored(lib, a)).agency_id for a in agencies}
    lib.import_registry(CSV.encode(), "名录.csv")
    return ids


def test_statutory_defaults_by_kind():
    assert (default_rule("department").md, default_rule("department").source) == ("01-31", "条例第四十九条")
    assert (default_rule("government").md, default_rule("government").source) == ("03-31", "条例第四十九条")
    # 乡镇 and 开发区: neither sentence of 第四十九条; the government's later date, said to be by analogy
    assert (default_rule("township").md, default_rule("township").source) == ("03-31", "参照条例第四十九条")


def test_region_deadline_is_inherited_down_the_tree_and_the_nearest_wins(lib):
    ids = registered(lib, "沙坡头区司法局", "利通区司法局", "中卫市司法局")
    reg = lib.registry
    reg.set_deadline(reg.region("宁夏回族自治区").id, "department", "02-10")
    reg.set_deadline(reg.region("中卫市").id, "department", "1月28日")
    d = lib.deadline_for(ids["沙坡头区司法局"], 2023)
    assert d == Deadline(date(2024, 1, 28), "department", "中卫市规定")
    assert lib.deadline_for(ids["中卫市司法局"], 2023).source == "中卫市规定"
    assert lib.deadline_for(ids["利通区司法局"], 2023) == Deadline(date(2024, 2, 10), "department", "宁夏回族自治区规定")
    reg.set_deadline(reg.region("中卫市").id, "department", None)          # removed: the province's again
    assert lib.deadline_for(ids["沙坡头区司法局"], 2023).source == "宁夏回族自治区规定"
    rules = region_rules(reg, reg.region("沙坡头区").id)
    assert rules["department"].md == "02-10" and rules["government"].source == "条例第四十九条"


def test_an_agency_deadline_beats_its_region_and_other_kinds_keep_theirs(lib):
    ids = registered(lib, "沙坡头区司法局", "沙坡头区", "宣和镇人民政府")
    reg = lib.registry
    reg.set_deadline(reg.region("沙坡头区").id, "department", "01-25")
    entry = reg.entry_for_agency(ids["沙坡头区司法局"])
    reg.update_entry(entry.id, deadline="01-20")
    d = lib.deadline_for(ids["沙坡头区司法局"], 2023)
    assert d.date == date(2024, 1, 20) and "司法局的期限" in d.source
    assert lib.deadline_for(ids["沙坡头区"], 2023) == Deadline(date(2024, 3, 31), "government", "条例第四十九条")
    assert lib.deadline_for(ids["宣和镇人民政府"], 2023).kind == "township"


def test_a_jurisdiction_configuration_sets_deadlines_where_no_node_does(lib):
    ids = registered(lib, "沙坡头区司法局")
    reg = lib.registry
    reg.set_config(reg.region("中卫市").id, 'deadlines: {department: "02-20"}\n')
    assert lib.deadline_for(ids["沙坡头区司法局"], 2023) == Deadline(date(2024, 2, 20), "department", "中卫市规定")
    reg.set_deadline(reg.region("沙坡头区").id, "department", "01-26")     # nearer: wins
    assert lib.deadline_for(ids["沙坡头区司法局"], 2023).date == date(2024, 1, 26)


def test_an_agency_outside_the_registry_has_no_configured_deadline(lib):
    rid = stored(lib, "某县教育局")
    lib.import_registry(CSV.encode(), "名录.csv")
    assert lib.deadline_for(lib.store.get_info(rid).agency_id, 2023) is None
    assert deadline_for(lib.registry, None, 2023) is None


def test_29_february_in_a_common_year_is_28_february():
    assert in_year(2025, "02-29") == date(2025, 2, 28) and in_year(2024, "02-29") == date(2024, 2, 29)


def test_d004_late_under_the_city_28_january_rule_but_on_time_under_the_statute(lib):
    registered(lib, "沙坡头区司法局")
    r = clean_report(2023, agency="沙坡头区司法局")
    r.meta.published = date(2024, 1, 30)
    assert [f for f in lib.audit(r).findings if f.code == "D004"] == []    # statute: by 31 January
    lib.registry.set_deadline(lib.registry.region("中卫市").id, "department", "01-28")
    (f,) = [f for f in lib.audit(r).findings if f.code == "D004"]
    assert "晚于期限2024年1月28日" in f.message and "中卫市规定" in f.message
    assert f.data["source"] == "中卫市规定" and f.data["days_late"] == 2
    r.meta.published = date(2024, 1, 27)
    assert [f for f in lib.audit(r).findings if f.code == "D004"] == []


def test_d004_with_a_statutory_deadline_given_names_the_article(lib):
    r = clean_report(2023, agency="沙坡头区司法局")
    r.meta.published = date(2024, 2, 3)
    ctx = AuditContext(deadline=Deadline(date(2024, 1, 31), "department", "条例第四十九条"))
    (f,) = [f for f in run_rules(r, None, ctx) if f.code == "D004"]
    assert f.message.startswith("发布日期2024年2月3日晚于法定期限2024年1月31日（条例第四十九条：政府部门")


def test_a_rule_that_needs_a_context_field_is_skipped_without_it(monkeypatch):
    seen = []

    def needs_rollup(report, context):
        seen.append(context.rollup)
        yield Hit(None, {"n": context.rollup})

    monkeypatch.setitem(REGISTRY, "R999", Rule("R999", "warning", "R", {"default": "合计 {n}"}, needs_rollup,
                                               needs=("rollup",)))
    r = clean_report(2023)
    assert run_rules(r, select=["R999"]) == []
    assert run_rules(r, None, AuditContext(), select=["R999"]) == []
    got = run_rules(r, None, AuditContext(rollup=7), select=["R999"])
    assert [f.message for f in got] == ["合计 7"] and seen == [7]
    with pytest.raises(TypeError, match="select="):
        run_rules(r, None, ["T"])
