"""parse(render(report)) gives the report back: every table cell, the meta and the section numbers,
for random reports (hypothesis-drawn seeds and choices, blanks, "—" and "/" cells, zero rows) in every
layout and flattening family (generate/text.py, generate/families.py), in both formats (2021, 2019).

Where a family loses a cell's place for any reader (a blank dropped, digits run together) and the
form's arithmetic cannot restore it, the cell must come back null AND be listed in
`report.extraction.unread`, never as a wrong number (generate/undecidable.py says which cells)."""
from __future__ import annotations

import os
import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from nianbao import api
from nianbao.form import FORM_2021, form_for
from nianbao.generate.cells import as_2019, blank_out, cell, model_paths, zero_rows
from nianbao.generate.synthetic import random_report
from nianbao.generate.text import ALL_LAYOUTS, Style, render_bytes, undecidable_cells

KINDS = [None, "province_gov", "province_dept", "city_gov", "city_office", "city_dept", "county_gov",
         "county_dept", "town_gov"]
FORMATS = ("2021", "2019")


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-9


def meta_differences(want, got) -> list[tuple[str, object, object]]:
    out = []
    for f in ("agency", "year", "published", "period"):
        a, b = getattr(want.meta, f), getattr(got.meta, f)
        if f == "period":
            a, b = a and (a.start, a.end), b and (b.start, b.end)
        if a != b:
            out.append((f"meta.{f}", a, b))
    if [s.no for s in want.sections] != [s.no for s in got.sections]:
        out.append(("sections", [s.no for s in want.sections], [s.no for s in got.sections]))
    return out


def differences(want, got) -> list[tuple[str, object, object]]:
    """What the parsed report gets wrong: table cells, meta fields, section numbers."""
    out = [(p, want.tables.cell(p[7:]), got.tables.cell(p[7:])) for p in FORM_2021.cell_paths()
           if not same(want.tables.cell(p[7:]), got.tables.cell(p[7:]))]
    return out + meta_differences(want, got)


def round_trip_problems(want, got, certain: set[str] = frozenset(), possible: set[str] = frozenset()):
    """Every way `got` fails `want`, cell by cell over the form of `want`'s format:
    - a decidable cell must be read exactly (a blank one as null);
    - a cell in `certain` (no reader can place it) must be null and listed in extraction.unread;
    - a cell in `possible` (placed only by solving several rows together) exactly, or as above."""
    form = form_for(want.format)
    unread = {c for u in got.extraction.unread for c in u.cells}
    mirror_of = {copy: own for own, copy in form.mirrors}
    out = [("format", want.format, got.format)] if got.format != want.format else []
    for p in model_paths(form):
        own = mirror_of.get(p, p)
        a, b = cell(want, p), cell(got, p)
        if own in certain:
            if b is not None or own not in unread:
                out.append((p, "null + unread", b if b is not None else "null, not in unread"))
        elif own in possible and b is None and own in unread:
            continue
        elif not same(a, b):
            out.append((p, a, b))
    return out + meta_differences(want, got)


def name_for(layout: str) -> str:
    return "report.md" if layout == "markdown" else "report.txt"


def undecidable_in_tabs(report, style: Style) -> bool:
    """Whether truly empty cells make the tabs rendering ambiguous for any reader.

    A 表三 row whose first or last value is blank: when merge artifacts put the spare slot of some rows
    at the end ("…\t（一）予以公开\t5\t…\t7\t"), a full-grid row with a blank 总计 has the same shape as
    an artifact row with a blank 自然人. In a full-grid table the other rows' shape tells (tests below).
    In a mixed table a row whose arithmetic cannot decide (e.g. all zeros) stays ambiguous.
    Pipe rows without a closing pipe ("a | 5 | ") lose a blank last cell to the reader, which takes
    the pipe as the closing one."""
    if style.blank != "":
        return False
    for row in form_for(report.format).table("applications").rows:
        paths = row.paths()
        if cell(report, paths[0]) is None or cell(report, paths[-1]) is None:
            if style.merge_artifacts or style.pipe_rows == "open":
                return True
    return False


styles = st.builds(
    Style,
    numbering=st.sampled_from(["chinese", "arabic_first", "arabic", "none"]),
    glue_headings=st.booleans(), para_gap=st.booleans(), label_variants=st.booleans(),
    fullwidth_digits=st.booleans(), thousands=st.booleans(), blank=st.sampled_from(["", "—", "-", "/"]),
    debris=st.booleans(), page_breaks=st.booleans(), spaced_numbers=st.booleans(),
    title_lines=st.sampled_from([1, 2, 3]), heading_sep=st.sampled_from(["、", "、 ", "．"]),
    zero_pad_dates=st.booleans(), cn_date=st.booleans(), date_on_top=st.booleans(), web_chrome=st.booleans(),
    merge_artifacts=st.booleans(), nbsp=st.booleans(), contact_at_end=st.booleans(), repeat_merged=st.booleans(),
    ascii_parens=st.booleans(), repeat_header=st.booleans(), md_grid=st.booleans(), browser_copy=st.booleans(),
    cell_row_gap=st.booleans(), pipe_rows=st.sampled_from(["", "closed", "open"]),
    indent=st.sampled_from(["", "\u3000\u3000", "\t", "    "]), heading_variants=st.booleans(),
    unit_lines=st.booleans(), fee_decimals=st.booleans(), wrap=st.sampled_from([0, 34, 38, 40]),
    wrapped_values=st.sampled_from(["first", "any"]), heading_level=st.sampled_from([1, 2, 3]),
    newline=st.sampled_from(["\n", "\r\n"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    pipe_after=st.sampled_from(["cell", "row"]), grid_width=st.sampled_from([5, 6]), annotated=st.booleans(),
    split_mode=st.sampled_from(["cells", "tabs"]), ebook_base=st.sampled_from(["tabs", "cells"]),
)


@st.composite
def reports(draw, fmt: str = "2021"):
    """A random report of the format: consistent figures, some rows all zeros, some cells blank."""
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    report = random_report(rng, year=draw(st.integers(2021, 2025)), nonzero=draw(st.booleans()),
                           agency=draw(st.sampled_from(KINDS)))
    if fmt == "2019":
        report = as_2019(report, rng)
    zero_rows(report, rng, draw(st.sampled_from([0, 0, 2, 5])))
    blank_out(report, rng, draw(st.sampled_from([0.0, 0.0, 0.02, 0.1])))
    return report


# Family × format pairs today's reader does not read back yet (issue 11). They run as strict xfail, so a
# reader fix shows up as XPASS and its entry must go. Each reason is a small failing example:
# "report(Random(s), nonzero=…, blanks=b), <style>" is rng = Random(s); random_report(rng, nonzero=…)
# (→ as_2019(report, rng) for 2019) → blank_out(report, rng, b), rendered with seed=0; then the first
# wrong cell and the text of its row ("⏎" = a line break). At cedf24d every pair reads back.
XFAIL: dict[tuple[str, str], str] = {
}
CASES = [(layout, fmt) for layout in ALL_LAYOUTS for fmt in FORMATS]


def check_round_trip(layout, fmt, data, style, seed):
    report = data.draw(reports(fmt), label="report")
    if layout == "tabs" and undecidable_in_tabs(report, style):
        style = replace(style, blank="—")
    certain, possible = undecidable_cells(report, layout, style, seed)
    got = api.parse_bytes(render_bytes(report, layout, style, seed=seed), name_for(layout))
    assert round_trip_problems(report, got, certain, possible) == []


def _case(layout: str, fmt: str):
    reason = XFAIL.get((layout, fmt))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(layout, fmt, marks=marks, id=f"{layout}-{fmt}")


# No shrinking by default: the reader is being rewritten and a failing family would shrink for minutes on
# every run; the failing example is printed as drawn. HYPOTHESIS_SHRINK=1 shrinks it to a minimal one.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if os.environ.get("HYPOTHESIS_SHRINK") else [])


# 12 drawn reports per family × format keep the file near a minute; HYPOTHESIS_PROFILE=explore draws 60 new ones.
EXAMPLES = 60 if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else 12


@pytest.mark.parametrize("layout,fmt", [_case(*c) for c in CASES])
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=PHASES)
@given(data=st.data(), style=styles, seed=st.integers(0, 10_000))
def test_parse_of_render_gives_the_report_back(layout, fmt, data, style, seed):
    check_round_trip(layout, fmt, data, style, seed)


@pytest.mark.parametrize("seed", range(12))
def test_empty_cells_between_values_keep_their_column_in_the_tabs_layout(seed):
    """Truly empty cells ("\\t\\t") inside a row: the values after them stay in their columns."""
    rng = random.Random(seed)
    report = random_report(rng)
    inner = [p for p in FORM_2021.cell_paths("applications") if p.rsplit(".", 1)[1] not in ("natural_person", "total")]
    for p in rng.sample(inner, 5) + rng.sample(FORM_2021.cell_paths("review_litigation"), 3):
        report.tables.set_cell(p[7:], None)
    style = replace(Style.random(rng), blank="", numbering="chinese")
    got = api.parse_bytes(render_bytes(report, "tabs", style, seed=seed), "r.txt")
    assert differences(report, got) == []


# A full-grid row (3 label slots + 7 values, as DOCX-based conversions print every row, e.g. seed 001's
# "四、结转下年度继续办理\t\t\t0…") whose 总计 is blank. Every other row of the same table has that shape,
# and the row's own arithmetic rules out the shifted reading (56+6+7+5+8 ≠ 6: the shifted reading breaks T301,
# the intended one leaves 总计 blank).
EDGE_BLANK_ROW = "\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t\t56\t6\t7\t5\t8\t6\t"


def test_full_grid_row_with_blank_total_keeps_its_columns():
    rng = random.Random(196)
    report = random_report(rng)
    report.tables.set_cell("applications.partially_granted.total", None)
    text = render_bytes(report, "tabs", Style(merge_artifacts=False), seed=1).decode()
    row = report.tables.applications["partially_granted"]
    line = next(x for x in text.split("\n") if "（二）部分公开" in x)
    assert line == EDGE_BLANK_ROW and row.natural_person == 56          # the input described above
    got = api.parse_bytes(text.encode(), "r.txt")
    assert got.tables.applications["partially_granted"] == row


def _spaces_render_where(predicate, style: Style):
    """The first (report, text) among fixed seeds whose spaces rendering satisfies `predicate`."""
    for seed in range(50):
        report = random_report(random.Random(seed))
        text = render_bytes(report, "spaces", style, seed=seed).decode()
        if predicate(report, text.split("\n")):
            return report, text
    raise AssertionError("no such rendering among the seeds")


def _values_beside_second_line(report, lines) -> bool:
    i = next(i for i, x in enumerate(lines) if "（二）部分公开" in x)
    return not any(c.isdigit() for c in lines[i].split("（二）")[1]) and lines[i + 1].strip().startswith("计其他情形）") \
        and any(c.isdigit() for c in lines[i + 1])


# pdftotext -layout of a Word table whose cells are centred vertically: a label wrapped over two lines
# has its values beside the second line, e.g.
#             （二）部分公开（区分处理的，只计这一情形，不
#             计其他情形）                                        48       4       0       0       3       2      57
def test_space_aligned_values_beside_the_second_line_of_a_wrapped_label_are_read():
    report, text = _spaces_render_where(_values_beside_second_line, Style(wrap=0, wrapped_values="any"))
    got = api.parse_bytes(text.encode(), "r.txt")
    assert got.tables.applications["partially_granted"] == report.tables.applications["partially_granted"]


def _period_wrapped(report, lines) -> bool:
    p = report.meta.period
    return p is not None and not any(f"{p.start.year}年1月1日" in x and "12月31日" in x for x in lines)


# pdftotext (with or without -layout) keeps the page's line breaks inside paragraphs, e.g.
#     根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现发布《
# XX局2022年政府信息公开工作年度报告》。本报告中使用数据统计期
# 限为2022年1月1日至2022年12月31日。
def test_period_in_a_hard_wrapped_paragraph_is_read():
    report, text = _spaces_render_where(_period_wrapped, Style(wrap=38, wrapped_values="first"))
    got = api.parse_bytes(text.encode(), "r.txt")
    assert got.meta.period is not None
    assert (got.meta.period.start, got.meta.period.end) == (report.meta.period.start, report.meta.period.end)


# A full-grid table (every 表三 row printed as 3 label slots + 7 values, like seed 001's
# "四、结转下年度继续办理\t\t\t0…") with a row of zeros whose 总计 is left blank:
#   二、上年结转政府信息公开申请数量\t\t\t0\t0\t0\t0\t0\t0\t
# The row's arithmetic cannot decide (0+…+0 = 0 either way); the other rows' shape can.
def test_full_grid_zero_row_with_blank_total_keeps_its_columns():
    from nianbao.model import ApplicantRow
    report = random_report(random.Random(1))
    row = ApplicantRow(natural_person=0, commercial=0, research=0, social_welfare=0, legal_service=0, other_org=0)
    report.tables.applications["carried_over"] = row
    text = render_bytes(report, "tabs", Style(merge_artifacts=False), seed=1).decode()
    assert "二、上年结转政府信息公开申请数量\t\t\t0\t0\t0\t0\t0\t0\t\n" in text     # the input described above
    got = api.parse_bytes(text.encode(), "r.txt")
    assert got.tables.applications["carried_over"] == row


def test_hard_wrapped_prose_line_ending_in_a_number_is_not_a_table_row():
    """pdftotext wraps prose anywhere, so a narrative line can end with a figure whose unit is on the next line:
        全年新收政府信息公开申请 2689 件，上年结转 17 件，共计受理 2706
    件。办理结果中，予以公开401件…
    It names a table-三 row (上年结转) and ends in a number, but it is prose, not the row."""
    report = random_report(random.Random(0))
    text = render_bytes(report, "spaces", Style(wrap=0), seed=1).decode()
    prose = ("    全年新收政府信息公开申请 2689 件，上年结转 17 件，共计受理 2706 \n"
             "件。办理结果中，予以公开401件，部分公开291件，不予公开550件，无法提\n")
    text = text.replace("二、主动公开政府信息情况", prose + "二、主动公开政府信息情况", 1)
    got = api.parse_bytes(text.encode(), "r.txt")
    assert differences(report, got) == []


# DOCX list numbering lost by the conversion (docx2txt and the like print list paragraphs without their
# numbers): the six official headings stand alone on their lines, e.g.
#   总体情况
#   2023年，XX局坚持以……
#   主动公开政府信息情况
#   第二十条第（一）项\t\t\t
@pytest.mark.parametrize("layout", ["tabs", "cells"])
def test_headings_without_their_lost_numbering_are_found(layout):
    report = random_report(random.Random(24))
    text = render_bytes(report, layout, Style(numbering="none"), seed=1).decode()
    assert "\n总体情况\n" in text and "\n其他需要报告的事项\n" in text        # the input described above
    got = api.parse_bytes(text.encode(), "r.txt")
    assert [s.no for s in got.sections] == [1, 2, 3, 4, 5, 6]


# Text copied from a government website starts with the page's breadcrumbs, which end like a title:
#   首页 > 政府信息公开 > 政府信息公开工作年度报告
#
#   2022年托克托县发展和改革局政府信息公开工作年度报告
#   来源：托克托县发展和改革局  发布时间：2023-01-16  浏览次数：2241  字号：[ 大 中 小 ]
def test_web_page_breadcrumbs_are_not_the_title():
    report = random_report(random.Random(3))
    text = render_bytes(report, "tabs", Style(web_chrome=True), seed=3).decode()
    assert text.startswith("首页 > 政府信息公开 > 政府信息公开工作年度报告\n")       # the input described above
    assert report.meta.title == "2022年托克托县发展和改革局政府信息公开工作年度报告"
    got = api.parse_bytes(text.encode(), "r.txt")
    assert (got.meta.agency, got.meta.year) == ("托克托县发展和改革局", 2022)
    assert differences(report, got) == []


# A title broken over two lines at the top ("…2022年政府信息" / "公开工作年度报告", as seed 003), and a
# hard-wrapped preamble line that happens to end with the whole title inside 《》:
#   齐齐哈尔市教育局2022年政府信息
#   公开工作年度报告
#       根据《中华人民共和国政府信息公开条例》规定和《国务院办公厅政府信息与政务公开
#   办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办
#   函〔2021〕30 号）要求，现发布《齐齐哈尔市教育局 2022 年政府信息公开工作年度报告
#   》。本报告统计数据从 2022 年 1 月 1 日至 12 月 31 日。…
def test_title_broken_over_two_lines_wins_over_a_prose_line_ending_like_a_title():
    report = random_report(random.Random(4), nonzero=False)
    text = render_bytes(report, "spaces", Style(spaced_numbers=True, title_lines=3, wrap=40, para_gap=False),
                        seed=0).decode()
    assert "\n齐齐哈尔市教育局2022年政府信息\n公开工作年度报告\n" in text                 # the input described above
    assert "\n函〔2021〕30 号）要求，现发布《齐齐哈尔市教育局 2022 年政府信息公开工作年度报告\n" in text
    got = api.parse_bytes(text.encode(), "r.txt")
    assert got.meta.agency == "齐齐哈尔市教育局"
    assert differences(report, got) == []


# Lost list numbering, paragraphs indented with a typed tab and no blank line between paragraphs (DOCX → text):
#   总体情况
#   \t2024年，向阳区统计局深入学习贯彻……
#   \t（一）主动公开情况
#   …
#   主动公开政府信息情况
#   第二十条第（一）项\t\t\t
# A short heading line right after a tab-indented line is taken for the continuation of a table cell.
def test_unnumbered_headings_between_tab_indented_paragraphs_are_found():
    report = random_report(random.Random(0))
    text = render_bytes(report, "tabs", Style(numbering="none", para_gap=False, indent="\t"), seed=0).decode()
    assert "\n总体情况\n\t" in text                                                # the input described above
    got = api.parse_bytes(text.encode(), "r.txt")
    assert differences(report, got) == []


def test_wrapped_prose_line_starting_with_a_table_two_label_is_not_the_row():
    """A paragraph broken by the page width and a page boundary leaves a short prose line that starts like the
    table-二 row label 行政规范性文件:
        管理，做到公开信息不涉密、涉密信息不公开。加强政策文件规范管理，对现行有效的行政
        规范性文件进行集中公开并动态更新，方便公众

        查阅。健全政府信息公开保密审查机制……"""
    report = random_report(random.Random(0))
    text = render_bytes(report, "spaces", Style(wrap=0), seed=1).decode()
    prose = ("管理，做到公开信息不涉密、涉密信息不公开。加强政策文件规范管理，对现行有效的行政\n"
             "规范性文件进行集中公开并动态更新，方便公众\n\n"
             "查阅。健全政府信息公开保密审查机制，坚持“先审查、后公开”“一事一审”原则，确保\n")
    text = text.replace("二、主动公开政府信息情况", prose + "二、主动公开政府信息情况", 1)
    got = api.parse_bytes(text.encode(), "r.txt")
    assert differences(report, got) == []


# One cell per line, each with its leading tab, but no blank line between rows (DOCX → text converters that
# do not separate rows); covered label slots still print as a bare tab:
#   \t一、本年新收政府信息公开申请数量
#   \t1330
#   …
#   \t1766
#   \t二、上年结转政府信息公开申请数量
#   …
#   \t
#   \t（二）部分公开（区分处理的，只计这一情形，不计其他情形）
def test_one_cell_per_line_tables_without_row_gaps_are_read():
    report = random_report(random.Random(0))
    text = render_bytes(report, "cells", Style(cell_row_gap=False), seed=0).decode()
    assert "\t1766\n\t二、上年结转政府信息公开申请数量\n" in text                     # the input described above
    got = api.parse_bytes(text.encode(), "r.txt")
    assert differences(report, got) == []


# One cell per line without blank lines between rows, and table 三 continued on a new page under its repeated
# header rows; the row right after the repeated header:
#   \t法律服务机构
#   \t其他
#   \t
#   \t
#   \t
#   \t3.其他
#   \t0 …
def test_row_after_a_repeated_header_without_row_gaps_is_read():
    report = random_report(random.Random(15))
    text = render_bytes(report, "cells", Style(cell_row_gap=False, repeat_header=True), seed=15).decode()
    assert "\t法律服务机构\n\t其他\n\t\n\t\n\t\n\t3.其他\n" in text                  # the input described above
    got = api.parse_bytes(text.encode(), "r.txt")
    assert differences(report, got) == []
