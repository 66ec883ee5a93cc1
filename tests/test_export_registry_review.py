"""Exports and the report API name a report's region as the registry does (its full name) where a
registry entry matched the agency, else the store's region string; the exported findings carry the
reviewers' decision (审核决定 / 审核状态), so dismissed ones (误报 / 不适用) can be told apart, and the
整改清单 leaves them out. On SQLite and PostgreSQL.

`registry_world` is shared with tests/test_compare_dismissed.py: a registry of 红寺堡区 with two
entries, three 2023 reports (two matched, one the registry does not list) and, on the 司法局 report,
one error and three warnings of which two are dismissed.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from audit_support import clean_report
from nianbao.cli.app import app as cli_app
from nianbao.export import export_bytes, rectification_rows
from nianbao.library import Library
from nianbao.model import Finding
from nianbao.oversight.registry import parse_registry
from nianbao.store.registry import Registry
from store_support import db_url, store  # noqa: F401  (fixtures)

FULL = "宁夏回族自治区吴忠市红寺堡区"
REGISTRY = ("省,市,县,机关名称,类型\n"
            "宁夏回族自治区,吴忠市,红寺堡区,司法局,部门\n"
            "宁夏回族自治区,吴忠市,红寺堡区,教育局,部门\n")
JUSTICE, EDUCATION, CULTURE = "红寺堡区司法局", "吴忠市红寺堡区教育局", "吴忠市红寺堡区文化局"
USER = "张三"
runner = CliRunner()


@dataclass
class World:
    url: str
    lib: Library
    ids: dict[str, int]             # printed agency name → report id
    dismissed: dict[str, str]       # finding code → decision of the dismissed ones


def _findings() -> list[Finding]:
    return [Finding(code="T001", severity="error", message="合计不等于各项之和", path="tables.applications.results_total.total"),
            Finding(code="T002", severity="warning", message="结转数与上年不一致", path="tables.applications.carried_over.total"),
            Finding(code="T003", severity="warning", message="予以公开数偏高", path="tables.applications.granted.total"),
            Finding(code="N001", severity="warning", message="正文数字与表格不一致")]


def build_world(url: str, tmp_path) -> World:
    lib = Library(url, data_dir=tmp_path / "files")
    reg = Registry(lib.store)           # the registry alone: no regional pass adding findings
    reg.import_rows(parse_registry(REGISTRY.encode(), "名录.csv"))
    ids = {}
    for n, name in enumerate((JUSTICE, EDUCATION, CULTURE)):
        r = clean_report(2023, agency=name)
        r.source.sha256 = f"{n + 1:064x}"
        if name == JUSTICE:
            r.findings = _findings()
        ids[name] = lib.store.save_report(r).report_id
    reg.rematch()
    case = lib.review.case_for_report(ids[JUSTICE], USER)
    decided = {}
    for f in lib.review.findings(case["id"]):
        if f["code"] in ("T002", "N001"):
            decision = "误报" if f["code"] == "T002" else "不适用"
            lib.decide(f["id"], decision, user=USER, reason=f"{decision}：表格合并单元格",
                       expected_version=f["version"])
            decided[f["code"]] = decision
        elif f["code"] == "T001":
            lib.decide(f["id"], "确认", user=USER, expected_version=f["version"])
    assert decided == {"T002": "误报", "N001": "不适用"}
    return World(url, lib, ids, decided)


@pytest.fixture
def registry_world(db_url, tmp_path):
    w = build_world(db_url, tmp_path)
    yield w
    w.lib.close()


def web_client(w: World, tmp_path) -> TestClient:
    from nianbao.web.app import Settings, create_app

    return TestClient(create_app(Settings(db_url=w.url, data_dir=tmp_path / "web-files", secret="test-secret",
                                          workers=1)))


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _regions(rows, key="region") -> dict[str, str]:
    return {r["agency_name"] if "agency_name" in r else r["agency"]: r[key] for r in rows}


# ------------------------------------------------------------------ 1. registry regions
def test_matched_agencies_export_the_registrys_full_region_and_the_others_their_store_region(registry_world):
    w = registry_world
    expected = {JUSTICE: FULL, EDUCATION: FULL, CULTURE: "吴忠市"}      # 文化局: not in the registry
    data, _, _ = export_bytes(w.lib.store, "csv", "wide", region="红寺堡区")
    assert _regions(_csv_rows(data)) == expected
    data, _, _ = export_bytes(w.lib.store, "json", "wide", region="红寺堡区")
    assert _regions(json.loads(data)["rows"]) == expected
    long = _csv_rows(export_bytes(w.lib.store, "csv", "long", region="红寺堡区")[0])
    assert {r["report_id"]: r["region"] for r in long} == {str(w.ids[k]): v for k, v in expected.items()}
    wb = load_workbook(io.BytesIO(export_bytes(w.lib.store, "xlsx", region="红寺堡区")[0]), read_only=True)
    head, *rows = list(wb["报告"].iter_rows(values_only=True))
    assert {r[head.index("报告所署机关")]: r[head.index("地区")] for r in rows} == expected


def test_cli_export_and_api_export_and_report_give_the_registry_region(registry_world, tmp_path):
    w = registry_world
    res = runner.invoke(cli_app, ["export", "--db", w.url, "--format", "csv", "--region", "红寺堡区"])
    assert res.exit_code == 0, res.output
    assert _regions(_csv_rows(res.stdout_bytes))[JUSTICE] == FULL
    with web_client(w, tmp_path) as c:
        got = c.get("/api/export", params={"kind": "csv-wide", "region": "红寺堡区"})
        assert got.status_code == 200
        assert _regions(_csv_rows(got.content)) == {JUSTICE: FULL, EDUCATION: FULL, CULTURE: "吴忠市"}
        assert c.get(f"/api/reports/{w.ids[JUSTICE]}").json()["summary"]["region"] == FULL
        assert c.get(f"/api/reports/{w.ids[CULTURE]}").json()["summary"]["region"] == "吴忠市"
        listed = {r["id"]: r["region"] for r in c.get("/api/reports").json()}
        assert listed[w.ids[EDUCATION]] == FULL and listed[w.ids[CULTURE]] == "吴忠市"


def test_an_export_looks_the_registry_up_once_not_per_report(registry_world, monkeypatch):
    import nianbao.oversight.scope as scope

    calls = []
    real = scope.resolve
    monkeypatch.setattr(scope, "resolve", lambda *a, **k: calls.append(a[1:]) or real(*a, **k))
    export_bytes(registry_world.lib.store, "csv", "wide")
    assert calls == [(None,)]


# ------------------------------------------------------------------ 2. review decisions in the findings
def test_xlsx_findings_sheet_shows_each_findings_decision_and_whether_it_was_dismissed(registry_world):
    w = registry_world
    wb = load_workbook(io.BytesIO(export_bytes(w.lib.store, "xlsx")[0]), read_only=True)
    head, *rows = list(wb["审核问题"].iter_rows(values_only=True))
    assert head[-3:] == ("审核决定", "审核状态", "判定理由")
    got = {r[head.index("规则")]: (r[head.index("审核决定")], r[head.index("审核状态")], r[head.index("判定理由")])
           for r in rows}
    assert got == {"T001": ("确认", "已确认", None),
                   "T002": ("误报", "已排除（误报）", "误报：表格合并单元格"),
                   "T003": ("待定", "未审核", None),
                   "N001": ("不适用", "已排除（不适用）", "不适用：表格合并单元格")}


def test_findings_csv_and_json_exports_carry_the_decisions(registry_world, tmp_path):
    w = registry_world
    rows = _csv_rows(export_bytes(w.lib.store, "csv", "findings")[0])
    assert {r["code"]: r["decision"] for r in rows} == {"T001": "确认", "T002": "误报", "T003": "待定", "N001": "不适用"}
    assert {r["code"] for r in rows if r["review_state"].startswith("已排除")} == {"T002", "N001"}
    wide = json.loads(export_bytes(w.lib.store, "json", "wide")[0])
    (justice,) = [r for r in wide["rows"] if r["report_id"] == w.ids[JUSTICE]]
    assert {f["code"]: f["decision"] for f in justice["findings"]}["T002"] == "误报"
    with web_client(w, tmp_path) as c:
        assert "csv-findings" in {k["kind"] for k in c.get("/api/exports").json()}
        got = _csv_rows(c.get("/api/export", params={"kind": "csv-findings"}).content)
        assert {r["code"]: r["review_state"] for r in got}["N001"] == "已排除（不适用）"


def test_rectification_list_leaves_out_dismissed_findings(registry_world):
    _, rows = rectification_rows(registry_world.lib.store, JUSTICE)
    assert sorted(r[3] for r in rows) == ["T001", "T003"]


def test_xlsx_keeps_formula_like_text_as_text_and_rows_full_width(store):
    from nianbao.store.cells import number

    r = clean_report(2023, agency="=HYPERLINK(\"x\")司法局")
    r.source.sha256 = "f" * 64
    r.tables.set_cell("applications.carried_forward.total", None)   # 表三's last column, blank
    rid = store.save_report(r).report_id
    wb = load_workbook(io.BytesIO(export_bytes(store, "xlsx")[0]))
    ws = wb["报告"]
    (row,) = list(ws.iter_rows(min_row=2))
    assert all(c.data_type != "f" for c in row)
    assert any(isinstance(c.value, str) and c.value.startswith("=HYPERLINK") for c in row)
    ro = load_workbook(io.BytesIO(export_bytes(store, "xlsx")[0]), read_only=True)
    head, values = list(ro["表三 依申请公开"].iter_rows(values_only=True))
    assert number(store.cells([rid])[rid][("applications", "carried_forward", "total")]) is None
    assert len(values) == len(head) and values[0] == rid and values[-1] is None   # not cut after the last value


def test_api_report_list_follows_a_registry_imported_after_it_was_served(db_url, tmp_path):
    lib = Library(db_url, data_dir=tmp_path / "files")
    r = clean_report(2023, agency=JUSTICE)
    r.source.sha256 = "e" * 64
    rid = lib.store.save_report(r).report_id
    w = World(db_url, lib, {JUSTICE: rid}, {})
    try:
        with web_client(w, tmp_path) as c:
            assert {x["id"]: x["region"] for x in c.get("/api/reports").json()} == {rid: None}
            reg = Registry(lib.store)
            reg.import_rows(parse_registry(REGISTRY.encode(), "名录.csv"))
            reg.rematch()
            assert {x["id"]: x["region"] for x in c.get("/api/reports").json()} == {rid: FULL}
    finally:
        lib.close()


def test_findings_exports_list_the_findings_reviewers_added_by_hand_after_the_audits(registry_world):
    w = registry_world
    rid = w.ids[EDUCATION]
    w.lib.add_finding(rid, "第五部分未写明整改措施", user=USER, line=12, note="与上年相同")
    rows = _csv_rows(export_bytes(w.lib.store, "csv", "findings")[0])
    mine = [r for r in rows if r["report_id"] == str(rid)]
    assert [(r["code"], r["message"], r["where"], r["evidence"], r["decision"]) for r in mine] == [
        ("人工", "第五部分未写明整改措施", "第12行", "与上年相同", "确认")]
    assert [r["report_id"] for r in rows] == sorted((r["report_id"] for r in rows), key=int)
    wb = load_workbook(io.BytesIO(export_bytes(w.lib.store, "xlsx")[0]), read_only=True)
    head, *sheet = list(wb["审核问题"].iter_rows(values_only=True))
    assert ("人工", "第五部分未写明整改措施") in {(r[head.index("规则")], r[head.index("问题")]) for r in sheet}
