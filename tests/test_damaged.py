"""Damaged files and failing disks (issue 13): what can be read is read, every failure is named in
one line, the work on pathological inputs is bounded.

The store tests make the failures real: a small tmpfs that fills up, a mount remounted read-only,
an immutable database file (root; skipped with the reason where the machine does not allow it)."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nianbao import api
from nianbao.errors import InputError, StoreError
from nianbao.generate import sample_reports
from nianbao.generate.text import render_bytes
from nianbao.ingest import ingest
from nianbao.readers.encoding import decode
from nianbao.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src/nianbao/samples/000_ef8df38a32860903.txt"
FORMATS = ROOT / "tests/fixtures/formats"
CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]


def _cells(report) -> dict:
    d = report.to_dict()["tables"]
    return {k: v for k, v in d.items() if v}


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


# ---------------------------------------------------------------- decoding, one segment at a time
def test_decode_replaces_an_invalid_byte_and_says_where():
    d = decode("一、总体情况\n二、主动公开".encode() + b"\xff" + "情况\n".encode())
    assert d.encoding == "utf-8" and d.count == 1 and d.lines == [2]
    assert d.text == "一、总体情况\n二、主动公开\ufffd情况\n" and d.is_text


def test_decode_replaces_a_cut_last_character_and_a_nul():
    cut = "年度报告。".encode()[:-1]
    d = decode(cut)
    assert d.text == "年度报告\ufffd" and d.count == 1
    d = decode("第一行\r\n第二\x00行".encode())
    assert d.count == 1 and d.lines == [2] and "\x00" not in d.text


def test_decode_reads_gbk_with_one_bad_byte_as_gbk():
    data = "一、总体情况\n本机关共收到申请5件。\n".encode("gbk")
    d = decode(data[:10] + b"\xff" + data[10:])
    assert d.encoding == "gb18030" and d.count == 1 and "本机关共收到申请5件" in d.text


def test_decode_keeps_a_genuine_replacement_character_out_of_the_count():
    d = decode("已有\ufffd字符\n".encode() + b"\xff")
    assert d.count == 1 and d.offsets == [len("已有\ufffd字符\n")]


def test_random_bytes_are_not_text():
    d = decode(random.Random(1).randbytes(50_000))
    assert not d.is_text


# ---------------------------------------------------------------- one bad byte does not cost the report
@pytest.mark.parametrize("damage", ["invalid_byte", "nul", "cut_last_character"])
def test_text_report_with_one_damaged_byte_is_read_with_its_tables_and_a002(damage):
    data = SAMPLE.read_bytes().rstrip()
    at = data.index("政府信息公开行政复议".encode())
    if damage == "invalid_byte":
        bad, line = data[:at] + b"\xff" + data[at:], _line_of(data, at)
    elif damage == "nul":
        bad, line = data[:at] + b"\x00" + data[at:], _line_of(data, at)
    else:
        bad, line = data[:-1], _line_of(data, len(data) - 1)
    good = api.parse_bytes(data, "r.txt")
    report = api.audit(api.parse_bytes(bad, "r.txt"))
    assert _cells(report) == _cells(good)
    rc = report.extraction.replaced_chars
    assert rc.count == 1 and [p.line for p in rc.positions] == [line]
    a002 = [f for f in report.findings if f.code == "A002"]
    assert len(a002) == 1 and a002[0].severity == "info"
    assert "1个字符" in a002[0].message and f"第{line}行" in a002[0].message


def test_undamaged_report_has_no_a002():
    report = api.audit(api.parse_bytes(SAMPLE.read_bytes(), "r.txt"))
    assert report.extraction.replaced_chars is None
    assert not [f for f in report.findings if f.code == "A002"]


@pytest.mark.parametrize("damage", [b"\xff", b"\x00"])
def test_html_report_with_one_damaged_byte_is_read_with_its_tables(damage):
    data = (FORMATS / "synth2021.html").read_bytes()
    at = data.index("二、".encode())
    report = api.audit(api.parse_bytes(data[:at] + damage + data[at:], "r.html"))
    assert _cells(report) == _cells(api.parse_bytes(data, "r.html"))
    assert report.extraction.replaced_chars.count == 1
    assert report.extraction.replaced_chars.positions[0].line == _line_of(data, at)
    assert any(f.code == "A002" for f in report.findings)


def test_random_bytes_say_which_format_they_are_not():
    junk = random.Random(2).randbytes(20_000)
    for name, words in (("r.pdf", "不是有效的PDF文件"), ("r.docx", "不是有效的Word（.docx）文件"),
                        ("r.txt", "不是文本文件")):
        with pytest.raises(InputError) as e:
            api.parse_bytes(junk, name)
        assert words in e.value.message


def test_a_png_named_txt_says_it_is_an_image():
    with pytest.raises(InputError, match="PNG 图片"):
        api.parse_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(5000), "r.txt")


def test_a_file_with_only_a_title_is_refused():
    data = "宁夏回族自治区中卫市司法局\n2023年政府信息公开工作年度报告\n".encode()
    with pytest.raises(InputError, match="只有年度报告的标题"):
        api.parse_bytes(data, "title.txt")


# ---------------------------------------------------------------- library noise and escapes
def _damaged_pdfs(n: int) -> list[bytes]:
    data = (FORMATS / "synth2021.pdf").read_bytes()
    rng = random.Random(3)
    out = []
    for _ in range(n):
        b = bytearray(data)
        for _ in range(50):
            b[rng.randrange(200, len(b) - 100)] = rng.randrange(256)
        out.append(bytes(b))
    return out


def test_parse_bytes_lets_only_input_errors_out_of_damaged_pdfs():
    data = (FORMATS / "synth2021.pdf").read_bytes()
    cases = _damaged_pdfs(6) + [data[: len(data) // 2] + data[-1024:], data.replace(b"/Pages", b"/Pagez")]
    for bad in cases:
        try:
            api.parse_bytes(bad, "bad.pdf")
        except InputError:
            pass


def test_a_damaged_pdf_prints_no_library_warnings(tmp_path):
    """pdfminer logged hundreds of warnings for one broken PDF; now stderr holds at most the one line."""
    for i, bad in enumerate(_damaged_pdfs(6)):
        p = tmp_path / f"bad{i}.pdf"
        p.write_bytes(bad)
    r = subprocess.run([*CLI, "parse", *map(str, sorted(tmp_path.glob("*.pdf")))], capture_output=True, text=True,
                       timeout=300, env={**os.environ, "COLUMNS": "200"})
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert not [ln for ln in lines if ".pdf" not in ln and not ln.startswith(("错误", "共")) and "个文件" not in ln], lines[:10]
    assert len(lines) <= 2 * 6 + 2, lines[:10]          # at most one line per file, twice (as it goes, summary)


def test_library_log_goes_to_the_debug_log_when_asked(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(_damaged_pdfs(5)[4])
    log = tmp_path / "debug.log"
    r = subprocess.run([*CLI, "parse", str(bad)], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "NIANBAO_DEBUG_LOG": str(log)})
    assert "pdfminer" not in r.stderr
    assert log.exists() and "pdfminer" in log.read_text()


# ---------------------------------------------------------------- bounded work on pathological inputs
def test_a_huge_text_without_line_breaks_is_refused_in_seconds():
    data = ("政府信息公开|0\t" * 2_000_000).encode()      # ~ 34 MB, one line
    t = time.perf_counter()
    with pytest.raises(InputError, match="文本内容过长"):
        api.parse_bytes(data, "long.txt")
    assert time.perf_counter() - t < 10


def test_a_page_of_one_gigantic_cell_is_refused_in_seconds():
    cell = "公开" * 1_500_000
    data = f"<html><body><h1>2023年政府信息公开工作年度报告</h1><table><tr><td>{cell}</td></tr></table></body></html>"
    t = time.perf_counter()
    with pytest.raises(InputError, match="文本内容过长"):
        api.parse_bytes(data.encode(), "huge.html")
    assert time.perf_counter() - t < 10


# ---------------------------------------------------------------- one outcome per input
def _corpus(folder: Path, n: int, seed: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, r in enumerate(sample_reports(n, seed)):
        p = folder / f"r{seed}_{i:03d}.txt"
        p.write_bytes(render_bytes(r, "tabs", seed=i))
        out.append(p)
    return out


def test_every_input_has_one_outcome_and_copies_of_bad_files_fail(tmp_path):
    folder = tmp_path / "in"
    good = _corpus(folder, 3, seed=31)
    (folder / "empty1.txt").write_bytes(b"")
    (folder / "empty2.txt").write_bytes(b"")
    trunc = (FORMATS / "synth2021.pdf").read_bytes()[:5000]
    (folder / "a.pdf").write_bytes(trunc)
    (folder / "b.pdf").write_bytes(trunc)
    (folder / "copy.txt").write_bytes(good[0].read_bytes())
    # named as reports (a folder walk takes only report formats: files without one are skipped)
    (folder / "loop.txt").symlink_to("loop.txt")         # a symlink to itself
    (folder / "gone.txt").symlink_to("nowhere.txt")
    with open_store(f"sqlite:///{tmp_path / 'n.db'}") as store:
        res = ingest([folder], store, jobs=1)
    by_name = {Path(o.name).name: o for o in res.outcomes}
    assert len(res.outcomes) == len(by_name) == 10
    # copy.txt and the file it copies: whichever comes first is stored, the other is already stored
    original = good[0].name
    assert {n for n, o in by_name.items() if o.status == "stored"} == {p.name for p in good[1:]} | {"copy.txt"}
    assert by_name[original].status == "duplicate"
    assert by_name[original].report_id == by_name["copy.txt"].report_id
    for n in ("empty1.txt", "empty2.txt"):
        assert by_name[n].status == "failed" and "文件为空" in by_name[n].message
    assert by_name["a.pdf"].status == by_name["b.pdf"].status == "failed"
    assert by_name["a.pdf"].message == by_name["b.pdf"].message
    assert by_name["loop.txt"].status == "failed" and "循环" in by_name["loop.txt"].message
    assert by_name["gone.txt"].status == "failed" and "不存在" in by_name["gone.txt"].message


# ---------------------------------------------------------------- which version is current: a rule
def _versions(tmp_path: Path) -> list[Path]:
    """Three files of one agency, year and publication date that differ in one figure."""
    r = sample_reports(1, 41)[0]
    files = []
    for i, n in enumerate((3, 5, 7)):
        v = r.model_copy(deep=True)
        v.tables.applications["granted"].natural_person = n
        p = tmp_path / f"v{i}.txt"
        p.write_bytes(render_bytes(v, "tabs", seed=0))
        files.append(p)
    return files


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_current_version_follows_mtime_then_sha_whatever_the_order(tmp_path, order):
    files = _versions(tmp_path)
    os.utime(files[0], (1_700_000_000, 1_700_000_000))
    os.utime(files[1], (1_700_000_500, 1_700_000_500))      # the latest: current
    os.utime(files[2], (1_700_000_100, 1_700_000_100))
    with open_store(f"sqlite:///{tmp_path / 'n.db'}") as store:
        for i in order:                                      # the order workers would finish in
            ingest([files[i]], store, jobs=1)
        current = store.list_reports()
        assert len(current) == 1 and current[0].source_file == "v1.txt"


def test_same_mtime_breaks_the_tie_by_sha256(tmp_path):
    import hashlib

    files = _versions(tmp_path)
    for f in files:
        os.utime(f, (1_700_000_000, 1_700_000_000))
    want = max(files, key=lambda f: hashlib.sha256(f.read_bytes()).hexdigest()).name
    for order in ((0, 1, 2), (2, 0, 1)):
        with open_store(f"sqlite:///{tmp_path / f'n{order[0]}.db'}") as store:
            for i in order:
                ingest([files[i]], store, jobs=1)
            assert [r.source_file for r in store.list_reports()] == [want]


# ---------------------------------------------------------------- failing disks
@pytest.fixture
def tmpfs(tmp_path):
    """A small tmpfs of our own (1 MB), unmounted after the test."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root and mount permission): {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(mnt)], capture_output=True)
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and "Background on this error" not in stderr and "sqlalche.me" not in stderr


def test_disk_full_during_ingest_names_every_file_and_exits_2(tmpfs, tmp_path):
    files = _corpus(tmp_path / "in", 30, seed=51)
    db = tmpfs / "n.db"
    r = subprocess.run([*CLI, "ingest", str(tmp_path / "in"), "--db", str(db), "-j", "2", "--json"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2
    _no_traceback(r.stderr)
    out = json.loads(r.stdout)
    assert "磁盘空间已满" in out["store_error"] and str(db) in out["store_error"]
    assert out["files"] == len(files) and out["stored"] + out["failed"] == len(files)
    assert 0 < out["failed"]
    assert {e["file"] for e in out["errors"]} | {x["name"] for x in out["reports"]} == {str(p) for p in files}
    # the human summary: counts, the files not stored, one line on what to do
    r = subprocess.run([*CLI, "ingest", str(tmp_path / "in"), "--db", str(db), "-j", "1"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2
    _no_traceback(r.stderr)
    assert "磁盘空间已满" in r.stderr and "未能入库" in r.stderr
    assert [ln for ln in r.stderr.splitlines() if ln.startswith("错误")][-1].count("磁盘空间已满") == 1


def test_store_made_read_only_mid_run_stops_with_one_line(tmp_path):
    files = _corpus(tmp_path / "in", 6, seed=61)
    db = tmp_path / "n.db"
    frozen: list[Path] = []
    try:
        with open_store(str(db)) as store:
            seen = []

            def on_outcome(o):
                seen.append(o)
                if len(seen) == 2:      # the database turns read-only under the running ingest
                    for p in (db, db.with_name("n.db-wal")):   # (not the mmap'ed -shm: SIGBUS)
                        r = subprocess.run(["chattr", "+i", str(p)], capture_output=True, text=True)
                        if r.returncode:
                            pytest.skip(f"cannot make the database immutable here: {r.stderr.strip()}")
                        frozen.append(p)

            res = ingest([tmp_path / "in"], store, jobs=1, on_outcome=on_outcome)
        assert res.store_error and "只读" in res.store_error and str(db) in res.store_error
        assert res.count("stored") == 2 and len(res.outcomes) == len(files)
        assert all("未入库" in o.message or "未处理" in o.message for o in res.failed)
        r = subprocess.run([*CLI, "db", "info", "--db", str(db), "--json"], capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 0, r.stderr
        info = json.loads(r.stdout)
        assert info["reports"] == 2 and info["read_only"]
    finally:
        for p in frozen:
            subprocess.run(["chattr", "-i", str(p)])


def test_read_only_mount_db_info_reads_and_ingest_says_read_only(tmpfs, tmp_path):
    files = _corpus(tmp_path / "in", 3, seed=65)
    db = tmpfs / "n.db"
    r = subprocess.run([*CLI, "ingest", *map(str, files[:2]), "--db", str(db)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    r = subprocess.run([*CLI, "db", "info", "--db", str(db), "--json"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["reports"] == 2
    r = subprocess.run([*CLI, "db", "runs", "--db", str(db)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([*CLI, "ingest", str(files[2]), "--db", str(db)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    _no_traceback(r.stderr)
    assert "只读方式挂载" in r.stderr and files[2].name in r.stderr


def test_database_file_that_cannot_be_written(tmp_path):
    files = _corpus(tmp_path / "in", 2, seed=71)
    db = tmp_path / "n.db"
    open_store(str(db)).close()
    r = subprocess.run(["chattr", "+i", str(db)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot make the database file immutable here: {r.stderr.strip()}")
    try:
        with pytest.raises(StoreError) as e, open_store(str(db)) as store:
            store.start_run(["x"])
        assert e.value.kind == "readonly" and str(db) in e.value.message
        r = subprocess.run([*CLI, "ingest", str(tmp_path / "in"), "--db", str(db)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 2
        _no_traceback(r.stderr)
        assert "只读" in r.stderr and "r71_000.txt" in r.stderr and str(len(files)) in r.stderr
        r = subprocess.run([*CLI, "db", "runs", "--db", str(db)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
    finally:
        subprocess.run(["chattr", "-i", str(db)])


def test_unreachable_database_is_one_line(tmp_path):
    r = subprocess.run([*CLI, "db", "info", "--db", "postgresql://nobody@127.0.0.1:1/none"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    _no_traceback(r.stderr)
    assert len([ln for ln in r.stderr.splitlines() if ln.strip()]) == 1


# ---------------------------------------------------------------- memory
def _hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_ingest_parent_never_holds_the_batch_in_memory(tmp_path):
    """40 files of 6 MB: the parent used to hold up to 64 files' bytes; now it streams hashes and
    the workers read by path, so its peak stays far below the batch's size."""
    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(4)
    for i in range(40):
        (folder / f"big{i:02d}.txt").write_bytes(rng.randbytes(16) + b"x" * 6_000_000)
    proc = subprocess.Popen([*CLI, "ingest", str(folder), "--db", str(tmp_path / "n.db"), "-j", "2", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, _hwm_kb(proc.pid))
        except OSError:
            break
        time.sleep(0.05)
    out, err = proc.communicate(timeout=300)
    assert json.loads(out)["failed"] == 40           # each refused (too long), each named
    assert peak < 200_000, f"parent peak RSS {peak // 1024} MB for a 240 MB batch"


def test_a_page_with_a_vertical_tab_or_form_feed_is_read():
    """Found by the fuzz test: lxml refuses \\x0b and \\x0c in a string (the page was refused, and the
    page-metadata reader raised ValueError)."""
    data = (FORMATS / "synth2021.html").read_bytes()
    at = data.index("二、".encode())
    want = _cells(api.parse_bytes(data, "page.html"))
    for c in (b"\x0b", b"\x0c", b"\x0b\x00"):
        assert _cells(api.parse_bytes(data[:at] + c + data[at:], "page.html")) == want


def test_a_stretch_of_zeros_from_a_broken_download_is_one_damaged_place():
    data = SAMPLE.read_bytes()
    at = data.index("政府信息公开行政复议".encode())
    d = decode(data[:at] + bytes(4096) + data[at:])
    assert d.count == 4096 and d.runs == 1 and d.is_text and d.text.count("\ufffd") == 1
    report = api.audit(api.parse_bytes(data[:at] + bytes(4096) + data[at:], "r.txt"))
    assert _cells(report) == _cells(api.parse_bytes(data, "r.txt"))
    a002 = next(f for f in report.findings if f.code == "A002")
    assert "4096个字符" in a002.message and f"第{_line_of(data, at)}行" in a002.message
