"""Risk indicators (nianbao.oversight.indicators) against hand-computed values on small built
reports: each formula, zero and blank denominators ("—", never 0, never an error), the yoy swing,
red/yellow marks in both directions, a region's totals (Σ numerators ÷ Σ denominators) and
distribution from the store (SQLite and PostgreSQL), compare sorting with blanks last, the CLI."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest

from nianbao.compare import region_year, sort_rows
from nianbao.model import Report
from nianbao.oversight import charts
from nianbao.oversight import indicators as I
from nianbao.oversight.config import load_config
from store_support import db_url, store  # noqa: F401  (fixtures)

CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]
A = "applications."
RL = "review_litigation."


def build(agency: str = "中卫市沙坡头区司法局", year: int = 2023, fmt: str = "2021", **cells) -> Report:
    """A report with only the cells given: build(granted=3) sets applications.granted.total;
    keys with "__" are other cells ("review__corrected" → review_litigation.review.corrected)."""
    r = Report(format=fmt)
    r.meta.agency, r.meta.year = agency, year
    for key, v in cells.items():
        if "__" in key:
            row, col = key.split("__")
            path = f"{RL}{row}.{col}" if row.startswith(("review", "litigation")) else f"{A}{row.replace('_D_', '.')}.{col}"
        else:
            path = f"{A}{key.replace('_D_', '.')}.total"
        r.tables.set_cell(path, v)
    return r


# ---------------------------------------------------------------- formulas, one report
def test_substantive_rate_is_granted_plus_partially_granted_over_all_decided():
    ind = I.indicators_for(build(granted=3, partially_granted=1, results_total=8))["substantive_rate"]
    assert (ind.numerator, ind.denominator, ind.value) == (4, 8, 0.5)
    assert ind.display == "50.0%" and ind.label == "实质公开率" and "部分公开" in ind.formula


def test_denial_rate_sums_the_eight_denied_rows_and_skips_blank_ones():
    ind = I.indicators_for(build(denied_D_state_secret=1, denied_D_third_party_rights=2, denied_D_admin_query=0,
                                 results_total=10))["denial_rate"]
    assert (ind.numerator, ind.denominator) == (3, 10)
    assert ind.value == pytest.approx(0.3) and ind.display == "30.0%"


def test_review_correction_and_litigation_loss_rates_read_table_four():
    got = I.indicators_for(build(review__corrected=1, review__total=4,
                                 litigation_direct__corrected=1, litigation_direct__total=3,
                                 litigation_after_review__corrected=0, litigation_after_review__total=2))
    assert (got["review_correction_rate"].numerator, got["review_correction_rate"].denominator) == (1, 4)
    assert got["review_correction_rate"].value == 0.25
    lit = got["litigation_loss_rate"]
    assert (lit.numerator, lit.denominator, lit.value) == (1, 5, 0.2)   # both kinds of 起诉 summed


def test_carryover_rate_is_carried_forward_over_new_plus_carried_over():
    ind = I.indicators_for(build(carried_forward=3, new_received=10, carried_over=2))["carryover_rate"]
    assert (ind.numerator, ind.denominator, ind.value) == (3, 12, 0.25)


def test_applications_per_agency_of_one_report_is_its_new_applications():
    ind = I.indicators_for(build(new_received=17))["applications_per_agency"]
    assert (ind.value, ind.display) == (17, "17")


def test_zero_denominator_gives_dash_with_its_reason_never_zero():
    got = I.indicators_for(build(granted=0, results_total=0, review__corrected=0, review__total=0))
    for name in ("substantive_rate", "review_correction_rate"):
        assert got[name].value is None and got[name].display == "—"
        assert got[name].reason == "分母为 0" and got[name].mark is None
    assert got["substantive_rate"].to_dict()["value"] is None


def test_blank_denominator_and_blank_numerator_give_dash_and_say_which():
    got = I.indicators_for(build(results_total=5))
    assert got["substantive_rate"].display == "—" and got["substantive_rate"].reason == "分子空白"
    assert got["review_correction_rate"].display == "—" and got["review_correction_rate"].reason == "分母空白"
    assert got["carryover_rate"].value is None and got["litigation_loss_rate"].value is None


def test_yoy_swing_is_the_factor_between_this_and_last_years_new_applications():
    assert I.indicators_for(build(new_received=10), previous=2)["yoy_swing"].value == 5.0
    down = I.indicators_for(build(new_received=2), previous=build(new_received=10))["yoy_swing"]
    assert (down.value, down.display, down.mark) == (5.0, "5.00 倍", "red")     # halving and doubling alike
    assert I.indicators_for(build(new_received=3), previous=2)["yoy_swing"].value == 1.5
    none = I.indicators_for(build(new_received=3))["yoy_swing"]
    assert none.value is None and "上年" in none.reason
    zero = I.indicators_for(build(new_received=0), previous=4)["yoy_swing"]
    assert zero.value is None and zero.display == "—" and "为 0" in zero.reason


def test_2019_report_reads_the_same_rows():
    r = build(fmt="2019", granted=1, partially_granted=1, results_total=4, denied_D_state_secret=1)
    got = I.indicators_for(r)
    assert got["substantive_rate"].value == 0.5 and got["denial_rate"].value == 0.25


# ---------------------------------------------------------------- marks
@pytest.mark.parametrize("value, expected", [(0.45, "red"), (0.4, "red"), (0.3, "yellow"), (0.2, "yellow"),
                                             (0.19, None), (None, None)])
def test_mark_high_direction_marks_at_or_above(value, expected):
    assert I.mark(value, {"yellow": 0.2, "red": 0.4, "direction": "high"}) == expected


@pytest.mark.parametrize("value, expected", [(0.1, "red"), (0.3, "red"), (0.4, "yellow"), (0.5, "yellow"),
                                             (0.51, None), (None, None)])
def test_mark_low_direction_marks_at_or_below(value, expected):
    assert I.mark(value, {"yellow": 0.5, "red": 0.3, "direction": "low"}) == expected


def test_marks_follow_the_default_and_a_configured_jurisdiction():
    r = build(granted=1, results_total=4, denied_D_state_secret=1)     # substantive 25 %, denial 25 %
    default = I.indicators_for(r)
    assert default["substantive_rate"].mark == "red" and default["denial_rate"].mark == "yellow"
    cfg = load_config("indicators:\n  denial_rate: {yellow: 0.5, red: 0.9, direction: high}\n"
                      "  substantive_rate: {yellow: 0.25, red: 0.1, direction: low}\n")
    mine = I.indicators_for(r, config=cfg)
    assert mine["denial_rate"].mark is None and mine["substantive_rate"].mark == "yellow"
    assert I.indicators_for(r, config={"indicators": {}})["substantive_rate"].mark is None   # no threshold


def test_indicator_without_threshold_has_no_mark():
    assert I.indicators_for(build(new_received=1000))["applications_per_agency"].mark is None


# ---------------------------------------------------------------- a region from the store
def _region(store):
    """Three agencies of 中卫市 in 2023 (one with zero and blank denominators), one of 吴忠市,
    and 沙坡头区司法局's 2022 report for its swing."""
    store.save_report(build("中卫市沙坡头区司法局", 2023, granted=3, partially_granted=1, results_total=8,
                            denied_D_state_secret=2, new_received=10, carried_over=0, carried_forward=2,
                            review__corrected=1, review__total=2))
    store.save_report(build("中卫市沙坡头区司法局", 2022, new_received=4))
    store.save_report(build("中卫市中宁县财政局", 2023, granted=1, partially_granted=0, results_total=2,
                            denied_D_state_secret=1, denied_D_process_info=0, new_received=2, carried_over=1,
                            carried_forward=1, review__corrected=0, review__total=0))
    store.save_report(build("中卫市海原县教育局", 2023, results_total=0, granted=0, new_received=0))
    store.save_report(build("吴忠市利通区司法局", 2023, granted=50, results_total=50, new_received=50))


def test_region_totals_sum_numerators_over_denominators(store):
    _region(store)
    res = I.region_indicators(store, "中卫市", 2023)
    assert sorted(r.agency for r in res.rows) == ["中宁县财政局", "沙坡头区司法局", "海原县教育局"]
    sub = res.totals["substantive_rate"]
    # (3+1 + 1+0 + 0) ÷ (8 + 2 + 0): 海原 adds 0 to both (its own rate is "—"), 吴忠 is not in the region
    assert (sub.numerator, sub.denominator, sub.value) == (5, 10, 0.5)
    assert (sub.reports, sub.of) == (2, 3) and sub.mark == "yellow"
    den = res.totals["denial_rate"]
    assert (den.numerator, den.denominator, den.value) == (3, 10, 0.3)
    car = res.totals["carryover_rate"]
    assert (car.numerator, car.denominator, car.value) == (3, 13, pytest.approx(3 / 13))
    rev = res.totals["review_correction_rate"]
    assert (rev.numerator, rev.denominator, rev.value) == (1, 2, 0.5) and rev.mark == "red"
    assert res.totals["litigation_loss_rate"].display == "—"       # nobody filled table 四 litigation
    apa = res.totals["applications_per_agency"]
    assert (apa.numerator, apa.denominator, apa.value) == (12, 3, 4.0)
    swing = res.totals["yoy_swing"]                                 # only 沙坡头 has a 2022 report
    assert (swing.numerator, swing.denominator, swing.value) == (10, 4, 2.5) and swing.mark == "yellow"
    by = {r.agency: r.indicators for r in res.rows}
    assert by["海原县教育局"]["substantive_rate"].display == "—"
    assert by["海原县教育局"]["substantive_rate"].reason == "分母为 0"
    assert by["中宁县财政局"]["review_correction_rate"].value is None


def test_region_distribution_counts_values_and_blanks(store):
    _region(store)
    d = I.region_indicators(store, "中卫市", 2023).distribution["substantive_rate"]
    assert (d["n"], d["blank"], d["values"]) == (2, 1, [0.5, 0.5])
    assert d["min"] == d["median"] == d["max"] == 0.5


def test_region_indicators_of_one_agency_and_of_all_regions(store):
    _region(store)
    one = I.region_indicators(store, "中卫市", 2023, agency="沙坡头区司法局")
    assert [r.agency for r in one.rows] == ["沙坡头区司法局"]
    every = I.region_indicators(store, None, 2023)
    assert len(every.rows) == 4 and every.totals["substantive_rate"].value == pytest.approx(55 / 60)
    from nianbao.oversight.scope import RegionNotFound

    with pytest.raises(RegionNotFound, match="不在名录中"):     # unknown: an error, not an empty table
        I.region_indicators(store, "银川市", 2023)
    none = I.region_indicators(store, "中卫市", 2021)          # known region, a year without reports
    assert none.rows == [] and none.totals["denial_rate"].display == "—"


def test_stored_cells_and_the_model_give_the_same_indicators(store):
    from nianbao.generate import random_agency, random_report

    models = {}
    for seed in range(6):
        rng = random.Random(seed)
        r = random_report(rng, year=2023, agency=random_agency(rng, "county_dept"))
        r.meta.agency = f"中卫市第{seed}局"
        models[store.save_report(r).report_id] = r
    res = I.region_indicators(store, "中卫市", 2023)
    assert len(res.rows) == 6
    for row in res.rows:
        want = I.indicators_for(models[row.report_id])
        for name in I.NAMES:
            if name == "yoy_swing":
                continue
            assert row.indicators[name].value == pytest.approx(want[name].value), name
            assert row.indicators[name].numerator == want[name].numerator, name


def test_region_trend_gives_each_years_totals(store):
    _region(store)
    trend = I.region_trend(store, "中卫市")
    assert list(trend) == [2022, 2023]
    assert trend[2022]["applications_per_agency"].value == 4 and trend[2022]["substantive_rate"].display == "—"
    assert trend[2023]["substantive_rate"].value == 0.5
    opt = charts.trend_option(trend, "中卫市")
    assert opt["xAxis"]["data"] == ["2022", "2023"]
    line = next(s for s in opt["series"] if s["name"] == "实质公开率")
    assert line["data"] == [None, 50.0]


# ---------------------------------------------------------------- compare
def test_compare_region_rows_carry_indicators_and_marks_and_sort_blanks_last(store):
    _region(store)
    rows = region_year(store, "中卫市", 2023)
    by = {r.agency: r for r in rows}
    assert by["沙坡头区司法局"].substantive_rate == 0.5 and by["沙坡头区司法局"].yoy_swing == 2.5
    assert by["沙坡头区司法局"].marks == {"substantive_rate": "yellow", "denial_rate": "yellow",
                                         "review_correction_rate": "red", "carryover_rate": "yellow",   # 2 ÷ 10 = 0.2
                                         "yoy_swing": "yellow"}
    assert by["海原县教育局"].substantive_rate is None and "substantive_rate" not in by["海原县教育局"].marks
    for desc in (False, True):
        order = [r.agency for r in sort_rows(rows, "denial_rate", descending=desc)]
        assert order[-1] == "海原县教育局"                       # no value: last either way
    assert [r.agency for r in sort_rows(rows, "denial_rate", descending=True)][:2] == ["中宁县财政局", "沙坡头区司法局"]
    srt = I.sort_rows(I.region_indicators(store, "中卫市", 2023).rows, "carryover_rate")
    assert [r.agency for r in srt] == ["沙坡头区司法局", "中宁县财政局", "海原县教育局"]


# ---------------------------------------------------------------- charts
def test_histogram_bins_rates_in_tenths_and_leaves_blanks_out():
    labels, counts = charts.histogram("denial_rate", [0.0, 0.05, 0.1, 0.95, 1.0, None])
    assert labels[0] == "0.0%–10.0%" and len(labels) == 10
    assert counts == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]


def test_ranking_puts_the_most_worrying_first_in_its_marks_colour():
    rows = [I.AgencyRow(i, i, f"局{i}", "中卫市", None, 2023, I.from_parts(
        {"granted": g, "results_total": 10.0}, None)) for i, g in enumerate([9.0, 2.0, 4.0, None])]
    th = I.thresholds()["substantive_rate"]                          # low is bad
    opt = charts.ranking_option("substantive_rate", rows, th)
    names = opt["yAxis"]["data"][::-1]                               # drawn bottom-up
    assert names == ["中卫市局1", "中卫市局2", "中卫市局0"]
    colours = [d["itemStyle"]["color"] for d in opt["series"][0]["data"][::-1]]
    assert colours == [charts.MARK_COLORS["red"], charts.MARK_COLORS["yellow"], charts.MARK_COLORS[None]]
    assert "共 3 个机关有值" in opt["title"]["subtext"]


# ---------------------------------------------------------------- CLI
def test_cli_indicators_table_json_and_bad_input(tmp_path):
    from nianbao.store import open_store

    url = f"sqlite:///{tmp_path / 'n.db'}"
    s = open_store(url)
    _region(s)
    s.close()
    from typer.testing import CliRunner

    from nianbao.cli import app

    runner = CliRunner()
    run = lambda *a: runner.invoke(app, ["indicators", "--db", url, *a])  # noqa: E731
    p = subprocess.run([*CLI, "indicators", "--db", url, "--region", "中卫市", "--year", "2023"],   # one real run
                       capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "220"})
    assert p.returncode == 0, p.stderr
    assert "地区合计" in p.stdout and "实质公开率：（予以公开 + 部分公开）÷ 办理结果总计" in p.stdout
    assert "—" in p.stdout and "沙坡头区司法局" in p.stdout
    p = run("--region", "中卫市", "--year", "2023", "--json", "--sort", "denial_rate", "--desc")
    assert p.exit_code == 0, p.output
    d = json.loads(p.stdout)
    assert [r["agency"] for r in d["rows"]] == ["中宁县财政局", "沙坡头区司法局", "海原县教育局"]
    assert d["totals"]["substantive_rate"]["value"] == 0.5 and d["totals"]["substantive_rate"]["mark"] == "yellow"
    assert d["rows"][2]["indicators"]["substantive_rate"]["display"] == "—"
    assert {x["label"] for x in d["definitions"]} >= {"实质公开率", "不予公开率", "复议纠错率", "诉讼败诉率", "结转率"}
    p = run("--region", "不存在市", "--year", "2023")
    assert p.exit_code == 2 and "不存在市" in p.output and "Traceback" not in p.output
    p = run("--year", "2023", "--sort", "nonsense")
    assert p.exit_code == 2 and "--sort" in p.output


# ---------------------------------------------------------------- with a registry
def test_registry_region_by_id_or_name_and_its_jurisdictions_thresholds(tmp_path):
    from nianbao.library import Library

    with Library(f"sqlite:///{tmp_path / 'r.db'}", data_dir=tmp_path / "files") as lib:
        _region(lib.store)
        assert I.region_indicators(lib, "中卫市", 2023).region == "中卫市"          # no registry yet
        lib.import_registry("省,市,县,机关名称,类型\n宁夏回族自治区,中卫市,沙坡头区,司法局,部门\n"
                            "宁夏回族自治区,中卫市,中宁县,财政局,部门\n宁夏回族自治区,中卫市,海原县,教育局,部门\n"
                            "宁夏回族自治区,吴忠市,利通区,司法局,部门\n".encode(), "r.csv", user="t")
        city = lib.registry.region("中卫市")
        assert I.region_indicators(lib, "中卫市", 2023).region == "宁夏回族自治区中卫市"   # the import is seen
        res = I.region_indicators(lib, city.id, 2023)
        assert res.region == "宁夏回族自治区中卫市"
        assert sorted(r.agency for r in res.rows) == ["中宁县财政局", "沙坡头区司法局", "海原县教育局"]
        assert [r.agency for r in I.region_indicators(lib, "沙坡头区", 2023).rows] == ["沙坡头区司法局"]
        assert res.totals["denial_rate"].mark == "yellow"                        # default: 30 % ≥ 20 %
        lib.registry.set_config(city.id, "indicators:\n  denial_rate: {yellow: 0.35, red: 0.5}\n", user="t")
        district = lib.registry.region("沙坡头区")                               # inherits the city's
        assert I.region_indicators(lib, city.id, 2023).totals["denial_rate"].mark is None
        assert I.config_thresholds(lib, district.id)["denial_rate"].yellow == 0.35
        assert I.config_thresholds(lib, "吴忠市")["denial_rate"].yellow == 0.2
        sub = I.subregion_trend(lib, city.id, "substantive_rate")              # the registry's districts
        assert {k: {y: i.display for y, i in v.items()} for k, v in sub.items()} == {
            "中宁县": {2023: "50.0%"}, "沙坡头区": {2022: "—", 2023: "50.0%"}, "海原县": {2023: "—"}}


def test_a_new_or_deleted_report_shows_at_once_despite_the_cache(store):
    _region(store)
    before = I.region_indicators(store, "中卫市", 2023)
    assert before.totals["substantive_rate"].value == 0.5
    rid = store.save_report(build("中卫市海原县民政局", 2023, granted=10, results_total=10))
    assert I.region_indicators(store, "中卫市", 2023).totals["substantive_rate"].value == 0.75     # 15 ÷ 20
    store.delete_report(rid.report_id)
    assert I.region_indicators(store, "中卫市", 2023).totals["substantive_rate"].value == 0.5
    assert I.region_indicators(store, "中卫市", 2023) is I.region_indicators(store, "中卫市", 2023)   # kept


def test_cli_compare_marks_by_the_regions_configured_thresholds(tmp_path):
    from nianbao.library import Library

    url = f"sqlite:///{tmp_path / 'c.db'}"
    with Library(url, data_dir=tmp_path / "files") as lib:
        _region(lib.store)
        lib.import_registry("省,市,县,机关名称,类型\n宁夏回族自治区,中卫市,沙坡头区,司法局,部门\n".encode(), "r.csv", user="t")
        assert {r.agency: r.marks.get("denial_rate") for r in region_year(lib.store, "中卫市", 2023)}[
            "中宁县财政局"] == "red"                                               # default: 50 % ≥ 40 %
        lib.registry.set_config(lib.registry.region("中卫市").id, "indicators:\n  denial_rate: {yellow: 0.6, red: 0.9}\n",
                                user="t")
    p = subprocess.run([*CLI, "compare", "--db", url, "--region", "中卫市", "--year", "2023", "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    rows = {r["agency"]: r for r in json.loads(p.stdout)["rows"]}
    assert rows["中宁县财政局"]["denial_rate"] == 0.5 and "denial_rate" not in rows["中宁县财政局"]["marks"]
    from fastapi.testclient import TestClient

    from nianbao.web.app import Settings, create_app

    app = create_app(Settings(db_url=url, data_dir=tmp_path / "files", secret="t", workers=1))
    with TestClient(app) as c:                                                # the API marks the same way
        got = c.get("/api/compare", params={"region": "中卫市", "year": 2023}).json()
    rows = {r["agency"]: r for r in got["rows"]}
    assert rows["中宁县财政局"]["denial_rate"] == 0.5 and "denial_rate" not in rows["中宁县财政局"]["marks"]


def test_a_regions_rows_follow_a_rematch_and_a_new_report_of_another_region(tmp_path):
    """A region's rows are a filter of the year's rows shared by every region: the filter follows
    the registry (an agency whose store region does not name the city joins it when the registry
    matches it), and a report stored in one region after another region was viewed is seen in both
    the shared rows and its own region's."""
    from nianbao.library import Library

    with Library(f"sqlite:///{tmp_path / 'r.db'}", data_dir=tmp_path / "files") as lib:
        lib.import_registry("省,市,县,机关名称,类型\n宁夏回族自治区,中卫市,沙坡头区,司法局,部门\n"
                            "宁夏回族自治区,吴忠市,利通区,司法局,部门\n".encode(), "r.csv", user="t")
        lib.store.save_report(build("沙坡头区司法局", 2023, granted=3, results_total=4, new_received=5))
        lib.store.save_report(build("吴忠市利通区司法局", 2023, granted=1, results_total=1, new_received=1))
        assert I.region_indicators(lib, "中卫市", 2023).rows == []      # not matched yet, its text names no city
        assert [r.agency for r in I.region_indicators(lib, "吴忠市", 2023).rows] == ["利通区司法局"]
        lib.registry.rematch()                                          # the registry changes, the reports do not
        city = I.region_indicators(lib, "中卫市", 2023)
        assert [r.agency for r in city.rows] == ["沙坡头区司法局"]
        assert city.totals["substantive_rate"].value == 0.75
        lib.store.save_report(build("吴忠市利通区财政局", 2023, granted=0, results_total=1, new_received=1))
        assert I.region_indicators(lib, "中卫市", 2023).totals["substantive_rate"].value == 0.75
        assert sorted(r.agency for r in I.region_indicators(lib, "吴忠市", 2023).rows) == ["利通区司法局", "利通区财政局"]
        assert I.region_indicators(lib, "吴忠市", 2023).totals["substantive_rate"].value == 0.5
