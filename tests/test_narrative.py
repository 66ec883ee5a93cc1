"""extract/narrative/: numbers the text states, read precisely (a false fact makes a false error)."""
import json
from pathlib import Path

import pytest

from nianbao.document import Loc
from nianbao.extract.narrative import cn_int, extract_narrative, trace, vetoes
from nianbao.extract.narrative.vetoes import FAMILIES as VETO_FAMILIES
from nianbao.extract.narrative.vetoes import REGISTRY
from nianbao.model import EnumerationData, FactKind, NarrativeFact


def facts(text: str, year: int = 2023, section: int | None = 1):
    return extract_narrative([(section, text, Loc(line=7))], year)


def kinds(text: str, year: int = 2023) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in facts(text, year):
        out.setdefault(f.kind, []).append(f.value)
    return out


@pytest.mark.parametrize("s,n", [("12", 12), ("十二", 12), ("十", 10), ("一百零五", 105), ("两", 2), ("〇", 0),
                                 ("零", 0), ("二十三", 23), ("一〇五", 105), ("三千二百", 3200), ("一万二千", 12000)])
def test_chinese_and_arabic_numerals(s, n):
    assert cn_int(s) == n


def test_application_counts_in_a_typical_paragraph():
    k = kinds("2023年，我局共收到政府信息公开申请12件，上年结转2件，其中予以公开8件，部分公开2件，"
              "不予公开1件，无法提供1件，结转下年度继续办理2件。")
    assert k["applications.new_received"] == [12]
    assert k["applications.carried_over"] == [2]
    assert k["applications.granted"] == [8]
    assert k["applications.partially_granted"] == [2]
    assert k["applications.denied"] == [1]
    assert k["applications.unavailable"] == [1]
    assert k["applications.carried_forward"] == [2]


def test_chinese_numerals_and_spaces_from_conversion():
    k = kinds("全年新收政府信息公开申请 十二 件，予以公开两件。")
    assert k["applications.new_received"] == [12] and k["applications.granted"] == [2]


def test_number_split_by_a_page_break_is_read_whole():
    k = kinds("本年度收到政府信息公开申请1\n\n5件。")
    assert k["applications.new_received"] == [15]


@pytest.mark.parametrize("text", [
    "2023 年，我局没有接到公民、法人及其他社会组织提交的政府信息公开申请。",
    "沙坡头区司法局 2022 年未收到公民、法人和其他组织提出的政府信息公开申请。",
    "全年未收到依申请公开事项。",
    "本年度无依申请公开。",
])
def test_no_applications_phrases_count_as_zero(text):
    assert kinds(text, year=2022 if "2022" in text else 2023)["applications.new_received"] == [0]


def test_received_total_is_kept_apart_from_new_received():
    k = kinds("全年共受理政府信息公开申请749件。")
    assert k == {"applications.received_total": [749]}


def test_numbers_about_other_work_are_not_applications():
    text = ("红寺堡区2023年共受理法律援助案件380件，已办结321件。12345便民服务平台办理投诉咨询6件，办结6件。"
            "依申请公开工作中，我局通过网络收到申请3件、信函收到申请2件。")
    k = kinds(text)
    assert not any(key.startswith("applications.") for key in k), k


def test_comparisons_and_other_years_are_not_this_years_counts():
    k = kinds("收到政府信息公开申请较上年增加5件。2022年收到政府信息公开申请3件。")
    assert not any(key.startswith("applications.") for key in k), k


def test_review_and_litigation_zero_phrase():
    k = kinds("没有因政府信息公开申请引起的行政复议、行政诉讼案件。")
    assert k["review.total"] == [0] and k["litigation.total"] == [0]
    assert "applications.new_received" not in k


def test_review_counts_against_the_agency_not_cases_it_handled():
    k = kinds("因政府信息公开被申请行政复议1件、被提起行政诉讼2件。")
    assert k["review.total"] == [1] and k["litigation.total"] == [2]
    k = kinds("审结行政复议案件2件，公示行政复议决定2件。受理政府信息公开类行政复议案件3件。")
    assert "review.total" not in k


def test_enumeration_with_total_and_parts():
    (f,) = [f for f in facts("2023年主动公开政府信息33条，其中，部门动态4条、公示公告4条、政策解读3条。")
            if f.kind == "enumeration"]
    assert f.value == 33 and f.data.parts == [("部门动态", 4), ("公示公告", 4), ("政策解读", 3)]
    assert f.data.unit == "条" and not f.data.open


def test_enumeration_label_may_hold_digits():
    (f,) = [f for f in facts("发布信息795篇，其中原创信息344篇，福星普法365专栏213篇。") if f.kind == "enumeration"]
    assert f.data.parts == [("原创信息", 344), ("福星普法365专栏", 213)]


def test_documents_issued_and_repealed():
    k = kinds("对全区行政规范性文件进行清理，决定废止 1 件行政规范性文件。本年制发规范性文件3件，废止2件。制定政府规章1件。")
    assert k["normative_documents.repealed"] == [1, 2]
    assert k["normative_documents.issued"] == [3]
    assert k["regulations.issued"] == [1]


def test_reviewing_or_filing_documents_is_not_issuing_them():
    k = kinds("审查规范性文件 17 件，向市人民政府和区人大常委会备案规范性文件 12 件。建立健全规章制度5项。")
    assert not any(key.startswith(("normative_documents", "regulations")) for key in k), k


def test_all_completed_statement_unless_some_carried_forward():
    assert "all_completed" in kinds("对收到的政府信息公开申请均已按时办结。")
    assert "all_completed" not in kinds("收到的政府信息公开申请除2件结转下年度外，其余均已办结。")


def test_fee_statement():
    (f,) = [f for f in facts("本年度未收取信息处理费。") if f.kind == "fee_statement"]
    assert f.value == 0 and f.data.charged is False
    (f,) = [f for f in facts("共收取信息处理费 200 元。") if f.kind == "fee_statement"]
    assert f.value == 200 and f.data.charged is True
    assert not [f for f in facts("严格执行《政府信息公开信息处理费管理办法》。") if f.kind == "fee_statement"]


def test_year_mentions_are_classified():
    def roles(text, year):
        return [(f.value, f.data.role) for f in facts(text, year) if f.kind == "year_mention"]
    assert roles("沙坡头区司法局 2021 年未收取信息处理费。", 2022) == [(2021, "report")]
    assert roles("2024年，我局将主动公开更多信息。", 2023) == [(2024, "plan")]
    assert roles("收到申请数较2022年有所增加。", 2023) == [(2022, "comparison")]
    assert roles("印发《2022年政务公开工作要点》。", 2023) == []
    assert roles("2021年12月印发实施办法。", 2023) == [(2021, "date")]
    assert roles("2023年，我局主动公开信息50条。", 2023) == []


def test_facts_carry_section_and_position():
    (f,) = extract_narrative([(3, "本年度收到政府信息公开申请5件。", Loc(line=42))], 2023)
    assert f.section == 3 and f.evidence.line == 42 and "5件" in f.text


def test_no_applications_from_some_applicants_or_of_some_kind_is_not_zero_overall():
    for text in ("本年度未收到法人或其他组织提出的政府信息公开申请。",
                 "未收到涉及国家秘密的政府信息公开申请。",
                 "未收到信息处理费减免申请。"):
        assert "applications.new_received" not in kinds(text), text


def test_cumulative_counts_are_not_this_years():
    assert "applications.new_received" not in kinds("自条例施行以来累计收到政府信息公开申请120件。")


def test_posting_documents_is_not_issuing_and_others_repeals_are_not_the_agencys():
    k = kinds("在网站发布规范性文件12件。督促各乡镇清理规范性文件，废止3件。")
    assert not any(key.startswith("normative_documents") for key in k), k


def test_a_sentence_comparing_two_years_is_a_comparison():
    (f,) = [f for f in facts("2023年主动公开信息120条，2022年主动公开信息100条。") if f.kind == "year_mention"]
    assert f.data.role == "comparison"


def test_a_count_that_includes_carried_over_is_not_new_received():
    k = kinds("2023年，本机关共收到政府信息公开申请34件（含上年结转2件），已全部按期答复。")
    assert k["applications.received_total"] == [34] and k["applications.carried_over"] == [2]
    assert "applications.new_received" not in k


def test_review_and_litigation_zero_phrase_with_verbs_between():
    k = kinds("2023年本机关未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。")
    assert k["review.total"] == [0] and k["litigation.total"] == [0]


def test_new_received_after_qizhong_splits_the_accepted_total():
    k = kinds("2023年度，我局受理政府信息公开申请268件，其中本年新收258件、上年结转10件；已办结243件。")
    assert k["applications.new_received"] == [258] and k["applications.carried_over"] == [10]
    assert k["applications.received_total"] == [268]


def test_new_received_after_qizhong_of_one_channel_is_not_the_total():
    assert "applications.new_received" not in kinds("通过网络受理政府信息公开申请10件，其中本年新收8件。")


def test_disclosure_review_and_litigation_that_occurred():
    k = kinds("全年共发生政府信息公开行政复议案件2件、行政诉讼案件1件。")
    assert k["review.total"] == [2] and k["litigation.total"] == [1]


def test_passive_review_and_litigation_without_naming_disclosure():
    k = kinds("全年被申请行政复议3件，被提起行政诉讼1件。")
    assert k["review.total"] == [3] and k["litigation.total"] == [1]


def test_passive_review_about_other_work_is_not_read():
    k = kinds("全年行政执法案件被申请行政复议12件，被提起行政诉讼5件。")
    assert "review.total" not in k and "litigation.total" not in k
    assert extract_narrative([(6, "全年被申请行政复议12件。", Loc(line=1))], 2023) == []   # 其他需要报告的事项


def test_sentences_that_go_on_with_the_applications_statement():
    k = kinds("2022年，海淀区共收到政府信息公开申请1,234件，上年结转56件。其中予以公开560件。行政复议12件，行政诉讼5件。",
              year=2022)
    assert k["applications.new_received"] == [1234] and k["applications.carried_over"] == [56]
    assert k["applications.granted"] == [560]
    assert k["review.total"] == [12] and k["litigation.total"] == [5]


def test_review_cases_the_agency_handles_are_not_against_it():
    k = kinds("2023年，我局共收到政府信息公开申请3件，均已办结。全年受理行政复议案件5件，审结行政复议案件4件。")
    assert "review.total" not in k and "litigation.total" not in k


def test_other_work_after_the_applications_statement_is_not_applications():
    for text in ("2023年，我局共收到政府信息公开申请3件。受理法律援助案件120件，其中办结100件。",
                 "2023年，我局共收到政府信息公开申请3件。其中法律援助案件120件。"):
        k = kinds(text)
        assert k == {"applications.new_received": [3]}, (text, k)


def test_plans_after_the_applications_statement_are_not_counts():
    k = kinds("2023年，我局共收到政府信息公开申请3件。下一年度，我局将力争行政复议、行政诉讼案件0件。")
    assert k == {"applications.new_received": [3]}


def test_a_paragraph_opening_with_qizhong_goes_on_with_the_applications_of_the_paragraph_before():
    # the report extractor hands paragraphs over one by one: the 其中 list on the next line is
    # still the list of the applications counted before it (uncertain, as in one paragraph)
    fs = extract_narrative([(1, "2024年共收到政府信息公开申请2件。", Loc(line=1)),
                            (1, "其中，予以公开3件，办结3件，结转下年度继续办理0件。", Loc(line=2))], 2024)
    assert [(f.kind, f.value, f.certain) for f in fs] == [
        ("applications.new_received", 2, True), ("applications.granted", 3, False),
        ("applications.completed", 3, False), ("applications.carried_forward", 0, False)]
    assert fs[1].text.startswith("其中") and fs[1].evidence.line == 2


def test_a_qizhong_paragraph_after_a_total_split_by_it_makes_the_total_received_total():
    fs = extract_narrative([(1, "2023年，我局共收到政府信息公开申请15件。", Loc(line=1)),
                            (1, "其中上年结转3件。", Loc(line=2))], 2023)
    assert [(f.kind, f.value) for f in fs] == [("applications.received_total", 15),
                                               ("applications.carried_over", 3)]


def test_a_sentence_in_another_paragraph_does_not_go_on_with_the_applications():
    # only a paragraph that opens with 其中 goes on, and only its 其中 sentence
    fs = extract_narrative([(1, "2023年，我局共收到政府信息公开申请3件。", Loc(line=1)),
                            (1, "其中予以公开2件。其中行政复议1件。", Loc(line=2)),
                            (1, "予以公开2件。", Loc(line=3))], 2023)
    assert [(f.kind, f.value) for f in fs] == [("applications.new_received", 3), ("applications.granted", 2)]


def test_a_qizhong_paragraph_goes_on_only_after_an_applications_statement_in_its_section():
    for before in ((1, "2023年，我局共收到政府信息公开申请3件。本年度主动公开信息120条。", Loc(line=1)),
                   (2, "2023年，我局共收到政府信息公开申请3件。", Loc(line=1))):
        fs = extract_narrative([before, (1, "其中予以公开2件，办结2件。", Loc(line=2))], 2023)
        assert [(f.kind, f.value) for f in fs] == [("applications.new_received", 3)], before


def test_a_respectively_list_ends_at_the_comma_after_its_last_items_count():
    text = ("2025年度，本单位接到政府信息公开申请728件，已办结811件，其中予以公开、部分公开、不予公开、不予处理、"
            "其他处理分别为370件、248件、91件、46件、56件，25件正在办理中。")
    fs = extract_narrative([(3, text, Loc(line=1))], 2025)
    assert [(f.kind, f.value, f.certain) for f in fs] == [
        ("applications.new_received", 728, True), ("applications.completed", 811, True),
        ("applications.granted", 370, True), ("applications.partially_granted", 248, True),
        ("applications.denied", 91, True), ("applications.not_processed", 46, True),
        ("applications.other_processing", 56, True), ("applications.carried_forward", 25, False)]
    assert all(f.text == text for f in fs)


def test_a_respectively_list_joined_by_commas_is_not_cut():
    # with commas inside the list, where it ends cannot be told: the sentence stays unread
    # (respectively_unpaired), as before
    fs = extract_narrative([(3, "收到政府信息公开申请9件，其中予以公开、部分公开分别为3件，4件，2件正在办理中。",
                             Loc(line=1))], 2025)
    assert [f for f in fs if f.kind.startswith("applications.")] == []


def test_all_completed_with_carried_over_included():
    k = kinds("全年共受理政府信息公开申请28件（含上年结转2件），已全部办结。")
    assert "all_completed" in k and k["applications.carried_over"] == [2]
    assert "all_completed" in kinds("受理政府信息公开申请5件，其中本年新收4件、上年结转1件；予以公开3件，其他处理2件，均已办结。")


def test_none_completed_is_not_all_completed():
    assert "all_completed" not in kinds("对收到的政府信息公开申请均未办结。")


def test_all_completed_in_the_next_sentence_of_the_applications_statement():
    assert "all_completed" in kinds("2023年，我局共收到政府信息公开申请3件。均已按时办结。")
    assert "all_completed" not in kinds("2023年，我局共收到政府信息公开申请3件。办理人大建议5件，均已办结。")


def test_enumeration_in_brackets():
    (f,) = [f for f in facts("主动公开各类政府信息35条（其中：工作动态20条，通知公告12条）。") if f.kind == "enumeration"]
    assert f.value == 35 and f.data.parts == [("工作动态", 20), ("通知公告", 12)]
    (f,) = [f for f in facts("发布信息121条（其中：重点领域信息28条；行政许可结果4条；人事信息89条），另有图解5条。")
            if f.kind == "enumeration"]
    assert f.data.parts == [("重点领域信息", 28), ("行政许可结果", 4), ("人事信息", 89)]


def enumerations(paragraphs: list[str]):
    paras = [(1, t, Loc(line=7 + i)) for i, t in enumerate(paragraphs)]
    return [f for f in extract_narrative(paras, 2023) if f.kind == "enumeration"]


def test_enumeration_on_hard_wrapped_lines_is_read_across_them_and_names_the_lines():
    # a line ending in "；" does not end the statement: the next items follow on the next line
    (f,) = enumerations(["全年主动公开政府信息126条，包括机构职能5条；政府信息公开年报13条；政府信息公开指南19条；"
                         "建议提案办理31条；民生实事6条；",
                         "行政许可结果30条；其他信息22条。"])
    assert f.value == 126 and len(f.data.parts) == 7 and f.data.joined_lines == [7, 8]
    (f,) = enumerations(["全年主动公开政府信息126条，包括机构职能5条；政府信息公开年报13条；政府信息公开指南19条；"
                         "建议提案办理31条；民生实事6条；行政许可结果30条；其他信息22条。"])
    assert f.value == 126 and len(f.data.parts) == 7 and f.data.joined_lines == []


def test_enumeration_whose_total_starts_the_line_is_read_with_the_line_before():
    # "…各类信息5" / "1条，其中…": the total's first digits are on the line before
    (f,) = enumerations(["（一）主动公开情况。全年主动公开各类信息5",
                         "1条，其中公示公告15条；行政处罚结果35条；招标采购1条。"])
    assert f.value == 51 and [p[1] for p in f.data.parts] == [15, 35, 1] and f.data.joined_lines == [7, 8]


def test_enumeration_cut_by_a_page_break_a_numbered_item_or_the_section_end_states_nothing():
    cut = ["全年主动公开政府信息126条，包括机构职能5条；政府信息公开年报13条；", "行政许可结果30条；其他信息22条。"]
    assert extract_narrative([(1, cut[0], Loc(line=7, page=1)), (1, cut[1], Loc(line=8, page=2))], 2023) == []
    assert enumerations([cut[0], "（二）依申请公开情况"]) == []
    assert [f for f in extract_narrative([(1, cut[0], Loc(line=7)), (2, cut[1], Loc(line=8))], 2023)
            if f.kind == "enumeration"] == []
    assert enumerations(["主动公开政府信息30条，其中工作动态20条、通知公告5条"]) == []
    # a total whose first digits a page break cut off names nothing
    assert extract_narrative([(1, "全年主动公开各类信息5", Loc(line=7, page=1)),
                              (1, "1条，其中公示公告15条；行政处罚结果35条；招标采购1条。", Loc(line=8, page=2))],
                             2023) == []


def test_enumeration_list_in_the_next_sentence_mixed_separators_and_items_with_dunhao():
    (f,) = enumerations(["主动公开政府信息120条。其中，工作动态50条，通知公告40条、政策解读30条。"])
    assert f.value == 120 and [p[1] for p in f.data.parts] == [50, 40, 30]
    (f,) = enumerations(["主动公开政府信息60条，其中人事、财务信息20条、工作动态40条。"])
    assert f.data.parts == [("人事、财务信息", 20), ("工作动态", 40)]
    (f,) = enumerations(["主动公开信息60条，其中工作动态20条、政策文件30条，另有图解10条。"])
    assert [p[1] for p in f.data.parts] == [20, 30]


def test_enumeration_of_applications_states_nothing_even_without_the_word_for_them():
    # the paragraph before ends in "受理政府信息公开": the one read only says "申请18件"
    assert enumerations(["2023年度，我镇受理政府信息公开",
                         "申请18件，其中本年新收18件；已办结18件，予以公开3件，部分公开7件。"]) == []
    assert enumerations(["我镇受理政府信息公开", "申请18件，其中本年新收16件、上年结转3件。"]) == []


def test_enumeration_split_by_semicolons_whose_last_item_goes_on_after_a_comma_states_nothing():
    assert enumerations(["主动公开信息60条，其中工作动态20条；政策文件30条，解读材料10条、图解5条。"]) == []
    (f,) = enumerations(["主动公开信息60条，其中工作动态20条、政策文件30条、图解10条；另有视频3条。"])
    assert [p[1] for p in f.data.parts] == [20, 30, 10]


def test_review_cases_of_a_whole_area_are_not_the_agencys():
    k = kinds("全市共发生政府信息公开行政复议案件120件、行政诉讼案件45件。")
    assert "review.total" not in k and "litigation.total" not in k


def test_all_answered_is_all_completed():
    assert "all_completed" in kinds("2023年共收到政府信息公开申请34件，已全部按期答复。")
    assert "all_completed" in kinds("对收到的政府信息公开申请均在法定期限内予以答复。")
    assert "all_completed" not in kinds("对群众咨询均已答复。")


def test_one_figure_for_both_review_and_litigation():
    k = kinds("因政府信息公开被申请行政复议、提起行政诉讼各0件。")
    assert k["review.total"] == [0] and k["litigation.total"] == [0]
    k = kinds("因政府信息公开申请引起的行政复议和行政诉讼均为1件。")
    assert k["review.total"] == [1] and k["litigation.total"] == [1]


def test_respectively_is_not_one_figure_for_both():
    k = kinds("因政府信息公开引起的行政复议、行政诉讼分别为1件、2件。")
    assert k.get("review.total", [1]) == [1] and k.get("litigation.total", [2]) == [2], k


def test_respectively_pairs_each_item_with_its_count():
    k = kinds("全年新收、上年结转政府信息公开申请分别为12件、3件。")
    assert (k["applications.new_received"], k["applications.carried_over"]) == ([12], [3])
    k = kinds("本机关因政府信息公开工作被申请行政复议、提起行政诉讼分别为1件、2件。")
    assert (k["review.total"], k["litigation.total"]) == ([1], [2])


def test_respectively_with_items_and_counts_that_do_not_pair_states_nothing():
    assert kinds("全年新收、上年结转政府信息公开申请分别为12件。") == {}


def test_respectively_fact_quotes_the_sentence_as_printed():
    (f, _) = facts("全年新收、上年结转政府信息公开申请分别为12件、3件。")
    assert f.text == "全年新收、上年结转政府信息公开申请分别为12件、3件。"


@pytest.mark.parametrize("text", ["共收到政府信息公开申请15件（其中本年新收12件、上年结转3件）。",
                                  "共收到政府信息公开申请15件，其中上年结转3件。"])
def test_received_count_split_into_new_and_carried_over_is_their_sum_not_the_new_ones(text):
    k = kinds(text)
    assert k["applications.received_total"] == [15] and 15 not in k.get("applications.new_received", [])


# ------------------------------------------------------------------ sentences as real reports phrase them
# tests/fixtures/narrative/<family>.jsonl, one real sentence a row: its section (and report year, 2023 unless
# given), the facts of that family it must yield — exactly these, so a spurious fact fails as much as a wrong one
# (it would make N001/N002 fire on a correct report) — their payloads where the row gives them, and what the row
# exercises: the rule its facts feed and the vetoes that must fire on it; "gate:<family>": the family's gate
# stays shut (the sentence is not about it), nothing is read and nothing vetoed.
FIXTURES = Path(__file__).parent / "fixtures" / "narrative"
ROWS = [(fam.stem, i, json.loads(line)) for fam in sorted(FIXTURES.glob("*.jsonl"))
        for i, line in enumerate(fam.read_text(encoding="utf-8").splitlines()) if line.strip()]
COUNTS = ("applications.", "review.", "litigation.")
FAMILY_KINDS = {"applications": COUNTS, "review_litigation": COUNTS,
                "documents": ("regulations.", "normative_documents."), "enumerations": ("enumeration",),
                "completion": ("all_completed",), "fees": ("fee_statement",), "years": ("year_mention",)}
FAMILY_RULE = {"documents": "N005", "enumerations": "N003", "completion": "N006", "fees": "C005", "years": "D003"}


def _family_facts(text: str, section: int, year: int, prefixes: tuple[str, ...]):
    return [f for f in extract_narrative([(section, text, Loc(line=7))], year) if f.kind.startswith(prefixes)]


def _by_kind(fs) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in fs:
        out.setdefault(str(f.kind), []).append(f.value)
    return out


def _rule_of(family: str, kind: str) -> str:
    return FAMILY_RULE.get(family) or ("N001" if kind.startswith("applications.") else "N002")


def test_fixture_files_hold_the_real_sentences_of_every_family():
    assert len(ROWS) >= 330 and {fam for fam, _, _ in ROWS} == set(FAMILY_KINDS)


@pytest.mark.parametrize("family,i,row", ROWS, ids=[f"{fam}-{i:03d}" for fam, i, _ in ROWS])
def test_sentence_yields_exactly_the_facts_it_states(family, i, row):
    with trace() as fired:
        fs = _family_facts(row["sentence"], row["section"], row.get("year", 2023), FAMILY_KINDS[family])
    got = _by_kind(fs)
    assert got == row["facts"]
    if "data" in row:
        assert [f.data.model_dump(mode="json") for f in fs] == row["data"]
    named = set(row["exercises"])
    if named == {f"gate:{family}"}:      # the family's gate stays shut: nothing read, nothing to veto
        assert got == {} and fired == []
        return
    rules = {_rule_of(family, k) for k in got}
    assert named - REGISTRY.keys() == rules, f"rules named {named - REGISTRY.keys()} but facts feed {rules}"
    assert named & REGISTRY.keys() <= set(fired), f"vetoes named but not fired: {(named & REGISTRY.keys()) - set(fired)}"


def test_counts_labelled_with_a_year_are_not_read_when_the_report_year_is_unknown():
    text = "2022年收到政府信息公开申请10件，2023年收到政府信息公开申请12件。"
    assert [f.kind for f in extract_narrative([(1, text, Loc(line=1))], None)
            if f.kind.startswith("applications.")] == []
    assert kinds(text, year=2023)["applications.new_received"] == [12]
    (f,) = extract_narrative([(1, "全年共收到政府信息公开申请12件。", Loc(line=1))], None)
    assert (f.kind, f.value) == ("applications.new_received", 12)


def test_carried_over_applications_all_completed_is_not_all_completed():
    assert "all_completed" not in kinds("全年受理政府信息公开申请15件，上年度结转的政府信息公开申请2件均已办结。")
    assert "all_completed" in kinds("全年共受理政府信息公开申请28件（含上年结转2件），已全部办结。")


@pytest.mark.parametrize("tail", ["结转下年度办理0件。", "结转下年度继续办理0件。", "结转至下一年度办理0件。"])
def test_carried_forward_with_办理_is_no_received_total(tail):
    k = kinds("2024年共收到政府信息公开申请43件，上年结转4件，已办结47件，其中予以公开15件、部分公开7件，" + tail,
              year=2024)
    assert k["applications.carried_forward"] == [0]
    assert "applications.received_total" not in k


# ------------------------------------------------------------------ vetoes: every rejection named, documented, proven
VETOES = vetoes()


@pytest.mark.parametrize("v", VETOES, ids=[v.name for v in VETOES])
def test_every_veto_fires_on_its_own_example(v):
    assert "What it does:" in v.doc and "Why it matters:" in v.doc and v.summary
    with trace() as fired:
        extract_narrative([(4 if v.family == "review_litigation" else 1, v.example, Loc(line=1))], v.year)
    assert v.name in fired


def test_vetoes_cover_every_family_and_the_fixture_rows_name_them():
    assert {v.family for v in VETOES} == set(VETO_FAMILIES)
    named = {name for _, _, row in ROWS for name in row["exercises"]}
    assert len(named & REGISTRY.keys()) >= 20


# ------------------------------------------------------------------ facts real reports state that were skipped or misread
def test_granted_and_partial_in_one_figure_is_their_sum_not_either():
    k = kinds("全年收到政府信息公开申请20件，予以公开及部分公开15件，不予公开5件。")
    assert k["applications.granted_and_partial"] == [15] and k["applications.denied"] == [5]
    assert "applications.granted" not in k and "applications.partially_granted" not in k
    assert kinds("收到政府信息公开申请9件，其中予以公开和部分公开共7件。")["applications.granted_and_partial"] == [7]


def test_not_accepted_is_no_received_total():
    k = kinds("全年共受理政府信息公开申请12件，不予受理2件。")
    assert k == {"applications.received_total": [12]}


def test_outcome_counts_without_an_applications_clause_are_read_as_uncertain():
    fs = [f for f in facts("本年度予以公开15件，部分公开7件，不予公开2件。") if f.kind.startswith("applications.")]
    assert [(f.kind, f.value) for f in fs] == [("applications.granted", 15), ("applications.partially_granted", 7),
                                               ("applications.denied", 2)]
    assert all(not f.certain and "办理结果" in f.reason for f in fs)
    (f,) = [f for f in facts("办理结果：予以公开15件。") if f.kind.startswith("applications.")]
    assert f.kind == "applications.granted" and not f.certain
    # one outcome, no 申请 and no 办理结果: could be anything disclosed
    assert kinds("本年度予以公开15件。") == {}


def test_review_and_litigation_results_stated_in_the_text():
    k = kinds("因政府信息公开被申请行政复议3件，其中维持2件、纠正1件；被提起行政诉讼2件，其中结果维持1件。")
    assert k["review.total"] == [3] and k["review.maintained"] == [2] and k["review.corrected"] == [1]
    assert k["litigation.total"] == [2] and k["litigation.maintained"] == [1]
    # a result after both kinds: of which one, or of both together, cannot be told
    k = kinds("因政府信息公开被申请行政复议2件，被提起行政诉讼2件，其中结果被纠正1件。")
    assert "review.corrected" not in k and "litigation.corrected" not in k
    # the results of cases the agency decides as 复议机关 are not those against it
    assert "review.maintained" not in kinds("我局作为复议机关审理政府信息公开类行政复议案件5件，维持3件。")


def test_zeros_written_as_0条_or_as_a_negation():
    assert kinds("本年度收到政府信息公开申请0条。")["applications.new_received"] == [0]
    assert kinds("本年度无政府信息公开申请情况发生。")["applications.new_received"] == [0]
    assert kinds("本年度未有政府信息公开申请发生。")["applications.new_received"] == [0]
    k = kinds("本年度无因政府信息公开引起的行政复议、行政诉讼情况发生。")
    assert k["review.total"] == [0] and k["litigation.total"] == [0]
    k = kinds("全年未发生因政府信息公开被行政复议纠错或行政诉讼败诉的情况。")
    assert k == {"review.corrected": [0], "litigation.corrected": [0]}
    # 条 still counts items, not applications, after other words
    assert kinds("全年依申请公开政府信息12条。") == {}


@pytest.mark.parametrize("text", ["全年共收到政府信息公开申请12份。", "全年共收到政府信息公开申请12宗。",
                                  "全年共收到政府信息公开申请书12份。"])
def test_applications_counted_in_份_or_宗(text):
    assert kinds(text)["applications.new_received"] == [12]


def test_facts_are_typed_and_comparable_to_the_kind_strings():
    (f,) = facts("全年共收到政府信息公开申请12件。")
    assert f.kind == "applications.new_received" and isinstance(f.kind, FactKind)
    assert f.model_dump(mode="json")["kind"] == "applications.new_received"
    (e,) = enumerations(["主动公开政府信息60条，其中工作动态20条、政策文件30条、图解10条。"])
    assert isinstance(e.data, EnumerationData) and e.model_dump(mode="json")["data"]["parts"][0] == ["工作动态", 20]
    assert NarrativeFact.model_validate(e.model_dump(mode="json")) == e


def test_the_numeral_parser_is_shared_with_the_meta_extraction():
    from nianbao.extract import meta
    assert meta.cn_int is cn_int


# ------------------------------------------------------------------ phrasings the sentence grammar found unread or misread
def test_outcome_words_of_the_form_and_their_variants():
    k = kinds("全年新收政府信息公开申请19件，其中全部或部分公开12件、不予公开1件。")
    assert k["applications.granted_and_partial"] == [12] and "applications.granted" not in k
    k = kinds("全年共办结政府信息公开申请4件，其中：同意公开2件，部分予以公开1件，其他处理1件。")
    assert k["applications.granted"] == [2] and k["applications.partially_granted"] == [1]
    k = kinds("我局全年共收到政府信息公开申请5件，答复5件，其中予以公开3件。")
    assert k["applications.completed"] == [5]
    assert "applications.completed" not in kinds("法律顾问参与政府信息公开申请答复审核，共审核答复文书15件。")


def test_carried_forward_is_read_in_an_outcome_sentence_and_is_no_plan():
    k = kinds("我局全年共收到政府信息公开申请5件，办结5件。其中，予以公开3件，无法提供2件，结转下一年度继续办理1件。")
    assert k["applications.granted"] == [3] and k["applications.carried_forward"] == [1]
    k = kinds("从办理结果看，予以公开394件，部分公开184件，结转下年度继续办理0件。")
    assert k["applications.carried_forward"] == [0]
    assert kinds("下一年度，我局将力争予以公开20件，部分公开5件。") == {}


def test_no_carried_over_applications_is_zero_carried_over():
    k = kinds("全年未收到政府信息公开申请，无上年结转申请。")
    assert k == {"applications.new_received": [0], "applications.carried_over": [0]}


def test_all_applicants_named_is_no_part():
    k = kinds("本年度共收到公民、法人和其他组织提出的政府信息公开申请2件，办结2件。")
    assert k["applications.new_received"] == [2]
    assert "applications.new_received" not in kinds("本年度共收到法人提出的政府信息公开申请2件。")


def test_two_respectively_lists_in_one_sentence_and_counts_in_份():
    k = kinds("全年本年新收、上年结转政府信息公开申请分别为8份、0份，按时办结8份，其中予以公开、无法提供分别为6份、2份。")
    assert k["applications.new_received"] == [8] and k["applications.carried_over"] == [0]
    assert k["applications.granted"] == [6] and k["applications.unavailable"] == [2]


def test_enumeration_paired_by_respectively():
    (f,) = enumerations(["全年主动公开政府信息11条，其中重点领域信息、公示公告分别为2条、9条。"])
    assert f.value == 11 and f.data.parts == [("重点领域信息", 2), ("公示公告", 9)]


def test_a_sentence_opening_with_another_year_states_that_years_counts():
    assert kinds("2021年我局受理政府信息公开申请160件，予以公开2件。") == {"year_mention": [2021]}
    assert kinds("全市各级行政机关共受理政府信息公开申请54件。") == {}
    assert kinds("按照全市统一部署，我局全年收到政府信息公开申请5件。")["applications.new_received"] == [5]


def test_a_comparison_in_its_own_clause_does_not_hide_the_next_count():
    k = kinds("我厅全年共收到政府信息公开申请6件，同比增长28%，其中予以公开2件，部分公开2件，无法提供2件。")
    assert k["applications.granted"] == [2] and k["applications.partially_granted"] == [2]
    assert "applications.new_received" not in kinds("收到政府信息公开申请较上年增加5件。")


def test_average_reply_time_is_no_all_completed_and_no_received_review_zero_is_uncertain():
    assert "all_completed" not in kinds("政府信息公开申请平均答复时间为2个工作日。")
    fs = [f for f in facts("全年未收到因政府信息公开引起的行政复议和行政诉讼。", section=3) if f.kind != "year_mention"]
    assert [(f.kind, f.value, f.certain) for f in fs] == [("review.total", 0, False), ("litigation.total", 0, False)]
    assert kinds("我局作为复议机关，未收到因政府信息公开引起的行政复议申请。") == {}


def test_a_sum_after_new_and_carried_over_is_the_received_total():
    fs = facts("2023年，区政府收到政府信息公开申请1488份，上年结转177份，共计1665份，答复1665份。")
    got = {(str(f.kind), f.value, f.certain) for f in fs if f.kind.startswith("applications.")}
    assert got == {("applications.new_received", 1488, True), ("applications.carried_over", 177, True),
                   ("applications.received_total", 1665, False), ("applications.completed", 1665, True)}
    assert "applications.received_total" not in kinds("主动公开政府信息12条，共计12条。")


def test_an_outcome_sentence_led_by_the_completed_applications():
    k = kinds("本年度我局新收政府信息公开申请2件。在已办结的申请中，予以公开1件，已答复1件，结转下年度继续办理1件。")
    assert k == {"applications.new_received": [2], "applications.granted": [1], "applications.completed": [1],
                 "applications.carried_forward": [1]}


def test_an_area_as_subject_is_read_but_uncertain():
    (f,) = [f for f in facts("全县新收政府信息公开申请47件。") if f.kind.startswith("applications.")]
    assert (f.kind, f.value, f.certain) == ("applications.new_received", 47, False) and "全县" in f.reason


def test_vetoes_command_lists_the_catalog_and_says_why_a_sentence_reads_as_it_does():
    from typer.testing import CliRunner

    from nianbao.cli import app
    runner = CliRunner()
    res = runner.invoke(app, ["vetoes", "--json"])
    assert res.exit_code == 0
    catalog = json.loads(res.stdout)
    assert {v["name"] for v in catalog} == set(REGISTRY) and all(v["example"] and v["summary"] for v in catalog)
    res = runner.invoke(app, ["vetoes", "--why", "全年共受理政府信息公开申请12件，不予受理2件。", "--json"])
    out = json.loads(res.stdout)
    assert out["vetoes"] == ["not_accepted"]
    assert [(f["kind"], f["value"], f["certain"]) for f in out["facts"]] == [("applications.received_total", 12, False)]


def test_documents_counted_in_部():
    assert kinds("本年度制定政府规章2部，废止行政规范性文件1部。") == {"regulations.issued": [2],
                                                          "normative_documents.repealed": [1]}
    assert kinds("联合5部门印发规范性文件。") == {}


def test_last_year_named_by_its_year_is_carried_over():
    k = kinds("区政府共收到政府信息公开申请13件，其中2022年结转2件，本年新收11件。")
    assert k["applications.carried_over"] == [2] and k["applications.new_received"] == [11]
    (f, *_) = [f for f in facts("区政府共收到政府信息公开申请13件，其中2022年结转2件，本年新收11件。")]
    assert "2022年结转" in f.text          # quoted as printed
    assert "applications.carried_over" not in kinds("区政府共收到政府信息公开申请13件，其中2021年结转2件。")


def test_applications_still_in_progress_are_carried_forward_uncertain():
    (f,) = [f for f in facts("我局全年共收到政府信息公开申请5件，办结5件，另有1件仍在办理中。")
            if f.kind == "applications.carried_forward"]
    assert f.value == 1 and not f.certain


def test_a_litigation_sentence_going_on_with_a_disclosure_review_sentence():
    fs = extract_narrative([(3, "行政复议方面：全年因政府信息公开被申请行政复议2件。行政诉讼方面：被提起行政诉讼6件。",
                             Loc(line=1))], 2023)
    assert [(f.kind, f.value, f.certain) for f in fs] == [("review.total", 2, True), ("litigation.total", 6, False)]
    assert extract_narrative([(3, "被提起行政诉讼6件。", Loc(line=1))], 2023) == []
