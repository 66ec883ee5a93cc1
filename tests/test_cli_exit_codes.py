"""The CLI's exit codes and one-line Chinese errors: a batch with failed files (ingest like audit:
the good files done, every failure listed at the end, exit 2), a value outside an option's choices
(the value and the choices, no pydantic text), files the OS cannot read (in Chinese, not strerror)."""
from __future__ import annotations

import errno
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.errors import os_error_message

CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]
CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def run(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    """`nianbao ARGS` in this process, through main() as the installed command runs it."""
    from nianbao.cli import main

    monkeypatch.setattr(sys, "argv", ["nianbao", *args])
    with pytest.raises(SystemExit) as e:
        main()
    out, err = capsys.readouterr()
    return e.value.code, out, " ".join(err.split())       # rich wraps long lines: compare unwrapped


# ------------------------------------------------------------------ a batch with failed files
def _bad_files(folder: Path) -> list[Path]:
    hello, junk = folder / "hello.txt", folder / "junk.pdf"
    hello.write_text("hello\n", encoding="utf-8")
    junk.write_bytes(b"junk\n")
    return [hello, junk]


def test_ingest_of_a_batch_with_failed_files_stores_the_good_one_lists_every_failure_at_the_end_and_exits_2(tmp_path):
    db = f"sqlite:///{tmp_path / 'n.db'}"
    hello, junk = _bad_files(tmp_path)
    good = CORPUS / "000_tabs.txt"
    p = subprocess.run([*CLI, "ingest", str(hello), str(good), str(junk), "--db", db, "-j", "1"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, p.stderr
    assert "新入库 1" in p.stdout and "失败 2" in p.stdout
    tail = p.stderr[p.stderr.index("2 个文件未能入库"):]          # the list at the end names both
    assert "hello.txt" in tail and "junk.pdf" in tail and "Traceback" not in p.stderr
    again = subprocess.run([*CLI, "ingest", str(hello), str(good), str(junk), "--db", db, "-j", "1", "--json"],
                           capture_output=True, text=True, timeout=120)
    out = json.loads(again.stdout)
    assert again.returncode == 2
    assert (out["stored"], out["duplicates"], out["failed"]) == (0, 1, 2)
    assert {Path(e["file"]).name for e in out["errors"]} == {"hello.txt", "junk.pdf"}


def test_ingest_of_only_bad_files_exits_2_like_audit_of_them(tmp_path):
    db = f"sqlite:///{tmp_path / 'n.db'}"
    files = [str(f) for f in _bad_files(tmp_path)]
    ingest = subprocess.run([*CLI, "ingest", *files, "--db", db], capture_output=True, text=True, timeout=120)
    audit = subprocess.run([*CLI, "audit", *files], capture_output=True, text=True, timeout=120)
    missing = subprocess.run([*CLI, "ingest", str(tmp_path / "nonexist.txt"), "--db", db],
                             capture_output=True, text=True, timeout=120)
    assert (ingest.returncode, audit.returncode, missing.returncode) == (2, 2, 2)
    assert "失败 2" in ingest.stdout and "文件不存在" in missing.stderr


def test_readme_and_cli_docs_say_a_batch_with_failures_exits_2():
    root = Path(__file__).resolve().parents[1]
    readme = " ".join((root / "README.md").read_text(encoding="utf-8").split())
    assert "some files failed" in readme and "exits 2" in readme
    assert "有失败文件退出码 2" in (root / "docs" / "cli.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------ a value outside the choices
def test_fail_on_outside_its_choices_names_the_value_and_the_choices(capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "audit", "x.txt", "--fail-on", "bogus")
    assert code == 2
    assert "--fail-on 的值无效：bogus（可选：error、warning、info、never）" in err
    assert "Value error" not in err and "'" not in err


@pytest.mark.parametrize("args, expected", [
    (["indicators", "--year", "2023", "--sort", "bogus"], "--sort 的值无效：bogus（可选：substantive_rate、"),
    (["missing", "--region", "x", "--year", "2023", "--status", "bogus"],
     "--status 的值无效：bogus（可选：missing、late、unknown、not_due、on_time、published）"),
    (["registry", "deadline", "x", "02-01", "--kind", "bogus"],
     "--kind 的值无效：bogus（可选：department/部门、government/政府、township/乡镇、zone/开发区）"),
    (["user", "role", "bob", "bogus"], "ROLE 的值无效：bogus（可选：admin、reviewer、viewer）"),
])
def test_every_option_with_choices_answers_a_bad_value_the_same_way(capsys, monkeypatch, tmp_path, args, expected):
    code, _, err = run(capsys, monkeypatch, *args, "--db", f"sqlite:///{tmp_path / 'n.db'}")
    assert code == 2 and expected in err, err


def test_user_add_with_a_bad_role_is_refused_before_asking_for_the_password(tmp_path):
    p = subprocess.run([*CLI, "user", "add", "bob", "--role", "bogus", "--db", f"sqlite:///{tmp_path / 'n.db'}"],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 2
    assert "--role 的值无效：bogus（可选：admin、reviewer、viewer）" in p.stderr and "密码" not in p.stderr


# ------------------------------------------------------------------ files the OS cannot read
def test_os_errors_are_named_in_chinese_with_the_right_missing_permission():
    assert os_error_message(FileNotFoundError(errno.ENOENT, "No such file or directory")) == "文件不存在"
    assert os_error_message(IsADirectoryError(errno.EISDIR, "Is a directory")) == "是目录，不是文件"
    assert os_error_message(PermissionError(errno.EACCES, "Permission denied")) == "没有读取权限"
    assert os_error_message(PermissionError(errno.EACCES, "Permission denied"), "写入") == "没有写入权限"
    assert os_error_message(OSError(errno.EIO, "Input/output error")) == "无法读取（系统错误 EIO）"


@pytest.mark.parametrize("args", [
    ["registry", "import", "{missing}"],
    ["registry", "config", "中卫市", "{missing}"],
    ["audit", "{missing}"],
    ["parse", "{missing}"],
])
def test_a_file_that_does_not_exist_is_one_chinese_line_naming_it(capsys, monkeypatch, tmp_path, args):
    missing = str(tmp_path / "nonexist.csv")
    args = [a.format(missing=missing) for a in args]
    if args[0] != "parse":
        args += ["--db", f"sqlite:///{tmp_path / 'n.db'}"]
    code, _, err = run(capsys, monkeypatch, *args)
    assert code == 2
    assert f"{missing}: 文件不存在" in err or f"{missing}：文件不存在" in err, err
    assert "No such file" not in err and "Traceback" not in err


def test_registry_import_of_a_directory_says_it_is_a_directory(capsys, monkeypatch, tmp_path):
    code, _, err = run(capsys, monkeypatch, "registry", "import", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'n.db'}")
    assert code == 2 and f"{tmp_path}: 是目录，不是文件" in err and "Is a directory" not in err


def test_fetch_from_a_missing_url_list_is_named_in_chinese(capsys, monkeypatch, tmp_path):
    missing = tmp_path / "urls.csv"
    code, _, err = run(capsys, monkeypatch, "fetch", "--from", str(missing), "--db", f"sqlite:///{tmp_path / 'n.db'}")
    assert code == 2 and "文件不存在" in err and "No such file" not in err, err


def test_parse_out_into_a_place_that_cannot_be_written_is_one_chinese_line(capsys, monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, monkeypatch, "parse", str(CORPUS / "000_tabs.txt"), "--out", str(blocker / "out"))
    assert code == 2 and str(blocker / "out") in err and "Traceback" not in err and "Errno" not in err, err


def test_python_dash_m_nianbao_runs_the_same_cli(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "nianbao", "rules", "--json"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and '"code"' in out.stdout
    bad = subprocess.run([sys.executable, "-m", "nianbao", "audit", str(tmp_path / "无此文件.txt")],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr



def test_compare_sort_and_scorecard_scheme_errors_are_one_chinese_line(capsys, monkeypatch, tmp_path):
    db = f"sqlite:///{tmp_path / 's.db'}"
    code, _, err = run(capsys, monkeypatch, "compare", "--sort", "bogus", "--db", db)
    assert code == 2 and "--sort 的值无效：bogus（可选：agency、" in err, err
    code, _, err = run(capsys, monkeypatch, "scorecard", "--region", "某市", "--year", "2023", "--scheme",
                       str(tmp_path / "无此方案.yaml"), "--db", db)
    assert code == 2 and "无法读取评分方案" in err and "（文件不存在）" in err, err
