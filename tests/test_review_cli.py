"""`nianbao review …` on a SQLite store: every command answers --json, exit 0 on success, 2 with one
line on a usage or input error (unknown report, forbidden transition, stale version), 1 only for
`progress --fail-on-overdue` with overdue rectifications."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.library import Library
from test_review import _with_findings

runner = CliRunner()


def _run(*args, code=0):
    r = runner.invoke(app, [str(a) for a in args])
    assert r.exit_code == code, (r.exit_code, r.output)
    return r


@pytest.fixture
def seeded(tmp_path):
    url = f"sqlite:///{tmp_path / 'nianbao.db'}"
    with Library(url, data_dir=tmp_path / "files") as lib:
        rid, _ = _with_findings(lib)
    return url, rid


def test_status_decide_and_conflict_through_the_cli(seeded):
    url, rid = seeded
    got = json.loads(_run("review", "status", rid, "--db", url, "--json").output)
    assert got["case"]["status"] == "待审" and got["findings"]
    f = got["findings"][0]
    d = json.loads(_run("review", "decide", f["id"], "fp", "--reason", "读错", "--version", f["version"],
                        "--user", "甲", "--db", url, "--json").output)
    assert d["decision"] == "误报" and d["decided_by"] == "甲"
    r = _run("review", "decide", f["id"], "confirm", "--version", f["version"], "--user", "乙", "--db", url,
             code=2)
    assert "冲突" in r.output and "甲" in r.output
    _run("review", "decide", f["id"], "maybe", "--db", url, code=2)
    _run("review", "status", 9999, "--db", url, code=2)


def test_status_transitions_assign_progress_and_trail(seeded):
    url, rid = seeded
    r = _run("review", "status", rid, "--set", "已整改待复核", "--db", url, code=2)
    assert "不能从" in r.output
    _run("review", "add-finding", rid, "合计不符", "--cell", "tables.applications.granted.total", "--user", "甲",
         "--db", url)
    c = json.loads(_run("review", "status", rid, "--set", "退回整改", "--deadline", "2020-01-01", "--user", "甲",
                        "--db", url, "--json").output)["case"]
    assert c["status"] == "退回整改" and c["overdue"]
    _run("review", "assign", rid, "--to", "张三", "--db", url, "--json")
    rows = json.loads(_run("review", "list", "--assignee", "张三", "--db", url, "--json").output)
    assert [x["report_id"] for x in rows] == [rid]
    prog = json.loads(_run("review", "progress", "--db", url, "--json").output)
    assert sum(p["overdue"] for p in prog) == 1
    _run("review", "progress", "--fail-on-overdue", "--db", url, code=1)
    trail = json.loads(_run("review", "trail", rid, "--db", url, "--json").output)
    assert [e["action"] for e in trail] == ["upload", "add_finding", "status", "status", "assign"]
    csv_out = _run("review", "trail", rid, "--csv", "--db", url).output
    assert csv_out.lstrip("\ufeff").startswith("时间,操作人,操作")


def test_cli_trail_says_before_and_after_in_chinese(seeded):
    url, rid = seeded
    _run("review", "add-finding", rid, "合计不符", "--line", "7", "--user", "甲", "--db", url)
    _run("review", "assign", rid, "--to", "张三", "--db", url)
    csv_out = _run("review", "trail", rid, "--csv", "--db", url).output
    table = runner.invoke(app, ["review", "trail", str(rid), "--db", url], env={"COLUMNS": "300"}).output
    for out in (csv_out, table):
        assert "状态：待审" in out and "状态：审核中" in out and "审核人：张三" in out
        assert "人工添加问题：合计不符（级别：警告，位置：第 7 行）" in out
        assert "status=" not in out and "assignee=" not in out and "sha256" not in out


def test_add_finding_fp_rate_notice_delete_restore(seeded, tmp_path):
    url, rid = seeded
    f = json.loads(_run("review", "add-finding", rid, "人工发现：数字不符", "--line", 7, "--user", "甲", "--db", url,
                        "--json").output)
    assert f["origin"] == "manual" and f["evidence"] == {"line": 7}
    _run("review", "add-finding", rid, "无位置", "--db", url, code=2)
    first = json.loads(_run("review", "status", rid, "--db", url, "--json").output)["findings"]
    audit = next(x for x in first if x["origin"] == "audit")
    _run("review", "decide", audit["id"], "confirm", "--db", url)
    rates = json.loads(_run("review", "fp-rate", "--db", url, "--json").output)
    assert any(r["code"] == audit["code"] and r["confirmed"] == 1 for r in rates)
    out = tmp_path / "n.docx"
    j = json.loads(_run("review", "notice", "--agency", "沙坡头区司法局", "--deadline", "2030-01-01", "--send",
                        "-o", out, "--db", url, "--json").output)
    assert out.exists() and j["bytes"] == out.stat().st_size
    assert json.loads(_run("review", "status", rid, "--db", url, "--json").output)["case"]["status"] == "退回整改"
    _run("review", "notice", "--db", url, code=2)
    d = json.loads(_run("review", "delete", rid, "--reason", "重复", "--db", url, "--json").output)
    _run("review", "status", rid, "--db", url, code=2)
    back = json.loads(_run("review", "restore", d["restore_id"], "--db", url, "--json").output)
    again = json.loads(_run("review", "status", back["report_id"], "--db", url, "--json").output)
    assert again["case"]["report_id"] == back["report_id"]
    trail = lambda: [e["action"] for e in json.loads(_run("review", "trail", back["report_id"], "--db", url,  # noqa: E731
                                                          "--json").output)]
    assert back["restored"] and trail().count("restore") == 1
    twice = json.loads(_run("review", "restore", d["restore_id"], "--db", url, "--json").output)
    assert twice == {"report_id": back["report_id"], "restored": False} and trail().count("restore") == 1
    assert "已在库中" in _run("review", "restore", d["restore_id"], "--db", url).output


def test_cli_ingest_trails_uploads_and_a_new_version_carries_the_decisions(tmp_path, monkeypatch):
    import random

    from nianbao.generate import random_report
    from nianbao.generate.text import render_bytes

    url = f"sqlite:///{tmp_path / 'n.db'}"
    monkeypatch.setenv("NIANBAO_USER", "录入员")
    rng = random.Random(5)
    r = random_report(rng, year=2023)
    r.meta.agency = "中卫市沙坡头区司法局"
    r.meta.published = None
    r.tables.applications["granted"].total = (r.tables.applications["granted"].total or 0) + 7   # a broken sum
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "a.txt").write_bytes(render_bytes(r, "tabs", seed=1))
    out = json.loads(_run("ingest", tmp_path / "v1", "--db", url, "-j", "1", "--json").output)
    rid = out["reports"][0]["report_id"]
    trail = json.loads(_run("review", "trail", rid, "--db", url, "--json").output)
    assert [(e["action"], e["user"]) for e in trail] == [("upload", "录入员")]
    findings = json.loads(_run("review", "status", rid, "--db", url, "--json").output)["findings"]
    assert findings
    for f in findings:
        _run("review", "decide", f["id"], "confirm", "--user", "甲", "--db", url)
    _run("review", "status", rid, "--set", "退回整改", "--user", "甲", "--db", url)
    # the same report again with a later file: a new version of the same agency-year, same findings
    (tmp_path / "v2").mkdir()
    (tmp_path / "v2" / "a.txt").write_bytes(render_bytes(r, "tabs", seed=1) + "\n".encode())
    out2 = json.loads(_run("ingest", tmp_path / "v2", "--db", url, "-j", "1", "--json").output)
    rid2 = out2["reports"][0]["report_id"]
    got = json.loads(_run("review", "status", rid2, "--db", url, "--json").output)
    assert got["case"]["status"] == "已整改待复核" and got["case"]["report_id"] == rid2
    assert {f["key"]: f["decision"] for f in got["findings"]} == {f["key"]: "确认" for f in findings}
    actions = [e["action"] for e in json.loads(_run("review", "trail", rid2, "--db", url, "--json").output)]
    assert actions.count("upload") == 2 and "new_version" in actions


def test_rules_catalog_shows_each_rules_false_positive_rate_from_the_store(seeded):
    url, rid = seeded
    f = json.loads(_run("review", "status", rid, "--db", url, "--json").output)["findings"][0]
    _run("review", "decide", f["id"], "fp", "--reason", "误读", "--db", url)
    catalog = json.loads(_run("rules", "--db", url, "--json").output)
    mine = next(r for r in catalog if r["code"] == f["code"])
    assert mine["review"]["false_positive"] == 1 and mine["review"]["fp_rate"] == 1.0
    assert "review" not in json.loads(_run("rules", "--json").output)[0]
    assert "100%（1/1）" in _run("rules", "--db", url).output


def test_assign_in_bulk_by_region_and_only_the_unassigned(tmp_path):
    url = f"sqlite:///{tmp_path / 'n.db'}"
    with Library(url, data_dir=tmp_path / "files") as lib:
        a, _ = _with_findings(lib, 1, "中卫市沙坡头区司法局")
        b, _ = _with_findings(lib, 100, "中卫市海原县财政局")
        c, _ = _with_findings(lib, 200, "银川市兴庆区教育局")
    _run("review", "assign", "--to", "张三", "--db", url, code=2)
    _run("review", "assign", a, "--to", "李四", "--db", url)
    got = json.loads(_run("review", "assign", "--region", "中卫市", "--unassigned", "--to", "张三", "--db", url,
                          "--json").output)
    assert [x["report_id"] for x in got] == [b]
    rows = {x["report_id"]: x["assignee"] for x in json.loads(_run("review", "list", "--db", url, "--json").output)}
    assert rows == {a: "李四", b: "张三", c: None}


def test_cli_refuses_going_back_to_pending_and_returning_without_a_confirmed_finding(seeded):
    url, rid = seeded
    _run("review", "status", rid, "--set", "审核中", "--user", "甲", "--db", url)
    r = _run("review", "status", rid, "--set", "待审", "--user", "甲", "--db", url, code=2)
    assert "不能从「审核中」改为「待审」" in r.output
    r = _run("review", "status", rid, "--set", "退回整改", "--user", "甲", "--db", url, code=2)
    assert "退回整改需要至少一个已确认" in r.output
    _run("review", "status", rid, "--set", "通过", "--user", "甲", "--db", url)
    r = _run("review", "status", rid, "--set", "审核中", "--user", "甲", "--db", url, code=2)
    assert "需要填写说明" in r.output
    c = json.loads(_run("review", "status", rid, "--set", "审核中", "--comment", "复查", "--user", "甲", "--db", url,
                        "--json").output)["case"]
    assert c["status"] == "审核中"
