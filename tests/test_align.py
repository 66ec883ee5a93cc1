"""The table reader's pure parts: tokens, the alignment of label pieces to the form's rows, and the
placement of a row's values in its columns (by count, blanks, glued digits and the arithmetic)."""
from __future__ import annotations

import importlib

from nianbao.api import parse_bytes
from nianbao.document import Document, Loc, Paragraph, Table, Cell
from nianbao.form import FORM_2021

tables = importlib.import_module("nianbao.extract.tables")
align_mod = importlib.import_module("nianbao.extract.tables.align")
place_mod = importlib.import_module("nianbao.extract.tables.place")
tokens_mod = importlib.import_module("nianbao.extract.tables.tokens")
apps = importlib.import_module("nianbao.extract.tables.assemble_applications")

TARGETS = tables.targets_for(FORM_2021.tables)


def lines(*texts: str) -> Document:
    return Document([Paragraph(t, Loc(line=i + 1)) for i, t in enumerate(texts)], reader="text")


def rows_of(*texts: str) -> dict[str, tuple[str, list[str]]]:
    """Row key → (label as found, value token texts) for a text whose lines are table cells."""
    toks = tokens_mod.tokens_of(lines(*texts))
    out = {}
    for r in tables.read_rows(toks, align_mod.align(toks, TARGETS), TARGETS):
        out[r.target.row.key] = (r.found, [t.text for t in r.values])
    return out


def toks(*texts: str):
    return [tokens_mod.cell_token(t, Loc(line=1)) for t in texts]


def vals(slots):
    return place_mod.values(slots)


# ---------------------------------------------------------------- alignment
def test_a_label_split_over_lines_is_one_row_with_its_words_joined():
    got = rows_of("4.无正当理由大量", "反复申请", "1", "0", "0", "0", "0", "0", "1")
    assert got["not_processed.excessive"] == ("4.无正当理由大量反复申请", ["1", "0", "0", "0", "0", "0", "1"])


def test_a_label_wrapped_after_its_values_keeps_them_and_its_whole_wording():
    got = rows_of("（二）部分公开（区分处理的，只计这一情形，", "2 0 0 0 0 0 2", "不计其他情形）", "（三）不予公开")
    found, values = got["partially_granted"]
    assert values == ["2", "0", "0", "0", "0", "0", "2"]
    assert found == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"


def test_a_group_glued_to_its_leaf_and_digits_glued_to_the_label():
    got = rows_of("（三）不予公开1.属于国家秘密0010124", "规章011")
    assert got["denied.state_secret"] == ("（三）不予公开1.属于国家秘密", ["0010124"])
    assert got["regulations"] == ("规章", ["011"])


def test_header_words_are_no_rows_and_a_repeated_header_does_not_cut_a_row():
    got = rows_of("自然人", "法人或其他组织", "商业", "企业", "其他", "总计",
                  "一、本年新收政府信息公开申请数量", "1", "2",
                  "某某局2023年政府信息公开工作年度报告",           # running header after a page break
                  "自然人", "商业企业", "3", "4", "5", "6", "21",
                  "3.其他", "0", "0", "0", "0", "0", "0", "0")
    assert got["new_received"][1] == ["1", "2", "3", "4", "5", "6", "21"]
    assert "other.other" in got and got["other.other"][0] == "3.其他"
    assert "results_total" not in got                               # the column header 总计 is no row


def test_missing_rows_leave_the_others_in_place():
    got = rows_of("一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1", "（七）总计 1 0 0 0 0 0 1")
    assert set(got) == {"new_received", "results_total"}


def test_rows_printed_out_of_the_forms_order_are_read():
    got = rows_of("行政事业性收费 0.5", "行政许可 3", "规章 1 0 4")
    assert got["fees"][1] == ["0.5"] and got["licensing"][1] == ["3"] and got["regulations"][1] == ["1", "0", "4"]


def test_prose_is_a_barrier_and_a_variant_heading_names_no_row():
    got = rows_of("四、结转下年度继续办理 0 0 0 0 0 0 0", "五、存在的主要问题及改进情况。", "12")
    assert got["carried_forward"][1] == ["0"] * 7


def test_a_letter_spaced_label_is_one_piece():
    assert [t.text for t in tokens_mod.tokens_of(lines("四 、 结 转 下 年 度 继 续 办 理   9   1"))] == \
        ["四、结转下年度继续办理", "9", "1"]


def test_label_similarity_is_cached_and_pure():
    a = TARGETS.similar("予以公开")
    assert a == TARGETS.similar("予以公开") and TARGETS.items[a[0][0]].row.key == "granted"
    assert TARGETS.similar("信息内容") == ()


# ---------------------------------------------------------------- placement
def test_exactly_as_many_values_as_columns_are_placed_in_order_with_blank_markers():
    slots, why = place_mod.place(toks("1", "—", "3"), 3)
    assert why == "" and vals(slots) == [1, None, 3]


def test_a_lone_pipe_counts_as_a_blank_only_when_the_row_is_short():
    pipe = tokens_mod.Token(tokens_mod.PB, "|", Loc(line=1))
    assert vals(place_mod.place(toks("1", "2") + [pipe] + toks("4"), 4)[0]) == [1, 2, None, 4]
    assert vals(place_mod.place(toks("1", "2", "3", "4") + [pipe], 4)[0]) == [1, 2, 3, 4]


def test_fewer_values_than_columns_stay_null_where_every_gap_adds_up():
    slots, why = place_mod.place(toks("2", "1", "3", "6", "12"), 7, apps.row_total)
    assert vals(slots) == [None] * 7 and why      # 2+1+3+6 = 12 whichever two of the six are blank
    slots, why = place_mod.place(toks("5", "1", "2", "3", "4", "15"), 7, apps.row_total)
    assert vals(slots) == [None] * 7 and why      # 5+1+2+3+4 = 15 whichever of the six is blank


def test_a_blank_is_no_zero_so_it_rules_no_reading_out():
    # 56 6 7 5 8 6: the blank may be 总计, or a part (then 总计 = 6 says nothing: a blank is no 0)
    slots, why = place_mod.place(toks("56", "6", "7", "5", "8", "6"), 7, apps.row_total)
    assert why and vals(slots) == [None] * 7
    # a blank 总计 or any blank part: 3+1+2+4+5 = 15 adds up wherever the part is, and a blank 总计 says nothing
    slots, why = place_mod.place(toks("3", "1", "2", "4", "5", "15"), 7, apps.row_total)
    assert why and vals(slots) == [None] * 7


def test_ambiguity_stays_null_with_a_reason_in_chinese():
    slots, why = place_mod.place(toks("1"), 3)
    assert vals(slots) == [None, None, None] and "无法确定空缺位置" in why


def test_glued_digits_are_cut_where_the_total_allows_one_cut_only():
    glued = tokens_mod.Token(tokens_mod.V, "241930272837165", Loc(line=1), 241930272837165, glued=True)
    slots, why = place_mod.place([glued], 7, apps.row_total)
    assert why == "" and vals(slots) == [24, 19, 30, 27, 28, 37, 165]


def test_glued_digits_with_one_digit_per_cell_and_no_arithmetic():
    glued = tokens_mod.Token(tokens_mod.V, "011", Loc(line=1), 11, glued=True)
    assert vals(place_mod.place([glued], 3)[0]) == [0, 1, 1]
    glued = tokens_mod.Token(tokens_mod.V, "1012", Loc(line=1), 1012, glued=True)
    slots, why = place_mod.place([glued], 3)              # 1|0|12 or 10|1|2: no arithmetic tells
    assert vals(slots) == [None] * 3 and why


def test_a_printed_dash_is_never_spare_only_empty_grid_cells_are():
    cells = [tokens_mod.cell_token(t, Loc(line=1), grid=0, row=0, col=i + 1) for i, t in enumerate(["—", "1", ""])]
    slots, _ = place_mod.place(cells, 2)
    assert vals(slots) == [None, 1] and slots[0].text == "—"


def test_empty_grid_slots_before_the_values_are_the_labels_merged_columns():
    doc = Document([Table([[Cell("四、结转下年度继续办理", Loc(table=0, row=0, col=0)), Cell(""), Cell("")]
                           + [Cell(str(v)) for v in (0, 0, 0, 0, 0, 1, 1)]])], reader="docx")
    res = tables.extract_tables(doc)
    assert [res.cells[f"tables.applications.carried_forward.{c.key}"][0] for c in FORM_2021.table("applications").columns] \
        == [0, 0, 0, 0, 0, 1, 1]


# ---------------------------------------------------------------- report level
def test_a_row_that_cannot_be_placed_is_unread_and_null_not_guessed():
    text = ("某局2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
            "规章 |\n1 |\n|||\n行政规范性文件 |\n0 |\n2 |\n3 |\n|\n").encode()
    r = parse_bytes(text, "r.txt")
    assert r.tables.active_disclosure.regulations.issued is None
    assert [u.row for u in r.extraction.unread] == ["tables.active_disclosure.regulations"]
    assert [r.tables.active_disclosure.normative_documents.issued,
            r.tables.active_disclosure.normative_documents.in_force] == [0, 3]


def test_a_table_printed_with_labels_but_no_values_is_said_to_be_so():
    text = ("某局2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n"
            "规章\n行政规范性文件\n第二十条第（五）项\n行政许可\n").encode()
    r = parse_bytes(text, "r.txt")
    assert r.extraction.tables_without_values == ["active_disclosure"]


def _one_long_row(*cells: str) -> Document:
    """Cells printed one per line read as one long grid row (the cells family: "\\t0" lines, a row
    closed by two empty "\\t" lines)."""
    return Document([Table([[Cell(t, Loc(table=0, row=0, col=i, line=i + 1)) for i, t in enumerate(cells)]])],
                    reader="text")


def test_cells_one_per_line_a_blank_first_cell_is_not_read_as_the_next_rows_zero():
    # cells-2021 explore draw: "1.信访举报投诉类申请" then a blank cell, six 0s, and the two empty
    # lines that close every row; the complete rows say the spare empty cells come after the values
    zeros = ["0"] * 7
    doc = _one_long_row("（五）不予处理", "1.信访举报投诉类申请", "", *["0"] * 6, "", "",
                        "2.重复申请", *zeros, "", "", "3.要求提供公开出版物", *zeros, "", "",
                        "4.无正当理由大量反复申请", *zeros, "", "")
    res = tables.extract_tables(doc)
    got = [res.cells[f"tables.applications.not_processed.petition.{c.key}"][0]
           for c in FORM_2021.table("applications").columns]
    assert got == [None, 0, 0, 0, 0, 0, 0]


def _grid(*rows: list[str]) -> Document:
    return Document([Table([[Cell(t, Loc(table=0, row=r, col=c)) for c, t in enumerate(cells)]
                            for r, cells in enumerate(rows)])], reader="text")


def test_a_merged_amount_cell_printed_twice_is_no_value_of_the_blank_item_count():
    # markdown-2019 explore draw: 采购总金额 is merged over two columns and printed in both; the
    # blank 采购项目数量 stays null, it does not take the amount's copy
    res = tables.extract_tables(_grid(["信息内容", "采购项目数量", "采购总金额", "采购总金额"],
                                      ["政府集中采购", "", "54.00", "54.00"]))
    cells = {p.rsplit(".", 1)[1]: v for p, (v, _) in res.cells.items() if ".procurement." in p}
    assert cells == {"items": None, "amount": 54.0}


def test_a_merged_header_repeats_a_value_in_both_columns_of_the_fee_row():
    res = tables.extract_tables(_grid(["信息内容", "上一年项目数量", "本年增/减", "本年增/减"],
                                      ["行政事业性收费", "0", "-1", "-1"],
                                      ["信息内容", "采购项目数量", "采购总金额", "采购总金额"],
                                      ["政府集中采购", "3", "", ""]))
    cells = {p.split(".", 3)[3]: v for p, (v, _) in res.cells.items() if ".fees." in p or ".procurement." in p}
    assert cells == {"fees.prev_year_items": 0, "fees.change": -1, "procurement.items": 3, "procurement.amount": None}


def _applications(printed: dict[str, str]) -> dict[str, list]:
    """Table 三 printed as one line per row ("label v v …"), all-zero rows unless given."""
    out = []
    for row in FORM_2021.table("applications").rows:
        out.append("".join(row.labels) + " " + printed.get(row.key, " ".join(["0"] * 7)))
    res = tables.extract_tables(lines(*out))
    keys = [c.key for c in FORM_2021.table("applications").columns]
    return ({r.key: [res.cells[f"tables.applications.{r.key}.{k}"][0] for k in keys]
             for r in FORM_2021.table("applications").rows},
            {u.row.rsplit(".", 1)[1] if u.row.count(".") == 2 else u.row.split(".", 2)[2]: u.cells
             for u in res.unread})


def test_a_row_the_column_sums_decide_in_part_reads_those_cells_and_names_the_rest():
    # paragraphs-2021 explore draw: a row with one blank dropped, "4 0 0 0 0 4"; the column sums
    # rule out the blank at 自然人 or 其他组织, so 自然人 4 and 总计 4 are read; which 0 is blank is not
    got, unread = _applications({"new_received": "4 0 0 0 0 0 4", "other.no_correction": "4 0 0 0 0 4",
                                 "results_total": "4 0 0 0 0 0 4"})
    row = got["other.no_correction"]
    assert row[0] == 4 and row[6] == 4 and row[1:6] == [None] * 5
    assert sorted(c.rsplit(".", 1)[1] for c in unread["other.no_correction"]) == \
        sorted(["commercial", "research", "social_welfare", "legal_service", "other_org"])


def test_a_page_number_copied_as_a_pipe_row_between_table_rows_is_no_cell():
    # tabs-2021 draw: "4 |" between two pipe rows, set apart by blank lines, is the page's number
    rows = ["| (四) 无法提供 | 1. 本机关不掌握相关政府信息 | 1 | 0 | 1 | 0 | 0 | 0 | 2 |",
            "|  | 2. 没有现成信息需要另行制作 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "|  | 3. 补正后申请内容仍不明确 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "", "4 |", "",
            "| (五) 不予处理 | 1. 信访举报投诉类申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "|  | 2. 重复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "|  | 3. 要求提供公开出版物 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"]
    text = "某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + "\n".join(rows) + "\n"
    r = parse_bytes(text.encode(), "r.txt")
    assert r.tables.applications["unavailable.unclear_after_correction"].total == 0
    assert r.tables.applications["not_processed.petition"].natural_person == 0
    assert not r.extraction.unread


def test_a_page_number_between_space_aligned_rows_is_no_cell():
    # spaces-2021 draw: the page's number "3" on its own line, set apart by blank lines, after a row
    # whose wrapped label ends below its seven values
    got = rows_of("（六）其他处理 2.申请人逾期未按收费通知要求缴纳", "费用、行政机关不再处理其政府信息 0 0 0 0 0 0 0",
                  "公开申请", "", "3", "", "3.其他 1 0 0 0 0 0 1")
    assert got["other.fee_unpaid"][1] == ["0"] * 7


def test_every_cell_its_own_paragraph_keeps_a_lone_number_as_a_cell():
    got = rows_of("3.其他", "", "1", "", "0", "", "0", "", "0", "", "0", "", "0", "", "1", "", "（七）总计")
    assert got["other.other"][1] == ["1", "0", "0", "0", "0", "0", "1"]


def test_many_open_outcome_rows_do_not_stop_the_column_sums_deciding_the_carried_over_row():
    # paragraphs-2021 draw: 上年结转 "18 0 0 0 0 18" (one blank dropped) beside a dozen open outcome
    # rows; T303 alone reaches it, so it is solved apart: 自然人 18 and 总计 18, the blank unread
    short = "1 1 1 1 1 5"                         # open: which of the seven is blank?
    printed = {"new_received": "30 6 6 6 6 0 54", "carried_over": "18 0 0 0 0 18",
               "results_total": "48 6 6 6 6 0 72", "carried_forward": "0 0 0 0 0 0 0"}
    outcome = [r.key for r in FORM_2021.table("applications").rows
               if r.key not in printed][:12]
    printed.update({k: short for k in outcome})
    got, unread = _applications(printed)
    assert got["carried_over"][0] == 18 and got["carried_over"][6] == 18
    assert "natural_person" not in {c.rsplit(".", 1)[1] for c in unread["carried_over"]}


def test_a_page_number_between_two_parts_of_a_tab_table_is_no_cell():
    # cells-2021 draw: cells one per line ("\\t0"), the page's number "1" alone between two parts
    row = lambda label, v: ["\t" + label] + ["\t" + x for x in v] + ["\t", "\t"]   # noqa: E731
    text = "\n".join(["某局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
                      *row("(六) 其他处理", []),
                      *row("1. 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ["0"] * 7),
                      *row("2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ["0"] * 7)[:-2],
                      "", "1", "",
                      *row("3. 其他", ["2", "0", "0", "0", "0", "0", "2"])]) + "\n"
    r = parse_bytes(text.encode(), "r.txt")
    assert [r.tables.applications["other.fee_unpaid"].natural_person,
            r.tables.applications["other.fee_unpaid"].total] == [0, 0]
    assert r.tables.applications["other.other"].total == 2
    assert not [u for u in r.extraction.unread if "fee_unpaid" in u.row]


def test_every_cell_its_own_paragraph_a_small_number_after_one_with_thousands_separators_is_a_cell():
    # paragraphs-2021 draw: "187" after "1,136" (blank lines between) was taken for a page number
    cells = ["1,136", "187", "260", "109", "192", "365", "2,249"]
    text = "\n\n".join(["某局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
                        "一、本年新收政府信息公开申请数量", *cells, "二、上年结转政府信息公开申请数量"]) + "\n"
    r = parse_bytes(text.encode(), "r.txt")
    row = r.tables.applications["new_received"]
    assert [row.natural_person, row.commercial, row.total] == [1136, 187, 2249]


def test_the_2019_other_processing_row_is_told_when_its_first_cell_is_a_lone_pipe():
    # lone_pipe-2019 draw: "（六）其他处理" then "|" (a blank 自然人) and six 0s: the 2019 table 三
    text = "\n".join(["某局2019年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
                      "（五）不予处理", "1.信访举报投诉类申请", *["0"] * 7,
                      "（六）其他处理", "|", *["0"] * 6, "（七）总计", *["0"] * 7]) + "\n"
    r = parse_bytes(text.encode(), "r.txt")
    assert r.format == "2019"
    row = r.tables.legacy.applications.other_processing
    assert [row.natural_person, row.commercial, row.total] == [None, 0, 0]
