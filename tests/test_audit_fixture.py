"""A whole text report with known mistakes, parsed and audited end to end (tests/fixtures/audit)."""
import json
from pathlib import Path

from typer.testing import CliRunner

from nianbao.cli import app

FIXTURE = Path(__file__).parent / "fixtures" / "audit" / "inconsistent_2024.txt"


def test_inconsistent_report_draws_exactly_its_mistakes_with_lines():
    res = CliRunner().invoke(app, ["audit", str(FIXTURE), "--json"])
    assert res.exit_code == 1
    found = json.loads(res.stdout)["findings"]
    by_code = {}
    for f in found:
        by_code.setdefault(f["code"], []).append(f)
    # table 三 says 3 new + 1 carried over but only 3 handled; table 四 行政复议 1 ≠ 2; the period
    # is last year's; the text says 4 applications and 1 review; 五 says only 无; 六 is silent on
    # fees; a 县 department signing on 15 February
    assert set(by_code) == {"T303", "T401", "D001", "N001", "N002", "C005", "C006", "D004"}
    assert {f["data"]["col"] for f in by_code["T303"]} == {"natural_person", "total"}
    assert by_code["N001"][0]["path"] == "tables.applications.new_received.total"
    assert by_code["N001"][0]["evidence"]["line"] == 12
    assert "正文称本年新收申请4件，但表三为3件" in by_code["N001"][0]["message"]
    assert by_code["C006"][0]["evidence"]["line"] > 70          # section 五, found through provenance
    assert all(f["severity"] == "error" for c in ("T303", "T401", "D001", "N001", "N002") for f in by_code[c])
