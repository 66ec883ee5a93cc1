"""Batch ingest: folders, zips, bad files, idempotence, SIGKILL halfway, two ingests at once.
Every test runs on SQLite and PostgreSQL (store_support.db_url)."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from sqlalchemy import create_engine, text

from nianbao.generate import sample_reports
from nianbao.generate.text import render_bytes
from nianbao import lifeline
from nianbao.ingest import ingest, iter_sources
from nianbao.library import Library
from nianbao.store import open_store
from proc_support import descendants
from store_support import db_url, store  # noqa: F401  (fixtures)

CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]


def write_corpus(folder: Path, n: int, seed: int = 0, layouts=("tabs", "cells", "markdown")) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, r in enumerate(sample_reports(n, seed)):
        layout = layouts[i % len(layouts)]
        p = folder / f"r{seed}_{i:04d}.{'md' if layout == 'markdown' else 'txt'}"
        p.write_bytes(render_bytes(r, layout, seed=i))
        out.append(p)
    return out


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _db_counts(url: str) -> dict[str, int]:
    eng = create_engine(url)
    with eng.connect() as c:
        out = {
            "reports": c.execute(text("SELECT count(*) FROM report")).scalar(),
            "distinct_sha": c.execute(text("SELECT count(DISTINCT sha256) FROM report")).scalar(),
            "cells": c.execute(text("SELECT count(*) FROM cell")).scalar(),
            "cell_reports": c.execute(text("SELECT count(DISTINCT report_id) FROM cell")).scalar(),
            "finding_reports": c.execute(text("SELECT count(DISTINCT report_id) FROM finding")).scalar(),
            "with_findings": c.execute(text("SELECT count(*) FROM report WHERE errors + warnings + infos > 0")).scalar(),
        }
    eng.dispose()
    return out


def _assert_whole(url: str, files: list[Path]) -> None:
    """Every file stored exactly once, each report with all its cells and findings rows."""
    c = _db_counts(url)
    assert c["reports"] == c["distinct_sha"] == len({_sha(p) for p in files})
    assert c["cell_reports"] == c["reports"]
    assert c["finding_reports"] == c["with_findings"]
    s = open_store(url)
    try:
        assert s.known_sha256(_sha(p) for p in files) == {_sha(p) for p in files}
    finally:
        s.close()


def test_ingest_folder_stores_every_report_once_and_rerun_is_idempotent(store, tmp_path):
    files = write_corpus(tmp_path / "in", 6)
    res = ingest([tmp_path / "in"], store, jobs=2)
    assert res.count("stored") == 6 and not res.failed
    again = ingest([tmp_path / "in", files[0]], store, jobs=1)
    assert again.count("duplicate") == 7 and again.count("stored") == 0
    assert store.count_reports(current=None) == 6
    runs = store.runs()
    assert runs[0]["duplicates"] == 7 and runs[1]["stored"] == 6 and runs[0]["finished_at"] is not None


def test_parsed_figures_reach_the_store(store, tmp_path):
    reports = sample_reports(2, seed=5)
    p = tmp_path / "one.txt"
    p.write_bytes(render_bytes(reports[0], "tabs", seed=1))
    res = ingest([p], store, jobs=1)
    rid = res.outcomes[0].report_id
    got = store.get_report(rid)
    assert got.year == reports[0].meta.year
    cells = store.cells([rid])[rid]
    assert cells[("applications", "new_received", "total")] == reports[0].tables.applications["new_received"].total


def test_bad_files_are_listed_and_the_batch_goes_on(store, tmp_path):
    d = tmp_path / "in"
    good = write_corpus(d, 2)
    (d / "empty.txt").write_bytes(b"")
    (d / "noise.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (d / "note.txt").write_text("这不是年度报告，只是一段说明文字。", encoding="utf-8")
    res = ingest([d, tmp_path / "missing.txt"], store, jobs=2)
    failed = {Path(o.name).name: o.message for o in res.failed}
    assert set(failed) == {"empty.txt", "noise.pdf", "note.txt", "missing.txt"}
    assert all(failed.values())
    assert res.count("stored") == len(good)
    assert store.runs()[0]["failed"] == 4


def test_originals_are_kept_for_the_stored_files_only(store, tmp_path):
    d = tmp_path / "in"
    good = write_corpus(d, 3)
    (d / "copy.txt").write_bytes(good[0].read_bytes())
    (d / "empty.txt").write_bytes(b"")
    kept: dict[str, bytes] = {}
    res = ingest([d], store, jobs=2, keep=kept.__setitem__)
    assert res.count("stored") == 3 and res.count("duplicate") == 1 and len(res.failed) == 1
    assert kept == {hashlib.sha256(p.read_bytes()).hexdigest(): p.read_bytes() for p in good}


def test_zip_members_are_read_and_unsafe_members_refused(store, tmp_path):
    files = write_corpus(tmp_path / "src", 3)
    z = tmp_path / "batch.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(files[0], "2023/甲.txt")
        zf.write(files[1], "乙.txt")
        zf.writestr("../evil.txt", files[2].read_bytes())
        zf.writestr("__MACOSX/._甲.txt", b"junk")
        zf.writestr("inner.zip", b"PK\x03\x04")
        zf.writestr("QQ.txt", files[2].read_bytes())
    # as a Chinese Windows tool writes it: the name in GBK bytes, no UTF-8 flag
    z.write_bytes(z.read_bytes().replace(b"QQ.txt", "丙.txt".encode("gbk")))
    res = ingest([z], store, jobs=1)
    assert res.count("stored") == 3
    assert any(o.name.endswith("!丙.txt") for o in res.outcomes if o.status == "stored")
    assert [o.name.split("!")[1] for o in res.failed] == ["../evil.txt", "inner.zip"]
    assert any(o.name.endswith("!2023/甲.txt") for o in res.outcomes if o.status == "stored")


def test_zip_member_larger_than_cap_is_refused(tmp_path, monkeypatch):
    import nianbao.ingest as ing

    z = tmp_path / "big.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", b"0" * 5000)
    monkeypatch.setattr(ing, "MAX_BYTES", 1000)
    src = next(iter_sources([z]))
    try:
        src.read()
    except ing.InputError as e:
        assert "过大" in e.message
    else:
        raise AssertionError("an oversized member was read")


def test_folder_walk_skips_database_and_lock_files(tmp_path):
    write_corpus(tmp_path, 1)
    for junk in ("nianbao.db", "nianbao.db-wal", "~$报告.docx", ".hidden.txt"):
        (tmp_path / junk).write_bytes(b"x")
    assert [Path(s.name).name for s in iter_sources([tmp_path])] == ["r0_0000.txt"]


def test_cli_ingest_exit_codes_and_json(db_url, tmp_path):
    import json

    write_corpus(tmp_path / "ok", 2)
    p = subprocess.run([*CLI, "ingest", str(tmp_path / "ok"), "--db", db_url, "-j", "2", "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["stored"] == 2 and out["failed"] == 0
    (tmp_path / "ok" / "bad.txt").write_bytes(b"")
    p = subprocess.run([*CLI, "ingest", str(tmp_path / "ok"), "--db", db_url, "-j", "1"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2
    assert "bad.txt" in p.stderr and "文件为空" in p.stderr


def test_sigkill_halfway_then_rerun_stores_each_report_exactly_once(db_url, tmp_path):
    files = write_corpus(tmp_path / "in", 80, seed=7)
    open_store(db_url).close()        # create the schema first: the poll below reads the table
    proc = subprocess.Popen([*CLI, "ingest", str(tmp_path / "in"), "--db", db_url, "-j", "2", "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    eng = create_engine(db_url)
    deadline = time.time() + 120
    n = 0
    try:
        while time.time() < deadline:
            with eng.connect() as c:
                n = c.execute(text("SELECT count(*) FROM report")).scalar()
            if n >= 10 or proc.poll() is not None:
                break
            time.sleep(0.05)
    finally:
        eng.dispose()
        os.killpg(proc.pid, signal.SIGKILL)   # the ingest and its worker processes
        proc.wait()
    assert 10 <= n < 80, f"killed at {n} reports: the kill did not land halfway"
    partial = _db_counts(db_url)
    assert partial["cell_reports"] == partial["reports"]            # nothing half-written
    with open_store(db_url) as st:
        killed = st.runs(1)[0]
    assert killed["finished_at"] is None and killed["stored"] == partial["reports"]   # what it stored so far
    assert killed["status"] == "interrupted"                        # its process is gone: 中断, not "open"
    shown = subprocess.run([*CLI, "db", "runs", "--db", db_url], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "COLUMNS": "200"})
    assert "中断" in shown.stdout, shown.stdout
    p = subprocess.run([*CLI, "ingest", str(tmp_path / "in"), "--db", db_url, "-j", "2"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    _assert_whole(db_url, files)


def test_two_ingests_of_overlapping_folders_at_once_store_each_report_once(db_url, tmp_path):
    a = write_corpus(tmp_path / "a", 12, seed=11)
    b = write_corpus(tmp_path / "b", 12, seed=12)
    c = write_corpus(tmp_path / "c", 12, seed=13)
    open_store(db_url).close()
    procs = [subprocess.Popen([*CLI, "ingest", str(tmp_path / x), str(tmp_path / "b"), "--db", db_url, "-j", "1"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for x in ("a", "c")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    _assert_whole(db_url, a + b + c)


def test_a_worker_killed_midway_costs_no_file(store, tmp_path):
    files = write_corpus(tmp_path / "in", 30, seed=21)
    killed = []

    def on_outcome(_o):
        if not killed:
            # forkserver workers are our grandchildren (children of the fork server)
            workers = [p for p, d in descendants(os.getpid()).items() if d == 2]
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])

    res = ingest([tmp_path / "in"], store, jobs=2, on_outcome=on_outcome)
    assert killed, "no worker process found to kill"
    assert not res.failed, [(o.name, o.message) for o in res.failed]
    assert res.count("stored") == len(files)


def test_x001_from_ingested_files_points_at_lines_of_both_reports(store, tmp_path):
    import random

    from nianbao.generate import random_agency, random_report

    rng = random.Random(5)
    ag = random_agency(rng, "county_dept")
    prev, cur = random_report(rng, year=2022, agency=ag), random_report(rng, year=2023, agency=ag)
    cur.tables.applications["carried_over"].total = 2
    prev.tables.applications["carried_forward"].total = 7
    d = tmp_path / "in"
    d.mkdir()
    (d / "b_2023.txt").write_bytes(render_bytes(cur, "tabs", seed=1))     # the later year first
    (d / "a_2022.txt").write_bytes(render_bytes(prev, "tabs", seed=2))
    lib = Library(store=store)            # the façade hands the store the cross-year rules
    res = lib.ingest([d / "b_2023.txt"], jobs=1)
    cur_id = res.outcomes[0].report_id
    prev_id = lib.ingest([d / "a_2022.txt"], jobs=1).outcomes[0].report_id
    x = [f for f in store.get_report(cur_id).report.findings if f.code == "X001" and f.data["col"] == "total"]
    assert len(x) == 1
    f = x[0]
    assert f.evidence is not None and f.evidence.line is not None          # this report's line
    p = f.data["previous"]
    assert p["report_id"] == prev_id and p["year"] == 2022 and p["value"] == 7
    assert p["evidence"] and p["evidence"].get("line")                      # the previous report's line


def test_a_worker_killed_while_sending_its_result_does_not_hang_the_batch():
    """A worker killed with the result pipe's lock held and half a message sent used to leave the
    executor reading forever (and `nianbao ingest` hanging): the pool is broken after a short wait
    instead, the other files are parsed again and only the killing file fails."""
    import threading

    from nianbao.errors import InputError
    from nianbao.ingest import BROKEN, ParsePool
    from pool_workers import POISON, dies_while_sending_its_result, name_of

    saved: dict[int, object] = {}
    pool = ParsePool(workers=2)
    batch = threading.Thread(target=pool.map, args=(range(6), dies_while_sending_its_result,
                                                    lambda item, got: saved.__setitem__(item, got)),
                             kwargs={"name": name_of}, daemon=True)
    try:
        batch.start()
        batch.join(90)
        assert not batch.is_alive(), "the batch hangs on the stuck pool"
    finally:
        pool.shutdown()
    assert sorted(saved) == list(range(6))
    assert all(saved[i] == i for i in saved if i != POISON)
    assert isinstance(saved[POISON], InputError) and saved[POISON].message == BROKEN


def test_parse_workers_end_when_the_process_that_started_them_is_killed(tmp_path):
    """A server process killed outright (kill -9, the OOM killer) left its parse workers, their fork
    server and the resource tracker running for good: the workers now end themselves (lifeline)."""
    import signal

    sample = next(iter(sorted((Path(__file__).resolve().parents[1] / "src/nianbao/samples").glob("*.txt"))))
    code = ("import sys, time\nfrom nianbao.ingest import ParsePool\npool = ParsePool(workers=2)\n"
            "pool.parse(open(sys.argv[1], 'rb').read(), 'a.txt')\nprint('parsed', flush=True)\ntime.sleep(600)\n")
    owner = subprocess.Popen([sys.executable, "-c", code, str(sample)], stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout.readline().strip() == "parsed"
        below = list(descendants(owner.pid))
        assert len(below) >= 2                       # the fork server and its parse workers, at least
    finally:
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait()
    deadline = time.monotonic() + 20
    while (left := [p for p in below if lifeline.alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    for p in left:
        os.kill(p, signal.SIGKILL)
    assert not left, f"still running: {left}"


def test_ctrl_c_stops_an_ingest_without_a_traceback_from_the_parse_workers(tmp_path):
    """Ctrl-C reaches the whole process group: the workers leave stopping to the ingest, which says
    one line, instead of each printing a KeyboardInterrupt traceback."""
    import signal

    files = write_corpus(tmp_path / "in", 40, seed=5)
    assert files
    proc = subprocess.Popen([sys.executable, "-c", "from nianbao.cli import main; main()", "ingest", str(tmp_path / "in"),
                             "--db", f"sqlite:///{tmp_path / 'n.db'}", "-j", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while len([p for p, d in descendants(proc.pid).items() if d == 2]) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)                             # the workers have started (grandchildren: forkserver's)
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)              # what the terminal does on Ctrl-C
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err[-2000:]
