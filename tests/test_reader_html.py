"""HTML reader at the Document level: charsets, the article among portal chrome, span grids, bounds."""
from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from nianbao.document import Table
from nianbao.errors import InputError
from nianbao.generate import random_report
from nianbao.generate.html import render_html
from nianbao.readers import html as html_reader
from nianbao.readers import read

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>t</title></head><body>{body}</body></html>"


def grid(table: Table) -> list[list[str]]:
    return [[("~" if c.covered else "") + c.text for c in row] for row in table.rows]


def test_rowspan_and_colspan_expand_into_covered_slots_with_origin_text():
    doc = read(page("<table><tr><td rowspan=2>三、结果</td><td colspan=2>（一）予以公开</td><td>1</td></tr>"
                    "<tr><td>（二）</td><td>x</td><td>2</td></tr></table>").encode(), "t.html")
    t = doc.tables()[0]
    assert grid(t) == [["三、结果", "（一）予以公开", "~（一）予以公开", "1"], ["~三、结果", "（二）", "x", "2"]]
    assert (t.rows[1][0].loc.table, t.rows[1][0].loc.row, t.rows[1][0].loc.col) == (0, 1, 0)


def test_rowspan_zero_and_oversized_spans_stop_at_the_table_edge():
    doc = read(page("<table><tr><td rowspan=0>a</td><td>b</td></tr><tr><td>c</td></tr>"
                    "<tr><td rowspan=99>d</td></tr></table>").encode(), "t.html")
    assert grid(doc.tables()[0]) == [["a", "b"], ["~a", "c"], ["~a", "d"]]


def test_br_and_nbsp_inside_cells():
    doc = read(page("<table><tr><td>商业<br>企业</td><td>&nbsp;</td><td><p>一</p><p>二</p></td></tr>"
                    "<tr><td>1</td><td>2</td><td>3</td></tr></table>").encode(), "t.html")
    assert grid(doc.tables()[0])[0] == ["商业\n企业", "", "一\n二"]


def test_gbk_page_with_meta_charset_and_portal_chrome_reads_only_the_article():
    data = (FIXTURES / "gold003.html").read_bytes()
    assert b'charset="gbk"' in data
    doc = read(data, "gold003.html")
    texts = [b.text for b in doc.paragraphs()]
    assert texts[0] == "乌拉特中旗司法局2023年政府信息公开工作年度报告"
    joined = "\n".join(texts)
    for chrome in ("当前位置", "网站标识码", "政务服务", "分享到", "在脚本里的文字", "浏览次数"):
        assert chrome not in joined
    assert len(doc.tables()) == 3
    headings = [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert len(headings) == 6


@pytest.mark.parametrize("declared,encoding", [("gbk", "utf-8"), ("utf-8", "gb18030"), ("iso-8859-1", "gb18030"),
                                               ("gb2312", "gb18030")])
def test_wrong_or_narrow_declared_charset_falls_back_to_what_the_bytes_are(declared, encoding):
    text = page("<p>一、总体情况：本机关收到申请𠀀件（生僻字）与 3 件</p>", head=f'<meta charset="{declared}">')
    doc = read(text.encode(encoding), "c.html")
    assert doc.paragraphs()[0].text == "一、总体情况：本机关收到申请𠀀件（生僻字）与 3 件"


def test_http_equiv_charset_and_bom():
    head = '<meta http-equiv="Content-Type" content="text/html; charset=GB2312">'
    assert read(page("<p>主动公开</p>", head).encode("gbk"), "a.html").paragraphs()[0].text == "主动公开"
    assert read(b"\xef\xbb\xbf" + page("<p>主动公开</p>", "").encode(), "b.html").paragraphs()[0].text == "主动公开"


def test_paragraph_positions_are_source_lines():
    doc = read(b"<html><body>\n<p>first</p>\n\n<p>second</p></body></html>", "l.html")
    assert [(p.text, p.loc.line) for p in doc.paragraphs()] == [("first", 2), ("second", 4)]


def test_rendered_report_cells_match_the_report():
    report = random_report(random.Random(11), nonzero=True)
    doc = read(render_html(report, site_chrome=True), "r.html")
    t2 = doc.tables()[0]
    row = next(r for r in t2.rows if r[0].text == "行政许可")
    assert row[1].text == str(report.tables.active_disclosure.licensing.decisions)
    assert row[2].covered and row[3].covered


def test_huge_page_is_refused_quickly():
    data = b"<html><body>" + b"<p>x</p>" * (html_reader.MAX_HTML_BYTES // 8 + 1) + b"</body></html>"
    t = time.perf_counter()
    with pytest.raises(InputError, match="网页文件过大"):
        read(data, "huge.html")
    assert time.perf_counter() - t < 1.0


def test_deep_and_wide_pages_stay_linear():
    deep = page("<div>" * 2000 + "<p>一、总体情况</p>" + "</div>" * 2000).encode()
    wide = page("<p>一、总体情况</p>" + "<span>数据</span>" * 200_000).encode()
    for data in (deep, wide):
        t = time.perf_counter()
        doc = read(data, "big.html")
        assert doc.paragraphs()[0].text.startswith("一、总体情况")
        assert time.perf_counter() - t < 10


def test_page_nested_beyond_the_parser_limit_is_refused_not_read_in_part():
    with pytest.raises(InputError, match="嵌套过深"):
        read(page("<div>" * 3000 + "<p>一、总体情况</p>" + "</div>" * 3000).encode(), "deep.html")


def test_page_without_text_is_an_input_error():
    with pytest.raises(InputError, match="没有找到正文"):
        read(page("<script>var a=1;</script><nav><a href='/'>首页</a></nav>").encode(), "empty.html")
