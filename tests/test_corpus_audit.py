"""The audit makes no false errors on the nonzero fixture corpus: its reports are consistent
by construction, so a finding of severity error there is a bug in the extractor or a rule."""
from pathlib import Path

import pytest

from nianbao import api

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for d in ("corpus", "probe") for p in (FIXTURES / d).iterdir() if p.suffix in (".txt", ".md"))


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_consistent_fixture_report_gets_no_finding_of_severity_error(path):
    report = api.audit(api.parse_file(path))
    assert [f"{f.code} {f.message}" for f in report.findings if f.severity == "error"] == []
