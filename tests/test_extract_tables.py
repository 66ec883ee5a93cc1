"""Tables 二/三/四 read back from every table family the text reader knows, by label."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings, strategies as st

from nianbao.api import parse_bytes
from nianbao.extract.values import BLANK, LABEL, VALUE, parse_cell
from nianbao.form import FORM_2021, normalize_label
from nianbao.form.form2021 import APPLICANT_KEYS, REVIEW_COL_KEYS

CELL_PATHS = [p[len("tables."):] for p in FORM_2021.cell_paths()]

ACTIVE = FORM_2021.table("active_disclosure")
APPS = FORM_2021.table("applications")
REVIEW = FORM_2021.table("review_litigation")


def fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, int) and v >= 1000:
        return f"{v:,}"
    return str(v)


def table_rows(values: dict[str, object]) -> dict[str, list[list[str]]]:
    """The three tables as grids of cell strings in the official layout (one label column per level)."""
    t2 = [["第二十条第（一）项"], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]]
    for key in ("regulations", "normative_documents"):
        row = ACTIVE.row(key)
        t2.append([row.leaf] + [fmt(values[f"active_disclosure.{key}.{c.key}"]) for c in row.columns])
    for item, keys in (("（五）", ["licensing"]), ("（六）", ["punishment", "enforcement"]), ("（八）", ["fees"])):
        t2.append([f"第二十条第{item}项"])
        t2.append(["信息内容", ACTIVE.row(keys[0]).columns[0].label])
        for key in keys:
            col = ACTIVE.row(key).columns[0].key
            t2.append([ACTIVE.row(key).leaf, fmt(values[f"active_disclosure.{key}.{col}"])])
    t3 = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "申请人情况"],
          ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
          ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    for row in APPS.rows:
        key, group, label = row.key, row.group or "", row.leaf
        head = [label, "", ""] if not group else ([group, label, ""] if group.startswith("三") else ["", group, label])
        t3.append(head + [fmt(values[f"applications.{key}.{c}"]) for c in APPLICANT_KEYS])
    t4 = [["行政复议", "", "", "", "", "行政诉讼"],
          ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "", "", "", "", "复议后起诉"],
          [""] * 5 + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
          [fmt(values[f"review_litigation.{g}.{c}"]) for g in REVIEW.row_keys for c in REVIEW_COL_KEYS]]
    return {"二": t2, "三": t3, "四": t4}


def render_grid(rows: list[list[str]], family: str) -> str:
    if family == "tabs":
        return "\n".join("\t".join(r) for r in rows)
    if family == "cells":
        return "\n\n".join("\n".join("\t" + c for c in r) for r in rows)
    if family == "pipe":
        width = max(len(r) for r in rows)
        lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
        return "\n".join([lines[0], "|" + "---|" * width] + lines[1:])
    if family == "grid":
        width = max(len(r) for r in rows)
        border = "+" + "---+" * width
        out = [border]
        for r in rows:
            out += ["| " + " | ".join(r + [""] * (width - len(r))) + " |", border]
        return "\n".join(out)
    raise ValueError(family)


TITLES = {"二": "二、主动公开政府信息情况", "三": "三、收到和处理政府信息公开申请情况", "四": "四、政府信息公开行政复议、行政诉讼情况"}


def report_text(values: dict[str, object], family: str, *, drop: str | None = None, titles: bool = True) -> str:
    tables = table_rows(values)
    parts = ["某某县司法局2023年政府信息公开工作年度报告", "本报告统计数据从2023年1月1日至12月31日。",
             "一、总体情况", "2023年，我局认真贯彻落实《条例》。"]
    for no in ("二", "三", "四"):
        if titles:
            parts.append(TITLES[no])
        if no != drop:
            parts.append(render_grid(tables[no], family))
    parts += ["五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "本年度未收取信息处理费。"]
    return "\n\n".join(parts) + "\n"


def random_values(rng: random.Random, p_null: float = 0.15) -> dict[str, object]:
    out = {}
    for path in CELL_PATHS:
        r = rng.random()
        if r < p_null:
            out[path] = None
        elif path.endswith("amount_10k_yuan") and rng.random() < 0.5:
            out[path] = round(rng.uniform(0.01, 99), 2)
        else:
            out[path] = rng.choice([rng.randint(1, 9), rng.randint(10, 999), rng.randint(1000, 99999)])
    return out


def read_back(text: str, name: str = "r.txt"):
    return parse_bytes(text.encode("utf-8"), name)


def assert_tables(report, values):
    wrong = {p: (values[p], report.tables.cell(p)) for p in CELL_PATHS if report.tables.cell(p) != values[p]}
    assert not wrong


@pytest.mark.parametrize("family", ["tabs", "cells", "pipe", "grid"])
def test_nonzero_values_and_nulls_round_trip_in_every_family(family):
    rng = random.Random(family)
    for _ in range(5):
        values = random_values(rng)
        report = read_back(report_text(values, family), "r.md" if family in ("pipe", "grid") else "r.txt")
        assert_tables(report, values)
        assert report.extraction.tables_found == ["active_disclosure", "applications", "review_litigation"]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["tabs", "cells", "pipe"]), st.integers(0, 2**32))
def test_round_trip_property(family, seed):
    values = random_values(random.Random(seed), p_null=0.3)
    assert_tables(read_back(report_text(values, family)), values)


def test_tables_without_titles_are_found_by_their_labels():
    values = random_values(random.Random(7), p_null=0)
    report = read_back(report_text(values, "tabs", titles=False))
    assert_tables(report, values)


def test_tables_merged_into_one_block_read_the_same():
    values = random_values(random.Random(8), p_null=0)
    t = table_rows(values)
    merged = render_grid(t["二"] + t["三"] + t["四"], "tabs")
    text = "某某局2023年政府信息公开工作年度报告\n一、总体情况\n正文。\n" + merged + "\n五、存在的主要问题及改进情况\n无。\n"
    assert_tables(read_back(text), values)


def test_table_split_by_a_page_break_is_read_as_one():
    values = random_values(random.Random(9), p_null=0)
    t = table_rows(values)
    rows3 = t["三"]
    text = (report_text(values, "tabs", drop="三")
            .replace(TITLES["三"], TITLES["三"] + "\n\n" + render_grid(rows3[:12], "tabs") + "\n\n- 3 -\n\n"
                     + render_grid(rows3[12:], "tabs")))
    report = read_back(text)
    assert_tables(report, values)
    assert any(d.kind == "page_number" for d in report.extraction.debris)


def test_missing_table_parses_with_nulls_and_is_not_listed_as_found():
    values = random_values(random.Random(10), p_null=0)
    report = read_back(report_text(values, "tabs", drop="四"))
    assert report.extraction.tables_found == ["active_disclosure", "applications"]
    assert all(report.tables.cell(f"review_litigation.{g}.{c}") is None
               for g in REVIEW.row_keys for c in REVIEW_COL_KEYS)
    assert report.tables.cell("applications.granted.total") == values["applications.granted.total"]


def test_misaligned_tab_rows_with_label_in_column_zero_and_merged_label_cells():
    text = ("某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            "\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n"
            "一、本年新收政府信息公开申请数量\t\t1\t2\t3\t4\t5\t6\t21\t\n"
            "\t（三）不予公开\t1.属于国家秘密\t7\t0\t0\t0\t0\t0\t7\n"
            "6.属于四类过程性信息\t\t1,234\t0\t0\t0\t0\t0\t1,234\t\n"
            "\n"
            "\t7.属于行政执法案卷\t—\t0\t0\t0\t0\t0\t0\n"
            "(七)总计\t\t\t\t\t0\t0\t0\t5\n")
    r = read_back(text)
    row = lambda k: [r.tables.cell(f"applications.{k}.{c}") for c in APPLICANT_KEYS]
    assert row("new_received") == [1, 2, 3, 4, 5, 6, 21]
    assert row("denied.state_secret") == [7, 0, 0, 0, 0, 0, 7]
    assert row("denied.process_info") == [1234, 0, 0, 0, 0, 0, 1234]
    assert row("denied.enforcement_file") == [None, 0, 0, 0, 0, 0, 0]
    assert row("results_total") == [None, None, None, 0, 0, 0, 5]
    assert r.provenance["tables.applications.denied.process_info.natural_person"].line == 6


def test_one_cell_per_line_with_labels_split_over_lines():
    text = ("某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            "\t\n\t自然人\n\t法人或其他组织\n\t总计\n\n"
            "\t\n\t\n\t商业\n企业\n\t科研\n机构\n\t社会公益组织\n\t法律服务机构\n\t其他\n\t\n\n"
            "\t\n\t（五）不予\n处理\n\t1.信访举报\n投诉类申请\n\t1\n\t2\n\t  \n\t4\n\t5\n\t6\n\t18\n\n"
            "四、政府信息公开行政复议、行政诉讼情况\n")
    r = read_back(text)
    assert [r.tables.cell(f"applications.not_processed.petition.{c}") for c in APPLICANT_KEYS] == \
        [1, 2, None, 4, 5, 6, 18]
    assert r.provenance["tables.applications.not_processed.petition.total"].line == 30


def test_other_and_total_leaves_are_rows_only_inside_table_three():
    values = random_values(random.Random(11), p_null=0)
    r = read_back(report_text(values, "cells"))
    assert r.tables.cell("applications.other.other.total") == values["applications.other.other.total"]
    assert r.tables.cell("applications.results_total.natural_person") == \
        values["applications.results_total.natural_person"]


def test_label_variants_are_read_and_reported():
    text = ("某局2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
            "规范性文件\t1\t2\t3\n"
            "三、收到和处理政府信息公开申请情况\n"
            "\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n"
            "\t（三）不予公开\t2.其他法律法规禁止公开\t0\t0\t0\t0\t0\t0\t0\n"
            "四、结转下一年度继续办理\t\t1\t0\t0\t0\t0\t0\t1\n")
    r = read_back(text)
    assert r.tables.cell("active_disclosure.normative_documents.in_force") == 3
    assert r.tables.cell("applications.carried_forward.total") == 1
    found = {v.path: v.found for v in r.extraction.label_variants}
    assert found == {"tables.active_disclosure.normative_documents": "规范性文件",
                     "tables.applications.denied.prohibited_by_law": "2.其他法律法规禁止公开",
                     "tables.applications.carried_forward": "四、结转下一年度继续办理"}


def test_official_labels_with_spaces_and_ascii_brackets_are_not_variants():
    text = ("某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            "\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n"
            "\t(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)\t0\t0\t0\t0\t0\t0\t0\n"
            "\t(三) 不予公开\t3. 危及“三安全一稳定”\t0\t0\t0\t0\t0\t0\t0\n")
    r = read_back(text)
    assert r.extraction.label_variants == []
    assert r.tables.cell("applications.denied.security_stability.total") == 0


def test_review_value_row_with_blank_first_group_keeps_it_null():
    text = ("某局2023年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n"
            "行政复议\t\t\t\t\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\n"
            "\t\t\t\t\t结果\t结果\t其他\t尚未\t总计\t结果\t结果\t其他\t尚未\t总计\n"
            "\t\t\t\t\t维持\t纠正\t结果\t审结\t\t维持\t纠正\t结果\t审结\t\n"
            "1\t2\t3\t4\t10\n")
    r = read_back(text)
    rl = r.tables.review_litigation
    assert [rl.review.maintained, rl.review.total] == [None, None]
    assert [rl.litigation_direct.maintained, rl.litigation_after_review.total] == [None, 10]


def test_review_header_split_over_lines_with_spaced_labels():
    text = ("某局2023年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n"
            "行政复议\t\t\t\t\t行政诉讼\n结果 维持\t结果 纠正\t其他 结果\t尚未 审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\n"
            "\t\t\t\t\t结果 维持\t结果 纠正\t其他 结果\t尚未 审结\t总计\t结果 维持\t结果 纠正\t其他 结果\t尚未 审结\t总计\n"
            + "\t".join(str(i) for i in range(1, 16)) + "\n")
    rl = read_back(text).tables.review_litigation
    assert [rl.review.maintained, rl.litigation_direct.maintained, rl.litigation_after_review.total] == [1, 6, 15]


def test_fee_stays_fractional_and_counts_keep_what_was_printed():
    text = ("某局2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
            "行政事业性收费\t０．３５\n行政许可\t1.5\n行政处罚\t12件\n行政强制\t—\n规章\t\t3\t\n")
    t = read_back(text).tables.active_disclosure
    assert t.fees.amount_10k_yuan == 0.35
    assert t.licensing.decisions == 1.5
    assert t.punishment.decisions == 12
    assert t.enforcement.decisions is None
    assert [t.regulations.issued, t.regulations.repealed, t.regulations.in_force] == [None, 3, None]


@pytest.mark.parametrize("text,kind,value", [
    ("0", VALUE, 0), ("1,234", VALUE, 1234), ("１２", VALUE, 12), ("0件", VALUE, 0), ("0.35", VALUE, 0.35),
    ("—", BLANK, None), ("-", BLANK, None), ("/", BLANK, None), ("－", BLANK, None), ("", BLANK, None),
    ("  ", BLANK, None), ("1，234", VALUE, 1234), ("-3", VALUE, -3), ("结果维持", LABEL, None),
    ("1.属于国家秘密", LABEL, None), ("2023年", LABEL, None),
])
def test_cell_values(text, kind, value):
    assert parse_cell(text) == (kind, value)


def test_tables_printed_as_space_separated_lines():
    values = random_values(random.Random(12), p_null=0)
    t = table_rows(values)
    lines = lambda rows: "\n".join(" ".join(c for c in r if c) for r in rows)
    text = (report_text(values, "tabs", drop="三").replace(TITLES["三"], TITLES["三"] + "\n" + lines(t["三"])))
    report = read_back(text)
    assert_tables(report, values)
    assert report.extraction.label_variants == []
    text = report_text(values, "tabs", drop="四").replace(TITLES["四"], TITLES["四"] + "\n" + lines(t["四"]))
    assert_tables(read_back(text), values)


def test_row_label_broken_over_two_tab_rows_keeps_its_values_and_wording():
    text = ("某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            "\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n"
            "\t（二）部分公开（区分处理的，只计这一情形，不计其他\n情形）\t1\t2\t3\t4\t5\t6\t21\n"
            "四、结转下年度\t\n继续办理\t\t0\t0\t0\t0\t0\t0\t1\n")
    r = read_back(text)
    assert [r.tables.cell(f"applications.partially_granted.{c}") for c in APPLICANT_KEYS] == [1, 2, 3, 4, 5, 6, 21]
    assert r.tables.cell("applications.carried_forward.total") == 1
    assert r.extraction.label_variants == []


def test_one_cell_per_line_without_tabs():
    values = random_values(random.Random(13), p_null=0)
    t = table_rows(values)
    body = "\n\n".join("\n".join(c for c in r) for r in t["三"][3:])   # data rows: no empty cells
    text = report_text(values, "tabs", drop="三").replace(
        TITLES["三"], TITLES["三"] + "\n申请人情况\n\n\n自然人\n法人或其他组织\n总计\n\n" + body + "\n")
    report = read_back(text)
    assert_tables(report, values)


def test_small_numbers_one_per_line_are_cells_not_page_numbers():
    text = "某局2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n信息内容\n本年处理决定数量\n\n行政许可\n5\n\n行政处罚\n12\n\n正文。\n\n7\n\n"
    r = read_back(text)
    assert (r.tables.active_disclosure.licensing.decisions, r.tables.active_disclosure.punishment.decisions) == (5, 12)
    assert [(d.kind, d.text) for d in r.extraction.debris] == [("page_number", "7")]


HEADER3 = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t申请人情况\t\t\t\t\t\t总计\t\n"
           "\t\t自然人\t法人或其他组织\t\t\t\t\t\t\n\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\t\n")


def full_grid(rows: dict[str, list[str]]) -> str:
    """Table 三 as a full grid: 3 label slots then 7 value slots on every row (DOCX-style conversions)."""
    out = []
    for key, vals in rows.items():
        r = APPS.row(key)
        head = [r.leaf, "", ""] if not r.group else ["", r.group, r.leaf] if r.leaf[0].isdigit() else ["", r.leaf, ""]
        out.append("\t".join(head + vals))
    return "某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + HEADER3 + "\n".join(out) + "\n"


def test_full_grid_row_with_blank_total_or_blank_first_value_keeps_its_columns():
    full = ["3", "1", "0", "0", "0", "0", "4"]
    text = full_grid({"new_received": full, "carried_over": ["0", "0", "0", "0", "0", "0", ""],
                      "granted": full, "partially_granted": ["56", "6", "7", "5", "8", "6", ""],
                      "denied.state_secret": ["", "6", "7", "5", "8", "6", "32"], "results_total": full})
    r = read_back(text)
    row = lambda k: [r.tables.cell(f"applications.{k}.{c}") for c in APPLICANT_KEYS]
    assert row("carried_over") == [0, 0, 0, 0, 0, 0, None]
    assert row("partially_granted") == [56, 6, 7, 5, 8, 6, None]
    assert row("denied.state_secret") == [None, 6, 7, 5, 8, 6, 32]


def test_ambiguous_row_that_adds_up_in_no_reading_keeps_the_trusted_one():
    # header-aligned row (values from the 自然人 column, a trailing merge slot): 自然人 blank, 总计 wrong
    text = ("某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + HEADER3 +
            "一、本年新收政府信息公开申请数量\t\t\t1\t1\t1\t1\t1\t9\t\n")
    r = read_back(text)
    assert [r.tables.cell(f"applications.new_received.{c}") for c in APPLICANT_KEYS] == [None, 1, 1, 1, 1, 1, 9]


def test_wrapped_label_with_values_on_the_first_line_is_official_wording():
    text = ("某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计\n"
            "一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n"
            "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关 2 0 0 0 0 0 2\n"
            "不再处理其政府信息公开申请\n"
            "（二）部分公开（区分处理的，只计这一情形，不\n"
            "计其他情形） 4 0 0 0 0 0 4\n")
    r = read_back(text)
    assert r.tables.cell("applications.other.no_correction.total") == 2
    assert r.tables.cell("applications.partially_granted.natural_person") == 4
    assert r.extraction.label_variants == []


def test_prose_lines_with_figures_are_not_taken_for_space_separated_rows():
    text = ("某局2023年政府信息公开工作年度报告\n一、总体情况\n"
            "    2023年度，我局受理政府信息公开申请11件，其中本年新收9件、上年\n"
            "收 9 件、上年结转 2 件；已办结 11 件，予以公开 9 件，其他处理 1\n"
            "三、收到和处理政府信息公开申请情况\n"
            "自然人    商业企业    科研机构    社会公益组织    法律服务机构    其他    总计\n"
            "一、本年新收政府信息公开申请数量    8    0    0    0    1    0    9\n"
            "二、上年结转政府信息公开申请数量    1    0    0    0    1    0    2\n")
    r = read_back(text)
    row = lambda k: [r.tables.cell(f"applications.{k}.{c}") for c in APPLICANT_KEYS]
    assert row("new_received") == [8, 0, 0, 0, 1, 0, 9]
    assert row("carried_over") == [1, 0, 0, 0, 1, 0, 2]


def test_one_cell_per_line_without_tabs_or_blank_lines():
    values = random_values(random.Random(14), p_null=0)
    t = table_rows(values)
    lines = lambda rows: "\n".join(c for r in rows for c in r if c)
    text = "\n".join(["某局2023年政府信息公开工作年度报告", "一、总体情况", "正文。",
                      TITLES["二"], lines(t["二"]), TITLES["三"], lines(t["三"]), TITLES["四"], lines(t["四"]),
                      "五、存在的主要问题及改进情况", "无。"])
    assert_tables(read_back(text), values)


def test_prose_lines_starting_like_a_row_label_are_not_the_row():
    values = random_values(random.Random(15), p_null=0)
    t = table_rows(values)
    spaced = lambda rows: "\n".join("    ".join(c for c in r if c) for r in rows)
    text = report_text(values, "tabs", drop="二").replace(
        TITLES["二"], "对现行有效的行政\n规范性文件进行集中公开并动态更新，方便公众\n\n信访举报投诉类申请的办理\n"
        + TITLES["二"] + "\n" + spaced(t["二"]))
    r = read_back(text)
    assert_tables(r, values)
    assert r.extraction.label_variants == []


def test_cells_one_per_line_without_row_breaks_keep_blank_values_in_their_columns():
    # a blank first value, a blank total, a row of blanks, and covered label slots printed as bare tabs
    cells = ["一、本年新收政府信息公开申请数量", "", "1", "2", "3", "4", "5", "15", "", "",
             "二、上年结转政府信息公开申请数量", "1", "0", "0", "0", "0", "0", "",
             "三、本年度办理结果", "（一）予以公开", "", "", "", "", "", "", "", "",
             "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "2", "0", "0", "0", "0", "0", "2"]
    text = ("某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            + "".join(f"\t{c}\n" for c in cells) + "四、政府信息公开行政复议、行政诉讼情况\n")
    r = read_back(text)
    row = lambda k: [r.tables.cell(f"applications.{k}.{c}") for c in APPLICANT_KEYS]
    assert row("new_received") == [None, 1, 2, 3, 4, 5, 15]
    assert row("carried_over") == [1, 0, 0, 0, 0, 0, None]
    assert row("granted") == [None] * 7
    assert row("partially_granted") == [2, 0, 0, 0, 0, 0, 2]


def test_ambiguous_tab_row_takes_the_reading_that_balances_table_three():
    # 二、上年结转: a full-grid row (3 label slots) with a blank 其他 and 总计, or an artifact row (label + one
    # spare slot, the lost slot trailing) with a blank 自然人: its 总计 cannot tell; 一 + 二 = 三 + 四 can.
    text = ("某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t申请人情况\t\t\t\t\t\t总计\t\n"
            "\t\t自然人\t法人或其他组织\t\t\t\t\t\t\n\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\t\n"
            "一、本年新收政府信息公开申请数量\t\t\t\t1\t6\t8\t\t5\t226\n"
            "二、上年结转政府信息公开申请数量\t\t\t15\t0\t0\t1\t0\t\t\n"
            "三、本年度办理结果\t（一）予以公开\t48\t0\t2\t2\t0\t2\t54\t\n"
            "（七）总计\t\t221\t1\t6\t9\t0\t5\t242\t\n"
            "四、结转下年度继续办理\t\t\t0\t0\t0\t0\t0\t0\t0\n")
    r = read_back(text)
    row = lambda k: [r.tables.cell(f"applications.{k}.{c}") for c in APPLICANT_KEYS]
    assert row("carried_over") == [15, 0, 0, 1, 0, None, None]
    assert row("new_received") == [None, 1, 6, 8, None, 5, 226]


def test_ambiguous_outcome_row_takes_the_reading_that_adds_up_to_the_total_row():
    # （一）予以公开 as a full-grid row with a blank 总计, next to an artifact row whose spare slot trails
    # ("…\t6\t"): the two readings of 予以公开 differ; 总计 = the outcome rows (T302) tells which is right.
    outcomes = [FORM_2021.cell(p)[1].key for p in FORM_2021.identities("T302")[0].rhs]   # rows summed into 总计
    rows = {k: ["0"] * 7 for k in outcomes}
    rows["results_total"] = ["33", "0", "6", "5", "0", "0", "39"]
    text = full_grid(rows)
    lines = text.split("\n")
    i = next(n for n, t in enumerate(lines) if "予以公开" in t)
    lines[i] = "三、本年度办理结果\t（一）予以公开\t\t29\t0\t5\t4\t0\t0\t"
    lines[i + 1] = "\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t4\t0\t1\t1\t0\t0\t6\t"
    r = read_back("\n".join(lines))
    row = lambda k: [r.tables.cell(f"applications.{k}.{c}") for c in APPLICANT_KEYS]
    assert row("granted") == [29, 0, 5, 4, 0, 0, None]
    assert row("partially_granted") == [4, 0, 1, 1, 0, 0, 6]


def test_letter_spaced_numbering_is_stripped_from_a_label():
    assert normalize_label("（ 七 ） 总 计") == "总计"


def _section_text(heading: str, *lines: str) -> bytes:
    """A short report: a title, section 一, then `heading` and its table lines."""
    return "\n".join(["某局2023年政府信息公开工作年度报告", "一、总体情况", "正文。", heading, *lines]).encode()


def test_a_label_wrapped_inside_its_words_over_lines_of_a_pdf_text_is_one_row():
    text = _section_text(
        "三、收到和处理政府信息公开申请情况",
        "   一、本年新收政府信息公开申请数量        5   1   0   0   0   0   6",
        "   三、本年度             5.属于三类内部事",
        "   办理结果               务信息            4   1   0   0   0   0   5",
        "                          3.要求提供公开出",
        "               （五）不予 版物              1   0   0   0   0   0   1",
    )
    apps = parse_bytes(text, "r.txt").tables.applications
    assert apps["denied.internal_affairs"].total == 5 and apps["not_processed.publication"].natural_person == 1


def test_a_label_cell_with_a_line_break_in_a_tab_table_keeps_its_row():
    text = _section_text(
        "三、收到和处理政府信息公开申请情况",
        "三、本年度办理结果\t（一）予以公开\t3\t0\t0\t0\t0\t0\t3",
        "（二）部分公开（区分处理的，只计这一情形，",
        "不计其他情形）\t77\t18\t4\t1\t1\t5\t106",
        "（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0",
    )
    r = parse_bytes(text, "r.txt")
    assert r.tables.applications["partially_granted"].total == 106
    assert not [v for v in r.extraction.label_variants if v.path.endswith("partially_granted")]


def test_review_printed_as_its_own_table_beside_litigation_rows():
    text = _section_text(
        "四、政府信息公开行政复议、行政诉讼情况",
        "表4-1　政府信息公开行政复议情况", "结果维持\t结果纠正\t其他结果\t尚未审结\t总计", "5\t2\t1\t1\t9", "",
        "表4-2　政府信息公开行政诉讼情况", "起诉情形\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
        "未经复议直接起诉\t3\t1\t1\t2\t7", "复议后起诉\t2\t1\t1\t1\t5",
    )
    rl = parse_bytes(text, "r.txt").tables.review_litigation
    assert (rl.review.total, rl.review.maintained, rl.litigation_direct.total, rl.litigation_after_review.total) == \
        (9, 5, 7, 5)
