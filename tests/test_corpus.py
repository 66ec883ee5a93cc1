"""The committed synthetic corpus (tests/fixtures/corpus, rebuilt by its rebuild.py): 24 varied text
reports with nonzero tables, each parsed to every cell and the meta of its gold file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao import api
from nianbao.form import FORM_2021

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md"))


def cell(tables: dict, path: str):
    table, rest = path.removeprefix("tables.").split(".", 1)
    if table == "applications":
        row, col = rest.rsplit(".", 1)
        return tables[table][row][col]
    obj = tables[table]
    for part in rest.split("."):
        obj = obj[part]
    return obj


def test_the_corpus_is_varied_and_its_tables_are_nonzero():
    assert len(CASES) >= 20
    assert {p.stem.split("_", 1)[1] for p in CASES} == {"tabs", "cells", "markdown"}
    raw = [p.read_bytes() for p in CASES]
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw)
    assert any(b"\r\n" in b for b in raw)
    assert any(_not_utf8(b) for b in raw)                      # GB18030
    agencies = set()
    for p in CASES:
        gold = json.loads(p.with_name(p.stem + ".gold.json").read_text(encoding="utf-8"))
        agencies.add(gold["meta"]["agency"])
        values = [cell(gold["tables"], path) for path in FORM_2021.cell_paths()]
        assert gold["tables"]["applications"]["new_received"]["total"] > 0
        assert sum(1 for v in values if v) >= 15, p.name
    assert len(agencies) >= 20


def _not_utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_corpus_report_parses_to_every_cell_and_the_meta(path):
    gold = json.loads(path.with_name(path.stem + ".gold.json").read_text(encoding="utf-8"))
    got = api.parse_bytes(path.read_bytes(), path.name).to_dict()
    wrong = [(p, cell(gold["tables"], p), cell(got["tables"], p)) for p in FORM_2021.cell_paths()
             if cell(gold["tables"], p) != cell(got["tables"], p)]
    assert wrong == []
    for field in ("agency", "year", "period", "published"):
        assert got["meta"][field] == gold["meta"][field], field
    assert [s["no"] for s in got["sections"]] == [1, 2, 3, 4, 5, 6]
