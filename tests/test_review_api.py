"""/api/review/…: reading is open, changes need a login and CSRF, a stale version is 409 with what
the finding is now, the trail names the session's user, the OpenAPI documents every endpoint."""
from __future__ import annotations

import random

import pytest

from nianbao.generate.synthetic import perturb, random_report
from nianbao import api
from web_support import login, new_client


def _report(seed: int):
    for s in range(seed, seed + 50):
        rng = random.Random(s)
        r, _ = perturb(random_report(rng, year=2023), rng)
        r.meta.agency = "中卫市沙坡头区司法局"
        r.meta.published = None
        r.source.sha256 = f"{s:064x}"
        api.audit(r)
        if len(r.findings) >= 2:
            return r
    raise AssertionError


def _text() -> bytes:
    from nianbao.generate.text import render_bytes

    r = random_report(random.Random(77), year=2022)
    r.meta.agency = "中卫市中宁县民政局"
    return render_bytes(r, "tabs", seed=1)


@pytest.fixture
def client(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        rid = app.state.backend.add_report(_report(1)).id
        yield c, rid


def test_review_state_is_open_to_read_and_changes_need_login(client):
    c, rid = client
    got = c.get(f"/api/review/reports/{rid}").json()
    assert got["case"]["status"] == "待审" and got["findings"]
    f = got["findings"][0]
    r = c.post(f"/api/review/findings/{f['id']}/decision", json={"decision": "确认", "version": f["version"]})
    assert r.status_code == 401 and r.json()["detail"] == "请先登录"
    assert c.get("/api/review/reports/99999").status_code == 404


def test_decision_conflict_is_409_with_the_current_state(client):
    c, rid = client
    token = login(c)
    h = {"X-CSRF-Token": token}
    f = c.get(f"/api/review/reports/{rid}").json()["findings"][0]
    ok = c.post(f"/api/review/findings/{f['id']}/decision", headers=h,
                json={"decision": "误报", "reason": "读错", "version": f["version"]})
    assert ok.status_code == 200 and ok.json()["decided_by"] == "reviewer"
    stale = c.post(f"/api/review/findings/{f['id']}/decision", headers=h,
                   json={"decision": "确认", "version": f["version"]})
    assert stale.status_code == 409 and "冲突" in stale.json()["detail"]
    assert stale.json()["current"]["decision"] == "误报"
    bad = c.post(f"/api/review/findings/{f['id']}/decision", headers=h,
                 json={"decision": "不适用", "version": ok.json()["version"]})
    assert bad.status_code == 400 and "理由" in bad.json()["detail"]


def test_status_manual_finding_assign_progress_trail_notice_delete(client):
    c, rid = client
    h = {"X-CSRF-Token": login(c)}
    case = c.get(f"/api/review/reports/{rid}").json()["case"]
    f = c.post(f"/api/review/reports/{rid}/findings", headers=h,
               json={"message": "人工：合计不符", "path": "tables.applications.new_received.total"})
    assert f.status_code == 201 and f.json()["decision"] == "确认"
    assert c.post(f"/api/review/reports/{rid}/status", headers=h,            # the case moved on: 409
                  json={"status": "退回整改", "version": case["version"]}).status_code == 409
    case = c.get(f"/api/review/reports/{rid}").json()["case"]
    assert case["status"] == "审核中"                                         # the added finding started it
    s = c.post(f"/api/review/reports/{rid}/status", headers=h,
               json={"status": "退回整改", "deadline": "2020-01-01", "version": case["version"]})
    assert s.status_code == 200 and s.json()["overdue"]
    assert c.post(f"/api/review/reports/{rid}/status", headers=h,
                  json={"status": "通过", "version": case["version"]}).status_code == 409
    assert c.post("/api/review/assign", headers=h, json={"report_ids": [rid], "reviewer": "张三"}).status_code == 200
    assert [x["report_id"] for x in c.get("/api/review/cases?assignee=张三").json()] == [rid]
    assert sum(p["overdue"] for p in c.get("/api/review/progress").json()) == 1
    n = c.get(f"/api/review/notice?agency_id={case['agency_id']}&fmt=xlsx")       # a download: no trail
    assert n.status_code == 200 and n.content[:2] == b"PK"
    sent = c.post("/api/review/notice", headers=h, json={"agency_id": case["agency_id"], "fmt": "xlsx"})
    assert sent.status_code == 200 and sent.content[:2] == b"PK"
    trail = c.get(f"/api/review/reports/{rid}/trail").json()
    assert [e["action"] for e in trail] == ["upload", "add_finding", "status", "status", "assign", "notice"]
    assert {e["user"] for e in trail[1:5]} == {"reviewer"}
    assert c.get(f"/api/review/reports/{rid}/original").status_code == 404     # stored without its file
    up = c.post("/api/upload", headers=h, files={"files": ("a.txt", _text(), "text/plain")})
    assert up.status_code == 201, up.text
    new_id = up.json()["files"][0]["report_id"]
    assert c.get(f"/api/review/reports/{new_id}/original").content == _text()
    first = c.get(f"/api/review/reports/{new_id}/trail").json()[0]
    assert first["action"] == "upload" and first["user"] == "reviewer"
    d = c.request("DELETE", f"/api/review/reports/{rid}", headers=h, json={"reason": "重复"})
    assert d.status_code == 200
    assert c.get(f"/api/review/reports/{rid}/trail").json()[-1]["action"] == "delete"


def test_openapi_documents_the_review_endpoints(client):
    c, _ = client
    paths = c.get("/api/openapi.json").json()["paths"]
    for p in ("/api/review/reports/{report_id}", "/api/review/findings/{finding_id}/decision",
              "/api/review/reports/{report_id}/status", "/api/review/progress", "/api/review/fp-rate",
              "/api/review/notice", "/api/review/cases", "/api/review/reports/{report_id}/trail"):
        assert p in paths, p
    assert "409" in paths["/api/review/findings/{finding_id}/decision"]["post"]["responses"]


def test_unknown_routes_and_out_of_range_numbers_answer_in_chinese_not_500(client):
    c, _ = client
    r = c.get("/api/no-such-thing")
    assert r.status_code == 404 and r.json()["detail"] == "页面或接口不存在"
    assert c.get("/no-such-page").status_code == 404 and "页面或接口不存在" in c.get("/no-such-page").text
    assert c.post("/api/reports").json()["detail"] == "不支持该请求方法"
    for url in ("/api/reports/100000000000000000000", "/api/review/reports/100000000000000000000"):
        r = c.get(url)
        assert r.status_code == 400 and r.json()["detail"] == "请求中的数字超出范围", (url, r.text)


def test_an_anonymous_upload_is_refused_before_its_body_is_parsed(client, monkeypatch):
    from starlette.formparsers import MultiPartParser

    c, _ = client
    parsed = []
    real = MultiPartParser.parse

    async def spy(self):
        parsed.append(True)
        return await real(self)

    monkeypatch.setattr(MultiPartParser, "parse", spy)
    for url in ("/api/upload", "/upload"):
        r = c.post(url, files={"files": ("a.txt", b"x" * 200_000, "text/plain")})
        assert r.status_code == 401 and "请先登录" in r.text
    assert parsed == []
    h = {"X-CSRF-Token": login(c)}
    r = c.post("/api/upload", headers=h, files={"files": ("a.txt", _text(), "text/plain")})
    assert r.status_code == 201 and parsed


def test_forbidden_status_change_is_400_with_the_same_chinese_message_as_the_store(client):
    c, rid = client
    h = {"X-CSRF-Token": login(c)}
    case = c.get(f"/api/review/reports/{rid}").json()["case"]
    r = c.post(f"/api/review/reports/{rid}/status", headers=h, json={"status": "通过", "version": case["version"]})
    assert r.status_code == 400
    assert r.json()["detail"].startswith("状态不能从「待审」改为「通过」（当前可改为：审核中")
    ok = c.post(f"/api/review/reports/{rid}/status", headers=h, json={"status": "审核中", "version": case["version"]})
    assert ok.status_code == 200 and ok.json()["status"] == "审核中"
    back = c.post(f"/api/review/reports/{rid}/status", headers=h,
                  json={"status": "待审", "version": ok.json()["version"]})
    assert back.status_code == 400 and "不能从「审核中」改为「待审」" in back.json()["detail"]
    ret = c.post(f"/api/review/reports/{rid}/status", headers=h,
                 json={"status": "退回整改", "version": ok.json()["version"]})
    assert ret.status_code == 400 and "退回整改需要至少一个已确认" in ret.json()["detail"]
    assert c.get(f"/api/review/reports/{rid}").json()["case"]["status"] == "审核中"


def test_openapi_states_the_status_rules_and_the_400(client):
    c, _ = client
    op = c.get("/api/openapi.json").json()["paths"]["/api/review/reports/{report_id}/status"]["post"]
    assert "退回整改须有已确认的问题" in op["summary"] and "不能改回待审" in op["summary"]
    assert "400" in op["responses"] and "409" in op["responses"]
