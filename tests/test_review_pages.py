"""The review panel of a report page: status, decisions with the page's version (a stale one
re-renders the panel with the conflict named), the trail and its CSV export."""
from __future__ import annotations

from test_review_api import _report
from web_support import login, new_client


def test_report_page_review_panel_decides_and_shows_conflicts_and_trail(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        rid = app.state.backend.add_report(_report(1)).id
        assert f'hx-get="/reports/{rid}/review"' in c.get(f"/reports/{rid}").text
        panel = c.get(f"/reports/{rid}/review")
        assert panel.status_code == 200 and "状态：<strong>待审</strong>" in panel.text
        assert "<form" not in panel.text                      # read-only without a login
        h = {"X-CSRF-Token": login(c), "HX-Request": "true"}
        f = app.state.backend.library.findings(rid)[0]
        url = f"/reports/{rid}/review/findings/{f['id']}"
        r = c.post(url, headers=h, data={"decision": "确认", "version": f["version"]})
        assert r.status_code == 200 and "reviewer" in r.text and "状态：<strong>审核中</strong>" in r.text
        stale = c.post(url, headers=h, data={"decision": "误报", "reason": "x", "version": f["version"]})
        assert "冲突" in stale.text and "已显示最新状态" in stale.text
        assert app.state.backend.library.review.finding(f["id"])["decision"] == "确认"
        case = app.state.backend.library.case(rid)
        s = c.post(f"/reports/{rid}/review/status", headers=h,
                   data={"status": "退回整改", "version": case["version"], "deadline": "2020-01-02", "comment": "请改"})
        assert "退回整改" in s.text and "已逾期" in s.text
        assert c.post(url, headers={"HX-Request": "true"}, data={"decision": "确认", "version": 1}).status_code in (401, 403)
        csv_text = c.get(f"/reports/{rid}/trail.csv").content.decode("utf-8-sig")
        assert csv_text.startswith("时间,操作人,操作") and "决定" in csv_text and "状态" in csv_text


def test_review_page_shows_progress_per_region_and_filters_reports(tmp_path):
    from datetime import date

    c, app = new_client(tmp_path)
    with c:
        lib = app.state.backend.library
        a = app.state.backend.add_report(_report(1)).id
        lib.decide(lib.findings(a)[0]["id"], "确认", user="甲")
        lib.set_status(a, "退回整改", user="甲", deadline=date(2020, 1, 1))
        page = c.get("/review")
        assert page.status_code == 200 and "审核进度" in page.text and 'href="/review"' in page.text
        assert f'<a href="/reports/{a}">' in page.text and "逾期" in page.text
        assert f'<a href="/reports/{a}">' not in c.get("/review?status=通过").text
        assert f'<a href="/reports/{a}">' in c.get("/review?status=逾期&year=2023").text
        assert c.get("/review?year=1e17&offset=99999999999999").status_code == 200


def test_review_list_rows_name_the_registry_region_in_full_else_the_store_string(tmp_path, monkeypatch):
    """A report whose agency the registry knows shows the registry region's full name (省市区); one the
    registry does not list keeps the store's region string — on the page and in `nianbao review list`."""
    import json
    import re

    from typer.testing import CliRunner

    from nianbao.cli import app as cli_app
    from nianbao.model import Meta, Report

    def report(agency: str, n: int) -> Report:
        r = Report(meta=Meta(agency=agency, year=2023))
        r.source.file, r.source.sha256 = f"{n}.txt", f"{n:064x}"
        return r

    c, app = new_client(tmp_path)
    with c:
        lib = app.state.backend.library
        lib.import_registry("省,市,县,机关名称,类型\n宁夏回族自治区,中卫市,沙坡头区,司法局,部门\n".encode(), "名录.csv")
        known = app.state.backend.add_report(report("中卫市沙坡头区司法局", 1)).id
        other = app.state.backend.add_report(report("吴忠市利通区教育局", 2)).id
        rows = {r["report_id"]: r for r in lib.cases()}
        assert rows[known]["region_name"] == "宁夏回族自治区中卫市沙坡头区"
        assert rows[other]["region_name"] == rows[other]["region"] and "吴忠市" in rows[other]["region"]
        page = c.get("/review").text
        cells = {int(m.group(1)): m.group(2) for m in re.finditer(
            r'<a href="/reports/(\d+)">\d+</a></td>\s*<td>([^<]*)</td>', page)}
        assert cells == {known: "宁夏回族自治区中卫市沙坡头区", other: rows[other]["region"]}
        url = lib.store.url
    from nianbao.cli.app import console

    monkeypatch.setattr(console, "_width", 200)         # wide enough that no cell folds
    out = CliRunner().invoke(cli_app, ["review", "list", "--db", url])
    assert out.exit_code == 0 and "宁夏回族自治区中卫市沙坡头区" in out.output, out.output
    got = {r["report_id"]: r["region_name"] for r in
           json.loads(CliRunner().invoke(cli_app, ["review", "list", "--db", url, "--json"]).output)}
    assert got == {known: "宁夏回族自治区中卫市沙坡头区", other: rows[other]["region"]}
