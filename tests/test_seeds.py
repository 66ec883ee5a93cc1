"""The five real seed reports (bundled as samples) parse to their gold values: every table
cell and the meta fields the scorer checks (agency, year, period, published)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.form import FORM_2021
from nianbao.api import parse_file

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples"
GOLD = Path(__file__).resolve().parent / "fixtures" / "text" / "gold"
SHARED = Path("/work/shared")
CASES = sorted(SAMPLES.glob("*.txt"))


def test_every_seed_has_its_gold():
    assert len(CASES) == 5 and all((GOLD / f"{p.stem}.json").exists() for p in CASES)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem[:3])
def test_seed_parses_to_gold(path):
    gold = json.loads((GOLD / f"{path.stem}.json").read_text(encoding="utf-8"))
    report = parse_file(path)
    got = report.to_dict()
    wrong = []
    for full in FORM_2021.cell_paths():
        table, *rest = full.split(".")[1:]
        if table == "applications":
            row, col = ".".join(rest[:-1]), rest[-1]
            want = gold["tables"]["applications"][row][col]
        else:
            want = gold["tables"][table][rest[0]][rest[1]]
        if report.tables.cell(full[len("tables."):]) != want:
            wrong.append(full)
    assert wrong == []
    gm = gold["meta"]
    assert got["meta"]["agency"].endswith(gm["agency"])
    assert got["meta"]["year"] == gm["year"]
    assert got["meta"]["period"] == gm["period"]
    assert got["meta"]["published"] == gm["published"]
    assert got["extraction"]["tables_found"] == ["active_disclosure", "applications", "review_litigation"]
    assert [s["no"] for s in got["sections"]] == [1, 2, 3, 4, 5, 6]


@pytest.mark.skipif(not (SHARED / "tools" / "score.py").exists(), reason="shared scorer not on this machine")
def test_shared_scorer_reports_full_accuracy_on_the_seeds():
    nianbao = Path(sys.executable).with_name("nianbao")
    p = subprocess.run([sys.executable, "score.py", "--cmd", f"{nianbao} parse {{file}} --json",
                        "--gold-dir", "../fixtures/gold", "--cases-dir", "../seeds"],
                       cwd=SHARED / "tools", capture_output=True, text=True, timeout=300)
    summary = p.stdout.strip().splitlines()[-1]
    assert "cells 1.0000" in summary and "meta 1.0000" in summary and "crashes 0" in summary, p.stdout


def test_seed_label_variant_and_debris_are_recorded():
    r = parse_file(SAMPLES / "000_ef8df38a32860903.txt")
    assert [(v.path, v.found) for v in r.extraction.label_variants] == [
        ("tables.applications.denied.prohibited_by_law", "2.其他法律法规禁止公开")]
    r = parse_file(SAMPLES / "002_e5f07f85354855e1.txt")
    assert {d.kind for d in r.extraction.debris} == {"bookmark", "page_number"}
    r = parse_file(SAMPLES / "004_7e4f672173225b47.txt")
    assert r.extraction.label_variants == []
