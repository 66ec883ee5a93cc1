"""整改通知 sent to a region is all-or-nothing per agency, and recorded only once its file exists:
agencies that cannot be returned (通过; 待审 without a confirmed finding) are left out, untouched and
named; the others are returned (退回整改) and trailed; a file that cannot be written changes nothing."""
from __future__ import annotations

import io
import pathlib
import zipfile
from datetime import date

import pytest
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.library import Library
from nianbao.store.review import ConflictError, ReviewError
from test_review import _confirm_one, _with_findings

runner = CliRunner()
REGION, YEAR = "中卫市", 2023
RETURNABLE, PASSED, PENDING = "中卫市沙坡头区司法局", "中卫市沙坡头区教育局", "中卫市沙坡头区财政局"


def _mixed(lib) -> dict[str, int]:
    """Three agencies of one region: 审核中 with a confirmed finding, 通过 (confirmed, then passed),
    待审 with nothing decided."""
    ids = {}
    ids[RETURNABLE], _ = _with_findings(lib, 1, RETURNABLE)
    ids[PASSED], _ = _with_findings(lib, 100, PASSED)
    ids[PENDING], _ = _with_findings(lib, 200, PENDING)
    _confirm_one(lib, ids[RETURNABLE])
    _confirm_one(lib, ids[PASSED])
    lib.set_status(ids[PASSED], "通过", user="甲")
    assert lib.case(ids[RETURNABLE])["status"] == "审核中" and lib.case(ids[PENDING])["status"] == "待审"
    return ids


def _state(lib, ids):
    return {a: (lib.case(rid)["status"], lib.case(rid)["deadline"], [e["action"] for e in lib.trail(report_id=rid)])
            for a, rid in ids.items()}


@pytest.fixture
def seeded(tmp_path):
    url = f"sqlite:///{tmp_path / 'nianbao.db'}"
    with Library(url, data_dir=tmp_path / "files") as lib:
        ids = _mixed(lib)
    return url, ids, tmp_path


def _lib(url, tmp_path):
    return Library(url, data_dir=tmp_path / "files")


def test_cli_send_returns_the_returnable_names_the_others_and_writes_the_file(seeded):
    url, ids, tmp = seeded
    with _lib(url, tmp) as lib:
        before = _state(lib, ids)
    out = tmp / "n6.zip"
    r = runner.invoke(app, ["review", "notice", "--region", REGION, "--year", str(YEAR), "--send",
                            "--deadline", "2027-02-01", "-o", str(out), "--user", "甲", "--db", url])
    assert r.exit_code == 0, r.output
    names = zipfile.ZipFile(out).namelist()
    assert len(names) == 1 and "司法局" in names[0]
    skipped = [line for line in r.output.splitlines() if "未发出整改通知" in line]
    assert len(skipped) == 1 and "教育局（通过）" in skipped[0] and "财政局（待审" in skipped[0]
    assert "司法局" not in skipped[0]
    with _lib(url, tmp) as lib:
        after = _state(lib, ids)
    status, deadline, trail = after[RETURNABLE]
    assert (status, deadline) == ("退回整改", "2027-02-01")
    assert trail[len(before[RETURNABLE][2]):] == ["status", "notice"]
    assert after[PASSED] == before[PASSED] and after[PENDING] == before[PENDING]


def test_a_file_that_cannot_be_written_leaves_no_status_change_or_trail(seeded, monkeypatch):
    url, ids, tmp = seeded
    with _lib(url, tmp) as lib:
        before = _state(lib, ids)

    def disk_full(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pathlib.Path, "write_bytes", disk_full)
    out = tmp / "n6.zip"
    r = runner.invoke(app, ["review", "notice", "--region", REGION, "--year", str(YEAR), "--send",
                            "--deadline", "2027-02-01", "-o", str(out), "--db", url])
    assert r.exit_code == 2, r.output
    assert "无法写入" in r.output and "状态与留痕未改变" in r.output
    assert not out.exists() and not list(tmp.glob(".n6.zip.*"))
    with _lib(url, tmp) as lib:
        assert _state(lib, ids) == before


def test_a_single_agency_that_cannot_be_returned_is_refused_by_name_and_untouched(tmp_path):
    with _lib(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path) as lib:
        ids = _mixed(lib)
        before = _state(lib, ids)
        with pytest.raises(ReviewError, match="教育局2023年度报告状态为「通过」，不能退回整改"):
            lib.notice(agency="沙坡头区教育局", send=True, deadline=date(2027, 2, 1), user="甲")
        assert _state(lib, ids) == before


def test_nothing_is_recorded_until_apply_and_a_change_meanwhile_records_nothing(tmp_path):
    with _lib(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path) as lib:
        ids = _mixed(lib)
        other, _ = _with_findings(lib, 300, "中卫市沙坡头区民政局")
        _confirm_one(lib, other)
        ids["民政局"] = other
        before = _state(lib, ids)
        plan = lib.notice_plan(region=REGION, year=YEAR, send=True, deadline=date(2027, 2, 1), user="甲")
        assert len(zipfile.ZipFile(io.BytesIO(plan.data)).namelist()) == 2 and len(plan.skipped) == 2
        assert _state(lib, ids) == before                     # made, not recorded
        lib.set_status(other, "通过", user="乙")              # someone passes one of them meanwhile
        moved = _state(lib, ids)
        with pytest.raises(ConflictError):
            plan.apply()
        assert _state(lib, ids) == moved                       # the other one was not returned either
        assert lib.case(ids[RETURNABLE])["status"] == "审核中"


def test_web_post_to_a_region_names_the_skipped_agencies_and_returns_the_others(tmp_path):
    from urllib.parse import unquote

    from web_support import login, new_client

    c, app = new_client(tmp_path)
    with c:
        lib = app.state.backend.library
        ids = _mixed(lib)
        before = _state(lib, ids)
        h = {"X-CSRF-Token": login(c)}
        r = c.post("/api/review/notice", headers=h, json={"region": REGION, "year": YEAR, "deadline": "2027-02-01"})
        assert r.status_code == 200, r.text
        assert len(zipfile.ZipFile(io.BytesIO(r.content)).namelist()) == 1
        skipped = unquote(r.headers["X-Notice-Skipped"])
        assert "教育局（通过）" in skipped and "财政局（待审" in skipped and "司法局" not in skipped
        after = _state(lib, ids)
        assert after[RETURNABLE][:2] == ("退回整改", "2027-02-01") and after[RETURNABLE][2][-1] == "notice"
        assert after[PASSED] == before[PASSED] and after[PENDING] == before[PENDING]
