"""Usage errors of the `nianbao` command: one Chinese line naming the option, exit 2, no traceback."""
import sys

import pytest

from nianbao.cli import main


def run(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["nianbao", *args])
    with pytest.raises(SystemExit) as e:
        main()
    return e.value.code, capsys.readouterr().err


@pytest.mark.parametrize("args, words", [
    (("indicators", "--region", "某市", "--year", "abc"), ["--year", "应为整数"]),
    (("review", "delete", "43"), ["缺少选项 --reason"]),
    (("indicatorz",), ["没有命令 indicatorz", "indicators"]),
    (("missing", "--region", "某市", "--yaer", "2023"), ["没有选项 --yaer", "--year"]),
    (("missing", "--region", "某市", "--year"), ["选项 --year 需要一个值"]),
    (("parse",), ["缺少参数 FILES"]),
])
def test_usage_errors_are_one_chinese_line_with_exit_2(monkeypatch, capsys, args, words):
    code, err = run(monkeypatch, capsys, *args)
    assert code == 2
    assert "Traceback" not in err and "Usage:" not in err
    assert len(err.strip().splitlines()) == 1
    for w in words:
        assert w in err


def test_a_command_that_succeeds_exits_0(monkeypatch, capsys):
    code, _ = run(monkeypatch, capsys, "rules", "--json")
    assert code == 0


@pytest.mark.parametrize("command", ["scorecard", "missing", "indicators", "rollup"])
@pytest.mark.parametrize("year, words", [("99999", "应不大于 2100"), ("-5", "应不小于 1990")])
def test_a_year_out_of_range_is_refused_before_any_date_is_built(monkeypatch, capsys, command, year, words):
    code, err = run(monkeypatch, capsys, command, "--region", "某市", "--year", year)
    assert code == 2 and "--year" in err and words in err and "Traceback" not in err


@pytest.mark.parametrize("args", [("review", "list"), ("review", "trail"), ("review", "progress"),
                                  ("review", "fp-rate"), ("review", "assign", "1", "--to", "甲"),
                                  ("review", "notice", "--agency", "某局"), ("compare",), ("export",),
                                  ("vetoes",), ("fetch", "https://example.invalid/")])
@pytest.mark.parametrize("year, words", [("99999", "应不大于 2100"), ("1989", "应不小于 1990")])
def test_review_compare_and_export_bound_the_year_like_every_other_command(monkeypatch, capsys, args, year, words):
    db = () if args[0] == "vetoes" else ("--db", "sqlite:///:memory:")
    code, err = run(monkeypatch, capsys, *args, "--year", year, *db)
    assert code == 2 and "--year" in err and words in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_end_of_input_at_a_prompt_is_one_line_and_exit_130_and_a_closed_pipe_no_traceback(tmp_path):
    """Leaving a prompt (EOF) and a reader that stops early (`| head`) end quietly: main() once named a
    click exception typer does not have, so any such exit became an AttributeError traceback."""
    import subprocess

    cli = [sys.executable, "-c", "from nianbao.cli import main; main()"]
    db = f"sqlite:///{tmp_path / 'n.db'}"
    r = subprocess.run([*cli, "user", "add", "某人", "--db", db], stdin=subprocess.DEVNULL, capture_output=True,
                       text=True)
    assert r.returncode == 130 and "已中断" in r.stderr and "Traceback" not in r.stderr
    p = subprocess.Popen([*cli, "rules", "--markdown"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.read(10)
    p.stdout.close()                        # the reader is gone before the output is written
    err = p.stderr.read().decode()
    p.wait(60)
    assert "Traceback" not in err, err[-1500:]
