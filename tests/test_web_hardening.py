"""Web hardening (issue 14): uploads off the event loop, zip bombs and one user's upload budget,
viewers refused before their body is read, the login throttle behind a proxy, out-of-range numbers
and unknown routes in Chinese, spreadsheet cells that are text and never formulas."""
from __future__ import annotations

import io
import re
import struct
import threading
import time
import zipfile
import zlib

import pytest

from nianbao.web import auth
from nianbao.web.uploads import Limits, Refused, UploadBudget, expand, expand_all, footprint
from test_review_api import _text
from store_support import db_url  # noqa: F401  (SQLite and PostgreSQL)
from web_support import PASSWORD, login, new_client, web_engine


def _bomb(entries: int, size: int) -> bytes:
    """A real zip bomb: `entries` honest entries of `size` zero bytes each, deflated once and reused
    (so building it takes no time): 250 × 8 MB = 2 GB expanded from a ~2 MB file."""
    zeros = b"\0" * size
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    comp = packer.compress(zeros) + packer.flush()
    crc = zlib.crc32(zeros)
    out, central = io.BytesIO(), []
    for i in range(entries):
        name = f"报告{i:03}.txt".encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0, crc, len(comp), size, len(name), 0))
        out.write(name + comp)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0, crc, len(comp), size,
                                   len(name), 0, 0, 0, 0, 0, offset) + name)
    directory = b"".join(central)
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, len(directory), start, 0))
    return out.getvalue()


@pytest.fixture
def web(tmp_path):
    c, app = new_client(tmp_path, max_upload_mb=8)
    with c:
        yield c, app


def _slow_ingest(app, monkeypatch, started: threading.Event, release: threading.Event, seen: list,
                 parse_instead: bytes | None = None):
    """Make the store step of an upload wait until `release` (a heavy parse, as a 200-page PDF is),
    noting whether it runs on a thread that runs an event loop; `parse_instead`: the bytes it then
    really parses (a small report: what the test checks is the budget, not the parse)."""
    import asyncio

    real = app.state.backend.ingest

    def slow(data, *a, **kw):
        try:
            asyncio.get_running_loop()
            seen.append("loop")
        except RuntimeError:
            seen.append("worker")
        started.set()
        release.wait(20)
        return real(parse_instead or data, *a, **kw)

    monkeypatch.setattr(app.state.backend, "ingest", slow)


# ------------------------------------------------------------------ 1. the event loop never waits
def test_a_slow_api_upload_does_not_stall_other_requests(web, monkeypatch):
    c, app = web
    token = login(c)
    started, release, seen = threading.Event(), threading.Event(), []
    _slow_ingest(app, monkeypatch, started, release, seen)
    answer = {}
    t = threading.Thread(target=lambda: answer.update(r=c.post("/api/upload", headers={"X-CSRF-Token": token},
                                                               files={"files": ("a.txt", _text())})))
    t.start()
    try:
        assert started.wait(20)
        t0 = time.monotonic()
        for url in ("/api/health", "/api/reports", "/"):
            assert c.get(url).status_code == 200
        waited = time.monotonic() - t0
        assert t.is_alive() and not answer        # the upload is still being parsed meanwhile
    finally:
        release.set()
        t.join(30)
    assert waited < 5.0                            # on the loop, these would wait the 20 s of the upload
    assert answer["r"].status_code == 201 and seen == ["worker"]


def test_health_endpoint_answers_ok(web):
    c, _ = web
    r = c.get("/api/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


# ------------------------------------------------------------------ 2. zip bombs and the per-user budget
def test_a_zip_bomb_is_refused_at_once_without_inflating_an_entry(web, monkeypatch):
    c, _ = web
    bomb = _bomb(250, 8 * 2**20)                   # 2 GB declared, every entry within the 8 MB per-file limit
    assert len(bomb) < 3 * 2**20
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, *a, **kw: opened.append(a) or real_open(self, *a, **kw))
    token = login(c)
    t0 = time.monotonic()
    r = c.post("/api/upload", headers={"X-CSRF-Token": token}, files={"files": ("炸弹.zip", bomb)})
    assert time.monotonic() - t0 < 5
    assert r.status_code == 413, r.text
    msg = r.json()["files"][0]["message"]
    assert "解压后过大" in msg and "2000.0 MB" in msg and "上限 200 MB" in msg
    assert opened == []
    page = c.post("/upload", data={"csrf_token": token}, files={"files": ("炸弹.zip", bomb)})
    assert page.status_code == 200 and "解压后过大" in page.text and opened == []


def test_a_bomb_that_lies_about_its_sizes_never_yields_more_than_it_declares():
    honest = _bomb(1, 4 * 2**20)
    liar = honest.replace(struct.pack("<I", 4 * 2**20), struct.pack("<I", 1000))   # local and central sizes
    got = 0
    with zipfile.ZipFile(io.BytesIO(liar)) as z, z.open(z.infolist()[0]) as f:
        with pytest.raises(zipfile.BadZipFile):
            while chunk := f.read(4096):
                got += len(chunk)
    assert got <= 1000                        # the declared size bounds what inflating yields
    files, errors = expand("x.zip", liar, max_bytes=2**20)
    assert files == [] and [e.message for e in errors] == ["无法解压（文件已损坏，或内容与压缩包记录的大小不符）"]


def test_zip_entry_count_is_bounded_per_archive():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(12):
            z.writestr(f"{i}.txt", "一、总体情况")
    with pytest.raises(Refused) as e:
        expand("多.zip", buf.getvalue(), 2**20, max_entries=10)
    assert e.value.status == 413 and "文件过多（12 个，上限 10）" in e.value.message
    assert footprint("多.zip", buf.getvalue(), 2**20) == (12 * len("一、总体情况".encode()), 12)


def test_one_users_concurrent_uploads_share_one_budget(tmp_path, monkeypatch):
    from nianbao.web.app import Settings, create_app
    from fastapi.testclient import TestClient

    app = create_app(Settings(db_url=f"sqlite:///{tmp_path}/s.db", data_dir=tmp_path / "f", secret="s", workers=1,
                              max_upload_mb=2, user_budget_mb=1))
    for name in ("reviewer", "other"):
        auth.add_user(app.state.backend.engine, name, PASSWORD)
    started, release, seen = threading.Event(), threading.Event(), []
    _slow_ingest(app, monkeypatch, started, release, seen, parse_instead=_text())
    big = _text() + b"\n" * (600 * 1024)           # over half the 1 MB budget
    with TestClient(app) as a, TestClient(app) as b, TestClient(app) as other:
        ta, tb, to = login(a), login(b), login(other, "other")
        first = {}
        t = threading.Thread(target=lambda: first.update(r=a.post("/api/upload", headers={"X-CSRF-Token": ta},
                                                                  files={"files": ("一.txt", big)})))
        t.start()
        try:
            assert started.wait(20)
            # the same user from another session: the budget is the user's, not the request's
            r = b.post("/api/upload", headers={"X-CSRF-Token": tb}, files={"files": ("二.txt", big)})
            assert r.status_code == 429 and "同时进行的上传过多" in r.json()["detail"]
            page = b.post("/upload", data={"csrf_token": tb}, files={"files": ("二.txt", big)})
            assert page.status_code == 429 and "同时进行的上传过多" in page.text
            assert app.state.upload_budget.held("other") == (0, 0)
            assert app.state.upload_budget.held("reviewer")[0] == len(big)
        finally:
            release.set()
            t.join(30)
        assert first["r"].status_code == 201
        assert app.state.upload_budget.held("reviewer") == (0, 0)     # given back once stored
        r = other.post("/api/upload", headers={"X-CSRF-Token": to}, files={"files": ("三.txt", big)})
        assert r.status_code == 201


def test_upload_budget_counts_files_too_and_release_is_idempotent(db_url):
    budget = UploadBudget(web_engine(db_url), max_bytes=10_000, max_files=3)
    give_back = budget.reserve("甲", 100, 3)
    with pytest.raises(Refused) as e:
        budget.reserve("甲", 1, 1)
    assert e.value.status == 429
    budget.reserve("乙", 100, 3)                  # another user has a budget of their own
    give_back()
    give_back()
    assert budget.held("甲") == (0, 0)
    budget.reserve("甲", 10_000, 3)()
    with pytest.raises(Refused) as e:             # alone over the budget: not "too many at once" but too large
        budget.reserve("甲", 10_001, 1)
    assert e.value.status == 413 and "请分批上传" in e.value.message
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(4):
            z.writestr(f"{i}.txt", "x")
    budget.reserve("甲", 0, 1)
    with pytest.raises(Refused):                  # four more entries: over the three files of the budget
        expand_all([("a.zip", buf.getvalue())], Limits(2**20), budget, "甲")
    assert budget.held("甲") == (0, 1)          # the refused archive took nothing


def test_a_viewer_upload_is_refused_before_its_body_is_parsed(web, monkeypatch):
    from starlette.formparsers import MultiPartParser

    c, app = web
    auth.add_user(app.state.backend.engine, "只看", PASSWORD, role="viewer")
    token = login(c, "只看")
    parsed = []
    real = MultiPartParser.parse

    async def spy(self):
        parsed.append(True)
        return await real(self)

    monkeypatch.setattr(MultiPartParser, "parse", spy)
    for url in ("/api/upload", "/upload"):
        r = c.post(url, headers={"X-CSRF-Token": token}, files={"files": ("a.txt", b"x" * 200_000)})
        assert r.status_code == 403 and "只读" in r.text
    assert parsed == []


# ------------------------------------------------------------------ 3. numbers, unknown routes, formulas
HUGE = ("1e17", "99999999999999999999", "-99999999999999999999", "1.5")


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("url", ["/api/reports?year=99999999999999999999", "/api/reports?year=1e17",
                                 "/api/reports/1e17", "/api/reports/99999999999999999999",
                                 "/api/compare?year=99999999999999999999", "/api/review/cases?year=99999999999999999999",
                                 "/api/review/trail?offset=1e17", "/api/review/trail?agency_id=1.5",
                                 "/?year=99999999999999999999", "/reports/1e17", "/reports/99999999999999999999"])
def test_huge_numbers_in_parameters_are_a_400_in_chinese(web, url):
    c, _ = web
    r = c.get(url)
    assert r.status_code == 400, (url, r.status_code, r.text[:300])
    assert _has_chinese(r.json()["detail"] if url.startswith("/api/") else r.text)
    assert "Input should" not in r.text


def test_no_get_route_answers_500_to_huge_or_bad_numbers(web):
    """Every GET route, every one of its parameters, given huge or malformed numbers: a 4xx whose
    message is Chinese, never a 500 (the test client raises on a server error)."""
    from fastapi.routing import APIRoute

    def walk(routes):
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            elif hasattr(route, "original_router"):      # FastAPI ≥ 0.16x keeps included routers as such
                yield from walk(route.original_router.routes)

    c, app = web
    checked = 0
    for route in walk(app.routes):
        if "GET" not in route.methods:
            continue
        names = [p.name for p in route.dependant.path_params]
        for value in ("1e17", "99999999999999999999", "abc"):
            urls = [route.path.format(**{n: (value if n == target else "1") for n in names}) for target in names]
            base = route.path.format(**{n: "1" for n in names})
            urls += [f"{base}?{q.alias}={value}" for q in route.dependant.query_params]
            for url in urls:
                r = c.get(url)
                checked += 1
                assert r.status_code < 500, (url, r.text[:300])
                if r.status_code >= 400:
                    assert _has_chinese(r.text) and "Input should" not in r.text, (url, r.text[:300])
    assert checked > 60


def test_bad_input_that_is_not_a_number_stays_422_in_chinese(web):
    c, _ = web
    r = c.get("/api/reports/abc")
    assert r.status_code == 422 and r.json()["detail"] == "请求参数不正确（report_id：应为整数，收到「abc」）"
    r = c.get("/api/review/cases", params={"limit": 0})
    assert r.status_code == 422 and "不能小于 1" in r.json()["detail"]


def test_validation_messages_are_chinese_with_the_value_received():
    from nianbao.web.app import validation_message

    assert validation_message({"type": "literal_error", "ctx": {"expected": "'xlsx', 'docx' or 'zip'"},
                               "input": "pdf"}) == ("只能是 'xlsx'、'docx'、'zip'，收到「pdf」", False)
    assert validation_message({"type": "less_than_equal", "ctx": {"le": 9999}, "input": "99999"}) == \
        ("不能大于 9999，收到「99999」", True)
    assert validation_message({"type": "missing", "loc": ("query", "year")}) == ("缺少此项", False)
    assert validation_message({"type": "something_new", "input": "x" * 60})[0] == f"格式不正确，收到「{'x' * 40}…」"


def test_unknown_routes_answer_chinese_json_under_api_and_a_chinese_page_elsewhere(web):
    c, _ = web
    r = c.get("/api/没有这个接口")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    assert r.json() == {"detail": "页面或接口不存在"}
    r = c.get("/没有这个页面")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "页面或接口不存在" in r.text and '<html lang="zh-CN">' in r.text
    r = c.delete("/api/health")
    assert r.status_code == 405 and r.json()["detail"] == "不支持该请求方法"


EVIL = ["=HYPERLINK(\"http://x.invalid\",\"点此\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
        "\t=1+1", "\r=1+1"]


def test_csv_cells_starting_like_a_formula_are_escaped():
    from nianbao.export import _csv, safe_text

    for v in EVIL:
        assert safe_text(v) == "'" + v.replace("\r", "\n")
    assert safe_text("正常文本") == "正常文本" and safe_text(-5) == -5 and safe_text(None) is None
    text = _csv(["a"], [{"a": v} for v in EVIL]).decode("utf-8-sig")
    import csv as _csv_mod

    cells = [row[0] for row in _csv_mod.reader(io.StringIO(text, newline=""))][1:]
    assert cells == ["'" + v.replace("\r", "\n") for v in EVIL]           # one row each: a CR is quoted as LF
    assert safe_text("第一行\r\n第二行") == "第一行\n第二行"


def test_xlsx_of_the_notice_and_the_export_keep_formula_like_text_as_text(web):
    from openpyxl import load_workbook

    from web_support import audited_report

    c, app = web
    rid = app.state.backend.add_report(audited_report(5, 2023, "中卫市沙坡头区司法局")).id
    evil_agency = app.state.backend.add_report(audited_report(6, 2023, "=cmd|' /C calc'!A0")).id
    token = login(c)
    for message in EVIL:
        r = c.post(f"/api/review/reports/{rid}/findings", headers={"X-CSRF-Token": token},
                   json={"message": message, "line": 3})
        assert r.status_code == 201, r.text
    got = c.get("/api/review/notice", params={"agency_id": c.get(f"/api/reports/{rid}").json()["summary"]["agency_id"],
                                              "fmt": "xlsx"})
    assert got.status_code == 200, got.text
    ws = load_workbook(io.BytesIO(got.content)).active
    cells = {cell.value: cell for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)}
    for message in EVIL:
        hit = [cell for v, cell in cells.items() if v.split("（")[0] == message.strip()]
        assert hit and all(cell.data_type == "s" for cell in hit), message
    xlsx = load_workbook(io.BytesIO(c.get("/api/export", params={"kind": "xlsx"}).content))
    assert all(cell.data_type != "f" for ws in xlsx.worksheets for row in ws.iter_rows() for cell in row)
    agencies = [cell for ws in xlsx.worksheets for row in ws.iter_rows() for cell in row
                if cell.value == "=cmd|' /C calc'!A0"]
    assert agencies and all(cell.data_type == "s" for cell in agencies)
    csv_text = c.get("/api/export", params={"kind": "csv-wide"}).content.decode("utf-8-sig")
    assert "'=cmd|" in csv_text and ",=cmd" not in csv_text
    assert evil_agency


# ------------------------------------------------------------------ login throttle behind a proxy
def _serve(app, **options):
    """The app under a real uvicorn server (as nianbao serve runs it) in a thread; returns (url, stop)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", **options))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]

    def stop():
        server.should_exit = True
        t.join(10)
    return f"http://127.0.0.1:{port}", stop


def _guesses(base: str, forwarded: list[str], name: str = "reviewer") -> list[int]:
    """Wrong-password logins, one per X-Forwarded-For address given; their statuses."""
    import httpx

    out = []
    with httpx.Client(base_url=base, timeout=20) as h:
        for address in forwarded:
            token = re.search(r'name="csrf_token" value="([^"]+)"', h.get("/login").text).group(1)
            r = h.post("/login", data={"name": name, "password": "wrong password", "csrf_token": token},
                       headers={"X-Forwarded-For": address})
            out.append(r.status_code)
    return out


@pytest.mark.parametrize("trusted", [False, True])
def test_x_forwarded_for_bypasses_the_login_throttle_only_from_a_trusted_proxy(tmp_path, trusted):
    from nianbao.cli.web import proxy_options

    c, app = new_client(tmp_path)
    app.state.login_throttle.limit = 2
    base, stop = _serve(app, **proxy_options(["127.0.0.1"] if trusted else None))
    try:
        spoofed = _guesses(base, [f"203.0.113.{i}" for i in range(4)])
        if trusted:
            # the proxy names each client: four addresses, four first tries, none refused
            assert spoofed == [401] * 4
            assert _guesses(base, ["198.51.100.7"] * 3) == [401, 401, 429]
        else:
            # a client making up addresses is still one client: refused after its two failures
            assert spoofed == [401, 401, 429, 429]
    finally:
        stop()


def test_login_throttle_stops_one_client_spraying_many_names_and_stays_bounded(db_url):
    from nianbao.web.auth import LoginThrottle

    now = [0.0]
    t = LoginThrottle(web_engine(db_url), limit=5, window=60, clock=lambda: now[0], client_limit=10, max_rows=100)
    for i in range(10):
        assert t.wait_seconds("10.0.0.1", f"用户{i}") == 0
        t.failed("10.0.0.1", f"用户{i}")
    assert t.wait_seconds("10.0.0.1", "新名字") > 0           # any name: the client has failed too often
    assert t.wait_seconds("10.0.0.2", "新名字") == 0          # another client is not affected
    for i in range(500):
        t.failed(f"10.1.{i // 250}.{i % 250}", f"名{i}")
    assert t.rows() <= 100
    now[0] += 61
    assert t.wait_seconds("10.0.0.1", "新名字") == 0


def test_login_spam_hashes_a_few_at_a_time_and_pages_keep_answering(web, monkeypatch):
    """Many logins at once: the password hashing runs on worker threads, at most half the cores'
    worth at a time (so a burst of logins never takes every thread or core), and other requests are
    answered meanwhile."""
    import os

    c, app = web
    running, most, lock = [0], [0], threading.Lock()

    def slow_authenticate(engine, name, password):       # stands in for a 0.1 s scrypt
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.1)
        with lock:
            running[0] -= 1
        return None

    monkeypatch.setattr(auth, "authenticate", slow_authenticate)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda i=i: statuses.append(c.post(
        "/login", data={"name": f"spam{i}", "password": "x", "csrf_token": token}).status_code)) for i in range(12)]
    for t in threads:
        t.start()
    time.sleep(0.15)
    t0 = time.monotonic()
    assert c.get("/api/health").status_code == 200
    waited = time.monotonic() - t0
    for t in threads:
        t.join(30)
    assert sorted(statuses) == [401] * 12
    assert most[0] == max(1, (os.cpu_count() or 2) // 2)
    assert waited < 0.5


def test_a_form_or_json_body_is_bounded_even_without_a_content_length(web, monkeypatch):
    from starlette.formparsers import MultiPartParser

    c, _ = web
    big = b"name=" + b"x" * (3 * 2**20)
    r = c.post("/login", content=big, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and "请求内容过大（上限 2 MB）" in r.text

    def chunks():                                   # chunked: no Content-Length to refuse it by
        for _ in range(48):
            yield b"x" * 65536
    r = c.post("/api/review/assign", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["detail"] == "请求内容过大（上限 2 MB）"
    # an anonymous multipart body to any path (not only the report upload) is refused unread
    parsed = []
    real = MultiPartParser.parse

    async def spy(self):
        parsed.append(True)
        return await real(self)

    monkeypatch.setattr(MultiPartParser, "parse", spy)
    r = c.post("/api/review/assign", files={"file": ("名录.csv", b"x" * 100_000)})
    assert r.status_code == 401 and parsed == []


def test_a_chunked_upload_beyond_the_request_limit_is_refused_as_it_streams(tmp_path):
    c, app = new_client(tmp_path, max_upload_mb=1)          # the request limit: 10 files' worth + 1 MB
    with c:
        token = login(c)
        boundary = "nianbao-test"

        def body():                                         # chunked: no Content-Length
            yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n"
                   f"Content-Type: text/plain\r\n\r\n").encode()
            for _ in range(12 * 16):
                yield b"x" * 65536
            yield f"\r\n--{boundary}--\r\n".encode()
        r = c.post("/api/upload", content=body(), headers={"X-CSRF-Token": token,
                                                            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert r.status_code == 413 and "上传内容过大" in r.json()["detail"]
        assert app.state.upload_budget.held("reviewer") == (0, 0)


def test_the_upload_page_holds_the_budget_until_its_background_job_is_through(web, monkeypatch):
    c, app = web
    token = login(c)
    started, release, seen = threading.Event(), threading.Event(), []
    _slow_ingest(app, monkeypatch, started, release, seen)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("一.txt", _text())
    r = c.post("/upload", data={"csrf_token": token}, files={"files": ("批.zip", buf.getvalue())},
               follow_redirects=False)
    assert r.status_code == 303
    job = r.headers["location"].rsplit("/", 1)[-1]
    assert started.wait(20)
    assert app.state.upload_budget.held("reviewer") == (len(_text()), 1)      # parsing: still held
    release.set()
    for _ in range(200):
        if c.get(f"/api/jobs/{job}").json()["finished"]:
            break
        time.sleep(0.05)
    assert c.get(f"/api/jobs/{job}").json()["files"][0]["state"] == "done" and seen == ["worker"]
    for _ in range(40):                      # on_finish runs just after the last file's state is set
        if app.state.upload_budget.held("reviewer") == (0, 0):
            break
        time.sleep(0.05)
    assert app.state.upload_budget.held("reviewer") == (0, 0)


@pytest.mark.parametrize("url", ["/api/reports", "/api/findings/by-rule", "/api/compare", "/api/export",
                                 "/api/agencies/1/rectification", "/api/review/cases", "/api/review/trail",
                                 "/api/review/progress", "/api/review/fp-rate", "/api/missing?region=某市"])
@pytest.mark.parametrize("year, words", [("0", "不能小于 1990"), ("1989", "不能小于 1990"), ("2101", "不能大于 2100")])
def test_api_years_are_bounded_1990_to_2100_with_a_chinese_message(web, url, year, words):
    c, _ = web
    r = c.get(url, params={"year": year})
    assert r.status_code in (400, 422), (url, r.status_code, r.text[:300])
    assert words in r.json()["detail"] and "year" in r.json()["detail"]
