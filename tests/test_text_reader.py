"""The text reader: decoding, debris, paragraphs with line numbers, and the table families."""
from __future__ import annotations

import codecs

import pytest

from nianbao.document import Paragraph, Table
from nianbao.errors import InputError
from nianbao.readers.text import read


def doc(text: str, name: str = "a.txt"):
    return read(text.encode("utf-8"), name)


def grids(d):
    return [[[c.text for c in row] for row in b.rows] for b in d.blocks if isinstance(b, Table)]


def paras(d):
    return [(b.loc.line, b.text) for b in d.blocks if isinstance(b, Paragraph)]


SAMPLE = "某局2023年政府信息公开工作年度报告\n\n一、总体情况\n规章\t１\t0\t3\n"


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8"),
    lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    lambda s: s.encode("utf-16"),                       # with BOM
    lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    lambda s: s.encode("gb18030"),
    lambda s: s.encode("utf-16-le"),                    # no BOM
    lambda s: s.encode("utf-16-be"),
])
def test_decodes_utf8_bom_utf16_and_gb18030(encode):
    d = read(encode(SAMPLE), "a.txt")
    assert paras(d)[0] == (1, "某局2023年政府信息公开工作年度报告")
    assert grids(d) == [[["规章", "1", "0", "3"]]]


def test_full_width_digits_and_nbsp_are_normalised():
    d = doc("二〇二三年\u3000共２０２３条\n数额\u00a0０．３５万元\n")
    assert paras(d) == [(1, "二〇二三年 共2023条"), (2, "数额 0.35万元")]


def test_zero_width_characters_are_dropped():
    assert paras(doc("总\u200b体\ufeff情况\n")) == [(1, "总体情况")]


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03PK\x00\x00" * 40, bytes(range(256)) * 8])
def test_binary_junk_is_refused(data):
    with pytest.raises(InputError, match="不是文本文件"):
        read(data, "x.txt")


@pytest.mark.parametrize("data", [b"", b"   \n\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_empty_file_is_refused(data):
    with pytest.raises(InputError, match="为空"):
        read(data, "x.txt")


def test_debris_is_removed_and_recorded_with_its_line():
    d = doc("正文一\n[bookmark: _GoBack]（二）进一步做好\n一是**加强队伍管理。**二是__考核__\n\n- 2 -\n第 3 页\n第2页 共5页\n12\n正文二\n")
    assert paras(d) == [(1, "正文一"), (2, "（二）进一步做好"), (3, "一是加强队伍管理。二是考核"), (9, "正文二")]
    assert [(r.kind, r.text, r.loc.line) for r in d.removed] == [
        ("bookmark", "[bookmark: _GoBack]", 2),
        ("markdown", "**加强队伍管理。**", 3), ("markdown", "__考核__", 3),
        ("page_number", "- 2 -", 5), ("page_number", "第 3 页", 6), ("page_number", "第2页 共5页", 7),
        ("page_number", "12", 8)]


def test_markdown_file_markup_is_stripped_but_not_debris():
    d = doc("# 一、总体情况\n一是**加强**\n", "a.md")
    assert paras(d) == [(1, "一、总体情况"), (2, "一是加强")]
    assert d.removed == []


def test_year_alone_on_a_line_is_not_a_page_number():
    d = doc("主动公开政府信息2023\n\n年主动公开 33 条\n")
    assert paras(d) == [(1, "主动公开政府信息2023"), (3, "年主动公开 33 条")]


def test_tab_rows_keep_empty_cells_and_blank_lines_inside_the_table():
    d = doc("标题\n第二十条第（六）项\t\t\t\n信息内容\t本年处理决定数量\t\t\n\n行政处罚\t0\n行政强制\t\n结尾段落\n")
    assert grids(d) == [[["第二十条第（六）项", "", "", ""], ["信息内容", "本年处理决定数量", "", ""],
                         ["行政处罚", "0"], ["行政强制", ""]]]
    t = d.tables()[0]
    assert t.loc.line == 2 and t.rows[2][1].loc.line == 5
    assert paras(d) == [(1, "标题"), (7, "结尾段落")]


def test_one_cell_per_line_rows_continuations_and_empty_cells():
    d = doc("标题\n\t信息内容\n\t结果\n维持\n\t   \n\t0\n\n\t行政许可\n\t1,234\n结尾。这是正文段落，不是单元格。\n")
    assert grids(d) == [[["信息内容", "结果维持", "", "0"], ["行政许可", "1,234"]]]
    t = d.tables()[0]
    assert [c.loc.line for c in t.rows[0]] == [2, 3, 5, 6]
    assert paras(d)[-1] == (10, "结尾。这是正文段落，不是单元格。")


def test_a_heading_after_a_cell_line_is_not_a_continuation():
    d = doc("\t规章\n\t0\n\t行政许可\n\t0\n五、存在的主要问题及改进情况\n")
    assert grids(d) == [[["规章", "0", "行政许可", "0"]]]
    assert paras(d) == [(5, "五、存在的主要问题及改进情况")]


def test_tab_indented_prose_is_paragraphs_not_a_table():
    d = doc("\t2023年，我局认真贯彻落实条例。\n\n\t全年主动公开信息100条。\n")
    assert grids(d) == []
    assert paras(d) == [(1, "2023年，我局认真贯彻落实条例。"), (3, "全年主动公开信息100条。")]


def test_signature_with_a_tab_stays_a_paragraph():
    assert paras(doc("某某局\t2024年1月11日\n")) == [(1, "某某局 2024年1月11日")]


def test_markdown_pipe_table_skips_the_separator_row():
    d = doc("| 信息内容 | 本年制发件数 |\n|:---|---:|\n| 规章 | 3 |\n| 行政规范性文件 |  |\n")
    assert grids(d) == [[["信息内容", "本年制发件数"], ["规章", "3"], ["行政规范性文件", ""]]]
    assert d.tables()[0].rows[2][0].loc.line == 4


def test_web_page_pipe_rows_without_a_leading_pipe_are_a_table():
    """A web page saved as text: "a | b |" rows, a merged heading printed once with its own pipe."""
    d = doc("二、主动公开政府信息情况\n第二十条第(一)项 |\n信息内容 | 本年制发件数 | 本年废止件数 |\n"
            "规章 | 0 | 0 |\n行政规范性文件 | 5 | 1 |\n第二十条第(五)项 | ||\n")
    assert grids(d) == [[["第二十条第(一)项"], ["信息内容", "本年制发件数", "本年废止件数"], ["规章", "0", "0"],
                         ["行政规范性文件", "5", "1"], ["第二十条第(五)项", "", ""]]]
    assert paras(d) == [(1, "二、主动公开政府信息情况")]


def test_two_cell_pipe_rows_are_a_table_together_but_a_lone_one_is_text():
    d = doc("第二十条第（五）项\n信息内容 | 本年处理决定数量\n行政许可 | 179\n说明文字。\n网站 | 首页\n")
    assert grids(d) == [[["信息内容", "本年处理决定数量"], ["行政许可", "179"]]]
    assert paras(d) == [(1, "第二十条第（五）项"), (4, "说明文字。"), (5, "网站 | 首页")]


def test_open_pipe_rows_join_the_closed_rows_around_them():
    d = doc("行政处罚 | 39 |\n行政强制 | 18\n")
    assert grids(d) == [[["行政处罚", "39", ""], ["行政强制", "18"]]]     # a table with open rows: no pipe closes


def test_grid_table_joins_cell_text_over_lines():
    d = doc("+------+------+\n| 结果 | 其他 |\n| 维持 | 结果 |\n+======+======+\n| 1    | 2    |\n+------+------+\n")
    assert grids(d) == [[["结果维持", "其他结果"], ["1", "2"]]]


def test_table_split_by_page_number_is_one_block():
    d = doc("规章\t0\t0\t0\n行政规范性文件\t0\t0\t0\n\n- 2 -\n\n行政许可\t5\n")
    assert grids(d) == [[["规章", "0", "0", "0"], ["行政规范性文件", "0", "0", "0"], ["行政许可", "5"]]]


def test_crlf_and_form_feed_line_breaks():
    d = doc("第一行\r\n第二行\r第三行\f第四行")
    assert [t for _, t in paras(d)] == ["第一行", "第二行", "第三行", "第四行"]


def test_tab_indented_prose_without_blank_lines_is_paragraphs():
    d = doc("\t一、总体情况\n\t2023年，我局认真贯彻落实条例。\n\t（一）主动公开情况\n\t全年主动公开信息100条。\n")
    assert grids(d) == []
    assert paras(d) == [(1, "一、总体情况"), (2, "2023年，我局认真贯彻落实条例。"), (3, "（一）主动公开情况"),
                        (4, "全年主动公开信息100条。")]


def test_json_data_file_is_refused():
    with pytest.raises(InputError, match="JSON"):
        read('{"meta": {"title": "某局2023年政府信息公开工作年度报告"}}'.encode(), "gold.json")


def test_markdown_escapes_and_html_entities_are_undone():
    d = doc("| （三）不予公开 | 1\\. 属于国家秘密 | 0 |\n|---|---|---|\n收费&nbsp;0&lt;1\n", "a.md")
    assert grids(d) == [[["（三）不予公开", "1. 属于国家秘密", "0"]]]
    assert paras(d) == [(3, "收费 0<1")]


def test_short_line_after_tab_indented_prose_is_not_a_cell_continuation():
    d = doc("\t2023年，我局认真贯彻落实条例。\n主动公开政府信息情况\n\t（一）主动公开情况\n")
    assert grids(d) == []
    assert paras(d) == [(1, "2023年，我局认真贯彻落实条例。"), (2, "主动公开政府信息情况"), (3, "（一）主动公开情况")]


def test_page_breaks_of_pdftotext_keep_line_numbers_as_an_editor_counts_them():
    d = doc("第一行\n第二行\n\f第三行\n第四行\n\f\n第六行\n")
    assert paras(d) == [(1, "第一行"), (2, "第二行"), (3, "第三行"), (4, "第四行"), (6, "第六行")]


def test_bare_numbers_between_one_blank_line_cells_are_cells_and_a_lone_page_number_is_not():
    doc = read("规章\n\n3\n\n1\n\n7\n\n行政规范性文件\n\n\n\n\n8\n\n\n\n五、存在的主要问题\n".encode())
    assert [b.text for b in doc.paragraphs()][:4] == ["规章", "3", "1", "7"]
    assert [(r.kind, r.text) for r in doc.removed] == [("page_number", "8")]


def test_a_number_after_a_page_marker_inside_a_row_is_its_cell():
    doc = read("（一）予以公开\n4\n0\n0\n0\n0\n0\n第4页 共12页\n4\n".encode())
    assert [b.text for b in doc.paragraphs()][-1] == "4"
    assert [r.text for r in doc.removed] == ["第4页 共12页"]


def test_cells_each_closed_by_a_pipe_stay_a_grid_with_their_counted_blanks():
    doc = read("规章 |\n1 |\n|||\n行政规范性文件 |\n0 |\n".encode())
    (table,) = doc.tables()
    assert [[c.text for c in r] for r in table.rows] == [["规章"], ["1"], ["", ""], ["行政规范性文件"], ["0"]]


def test_a_bare_zero_after_an_ebook_page_break_is_a_cell_not_a_page_number():
    """No page is numbered 0: a lone 0 after a page marker and blank lines is the table's next cell."""
    text = "尚未审结\n总计\n\n某局2025年度政府信息公开工作年度报告\n47/53\n\n0\n/\n0\n0\n"
    doc = read(text.encode("utf-8"), "ebook.txt")
    cells = [b.text for b in doc.blocks if getattr(b, "text", None) in ("0", "/")]
    assert cells == ["0", "/", "0", "0"]
    assert all(r.text != "0" for r in doc.removed)
