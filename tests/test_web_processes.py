"""Several server processes (`nianbao serve --processes N`): what they share lives in the database —
upload jobs and their files' progress, failed logins, the users' upload reservations.

The unit tests give each "process" its own engine (as each real process has) on SQLite and
PostgreSQL; the last test starts `nianbao serve --processes 2` and finds which process answered a
connection from the kernel's socket tables (/proc), so the server needs no debugging endpoint.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path

import pytest

from nianbao.web.auth import LoginThrottle
from nianbao.web.jobs import ABANDONED, MAX_JOBS_KEPT, JobRunner
from nianbao.web.uploads import Refused, UploadBudget
from proc_support import descendants, free_port
from store_support import db_url  # noqa: F401  (SQLite and PostgreSQL)
from web_support import web_engine


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def new_engine(db_url):
    """A new engine on the test's database per call, as each server process has its own; disposed after."""
    made = []

    def make():
        made.append(web_engine(db_url))
        return made[-1]
    yield make
    for e in made:
        e.dispose()


def _wait(cond, timeout: float = 20.0) -> None:
    deadline = time.time() + timeout
    while not cond():
        assert time.time() < deadline, "timed out"
        time.sleep(0.02)


# ------------------------------------------------------------------ jobs
def test_a_jobs_progress_is_read_by_another_process_while_it_runs(new_engine):
    here, there = JobRunner(new_engine(), workers=1), JobRunner(new_engine(), workers=1)
    gate, finished = threading.Event(), []
    try:
        def slow():
            assert gate.wait(20)
            return 7, "某某局", 2023, False

        job = here.start("甲", [("一.txt", slow), ("二.txt", lambda: (8, "某某局", 2023, True))],
                         on_finish=lambda j: finished.append([f.state for f in j.files]))
        _wait(lambda: there.get(job.id).files[0].state == "running")
        seen = there.get(job.id)
        assert not seen.finished and seen.progress == (0, 2) and seen.user == "甲"
        assert [f.label for f in seen.files] == ["处理中", "排队中"]
        gate.set()
        _wait(lambda: there.get(job.id).finished)
        seen = there.get(job.id)
        assert [(f.state, f.report_id, f.agency, f.year) for f in seen.files] == [
            ("done", 7, "某某局", 2023), ("duplicate", 8, "某某局", 2023)]
        assert seen.as_dict()["done"] == 2 and there.get("no-such-job") is None
        _wait(lambda: finished == [["done", "duplicate"]])       # on_finish ran once, in the process that parsed
    finally:
        gate.set()
        here.shutdown(wait=True)
        there.shutdown(wait=True)


def test_refused_files_and_a_failing_file_are_shown_with_their_messages_elsewhere(new_engine):
    from nianbao.errors import InputError

    here, there = JobRunner(new_engine()), JobRunner(new_engine())

    def broken():
        raise InputError("无法识别年报表格", "坏.txt")

    job = here.start("甲", [("坏.txt", broken)], failed=[InputError("文件过大", "大.pdf")])
    _wait(lambda: there.get(job.id).finished)
    assert [(f.name, f.state, f.message) for f in there.get(job.id).files] == [
        ("大.pdf", "error", "文件过大"), ("坏.txt", "error", "无法识别年报表格")]
    only_refused = here.start("甲", [], failed=[InputError("文件为空", "空.txt")])
    assert there.get(only_refused.id).finished
    here.shutdown(wait=True)
    there.shutdown(wait=True)


def test_a_job_whose_process_died_is_shown_failed_after_the_timeout_and_a_live_one_is_not(new_engine):
    clock = Clock()
    dead = JobRunner(new_engine(), clock=clock, heartbeat=3600)      # never beats: as if killed
    live = JobRunner(new_engine(), clock=clock, heartbeat=0.05)
    reader = JobRunner(new_engine(), clock=clock, stale=120)
    gate = threading.Event()
    try:
        work = lambda: (gate.wait(20), (1, "局", 2023, False))[1]       # noqa: E731
        lost = dead.start("甲", [("一.txt", work)])
        kept = live.start("乙", [("二.txt", work)])
        _wait(lambda: reader.get(lost.id).files[0].state == "running")
        clock.now += 121
        time.sleep(0.3)                 # the live process's heartbeat refreshes its job meanwhile
        got = reader.get(lost.id)
        assert got.finished and got.files[0].label == "失败" and got.files[0].message == ABANDONED
        assert reader.get(kept.id).files[0].state in ("running", "queued") and not reader.get(kept.id).finished
    finally:
        gate.set()
        for r in (dead, live, reader):
            r.shutdown(wait=True)


def test_stopping_a_process_marks_its_unfinished_files_failed_and_old_jobs_are_pruned(new_engine):
    from nianbao.web.db import jobs_table
    from sqlalchemy import func, select

    engine = new_engine()
    here, there = JobRunner(engine, workers=1), JobRunner(new_engine())
    gate = threading.Event()
    job = here.start("甲", [("一.txt", lambda: (gate.wait(20), (1, "局", 2023, False))[1]), ("二.txt", gate.wait)])
    _wait(lambda: there.get(job.id).files[0].state == "running")
    here.shutdown()
    assert [f.state for f in there.get(job.id).files] == ["error", "error"] and there.get(job.id).finished
    assert "服务已停止" in there.get(job.id).files[1].message
    gate.set()
    here.shutdown(wait=True)
    for _ in range(MAX_JOBS_KEPT + 5):
        there.start("甲", [], failed=[])
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(jobs_table)).scalar_one() <= MAX_JOBS_KEPT
    there.shutdown(wait=True)


def test_a_job_that_cannot_be_recorded_still_gives_back_what_its_upload_holds(new_engine, monkeypatch):
    runner, finished = JobRunner(new_engine()), []

    def broken(*_):
        raise RuntimeError("database gone")

    monkeypatch.setattr(runner, "_prune", broken)
    with pytest.raises(RuntimeError):
        runner.start("甲", [("一.txt", lambda: (1, "局", 2023, False))],
                     on_finish=lambda j: finished.append([(f.state, f.message) for f in j.files]))
    assert finished == [[("error", "无法记录上传任务，未处理")]]
    runner.shutdown(wait=True)


# ------------------------------------------------------------------ login throttle
def test_failed_logins_against_either_process_are_counted_by_both(new_engine):
    clock = Clock()
    a = LoginThrottle(new_engine(), clock=clock)
    b = LoginThrottle(new_engine(), clock=clock)
    for i in range(4):
        (a if i % 2 else b).failed("10.0.0.1", " 张三 ")
    assert a.wait_seconds("10.0.0.1", "张三") == b.wait_seconds("10.0.0.1", "张三") == 0
    b.failed("10.0.0.1", "张三")
    assert a.wait_seconds("10.0.0.1", "张三") == 901 and b.wait_seconds("10.0.0.1", "张三") == 901
    assert a.wait_seconds("10.0.0.2", "张三") == 0 and a.wait_seconds("10.0.0.1", "李四") == 0
    clock.now += 600
    assert b.wait_seconds("10.0.0.1", "张三") == 301
    a.succeeded("10.0.0.1", "张三")                 # a success in one process clears the name in both
    assert b.wait_seconds("10.0.0.1", "张三") == 0
    clock.now += 1000
    a.failed("10.0.0.9", "x")                       # failures older than the window are dropped
    assert a.rows() == 1


# ------------------------------------------------------------------ upload budget
def test_one_users_reservations_are_counted_across_processes_and_released_in_either(new_engine):
    a = UploadBudget(new_engine(), max_bytes=1000, max_files=10)
    b = UploadBudget(new_engine(), max_bytes=1000, max_files=10)
    give_back = a.reserve("甲", 600, 1)
    assert b.held("甲") == (600, 1) and b.held("乙") == (0, 0)
    with pytest.raises(Refused) as e:
        b.reserve("甲", 600, 1)
    assert e.value.status == 429 and "处理中 0.0 MB、1 个文件" in e.value.message
    b.reserve("乙", 600, 1)
    give_back()
    b.reserve("甲", 600, 1)
    assert a.held("甲") == (600, 1)
    a.close()
    b.close()


def test_a_crashed_processs_reservation_expires_and_a_live_one_is_kept(new_engine):
    clock = Clock()
    crashed = UploadBudget(new_engine(), max_bytes=1000, clock=clock, heartbeat=3600)
    live = UploadBudget(new_engine(), max_bytes=1000, clock=clock, heartbeat=0.05)
    crashed.reserve("甲", 600, 1)
    live.reserve("乙", 600, 1)
    assert live.held("甲") == (600, 1)
    clock.now += 121
    time.sleep(0.3)
    assert live.held("甲") == (0, 0) and live.held("乙") == (600, 1)
    live.reserve("甲", 900, 1)                    # the dead process's bytes no longer count
    live.close()
    assert live.held("甲") == (0, 0) and live.held("乙") == (0, 0)    # a process that stops gives its share back
    crashed.close()


def test_concurrent_reservations_from_many_processes_never_pass_the_budget(new_engine):
    budgets = [UploadBudget(new_engine(), max_bytes=1000, max_files=100) for _ in range(4)]
    got, refused, start = [], [], threading.Barrier(8)

    def one(budget):
        start.wait()
        try:
            budget.reserve("甲", 300, 1)
            got.append(1)
        except Refused as e:
            refused.append(e.status)

    threads = [threading.Thread(target=one, args=(budgets[i % 4],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(got) == 3 and refused == [429] * 5 and budgets[0].held("甲") == (900, 3)
    for b in budgets:
        b.close()


def test_web_migrations_create_the_shared_tables_the_models_describe(new_engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from nianbao.web.db import Base

    shared = {"web_jobs", "web_job_files", "web_login_failures", "web_upload_reservations"}
    opts = {"include_name": lambda name, kind, parents: kind != "table" or name in shared,
            "include_object": lambda obj, name, kind, reflected, other: kind != "table" or name in shared}
    with new_engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diff == []


# ------------------------------------------------------------------ nianbao serve --processes 2
CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]
PASSWORD = "processes-test-password"


def _workers(pid: int) -> list[int]:
    """The server processes uvicorn started (multiprocessing's spawned children; not its resource tracker)."""
    out = []
    for child in (c for c, depth in descendants(pid).items() if depth == 1):
        try:
            if "spawn_main" in Path(f"/proc/{child}/cmdline").read_text():
                out.append(child)
        except OSError:
            continue
    return out


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _owner(server: int, port: int, client_port: int) -> int | None:
    """The server process holding the accepted socket of the connection from `client_port`."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        f = line.split()
        if int(f[1].split(":")[1], 16) == port and int(f[2].split(":")[1], 16) == client_port:
            inode = f[9]
    if inode is None:
        return None
    for pid in _workers(server):
        try:
            if any(os.readlink(fd) == f"socket:[{inode}]" for fd in Path(f"/proc/{pid}/fd").iterdir()):
                return pid
        except OSError:
            continue
    return None


class Site:
    """HTTP against the server with one cookie jar; `on(pid)` gives a kept-alive connection that one
    given server process accepted."""

    def __init__(self, server: subprocess.Popen, port: int):
        self.server, self.port, self.cookies = server, port, {}

    def _send(self, conn: HTTPConnection, method: str, path: str, body: bytes | None = None,
              headers: dict | None = None) -> tuple[int, str, dict]:
        h = {**(headers or {})}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        text = r.read().decode()
        for value in r.headers.get_all("set-cookie") or []:
            k, v = value.split(";", 1)[0].split("=", 1)
            self.cookies[k] = v
        return r.status, text, dict(r.headers)

    def connect(self) -> tuple[HTTPConnection, int]:
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        status, _, _ = self._send(conn, "GET", "/api/health")
        assert status == 200
        return conn, _owner(self.server.pid, self.port, conn.sock.getsockname()[1])

    def on(self, pid: int) -> HTTPConnection:
        for _ in range(200):
            conn, owner = self.connect()
            if owner == pid:
                return conn
            conn.close()
        raise AssertionError(f"no connection reached process {pid}")

    def ask(self, pid: int, method: str, path: str, **kw) -> tuple[int, str, dict]:
        conn = self.on(pid)
        try:
            return self._send(conn, method, path, **kw)
        finally:
            conn.close()


def _multipart(fields: dict[str, str], files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for name, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                     f'Content-Type: text/plain\r\n\r\n'.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _serve(tmp_path: Path, processes: int = 2) -> tuple[subprocess.Popen, int]:
    """`nianbao serve --processes N` on a new SQLite store with account reviewer, once every process
    has started and one answers."""
    db = f"sqlite:///{tmp_path / 'n.db'}"
    subprocess.run([*CLI, "user", "add", "reviewer", "--db", db, "--password-stdin"], input=PASSWORD + "\n",
                   text=True, check=True, capture_output=True)
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([*CLI, "serve", "--db", db, "--port", str(port), "--data-dir", str(tmp_path / "f"),
                             "--processes", str(processes), "--workers", "1"],
                            stdout=log, stderr=log, env={**os.environ, "NIANBAO_SECRET": ""})
    log.close()
    deadline = time.time() + 120
    while len(_workers(proc.pid)) < processes or not _healthy(port):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise AssertionError("server did not start: " + (tmp_path / "serve.log").read_text()[-2000:])
        time.sleep(0.2)
    return proc, port


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc socket tables")
def test_serve_with_two_processes_shares_upload_progress_and_login_failures(tmp_path):
    from test_review_api import _text

    proc, port = _serve(tmp_path)
    try:
        site = Site(proc, port)

        # both processes answer
        pids, deadline = set(), time.time() + 60
        while len(pids) < 2 and time.time() < deadline:        # the second may still be starting
            conn, owner = site.connect()
            conn.close()
            pids.add(owner)
        assert len(pids) == 2 and None not in pids
        one, other = sorted(pids)

        # login failures made against either process count in both: five, then refusal everywhere
        status, page, _ = site.ask(one, "GET", "/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {"Content-Type": "application/x-www-form-urlencoded"}

        def login(pid: int, name: str, password: str) -> int:
            body = f"name={name}&password={password}&csrf_token={token}&next=/".encode()
            return site.ask(pid, "POST", "/login", body=body, headers=form)[0]

        assert [login((one, other)[i % 2], "guesser", "wrong-password") for i in range(5)] == [401] * 5
        assert login(one, "guesser", "wrong-password") == 429 and login(other, "guesser", PASSWORD) == 429

        # an upload received by one process is polled from the other
        assert login(other, "reviewer", PASSWORD) == 303
        status, text, _ = site.ask(one, "GET", "/api/session")
        csrf = re.search(r'"csrf_token":"([^"]+)"', text.replace(" ", "")).group(1)
        body, ctype = _multipart({"csrf_token": csrf}, [("报告.txt", _text())])
        status, _, headers = site.ask(one, "POST", "/upload", body=body, headers={"Content-Type": ctype})
        assert status == 303, headers
        job_id = headers["location"].rsplit("/", 1)[1]
        deadline = time.time() + 60
        while True:
            status, text, _ = site.ask(other, "GET", f"/api/jobs/{job_id}")
            assert status == 200, text
            if '"finished":true' in text:
                break
            assert time.time() < deadline, text
            time.sleep(0.2)
        files = json.loads(text)["files"]
        assert [(f["name"], f["state"], f["year"]) for f in files] == [("报告.txt", "done", 2022)]
        assert files[0]["report_id"] and files[0]["agency"]
        status, page, _ = site.ask(one, "GET", f"/upload/jobs/{job_id}")
        assert status == 200 and "已入库" in page
    finally:
        _stop(proc)


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads Linux's /proc")
def test_server_processes_stop_when_their_parent_is_killed_outright(tmp_path):
    proc, port = _serve(tmp_path)
    children = _workers(proc.pid)
    assert len(children) == 2
    proc.kill()                                        # no SIGTERM: uvicorn cannot stop its workers itself
    proc.wait(10)
    deadline = time.time() + 60
    while any(_running(pid) for pid in children):
        assert time.time() < deadline, "a server process outlived its parent"
        time.sleep(0.2)
    assert not _healthy(port)


def _healthy(port: int) -> bool:
    try:
        conn = HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/api/health")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False
