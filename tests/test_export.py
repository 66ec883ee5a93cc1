"""Export: XLSX opens with openpyxl and its figures equal the store's; CSV/JSON long and wide forms;
the 整改清单 in XLSX and DOCX. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from nianbao.form import FORM_2019, FORM_2021
from nianbao.errors import InputError
from nianbao.export import cell_label, export_bytes, rectification_bytes
from nianbao.generate import random_agency, random_report
from nianbao.store.cells import number
from store_support import db_url, store  # noqa: F401  (fixtures)

CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]


def _fill(store, n=4, seed=1):
    rng = random.Random(seed)
    ids = []
    ag = random_agency(rng, "county_dept")
    for i in range(n):
        r = random_report(rng, year=2021 + i % 2, agency=ag if i < 2 else None, blanks=0.05)
        r.source.sha256 = f"{seed}{i:063x}"
        ids.append(store.save_report(r).report_id)
    return ids, ag


def test_xlsx_opens_and_its_figures_equal_the_store(store):
    ids, _ = _fill(store)
    data, name, media = export_bytes(store, "xlsx")
    assert name.endswith(".xlsx") and "spreadsheet" in media
    wb = load_workbook(io.BytesIO(data), read_only=True)
    assert wb.sheetnames[:5] == ["报告", "表二 主动公开", "表三 依申请公开", "表四 复议诉讼", "审核问题"]
    cells = store.cells(ids)
    checked = 0
    for sheet, table in (("表二 主动公开", "active_disclosure"), ("表三 依申请公开", "applications"),
                         ("表四 复议诉讼", "review_litigation")):
        rows = list(wb[sheet].iter_rows(values_only=True))
        header = rows[0]
        assert header[:3] == ("报告编号", "机关", "年度")
        paths = [p for p in FORM_2021.cell_paths() if p.startswith(f"tables.{table}.")]
        assert list(header[3:]) == [cell_label(*p.removeprefix("tables.").split(".", 1)[:1],
                                               *p.removeprefix("tables.").split(".", 1)[1].rsplit(".", 1))
                                    for p in paths]
        for row in rows[1:]:
            rid = row[0]
            for p, v in zip(paths, row[3:]):
                t, rest = p.removeprefix("tables.").split(".", 1)
                rk, ck = rest.rsplit(".", 1)
                assert v == number(cells[rid][(t, rk, ck)]), (sheet, rid, p)
                checked += 1
    assert checked == len(ids) * len(FORM_2021.cell_paths())
    findings = list(wb["审核问题"].iter_rows(values_only=True))
    assert len(findings) - 1 == len(store.findings(report_ids=ids))


def test_csv_long_form_has_one_row_per_cell(store):
    ids, _ = _fill(store, 2)
    data, _, _ = export_bytes(store, "csv", "long")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 2 * len(FORM_2021.cell_paths())
    cells = store.cells(ids)
    for r in rows[:60]:
        stored = cells[int(r["report_id"])][(r["table"], r["row"], r["column"])]
        assert (r["value"] == "" and stored is None) or float(r["value"]) == stored


def test_wide_json_has_one_row_per_report_with_labels(store):
    ids, _ = _fill(store, 3)
    data, _, _ = export_bytes(store, "json", "wide", year=2021)
    obj = json.loads(data)
    assert {r["report_id"] for r in obj["rows"]} == {i.id for i in store.list_reports(year=2021)}
    assert obj["labels"]["applications.granted.total"] == "表三·（一）予以公开·总计"
    r = obj["rows"][0]
    got = store.get_report(r["report_id"]).report
    assert r["applications.new_received.total"] == got.tables.applications["new_received"].total


def test_parquet_either_writes_or_says_what_is_missing(store):
    _fill(store, 1)
    try:
        import pyarrow.parquet as pq
    except ImportError:
        with pytest.raises(InputError, match="pyarrow"):
            export_bytes(store, "parquet")
        return
    data, _, _ = export_bytes(store, "parquet", "long")
    assert pq.read_table(io.BytesIO(data)).num_rows == len(FORM_2021.cell_paths())


def test_rectification_lists_the_agencys_findings(store):
    from nianbao.library import history_rules

    store.history_rules = history_rules       # as the Library opens it: the cross-year findings are made
    ids, ag = _fill(store)
    data, name, _ = rectification_bytes(store, ag.name, "xlsx")
    assert ag.name in name
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    mine = [i.id for i in store.list_reports(agency=ag.name)]
    expected = store.findings(report_ids=mine)
    assert len(rows) == len(expected) and expected
    assert {r[5] for r in rows} == {f["message"] for f in expected}
    docx_bytes, dname, _ = rectification_bytes(store, ag.name, "docx")
    from docx import Document

    doc = Document(io.BytesIO(docx_bytes))
    assert len(doc.tables[0].rows) == len(expected) + 1
    with pytest.raises(InputError):
        rectification_bytes(store, "不存在的机关", "xlsx")


def test_cli_export_writes_file_and_refuses_unknown_format(db_url, tmp_path):
    from nianbao.store import open_store

    s = open_store(db_url)
    _fill(s, 2)
    s.close()
    out = tmp_path / "x.xlsx"
    p = subprocess.run([*CLI, "export", "--db", db_url, "--format", "xlsx", "--out", str(out), "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["file"] == str(out) and load_workbook(out).sheetnames[0] == "报告"
    p = subprocess.run([*CLI, "export", "--db", db_url, "--format", "pdf"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 2 and "pdf" in p.stderr


def test_cell_labels_are_the_forms_names_with_the_columns_unit():
    assert cell_label("applications", "denied.state_secret", "natural_person") == \
        "表三·（三）不予公开·1.属于国家秘密·自然人"
    assert cell_label("active_disclosure", "fees", "amount_10k_yuan") == "表二·行政事业性收费·本年收费金额（单位：万元）"
    # the 2019 layout's own cells, stored under table "legacy", are named by the 2019 form
    assert cell_label("legacy", "active_disclosure.procurement", "amount") == "表二·政府集中采购·采购总金额"
    assert cell_label("legacy", "applications.other_processing", "total") == "表三·（六）其他处理·总计"
    assert cell_label("elsewhere", "row", "col") == "elsewhere·row·col"
