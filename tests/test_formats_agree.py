"""One report, every file format, one model: text, DOCX, HTML and PDF renderings of the same
Report parse to the same format, meta and tables, every cell with a position of the format's kind.

The committed fixtures (tests/fixtures/formats, rebuilt by build_formats.py) cover PDF, which
needs LibreOffice to make; random synthetic reports cover text, DOCX and HTML here."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao import api
from nianbao.form import FORM_2021
from nianbao.generate import random_report
from nianbao.generate.docx import render_docx
from nianbao.generate.html import render_html
from nianbao.generate.layout import default_sections, report_title
from nianbao.generate.text import render_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
IDS = sorted(p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json"))
POSITION_KEYS = {"text": {"line"}, "docx": {"table", "row", "col"}, "html": {"table", "row", "col"},
                 "pdf": {"page", "bbox"}}


def model(report) -> dict:
    d = report.to_dict()
    return {"format": d["format"], "meta": d["meta"], "tables": d["tables"]}


def leaf_paths(tree: dict, prefix: str) -> list[str]:
    out = []
    for k, v in tree.items():
        out += leaf_paths(v, f"{prefix}.{k}") if isinstance(v, dict) else [f"{prefix}.{k}"]
    return out


def cell_paths(expected: dict) -> list[str]:
    """Every table cell of the expected model (legacy cells of the 2019 layout included)."""
    paths = leaf_paths(expected["tables"], "tables")
    if expected["format"] == FORM_2021.version:
        assert sorted(paths) == sorted(FORM_2021.cell_paths())
    return paths


def fixture_files(rid: str) -> list[Path]:
    return sorted(p for p in FIXTURES.glob(f"{rid}.*") if not p.name.endswith(".json"))


def test_every_report_has_several_formats_including_a_multi_page_pdf_and_two_2019_reports():
    assert {p.suffix for rid in IDS for p in fixture_files(rid)} >= {".docx", ".html", ".pdf", ".txt"}
    formats = [json.loads((FIXTURES / f"{rid}.expected.json").read_text("utf-8"))["format"] for rid in IDS]
    assert formats.count("2019") >= 2 and "2021" in formats
    assert all(len(fixture_files(rid)) >= 2 for rid in IDS)


@pytest.mark.parametrize("rid", IDS)
def test_every_format_of_a_report_parses_to_its_expected_model_with_positions(rid):
    expected = json.loads((FIXTURES / f"{rid}.expected.json").read_text("utf-8"))
    models = {}
    for path in fixture_files(rid):
        report = api.parse_file(path)
        got = model(report)
        assert got == expected, f"{path.name} differs from the report it was rendered from"
        keys = POSITION_KEYS[report.source.reader]
        for cell in cell_paths(expected):
            pos = report.provenance.get(cell)
            assert pos is not None, f"{path.name}: no position for {cell}"
            assert keys <= set(pos.model_dump(exclude_none=True)), f"{path.name}: {cell} at {pos}"
        models[path.suffix] = got
    assert len(models) >= 2 and all(m == expected for m in models.values())


def as_rendered(report):
    report.sections = default_sections(report)
    report.meta.title = report_title(report)
    return report


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), nonzero=st.booleans(), blanks=st.sampled_from([0.0, 0.0, 0.1]),
       chrome=st.booleans())
def test_random_report_as_text_docx_and_html_gives_one_model(seed, nonzero, blanks, chrome):
    report = as_rendered(random_report(random.Random(seed), nonzero=nonzero, blanks=blanks))
    want = model(report)
    renders = {
        "r.docx": render_docx(report),
        "r.html": render_html(report, site_chrome=chrome, charset="gbk" if chrome else "utf-8"),
    }
    if not blanks:      # a blank cell in tab-separated text can shift a row: text has no cell borders
        renders["r.txt"] = render_bytes(report, layout="tabs", seed=seed)
    for name, data in renders.items():
        assert model(api.parse_bytes(data, name)) == want, name
