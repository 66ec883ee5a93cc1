"""Accounts: roles, disable / remove / reset password / role change end the user's sessions at once
(the user is checked on every request, the cookie is not trusted for its 12 hours). On SQLite and
on the real PostgreSQL; the CLI commands through `nianbao user …`."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from nianbao.cli import app as cli
from nianbao.web import auth
from nianbao.web.app import Settings, create_app
from store_support import db_url  # noqa: F401  (fixture)
from test_review_api import _report
from web_support import PASSWORD, login


@pytest.fixture
def web(db_url, tmp_path):
    app = create_app(Settings(db_url=db_url, data_dir=tmp_path / "files", secret="test-secret", workers=1))
    auth.add_user(app.state.backend.engine, "reviewer", PASSWORD)
    with TestClient(app) as c:
        rid = app.state.backend.add_report(_report(1)).id
        yield c, app, rid


def _write(c, rid, token):
    """A write: assign the report (always allowed for a reviewer, needs no version)."""
    return c.post("/api/review/assign", headers={"X-CSRF-Token": token}, json={"report_ids": [rid], "reviewer": "x"})


@pytest.mark.parametrize("change", ["disable", "remove", "reset", "role"])
def test_changing_an_account_ends_its_open_sessions_at_once(web, change):
    c, app, rid = web
    eng = app.state.backend.engine
    token = login(c)
    assert _write(c, rid, token).status_code == 200
    if change == "disable":
        auth.set_disabled(eng, "reviewer")
    elif change == "remove":
        auth.remove_user(eng, "reviewer")
    elif change == "reset":
        auth.set_password(eng, "reviewer", "another password 1")
    else:
        auth.set_role(eng, "reviewer", "reviewer")       # even an unchanged role re-signs sessions
    r = _write(c, rid, token)
    assert r.status_code == 401 and r.json()["detail"] == "请先登录"
    assert c.get("/api/session").json()["user"] is None


def test_removed_user_added_again_does_not_revive_old_cookies(web):
    c, app, rid = web
    eng = app.state.backend.engine
    token = login(c)
    cookie = dict(c.cookies)
    auth.remove_user(eng, "reviewer")
    auth.add_user(eng, "reviewer", PASSWORD)
    c.cookies.clear()
    c.cookies.update(cookie)
    assert _write(c, rid, token).status_code == 401


def test_disabled_user_cannot_log_in_and_viewer_cannot_write(web):
    c, app, rid = web
    eng = app.state.backend.engine
    auth.add_user(eng, "看看", PASSWORD, role="viewer")
    token = login(c, "看看")
    r = _write(c, rid, token)
    assert r.status_code == 403 and "只读" in r.json()["detail"]
    assert c.get(f"/api/review/reports/{rid}").status_code == 200      # reading stays open
    auth.set_disabled(eng, "看看")
    assert auth.authenticate(eng, "看看", PASSWORD) is None
    with pytest.raises(auth.UserError):
        auth.add_user(eng, "x", PASSWORD, role="boss")


def test_user_commands_disable_enable_role_reset_remove(tmp_path):
    url = f"sqlite:///{tmp_path / 'n.db'}"
    run = CliRunner().invoke
    assert run(cli, ["user", "add", "甲", "--db", url, "--password-stdin", "--role", "viewer", "--json"],
               input=PASSWORD + "\n").exit_code == 0
    app = create_app(Settings(db_url=url, data_dir=tmp_path / "f", secret="s", workers=1))
    eng = app.state.backend.engine
    assert auth.users(eng)[0]["role"] == "viewer"
    assert json.loads(run(cli, ["user", "disable", "甲", "--db", url, "--json"]).output)["disabled"] is True
    assert auth.users(eng)[0]["disabled"]
    assert run(cli, ["user", "enable", "甲", "--db", url]).exit_code == 0
    assert run(cli, ["user", "role", "甲", "admin", "--db", url]).exit_code == 0
    assert auth.users(eng)[0]["role"] == "admin" and not auth.users(eng)[0]["disabled"]
    assert run(cli, ["user", "role", "甲", "boss", "--db", url]).exit_code == 2
    assert run(cli, ["user", "reset-password", "甲", "--db", url, "--password-stdin"],
               input="new password 9\n").exit_code == 0
    assert auth.authenticate(eng, "甲", "new password 9") is not None
    assert run(cli, ["user", "remove", "甲", "--db", url]).exit_code == 0
    r = run(cli, ["user", "remove", "甲", "--db", url])
    assert r.exit_code == 2 and "不存在" in r.output
    app.state.backend.close()


def test_password_hashing_of_a_login_runs_off_the_event_loop(tmp_path, monkeypatch):
    import asyncio

    from web_support import new_client

    c, app = new_client(tmp_path)
    on_loop: list[bool] = []
    real = auth.authenticate

    def spy(*a, **kw):
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return real(*a, **kw)

    monkeypatch.setattr(auth, "authenticate", spy)
    with c:
        login(c)
    assert on_loop == [False]


@pytest.mark.parametrize("args, headers, allowed", [([], False, None),
                                                     (["--trusted-proxy", "10.0.0.5"], True, "10.0.0.5")])
def test_serve_trusts_forwarded_addresses_only_from_a_configured_proxy(tmp_path, monkeypatch, args, headers, allowed):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    r = CliRunner().invoke(cli, ["serve", "--db", f"sqlite:///{tmp_path / 'n.db'}", "--data-dir", str(tmp_path / "f"),
                                 *args])
    assert r.exit_code == 0, r.output
    assert seen["proxy_headers"] is headers and seen["forwarded_allow_ips"] == allowed
