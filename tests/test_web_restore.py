"""Restoring a deleted report from the web: the page delete lands on /deleted naming the report and
its deletion record, the list's 恢复 button (writers only) brings it back as a new report with the
delete and the restore in its trail; /api/review/deleted lists and restores; unknown records are a
Chinese 404."""
from __future__ import annotations

import re

import pytest

from nianbao.web.auth import add_user
from test_review_api import _report as _review_report
from web_support import PASSWORD, login, new_client



def _report(seed: int, agency: str | None = None):
    r = _review_report(seed)
    if agency:
        r.meta.agency = agency
    return r


@pytest.fixture
def client(tmp_path):
    c, app = new_client(tmp_path)
    add_user(app.state.backend.engine, "只读", PASSWORD, role="viewer")
    with c:
        rid = app.state.backend.add_report(_report(1)).id
        app.state.backend.add_report(_report(100, agency="中卫市中宁县民政局"))   # SQLite reuses only the last id
        yield c, app, rid


def _form_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _row(page: str, record: int) -> str:
    return re.search(rf'<tr id="deleted-{record}"[^>]*>(.*?)</tr>', page, re.S).group(1)


def test_page_delete_lists_the_record_and_its_button_restores_the_report(client):
    c, app, rid = client
    token = login(c)
    assert '<a href="/deleted">已删除</a>' in c.get("/").text
    r = c.post(f"/reports/{rid}/delete", data={"csrf_token": token, "reason": "传错文件"}, follow_redirects=False)
    assert r.status_code == 303
    record = app.state.backend.library.deleted(1)[0]["id"]
    assert r.headers["location"] == f"/deleted?just={record}#deleted-{record}"
    assert c.get(f"/reports/{rid}").status_code == 404

    page = c.get(r.headers["location"]).text
    assert f"已删除报告 {rid}（沙坡头区司法局 2023），删除记录编号 {record}" in page
    assert f"nianbao review restore {record}" in page
    row = _row(page, record)
    assert f'action="/deleted/{record}/restore"' in row and "恢复" in row
    assert "reviewer" in row and "传错文件" in row and "2023" in row and "沙坡头区司法局" in row

    back = c.post(f"/deleted/{record}/restore", data={"csrf_token": _form_token(page)}, follow_redirects=False)
    assert back.status_code == 303
    new_id = int(back.headers["location"].rsplit("/", 1)[1])
    assert new_id != rid and c.get(f"/reports/{new_id}").status_code == 200
    trail = c.get(f"/api/review/reports/{new_id}/trail").json()
    actions = [(e["action"], e["user"]) for e in trail]
    assert ("delete", "reviewer") in actions and ("restore", "reviewer") in actions
    assert next(e for e in trail if e["action"] == "restore")["before"] == {"report_id": rid}

    # the list now names the restored report instead of a button; a second restore adds nothing
    row = _row(c.get("/deleted").text, record)
    assert f'href="/reports/{new_id}"' in row and "/restore" not in row
    again = c.post(f"/deleted/{record}/restore", data={"csrf_token": token}, follow_redirects=False)
    assert again.headers["location"] == f"/reports/{new_id}"
    assert [e["action"] for e in c.get(f"/api/review/reports/{new_id}/trail").json()].count("restore") == 1


def test_a_viewer_sees_the_list_without_buttons_and_cannot_restore(client):
    c, app, rid = client
    app.state.backend.delete(rid, user="reviewer", reason="重复")
    record = app.state.backend.library.deleted(1)[0]["id"]
    assert c.get("/deleted", follow_redirects=False).headers["location"] == "/login?next=/deleted"
    token = login(c, "只读")
    page = c.get("/deleted").text
    assert "只读账号不能恢复" in page and "/restore" not in _row(page, record)
    r = c.post(f"/deleted/{record}/restore", data={"csrf_token": token})
    assert r.status_code == 403 and "只读账号不能修改" in r.text
    api = c.post(f"/api/review/deleted/{record}/restore", headers={"X-CSRF-Token": token})
    assert api.status_code == 403 and api.json()["detail"] == "只读账号不能修改（请联系管理员）"
    assert app.state.backend.library.deleted(1)[0]["id"] == record
    assert [i.id for i in app.state.backend.library.reports() if i.id == rid] == []


def test_unknown_records_are_a_chinese_404_and_a_restore_needs_login_and_csrf(client):
    c, app, rid = client
    r = c.post("/api/review/deleted/1/restore")
    assert r.status_code == 401 and r.json()["detail"] == "请先登录"
    token = login(c)
    assert c.post("/deleted/99999/restore", data={"csrf_token": "wrong"}).status_code == 403
    page = c.post("/deleted/99999/restore", data={"csrf_token": token})
    assert page.status_code == 404 and "已删除报告记录 99999 不存在" in page.text
    api = c.post("/api/review/deleted/99999/restore", headers={"X-CSRF-Token": token})
    assert api.status_code == 404 and api.json()["detail"].startswith("已删除报告记录 99999 不存在")
    gone = c.post("/reports/99999/delete", data={"csrf_token": token})
    assert gone.status_code == 404 and "报告 99999 不存在" in gone.text


def test_api_lists_and_restores_deleted_reports_and_is_documented(client):
    c, app, rid = client
    h = {"X-CSRF-Token": login(c)}
    assert c.get("/api/review/deleted").json() == []
    d = c.request("DELETE", f"/api/review/reports/{rid}", headers=h, json={"reason": "重复"}).json()
    listed = c.get("/api/review/deleted").json()
    assert [(x["id"], x["report_id"], x["agency"], x["year"], x["deleted_by"], x["reason"], x["restored_as"])
            for x in listed] == [(d["restore_id"], rid, "沙坡头区司法局", 2023, "reviewer", "重复", None)]
    got = c.post(f"/api/review/deleted/{d['restore_id']}/restore", headers=h)
    assert got.status_code == 200 and got.json()["restored"] is True
    new_id = got.json()["report_id"]
    assert c.get(f"/api/reports/{new_id}").status_code == 200
    assert c.get("/api/review/deleted").json()[0]["restored_as"] == new_id
    again = c.post(f"/api/review/deleted/{d['restore_id']}/restore", headers=h).json()
    assert again == {"deleted_id": d["restore_id"], "report_id": new_id, "restored": False}
    paths = c.get("/api/openapi.json").json()["paths"]
    assert "已删除" in paths["/api/review/deleted"]["get"]["summary"]
    assert "恢复" in paths["/api/review/deleted/{deleted_id}/restore"]["post"]["summary"]


def test_the_api_names_a_deleted_and_a_restored_report_as_the_pages_do(tmp_path):
    from web_support import audited_report

    c, app = new_client(tmp_path)
    with c:
        lib = app.state.backend.library
        rid = app.state.backend.add_report(audited_report(6, agency="某市乙局")).id
        keep = app.state.backend.add_report(audited_report(5, agency="某市甲局")).id   # rid is not the highest id:
        # SQLite would give a restored report the deleted highest id again
        token = login(c)
        h = {"X-CSRF-Token": token}
        record = c.delete(f"/api/reports/{rid}", headers=h).json()["restore_id"]
        gone = f"报告 {rid} 已删除（删除记录 {record}）"
        assert c.delete(f"/api/reports/{rid}", headers=h).json()["detail"] == gone
        assert c.request("DELETE", f"/api/review/reports/{rid}", headers=h).json()["detail"] == gone
        assert c.get(f"/api/reports/{rid}").json()["detail"] == gone
        now = lib.restore(record, user="t")
        assert c.get(f"/api/reports/{rid}").json()["detail"] == f"{gone}，已恢复为报告 {now}"
        assert c.get(f"/api/reports/{keep + 1000}").json()["detail"] == f"报告 {keep + 1000} 不存在"
