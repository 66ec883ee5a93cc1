"""`nianbao parse` and `nianbao schema` through the Typer app."""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nianbao.cli import app

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples"
SEED = SAMPLES / "003_060f1afac52ad05c.txt"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_json_for_one_file_is_one_object():
    r = run("parse", str(SEED), "--json")
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["meta"]["agency"] == "乌拉特中旗司法局"
    assert d["tables"]["active_disclosure"]["fees"]["amount_10k_yuan"] == 16
    assert d["source"]["file"] == SEED.name and len(d["source"]["sha256"]) == 64


def test_json_for_several_files_is_an_array():
    r = run("parse", str(SAMPLES / "000_ef8df38a32860903.txt"), str(SEED), "--json")
    assert r.exit_code == 0
    assert [d["meta"]["year"] for d in json.loads(r.stdout)] == [2023, 2023]


def test_human_output_shows_meta_and_the_three_tables():
    r = run("parse", str(SEED))
    assert r.exit_code == 0
    for text in ("乌拉特中旗司法局", "2023-01-01", "2024-01-11", "主动公开政府信息情况", "不予公开", "复议后起诉"):
        assert text in r.stdout


def test_bad_files_get_one_line_each_and_the_batch_goes_on(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\x01\x02\xff" * 100)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    r = run("parse", str(junk), str(SEED), str(empty), str(tmp_path / "missing.txt"), "--json")
    assert r.exit_code == 2
    assert [d["meta"]["agency"] for d in json.loads(r.stdout)] == ["乌拉特中旗司法局"]
    assert "junk.txt: 不是文本文件" in r.stderr and "empty.txt: 文件为空" in r.stderr
    assert "missing.txt: 文件不存在" in r.stderr and "3 个文件未能处理" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_single_unusable_file_exits_2_without_json(tmp_path):
    f = tmp_path / "note.txt"
    f.write_text("今天天气很好。\n", encoding="utf-8")
    r = run("parse", str(f), "--json")
    assert r.exit_code == 2 and r.stdout == ""
    assert "不是政府信息公开工作年度报告" in r.stderr


def test_out_dir_gets_one_json_per_file_and_no_temp_files(tmp_path):
    out = tmp_path / "out"
    r = run("parse", str(SAMPLES), "--out", str(out))
    assert r.exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.stem + ".json" for p in SAMPLES.glob("*.txt"))
    d = json.loads((out / "003_060f1afac52ad05c.json").read_text(encoding="utf-8"))
    assert d["meta"]["published"] == "2024-01-11"


def test_schema_is_the_model_json_schema():
    r = run("schema")
    assert r.exit_code == 0
    s = json.loads(r.stdout)
    assert {"format", "meta", "tables", "provenance", "extraction"} <= set(s["properties"])


def test_human_output_of_a_2019_report_shows_its_own_layout(tmp_path):
    f = tmp_path / "r2019.txt"
    f.write_text("某局2019年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
                 "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t1\t0\t16\n"
                 "三、收到和处理政府信息公开申请情况\n\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n"
                 "\t（六）其他处理\t5\t0\t0\t0\t0\t0\t5\n", encoding="utf-8")
    r = run("parse", str(f))
    assert r.exit_code == 0
    assert "2019年版" in r.stdout and "本年新制作数量 1" in r.stdout and "（六）其他处理" in r.stdout


def test_out_dir_keeps_two_files_with_the_same_stem(tmp_path):
    a, b = tmp_path / "a" / "r.txt", tmp_path / "b" / "r.md"
    for p in (a, b):
        p.parent.mkdir()
        p.write_bytes(SEED.read_bytes())
    out = tmp_path / "out"
    assert run("parse", str(a), str(b), "--out", str(out)).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["r.json", "r.md.json"]


def test_human_output_of_a_2019_report_shows_its_own_rows_and_columns():
    r = run("parse", str(Path(__file__).resolve().parent / "fixtures" / "formats" / "synth2019a.docx"))
    assert r.exit_code == 0
    # table 二 row by row with the 2019 columns, table 三 with its single （六）其他处理 row
    for text in ("2019年版格式", "政府集中采购", "采购项目数量", "本年增/减", "（六）其他处理"):
        assert text in r.stdout
    assert "申请人无正当理由逾期不补正" not in r.stdout
