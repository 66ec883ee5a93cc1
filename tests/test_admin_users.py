"""Accounts in the web (issue 14): the /admin/users page (admins only, CSRF like every form) adds,
disables and enables, removes, resets a password and changes a role, and the user's open session
ends at the next request — on SQLite and on the real PostgreSQL. Viewers cannot write anywhere.
The rule catalog page shows each rule's false-positive rate from reviewers' decisions."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from nianbao.web import auth
from nianbao.web.app import Settings, create_app
from store_support import db_url  # noqa: F401  (fixture: SQLite and PostgreSQL)
from test_review_api import _report
from web_support import PASSWORD, login

ADMIN = "管理员"


@pytest.fixture
def site(db_url, tmp_path):
    app = create_app(Settings(db_url=db_url, data_dir=tmp_path / "files", secret="test-secret", workers=1))
    eng = app.state.backend.engine
    auth.add_user(eng, ADMIN, PASSWORD, role="admin")
    auth.add_user(eng, "审核甲", PASSWORD)
    with TestClient(app) as admin, TestClient(app) as other:
        rid = app.state.backend.add_report(_report(1)).id
        yield app, admin, other, rid


def _form(admin: TestClient, path: str, **fields):
    token = admin.get("/api/session").json()["csrf_token"]
    return admin.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def _write(c: TestClient, rid: int, token: str):
    return c.post("/api/review/assign", headers={"X-CSRF-Token": token}, json={"report_ids": [rid], "reviewer": "x"})


def test_admin_page_changes_end_the_users_session_at_the_next_request(site):
    app, admin, other, rid = site
    login(admin, ADMIN)
    token = login(other, "审核甲")
    assert _write(other, rid, token).status_code == 200

    assert _form(admin, "/admin/users/审核甲/disable").status_code == 303
    r = _write(other, rid, token)
    assert r.status_code == 401 and r.json()["detail"] == "请先登录"
    assert "已停用" in admin.get("/admin/users").text
    assert _form(admin, "/admin/users/审核甲/enable").status_code == 303
    token = login(other, "审核甲")
    assert _write(other, rid, token).status_code == 200

    # a role change applies at once: the reviewer's session ends, and back in as a viewer it cannot write
    assert _form(admin, "/admin/users/审核甲/role", role="viewer").status_code == 303
    assert _write(other, rid, token).status_code == 401
    token = login(other, "审核甲")
    r = _write(other, rid, token)
    assert r.status_code == 403 and "只读" in r.json()["detail"]

    assert _form(admin, "/admin/users/审核甲/password", password="新的密码 12345").status_code == 303
    assert _write(other, rid, token).status_code == 401
    assert auth.authenticate(app.state.backend.engine, "审核甲", PASSWORD) is None
    token = login(other, "审核甲", "新的密码 12345")

    assert _form(admin, "/admin/users/审核甲/remove").status_code == 303
    assert _write(other, rid, token).status_code == 401
    assert other.get("/api/session").json()["user"] is None
    assert [u["name"] for u in auth.users(app.state.backend.engine)] == [ADMIN]


def test_admin_adds_a_user_who_can_then_log_in(site):
    app, admin, other, rid = site
    login(admin, ADMIN)
    r = _form(admin, "/admin/users", name="只读乙", password=PASSWORD, role="viewer")
    assert r.status_code == 303 and r.headers["location"] == "/admin/users"
    page = admin.get("/admin/users").text
    assert "已添加用户 只读乙（只读）" in page and 'data-user="只读乙"' in page
    assert "已添加用户" not in admin.get("/admin/users").text          # the notice is shown once
    login(other, "只读乙")
    assert other.get("/api/session").json()["user"] == "只读乙"
    dup = _form(admin, "/admin/users", name="只读乙", password=PASSWORD)
    assert dup.status_code == 409 and "已存在" in dup.text
    short = _form(admin, "/admin/users", name="丙", password="short")
    assert short.status_code == 400 and "至少 8 个字符" in short.text
    bad = _form(admin, "/admin/users/只读乙/role", role="boss")
    assert bad.status_code == 400 and "角色只能是" in bad.text
    assert _form(admin, "/admin/users/没有这人/disable").status_code == 404


def test_only_admins_reach_the_admin_page_and_its_forms_need_the_csrf_token(site):
    app, admin, other, rid = site
    r = other.get("/admin/users", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert other.post("/admin/users/审核甲/disable", data={}).status_code == 401
    login(other, "审核甲")
    r = other.get("/admin/users")
    assert r.status_code == 403 and "需要管理员权限" in r.text
    assert _form(other, "/admin/users/审核甲/role", role="admin").status_code == 403
    assert "/admin/users" not in other.get("/").text                 # no 用户 link for a reviewer
    login(admin, ADMIN)
    assert '<a href="/admin/users">用户</a>' in admin.get("/").text
    r = admin.post("/admin/users/审核甲/disable", data={"csrf_token": "forged"})
    assert r.status_code == 403 and "CSRF" in r.text
    assert not auth.users(app.state.backend.engine)[1]["disabled"]


def test_an_admin_cannot_lock_themselves_out(site):
    app, admin, other, rid = site
    login(admin, ADMIN)
    for action, fields in (("disable", {}), ("remove", {}), ("role", {"role": "viewer"})):
        r = _form(admin, f"/admin/users/{ADMIN}/{action}", **fields)
        assert r.status_code == 400 and "不能停用、删除自己的账号" in r.text, action
    me = next(u for u in auth.users(app.state.backend.engine) if u["name"] == ADMIN)
    assert me["role"] == "admin" and not me["disabled"]


def test_a_user_name_with_a_slash_is_managed_too(site):
    app, admin, other, rid = site
    auth.add_user(app.state.backend.engine, "科室/张三", PASSWORD)
    login(admin, ADMIN)
    page = admin.get("/admin/users").text
    action = re.search(r'action="(/admin/users/[^"]*%2F[^"]*/disable)"', page).group(1)
    assert _form(admin, action).status_code == 303
    assert next(u for u in auth.users(app.state.backend.engine) if u["name"] == "科室/张三")["disabled"]


def _write_routes(app):
    from fastapi.routing import APIRoute

    def walk(routes):
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            elif hasattr(route, "original_router"):
                yield from walk(route.original_router.routes)

    for route in walk(app.routes):
        for method in route.methods - {"GET", "HEAD"}:
            if route.path not in ("/login", "/logout"):
                yield method, route.path


def test_a_viewer_cannot_write_anywhere(site):
    """Every write route of the app (API and forms, whoever added it), called by a logged-in viewer
    with a valid CSRF token: 403, and nothing changed."""
    app, admin, other, rid = site
    auth.add_user(app.state.backend.engine, "只看", PASSWORD, role="viewer")
    token = login(other, "只看")
    before = other.get(f"/api/review/reports/{rid}").json()
    routes = sorted(set(_write_routes(app)))
    assert len(routes) >= 10
    for method, path in routes:
        url = re.sub(r"\{[^}]+\}", str(rid), path)
        r = other.request(method, url, headers={"X-CSRF-Token": token}, data={"csrf_token": token})
        assert r.status_code == 403, (method, path, r.status_code, r.text[:200])
    after = other.get(f"/api/review/reports/{rid}").json()
    assert after == before and other.get(f"/api/reports/{rid}").status_code == 200


# ------------------------------------------------------------------ rule catalog with false-positive rates
def test_rules_page_shows_each_rules_false_positive_rate_with_its_decisions(tmp_path):
    from web_support import new_client

    c, app = new_client(tmp_path)
    with c:
        rid = app.state.backend.add_report(_report(1)).id
        lib = app.state.backend.library
        findings = c.get(f"/api/review/reports/{rid}").json()["findings"]
        code = findings[0]["code"]
        same = [f for f in findings if f["code"] == code]
        page = c.get("/rules").text
        row = re.search(rf'<tr data-rule="{code}">(.*?)</tr>', page, re.S).group(1)
        assert re.search(r'class="num fp[^"]*"[^>]*>—<', row)                     # nothing decided yet: no rate
        lib.decide(same[0]["id"], "误报", user="甲", reason="读错", expected_version=same[0]["version"])
        page = c.get("/rules").text
        row = re.search(rf'<tr data-rule="{code}">(.*?)</tr>', page, re.S).group(1)
        assert "100%" in row and "（误报 1 / 1）" in row
        if len(same) > 1:
            lib.decide(same[1]["id"], "确认", user="甲", expected_version=same[1]["version"])
            row = re.search(rf'<tr data-rule="{code}">(.*?)</tr>', c.get("/rules").text, re.S).group(1)
            assert "50%" in row and "（误报 1 / 2）" in row
        assert "误报率" in page and 'href="/rules"' in page
        other = next(r for r in re.findall(r'<tr data-rule="(\w+)">', page) if r != code)
        row = re.search(rf'<tr data-rule="{other}">(.*?)</tr>', page, re.S).group(1)
        assert re.search(r'class="num fp[^"]*"[^>]*>—<', row)
        assert c.get("/rules", params={"year": "2024"}).status_code == 200
        r = c.get("/rules", params={"year": "99999999999999999999"})
        assert r.status_code == 400 and "年度" in r.text
