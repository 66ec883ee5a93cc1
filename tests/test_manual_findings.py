"""Findings added by hand: Review.add_finding checks the position itself (a cell of the report's form,
a line ≥ 1, not both), so the CLI, the API and the report page's panel refuse the same inputs with the
same message; a cell is named in Chinese wherever people read it (trail, 整改清单, findings export,
`nianbao review status`), the raw path stays in the JSON fields."""
from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from nianbao.cli import app as cli_app
from nianbao.export import export_bytes, rectification_rows
from nianbao.form import form_for
from nianbao.library import Library
from nianbao.store.registry import RegistryError
from nianbao.trail_text import change_texts
from web_support import audited_report, login, new_client

CELL = "tables.applications.granted.total"
runner = CliRunner()

BAD = [  # (cell, line) → the message all three give
    (("tables.nope.x", None), "报告中没有单元格「tables.nope.x」，请从列表中选择"),
    ((CELL, 5), "位置请只选一种：单元格或行号"),
    ((None, 0), "行号须为正整数"),
    ((None, -3), "行号须为正整数"),
    ((None, None), "请指明位置：单元格路径或原文行号"),
]


@pytest.fixture
def web(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        rid = app.state.backend.add_report(audited_report(1, agency="中卫市沙坡头区司法局")).id
        yield c, app, rid, f"sqlite:///{tmp_path}/store.db"


def _manual(lib, rid):
    return [f for f in lib.findings(rid) if f["origin"] == "manual"]


@pytest.mark.parametrize("where,message", BAD)
def test_cli_api_and_panel_refuse_the_same_positions_alike(web, where, message):
    c, app, rid, url = web
    cell, line = where
    h = {"X-CSRF-Token": login(c)}
    api = c.post(f"/api/review/reports/{rid}/findings", headers=h,
                 json={"message": "合计不符", "path": cell, "line": line})
    assert api.status_code == 400 and api.json()["detail"] == message
    panel = c.post(f"/reports/{rid}/review/findings", headers=h | {"HX-Request": "true"},
                   data={"message": "合计不符", "path": cell or "", "line": "" if line is None else str(line)})
    assert message in panel.text
    args = ["review", "add-finding", str(rid), "合计不符", "--db", url]
    args += ["--cell", cell] if cell else []
    args += ["--line", str(line)] if line is not None else []
    r = runner.invoke(cli_app, args)
    assert r.exit_code == 2 and message in r.output, r.output
    assert not _manual(app.state.backend.library, rid)


def test_bad_severity_names_the_levels_in_chinese(web):
    c, app, rid, _ = web
    r = c.post(f"/api/review/reports/{rid}/findings", headers={"X-CSRF-Token": login(c)},
               json={"message": "x", "line": 3, "severity": "fatal"})
    assert r.status_code == 400
    assert r.json()["detail"] == "级别只能是错误（error）、警告（warning）、提示（info）"


def test_a_large_line_is_accepted_since_the_store_does_not_know_the_line_count(web):
    c, app, rid, _ = web
    r = c.post(f"/api/review/reports/{rid}/findings", headers={"X-CSRF-Token": login(c)},
               json={"message": "x", "line": 99999})
    assert r.status_code == 201 and r.json()["evidence"] == {"line": 99999}


def test_a_cell_is_named_in_chinese_where_people_read_it(web):
    c, app, rid, url = web
    lib = app.state.backend.library
    name = form_for(lib.report_info(rid).format).cell_name(CELL)
    assert name != CELL and name.startswith("表三")
    r = c.post(f"/api/review/reports/{rid}/findings", headers={"X-CSRF-Token": login(c)},
               json={"message": "合计与分项之和不符", "path": CELL, "severity": "error"})
    assert r.status_code == 201 and r.json()["path"] == CELL          # JSON keeps the raw path
    lib.add_finding(rid, "发布日期缺失", user="甲", line=12)
    # the trail
    event = next(e for e in lib.trail(report_id=rid) if e["action"] == "add_finding")
    assert event["after"]["path"] == CELL
    after = change_texts(event)[1]
    assert f"位置：单元格 {name}" in after and CELL not in after
    # the 整改清单
    agency = lib.report_info(rid).agency
    _, rows = rectification_rows(lib.store, agency)
    manual = {r[5]: r for r in rows if r[3] == "人工"}
    assert manual["合计与分项之和不符"][6] == name and manual["合计与分项之和不符"][4] == "人工添加"
    assert manual["发布日期缺失"][6] == "第12行" and manual["发布日期缺失"][4] == "人工添加"
    # the findings export: 位置 filled, 路径 raw
    data, _, _ = export_bytes(lib.store, "csv", "findings")
    got = {r["message"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    assert got["合计与分项之和不符"]["where"] == name and got["合计与分项之和不符"]["path"] == CELL
    assert got["发布日期缺失"]["where"] == "第12行"
    # nianbao review status
    out = runner.invoke(cli_app, ["review", "status", str(rid), "--db", url]).output
    assert "表三" in out and CELL not in out
    js = json.loads(runner.invoke(cli_app, ["review", "status", str(rid), "--db", url, "--json"]).output)
    assert CELL in [f["path"] for f in js["findings"]]


def test_cli_add_finding_echoes_the_cell_name(web):
    _, app, rid, url = web
    r = runner.invoke(cli_app, ["review", "add-finding", str(rid), "合计不符", "--cell", CELL, "--db", url])
    assert r.exit_code == 0, r.output
    assert "表三" in r.output and CELL not in r.output


def test_registry_bad_kind_names_the_chinese_kinds_first(tmp_path):
    with Library(f"sqlite:///{tmp_path / 'n.db'}", data_dir=tmp_path / "files") as lib:
        reg = lib.registry
        region = reg.add_region("中卫市")
        with pytest.raises(RegistryError) as e:
            reg.add_entry(region.id, "某局", "怪类")
    assert str(e.value) == ("类型「怪类」无效（可用：政府（government）、部门（department）、乡镇（township）、"
                            "开发区（zone））")
