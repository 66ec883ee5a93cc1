"""The scorecard (nianbao.oversight.scorecard): a small scheme's points computed by hand — caps,
the floor, shared ranks, an agency without a report, items that cannot be evaluated — the scheme's
validation errors (Chinese, naming the key), the XLSX, and `nianbao scorecard --json` over a store."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from nianbao.library import Library
from nianbao.model import Finding, Meta, Report
from nianbao.oversight.config import ConfigError, load_config
from nianbao.oversight.scorecard import (AgencyInputs, Lateness, evaluate, load_scheme, parse_scheme, rank_note,
                                         scorecard_xlsx)
from store_support import db_url  # noqa: F401  (fixture)

SCHEME = {
    "base": 100, "floor": 0,
    "items": [
        {"id": "missing", "name": "未公开年度报告", "per": "missing", "points": -100},
        {"id": "late", "name": "未按期公开", "per": "late_day", "points": -1, "cap": -20},
        {"id": "errors", "name": "审核错误", "per": "finding", "severity": "error", "points": -2, "cap": -5},
        {"id": "copied", "name": "雷同", "per": "finding", "codes": ["X002", "X005"], "points": -10},
        {"id": "corrected", "name": "复议诉讼纠错", "per": "cell", "points": -1,
         "paths": ["review_litigation.review.corrected", "review_litigation.litigation_direct.corrected"]},
        {"id": "substantive", "name": "实质公开率偏低", "per": "indicator", "indicator": "substantive_rate",
         "red": -5, "yellow": -2},
    ],
}
REV, LIT = "review_litigation.review.corrected", "review_litigation.litigation_direct.corrected"


def _f(fid, code, severity="error", decision=None):
    return {"id": fid, "review_id": None, "code": code, "severity": severity, "message": f"{code} 问题",
            "decision": decision, "data": None}


def _ind(value, mark=None):
    return {"substantive_rate": {"value": value, "numerator": None, "denominator": None, "mark": mark,
                                 "reason": None if value is not None else "分母为 0"}}


def _agencies():
    a = AgencyInputs("甲局", agency_id=1, report_id=11, missing=False, lateness=Lateness(0, "2024-01-20", "2024-01-31"),
                     findings=[_f(1, "T001")], cells={REV: 2, LIT: 0}, indicators=_ind(0.45, "yellow"))
    b = AgencyInputs("乙局", agency_id=2, report_id=12, missing=False,
                     lateness=Lateness(30, "2024-03-01", "2024-01-31", "条例第四十九条", finding_id=9),
                     findings=[_f(2, "T001"), _f(3, "T002"), _f(4, "T003"), _f(5, "N001"),
                               _f(6, "X005", "warning"), _f(7, "T001", decision="误报")],
                     cells={REV: 0, LIT: 0}, indicators=_ind(0.8))
    c = AgencyInputs("丙局", entry_id=5, missing=True)
    d = AgencyInputs("丁局", agency_id=4, report_id=14, missing=False, lateness=Lateness(25, "2024-02-25", "2024-01-31"),
                     findings=[_f(8, "T001"), _f(9, "T001"), _f(10, "N002"), _f(11, "X002", "warning"),
                               _f(12, "X005", "warning")],
                     cells={REV: 40, LIT: 20}, indicators=_ind(0.1, "red"))
    e = AgencyInputs("戊局", agency_id=5, report_id=15, missing=False, lateness=None,
                     lateness_reason="报告未载明发布日期，无法判断是否逾期",
                     findings=[], cells={REV: None, LIT: 1}, indicators=_ind(None))
    return [a, b, c, d, e]


def _card(agencies=None, registry=True):
    return evaluate(parse_scheme(SCHEME), agencies or _agencies(), region="中卫市", year=2023, registry=registry)


def test_points_by_hand_with_caps_floor_and_shared_rank():
    card = _card()
    got = {a.agency: (a.rank, a.total, a.floored) for a in card.agencies}
    # 甲: -2 (one error) -2 (cells 2+0) -2 (yellow)                  = 94
    # 乙: late 30 days capped at -20, 4 errors (-8) capped at -5, one X005 -10, the 误报 one not counted = 65
    # 丙: no report: -100                                               = 0
    # 丁: -20, 3 errors -5 (cap), X002+X005 -20, cells 40+20 -60, red -5 = -10 → floor 0
    # 戊: nothing counted; a blank cell, an indicator without value and no date are not evaluated = 100,
    #     an incomplete total the others (every item assessed) are not compared with: unranked, last
    assert got == {"戊局": (None, 100, False), "甲局": (1, 94, False), "乙局": (2, 65, False),
                   "丙局": (3, 0, False), "丁局": (3, 0, True)}
    assert [a.agency for a in card.agencies] == ["甲局", "乙局", "丁局", "丙局", "戊局"]
    assert [a.incomplete for a in card.agencies] == [[], [], [], [], ["late", "corrected", "substantive"]]


def test_cap_is_shown_with_the_uncapped_points():
    b = _card().agency("乙局")
    late = next(ln for ln in b.lines if ln.item == "late")
    assert (late.count, late.raw, late.points, late.capped) == (30, -30, -20, True)
    assert "逾期 30 天" in late.text and "以 -20 分为限" in late.text
    assert late.evidence["days_late"] == 30 and late.evidence["finding_id"] == 9
    errors = next(ln for ln in b.lines if ln.item == "errors")
    assert (errors.count, errors.raw, errors.points) == (4, -8, -5)
    assert [f["id"] for f in errors.evidence["findings"]] == [2, 3, 4, 5]
    assert [f["id"] for f in errors.evidence["excluded"]] == [7] and "误报" in errors.text


def test_missing_agency_is_scored_by_the_missing_item_alone():
    c = _card().agency("丙局")
    assert c.status == "missing" and c.key == "e5"
    lines = {ln.item: ln for ln in c.lines}
    assert lines["missing"].evaluated and lines["missing"].points == -100
    assert all(not ln.evaluated and "未公开报告" in ln.reason for k, ln in lines.items() if k != "missing")


def test_unavailable_inputs_are_not_evaluated_never_zero():
    e = _card().agency("戊局")
    lines = {ln.item: ln for ln in e.lines}
    assert set(e.not_evaluated) == {"late", "corrected", "substantive"}
    assert lines["late"].points is None and "发布日期" in lines["late"].reason
    assert "空白" in lines["corrected"].reason and lines["corrected"].evidence["cells"] == {REV: None, LIT: 1}
    assert "分母为 0" in lines["substantive"].reason
    assert lines["errors"].evaluated and lines["errors"].points == 0


def test_without_registry_the_missing_item_is_not_evaluated():
    agencies = [a for a in _agencies() if not a.missing]
    for a in agencies:
        a.missing = None
    card = _card(agencies, registry=False)
    for a in card.agencies:
        ln = next(ln for ln in a.lines if ln.item == "missing")
        assert not ln.evaluated and "名录" in ln.reason and a.status == "unknown"
    assert card.agency("甲局").total == 94


def test_confirmed_only_counts_confirmed_findings():
    scheme = {"base": 10, "floor": None, "items": [
        {"id": "e", "name": "已确认错误", "per": "finding", "severity": ["error", "warning"], "points": -3,
         "confirmed_only": True}]}
    a = AgencyInputs("甲局", report_id=1, missing=False,
                     findings=[_f(1, "T001", decision="确认"), _f(2, "T002"), _f(3, "D004", "warning", "确认")])
    card = evaluate(parse_scheme(scheme), [a], region="r", year=2023, registry=True)
    assert card.agencies[0].total == 4 and card.agencies[0].lines[0].count == 2


def test_family_letter_selects_every_rule_of_the_family_and_floor_none_allows_negative():
    scheme = {"base": 0, "floor": None, "items": [{"id": "t", "name": "表格", "per": "finding", "codes": ["T"],
                                                   "points": -1}]}
    a = AgencyInputs("甲局", report_id=1, missing=False, findings=[_f(1, "T001"), _f(2, "T101"), _f(3, "N001")])
    card = evaluate(parse_scheme(scheme), [a], region="r", year=2023, registry=True)
    assert card.agencies[0].total == -2


def test_late_per_occurrence_counts_once():
    scheme = {"base": 100, "items": [{"id": "late", "name": "逾期", "per": "late", "points": -5}]}
    on_time = AgencyInputs("甲局", report_id=1, missing=False, lateness=Lateness(0, "2024-01-02", "2024-01-31"))
    late = AgencyInputs("乙局", report_id=2, missing=False, lateness=Lateness(40, "2024-03-11", "2024-01-31"))
    card = evaluate(parse_scheme(scheme), [on_time, late], region="r", year=2023, registry=True)
    assert [(a.agency, a.total) for a in card.agencies] == [("甲局", 100), ("乙局", 95)]


@pytest.mark.parametrize("items, where", [
    ([{"id": "x", "name": "逾期", "per": "late_dy", "points": -1}], "scorecard.items.0.per"),
    ([{"id": "x", "name": "纠错", "per": "cell", "path": "review_litigation.review.wrong", "points": -1}],
     "scorecard.items.0.path"),
    ([{"id": "x", "name": "错误", "per": "finding", "points": -1, "cap": 5}], "scorecard.items.0.cap"),
    ([{"id": "x", "name": "错误", "per": "finding", "points": "很多"}], "scorecard.items.0.points"),
    ([{"id": "x", "name": "纠错", "per": "cell", "path": REV, "points": -1, "severity": "error"}],
     "scorecard.items.0.severity"),
    ([{"id": "x", "name": "率", "per": "indicator", "indicator": "happiness", "red": -1}],
     "scorecard.items.0.indicator"),
    ([{"id": "x", "name": "a", "per": "missing", "points": -1}, {"id": "x", "name": "b", "per": "late", "points": -1}],
     "scorecard.items.1.id"),
    ([{"id": "x", "name": "错误", "per": "finding", "severity": "fatal", "points": -1}], "scorecard.items.0.severity"),
])
def test_scheme_errors_are_chinese_and_name_the_key(items, where):
    with pytest.raises(ConfigError) as e:
        parse_scheme({"base": 100, "items": items})
    assert str(e.value).startswith(f"配置项 {where} 有误：")


def test_jurisdiction_document_with_a_bad_item_fails_when_loaded_naming_item_and_key():
    doc = "scorecard:\n  items:\n    - {id: a, name: 未公开, per: missing, points: -100}\n" \
          "    - {id: b, name: 逾期, per: late_day, points: -1, cap: -20, codes: [D004]}\n"
    with pytest.raises(ConfigError, match=r"配置项 scorecard\.items 有误：第 2 项的 codes"):
        load_config(doc)


def test_scheme_file_may_be_a_jurisdiction_document_or_the_section_alone():
    assert load_scheme("scorecard:\n  base: 50\n  items: []\n").base == 50
    assert len(load_scheme("base: 10\nitems:\n  - {id: m, name: 未公开, per: missing, points: -10}\n").items) == 1
    with pytest.raises(ConfigError, match="未知的配置项"):
        load_scheme("scorecard: {items: []}\nscore: 1\n")
    with pytest.raises(ConfigError, match="scorecard"):
        load_scheme("hello: 1\n")


def test_default_scheme_is_valid():
    scheme = parse_scheme(load_config().scorecard)
    assert scheme.base == 100 and {i.per for i in scheme.items} >= {"missing", "late_day", "finding", "cell"}


def test_xlsx_has_ranking_and_explanation_sheets_and_formula_like_text_stays_text():
    agencies = _agencies()
    agencies[0].agency = "=HYPERLINK(\"http://x\")甲局"
    agencies[1].agency = "@SUM(A1)乙局"
    wb = load_workbook(io.BytesIO(scorecard_xlsx(_card(agencies))))
    assert wb.sheetnames == ["排名", "扣分说明"]
    rank = [[c.value for c in row] for row in wb["排名"].iter_rows()]
    assert rank[0][:5] == ["名次", "机关", "地区", "状态", "基础分"]
    assert rank[0][-3:] == ["总分", "未评估项", "排名说明"]
    body = {r[1]: r for r in rank[1:6]}
    jia = body["=HYPERLINK(\"http://x\")甲局"]
    assert jia[0] == 1 and jia[-3] == 94 and jia[5:11] == [0, 0, -2, 0, -2, -2] and jia[-1] is None
    assert body["@SUM(A1)乙局"][-3] == 65
    assert body["戊局"][-2] == "未按期公开、复议诉讼纠错、实质公开率偏低" and body["戊局"][6] == "—"
    # 戊局's 100 is partial: no rank, after the ranked ones, the reason in 排名说明
    assert [r[0] for r in rank[1:6]] == [1, 2, 3, 3, "—"] and rank[5][1] == "戊局" and rank[5][-3] == 100
    # the reasons, then the items: every item of 未评估项 named in 排名说明
    assert rank[5][-1] == ("未完整评估：报告未载明发布日期，无法判断是否逾期；单元格「表四·行政复议·结果纠正」空白，不当作 0；"
                           "实质公开率无法计算（分母为 0）；缺少输入而未评估的项：「未按期公开」「复议诉讼纠错」「实质公开率偏低」，"
                           "总分不完整，不参与排名")
    assert any(r[0] and str(r[0]).startswith("排名规则：只对各适用项都已评估的机关排名") for r in rank)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert next(c for c in cells if str(c.value).startswith("=HYPERLINK")).data_type == "s"
    lines = [[c.value for c in row] for row in wb["扣分说明"].iter_rows()]
    assert lines[0] == ["名次", "机关", "扣分项", "已评估", "次数/数值", "得分", "说明", "依据材料"]
    assert {r[0] for r in lines[1:] if r[1] == "戊局"} == {"—"}
    yi_late = next(r for r in lines if r[1] == "@SUM(A1)乙局" and r[2] == "未按期公开")
    assert yi_late[4:6] == [30, -20] and "逾期 30 天" in yi_late[7]
    assert len(lines) == 1 + 5 * len(SCHEME["items"])


# ------------------------------------------------------------------ over a store
def _report(agency: str, n: int, *, published: date | None, findings=(), corrected=None) -> Report:
    r = Report(meta=Meta(agency=agency, year=2023, published=published), findings=list(findings))
    r.source.file, r.source.sha256 = f"{n}.txt", f"{n:064x}"
    if corrected is not None:
        r.tables.set_cell(REV, corrected)
    return r


LATE = Finding(code="D004", severity="warning", message="发布日期晚于期限", path="meta.published",
               data={"published_iso": "2024-02-20", "deadline_iso": "2024-01-31", "days_late": 20,
                     "source": "条例第四十九条"})


@pytest.fixture
def stocked(db_url, tmp_path):  # noqa: F811
    with Library(db_url, data_dir=tmp_path / "files") as lib:
        lib.add_report(_report("中卫市沙坡头区司法局", 1, published=date(2024, 1, 20), corrected=2))
        lib.add_report(_report("中卫市沙坡头区民政局", 2, published=date(2024, 2, 20), corrected=0, findings=[
            LATE, Finding(code="T001", severity="error", message="表格不平", path="tables.applications.new_received.total"),
            Finding(code="T002", severity="error", message="合计不符", path="tables.applications.granted.total")]))
        lib.add_report(_report("中卫市沙坡头区财政局", 3, published=None))
        lib.add_report(_report("银川市兴庆区财政局", 4, published=date(2024, 1, 2)))
        yield lib, db_url


def test_store_inputs_lateness_from_d004_findings_with_ids_and_review_dismissal(stocked):
    lib, _ = stocked
    card = lib.scorecard("沙坡头区", 2023)
    assert not card.registry and [a.agency for a in card.agencies if a.agency.startswith("银川")] == []
    minzheng = card.agency("中卫市沙坡头区民政局")
    by = {ln.item: ln for ln in minzheng.lines}
    assert (by["late"].count, by["late"].points) == (20, -20) and by["late"].evidence["deadline"] == "2024-01-31"
    assert by["errors"].count == 2 and all(isinstance(f["id"], int) for f in by["errors"].evidence["findings"])
    assert by["review_corrected"].evidence["cells"] == {REV: 0}
    caizheng = card.agency("中卫市沙坡头区财政局")
    assert "late" in caizheng.not_evaluated and "review_corrected" in caizheng.not_evaluated  # no date, blank cell
    # a reviewer's 误报 takes the finding out of the count
    rid = minzheng.report_id
    t001 = next(f for f in lib.findings(rid) if f["code"] == "T001")
    lib.decide(t001["id"], "误报", user="张三", reason="合并单元格读错", expected_version=t001["version"])
    again = lib.scorecard("沙坡头区", 2023).agency("中卫市沙坡头区民政局")
    errors = next(ln for ln in again.lines if ln.item == "errors")
    assert errors.count == 1 and [f["code"] for f in errors.evidence["excluded"]] == ["T001"]
    assert again.total == minzheng.total + 2


def test_cli_json_and_explain_one_agency_and_xlsx(stocked, tmp_path):
    from nianbao.cli import app

    _, url = stocked
    runner = CliRunner()
    res = runner.invoke(app, ["scorecard", "--region", "沙坡头区", "--year", "2023", "--json", "--db", url,
                              "--xlsx", str(tmp_path / "s.xlsx")])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    # ranked ones in rank order, then the unranked: 财政局 has no publication date and a blank cell
    ranks = [a["rank"] for a in data["agencies"]]
    assert ranks == [1, 2, None] and data["agencies"][-1]["agency"] == "中卫市沙坡头区财政局"
    cz = data["agencies"][-1]
    assert (cz["ranked"], cz["complete"], cz["incomplete"]) == (False, False, ["late", "review_corrected"])
    assert cz["incomplete_text"] == ("未完整评估：报告未载明发布日期，无法判断是否逾期；"
                                     "单元格「表四·行政复议·结果纠正」空白，不当作 0") and cz["total"] == 100
    assert {a["agency"] for a in data["agencies"]} == {"中卫市沙坡头区司法局", "中卫市沙坡头区民政局", "中卫市沙坡头区财政局"}
    assert load_workbook(tmp_path / "s.xlsx").sheetnames == ["排名", "扣分说明"]
    one = runner.invoke(app, ["scorecard", "-r", "沙坡头区", "-y", "2023", "--agency", "中卫市沙坡头区民政局",
                              "--json", "--db", url])
    assert one.exit_code == 0 and json.loads(one.stdout)["agency"] == "中卫市沙坡头区民政局"
    table = runner.invoke(app, ["scorecard", "-r", "沙坡头区", "-y", "2023", "--db", url])
    assert table.exit_code == 0 and "民政局" in table.stdout and "未评估" in table.stdout


def test_cli_bad_scheme_and_unknown_region_are_one_line_exit_2(stocked, tmp_path):
    from nianbao.cli import app

    _, url = stocked
    bad = tmp_path / "bad.yaml"
    bad.write_text("scorecard:\n  items:\n    - {id: x, name: 逾期, per: late_dy, points: -1}\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["scorecard", "-r", "沙坡头区", "-y", "2023", "--scheme", str(bad), "--db", url])
    assert res.exit_code == 2 and "scorecard.items.0.per" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["scorecard", "-r", "火星区", "-y", "2023", "--db", url])
    assert res.exit_code == 2 and "火星区" in res.output and "Traceback" not in res.output
    good = tmp_path / "good.yaml"
    good.write_text("scorecard:\n  base: 10\n  items:\n    - {id: late, name: 逾期, per: late, points: -3}\n",
                    encoding="utf-8")
    res = runner.invoke(app, ["scorecard", "-r", "沙坡头区", "-y", "2023", "--scheme", str(good), "--json", "--db", url])
    assert res.exit_code == 0
    totals = {a["agency"]: a["total"] for a in json.loads(res.stdout)["agencies"]}
    assert totals == {"中卫市沙坡头区司法局": 10, "中卫市沙坡头区民政局": 7, "中卫市沙坡头区财政局": 10}


# ------------------------------------------------------------------ with a registry
REGISTRY = """省,市,县（区）,机关名称,类型,报告范围,期限
宁夏回族自治区,中卫市,沙坡头区,司法局,部门,,1月25日
宁夏回族自治区,中卫市,沙坡头区,民政局,部门,,
宁夏回族自治区,中卫市,沙坡头区,财政局,部门,,
"""
REGISTRY_SCHEME = {"base": 100, "floor": 0, "items": [
    {"id": "missing", "name": "未公开", "per": "missing", "points": -100},
    {"id": "late", "name": "逾期", "per": "late_day", "points": -1, "cap": -20},
    {"id": "subst", "name": "实质公开率", "per": "indicator", "indicator": "substantive_rate", "red": -5, "yellow": -2},
]}


def test_cells_and_indicators_read_for_the_whole_year_follow_a_new_report(stocked):
    """The scheme's cells and the indicators are read once for every current report of the year
    and shared by the regions' scorecards: a report stored after one region's card is in the next."""
    lib, _ = stocked
    assert lib.scorecard("兴庆区", 2023).agencies[0].agency == "银川市兴庆区财政局"
    assert {a.agency for a in lib.scorecard("沙坡头区", 2023).agencies} == {
        "中卫市沙坡头区司法局", "中卫市沙坡头区民政局", "中卫市沙坡头区财政局"}
    r = _with_table(_report("中卫市沙坡头区审计局", 5, published=date(2024, 1, 5), corrected=3), 1, 0, 5)
    lib.add_report(r)
    one = lib.scorecard("沙坡头区", 2023).agency("中卫市沙坡头区审计局")
    by = {ln.item: ln for ln in one.lines}
    assert by["review_corrected"].evidence["cells"] == {REV: 3} and by["review_corrected"].points == -3
    assert by["substantive"].evidence["numerator"] == 1 and by["substantive"].evidence["denominator"] == 5
    assert lib.scorecard("兴庆区", 2023).agencies[0].agency == "银川市兴庆区财政局"


def _with_table(r: Report, granted: int, partial: int, total: int) -> Report:
    r.tables.set_cell("applications.granted.total", granted)
    r.tables.set_cell("applications.partially_granted.total", partial)
    r.tables.set_cell("applications.results_total.total", total)
    return r


def test_registry_scores_expected_agencies_missing_one_and_its_own_deadline(tmp_path):
    from nianbao.oversight.registry import parse_registry
    from nianbao.oversight.regional import registry_of

    with Library(f"sqlite:///{tmp_path / 'r.db'}", data_dir=tmp_path / "files") as lib:
        registry_of(lib).import_rows(parse_registry(REGISTRY.encode(), "名录.csv"))
        # 司法局: its own deadline 1月25日, published 28 Jan → 3 days; 1 of 4 granted = 25 % (red, ≤ 30 %)
        lib.add_report(_with_table(_report("中卫市沙坡头区司法局", 1, published=date(2024, 1, 28)), 1, 0, 4))
        # 民政局: statute's 31 Jan, published 20 Feb → 20 days; (2 + 1) of 4 = 75 % (no mark)
        lib.add_report(_with_table(_report("中卫市沙坡头区民政局", 2, published=date(2024, 2, 20)), 2, 1, 4))
        # 审计局 is not in the registry: scored, its 未公开 line not evaluated; 40 % is yellow (≤ 50 %)
        lib.add_report(_with_table(_report("中卫市沙坡头区审计局", 3, published=date(2024, 1, 5)), 2, 0, 5))
        card = lib.scorecard("沙坡头区", 2023, scheme=parse_scheme(REGISTRY_SCHEME), today=date(2025, 6, 1))
    assert card.registry and card.region.endswith("沙坡头区")
    got = {a.agency: (a.rank, a.total, a.status) for a in card.agencies}
    # 审计局, outside the registry, is scored (98) but not ranked above the agencies the registry
    # lists and fully assessed: its 未公开 line could not be evaluated
    assert got == {"中卫市沙坡头区审计局": (None, 98, "unknown"), "中卫市沙坡头区司法局": (1, 92, "published"),
                   "中卫市沙坡头区民政局": (2, 80, "published"), "宁夏回族自治区中卫市沙坡头区财政局": (3, 0, "missing")}
    assert card.agencies[-1].agency == "中卫市沙坡头区审计局"
    sf = {ln.item: ln for ln in card.agency("中卫市沙坡头区司法局").lines}
    assert sf["late"].evidence["deadline"] == "2024-01-25" and sf["late"].count == 3
    assert sf["subst"].evidence["numerator"] == 1 and sf["subst"].evidence["denominator"] == 4
    assert sf["subst"].evidence["mark"] == "red" and sf["missing"].points == 0
    sj = card.agency("中卫市沙坡头区审计局")
    assert sj.not_evaluated == ["missing"] and any("名录" in n for n in card.notes)
    assert sj.incomplete == ["missing"] and sj.incomplete_text() == "未完整评估：不在机构名录中，无法判断是否应公开"
    cz = card.agency("财政局")
    assert cz.report_id is None and cz.entry_id is not None and cz.not_evaluated == ["late", "subst"]


def test_registry_deadline_not_yet_passed_leaves_the_agency_out_with_a_note(tmp_path):
    from nianbao.oversight.registry import parse_registry
    from nianbao.oversight.regional import registry_of

    with Library(f"sqlite:///{tmp_path / 'r.db'}", data_dir=tmp_path / "files") as lib:
        registry_of(lib).import_rows(parse_registry(REGISTRY.encode(), "名录.csv"))
        lib.add_report(_report("中卫市沙坡头区司法局", 1, published=date(2024, 1, 20)))
        card = lib.scorecard("沙坡头区", 2023, scheme=parse_scheme(REGISTRY_SCHEME), today=date(2024, 1, 22))
    assert [a.agency for a in card.agencies] == ["中卫市沙坡头区司法局"]
    assert any("2 个机关尚未到公开期限" in n for n in card.notes)


def test_a_region_scheme_applies_to_the_regions_under_it_and_a_bad_one_is_refused(tmp_path):
    from nianbao.oversight.registry import parse_registry
    from nianbao.oversight.regional import registry_of
    from nianbao.store.registry import RegistryError

    with Library(f"sqlite:///{tmp_path / 'r.db'}", data_dir=tmp_path / "files") as lib:
        reg = registry_of(lib)
        reg.import_rows(parse_registry(REGISTRY.encode(), "名录.csv"))
        city = reg.region("中卫市")
        reg.set_config(city.id, "scorecard:\n  base: 10\n  floor: null\n  items:\n"
                                "    - {id: missing, name: 未公开, per: missing, points: -30, basis: 考核办法第五条}\n")
        with pytest.raises(RegistryError, match=r"scorecard\.items 有误：第 1 项的 points"):
            reg.set_config(city.id, "scorecard:\n  items:\n    - {id: m, name: 未公开, per: missing}\n")
        lib.add_report(_report("中卫市沙坡头区司法局", 1, published=date(2024, 1, 20)))
        card = lib.scorecard("沙坡头区", 2023, today=date(2025, 1, 1))
    assert card.scheme.base == 10 and card.scheme.floor is None and "沙坡头区适用的配置" in card.scheme_source
    assert {a.agency.removeprefix("宁夏回族自治区"): a.total for a in card.agencies} == {
        "中卫市沙坡头区司法局": 10, "中卫市沙坡头区民政局": -20, "中卫市沙坡头区财政局": -20}
    assert card.to_dict()["items"][0]["basis"] == "考核办法第五条"


def test_generated_city_scorecard_deducts_for_the_planted_late_missing_and_copied_and_nobody_else(tmp_path):
    from nianbao import api
    from nianbao.generate.region import CITY_DEADLINES, generate_region, registry_csv
    from nianbao.oversight.registry import parse_registry
    from nianbao.oversight.regional import registry_of

    region = generate_region(0, districts=3, departments=3, city_departments=2, townships=1)
    y = region.years[1]
    scheme = parse_scheme({"base": 100, "items": [
        {"id": "missing", "name": "未公开", "per": "missing", "points": -100},
        {"id": "late", "name": "逾期", "per": "late", "points": -5}]})
    with Library(f"sqlite:///{tmp_path / 'g.db'}", data_dir=tmp_path / "files") as lib:
        reg = registry_of(lib)
        reg.import_rows(parse_registry(registry_csv(region), "名录.csv"))
        city = reg.region(region.city)
        for kind, md in CITY_DEADLINES.items():
            reg.set_deadline(city.id, kind, md)
        for (_, year), r in sorted(region.reports.items(), key=lambda kv: kv[0][1]):
            lib.store.save_report(api.audit(r))
        lib.audit_region(year=y)               # D004 with the registry's deadlines, X002, X005
        card = lib.scorecard(region.city, y, scheme=scheme, today=date(y + 2, 1, 1))
        copied = lib.scorecard(region.city, y, scheme=parse_scheme({"base": 0, "floor": None, "items": [
            {"id": "copied", "name": "雷同", "per": "finding", "codes": ["X002", "X005"], "points": -10}]}))
    late = {k for k, yy in region.key.late if yy == y}
    missing = {k for k, yy in region.key.missing if yy == y}
    assert late and missing and region.key.late_by_region_rule          # the case the city's 01-28 makes late
    by_key = {next(m.key for m in region.members if a.agency.endswith(m.key)): a for a in card.agencies}
    assert set(by_key) == {m.key for m in region.members}
    for key, a in by_key.items():
        want = 0 if key in missing else 95 if key in late else 100
        assert a.total == want, (key, a.total, [ln.text for ln in a.lines])
    assert {k for k, a in by_key.items() if a.status == "missing"} == missing
    # copied text: X002 (last year's own) and X005 (a sibling's template) findings of the regional pass
    copiers = {next(m.key for m in region.members if a.agency.endswith(m.key)) for a in copied.agencies if a.total < 0}
    planted = {k for k, yy in region.key.copied_last_year if yy == y} | \
        {k for pair, yy in region.key.copied_sibling if yy == y for k in pair}
    assert copiers and copiers <= planted
    assert {k for k, yy in region.key.copied_last_year if yy == y} <= copiers
    assert all(pair & copiers for pair, yy in region.key.copied_sibling if yy == y)


def test_scheme_without_items_names_the_bad_key_not_the_section():
    from nianbao.oversight.scorecard import load_scheme

    with pytest.raises(ConfigError, match="scorecard.base"):
        load_scheme("scorecard:\n  base: abc")


# ------------------------------------------------------------------ who is ranked
def test_items_that_do_not_apply_keep_a_score_complete_missing_input_does_not():
    scheme = parse_scheme({"base": 100, "items": [
        {"id": "missing", "name": "未公开", "per": "missing", "points": -100},
        {"id": "late", "name": "逾期", "per": "late_day", "points": -1},
        {"id": "substantive", "name": "实质公开率", "per": "indicator", "indicator": "substantive_rate", "red": -5}]})
    on_time = Lateness(0, "2024-01-20", "2024-01-31")
    nothing = {"substantive_rate": {"value": None, "numerator": 0, "denominator": 0, "mark": None, "reason": "分母为 0"}}
    blank = {"substantive_rate": {"value": None, "numerator": None, "denominator": None, "mark": None,
                                  "reason": "分母空白"}}
    card = evaluate(scheme, [
        AgencyInputs("甲局", report_id=1, missing=False, lateness=Lateness(3, "2024-02-03", "2024-01-31"),
                     indicators=_ind(0.8)),
        AgencyInputs("乙局", report_id=2, missing=False, lateness=on_time, indicators=nothing),   # no applications
        AgencyInputs("丙局", entry_id=3, missing=True),                                           # no report
        AgencyInputs("丁局", report_id=4, missing=False, lateness=on_time, indicators=blank)],     # blank cells
        region="r", year=2023, registry=True)
    got = {a.agency: (a.rank, a.total, a.incomplete) for a in card.agencies}
    assert got == {"乙局": (1, 100, []), "甲局": (2, 97, []), "丙局": (3, 0, []), "丁局": (None, 100, ["substantive"])}
    assert [a.agency for a in card.agencies] == ["乙局", "甲局", "丙局", "丁局"]
    yi = {ln.item: ln for ln in card.agency("乙局").lines}
    assert not yi["substantive"].evaluated and not yi["substantive"].applicable and "不适用" in yi["substantive"].reason
    assert all(not ln.applicable for ln in card.agency("丙局").lines if ln.item != "missing")
    d = card.to_dict()
    assert (d["ranked_count"], d["unranked_count"], d["common_gaps"]) == (3, 1, [])
    ding = d["agencies"][-1]
    assert (ding["rank"], ding["ranked"], ding["complete"], ding["incomplete_text"]) == (
        None, False, False, "未完整评估：实质公开率无法计算（分母空白）")
    assert rank_note(card.agency("乙局")) == "「实质公开率」不适用，不影响完整性：" + yi["substantive"].reason
    assert rank_note(card.agency("甲局")) == ""
    assert any("1 个机关缺少部分评分项的输入" in n for n in card.notes)


def test_an_item_no_agency_could_be_evaluated_for_leaves_everyone_ranked_with_a_note():
    # no registry: the 未公开 item is evaluated for nobody; every agency is equally without it
    agencies = [a for a in _agencies() if not a.missing and a.agency != "戊局"]
    for a in agencies:
        a.missing = None
    card = _card(agencies, registry=False)
    assert card.common_gaps == ["missing"] and not card.unranked
    assert {a.agency: a.rank for a in card.agencies} == {"甲局": 1, "乙局": 2, "丁局": 3}
    assert not any("对所有机关均无法评估" in n for n in card.notes)     # the no-registry note says it already
    # a cell every report's form lacks: a note, nobody unranked for it
    for a in agencies:
        a.cells = {}
    card = _card(agencies, registry=False)
    assert card.common_gaps == ["missing", "corrected"] and not card.unranked
    assert any("「复议诉讼纠错」对所有机关均无法评估" in n for n in card.notes)


def test_an_unranked_agency_leaves_the_others_ranks_and_ties_as_without_it():
    without = _card([a for a in _agencies() if a.agency != "戊局"])
    full = _card()
    assert {a.agency: a.rank for a in without.agencies} == {a.agency: a.rank for a in full.ranked}
    assert [a.agency for a in full.ranked] == [a.agency for a in without.agencies]
    assert [a.agency for a in full.unranked] == ["戊局"] and full.agencies[-1].agency == "戊局"
    assert full.agency("戊局").total == 100 > max(a.total for a in full.ranked)


HSB_REGISTRY = """省,市,县（区）,机关名称,类型,报告范围,期限
宁夏回族自治区,吴忠市,红寺堡区,司法局,部门,,
宁夏回族自治区,吴忠市,红寺堡区,民政局,部门,,
宁夏回族自治区,吴忠市,红寺堡区,教育局,部门,,
宁夏回族自治区,吴忠市,红寺堡区,财政局,部门,,
"""


def hsb_report(agency: str, n: int, published: date, corrected: int) -> Report:
    """A 红寺堡区 report with its applications table (3 of 4 granted: the substantive rate evaluated)."""
    return _with_table(_report(f"吴忠市红寺堡区{agency}", n, published=published, corrected=corrected), 3, 0, 4)


def stock_hongsibu(lib, planted: bool = True) -> None:
    """QA's case: a registry of 红寺堡区 without 审计局; 司法局 published 5 days late; 民政局 and
    教育局 tie; 财政局 missing; and, if `planted`, 司法局's report renamed 审计局 (dated on time) —
    outside the registry, nothing deducted: 100, above every assessed agency."""
    from nianbao.oversight.registry import parse_registry

    lib.registry.import_rows(parse_registry(HSB_REGISTRY.encode(), "名录.csv"))
    lib.add_report(hsb_report("司法局", 1, date(2024, 2, 5), 0))         # -5 late = 95
    lib.add_report(hsb_report("民政局", 2, date(2024, 1, 20), 2))        # -2 纠错 = 98
    lib.add_report(hsb_report("教育局", 3, date(2024, 1, 25), 2))        # -2 纠错 = 98
    if planted:
        lib.add_report(hsb_report("审计局", 4, date(2024, 1, 10), 0))    # the copy: 100, nothing deducted


HSB_RANKS = {"吴忠市红寺堡区民政局": (1, 98), "吴忠市红寺堡区教育局": (1, 98), "吴忠市红寺堡区司法局": (3, 95),
             "宁夏回族自治区吴忠市红寺堡区财政局": (4, 0)}


def test_qa_unregistered_copy_is_not_ranked_above_assessed_agencies_cli_json_xlsx_agree(tmp_path):
    from nianbao.cli import app

    url = f"sqlite:///{tmp_path / 'h.db'}"
    with Library(url, data_dir=tmp_path / "files") as lib:
        stock_hongsibu(lib, planted=False)
        before = lib.scorecard("红寺堡区", 2023)
        lib.add_report(hsb_report("审计局", 4, date(2024, 1, 10), 0))
        card = lib.scorecard("红寺堡区", 2023)
    assert {a.agency: (a.rank, a.total) for a in before.agencies} == HSB_RANKS
    assert {a.agency: (a.rank, a.total) for a in card.ranked} == HSB_RANKS          # ties and ranks unchanged
    sj = card.agencies[-1]
    assert (sj.agency, sj.rank, sj.total, sj.incomplete) == ("吴忠市红寺堡区审计局", None, 100, ["missing"])
    # it did publish: the text says why it is unranked, never "未公开年度报告" (reads as not published)
    assert sj.incomplete_text() == "未完整评估：不在机构名录中，无法判断是否应公开"
    runner = CliRunner()
    res = runner.invoke(app, ["scorecard", "-r", "红寺堡区", "-y", "2023", "--json", "--db", url,
                              "--xlsx", str(tmp_path / "h.xlsx")])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [(a["agency"], a["rank"], a["total"]) for a in data["agencies"]] == \
        [(a.agency, a.rank, a.total) for a in card.agencies]
    assert data["agencies"][-1]["incomplete_text"] == "未完整评估：不在机构名录中，无法判断是否应公开"
    assert (data["ranked_count"], data["unranked_count"]) == (4, 1)
    rows = list(load_workbook(tmp_path / "h.xlsx")["排名"].iter_rows(min_row=2, max_row=6, values_only=True))
    assert [(r[1], r[0]) for r in rows] == [(a.agency, a.rank if a.rank is not None else "—") for a in card.agencies]
    assert rows[-1][-1] == ("未完整评估：不在机构名录中，无法判断是否应公开；缺少输入而未评估的项：「未公开年度报告」，"
                            "总分不完整，不参与排名")
    table = runner.invoke(app, ["scorecard", "-r", "红寺堡区", "-y", "2023", "--db", url], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    out = table.stdout
    first = next(ln for ln in out.splitlines() if "审计局" in ln)
    assert first.split()[0] == "—" and "100（不完整）" in first and "未完整评估：不在机构名录中，无法判断是否应公开" in first
    assert "未公开年度报告不参与排名" not in out and "公开年度报告不参与排名" not in out
    assert out.index("民政局") < out.index("司法局") < out.index("财政局") < out.index("审计局")
    assert "排名规则：只对各适用项都已评估的机关排名" in out
    one = runner.invoke(app, ["scorecard", "-r", "红寺堡区", "-y", "2023", "--agency", "审计局", "--db", url],
                        env={"COLUMNS": "200"})
    assert one.exit_code == 0 and "未排名（未完整评估：不在机构名录中，无法判断是否应公开）" in one.stdout and "第" not in one.stdout.split("\n")[0]


def test_rank_note_names_the_items_that_made_it_incomplete_apart_from_those_that_do_not_apply():
    # QA: 未评估项 listed 未按期公开、实质公开率偏低 while 排名说明 named only 未按期公开
    scheme = parse_scheme({"base": 100, "items": [
        {"id": "missing", "name": "未公开年度报告", "per": "missing", "points": -100},
        {"id": "late", "name": "未按期公开", "per": "late_day", "points": -1},
        {"id": "substantive", "name": "实质公开率偏低", "per": "indicator", "indicator": "substantive_rate", "red": -5}]})
    nothing = {"substantive_rate": {"value": None, "numerator": 0, "denominator": 0, "mark": None, "reason": "分母为 0"}}
    card = evaluate(scheme, [
        AgencyInputs("甲局", report_id=1, missing=False, lateness=Lateness(0, "2024-01-20", "2024-01-31"),
                     indicators=_ind(0.8)),
        AgencyInputs("乙局", report_id=2, missing=False, lateness=None, indicators=nothing)],
        region="r", year=2023, registry=True)
    yi = card.agency("乙局")
    assert (yi.rank, yi.incomplete, yi.not_evaluated) == (None, ["late"], ["late", "substantive"])
    assert yi.incomplete_text() == "未完整评估：报告未载明发布日期，无法判断是否逾期"
    note = rank_note(yi, card.common_gaps)
    assert note.startswith("未完整评估：报告未载明发布日期，无法判断是否逾期；缺少输入而未评估的项：「未按期公开」，"
                           "总分不完整，不参与排名；「实质公开率偏低」不适用，不影响完整性：实质公开率无法计算")
    rows = list(load_workbook(io.BytesIO(scorecard_xlsx(card)))["排名"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert rows[1][1] == "乙局" and rows[1][-2] == "未按期公开、实质公开率偏低" and rows[1][-1] == note
    # every item of 未评估项 appears in 排名说明
    assert all(f"「{n}」" in rows[1][-1] for n in rows[1][-2].split("、"))
