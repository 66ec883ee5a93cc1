"""The dashboard: opens on the busiest year, offers 全部年度, names rules, pages its table on the
server, and aggregates in SQL (as many statements for 40 reports as for 4)."""
from __future__ import annotations

import html
import re
import subprocess
import sys

from sqlalchemy import event

from nianbao.audit.titles import rule_title
from nianbao.store.db import HotRead
from store_support import db_url  # noqa: F401  (fixture: SQLite and PostgreSQL)
from web_support import audited_report, new_client


def _seed(app, years: dict[int, int], broken: bool = True, start: int = 0) -> list[int]:
    store, ids, i = app.state.backend.store, [], start
    for year, n in years.items():
        for _ in range(n):
            ids.append(store.save_report(audited_report(2000 + i, year, agency=f"某区第{i:03d}局",
                                                        broken=broken)).report_id)
            i += 1
    return ids


def _rows(page: str) -> list[str]:
    table = page[page.index('id="dashboard-table"'):]
    return re.findall(r'<a href="/reports/(\d+)">', table)


def _selected_year(page: str) -> str:
    return re.search(r'<option value="([^"]+)" selected>', page).group(1)


def test_dashboard_opens_on_the_year_with_most_reports_not_the_newest(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        _seed(app, {2022: 3, 2023: 1})
        page = c.get("/dashboard").text
    assert "总览 · 2022 年度" in page and _selected_year(page) == "2022" and len(_rows(page)) == 3
    assert "2023（1 份）" in page and "2022（3 份）" in page


def test_dashboard_on_a_tie_opens_on_the_newer_year(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        _seed(app, {2021: 2, 2022: 2})
        assert "总览 · 2022 年度" in c.get("/dashboard").text


def test_dashboard_offers_all_years(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        ids = _seed(app, {2022: 3, 2023: 1})
        page = c.get("/dashboard", params={"year": "all"}).text
        one = c.get("/dashboard", params={"year": 2023}).text
    assert '<option value="all" selected>全部年度</option>' in page and "总览 · 全部年度" in page
    assert sorted(map(int, _rows(page))) == sorted(ids) and "4 份报告" in page
    assert len(_rows(one)) == 1 and "1 份报告" in one


def test_dashboard_names_rules_by_code_and_chinese_name(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        ids = _seed(app, {2023: 6})
        page = html.unescape(c.get("/dashboard").text)
        codes = {f.code for i in ids for f in app.state.backend.get(i)[1].findings}
    assert codes
    for code in codes:
        name = rule_title(code)
        assert name and f">{code} {name}</option>" in page          # the rule filter
        assert f"{code} {name}" in page[page.index('id="dashboard-table"'):]       # the table's tags
        assert f"<td>{name}</td>" in page                           # the per-rule counts


def test_dashboard_table_is_paged_50_a_page(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        ids = _seed(app, {2023: 55}, broken=False)
        first = c.get("/dashboard").text
        second = c.get("/dashboard", params={"year": 2023, "page": 2}).text
        beyond = c.get("/dashboard", params={"year": 2023, "page": 3}).text
    assert len(_rows(first)) == 50 and len(_rows(second)) == 5 and _rows(beyond) == []
    assert sorted(map(int, _rows(first) + _rows(second))) == sorted(ids)
    assert 'href="/dashboard?year=2023&amp;page=2"' in first and "55 份报告" in first
    assert "第 51–55 条，共 55 条" in second and "上一页" in second


def test_dashboard_totals_are_the_sums_over_every_report_not_the_page(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        _seed(app, {2023: 53})
        page = c.get("/dashboard").text
        infos = app.state.backend.store.list_reports()
    e, w, i = (sum(getattr(x, k) for x in infos) for k in ("errors", "warnings", "infos"))
    assert f"53 份报告 · 错误 {e} · 警告 {w} · 提示 {i}" in page and len(_rows(page)) == 50


def test_dashboard_shows_a_new_report_at_once(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        _seed(app, {2023: 2})
        assert "2 份报告" in c.get("/dashboard").text
        _seed(app, {2023: 1}, start=2)
        assert "3 份报告" in c.get("/dashboard").text


def _statements(app, fn) -> int:
    n = 0

    def count(_conn, _cursor, statement, *_a):
        nonlocal n
        n += statement.strip().upper() != "BEGIN"      # SQLite's own BEGIN (store/db.py) is no query

    # the hot reads (fingerprints, a list page's rows) run as HotReads, on a raw connection that
    # SQLAlchemy's events don't see: every statement one runs is counted here
    hot_run = HotRead._run

    def counted(self, params, one):
        nonlocal n
        n += 1
        return hot_run(self, params, one)

    event.listen(app.state.backend.engine, "before_cursor_execute", count)
    HotRead._run = counted
    try:
        fn()
    finally:
        HotRead._run = hot_run
        event.remove(app.state.backend.engine, "before_cursor_execute", count)
    return n


def test_dashboard_aggregates_in_sql_with_as_many_statements_for_40_reports_as_for_4(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        _seed(app, {2022: 2, 2023: 2})
        small = {p: _statements(app, lambda p=p: c.get(p)) for p in ("/dashboard", "/dashboard?year=all", "/")}
        _seed(app, {2022: 18, 2023: 18}, start=4)
        assert app.state.backend.store.count_reports() == 40
        big = {p: _statements(app, lambda p=p: c.get(p)) for p in ("/dashboard", "/dashboard?year=all", "/")}
        again = _statements(app, lambda: c.get("/dashboard?year=all"))
    assert big == small and all(n <= 15 for n in big.values())     # a handful, whatever the reports
    assert again == 1          # unchanged store: only its fingerprint is read


def test_dashboard_and_paged_lists_work_on_sqlite_and_postgresql(db_url, tmp_path):
    from fastapi.testclient import TestClient

    from nianbao.web.app import Settings, create_app

    app = create_app(Settings(db_url=db_url, data_dir=tmp_path / "files", secret="s", workers=1))
    with TestClient(app) as c:
        ids = _seed(app, {2022: 3, 2023: 52})
        page = c.get("/dashboard").text
        assert "总览 · 2023 年度" in page and len(_rows(page)) == 50 and "52 份报告" in page
        assert len(_rows(c.get("/dashboard", params={"year": "all", "page": 2}).text)) == 5
        r = c.get("/api/reports", params={"page": 2})
        assert r.headers["x-total-count"] == "55" and len(r.json()) == 5
        everything = [x["id"] for x in c.get("/api/reports", params={"limit": 500}).json()]
        assert sorted(everything) == sorted(ids)
        assert c.get("/api/reports", params={"page": str(10**30)}).status_code == 400
        assert c.get("/api/findings/by-rule").status_code == 200
        _seed(app, {2023: 1}, start=55)                 # the cached pages see a new report at once
        assert "53 份报告" in c.get("/dashboard").text and c.get("/api/reports").headers["x-total-count"] == "56"


def test_every_registered_rule_has_a_chinese_name():
    from nianbao.audit.registry import rules
    from nianbao.audit.titles import TITLES

    for r in rules():
        assert r.code in TITLES and r.title == TITLES[r.code], r.code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.title)


def test_a_served_process_warms_its_caches_so_the_first_dashboard_view_reads_only_the_fingerprint(tmp_path):
    from nianbao.web import warm

    c, app = new_client(tmp_path)
    _seed(app, {2022: 3, 2023: 4})
    cold = _statements(app, lambda: c.get("/dashboard?year=all"))
    c2, app2 = new_client(tmp_path / "again")
    _seed(app2, {2022: 3, 2023: 4})
    warm.start(app2).join(120)
    with c2:
        assert _statements(app2, lambda: c2.get("/dashboard?year=all")) == 1 < cold
        assert c2.get("/dashboard?year=all").status_code == 200


def test_a_served_process_warms_again_once_a_change_to_the_store_has_settled(tmp_path):
    import threading
    import time

    from nianbao.web import warm

    c, app = new_client(tmp_path)
    _seed(app, {2022: 3})
    stop = threading.Event()
    t = warm.start(app, watch=0.05, stop=stop)

    def passes(n: int) -> bool:
        deadline = time.monotonic() + 60
        while app.state.warm_passes < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return app.state.warm_passes == n

    try:
        assert passes(1)
        time.sleep(0.3)
        assert app.state.warm_passes == 1            # nothing changed: nothing warmed again
        _seed(app, {2023: 2}, start=10)
        assert passes(2)
        with c:
            assert _statements(app, lambda: c.get("/dashboard?year=all")) == 1
            assert ">2023<" in c.get("/dashboard?year=all").text
    finally:
        stop.set()
        t.join(60)
    assert not t.is_alive()


def test_a_served_process_freezes_its_warmed_caches_out_of_garbage_collection(tmp_path):
    # in a process of its own: freezing is process-wide, and must not touch the test runner's
    script = f"""
import gc
import time
from pathlib import Path
from fastapi.testclient import TestClient
from nianbao.web.app import Settings, create_app
from nianbao.web.warm import GC_THRESHOLD
app = create_app(Settings(db_url="sqlite:///{tmp_path}/s.db", data_dir=Path("{tmp_path}/files"),
                          secret="t", warm=True))
before = gc.get_freeze_count()
with TestClient(app) as c:
    deadline = time.monotonic() + 120
    while app.state.warm_passes < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert c.get("/dashboard").status_code == 200
    print(before, gc.get_freeze_count() > 10_000, gc.get_threshold() == GC_THRESHOLD)
app.state.warm_up.join(30)
assert not app.state.warm_up.is_alive()      # the watch ended with the server
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["0", "True", "True"]
