"""Compare counts findings as the scorecard does: those the reviewers dismissed (误报 / 不适用) are not
counted in 错误/警告/提示 and are given apart (`dismissed`), labelled so in Chinese — the same in the
library, `nianbao compare` (table and --json) and /api/compare; a row's region is the registry's
full name where a registry entry matched the agency. On SQLite and PostgreSQL (registry_world)."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from nianbao.cli.app import app as cli_app
from nianbao.compare import FINDINGS_NOTE, INDICATORS
from store_support import db_url  # noqa: F401  (fixture)
from test_export_registry_review import CULTURE, EDUCATION, FULL, JUSTICE, registry_world, web_client  # noqa: F401

runner = CliRunner()
WITHOUT = "（不含误报/不适用）"


def _counts(rows, ids) -> dict[int, tuple[int, int, int, int]]:
    return {r["report_id"]: (r["errors"], r["warnings"], r["infos"], r["dismissed"]) for r in rows
            if r["report_id"] in ids}


def test_dismissed_findings_are_not_counted_and_the_labels_say_so(registry_world):
    w = registry_world
    info = w.lib.store.get_info(w.ids[JUSTICE])
    assert (info.errors, info.warnings) == (1, 3)               # stored: every finding
    (row,) = [r for r in w.lib.compare(region="红寺堡区", year=2023) if r.report_id == w.ids[JUSTICE]]
    assert (row.errors, row.warnings, row.infos, row.dismissed) == (1, 1, 0, 2)
    labels = dict(INDICATORS)
    assert labels["warnings"] == "警告" + WITHOUT and labels["errors"] == "错误" + WITHOUT
    assert "误报" in labels["dismissed"] and "误报" in FINDINGS_NOTE
    # the same rule for a report list and an agency's years
    (by_id,) = w.lib.compare(ids=[w.ids[JUSTICE]])
    (years,) = w.lib.compare(agency=JUSTICE)
    assert (by_id.warnings, by_id.dismissed) == (years.warnings, years.dismissed) == (1, 2)


def test_cli_compare_json_and_table_count_without_dismissed(registry_world):
    w = registry_world
    res = runner.invoke(cli_app, ["compare", "--db", w.url, "--region", "红寺堡区", "--year", "2023", "--json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert body["indicators"]["warnings"] == "警告" + WITHOUT and body["findings_note"] == FINDINGS_NOTE
    assert _counts(body["rows"], {w.ids[JUSTICE]}) == {w.ids[JUSTICE]: (1, 1, 0, 2)}
    assert {r["agency_name"]: r["region"] for r in body["rows"]} == {JUSTICE: FULL, EDUCATION: FULL, CULTURE: "吴忠市"}
    res = runner.invoke(cli_app, ["compare", "--db", w.url, "--region", "红寺堡区", "--year", "2023"],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "不含误报/不适用" in res.stdout
    # 司法局 is the only report with findings (the others 0/0/0); its name may wrap on a narrow console
    assert "1/1/0" in res.stdout and "1/3/0" not in res.stdout


def test_api_compare_counts_like_the_cli_for_ids_agency_and_region(registry_world, tmp_path):
    w = registry_world
    rid = w.ids[JUSTICE]
    with web_client(w, tmp_path) as c:
        by_ids = c.get("/api/compare", params={"ids": rid}).json()
        agency_id = w.lib.store.get_info(rid).agency_id
        by_agency = c.get("/api/compare", params={"agency_id": agency_id}).json()
        by_region = c.get("/api/compare", params={"region": "红寺堡区", "year": 2023}).json()
    for body in (by_ids, by_agency, by_region):
        assert body["indicators"]["warnings"] == "警告" + WITHOUT and body["findings_note"] == FINDINGS_NOTE
        assert _counts(body["rows"], {rid}) == {rid: (1, 1, 0, 2)}
    assert {r["agency_name"]: r["region"] for r in by_region["rows"]} == {JUSTICE: FULL, EDUCATION: FULL,
                                                                         CULTURE: "吴忠市"}


def test_a_decision_on_a_finding_the_audit_no_longer_gives_does_not_count(registry_world):
    """A dismissed decision is matched to a stored finding by its key: when the finding is gone
    from the stored findings (a re-audit replaced them), nothing is subtracted."""
    from sqlalchemy import delete

    from nianbao.store.models import Finding

    w = registry_world
    rid = w.ids[JUSTICE]
    with w.lib.store._write() as s:
        s.execute(delete(Finding).where(Finding.report_id == rid, Finding.code == "T002"))
    (row,) = w.lib.compare(ids=[rid])
    assert row.dismissed == 1          # N001 still dismissed; T002's decision has no finding left
