"""T rules: table arithmetic, pointing at the cell where it fails."""
from audit_support import clean_report, codes, findings

from nianbao.form import FORM_2019


def test_clean_report_has_no_findings():
    assert codes(clean_report()) == []


def test_t301_fires_when_applicant_columns_do_not_add_up_to_row_total():
    r = clean_report()
    r.tables.set_cell("applications.granted.natural_person", 3)
    r.tables.set_cell("applications.granted.commercial", 1)
    r.tables.set_cell("applications.granted.total", 5)
    (f,) = findings(r, "T301")
    assert f.severity == "error"
    assert f.path == "tables.applications.granted.total"
    assert "(3+1+0+0+0+0)=4" in f.message and "总计列为5" in f.message
    assert f.evidence.line == r.provenance["tables.applications.granted.total"].line


def test_t301_silent_when_rows_add_up():
    r = clean_report()
    for col, v in (("natural_person", 3), ("commercial", 1), ("total", 4)):
        for row in ("new_received", "granted", "results_total"):
            r.tables.set_cell(f"applications.{row}.{col}", v)
    assert codes(r, "T") == []


def test_t301_skips_rows_with_a_blank_cell():
    r = clean_report()
    r.tables.set_cell("applications.granted.natural_person", None)
    r.tables.set_cell("applications.granted.total", 5)
    assert findings(r, "T301") == []


def test_single_wrong_cell_is_located_where_row_and_column_equations_cross():
    r = clean_report()
    r.tables.set_cell("applications.granted.research", 2)   # row total, column total untouched
    got = {f.code: f for f in findings(r, "T30")}
    assert set(got) == {"T301", "T302"}
    assert got["T301"].path == got["T302"].path == "tables.applications.granted.research"
    assert "疑为「（一）予以公开·科研机构」格有误" in got["T301"].message


def test_t302_fires_when_outcomes_do_not_add_up_to_results_total():
    r = clean_report()
    for row, v in (("granted", 2), ("denied.state_secret", 1)):
        r.tables.set_cell(f"applications.{row}.natural_person", v)
        r.tables.set_cell(f"applications.{row}.total", v)
    for row in ("results_total", "new_received"):
        r.tables.set_cell(f"applications.{row}.natural_person", 4)
        r.tables.set_cell(f"applications.{row}.total", 4)
    fs = findings(r, "T302")
    assert {f.data["col"] for f in fs} == {"natural_person", "total"}
    f = fs[0]
    assert f.data["sum"] == "3" and f.data["total"] == "4"
    assert "各项办理结果之和=3，但（七）总计为4" in f.message


def _received_6_handled_5(carried_forward: int = 0):
    """新收 5 + 上年结转 1 in 自然人 and 总计, 5 granted, and `carried_forward` carried forward."""
    r = clean_report()
    for col in ("natural_person", "total"):
        for row, v in (("new_received", 5), ("carried_over", 1), ("granted", 5), ("results_total", 5),
                       ("carried_forward", carried_forward)):
            r.tables.set_cell(f"applications.{row}.{col}", v)
    return r


def test_t303_fires_when_received_differs_from_handled_plus_forward():
    r = _received_6_handled_5()
    fs = findings(r, "T303")
    assert {f.data["col"] for f in fs} == {"natural_person", "total"}
    total = next(f for f in fs if f.data["col"] == "total")
    assert "新收(5)+上年结转(1)=6，但办理结果总计(5)+结转下年度(0)=5" in total.message


def test_t303_silent_when_carried_forward_balances():
    assert codes(_received_6_handled_5(carried_forward=1), "T") == []


def test_t304_fires_on_negative_or_fractional_counts_and_negative_fee():
    r = clean_report()
    r.tables.set_cell("active_disclosure.licensing.decisions", -1)
    r.tables.set_cell("review_litigation.review.pending", 1.5)
    r.tables.set_cell("active_disclosure.fees.amount_10k_yuan", -0.2)
    paths = {f.path for f in findings(r, "T304")}
    assert paths == {"tables.active_disclosure.licensing.decisions", "tables.review_litigation.review.pending",
                     "tables.active_disclosure.fees.amount_10k_yuan"}


def test_t304_accepts_fractional_fee_and_whole_float_counts():
    r = clean_report()
    r.tables.set_cell("active_disclosure.fees.amount_10k_yuan", 0.35)
    r.tables.set_cell("active_disclosure.licensing.decisions", 12.0)
    assert findings(r, "T304") == []


def test_t401_fires_when_review_parts_do_not_add_up():
    r = clean_report()
    rl = r.tables.review_litigation.review
    rl.maintained, rl.corrected, rl.total = 1, 1, 3
    (f,) = findings(r, "T401")
    assert f.path == "tables.review_litigation.review.total"
    assert "=2，但总计为3" in f.message


def test_t401_silent_when_review_parts_add_up_and_skips_blanks():
    r = clean_report()
    rl = r.tables.review_litigation.litigation_direct
    rl.maintained, rl.pending, rl.total = 1, 2, 3
    r.tables.review_litigation.review.maintained = None
    r.tables.review_litigation.review.total = 4
    assert findings(r, "T401") == []


def _report_2019():
    r = clean_report()
    r.format = "2019"
    for row in ("other.no_correction", "other.fee_unpaid", "other.other"):
        del r.tables.applications[row]
    for col in FORM_2019.table("applications").columns:
        r.tables.set_cell(f"legacy.applications.other_processing.{col.key}", 0)
    return r


def test_t302_in_the_2019_format_counts_the_single_other_processing_row():
    r = _report_2019()
    for row in ("new_received", "results_total"):
        r.tables.set_cell(f"applications.{row}.natural_person", 2)
        r.tables.set_cell(f"applications.{row}.total", 2)
    r.tables.set_cell("legacy.applications.other_processing.natural_person", 2)
    r.tables.set_cell("legacy.applications.other_processing.total", 2)
    assert findings(r, "T30") == []
    r.tables.set_cell("legacy.applications.other_processing.natural_person", 1)
    r.tables.set_cell("legacy.applications.other_processing.total", 1)
    t302 = findings(r, "T302")
    assert {f.data["col"] for f in t302} == {"natural_person", "total"}
    assert all(f"tables.legacy.applications.other_processing.{f.data['col']}" in f.data["cells"] for f in t302)


def test_t301_checks_the_2019_other_processing_row_and_names_it():
    r = _report_2019()
    r.tables.set_cell("legacy.applications.other_processing.natural_person", 1)
    (f,) = findings(r, "T301")
    # its 自然人 column fails T302 too: the cell where the two cross is named
    assert f.path == "tables.legacy.applications.other_processing.natural_person"
    assert f.message.startswith("表三「（六）其他处理」行") and "疑为「（六）其他处理·自然人」格有误" in f.message


def test_t304_lets_the_2019_change_column_be_negative_but_not_a_count():
    r = _report_2019()
    r.tables.set_cell("legacy.active_disclosure.fees.change", -3)
    assert findings(r, "T304") == []
    r.tables.set_cell("legacy.active_disclosure.fees.prev_year_items", -3)
    (f,) = findings(r, "T304")
    assert f.path == "tables.legacy.active_disclosure.fees.prev_year_items"
    assert f.message == "表二「行政事业性收费·上一年项目数量」为-3：件数必须是非负整数"
