"""The report page's review panel: it offers only the status changes the rules allow, adds a finding
by hand (writers only, CSRF, pinned to one of the report's cells or a line), and shows the trail in
Chinese (the page and the CSV export; the JSON API keeps the raw fields)."""
from __future__ import annotations

import re

import pytest

from nianbao.trail_text import change_texts
from nianbao.web import auth
from test_review_api import _report
from web_support import PASSWORD, login, new_client


@pytest.fixture
def web(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        r = _report(1)
        r.source.file = "沙坡头区司法局2023年报.docx"
        rid = app.state.backend.add_report(r).id
        yield c, app, rid


def _options(html: str) -> list[str]:
    m = re.search(r'<select name="status">(.*?)</select>', html, re.S)
    return re.findall(r"<option>(.*?)</option>", m.group(1)) if m else []


def test_panel_offers_only_the_allowed_status_changes(web):
    c, app, rid = web
    lib = app.state.backend.library
    h = {"X-CSRF-Token": login(c), "HX-Request": "true"}
    assert _options(c.get(f"/reports/{rid}/review").text) == ["审核中"]
    case = lib.case(rid)
    back = c.post(f"/reports/{rid}/review/status", headers=h, data={"status": "通过", "version": case["version"]})
    assert "状态不能从「待审」改为「通过」" in back.text and "状态：<strong>待审</strong>" in back.text
    r = c.post(f"/reports/{rid}/review/status", headers=h, data={"status": "审核中", "version": case["version"]})
    assert "状态：<strong>审核中</strong>" in r.text
    assert _options(r.text) == ["通过"] and "退回整改需要至少一个已确认的问题" in r.text      # nothing confirmed
    f = lib.findings(rid)[0]
    lib.decide(f["id"], "确认", user="reviewer")
    panel = c.get(f"/reports/{rid}/review").text
    assert _options(panel) == ["退回整改", "通过"] and "退回整改需要至少一个" not in panel
    assert 'name="deadline"' in panel
    case = lib.case(rid)
    pend = c.post(f"/reports/{rid}/review/status", headers=h, data={"status": "待审", "version": case["version"]})
    assert "不能从「审核中」改为「待审」" in pend.text and lib.case(rid)["status"] == "审核中"


def test_viewer_sees_the_panel_without_forms(web):
    c, app, rid = web
    auth.add_user(app.state.backend.engine, "看看", PASSWORD, role="viewer")
    login(c, "看看")
    panel = c.get(f"/reports/{rid}/review").text
    assert "状态：<strong>待审</strong>" in panel and "<form" not in panel and "人工添加问题" not in panel


def test_panel_adds_a_manual_finding_pinned_to_a_cell_or_a_line(web):
    c, app, rid = web
    lib = app.state.backend.library
    assert "人工添加问题" not in c.get(f"/reports/{rid}/review").text          # not logged in
    token = login(c)
    panel = c.get(f"/reports/{rid}/review").text
    assert 'action="/reports/%d/review/findings"' % rid in panel
    assert '<option value="tables.applications.granted.total">' in panel            # the report's cells
    url = f"/reports/{rid}/review/findings"
    data = {"message": "合计与分项之和不符", "severity": "error", "path": "tables.applications.granted.total",
            "note": "见原文表三"}
    assert c.post(url, data=data, headers={"HX-Request": "true"}).status_code in (401, 403)   # no CSRF token
    h = {"X-CSRF-Token": token, "HX-Request": "true"}
    r = c.post(url, headers=h, data=data)
    assert r.status_code == 200 and "合计与分项之和不符" in r.text and "状态：<strong>审核中</strong>" in r.text
    got = [f for f in lib.findings(rid) if f["origin"] == "manual"]
    assert [(f["code"], f["severity"], f["path"], f["note"], f["decision"], f["decided_by"]) for f in got] == \
        [("人工", "error", "tables.applications.granted.total", "见原文表三", "确认", "reviewer")]
    row = re.search(r'<tr class="sev-error state-open" id="rf%d">(.*?)</tr>' % got[0]["id"], r.text, re.S).group(1)
    assert "表三" in row and "确认" in row and "备注：见原文表三" in row              # the cell by its name
    by_line = c.post(url, headers=h, data={"message": "发布日期缺失", "line": "12"})
    assert "发布日期缺失" in by_line.text and "第12行" in by_line.text
    assert "整改通知（已确认的问题）" in by_line.text
    nowhere = c.post(url, headers=h, data={"message": "无位置"})
    assert "请指明位置：单元格路径或原文行号" in nowhere.text and 'value="无位置"' in nowhere.text   # kept to fix
    bad = c.post(url, headers=h, data={"message": "x", "path": "tables.no.such"})
    assert "报告中没有单元格「tables.no.such」" in bad.text
    assert "行号须为正整数" in c.post(url, headers=h, data={"message": "x", "line": "0"}).text
    assert "问题描述不能为空" in c.post(url, headers=h, data={"message": " ", "line": "3"}).text
    assert len([f for f in lib.findings(rid) if f["origin"] == "manual"]) == 2


def test_viewer_cannot_add_a_finding(web):
    c, app, rid = web
    auth.add_user(app.state.backend.engine, "看看", PASSWORD, role="viewer")
    h = {"X-CSRF-Token": login(c, "看看"), "HX-Request": "true"}
    r = c.post(f"/reports/{rid}/review/findings", headers=h, data={"message": "x", "line": "1"})
    assert r.status_code == 403
    assert not [f for f in app.state.backend.library.findings(rid) if f["origin"] == "manual"]


def test_trail_reads_in_chinese_on_the_panel_and_in_the_csv_while_the_api_keeps_raw_fields(web):
    c, app, rid = web
    lib = app.state.backend.library
    f = lib.findings(rid)[0]
    lib.decide(f["id"], "确认", user="reviewer")
    lib.set_status(rid, "退回整改", user="reviewer", deadline=__import__("datetime").date(2099, 1, 31))
    lib.assign([rid], "张三", user="reviewer")
    panel = c.get(f"/reports/{rid}/review").text
    table = panel[panel.index('class="list trail-table"'):]
    for raw in ("report_id=", "sha256", "is_current", "decision=", "status=", "version=", "assignee="):
        assert raw not in table, raw
    assert f"报告 {rid}（文件 沙坡头区司法局2023年报.docx，现行版本）" in table
    assert "决定：待定</td>" in table and f"决定：确认（{f['code']}）</td>" in table
    assert "状态：待审</td>" in table and "状态：审核中</td>" in table
    assert "状态：退回整改，回复期限 2099-01-31" in table and "审核人：张三" in table
    text = c.get(f"/reports/{rid}/trail.csv").content.decode("utf-8-sig")
    assert f"决定：确认（{f['code']}）" in text and "状态：审核中" in text and f"报告 {rid}（文件" in text
    assert "decision=" not in text and "sha256" not in text
    api = c.get(f"/api/review/reports/{rid}/trail").json()
    up = next(e for e in api if e["action"] == "upload")
    assert set(up["after"]) == {"report_id", "file", "sha256", "is_current"}


@pytest.mark.parametrize(("event", "before", "after"), [
    ({"action": "upload", "after": {"report_id": 49, "file": "a.docx", "sha256": "ab", "is_current": False}},
     "", "报告 49（文件 a.docx，非现行版本）"),
    ({"action": "delete", "before": {"report_id": 5, "agency_id": 2, "year": 2023, "file": "b.pdf", "sha256": "c"}},
     "报告 5（文件 b.pdf，2023 年度）", ""),
    ({"action": "restore", "before": {"report_id": 5}, "after": {"report_id": 9}}, "已删除的报告 5", "报告 9"),
    ({"action": "status", "before": {"status": "通过", "deadline": None, "comment": None},
      "after": {"status": "审核中", "deadline": None}}, "状态：通过", "状态：审核中"),
    ({"action": "decision", "before": {"decision": "确认", "reason": None, "note": None, "version": 2},
      "after": {"decision": "误报", "reason": "合并单元格", "note": None, "version": 3, "code": "T001"}},
     "决定：确认", "决定：误报（T001），理由：合并单元格"),
    ({"action": "add_finding", "after": {"code": "人工", "message": "合计不符", "path": None, "line": 12,
                                         "severity": "warning"}},
     "", "人工添加问题：合计不符（级别：警告，位置：第 12 行）"),
    ({"action": "assign", "before": {"assignee": "张三"}, "after": {"assignee": None}}, "审核人：张三", "审核人：未分配"),
    ({"action": "new_version", "before": {"report_id": 3}, "after": {"report_id": 4, "carried": 2, "rectified": 1,
                                                                   "new": 0}},
     "报告 3", "报告 4（沿用决定 2 项，已整改 1 项，新问题 0 项）"),
    ({"action": "notice", "after": {"findings": 3, "deadline": "2027-01-15", "format": "docx"}},
     "", "整改通知 DOCX：已确认问题 3 项，回复期限 2027-01-15"),
    ({"action": "entry_edit", "before": {"类型": "部门"}, "after": {"类型": "乡镇", "期限": "01-31"}},
     "类型：部门", "类型：乡镇；期限：01-31"),
])
def test_trail_phrases_name_every_review_event_kind_in_chinese(event, before, after):
    assert change_texts(event) == (before, after)
