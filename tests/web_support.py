"""Shared set-up for the web tests: an app on a temp SQLite store, a reviewer account, seeded reports."""
from __future__ import annotations

import random
import re

from fastapi.testclient import TestClient

from nianbao.generate.synthetic import perturb, random_report
from nianbao import api
from nianbao.model import Report
from nianbao.web.app import Settings, create_app
from nianbao.web.auth import add_user

PASSWORD = "correct horse 42"


def make_app(tmp_path, max_upload_mb: int = 2):
    return create_app(Settings(db_url=f"sqlite:///{tmp_path}/store.db", data_dir=tmp_path / "files",
                               max_upload_mb=max_upload_mb, secret="test-secret", workers=1))


def login(client: TestClient, name: str = "reviewer", password: str = PASSWORD) -> str:
    """Log in through the form and return the session's CSRF token."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client.get("/api/session").json()["csrf_token"]


def audited_report(seed: int = 1, year: int = 2023, agency: str | None = None, broken: bool = True) -> Report:
    """A synthetic report (with one broken table cell unless `broken` is False) and its audit findings."""
    rng = random.Random(seed)
    report = random_report(rng, year=year)
    if broken:
        report, _ = perturb(report, rng)
    if agency:
        report.meta.agency = agency
    return api.audit(report)


def new_client(tmp_path, **kw) -> tuple[TestClient, object]:
    app = make_app(tmp_path, **kw)
    add_user(app.state.backend.engine, "reviewer", PASSWORD)
    return TestClient(app), app


def web_engine(url: str):
    """An engine on `url` with the web's own tables (accounts, jobs, failed logins, upload reservations)."""
    from nianbao.store.db import make_engine
    from nianbao.web.db import ensure_tables

    engine = make_engine(url)
    ensure_tables(engine)
    return engine
