"""整改通知 over HTTP: GET only downloads (no trail, no status change, open to read); POST sends it —
the report is returned (退回整改 with the deadline), the notice trailed under the session's user —
and needs a login and the CSRF token. A reviewer downloads a report's original file."""
from __future__ import annotations

import random
import re

from nianbao.generate.synthetic import random_report
from test_review_api import client  # noqa: F401  (fixture: a client and one stored report)
from web_support import login


def _confirm_one(c, h, rid) -> dict:
    got = c.get(f"/api/review/reports/{rid}").json()
    f = got["findings"][0]
    ok = c.post(f"/api/review/findings/{f['id']}/decision", headers=h, json={"decision": "确认", "version": f["version"]})
    assert ok.status_code == 200, ok.text
    return got["case"]


def test_get_notice_is_a_download_that_changes_nothing(client):
    c, rid = client
    h = {"X-CSRF-Token": login(c)}
    _confirm_one(c, h, rid)
    case = c.get(f"/api/review/reports/{rid}").json()["case"]
    before = c.get(f"/api/review/reports/{rid}/trail").json()
    for fmt in ("docx", "xlsx"):
        r = c.get(f"/api/review/notice?agency_id={case['agency_id']}&fmt={fmt}&deadline=2099-01-31")
        assert r.status_code == 200 and r.content[:2] == b"PK"
        assert "attachment" in r.headers["content-disposition"]
    c.cookies.clear()                                    # anonymous readers may download it too
    assert c.get(f"/api/review/notice?agency_id={case['agency_id']}").status_code == 200
    assert c.get(f"/api/review/reports/{rid}/trail").json() == before
    assert c.get(f"/api/review/reports/{rid}").json()["case"]["status"] == case["status"]


def test_post_notice_returns_the_report_with_its_deadline_and_trails_it(client):
    c, rid = client
    h = {"X-CSRF-Token": login(c)}
    case = _confirm_one(c, h, rid)
    r = c.post("/api/review/notice", headers=h,
               json={"agency_id": case["agency_id"], "fmt": "docx", "deadline": "2099-01-31"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    now = c.get(f"/api/review/reports/{rid}").json()["case"]
    assert now["status"] == "退回整改" and now["deadline"] == "2099-01-31"
    trail = c.get(f"/api/review/reports/{rid}/trail").json()
    notice = [e for e in trail if e["action"] == "notice"]
    assert len(notice) == 1 and notice[0]["user"] == "reviewer" and notice[0]["after"]["deadline"] == "2099-01-31"
    assert any(e["action"] == "status" and e["after"]["status"] == "退回整改" for e in trail)


def test_post_notice_needs_login_and_csrf_and_one_target(client):
    c, rid = client
    agency_id = c.get(f"/api/review/reports/{rid}").json()["case"]["agency_id"]
    assert c.post("/api/review/notice", json={"agency_id": agency_id}).status_code in (401, 403)
    h = {"X-CSRF-Token": login(c)}
    assert c.post("/api/review/notice", json={"agency_id": agency_id}).status_code == 403     # no CSRF token
    both = c.post("/api/review/notice", headers=h, json={"agency_id": agency_id, "region": "中卫市"})
    assert both.status_code == 400 and "agency_id" in both.json()["detail"]
    bad = c.post("/api/review/notice", headers=h, json={"agency_id": agency_id, "fmt": "pdf"})
    assert bad.status_code == 400 and "docx" in bad.json()["detail"]
    assert not [e for e in c.get(f"/api/review/reports/{rid}/trail").json() if e["action"] == "notice"]


def test_reviewer_downloads_the_original_of_an_uploaded_report(client):
    from nianbao.generate.text import render_bytes

    c, rid = client
    h = {"X-CSRF-Token": login(c)}
    r = random_report(random.Random(78), year=2022)
    r.meta.agency = "中卫市海原县教育局"
    data = render_bytes(r, "tabs", seed=2)
    up = c.post("/api/upload", headers=h, files={"files": ("海原县教育局2022年报.txt", data, "text/plain")})
    assert up.status_code == 201, up.text
    new_id = up.json()["files"][0]["report_id"]
    got = c.get(f"/api/review/reports/{new_id}/original")
    assert got.status_code == 200 and got.content == data
    assert "%E6%B5%B7%E5%8E%9F" in got.headers["content-disposition"]          # its own (Chinese) name
    page = c.get(f"/reports/{new_id}/review")
    assert f'href="/api/review/reports/{new_id}/original"' in page.text        # the review panel links it
    assert "/api/review/notice?" not in page.text                              # nothing confirmed: no notice
    c.post(f"/api/review/reports/{new_id}/findings", headers=h, json={"message": "人工：合计不符", "line": 3})
    page = c.get(f"/reports/{new_id}/review")
    notice = re.search(r'href="(/api/review/notice\?[^"]+fmt=docx)"', page.text).group(1).replace("&amp;", "&")
    assert c.get(notice).status_code == 200                                     # and the notice download
    assert "/original" not in c.get(f"/reports/{rid}/review").text            # no file kept: no link
    missing = c.get(f"/api/review/reports/{rid}/original")                     # stored without its file
    assert missing.status_code == 404 and "原文件" in missing.json()["detail"]
