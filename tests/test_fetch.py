"""`nianbao fetch` against a government-portal-shaped site served on 127.0.0.1 (tests/fetch_site):
every report stored once with its publication date and agency, a re-run sends conditional
requests and adds nothing, an interrupted run resumes, every failure is named."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from fetch_site.site import Server, build
from nianbao.cli import app
from nianbao.fetch import Settings, fetch
from nianbao.store import open_store

FAST = Settings(timeout=0.5, delay=0.0, retries=1, backoff=0.05)
COLUMN = "/zwgk/ndbg/index.html"


@pytest.fixture(scope="module")
def template():
    return build()


@pytest.fixture
def server(template):
    with Server(template.fresh()) as s:
        yield s


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'fetch.db'}")
    yield s
    s.close()


@pytest.fixture(scope="module")
def first_run(template, tmp_path_factory):
    """One fetch of the whole column into an empty store: (server, store, result)."""
    with Server(template.fresh()) as srv:
        s = open_store(f"sqlite:///{tmp_path_factory.mktemp('first') / 'fetch.db'}")
        try:
            yield srv, s, fetch([srv.url(COLUMN)], s, settings=FAST)
        finally:
            s.close()


def _stored(store) -> dict[str, object]:
    """Stored reports by the path of their source URL."""
    out = {}
    for info in store.list_reports(current=None):
        r = store.get_report(info.id).report
        path = "/" + r.source.url.split("://", 1)[1].split("/", 1)[1]
        assert path not in out, f"{path} stored twice"
        out[path] = r
    return out


def test_fetch_of_a_column_stores_every_report_once_with_its_date_and_agency(first_run):
    server, store, res = first_run
    site = server.site
    stored = _stored(store)
    assert set(stored) == {e.url for e in site.expected}
    assert store.count_reports(current=None) == len(site.expected)
    for e in site.expected:
        r = stored[e.url]
        assert (r.meta.agency, r.meta.year, r.meta.published.isoformat()) == (e.agency, e.year, e.published), e.key
        assert r.source.url == server.url(e.url) and r.source.fetched_at
        assert r.source.page["url"] == server.url(e.page_url)
    assert (res.found, res.new, res.unchanged) == (len(site.expected) + len(site.failing), len(site.expected), 0)


def test_page_metadata_supplies_the_date_and_agency_the_report_does_not_state(first_run):
    server, store, _ = first_run
    e = _stored(store)["/zwgk/ndbg/202405/t20240510_5.html"]
    assert e.source.page["标题"] == "中卫市交通运输局2023年政府信息公开工作年度报告"
    assert e.source.page["索引号"] == "640500/2024-00031" and e.source.page["成文日期"] == "2024-05-08"
    assert any("发布日期 2024-05-10 取自网页" in n for n in e.extraction.notes)
    assert any("中卫市交通运输局" in n and "取自" in n for n in e.extraction.notes)
    d004 = [f for f in e.findings if f.code == "D004"]       # a department's 2023 report due 2024-01-31
    assert d004 and d004[0].data["published_iso"] == "2024-05-10"
    # a report that states its own date keeps it, whatever the page says (B's page: 2024-01-26)
    b = _stored(store)["/files/P020240125.docx"]
    assert b.meta.published.isoformat() == "2024-01-25" and not any("取自网页" in n for n in b.extraction.notes)


def test_every_failure_is_named_and_nothing_is_fetched_twice_or_against_robots(first_run):
    server, store, res = first_run
    site = server.site
    reasons = {f.url: f.reason for f in res.failures}
    assert set(reasons) == {server.url(p) for p in site.failing}
    for path, words in site.failing.items():
        assert words in reasons[server.url(path)], (path, reasons[server.url(path)])
    for path in site.never:                  # robots.txt, a notice that is no report, a form beside a report
        assert site.requests(path) == [], path
    # the 500 was retried once and recovered; the 404 was not retried; the listing linking to itself read once
    assert len(site.requests("/zwgk/ndbg/202401/t20240130_6.html")) == 2
    assert len(site.requests("/gone/t20240112_9.html")) == 1
    assert len(site.requests("/zwgk/ndbg/index_2.html")) == 1
    assert len(site.requests("/robots.txt")) == 1
    served = {p for p, _ in site.log if p != "/robots.txt"}
    assert all(len(site.requests(p)) == 1 for p in served if p in site.pages and "t20240130_6" not in p)


def test_a_second_fetch_sends_conditional_requests_and_adds_nothing(server, store):
    site = server.site
    first = fetch([server.url(COLUMN)], store, settings=FAST)
    n = len(site.log)
    second = fetch([server.url(COLUMN)], store, settings=FAST)
    assert (second.new, second.unchanged) == (0, first.new)
    assert store.count_reports(current=None) == first.new
    again = [(p, h) for p, h in site.log[n:] if p in site.pages]
    assert again, "the second run asked for nothing"
    for path, headers in again:
        assert "if-none-match" in headers and "if-modified-since" in headers, path
    assert {f.url for f in second.failures} == {f.url for f in first.failures}
    with store.engine.connect() as c:
        kinds = c.execute(text("SELECT kind, files, stored, duplicates, failed FROM ingest_run ORDER BY id")).all()
    assert kinds == [("fetch", first.found, first.new, 0, len(first.failures)),
                     ("fetch", second.found, 0, first.new, len(second.failures))]


class _Stop(Exception):
    pass


def test_an_interrupted_fetch_resumes_where_it_stopped(server, store):
    site = server.site
    stored_first: list[str] = []

    def stop_after_two(kind, data):
        if kind == "report" and data.status == "new":
            stored_first.append(data.url)
            if len(stored_first) == 2:
                raise _Stop

    with pytest.raises(_Stop):
        fetch([server.url(COLUMN)], store, settings=FAST, on_event=stop_after_two)
    # files are fetched and stored concurrently: another may have been stored before the second's event
    # ended the run — at least the two seen, never all
    before = store.count_reports(current=None)
    assert 2 <= before < len(site.expected)
    assert store.runs()[0]["finished_at"] is None
    n = len(site.log)
    res = fetch([server.url(COLUMN)], store, settings=FAST)
    assert res.resumed and res.new == len(site.expected) - before
    assert set(_stored(store)) == {e.url for e in site.expected}
    later = [p for p, _ in site.log[n:]]
    for url in stored_first:                  # finished before the interruption: not asked for again
        assert "/" + url.split("://", 1)[1].split("/", 1)[1] not in later
    assert store.runs()[0]["finished_at"] is not None


def test_year_filter_picks_only_that_years_reports(server, store):
    res = fetch([server.url(COLUMN)], store, settings=FAST, year=2025)
    assert [r.meta.agency for r in _stored(store).values()] == ["中卫市人力资源和社会保障局"]
    assert res.failures == []                 # the 2023 links that fail were never followed
    assert server.site.requests("/slow/t20240111_8.html") == []


def _cli(args, db):
    return CliRunner().invoke(app, ["fetch", *args, "--db", str(db), "--delay", "0", "--timeout", "0.5",
                                    "--retries", "1"])


def test_cli_reads_agencies_and_columns_from_a_csv_and_pages_by_query(server, tmp_path):
    csv = tmp_path / "urls.csv"
    csv.write_text(f"机关,栏目网址\n中卫市水务局,{server.url('/bm/list?page=1')}\n", encoding="utf-8")
    db = tmp_path / "cli.db"
    r = _cli(["--from", str(csv), "--json"], db)
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert (out["found"], out["new"], out["failed"]) == (3, 3, 0)
    assert server.site.requests("/bm/list?page=2")
    ids = {r["url"].rsplit("/", 1)[1]: r["report_id"] for r in out["reports"]}
    s = open_store(f"sqlite:///{db}")
    k, m = s.get_report(ids["k.docx"]).report, s.get_report(ids["m.docx"]).report
    s.close()
    assert k.meta.agency == "中卫市水务局" and any("网址清单" in n for n in k.extraction.notes)
    assert (m.meta.year, m.meta.published.isoformat()) == (2022, "2023-01-16")
    assert any("栏目列表" in n for n in m.extraction.notes)
    again = json.loads(_cli(["--from", str(csv), "--json"], db).stdout)
    assert (again["new"], again["unchanged"]) == (0, 3)      # the counter page too: same report, new bytes
    r = CliRunner().invoke(app, ["db", "runs", "--db", str(db), "--json"])
    run = json.loads(r.stdout)[0]
    assert (run["kind"], run["paths"], run["status"]) == ("fetch", [server.url("/bm/list?page=1")], "finished")


def test_cli_summary_names_each_failure_and_exits_0_when_something_was_fetched(server, tmp_path):
    r = _cli([server.url(COLUMN)], tmp_path / "x.db")
    assert r.exit_code == 0
    assert "新入库 6" in r.output and "失败 4" in r.output
    assert server.url("/gone/t20240112_9.html") + ": HTTP 404" in r.output


def test_cli_exits_2_on_usage_errors_and_when_nothing_could_be_fetched(server, tmp_path):
    assert _cli([], tmp_path / "x.db").exit_code == 2
    assert _cli(["ftp://example.org/"], tmp_path / "x.db").exit_code == 2
    r = _cli([server.url("/gone/t20240112_9.html"), "--json"], tmp_path / "x.db")
    assert r.exit_code == 2
    assert json.loads(r.stdout)["failures"] == [{"url": server.url("/gone/t20240112_9.html"),
                                                "reason": "HTTP 404（页面不存在）"}]


def test_a_killed_fetch_shows_as_interrupted_and_the_next_run_completes_it(server, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    db = tmp_path / "killed.db"
    cli = Path(sys.executable).with_name("nianbao")
    proc = subprocess.Popen([str(cli), "fetch", server.url(COLUMN), "--db", str(db), "--delay", "0.2",
                             "--timeout", "0.5", "--retries", "1", "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                s = open_store(f"sqlite:///{db}")
                n = s.count_reports(current=None)
                s.close()
                if n >= 1:
                    break
            time.sleep(0.05)
        assert proc.poll() is None, "the fetch finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    s = open_store(f"sqlite:///{db}")
    try:
        before = s.count_reports(current=None)
        assert 1 <= before < len(server.site.expected)
        assert s.runs()[0]["status"] == "interrupted"
        res = fetch([server.url(COLUMN)], s, settings=FAST)
        assert res.resumed and res.new == len(server.site.expected) - before
        assert set(_stored(s)) == {e.url for e in server.site.expected}
    finally:
        s.close()


def test_a_page_that_breaks_the_reader_is_named_and_the_run_goes_on(server, store, monkeypatch):
    from nianbao.fetch import crawl

    real = crawl.read_page

    def fragile(data, url, charset=None):
        if url.endswith("/bm/art_11.html"):
            raise ValueError("unforeseen markup")
        return real(data, url, charset)

    monkeypatch.setattr(crawl, "read_page", fragile)
    res = fetch([server.url("/bm/list?page=1"), server.url("/zwgk/ndbg/202401/t20240118_1.html")], store,
                settings=FAST)
    assert [f.to_dict() for f in res.failures] == [
        {"url": server.url("/bm/art_11.html"), "reason": "无法处理（ValueError: unforeseen markup）"}]
    assert res.new == 3 and store.runs()[0]["finished_at"] is not None


def test_a_report_deleted_from_the_store_is_fetched_again_unconditionally(server, store):
    first = fetch([server.url("/bm/list?page=1")], store, settings=FAST)
    k = next(r for r in first.reports if r.url.endswith("/k.docx"))
    assert store.delete_report(k.report_id)
    n = len(server.site.log)
    again = fetch([server.url("/bm/list?page=1")], store, settings=FAST)
    assert (again.new, again.unchanged) == (1, first.new - 1)
    asked = [h for p, h in server.site.log[n:] if p == "/bm/files/k.docx"]
    assert len(asked) == 1 and "if-none-match" not in asked[0]


def test_fetch_runs_from_a_thread_that_already_runs_an_event_loop(template, tmp_path):
    """Called from inside a running loop (a notebook, a web handler), fetch runs its own loop in a thread."""
    import asyncio

    async def inside_a_loop():
        with Server(template.fresh()) as srv:
            s = open_store(f"sqlite:///{tmp_path / 'loop.db'}")
            try:
                return fetch([srv.url(COLUMN)], s, settings=FAST)
            finally:
                s.close()

    result = asyncio.run(inside_a_loop())
    assert result.new > 0
