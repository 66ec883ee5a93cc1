"""Reports in the 2019 layout: the model keeps the shared cells, drops what the layout lacks,
and keeps the old layout's own cells under tables.legacy (keys: extract/legacy2019.py)."""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao import api
from nianbao.extract.legacy2019 import LEGACY_ACTIVE, cell_paths_2019, legacy_cell_paths
from nianbao.form import FORM_2019, FORM_2021
from nianbao.generate import random_report
from nianbao.generate.docx import render_docx
from nianbao.generate.html import render_html
from nianbao.generate.layout import default_sections, report_title
from nianbao.readers import read

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
sys.path.insert(0, str(FIXTURES.parent))
from build_formats import as_2019  # noqa: E402

FILES_2019 = sorted(p for p in FIXTURES.glob("synth2019*") if not p.name.endswith(".json"))


def value_at(d: dict, path: str):
    if path.startswith("tables.applications."):      # row keys hold a dot ("denied.state_secret")
        row, col = path.removeprefix("tables.applications.").rsplit(".", 1)
        return d["tables"]["applications"][row][col]
    for part in path.split("."):
        d = d[part]
    return d


@pytest.mark.parametrize("path", FILES_2019, ids=lambda p: p.name)
def test_2019_report_keeps_shared_cells_drops_missing_ones_and_keeps_legacy(path):
    report = api.parse_file(path)
    d = report.to_dict()
    assert d["format"] == "2019"
    assert set(d["tables"]["active_disclosure"]) == {"licensing", "punishment", "enforcement"}
    # the 2019 rows the 2021 model shares, in print order (its own （六）其他处理 lives under tables.legacy)
    assert list(d["tables"]["applications"]) == [k for k in FORM_2019.table("applications").row_keys
                                                 if k in FORM_2021.table("applications").by_key]
    assert set(d["tables"]["legacy"]["active_disclosure"]) == set(LEGACY_ACTIVE)
    expected = json.loads((FIXTURES / f"{path.name.split('.')[0]}.expected.json").read_text("utf-8"))
    for cell in cell_paths_2019():
        assert value_at(d, cell) == value_at(expected, cell), cell
        assert cell in report.provenance, cell


def test_2019_table_three_has_one_other_processing_row_in_the_docx_grid():
    doc = read((FIXTURES / "synth2019a.docx").read_bytes(), "synth2019a.docx")
    t3 = doc.tables()[1]
    rows = [r for r in t3.rows if "其他处理" in r[1].text]
    assert len(rows) == 1 and rows[0][2].covered and rows[0][2].text == "（六）其他处理"
    assert len(t3.rows) == 3 + len(FORM_2019.table("applications").rows)


def test_legacy_paths_cover_every_cell_of_the_old_layouts_table_two():
    assert len(legacy_cell_paths()) == 3 * 2 + 3 * 4 + 2 + 2 + 7


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), year=st.sampled_from([2019, 2020]), chrome=st.booleans())
def test_random_2019_reports_round_trip_through_docx_and_html(seed, year, chrome):
    report = as_2019(random_report(random.Random(seed), nonzero=True), random.Random(seed + 1), year)
    report.sections = default_sections(report)
    report.meta.title = report_title(report)
    want = report.to_dict()
    for name, data in (("r.docx", render_docx(report)), ("r.html", render_html(report, site_chrome=chrome))):
        got = api.parse_bytes(data, name).to_dict()
        assert (got["format"], got["meta"], got["tables"]) == (want["format"], want["meta"], want["tables"]), name


def html_as_text(page: bytes, mode: str) -> str:
    """A web page converted to text the ways converters do: cells joined by tabs or " | " per row,
    one cell per line after a tab with blank lines between rows, or one bare cell per line."""
    from lxml import html as H

    out: list[str] = []
    for el in H.fromstring(page).iter("p", "h1", "h2", "h3", "table"):
        if el.tag != "table":
            if not any(a.tag in ("td", "th") for a in el.iterancestors()):
                out.append(el.text_content().strip())
            continue
        for tr in el.iter("tr"):
            cells = [" ".join(td.text_content().split()) for td in tr.iter("td", "th")]
            out += {"tabs": ["\t".join(cells)], "pipes": [" | ".join(cells) + " |"],
                    "cells": ["\t" + c for c in cells] + [""], "bare": cells}[mode]
    return "\n".join(out)


@pytest.mark.parametrize("mode", ["tabs", "pipes", "cells", "bare"])
@pytest.mark.parametrize("seed", range(4))
def test_2019_reports_converted_to_text_keep_the_format_and_every_cell(mode, seed):
    report = as_2019(random_report(random.Random(seed), nonzero=seed % 3 != 0), random.Random(seed + 1), 2019 + seed % 2)
    report.sections = default_sections(report)
    report.meta.title = report_title(report)
    want = report.to_dict()
    got = api.parse_bytes(html_as_text(render_html(report), mode).encode(), "r.txt").to_dict()
    assert (got["format"], got["tables"]) == (want["format"], want["tables"])
