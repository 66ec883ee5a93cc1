"""A folder or an archive holds reports and what lies beside them (gold/parse JSON, scans, spreadsheets):
`nianbao ingest` and the web's ZIP upload take only the report formats and say in one line how many
other files they skipped and why; a JSON file named on its own is refused as `nianbao parse` refuses it,
even a canonical model dump (it would otherwise become the agency-year's current version)."""
from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

from web_support import login, new_client

from nianbao import api
from nianbao.generate import sample_reports
from nianbao.generate.text import render_bytes
from nianbao.ingest import ingest, iter_sources
from nianbao.store import open_store
from nianbao.web.jobs import FileStatus, Job
from nianbao.web.uploads import Skipped, expand

CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
XLSX = b"PK\x03\x04" + b"\x00" * 64
JSON_REFUSED = "是 JSON 数据文件，不是年度报告"


def _reports(n: int = 2) -> list[tuple[str, bytes]]:
    return [(f"r{i}.{'md' if i % 2 else 'txt'}", render_bytes(r, "markdown" if i % 2 else "tabs", seed=i))
            for i, r in enumerate(sample_reports(n, 3))]


def _mixed(folder: Path) -> list[Path]:
    """Two reports, the first one's `nianbao parse --json` dump beside it, a scan and a spreadsheet."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, data in _reports():
        (folder / name).write_bytes(data)
        files.append(folder / name)
    dump = api.parse_bytes(files[0].read_bytes(), files[0].name).model_dump_json()
    (folder / "r0.gold.json").write_text(dump, encoding="utf-8")
    (folder / "scan.png").write_bytes(PNG)
    (folder / "sub").mkdir()
    (folder / "sub" / "figures.xlsx").write_bytes(XLSX)
    return files


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "ingest", *args, "-j", "1"], capture_output=True, text=True, timeout=120)


def _stored_files(db: Path) -> list[str]:
    with sqlite3.connect(db) as c:
        return sorted(Path(json.loads(m)["source"]["file"]).name for (m,) in c.execute("SELECT model FROM report"))


def test_a_folder_walk_stores_only_the_reports_and_says_what_it_skipped(tmp_path):
    _mixed(tmp_path / "in")
    db = tmp_path / "s.db"
    p = _cli(str(tmp_path / "in"), "--db", f"sqlite:///{db}", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert (out["files"], out["stored"], out["failed"], out["skipped"]) == (2, 2, 0, 3)
    assert sorted(Path(f).name for f in out["skipped_files"]) == ["figures.xlsx", "r0.gold.json", "scan.png"]
    assert _stored_files(db) == ["r0.txt", "r1.md"]
    # the human form: one line, how many, of which kinds, why
    p = _cli(str(tmp_path / "in"), "--db", f"sqlite:///{tmp_path / 't.db'}")
    assert p.returncode == 0, p.stderr
    lines = [ln for ln in p.stdout.splitlines() if "已跳过" in ln]
    assert len(lines) == 1
    assert "已跳过 3 个文件：不是年度报告格式（.json 1、.png 1、.xlsx 1）" in lines[0]


def test_nothing_to_skip_prints_no_skip_line(tmp_path):
    for name, data in _reports():
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_bytes(data)
    p = _cli(str(tmp_path / "in"), "--db", f"sqlite:///{tmp_path / 's.db'}")
    assert p.returncode == 0 and "已跳过" not in p.stdout, p.stdout


def test_a_json_named_on_the_command_line_is_refused_like_parse_refuses_it(tmp_path):
    files = _mixed(tmp_path / "in")
    db = tmp_path / "s.db"
    dump = tmp_path / "in" / "r0.gold.json"
    p = _cli(str(files[0]), str(dump), "--db", f"sqlite:///{db}", "--json")
    assert p.returncode == 2
    out = json.loads(p.stdout)
    assert (out["stored"], out["failed"], out["skipped"]) == (1, 1, 0)
    assert out["errors"] == [{"file": str(dump), "message": JSON_REFUSED}]
    # the report parsed from the original is the agency-year's only (so current) version
    assert _stored_files(db) == ["r0.txt"]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM report WHERE is_current").fetchone() == (1,)
    parse = subprocess.run([*CLI, "parse", str(dump)], capture_output=True, text=True, timeout=60)
    assert parse.returncode == 2 and JSON_REFUSED in parse.stderr


def test_a_zip_ingested_takes_only_its_report_members(tmp_path):
    src = _mixed(tmp_path / "in")
    z = tmp_path / "batch.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in sorted((tmp_path / "in").rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(tmp_path / "in").as_posix())
    skipped: list[str] = []
    assert sorted(s.name.split("!")[1] for s in iter_sources([z], skipped)) == sorted(f.name for f in src)
    assert sorted(n.split("!")[1] for n in skipped) == ["r0.gold.json", "scan.png", "sub/figures.xlsx"]
    with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
        res = ingest([z], store, jobs=1)
    assert (res.count("stored"), res.count("failed"), len(res.skipped)) == (2, 0, 3)
    assert res.to_dict()["skipped_note"].startswith("已跳过 3 个文件：不是年度报告格式")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_expand_skips_an_archives_non_report_members_with_one_notice():
    (a, ra), (b, rb) = _reports()
    files, errors = expand("up.zip", _zip({a: ra, b: rb, "r0.gold.json": b'{"meta": {}}', "scan.png": PNG,
                                          "figures.xlsx": XLSX}), 2**24)
    assert sorted(f.name for f in files) == ["up.zip/r0.txt", "up.zip/r1.md"]
    assert len(errors) == 1 and isinstance(errors[0], Skipped)
    assert errors[0].message.startswith("已跳过 3 个文件：不是年度报告格式")
    # the job row it becomes: 已跳过, not a failure
    job = Job("j", "reviewer", files=[FileStatus("up.zip", errors[0].state, errors[0].message),
                                      FileStatus("up.zip/r0.txt", "done", report_id=1)])
    assert job.finished and job.counts == {"stored": 1, "duplicates": 0, "failed": 0}
    assert job.files[0].label == "已跳过"


def test_web_zip_upload_stores_the_reports_and_skips_the_rest(tmp_path):
    (a, ra), (b, rb) = _reports()
    dump = api.parse_bytes(ra, a).model_dump_json().encode()
    c, app = new_client(tmp_path, max_upload_mb=8)
    with c:
        token = login(c)
        r = c.post("/api/upload", headers={"X-CSRF-Token": token}, files=[
            ("files", ("batch.zip", _zip({a: ra, b: rb, "r0.gold.json": dump, "scan.png": PNG, "figures.xlsx": XLSX})))])
        body = r.json()
        assert r.status_code == 201, body
        assert (body["stored"], body["failed"], body["skipped"]) == (2, 0, 3)
        assert "不是年度报告格式" in body["skipped_note"]
        assert sorted(f["name"] for f in body["files"]) == ["batch.zip/r0.txt", "batch.zip/r1.md"]
        run = app.state.backend.library.runs(1)[0]
        assert (run["stored"], run["failed"]) == (2, 0)
        # an archive of sidecars only: nothing to ingest, said so
        r = c.post("/api/upload", headers={"X-CSRF-Token": token},
                   files=[("files", ("only.zip", _zip({"r0.gold.json": dump, "scan.png": PNG})))])
        assert r.status_code == 415 and "压缩包内没有年度报告" in r.json()["detail"]
        # a model dump uploaded on its own is refused as parse refuses it, not imported
        r = c.post("/api/upload", headers={"X-CSRF-Token": token}, files=[("files", ("r0.gold.json", dump))])
        assert r.status_code == 422 and JSON_REFUSED in r.json()["detail"]


def test_upload_page_job_shows_one_skipped_row_not_a_failure(tmp_path):
    import re
    import time

    (a, ra), (b, rb) = _reports()
    c, app = new_client(tmp_path, max_upload_mb=8)
    with c:
        token = login(c)
        r = c.post("/upload", headers={"X-CSRF-Token": token, "HX-Request": "true"},
                   files=[("files", ("batch.zip", _zip({a: ra, b: rb, "r0.gold.json": b"{}", "scan.png": PNG})))])
        assert r.status_code == 200
        job_id = re.search(r"/upload/jobs/([\w-]+)", r.text).group(1)
        end = time.time() + 30
        while not (j := c.get(f"/api/jobs/{job_id}").json())["finished"]:
            assert time.time() < end, "upload job did not finish"
            time.sleep(0.1)
        assert (j["stored"], j["failed"]) == (2, 0)
        assert [f["state"] for f in j["files"]].count("skipped") == 1
        page = c.get(f"/upload/jobs/{job_id}").text
        assert "已跳过" in page and "不是年度报告格式（.json 1、.png 1）" in page
        run = app.state.backend.library.runs(1)[0]
        assert (run["files"], run["stored"], run["failed"]) == (2, 2, 0)


def test_parse_and_audit_of_a_folder_read_only_the_reports_and_say_what_they_skipped(tmp_path):
    reports = _mixed(tmp_path / "in")
    for cmd in ("parse", "audit"):
        p = subprocess.run([*CLI, cmd, str(tmp_path / "in"), "--json"], capture_output=True, text=True, timeout=120)
        assert p.returncode in (0, 1), p.stderr            # audit: 1 when a report has errors
        assert JSON_REFUSED not in p.stderr and "figures.xlsx" not in p.stderr
        assert "已跳过 3 个文件：不是年度报告格式（.json 1、.png 1、.xlsx 1）；只读取 PDF" in " ".join(p.stderr.split())
        assert "压缩包" not in p.stderr                    # parse and audit open no archives
        out = json.loads(p.stdout)
        assert len(out if isinstance(out, list) else out.get("reports", [out])) == len(reports)
    named = subprocess.run([*CLI, "parse", str(tmp_path / "in" / "r0.gold.json")], capture_output=True, text=True,
                           timeout=120)
    assert named.returncode == 2 and JSON_REFUSED in named.stderr     # a file named is read, and refused


def test_a_zip_or_folder_named_without_reports_fails_that_input_and_the_batch_goes_on(tmp_path):
    (a, ra), _ = _reports()
    good = tmp_path / a
    good.write_bytes(ra)
    junk = tmp_path / "onlyjunk.zip"
    junk.write_bytes(_zip({"scan.png": PNG, "figures.xlsx": XLSX, "r0.gold.json": b"{}"}))
    empty = tmp_path / "empty"
    empty.mkdir()
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "scan.png").write_bytes(PNG)
    db = tmp_path / "s.db"
    p = _cli(str(junk), str(good), str(empty), str(scans), "--db", f"sqlite:///{db}", "--json")
    assert p.returncode == 2, p.stderr
    out = json.loads(p.stdout)
    assert (out["files"], out["stored"], out["failed"], out["skipped"]) == (4, 1, 3, 0)
    errors = {e["file"]: e["message"] for e in out["errors"]}
    assert errors[str(junk)] == "压缩包内没有年度报告：已跳过 3 个文件：不是年度报告格式（.json 1、.png 1、.xlsx 1）；" \
                                "只入库 PDF、Word（.docx/.doc/.wps）、网页（.html）、文本（.txt/.md）及其 .zip 压缩包"
    assert errors[str(empty)] == "文件夹内没有文件"
    assert errors[str(scans)].startswith("文件夹内没有年度报告：已跳过 1 个文件：不是年度报告格式（.png 1）")
    assert _stored_files(db) == [a]
    # the human form names the archive on one line, counts it failed, exits 2
    p = _cli(str(junk), str(good), "--db", f"sqlite:///{tmp_path / 't.db'}")
    assert p.returncode == 2
    text = " ".join(p.stdout.split()) + " ".join(p.stderr.split())
    assert "onlyjunk.zip" in text and "压缩包内没有年度报告：已跳过 3 个文件" in text
    assert "共 2 个文件" in text and "失败 1" in text
