"""The web counts an upload as the CLI counts an ingest: 新入库 (stored) only new reports, 已在库中
(duplicates) files already stored, 失败 (failed) the rest — in /api/upload, /api/jobs and the job page."""
from __future__ import annotations

from pathlib import Path

from web_support import login, new_client

from nianbao.web.jobs import FileStatus, Job

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples"


def _upload(c, token, *files):
    return c.post("/api/upload", files=[("files", f) for f in files], headers={"X-CSRF-Token": token})


def test_upload_api_counts_a_file_already_stored_as_a_duplicate_not_as_stored(tmp_path):
    first, second = (SAMPLES / "003_060f1afac52ad05c.txt").read_bytes(), (SAMPLES / "004_7e4f672173225b47.txt").read_bytes()
    c, app = new_client(tmp_path)
    with c:
        token = login(c)
        r = _upload(c, token, ("a.txt", first))
        assert r.status_code == 201 and (r.json()["stored"], r.json()["duplicates"], r.json()["failed"]) == (1, 0, 0)
        again = _upload(c, token, ("copy.txt", first))
        body = again.json()
        assert body["files"][0]["duplicate"] is True
        assert (body["stored"], body["duplicates"], body["failed"]) == (0, 1, 0)
        assert again.status_code == 201           # not a failure: the file is in the store
        mixed = _upload(c, token, ("copy2.txt", first), ("b.txt", second), ("notes.txt", "今天天气很好。\n".encode()))
        body = mixed.json()
        assert mixed.status_code == 201 and (body["stored"], body["duplicates"], body["failed"]) == (1, 1, 1)
        run = app.state.backend.library.runs(1)[0]     # the store's run (nianbao db runs) says the same
        assert (run["stored"], run["duplicates"], run["failed"]) == (1, 1, 1)


def test_job_counts_stored_duplicates_and_failed_as_the_cli_does():
    job = Job("j", "reviewer", files=[FileStatus("a", "done", report_id=1), FileStatus("b", "duplicate", report_id=1),
                                      FileStatus("c", "error", "不是年度报告"), FileStatus("d", "running")])
    assert job.counts == {"stored": 1, "duplicates": 1, "failed": 1}
    d = job.as_dict()
    assert (d["stored"], d["duplicates"], d["failed"], d["done"], d["total"]) == (1, 1, 1, 3, 4)
