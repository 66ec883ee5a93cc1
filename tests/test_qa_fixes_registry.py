"""QA fixes of the registry import: a skipped level that duplicates a region, names that are
numbers or spreadsheet formulas, and every bad row reported in one go."""
from __future__ import annotations

import json
from datetime import date

import pytest

from nianbao.oversight.registry import RegistryImportError, parse_registry
from nianbao.store import open_store
from nianbao.store.registry import Registry, RegistryError


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    yield s
    s.close()


def errors_of(text: str, **kw) -> list[str]:
    with pytest.raises(RegistryImportError) as e:
        parse_registry(text.encode(), "x.csv", **kw)
    return e.value.errors


def test_a_row_skipping_the_city_of_a_county_listed_under_its_city_is_refused_with_its_line():
    text = ("省,市,县,机关名称,类型\n"
            "宁夏回族自治区,中卫市,沙坡头区,司法局,部门\n"
            "宁夏回族自治区,中卫市,中宁县,司法局,部门\n"
            "宁夏回族自治区,,中宁县,教育局,部门\n")
    assert errors_of(text) == ["第 4 行：中宁县 已在 中卫市 下（第 3 行），本行缺少「市」"]
    # the order of the rows does not matter: the row with the gap is the one refused
    text = "省,市,县,机关名称,类型\n宁夏回族自治区,,中宁县,教育局,部门\n宁夏回族自治区,中卫市,中宁县,司法局,部门\n"
    assert errors_of(text) == ["第 2 行：中宁县 已在 中卫市 下（第 3 行），本行缺少「市」"]


def test_a_gap_without_the_same_region_deeper_is_still_allowed(store):
    text = ("省,市,县,机关名称,类型\n北京市,,朝阳区,司法局,部门\n河南省,,济源市,司法局,部门\n"
            "河南省,郑州市,中原区,司法局,部门\n吉林省,长春市,朝阳区,司法局,部门\n")
    reg = Registry(store)
    res = reg.import_rows(parse_registry(text.encode(), "ok.csv"))
    assert res.entries_created == 4
    assert reg.region("济源市").full_name == "河南省济源市"


def test_a_gap_row_for_a_region_the_registry_holds_deeper_is_refused_and_nothing_is_written(store):
    reg = Registry(store)
    reg.import_rows(parse_registry("省,市,县,机关名称,类型\n宁夏回族自治区,中卫市,中宁县,司法局,部门\n".encode(), "a.csv"))
    before = len(reg.regions())
    text = "省,市,县,机关名称,类型\n宁夏回族自治区,,中宁县,教育局,部门\n宁夏回族自治区,,新区县,教育局,部门\n"
    with pytest.raises(RegistryError) as e:
        reg.import_rows(parse_registry(text.encode(), "b.csv"))
    assert e.value.errors == ["第 2 行：中宁县 已在 中卫市 下，本行缺少「市」"]
    assert len(reg.regions()) == before and reg.region("中宁县").full_name == "宁夏回族自治区中卫市中宁县"


def test_a_full_row_for_a_region_the_registry_holds_as_a_gap_is_refused(store):
    reg = Registry(store)
    reg.import_rows(parse_registry("省,市,县,机关名称,类型\n宁夏回族自治区,,中宁县,教育局,部门\n".encode(), "a.csv"))
    with pytest.raises(RegistryImportError) as e:
        reg.import_rows(parse_registry("省,市,县,机关名称,类型\n宁夏回族自治区,中卫市,中宁县,司法局,部门\n".encode(), "b.csv"))
    assert e.value.errors[0].startswith("第 2 行：名录中 中宁县 直接在 宁夏回族自治区 下（缺少「市」）")
    assert len(reg.find_regions("中宁县")) == 1


def test_number_and_formula_names_are_refused_with_their_lines():
    text = ("省,市,县,机关名称,类型\n"
            "宁夏回族自治区,中卫市,沙坡头区,12345,部门\n"
            "宁夏回族自治区,中卫市,沙坡头区,=1+2,部门\n"
            "宁夏回族自治区,中卫市,沙坡头区,@SUM(A1),部门\n"
            "宁夏回族自治区,中卫市,+86,司法局,部门\n"
            "宁夏回族自治区,中卫市,沙坡头区,-司法局,部门\n"
            "宁夏回族自治区,中卫市,沙坡头区,Bureau 9,部门\n")     # letters are a name
    errors = errors_of(text)
    assert [m.split("：")[0] for m in errors] == ["第 2 行", "第 3 行", "第 4 行", "第 5 行", "第 6 行"]
    assert "「12345」不含汉字或字母" in errors[0] and "「=1+2」以 = 开头" in errors[1]
    assert "「@SUM(A1)」以 @ 开头" in errors[2] and "区域「+86」以 + 开头" in errors[3]


def test_an_unknown_parent_is_reported_with_the_other_bad_rows_in_one_go(store):
    reg = Registry(store)
    reg.import_rows(parse_registry("省,市\n宁夏回族自治区,中卫市\n".encode(), "a.csv"))
    text = ("上级区域,区域,层级,机关名称,类型\n"
            "火星市,某区,,司法局,部门\n"           # unknown parent
            "中卫市,沙坡头区,,12345,部门\n"        # a bad name; its parent is in the registry
            "沙坡头区,宣和镇,乡镇,司法所,部门\n")   # its parent is listed above
    errors = errors_of(text, known_region=reg.has_region)
    assert errors == ["第 2 行：上级区域「火星市」未找到（应在前面的行列出或已导入）",
                      "第 3 行：机关名称「12345」不含汉字或字母，不能作名称"]
    # without the registry to ask, the unlisted parents are named alongside, as a condition
    errors = errors_of(text)
    assert errors[0] == "第 2 行：上级区域「火星市」未在前面的行列出（若名录中也没有，须先补上）"
    assert "第 3 行：机关名称「12345」" in errors[1] and len(errors) == 3
    # the store names every unknown parent at once too
    text = "上级区域,区域,机关名称,类型\n火星市,某区,司法局,部门\n金星市,某县,司法局,部门\n"
    with pytest.raises(RegistryError) as e:
        reg.import_rows(parse_registry(text.encode(), "c.csv"))
    assert [m.split("：")[0] for m in e.value.errors] == ["第 2 行", "第 3 行"]


# ------------------------------------------------------------------ a report compared with itself
def test_a_report_compared_with_itself_is_refused_on_the_page_the_api_and_the_library(tmp_path):
    from test_copied_web import _store_region
    from web_support import new_client

    from nianbao.errors import InputError
    from nianbao.oversight import regional

    c, app = new_client(tmp_path)
    with c:
        ids = _store_region(app)
        a, b = ids["司法局"], ids["民政局"]
        page = c.get(f"/copied/{a}/{a}")
        assert page.status_code == 400 and "不能把报告" in page.text and "与上年报告雷同" not in page.text
        api = c.get(f"/api/copied/{a}/{a}")
        assert api.status_code == 400 and "与它自己比较" in api.json()["detail"]
        assert c.get(f"/copied/{a}/{b}").status_code == 200          # two reports still compare
        with pytest.raises(InputError, match="与它自己比较"):
            regional.copied_view(app.state.backend.library, a, a)


# ------------------------------------------------------------------ missing: published counts every report
def test_missing_counts_published_as_on_time_plus_late_plus_undated(tmp_path):
    from test_missing import planted
    from typer.testing import CliRunner

    from nianbao.cli.app import app as cli_app
    from nianbao.library import Library

    lib = Library(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        planted(lib)
        c = lib.missing("中卫市", 2023, today=date(2024, 3, 1)).counts
        assert (c["published"], c["on_time"], c["late"], c["unknown"], c["missing"], c["not_due"]) == (3, 1, 1, 1, 1, 1)
        url = lib.store.url
    finally:
        lib.close()
    runner = CliRunner()
    out = runner.invoke(cli_app, ["missing", "--region", "中卫市", "--year", "2023", "--today", "2024-03-01",
                                  "--db", url])
    assert out.exit_code == 0, out.output
    assert "已公开 3（按期 1，逾期 1，日期不明 1）" in out.output.replace("\n", "")
    js = runner.invoke(cli_app, ["missing", "--region", "中卫市", "--year", "2023", "--today", "2024-03-01",
                                 "--status", "published", "--json", "--db", url])
    got = json.loads(js.output)
    assert sorted(a["status"] for a in got["agencies"]) == ["late", "published", "unknown"]
    assert got["counts"]["published"] == 3 and got["counts"]["on_time"] == 1
    js = runner.invoke(cli_app, ["missing", "--region", "中卫市", "--year", "2023", "--today", "2024-03-01",
                                 "--status", "on_time", "--json", "--db", url])
    assert [a["status_name"] for a in json.loads(js.output)["agencies"]] == ["按期公开"]


# ------------------------------------------------------------------ region-audit of a year without reports
def test_region_audit_of_a_year_without_reports_says_so_not_that_the_registry_is_missing(tmp_path):
    from test_missing import CSV, put
    from typer.testing import CliRunner

    from nianbao.cli.app import app as cli_app
    from nianbao.library import Library

    lib = Library(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        lib.import_registry(CSV.encode(), "名录.csv")
        put(lib, "中卫市司法局", date(2024, 1, 20))
        url = lib.store.url
        assert lib.audit_region(region="中卫市", year=2019).registry is True
    finally:
        lib.close()
    out = CliRunner().invoke(cli_app, ["region-audit", "--region", "中卫市", "--year", "2019", "--db", url])
    assert out.exit_code == 0, out.output
    assert "库中没有中卫市 2019 年度的报告" in out.output and "尚未导入" not in out.output
