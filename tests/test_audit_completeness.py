"""C rules: sections, tables, blanks, label wording, the fee statement, section 五."""
from nianbao.form import FORM_2021
from nianbao.model import LabelVariant, Position

from audit_support import clean_report, codes, findings, with_text


def test_c001_names_each_missing_section():
    r = clean_report()
    r.sections = [s for s in r.sections if s.no not in (4, 6)]
    msgs = [f.message for f in findings(r, "C001")]
    assert msgs == ["缺少第四部分「政府信息公开行政复议、行政诉讼情况」", "缺少第六部分「其他需要报告的事项」"]


def test_c001_silent_with_all_six_sections():
    assert findings(clean_report(), "C001") == []


def test_c002_fires_for_a_table_not_found_and_without_values():
    r = clean_report()
    r.extraction.tables_found = ["active_disclosure", "applications"]
    for g in ("review", "litigation_direct", "litigation_after_review"):
        for c in ("maintained", "corrected", "other", "pending", "total"):
            r.tables.set_cell(f"review_litigation.{g}.{c}", None)
    (f,) = findings(r, "C002")
    assert f.path == "tables.review_litigation" and "表四" in f.message
    assert findings(r, "C003") == []   # a missing table is not a table of blanks


def test_c002_silent_when_table_has_values_even_if_not_listed_as_found():
    r = clean_report()
    r.extraction.tables_found = []
    assert findings(r, "C002") == []


def test_c003_lists_blank_cells_once_per_table():
    r = clean_report()
    for c in ("maintained", "corrected", "other", "pending", "total"):
        r.tables.set_cell(f"review_litigation.review.{c}", None)
    r.tables.set_cell("applications.granted.research", None)
    fs = {f.path: f for f in findings(r, "C003")}
    assert set(fs) == {"tables.review_litigation", "tables.applications"}
    assert fs["tables.review_litigation"].data["count"] == 5
    assert "行政复议·结果维持" in fs["tables.review_litigation"].message
    assert fs["tables.applications"].data["cells"] == ["tables.applications.granted.research"]


def test_c003_silent_when_every_cell_has_a_number():
    assert findings(clean_report(), "C003") == []


def test_c004_reports_label_variants_but_not_mere_punctuation_differences():
    r = clean_report()
    r.extraction.label_variants = [
        LabelVariant(path="tables.applications.denied.prohibited_by_law", found="2.其他法律法规禁止公开",
                     official="2.其他法律行政法规禁止公开", evidence=Position(line=55)),
        LabelVariant(path="tables.applications.granted", found="(一) 予以公开", official="（一）予以公开"),
    ]
    (f,) = findings(r, "C004")
    assert f.severity == "info" and f.evidence.line == 55
    assert "「2.其他法律法规禁止公开」应为「2.其他法律行政法规禁止公开」" in f.message


def test_c005_fires_when_section_six_is_silent_on_fees():
    r = with_text(6, "（一）政务公开工作要点落实情况。各项任务均已落实。")
    (f,) = findings(r, "C005")
    assert f.severity == "warning"


def test_c005_says_where_the_fee_was_mentioned_instead():
    r = clean_report()
    r.section(6).text = "无其他需要报告的事项。"
    r.section(3).text = "本年度未收取信息处理费。"
    from audit_support import refresh_narrative
    refresh_narrative(r)
    (f,) = findings(r, "C005")
    assert "第三部分提及" in f.message


def test_c005_silent_when_section_six_states_no_fee_was_charged():
    for text in ("本机关2023年未收到政府信息公开申请，未收取信息处理费。", "无收取信息处理费的情况。",
                 "根据《政府信息公开信息处理费管理办法》的规定，本年度未收取任何信息处理费。"):
        assert findings(with_text(6, text), "C005") == [], text


def test_c005_not_satisfied_by_citing_the_fee_rules_only():
    r = with_text(6, "严格执行《政府信息公开信息处理费管理办法》。")
    assert len(findings(r, "C005")) == 1


def test_c006_fires_when_section_five_says_only_none_or_is_empty():
    for text in ("无。", "", "  暂无  ", "（一）存在的主要问题：无。\n（二）改进情况：无。"):
        (f,) = findings(with_text(5, text), "C006")
        assert "第五部分" in f.message


def test_c006_silent_when_section_five_states_problems():
    assert findings(clean_report(), "C006") == []
    assert codes(clean_report(), "C") == []


def test_c005_silent_when_section_six_states_the_fee_in_the_formats_own_words():
    # the 2021 format asks for 发出收费通知的件数和总金额以及实际收取的总金额; reports answer in those words
    for text in ("本年度发出收费通知的件数为0件，总金额0元；实际收取的总金额0元。",
                 "本年度没有发出收费通知，未收取任何费用。",
                 "2023年无政府信息公开信息处理费收取情况。"):
        r = with_text(6, text)
        assert findings(r, "C005") == [], text


def test_c005_not_satisfied_by_a_fee_subheading_alone():
    r = with_text(6, "（二）信息处理费收取情况\n（三）政务公开工作要点落实情况。各项任务均已落实。")
    assert len(findings(r, "C005")) == 1


def test_c003_silent_on_a_regulations_row_left_blank_by_an_agency_that_cannot_make_them():
    # "规章 / / /": a county department marks the row that does not apply to it
    r = clean_report(agency="吴忠市红寺堡区司法局")
    for c in ("issued", "repealed", "in_force"):
        r.tables.set_cell(f"active_disclosure.regulations.{c}", None)
    assert findings(r, "C003") == []
    # a provincial government makes 规章: its blank row is still a blank
    r.meta.agency = "宁夏回族自治区人民政府"
    (f,) = findings(r, "C003")
    assert f.data["count"] == 3


def test_c003_still_reports_a_partly_blank_regulations_row_and_other_blanks():
    r = clean_report(agency="吴忠市红寺堡区司法局")
    r.tables.set_cell("active_disclosure.regulations.repealed", None)
    r.tables.set_cell("active_disclosure.licensing.decisions", None)
    (f,) = findings(r, "C003")
    assert f.data["cells"] == ["tables.active_disclosure.regulations.repealed",
                               "tables.active_disclosure.licensing.decisions"]


def test_c005_reads_a_fee_sentence_hard_wrapped_inside_a_word():
    r = with_text(6, "（一）政务公开工作要点落实情况。各项任务均已落实。\n（二）信息处理费收取情况。本年度未收取政府信息公开信息处\n理费。")
    assert findings(r, "C005") == []


def _blank_table_four(r):
    r.extraction.tables_found = ["active_disclosure", "applications"]
    for g in ("review", "litigation_direct", "litigation_after_review"):
        for c in ("maintained", "corrected", "other", "pending", "total"):
            r.tables.set_cell(f"review_litigation.{g}.{c}", None)
    return r


def test_c002_silent_on_a_printed_table_whose_every_cell_is_blank():
    # the header is printed (wrapped as pdftotext -layout does), every cell "—": blanks, not a missing table
    header = ("行政复议                     行政诉讼\n            未经复议直接起诉       复议后起诉\n"
              "结果   结果   其他   尚未   总计   结果   结果   其他   尚未   总计\n"
              "维持   纠正   结果   审结          维持   纠正   结果   审结\n—      —      —      —      —")
    r = _blank_table_four(with_text(4, header))
    assert findings(r, "C002") == []
    (f,) = findings(r, "C003")
    assert f.data["count"] == 15


def test_c002_still_fires_when_section_four_only_tells_in_prose():
    r = _blank_table_four(with_text(4, "本年度本机关未发生因政府信息公开引起的行政复议、行政诉讼，无维持、纠正情况。"))
    assert len(findings(r, "C002")) == 1


def test_c005_not_asked_of_reports_before_the_fee_rules():
    # 《政府信息公开信息处理费管理办法》 is in force from 2021; the 2019 format has no fee item
    r = with_text(6, "无其他需要报告的事项。", year=2020)
    assert findings(r, "C005") == []
    r = with_text(6, "无其他需要报告的事项。", year=2022)
    r.format = "2019"
    assert findings(r, "C005") == []
    assert len(findings(with_text(6, "无其他需要报告的事项。", year=2021), "C005")) == 1


def _unread(r, row: str, cols: tuple[str, ...], reason: str = "该行有5个数值，应有7个，无法确定空缺位置"):
    from nianbao.model import Unread
    cells = [f"tables.applications.{row}.{c}" for c in cols]
    for p in cells:
        r.tables.set_cell(p.removeprefix("tables."), None)
    r.extraction.unread.append(Unread(row=f"tables.applications.{row}", cells=cells, reason=reason,
                                      evidence=Position(line=42)))


def test_c007_lists_cells_that_could_not_be_read_per_table_with_the_reason():
    r = clean_report()
    _unread(r, "granted", ("natural_person", "commercial"))
    _unread(r, "carried_forward", ("total",), "数值粘连，无法拆分")
    (f,) = findings(r, "C007")
    assert f.severity == "info" and f.path == "tables.applications" and f.evidence.line == 42
    assert f.message == ("表三以下单元格无法准确读取，已留空：（一）予以公开·自然人、（一）予以公开·商业企业"
                         "（该行有5个数值，应有7个，无法确定空缺位置）；四、结转下年度继续办理·总计（数值粘连，无法拆分）")
    assert f.data["cells"][0] == "tables.applications.granted.natural_person"


def test_c003_does_not_count_unread_cells_as_blank():
    r = clean_report()
    _unread(r, "granted", ("natural_person",))
    assert findings(r, "C003") == []
    r.tables.set_cell("applications.granted.research", None)        # a blank the report itself left
    (f,) = findings(r, "C003")
    assert f.data["cells"] == ["tables.applications.granted.research"]


def test_c007_says_a_table_printed_with_labels_but_no_values_and_c003_stays_silent():
    r = clean_report()
    for p in FORM_2021.cell_paths("review_litigation"):
        r.tables.set_cell(p.removeprefix("tables."), None)
    r.extraction.tables_found.remove("review_litigation")
    r.extraction.tables_without_values = ["review_litigation"]
    (f,) = findings(r, "C007")
    assert f.message == "表四「四、政府信息公开行政复议、行政诉讼情况」只印有行列标签，没有任何数值，各单元格已留空"
    assert findings(r, "C003") == [] and findings(r, "C002") == []


def test_c007_silent_when_everything_was_read():
    assert findings(clean_report(), "C007") == []
