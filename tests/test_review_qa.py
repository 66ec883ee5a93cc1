"""Review QA findings: a finding a re-audit of the same version drops is 不再适用, not 已整改; a new
version's trail entry counts what the reviewer sees after the regional pass; the API's optional
delete body, decision spellings, the trail's region filter; fp-rate's Chinese titles; progress at
80 columns."""
from __future__ import annotations

import json
import random
from datetime import date

import pytest
from typer.testing import CliRunner

from nianbao.cli import app as cli_app
from nianbao.library import Library
from nianbao.model import Finding
from test_audit_region import REGISTRY_CSV, _dept
from web_support import login, new_client


@pytest.fixture
def lib(tmp_path):
    lib = Library(f"sqlite:///{tmp_path / 'n.db'}", data_dir=tmp_path / "files")
    yield lib
    lib.close()


def _finding(code: str, path: str) -> Finding:
    return Finding(code=code, severity="error", message=f"{code} 问题", path=path)


def _copied_pair(lib, seed: int = 41):
    """司法局 and 民政局 filled in one template (X005 on both, from the regional pass); 司法局's report
    carries T301, T303 and N004 too."""
    lib.import_registry(REGISTRY_CSV.format(covers="全域").encode(), "r.csv")
    rng = random.Random(seed)
    r = _dept("司法局", 2023, rng, copied=True)
    r.findings = [_finding("T301", "tables.applications.received.total"),
                  _finding("T303", "tables.applications.carried_over.total"), _finding("N004", "sections.2")]
    r.source.sha256, r.source.file = f"{seed:064x}", "司法局.txt"
    a = lib.add_report(r, user="上传员")
    b = _dept("民政局", 2023, rng, copied=True)
    b.source.sha256, b.source.file = f"{seed + 1:064x}", "民政局.txt"
    lib.add_report(b, user="上传员")
    return a, r


# ------------------------------------------------------------------ 1. gone vs stale
def test_finding_dropped_by_reaudit_of_same_version_is_stale_not_rectified(lib):
    a, _ = _copied_pair(lib)
    x005 = next(f for f in lib.findings(a) if f["code"] == "X005")
    lib.decide(x005["id"], "确认", user="甲")
    # 民政局 leaves the registry: the same version of 司法局's report no longer has a sibling to copy
    region = lib.registry.region("沙坡头区")
    entry = next(e for e in lib.registry.expected(region.id) if e.name == "民政局")
    lib.registry.remove_entry(entry.id, user="甲")
    assert "X005" not in [f["code"] for f in lib.store.findings(report_ids=[a])]
    x005 = next(f for f in lib.findings(a) if f["code"] == "X005")
    assert x005["state"] == "stale" and x005["shown"] == "不再适用"
    assert "规则或名录变化" in x005["state_note"] and x005["decision"] == "确认"
    # the CLI shows the label and what it means, never 已整改
    res = CliRunner().invoke(cli_app, ["review", "status", str(a), "--db", lib.store.url], env={"COLUMNS": "160"})
    assert res.exit_code == 0, res.output
    assert "不再适用" in res.output and "规则或名录变化后不再成立" in res.output and "已整改" not in res.output


def test_finding_missing_from_a_new_version_is_rectified(lib):
    a, r = _copied_pair(lib)
    v2 = r.model_copy(deep=True)
    v2.findings = [f for f in v2.findings if f.code != "T301"]
    v2.source.sha256 = f"{999:064x}"
    a2 = lib.add_report(v2, user="机关")
    t301 = next(f for f in lib.findings(a2) if f["code"] == "T301")
    assert t301["state"] == "gone" and t301["shown"] == "已整改"


def test_stale_finding_raised_again_reopens_with_its_decision(lib):
    a, _ = _copied_pair(lib)
    f = next(f for f in lib.findings(a) if f["code"] == "X005")
    lib.decide(f["id"], "误报", user="甲", reason="模板相同")
    saved = lib.store.findings(report_ids=[a], code="X005")
    lib.store.replace_findings(a, ("X005",), [])
    assert next(x for x in lib.findings(a) if x["code"] == "X005")["state"] == "stale"
    lib.audit_region(region="沙坡头区", year=2023)          # raised again
    back = next(x for x in lib.findings(a) if x["code"] == "X005")
    assert saved and back["state"] == "open" and back["decision"] == "误报"


# ------------------------------------------------------------------ 2. new version counts
def test_new_version_trail_counts_carried_and_rectified_after_the_regional_pass(lib):
    a, r = _copied_pair(lib)
    by_code = {f["code"]: f for f in lib.findings(a)}
    assert set(by_code) >= {"T301", "T303", "N004", "X005"}
    lib.decide(by_code["N004"]["id"], "确认", user="甲")
    lib.decide(by_code["X005"]["id"], "误报", user="甲", reason="同一模板")
    lib.decide(by_code["T301"]["id"], "确认", user="甲")
    lib.decide(by_code["T303"]["id"], "确认", user="甲")
    lib.set_status(a, "退回整改", user="甲", deadline=date(2099, 1, 1))
    v2 = r.model_copy(deep=True)                 # T301 and T303 corrected; still the same template (X005)
    v2.findings = [f for f in v2.findings if f.code == "N004"]
    v2.source.sha256, v2.source.file = f"{998:064x}", "司法局-整改.txt"
    a2 = lib.add_report(v2, user="机关")
    now = {f["code"]: f for f in lib.findings(a2)}
    assert now["X005"]["state"] == "open" and now["X005"]["decision"] == "误报"
    assert now["N004"]["state"] == "open" and now["N004"]["decision"] == "确认"
    assert now["T301"]["shown"] == now["T303"]["shown"] == "已整改"
    events = [e for e in lib.trail(report_id=a2) if e["action"] == "new_version"]
    assert len(events) == 1
    assert events[0]["after"] == {"report_id": a2, "carried": 2, "rectified": 2, "new": 0}
    assert lib.case(a2)["status"] == "已整改待复核"


# ------------------------------------------------------------------ 3, 4, 5: the API
@pytest.fixture
def client(tmp_path):
    from web_support import audited_report

    c, app = new_client(tmp_path)
    with c:
        rids = [app.state.backend.add_report(audited_report(s, agency="中卫市沙坡头区司法局" if s == 1 else
                                                            "中卫市中宁县民政局")).id for s in (1, 2)]
        yield c, rids


def test_api_delete_without_a_body_deletes_the_report(client):
    c, (rid, other) = client
    h = {"X-CSRF-Token": login(c)}
    r = c.delete(f"/api/review/reports/{rid}", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["deleted"] == rid and r.json()["restore_id"]
    r = c.request("DELETE", f"/api/review/reports/{other}", headers=h, json={"reason": "重复上传"})
    assert r.status_code == 200
    assert c.get("/api/review/deleted").json()[0]["reason"] == "重复上传"
    assert c.delete(f"/api/review/reports/{rid}", headers=h).status_code == 404


@pytest.mark.parametrize("spelling,stored", [("confirm", "确认"), ("确认", "确认"), ("FP", "误报"),
                                             ("false-positive", "误报"), ("na", "不适用"), ("不适用", "不适用")])
def test_api_accepts_the_cli_decision_spellings(client, spelling, stored):
    c, (rid, _) = client
    h = {"X-CSRF-Token": login(c)}
    f = c.get(f"/api/review/reports/{rid}").json()["findings"][0]
    r = c.post(f"/api/review/findings/{f['id']}/decision", headers=h,
               json={"decision": spelling, "reason": "读错", "version": f["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["decision"] == stored
    back = c.post(f"/api/review/findings/{f['id']}/decision", headers=h,
                  json={"decision": "undecided", "version": r.json()["version"]})
    assert back.status_code == 200 and back.json()["decision"] is None


def test_api_unknown_decision_names_every_spelling_and_openapi_documents_them(client):
    c, (rid, _) = client
    h = {"X-CSRF-Token": login(c)}
    f = c.get(f"/api/review/reports/{rid}").json()["findings"][0]
    r = c.post(f"/api/review/findings/{f['id']}/decision", headers=h, json={"decision": "yes", "version": f["version"]})
    assert r.status_code == 400 and "confirm" in r.json()["detail"] and "确认" in r.json()["detail"]
    spec = c.get("/api/openapi.json").json()
    doc = spec["components"]["schemas"]["DecisionIn"]["properties"]["decision"]["description"]
    assert all(w in doc for w in ("确认", "confirm", "误报", "fp", "不适用", "na", "undecided"))
    body = spec["paths"]["/api/review/reports/{report_id}"]["delete"]["requestBody"]
    assert not body.get("required")


def test_api_trail_filters_by_region_and_unknown_region_is_404(client):
    c, (rid, other) = client
    h = {"X-CSRF-Token": login(c)}
    for r in (rid, other):
        f = c.get(f"/api/review/reports/{r}").json()["findings"][0]
        c.post(f"/api/review/findings/{f['id']}/decision", headers=h, json={"decision": "确认", "version": f["version"]})
    everything = c.get("/api/review/trail").json()
    assert {e["report_id"] for e in everything} == {rid, other}
    got = c.get("/api/review/trail", params={"region": "中宁县"})
    assert got.status_code == 200 and got.json() and {e["report_id"] for e in got.json()} == {other}
    assert got.headers["X-Total-Count"] == str(len(got.json()))
    missing = c.get("/api/review/trail", params={"region": "不存在"})
    assert missing.status_code == 404 and "不存在" in missing.json()["detail"]
    both = c.get("/api/review/trail", params={"region": "中宁县", "year": 2023})
    assert both.status_code == 400 and "region" in both.json()["detail"]
    assert any(p["name"] == "region" for p in
               c.get("/api/openapi.json").json()["paths"]["/api/review/trail"]["get"]["parameters"])


# ------------------------------------------------------------------ 6. fp-rate in Chinese
def test_fp_rate_shows_the_chinese_rule_titles(lib, client):
    from nianbao.audit.titles import rule_title

    a, _ = _copied_pair(lib)
    for f in lib.findings(a):
        lib.decide(f["id"], "误报" if f["code"] == "X005" else "确认", user="甲", reason="同一模板")
    rows = lib.fp_rates()
    assert rows and all(r["summary"] == rule_title(r["code"]) and r["summary"] for r in rows)
    res = CliRunner().invoke(cli_app, ["review", "fp-rate", "--db", lib.store.url], env={"COLUMNS": "160"})
    assert res.exit_code == 0, res.output
    assert rule_title("X005") in res.output and "Reports" not in res.output
    c, (rid, _) = client
    h = {"X-CSRF-Token": login(c)}
    f = c.get(f"/api/review/reports/{rid}").json()["findings"][0]
    c.post(f"/api/review/findings/{f['id']}/decision", headers=h, json={"decision": "confirm", "version": f["version"]})
    api_rows = c.get("/api/review/fp-rate").json()
    assert api_rows and all(r["summary"] == rule_title(r["code"]) for r in api_rows)


# ------------------------------------------------------------------ 7. progress at 80 columns
WUZHONG_CSV = """省,市,县,机关名称,类型,报告范围
宁夏回族自治区,吴忠市,利通区,利通区司法局,部门,
宁夏回族自治区,吴忠市,红寺堡区,红寺堡区司法局,部门,
宁夏回族自治区,吴忠市,青铜峡市,青铜峡市司法局,部门,
宁夏回族自治区,吴忠市,盐池县,盐池县司法局,部门,
宁夏回族自治区,吴忠市,同心县,同心县司法局,部门,
"""


def test_progress_at_80_columns_tells_sibling_counties_apart(lib):
    from web_support import audited_report

    lib.import_registry(WUZHONG_CSV.encode(), "r.csv")
    counties = ("利通区", "红寺堡区", "青铜峡市", "盐池县", "同心县")
    for n, county in enumerate(counties):
        r = audited_report(60 + n, agency=f"吴忠市{county}司法局")
        r.source.sha256 = f"{600 + n:064x}"
        lib.add_report(r, user="上传员")
    res = CliRunner().invoke(cli_app, ["review", "progress", "--db", lib.store.url], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "…" not in res.output and max(len(line) for line in res.output.splitlines()) <= 80
    body = [line.split()[0] for line in res.output.splitlines() if line.strip() and line.split()[0] in counties]
    assert sorted(body) == sorted(counties)
    assert "宁夏回族自治区吴忠市" in res.output            # the shared part, said once
    js = CliRunner().invoke(cli_app, ["review", "progress", "--db", lib.store.url, "--json"])
    assert {r["region"] for r in json.loads(js.output)} == {f"宁夏回族自治区吴忠市{c}" for c in counties}
