"""An upload whose server process dies (SIGKILL) or stops while it works through the files: the job
is squared with the store — a file whose report was stored shows as stored, with its report, and only
the files really not processed ask to be uploaded again — and its ingest run is closed, marked
interrupted, with the reports actually stored under it.

A "process" is a JobRunner with its own engine (as each server process has); a killed one is a
runner whose heartbeat never beats and whose work stores a file and then never returns (killed
between storing a file and recording it), its other files never reached. On SQLite and PostgreSQL.
"""
from __future__ import annotations

import json
import re
import threading
import time

import pytest
from typer.testing import CliRunner

from nianbao.errors import InputError
from nianbao.store.store import report_sha256
from nianbao.web.jobs import ABANDONED, STOPPED, JobRunner
from store_support import db_url, store  # noqa: F401  (fixtures: SQLite and PostgreSQL)
from test_web_processes import Clock, _wait, new_engine  # noqa: F401  (fixture: one engine per "process")
from web_support import audited_report


def _storing(store, report, run_id, gate: threading.Event | None = None):
    """The work of one uploaded file: store its report under the run; with `gate`, then hang (the
    process is killed before it records the outcome)."""
    def work():
        got = store.save_report(report, run_id=run_id)
        if gate is not None:
            gate.wait(30)
        return got.report_id, report.meta.agency, got.year, got.status == "duplicate"
    return work


def _never(gate: threading.Event):
    def work():
        gate.wait(30)
        raise InputError("未处理", "")
    return work


@pytest.fixture
def killed_upload(store, new_engine):
    """A five-file upload killed mid-way: one refused before parsing, one stored and recorded, one
    stored but not recorded (the process died in between), one never reached, one never reached that
    another run had already stored. Gives (job id, run id, reports by file, a reader process, clock)."""
    clock = Clock()
    earlier = store.start_run(["旧.txt"])
    old = audited_report(seed=4, year=2021, agency="某某市交通运输局")
    store.save_report(old, run_id=earlier)
    store.finish_run(earlier, files=1, stored=1, duplicates=0, failed=0, errors=[])

    reports = {n: audited_report(seed=i, year=2020 + i, agency=f"某某市第{i}局")
               for i, n in enumerate(["甲.txt", "乙.txt", "丙.txt"], start=1)}
    run_id = store.start_run(["上传.zip"])
    gate = threading.Event()
    dead = JobRunner(new_engine(), workers=1, clock=clock, heartbeat=3600, store=store)   # never beats
    items = [("甲.txt", _storing(store, reports["甲.txt"], run_id), report_sha256(reports["甲.txt"])),
             ("乙.txt", _storing(store, reports["乙.txt"], run_id, gate), report_sha256(reports["乙.txt"])),
             ("丙.txt", _never(gate), report_sha256(reports["丙.txt"])),
             ("旧.txt", _never(gate), report_sha256(old))]
    job = dead.start("甲", items, failed=[InputError("文件为空", "空.txt")], run_id=run_id)
    reader = JobRunner(new_engine(), clock=clock, store=store)
    _wait(lambda: store.report_id_by_sha256(report_sha256(reports["乙.txt"])) is not None)
    assert [f.state for f in reader.get(job.id).files] == ["error", "done", "running", "queued", "queued"]
    clock.now += 121                   # two minutes without a heartbeat: its process is taken for dead
    try:
        yield job.id, run_id, reports, old, reader
    finally:
        dead._pool.shutdown(wait=False, cancel_futures=True)     # the "killed" process's threads end
        gate.set()
        dead._pool.shutdown(wait=True)
        reader.shutdown(wait=True)


def test_a_killed_uploads_stored_files_show_as_stored_and_only_unprocessed_ones_ask_for_reupload(
        store, killed_upload):
    job_id, run_id, reports, old, reader = killed_upload
    got = reader.get(job_id)
    assert got.finished and got.closed
    by_name = {f.name: f for f in got.files}
    assert [(f.name, f.state) for f in got.files] == [
        ("空.txt", "error"), ("甲.txt", "done"), ("乙.txt", "done"), ("丙.txt", "error"), ("旧.txt", "duplicate")]
    stored_b = store.report_id_by_sha256(report_sha256(reports["乙.txt"]))
    b = by_name["乙.txt"]          # stored before the process died, never recorded: found by its hash
    assert (b.report_id, b.agency, b.year, b.message, b.label) == (stored_b, "某某市第2局", 2022, "", "已入库")
    old_id = store.report_id_by_sha256(report_sha256(old))
    assert (by_name["旧.txt"].report_id, by_name["旧.txt"].label) == (old_id, "已入库（重复文件）")
    assert by_name["丙.txt"].message == ABANDONED and by_name["空.txt"].message == "文件为空"
    assert [f.name for f in got.files if "请重新上传" in f.message] == ["丙.txt"]
    assert reader.get(job_id).as_dict() == got.as_dict()        # settled for good, the same on every poll


def test_a_killed_uploads_run_is_closed_interrupted_with_the_reports_stored_under_it(store, killed_upload):
    job_id, run_id, reports, old, reader = killed_upload
    run = next(r for r in store.runs() if r["id"] == run_id)
    assert run["finished_at"] is None                            # nobody closed it yet
    reader.get(job_id)
    run = next(r for r in store.runs() if r["id"] == run_id)
    assert run["finished_at"] is not None and run["status"] == "interrupted"
    under_run = [r for r in store.list_reports(current=None) if r.ingest_run_id == run_id]
    assert (run["files"], run["stored"], run["duplicates"], run["failed"]) == (5, len(under_run), 1, 2)
    assert len(under_run) == 2
    per_file = [(e["file"], e["message"]) for e in run["errors"] if not e.get("interrupted")]
    assert per_file == [("空.txt", "文件为空"), ("丙.txt", ABANDONED)]


def test_db_runs_shows_a_killed_uploads_run_as_interrupted_with_its_counts(store, killed_upload, db_url):
    from nianbao.cli import app

    job_id, run_id, *_ = killed_upload
    reader = killed_upload[-1]
    reader.get(job_id)
    got = CliRunner().invoke(app, ["db", "runs", "--db", db_url, "--json"])
    assert got.exit_code == 0, got.output
    runs = {r["id"]: r for r in json.loads(got.output)}
    assert runs[run_id]["status"] == "interrupted" and runs[run_id - 1]["status"] == "finished"
    assert [runs[run_id][k] for k in ("files", "stored", "duplicates", "failed")] == [5, 2, 1, 2]
    # the table for people: the console's width is fixed when the CLI is imported (under xdist, not
    # the COLUMNS given here), so the status may wrap: read each run's row up to the next run's
    out = CliRunner().invoke(app, ["db", "runs", "--db", db_url], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    rows = re.split(r"\n(?=\s*\d+\s)", out.output)
    this = next(r for r in rows if r.strip().startswith(f"{run_id} "))
    assert "中断" in this and "中断" not in next(r for r in rows if r.strip().startswith(f"{run_id - 1} "))


def test_a_dead_job_is_settled_once_even_when_two_processes_look_at_it(store, killed_upload, new_engine):
    job_id, run_id, reports, old, reader = killed_upload
    other = JobRunner(new_engine(), clock=reader.clock, store=store)
    try:
        assert other.reconcile(job_id) is True
        assert reader.reconcile(job_id) is False                 # already settled by the other process
        assert [f.state for f in reader.get(job_id).files] == ["error", "done", "done", "error", "duplicate"]
    finally:
        other.shutdown(wait=True)


def test_a_dead_job_nobody_polls_is_settled_when_any_process_starts_an_upload(store, killed_upload):
    job_id, run_id, reports, old, reader = killed_upload
    reader.start("乙", [], failed=[InputError("文件为空", "另.txt")])
    run = next(r for r in store.runs() if r["id"] == run_id)
    assert run["status"] == "interrupted" and (run["stored"], run["failed"]) == (2, 2)


def test_stopping_the_server_keeps_a_stored_file_as_stored_and_recounts_a_file_finishing_late(
        store, new_engine):
    here, there = JobRunner(new_engine(), workers=1, store=store), JobRunner(new_engine(), store=store)
    first, second = audited_report(seed=7, year=2022, agency="某某县统计局"), audited_report(seed=8, year=2023)
    run_id = store.start_run(["两份.zip"])
    gate = threading.Event()
    job = here.start("甲", [("一.txt", _storing(store, first, run_id, gate), report_sha256(first)),
                           ("二.txt", _storing(store, second, run_id), report_sha256(second))], run_id=run_id)
    try:
        _wait(lambda: store.report_id_by_sha256(report_sha256(first)) is not None)
        here.shutdown()                      # the service stops while 一.txt is being recorded
        got = there.get(job.id)
        assert [(f.state, f.message) for f in got.files] == [("done", ""), ("error", STOPPED)]
        assert got.files[0].report_id == store.report_id_by_sha256(report_sha256(first))
        run = next(r for r in store.runs() if r["id"] == run_id)
        assert run["status"] == "interrupted" and (run["files"], run["stored"], run["failed"]) == (2, 1, 1)
    finally:
        gate.set()
        here.shutdown(wait=True)             # 一.txt's own outcome recorded over the settlement, run recounted
        there.shutdown(wait=True)
    assert [f.state for f in there.get(job.id).files] == ["done", "error"]
    run = next(r for r in store.runs() if r["id"] == run_id)
    assert run["status"] == "interrupted" and (run["files"], run["stored"], run["failed"]) == (2, 1, 1)


def test_a_job_finishing_normally_closes_its_run_through_on_finish_not_as_interrupted(store, new_engine):
    runner = JobRunner(new_engine(), store=store)
    report = audited_report(seed=9, year=2022)
    run_id = store.start_run(["一.txt"])
    done = threading.Event()

    def finish(job):
        store.finish_run(run_id, files=1, stored=1, duplicates=0, failed=0, errors=[])
        done.set()
    job = runner.start("甲", [("一.txt", _storing(store, report, run_id), report_sha256(report))],
                       on_finish=finish, run_id=run_id)
    assert done.wait(20)
    runner.shutdown(wait=True)
    assert runner.reconcile(job.id) is False                     # closed: nothing to settle
    run = next(r for r in store.runs() if r["id"] == run_id)
    assert run["status"] == "finished" and run["stored"] == 1


def test_a_web_upload_stalled_after_storing_a_file_is_settled_by_another_process_from_the_files_hash(tmp_path):
    """Through the upload page: the job records each file's hash and the run, so another process
    finds the file its stuck process stored but never recorded."""
    import hashlib
    from pathlib import Path

    from web_support import login, new_client

    samples = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples"
    one, two = samples / "000_ef8df38a32860903.txt", samples / "001_9944da9601cf06f9.txt"
    c, app = new_client(tmp_path)
    gate = threading.Event()
    with c:
        backend = app.state.backend
        ingest = backend.ingest

        def stuck_after_storing(data, name, **kw):
            got = ingest(data, name, **kw)
            if name == two.name:
                gate.wait(30)           # stored, never recorded: as if killed here
            return got
        backend.ingest = stuck_after_storing
        try:
            token = login(c)
            r = c.post("/upload", data={"csrf_token": token}, follow_redirects=False,
                       files=[("files", (one.name, one.read_bytes())), ("files", (two.name, two.read_bytes())),
                              ("files", ("空.txt", b""))])
            job_id = r.headers["location"].rsplit("/", 1)[1]
            _wait(lambda: backend.has_sha(hashlib.sha256(two.read_bytes()).hexdigest()))
            later = JobRunner(backend.engine, clock=lambda: time.time() + 121, store=backend.store)
            got = later.get(job_id)
            later.shutdown()
            by_name = {f.name: f for f in got.files}
            assert (by_name[one.name].state, by_name[two.name].state, by_name["空.txt"].state) == (
                "done", "done", "error")
            assert by_name[two.name].report_id == backend.store.report_id_by_sha256(
                hashlib.sha256(two.read_bytes()).hexdigest())
            run = backend.store.runs(1)[0]
            assert run["status"] == "interrupted" and (run["files"], run["stored"], run["failed"]) == (3, 2, 1)
        finally:
            gate.set()
