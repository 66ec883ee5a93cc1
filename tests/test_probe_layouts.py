"""Hand-made reports in conversion layouts the seeds do not show (an independent check on the
extractor, not produced by nianbao's own generator). Each <name>.txt or <name>.docx has <name>.gold.json;
a .docx is built by a script beside it (build_*.py) and committed."""
import json
from pathlib import Path

import pytest

from nianbao.api import parse_file
from nianbao.form import FORM_2021
from nianbao.model import Tables

PROBES = Path(__file__).parent / "fixtures" / "probe"
# Layout families not read yet: strict xfail, so a fix shows up as XPASS and the mark goes.
NOT_YET: dict[str, str] = {}


def cases():
    for path in sorted([*PROBES.glob("*.txt"), *PROBES.glob("*.docx")]):
        marks = [pytest.mark.xfail(reason=NOT_YET[path.stem], strict=True)] if path.stem in NOT_YET else []
        yield pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", list(cases()))
def test_probe_report_parses_to_its_gold_cells_and_meta(path):
    gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))
    report = parse_file(path)
    expected = Tables.model_validate(gold["tables"])
    wrong = [p for p in FORM_2021.cell_paths() if report.tables.cell(p[7:]) != expected.cell(p[7:])]
    assert wrong == []
    got_meta = report.to_dict()["meta"]
    assert {k: got_meta[k] for k in gold["meta"]} == gold["meta"]
