"""Sections 一…六, the narrative paragraphs, and what is not a report."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from nianbao.api import parse_bytes
from nianbao.errors import InputError
from nianbao.extract import sections as S

TITLE = "某局2023年政府信息公开工作年度报告\n"


def parse(text: str, name: str = "r.txt"):
    return parse_bytes(text.encode("utf-8"), name)


def test_six_sections_with_text_and_tables_not_in_text():
    r = parse(TITLE + "一、总体情况\n第一段。\n\n（一）主动公开情况\n第二段。\n二、主动公开政府信息情况\n规章\t0\t0\t0\n"
              "三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n"
              "五、存在的主要问题及改进情况\n一是问题。\n六、其他需要报告的事项\n无。\n")
    assert [(s.no, s.heading, s.text) for s in r.sections] == [
        (1, "总体情况", "第一段。\n（一）主动公开情况\n第二段。"), (2, "主动公开政府信息情况", ""),
        (3, "收到和处理政府信息公开申请情况", ""), (4, "政府信息公开行政复议、行政诉讼情况", ""),
        (5, "存在的主要问题及改进情况", "一是问题。"), (6, "其他需要报告的事项", "无。")]
    assert r.provenance["sections.0"].line == 2
    assert r.extraction.notes == []


def test_arabic_numbering_glued_text_and_reworded_headings():
    r = parse(TITLE + "1、 总体情况\n正文。\n二、主动公开政府信息\n规章\t0\t0\t0\n"
              "五、存在的主要问题及改进情况2023年，我局仍有不足。\n6.其他需要报告的事项\n无。\n")
    assert [(s.no, s.heading, s.text) for s in r.sections] == [
        (1, "总体情况", "正文。"), (2, "主动公开政府信息", ""), (5, "存在的主要问题及改进情况", "2023年，我局仍有不足。"),
        (6, "其他需要报告的事项", "无。")]
    assert "未找到第三、四部分的标题" in r.extraction.notes


def test_glued_heading_without_the_official_wording():
    assert S.match_heading("一、总体情况2023年，我局坚持…") == (1, "总体情况", "2023年，我局坚持…")
    assert S.match_heading("五、存在问题和改进措施。一是人员不足。") == (5, "存在问题和改进措施", "一是人员不足。")


@pytest.mark.parametrize("text", ["（一）总体情况", "一是总体情况良好", "三、本年度办理结果", "四、结转下年度继续办理",
                                  "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "2.有效推进普法"])
def test_sub_headings_and_table_row_labels_are_not_sections(text):
    assert S.match_heading(text) is None


def test_table_row_labels_printed_as_paragraphs_do_not_cut_sections():
    r = parse(TITLE + "一、总体情况\n正文。\n三、收到和处理政府信息公开申请情况\n三、本年度办理结果\n四、结转下年度继续办理\n"
              "四、政府信息公开行政复议、行政诉讼情况\n")
    assert [s.no for s in r.sections] == [1, 3, 4]
    assert r.section(3).text == "三、本年度办理结果\n四、结转下年度继续办理"


def test_numbers_going_backwards_are_not_headings():
    r = parse(TITLE + "一、总体情况\n二、主动公开政府信息情况\n规章\t0\t0\t0\n六、其他需要报告的事项\n二、主动公开的还有一些。\n")
    assert [s.no for s in r.sections] == [1, 2, 6]
    assert r.section(6).text == "二、主动公开的还有一些。"


def test_missing_section_is_absent():
    r = parse(TITLE + "一、总体情况\n正文。\n二、主动公开政府信息情况\n规章\t0\t0\t0\n六、其他需要报告的事项\n无。\n")
    assert [s.no for s in r.sections] == [1, 2, 6]


def test_sentence_broken_by_a_page_break_is_joined_for_the_narrative_only(monkeypatch):
    seen = []
    monkeypatch.setattr("nianbao.extract.extract_narrative", lambda paras, year: seen.extend(paras) or [])
    r = parse(TITLE + "一、总体情况\n（一）主动公开情况\n按照条例要求，坚持以公开为常态、不公开为例外，及时准确公开法定内容。2023\n\n"
              "年主动公开政府信息 33 条。\n（二）依申请公开\n全年未收到申请。\n")
    assert r.section(1).text.split("\n")[1].endswith("2023")
    texts = [(no, t) for no, t, _ in seen]
    assert (1, "按照条例要求，坚持以公开为常态、不公开为例外，及时准确公开法定内容。2023年主动公开政府信息 33 条。") in texts
    assert (1, "（一）主动公开情况") in texts and (1, "（二）依申请公开") in texts
    assert (None, "某局2023年政府信息公开工作年度报告") in texts
    assert next(loc for _, t, loc in seen if t.startswith("按照")).line == 4


def test_debris_reaches_the_report():
    r = parse(TITLE + "一、总体情况\n[bookmark: _GoBack]正文。\n1\n")
    assert [(d.kind, d.text, d.evidence.line) for d in r.extraction.debris] == [
        ("bookmark", "[bookmark: _GoBack]", 3), ("page_number", "1", 4)]


@pytest.mark.parametrize("text", ["hello world\n", "今天天气很好，我们去公园散步。\n明天再说。\n",
                                  "关于开展春季植树活动的通知\n各单位：请按时参加。\n"])
def test_text_that_is_not_a_report_is_refused(text):
    with pytest.raises(InputError, match="不是政府信息公开工作年度报告"):
        parse(text)


def test_report_with_only_the_title_and_sections_is_accepted():
    r = parse(TITLE + "一、总体情况\n正文。\n")
    assert r.meta.agency == "某局" and r.extraction.tables_found == []


def test_format_2019_is_detected_and_noted():
    r = parse("某局2019年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
              "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t0\t0\t0\n")
    assert r.format == "2019"
    assert any("2019" in n for n in r.extraction.notes)
    r = parse("某局2020年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
              "\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n"
              "一、本年新收政府信息公开申请数量\t\t1\t0\t0\t0\t0\t0\t1\n"
              "\t（六）其他处理\t0\t0\t0\t0\t0\t0\t0\n")
    assert r.format == "2019"
    assert r.tables.legacy.model_dump() == {"applications": {"other_processing": {k: 0 for k in
                               ["natural_person", "commercial", "research", "social_welfare", "legal_service",
                                "other_org", "total"]}}}
    assert "other.other" not in r.tables.applications and r.tables.cell("applications.new_received.total") == 1


def test_format_2019_table_two_is_kept_under_legacy_with_the_shared_decisions():
    r = parse("某局2019年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
              "第二十条第（一）项\t\t\t\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
              "规章\t1\t0\t16\n规范性文件\t1\t7\t115\n第二十条第（五）项\n"
              "信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政许可\t30\t5\t16,502\n其他对外管理服务事项\t12\t3\t107\n"
              "行政处罚\t12\t-2\t3213\n行政事业性收费\t6\t-2\n政府集中采购\t22\t400.85\n")
    leg = r.tables.legacy.model_dump()["active_disclosure"]
    assert leg["licensing"] == {"prev_year_items": 30, "change": 5, "decisions": 16502}
    assert leg["punishment"]["change"] == -2 and leg["procurement"] == {"items": 22, "amount": 400.85}
    assert leg["regulations"] == {"new_made": 1, "new_published": 0, "total_published": 16}
    d = r.to_dict()["tables"]["active_disclosure"]
    assert d == {"licensing": {"decisions": 16502}, "punishment": {"decisions": 3213}, "enforcement": {"decisions": None}}
    assert r.provenance["tables.legacy.active_disclosure.fees.change"].line == 12


def test_six_parts_numbered_in_brackets():
    r = parse(TITLE + "（一）总体情况\n（一）主动公开情况\n正文。\n（二）主动公开政府信息情况\n规章\t0\t0\t0\n"
              "（三）收到和处理政府信息公开申请情况\n（四）政府信息公开行政复议、行政诉讼情况\n"
              "（五）存在的主要问题及改进情况\n无。\n（六）其他需要报告的事项\n无。\n")
    assert [s.no for s in r.sections] == [1, 2, 3, 4, 5, 6]
    assert r.section(1).text == "（一）主动公开情况\n正文。"


def test_headings_whose_numbering_was_lost():
    r = parse(TITLE + "总体情况\n（一）主动公开情况\n正文。\n主动公开政府信息情况\n规章\t0\t0\t0\n"
              "收到和处理政府信息公开申请情况\n因政府信息公开工作被申请行政复议、提起行政诉讼情况\n"
              "存在的主要问题和改进情况\n无。\n其他需要报告的事项\n无。\n")
    assert [(s.no, s.heading) for s in r.sections] == [
        (1, "总体情况"), (2, "主动公开政府信息情况"), (3, "收到和处理政府信息公开申请情况"),
        (4, "因政府信息公开工作被申请行政复议、提起行政诉讼情况"), (5, "存在的主要问题和改进情况"), (6, "其他需要报告的事项")]
    assert r.section(1).text == "（一）主动公开情况\n正文。"


PIECES = ["一、总体情况", "二、主动公开政府信息情况", "规章", "\t", "\t\t", "0", "1,234", "—", "\n", "\n\n", "| a | b |",
          "|---|", "+---+", "自然人", "总计", "其他", "（七）总计", "3.其他", "行政复议", "结果", "维持", "（六）其他处理",
          "四、结转下年度继续办理", "本报告统计数据从2023年1月1日至12月31日", TITLE, "2024年1月11日", "- 2 -",
          "[bookmark: x]", "**", "\u3000", "\xa0", "１２", "本年新制作数量", "信息内容", "# ", "\\.", "&nbsp;", "\r", "\f",
          "。", "行政许可", "0.35"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=80), st.sampled_from(["utf-8", "gb18030", "utf-16"]),
       st.sampled_from(["a.txt", "a.md"]))
def test_any_mix_of_report_pieces_gives_a_report_or_a_clear_input_error(pieces, encoding, name):
    try:
        report = parse_bytes("".join(pieces).encode(encoding), name)
    except InputError as e:
        assert e.message
    else:
        report.to_json()
