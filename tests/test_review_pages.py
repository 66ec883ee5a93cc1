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
        lib.set_status(a, "退回整改", user="甲", deadline=date(2020, 1, 1))
        page = c.get("/review")
        assert page.status_code == 200 and "审核进度" in page.text and 'href="/review"' in page.text
        assert f'<a href="/reports/{a}">' in page.text and "逾期" in page.text
        assert f'<a href="/reports/{a}">' not in c.get("/review?status=通过").text
        assert f'<a href="/reports/{a}">' in c.get("/review?status=逾期&year=2023").text
        assert c.get("/review?year=1e17&offset=99999999999999").status_code == 200
