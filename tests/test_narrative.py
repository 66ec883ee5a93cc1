"""extract/narrative.py: numbers the text states, read precisely (a false fact makes a false error)."""
import pytest

from nianbao.document import Loc
from nianbao.extract.narrative import cn_int, extract_narrative


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
    assert f.value == 33 and f.data["parts"] == [["部门动态", 4], ["公示公告", 4], ["政策解读", 3]]
    assert f.data["unit"] == "条" and not f.data["open"]


def test_enumeration_label_may_hold_digits():
    (f,) = [f for f in facts("发布信息795篇，其中原创信息344篇，福星普法365专栏213篇。") if f.kind == "enumeration"]
    assert f.data["parts"] == [["原创信息", 344], ["福星普法365专栏", 213]]


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
    assert f.value == 0 and f.data["charged"] is False
    (f,) = [f for f in facts("共收取信息处理费 200 元。") if f.kind == "fee_statement"]
    assert f.value == 200 and f.data["charged"] is True
    assert not [f for f in facts("严格执行《政府信息公开信息处理费管理办法》。") if f.kind == "fee_statement"]


def test_year_mentions_are_classified():
    def roles(text, year):
        return [(f.value, f.data["role"]) for f in facts(text, year) if f.kind == "year_mention"]
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
    assert f.data["role"] == "comparison"


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


def test_a_sentence_in_another_paragraph_does_not_go_on_with_the_applications():
    fs = extract_narrative([(1, "2023年，我局共收到政府信息公开申请3件。", Loc(line=1)),
                            (1, "其中予以公开2件。行政复议1件。", Loc(line=2))], 2023)
    assert [f.kind for f in fs] == ["applications.new_received"]


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
    assert f.value == 35 and f.data["parts"] == [["工作动态", 20], ["通知公告", 12]]
    (f,) = [f for f in facts("发布信息121条（其中：重点领域信息28条；行政许可结果4条；人事信息89条），另有图解5条。")
            if f.kind == "enumeration"]
    assert f.data["parts"] == [["重点领域信息", 28], ["行政许可结果", 4], ["人事信息", 89]]


def enumerations(paragraphs: list[str]):
    paras = [(1, t, Loc(line=7 + i)) for i, t in enumerate(paragraphs)]
    return [f for f in extract_narrative(paras, 2023) if f.kind == "enumeration"]


def test_enumeration_cut_at_a_paragraph_end_inside_the_list_states_nothing():
    # hard-wrapped text: a line ending in "；" closes the paragraph, the next items follow on the next one
    assert enumerations(["全年主动公开政府信息126条，包括机构职能5条；政府信息公开年报13条；政府信息公开指南19条；"
                         "建议提案办理31条；民生实事6条；",
                         "行政许可结果30条；其他信息22条。"]) == []
    assert enumerations(["主动公开政府信息30条，其中工作动态20条、通知公告5条"]) == []
    (f,) = enumerations(["全年主动公开政府信息126条，包括机构职能5条；政府信息公开年报13条；政府信息公开指南19条；"
                         "建议提案办理31条；民生实事6条；行政许可结果30条；其他信息22条。"])
    assert f.value == 126 and len(f.data["parts"]) == 7


def test_enumeration_whose_total_starts_the_paragraph_states_nothing():
    # "…各类信息5" / "1条，其中…": the total's first digits are on the line before
    assert enumerations(["（一）主动公开情况。全年主动公开各类信息5",
                         "1条，其中公示公告15条；行政处罚结果35条；招标采购1条。"]) == []


def test_enumeration_of_applications_states_nothing_even_without_the_word_for_them():
    # the paragraph before ends in "受理政府信息公开": the one read only says "申请18件"
    assert enumerations(["2023年度，我镇受理政府信息公开",
                         "申请18件，其中本年新收18件；已办结18件，予以公开3件，部分公开7件。"]) == []
    assert enumerations(["我镇受理政府信息公开", "申请18件，其中本年新收16件、上年结转3件。"]) == []


def test_enumeration_split_by_semicolons_whose_last_item_goes_on_after_a_comma_states_nothing():
    assert enumerations(["主动公开信息60条，其中工作动态20条；政策文件30条，解读材料10条、图解5条。"]) == []
    (f,) = enumerations(["主动公开信息60条，其中工作动态20条、政策文件30条、图解10条；另有视频3条。"])
    assert [p[1] for p in f.data["parts"]] == [20, 30, 10]


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
# Each row: a sentence of section 一 or 四 (or a short paragraph), the application / review / litigation facts
# it must yield — exactly these, so a spurious fact fails as much as a wrong one (it would make N001/N002 fire
# on a correct report). An empty dict: the sentence states nothing these rules may compare (precision first).
NEW, CARRIED, FORWARD, DONE, TOTAL = ("applications.new_received", "applications.carried_over",
                                      "applications.carried_forward", "applications.completed",
                                      "applications.received_total")
GRANTED, PART, DENIED, UNAVAIL, NOT_PROC = ("applications.granted", "applications.partially_granted",
                                            "applications.denied", "applications.unavailable",
                                            "applications.not_processed")
REVIEW, LIT = "review.total", "litigation.total"

# totals, parts of them (by channel, applicant, content, part of an area, one dated application),
# other counts in the same sentence (咨询, 信访, 12345, 人大建议, 主动公开), comparisons, shares, other years,
# vague or ranged figures (近20件, 约15件, 3-5件), durations (20个工作日), steps of handling (补正, 延期, 征求意见)
APPLICATION_SENTENCES = [
    ("2023年，本机关共收到政府信息公开申请56件，较上年增加12件，同比增长27.3%。", {NEW: [56]}, 1),
    ("全年共收到政府信息公开申请56件，其中自然人申请50件，法人或其他组织申请6件。", {NEW: [56]}, 1),
    ("从申请渠道看，通过当面提交3件，信函申请10件，网络申请43件。", {}, 1),
    ("上年结转政府信息公开申请4件，本年度新收申请56件，共计60件。", {CARRIED: [4], NEW: [56]}, 1),
    ("截至2023年12月31日，已办结58件，结转下年度继续办理2件。", {}, 1),
    ("全年共办理政府信息公开申请60件（其中上年结转4件），均已按时答复。", {TOTAL: [60], CARRIED: [4]}, 1),
    ("2023年度共受理依申请公开37件，其中新收35件，上年结转2件。", {TOTAL: [37], NEW: [35], CARRIED: [2]}, 1),
    ("本年度我局收到政府信息公开申请共计二十三件。", {NEW: [23]}, 1),
    ("本年度共接到群众咨询电话120个，收到政府信息公开申请8件。", {NEW: [8]}, 1),
    ("通过12345热线转办的政府信息公开申请5件。", {}, 1),
    ("受理信访事项25件，办结率100%。", {}, 1),
    ("全年办理人大代表建议12件、政协委员提案8件。", {}, 1),
    ("2023年，本机关收到政府信息公开申请10件，比2022年减少3件。", {NEW: [10]}, 1),
    ("本年度新收政府信息公开申请数量为15件，同比下降25%。", {NEW: [15]}, 1),
    ("其中，公民申请13件，占86.7%；法人或其他组织申请2件，占13.3%。", {}, 1),
    ("全年共收到政府信息公开申请两件。", {NEW: [2]}, 1),
    ("全年共受理群众来信来访12件，受理政府信息公开申请1件。", {TOTAL: [1]}, 1),
    ("收到政府信息公开申请5件，其中1件为重复申请，作不予处理。", {NEW: [5]}, 1),
    ("本年度共收到政府信息公开申请9件，涉及征地拆迁类4件、社会保障类3件、其他2件。", {NEW: [9]}, 1),
    ("全年共收到政府信息公开申请11件，办结11件，办结率100%。", {NEW: [11], DONE: [11]}, 1),
    ("2023年度依申请公开政府信息6件。", {TOTAL: [6]}, 1),
    ("2023年，本单位共计收到信息公开申请0件。", {NEW: [0]}, 1),
    ("全年共收到政府信息公开申请28件，上年结转1件，共需办理29件。", {NEW: [28], CARRIED: [1], TOTAL: [29]}, 1),
    ("全年共收到政府信息公开申请43件，其中通过政府网站在线申请32件、信函申请8件、当面申请3件。", {NEW: [43]}, 1),
    ("本年度本机关受理政府信息公开申请4件，比上年增加1件，已全部办结。", {TOTAL: [4]}, 1),
    ("全年共答复政府信息公开申请17件。", {TOTAL: [17]}, 1),
    ("收到的申请中，申请公开本机关文件的5件，申请公开行政许可信息的3件。", {}, 1),
    ("在收到的政府信息公开申请中，申请公开规划许可信息的5件，申请公开征收补偿信息的3件。", {}, 1),
    ("2023年，我办共收到政府信息公开申请7件，其中2022年结转1件，本年新收6件。", {TOTAL: [7], NEW: [6]}, 1),
    ("本年度收到政府信息公开申请8件（不含上年结转2件）。", {NEW: [8], CARRIED: [2]}, 1),
    ("2023年共收到政府信息公开申请15件，加上2022年结转的3件，共办理18件。", {NEW: [15], TOTAL: [18]}, 1),
    ("全年共收到政府信息公开申请21件，已办结19件，2件正在办理中。", {NEW: [21], DONE: [19]}, 1),
    ("本年度共收到政府信息公开申请125件，同比增长15.7%，其中网上申请98件，占78.4%。", {NEW: [125]}, 1),
    ("2023年共收到政府信息公开申请三十余件。", {}, 1),
    ("收到政府信息公开申请近20件。", {}, 1),
    ("收到政府信息公开申请10余件。", {}, 1),
    ("收到政府信息公开申请20多件。", {}, 1),
    ("全年受理政府信息公开申请约15件。", {}, 1),
    ("全年受理政府信息公开申请15件左右。", {}, 1),
    ("每月收到政府信息公开申请3-5件。", {}, 1),
    ("每月收到政府信息公开申请3至5件。", {}, 1),
    ("全年受理政府信息公开申请10～15件。", {}, 1),
    ("本年度，我局收到政府信息公开申请1件，申请人为自然人，申请公开某小区规划许可信息，我局于法定期限内予以公开。", {NEW: [1]}, 1),
    ("2023年3月15日，我局收到张某的政府信息公开申请1件，已于4月2日依法答复。", {}, 1),
    ("1月5日收到政府信息公开申请1件，申请公开某地块征收补偿方案。", {}, 1),
    ("对政府信息公开申请，12月收到的2件结转至2024年办理。", {}, 1),
    ("全年共收到政府信息公开申请45件，其中上年度结转3件。", {TOTAL: [45], CARRIED: [3]}, 1),
    ("全年新收政府信息公开申请45件，加上年结转3件，共48件。", {NEW: [45], CARRIED: [3]}, 1),
    ("全年共办结政府信息公开申请46件（含2022年结转的3件）。", {DONE: [46]}, 1),
    ("收到政府信息公开申请45件，上年同期为38件。", {NEW: [45]}, 1),
    ("通过12345政务服务热线受理群众咨询、求助、投诉1200件，收到政府信息公开申请2件。", {NEW: [2]}, 1),
    ("全年受理依申请公开事项2件。", {TOTAL: [2]}, 1),
    ("全年共办理各类政务服务事项12万余件，受理政府信息公开申请8件。", {TOTAL: [8]}, 1),
    ("本年度，区人民政府共收到政府信息公开申请256件（含各部门转办11件）。", {TOTAL: [256]}, 1),
    ("收到政府信息公开申请1件，已答复1件。", {NEW: [1], DONE: [1]}, 1),
    ("收到的4件政府信息公开申请中，3件予以公开，1件因涉及第三方权益不予公开。", {}, 1),
    ("我局坚持依申请公开与主动公开相结合，全年主动公开政府信息120条，办理依申请公开3件。", {TOTAL: [3]}, 1),
    ("政府信息公开申请答复期限为15个工作日。", {}, 1),
    ("对收到的政府信息公开申请，均在20个工作日内答复。", {}, 1),
    ("对政府信息公开申请内容不明确的，向申请人提出补正要求3件。", {}, 1),
    ("对政府信息公开申请征求第三方意见3件。", {}, 1),
    ("对政府信息公开申请延期答复2件。", {}, 1),
    ("区政府本级收到政府信息公开申请56件，区直各部门共收到政府信息公开申请969件，各镇街收到政府信息公开申请12件。", {}, 1),
    ("从上年结转至2023年的政府信息公开申请2件。", {CARRIED: [2]}, 1),
    ("2023年共收到政府信息公开申请15件，2022年为8件。", {NEW: [15]}, 1),
    ("2023年，本机关通过信函、网络等渠道共收到政府信息公开申请25件。", {NEW: [25]}, 1),
    ("全年通过政府网站依申请公开平台收到申请20件。", {}, 1),
    ("收到政府信息公开申请12件（含1件补正后重新提交的申请）。", {TOTAL: [12]}, 1),
    ("本年度新收政府信息公开申请第1件于3月2日收到。", {}, 1),
    ("全年收到政府信息公开申请5件，其中当面申请1件、网上申请4件；申请人均为自然人。", {NEW: [5]}, 1),
    ("全年收到的政府信息公开申请中，予以公开3件，部分公开1件，无法提供1件。", {GRANTED: [3], PART: [1], UNAVAIL: [1]}, 1),
    ("不予公开2件，其中属于三类内部事务信息1件、属于过程性信息1件。", {}, 1),
    ("收到政府信息公开申请10件，其中不予公开2件，其中属于三类内部事务信息1件、属于过程性信息1件。", {NEW: [10], DENIED: [2]}, 1),
    ("收到政府信息公开申请6件，不予处理2件（重复申请1件、信访举报投诉类申请1件）。", {NEW: [6], NOT_PROC: [2]}, 1),
    ("依申请公开方面，全年共收到申请13件。", {NEW: [13]}, 1),
    ("全年新收、上年结转政府信息公开申请分别为12件、3件。", {NEW: [12], CARRIED: [3]}, 1),
    ("收到、办结政府信息公开申请分别为12件、12件。", {NEW: [12], DONE: [12]}, 1),
    ("全年共收到政府信息公开申请12件，其中自然人、法人或其他组织分别为10件、2件。", {NEW: [12]}, 1),
    ("在办理结果中，予以公开、部分公开、不予公开的分别为5件、3件、2件。", {}, 1),
    ("政府信息公开申请办理结果中，予以公开、部分公开、不予公开的分别为5件、3件、2件。", {GRANTED: [5], PART: [3], DENIED: [2]}, 1),
    ("全年收到政府信息公开申请6件，实际办理5件（1件申请人撤回）。", {NEW: [6]}, 1),
    ("收到的政府信息公开申请主要集中在三个方面。", {}, 1),
    ("收到的政府信息公开申请内容主要涉及两个领域。", {}, 1),
    ("对收到的政府信息公开申请做到一件一档、一案一策。", {}, 1),
    ("本年度收到涉及征地拆迁的政府信息公开申请4件。", {}, 1),
    ("全年共收到政府信息公开申请12件，其中1月份3件。", {NEW: [12]}, 1),
    ("2023年，我局共收到政府信息公开申请3件。其中，自然人申请2件，法人申请1件。", {NEW: [3]}, 1),
    ("全年收到政府信息公开申请5件，均为网上申请，其中2件因申请内容不明确经补正后受理。", {NEW: [5]}, 1),
    ("全年共收到政府信息公开申请八件，办结八件。", {NEW: [8], DONE: [8]}, 1),
    ("全年共收到政府信息公开申请一百二十三件。", {NEW: [123]}, 1),
    ("本年度收到政府信息公开申请十余件。", {}, 1),
    ("本年度新收政府信息公开申请同比增加一倍，达到24件。", {}, 1),
    ("本年度收到政府信息公开申请24件，是上年的2倍。", {NEW: [24]}, 1),
    ("2023年，我局共受理政府信息公开申请18件（含补正后受理2件）。", {TOTAL: [18]}, 1),
    ("2023年1月1日至12月31日，我局共收到政府信息公开申请9件。", {NEW: [9]}, 1),
    ("截至2023年12月31日，我局共收到政府信息公开申请9件。", {NEW: [9]}, 1),
    ("2023年1-12月，共收到政府信息公开申请9件。", {NEW: [9]}, 1),
    ("12月28日收到的政府信息公开申请1件尚在答复期内，结转下年度继续办理。", {}, 1),
    ("结转下年度继续办理的政府信息公开申请1件，系12月下旬收到。", {FORWARD: [1]}, 1),
    ("全年共收到政府信息公开申请9件，结转下年度继续办理1件。", {NEW: [9], FORWARD: [1]}, 1),
    ("因申请人撤回申请而终止办理的政府信息公开申请1件。", {}, 1),
    ("对申请人提出的3件政府信息公开申请，均依法予以答复。", {}, 1),
    ("本年度收到政府信息公开申请10件，对于申请人提出的3件延期答复申请均予以同意。", {NEW: [10]}, 1),
    ("区政务服务中心依申请公开窗口接待群众现场咨询86人次，收到政府信息公开申请4件。", {}, 1),
    ("全年依申请公开政府信息10件，较上年增长25%。", {TOTAL: [10]}, 1),
    ("依申请公开工作中，收到的5件申请均按时答复。", {NEW: [5]}, 1),
    ("共收到政府信息公开申请5件，比上年度减少2件。", {NEW: [5]}, 1),
    ("2023年度本机关新收政府信息公开申请2件，上年度结转政府信息公开申请0件。", {NEW: [2], CARRIED: [0]}, 1),
    ("2023年，区政府办公室及区直各部门共收到政府信息公开申请300件。", {}, 1),
    ("我局及下属单位共收到政府信息公开申请30件。", {NEW: [30]}, 1),
    ("本年度，本镇共收到政府信息公开申请3件。", {NEW: [3]}, 1),
    ("本街道2023年共收到政府信息公开申请3件。", {NEW: [3]}, 1),
    ("法律顾问全程参与政府信息公开申请答复审核，共审核答复文书15件。", {}, 1),
    ("本年度12345热线转来涉及政府信息公开的诉求8件。", {}, 1),
    ("全年共处理政府信息公开申请14件，较2022年增加6件。", {TOTAL: [14]}, 1),
    ("2023年，我局办理信访件326件，办理人大建议、政协提案27件，收到政府信息公开申请6件。", {NEW: [6]}, 1),
    ("依申请公开渠道畅通，全年法律援助申请受理1250件。", {}, 1),
    ("本年度依申请公开办理中，予以公开3件，占60%；部分公开1件，占20%；不予公开1件，占20%。", {GRANTED: [3], PART: [1], DENIED: [1]}, 1),
    ("全年收到政府信息公开申请3件，其中予以公开1件，不予公开1件，无法提供1件，按期办结率100%。", {NEW: [3], GRANTED: [1], DENIED: [1], UNAVAIL: [1]}, 1),
    ("对申请公开的信息属于不予公开范围的2件，依法作出不予公开答复。", {DENIED: [2]}, 1),
    ("依申请公开答复情况：同意公开5件，同意部分公开1件，不同意公开2件，信息不存在3件，非本机关政府信息1件。", {GRANTED: [5], PART: [1], DENIED: [2]}, 1),
    ("本年度收到政府信息公开申请11件，其中不同意公开2件。", {NEW: [11], DENIED: [2]}, 1),
    ("上年结转的政府信息公开申请已办结2件。", {}, 1),
    ("全年共收到政府信息公开申请12件，上年结转2件，办结14件。", {NEW: [12], CARRIED: [2], DONE: [14]}, 1),
    ("收到12名申请人提交的政府信息公开申请15件。", {NEW: [15]}, 1),
    ("全年新收政府信息公开申请12件（不含撤回申请2件）。", {NEW: [12]}, 1),
    ("共收到政府信息公开申请20件，其中同一申请人提交8件。", {NEW: [20]}, 1),
    ("政府信息公开申请量达到历年最高，共56件。", {}, 1),
    ("一是严格规范办理程序，全年收到政府信息公开申请12件；二是加强答复审核。", {NEW: [12]}, 1),
    ("下一步，我局将严格办理政府信息公开申请，力争按期办结率达100%。", {}, 5),
    ("2024年，我局将进一步规范依申请公开办理，预计受理申请20件。", {}, 5),
    ("全年共收到政府信息公开申请5件，办理答复5件。", {NEW: [5], TOTAL: [5]}, 1),
    ("本年度全部予以公开的申请3件。", {}, 1),
    ("收到政府信息公开申请3件，全部予以公开。", {NEW: [3]}, 1),
    ("2023年，我局共收到政府信息公开申请3件。其中予以公开2件，无法提供1件。均已按期答复。", {NEW: [3], GRANTED: [2], UNAVAIL: [1]}, 1),
    ("2023年，我局共收到政府信息公开申请3件。其中上年结转1件。", {TOTAL: [3], CARRIED: [1]}, 1),
    ("2023年共收到政府信息公开申请15件。其中上年结转政府信息公开申请3件。", {TOTAL: [15], CARRIED: [3]}, 1),
    ("2023年共收到政府信息公开申请15件。其中，本年新收12件，上年结转3件。", {TOTAL: [15], CARRIED: [3]}, 1),
    ("2023年共新收政府信息公开申请15件。上年结转3件。", {NEW: [15]}, 1),
    ("2023年共收到政府信息公开申请15件。其中，予以公开10件。", {NEW: [15], GRANTED: [10]}, 1),
    ("本年度新收政府信息公开申请2件，其中本机关为第三方的申请1件。", {NEW: [2]}, 1),
    ("本年度收到政府信息公开申请15件，信息公开指南访问量1200次。", {NEW: [15]}, 1),
    ("本年度收到政府信息公开申请15件，政府网站发布信息320条。", {NEW: [15]}, 1),
    ("本年度共收到政府信息公开申请15件，涉及6个部门。", {NEW: [15]}, 1),
    ("依申请公开的政府信息涉及12个部门。", {}, 1),
    ("全年共受理政府信息公开申请5件，申请人共3人。", {TOTAL: [5]}, 1),
    ("2023年，我局共收到政府信息公开申请3件。2022年12月收到的1件结转至本年度办理。", {NEW: [3]}, 1),
    ("本年度共收到政府信息公开申请6件，其中个人申请5件，企业申请1件，均已按期办结。", {NEW: [6]}, 1),
    ("本年度共收到政府信息公开申请6件，按照申请方式分，当面1件、网络5件。", {NEW: [6]}, 1),
    ("本机关2023年度政府信息公开申请数量为6件。", {TOTAL: [6]}, 1),
    ("本机关2023年度政府信息公开申请办理数量为6件。", {TOTAL: [6]}, 1),
    ("本机关2023年度政府信息公开申请答复超期0件。", {}, 1),
    ("本年度依申请公开被纠错0件。", {}, 1),
    ("大力推进依申请公开“一件事一次办”改革。", {}, 1),
    ("收到政府信息公开申请后，实行“一件事”集成办理。", {}, 1),
    ("收到上级机关转来的政府信息公开申请2件。", {}, 1),
    ("政府网站依申请公开平台全年收到申请20件。", {}, 1),
    ("依申请公开窗口收到政府信息公开申请4件。", {}, 1),
    ("全年共收到政府信息公开申请书12份。", {NEW: [12]}, 1),
    ("依申请公开和主动公开分别为12件和120条。", {TOTAL: [12]}, 1),
    ("本年度新收政府信息公开申请12件，上年结转3件，分别较上年增加2件、减少1件。", {NEW: [12], CARRIED: [3]}, 1),
    ("当面申请、网络申请、信函申请分别为1件、10件、2件。", {}, 1),
    ("全年共收到政府信息公开申请12件，涉及申请人9个。", {NEW: [12]}, 1),
    ("梳理依申请公开事项12个。", {}, 1),
    ("编制依申请公开事项目录3个。", {}, 1),
    ("发放政府信息公开申请表200份。", {}, 1),
    ("全年主动公开政府信息1200条，依申请公开政府信息12条。", {}, 1),
    ("本年度收到政府信息公开申请12件（详见表三）。", {NEW: [12]}, 1),
    ("全年共收到政府信息公开申请１２件。", {NEW: [12]}, 1),
    ("全年共收到政府信息公开申请1,234件。", {NEW: [1234]}, 1),
    ("本年度新收政府信息公开申请数量12件；上年结转政府信息公开申请数量2件；本年度办理结果：予以公开8件，部分公开2件。", {NEW: [12], CARRIED: [2], GRANTED: [8], PART: [2]}, 1),
    ("市长信箱转办政府信息公开申请3件。", {}, 1),
    ("更新政府信息公开申请答复文书模板5个。", {}, 1),
    ("修订依申请公开办理流程2项。", {}, 1),
    ("2023年共收到政府信息公开申请3件。行政诉讼方面，因政府信息公开被起诉1件。", {NEW: [3]}, 1),
    ("1至6月收到政府信息公开申请5件，7至12月收到政府信息公开申请7件。", {}, 1),
    ("上半年收到政府信息公开申请5件。", {}, 1),
    ("2023年1月1日—12月31日，共收到政府信息公开申请12件。", {NEW: [12]}, 1),
    ("截止到2023年12月31日，共收到政府信息公开申请12件。", {NEW: [12]}, 1),
    ("收到政府信息公开申请由2022年的10件增加到15件。", {}, 1),
]

# "未收到…申请" is 0 new applications only when it is about all of them and nothing else
ZERO_SENTENCES = [
    ("本年度未收到政府信息公开申请。", {NEW: [0]}, 1),
    ("本年度无依申请公开信息处理费收取情况。", {}, 1),
    ("未发生依申请公开超期答复情况。", {}, 1),
    ("未收到针对政府信息公开申请答复的投诉和举报。", {}, 1),
    ("本年度未收到法律援助申请以外的其他申请。", {}, 1),
    ("除上述申请外，未收到其他政府信息公开申请。", {}, 1),
    ("本年度未收到以纸质信函方式提交的政府信息公开申请。", {}, 1),
    ("本年度未收到法律援助申请。", {}, 1),
    ("2023年，我局没有接到公民、法人和其他组织提出的政府信息公开申请。", {NEW: [0]}, 1),
    ("本年度无上年结转的政府信息公开申请。", {}, 1),
    ("全年本机关未收到政府信息公开申请，也未产生信息处理费。", {NEW: [0]}, 1),
    ("本年度未收到政府信息公开申请，无结转情况。", {NEW: [0]}, 1),
    ("本年度无政府信息公开申请。", {NEW: [0]}, 1),
    ("本年度没有政府信息公开申请的事项。", {NEW: [0]}, 1),
    ("全年未收到自然人、法人或其他组织的政府信息公开申请。", {NEW: [0]}, 1),
]

# the agency as respondent about its disclosure, not as 复议机关, not an area's or all its cases (其中…信息公开),
# not cases about other work, not outcomes (维持/纠错/败诉), not parts (复议后起诉)
REVIEW_SENTENCES = [
    ("全年未发生依申请公开引起的行政复议和行政诉讼案件。", {REVIEW: [0], LIT: [0]}, 4),
    ("未收到申请人提出的行政复议申请。", {}, 4),
    ("我局未收到政府信息公开申请引发的行政复议。", {}, 4),
    ("我局作为复议机关，全年共受理行政复议申请46件，其中涉及政府信息公开类案件8件。", {}, 4),
    ("本年度，区政府作为行政复议机关共收到政府信息公开类行政复议申请15件。", {}, 4),
    ("因政府信息公开工作引起的行政复议2件，其中维持1件，纠正1件；行政诉讼1件，结果为驳回。", {REVIEW: [2], LIT: [1]}, 4),
    ("本年度没有发生因政府信息公开引起的行政复议和行政诉讼。", {REVIEW: [0], LIT: [0]}, 4),
    ("全年未发生政府信息公开行政复议、行政诉讼案件。", {REVIEW: [0], LIT: [0]}, 4),
    ("本年度无因政府信息公开申请引发的行政复议及行政诉讼案件。", {REVIEW: [0], LIT: [0]}, 4),
    ("全年共办理行政复议案件120件，其中政府信息公开类12件；行政应诉案件45件。", {}, 4),
    ("区政府全年被提起行政诉讼案件68件，其中政府信息公开类案件5件。", {}, 4),
    ("本年度本局作为被申请人的行政复议案件共5件，其中涉及政府信息公开的1件。", {}, 4),
    ("2023年，我局共被申请行政复议5件，其中政府信息公开类1件。", {}, 4),
    ("全年共发生行政诉讼案件3件，其中因政府信息公开引发1件。", {}, 4),
    ("全年被申请行政复议3件、被提起行政诉讼2件，涉及政府信息公开的0件。", {}, 4),
    ("本年度我局被诉行政诉讼案件6件，均不涉及政府信息公开。", {}, 4),
    ("本年度被提起行政诉讼6件，均与政府信息公开无关。", {}, 4),
    ("全市因政府信息公开引发行政复议案件120件，行政诉讼案件45件。", {}, 4),
    ("因行政执法被申请行政复议5件，因政府信息公开被申请行政复议1件。", {REVIEW: [1]}, 4),
    ("针对申请人不服我局政府信息公开答复提起的行政复议1件，复议机关维持原答复。", {REVIEW: [1]}, 4),
    ("本年度共发生行政复议案件2件，行政诉讼案件1件，均为政府信息公开类。", {REVIEW: [2], LIT: [1]}, 4),
    ("因政府信息公开申请引发行政复议1起，行政诉讼0起。", {REVIEW: [1], LIT: [0]}, 4),
    ("本年度因政府信息公开被申请行政复议的案件较上年减少2件。", {}, 4),
    ("2023年度，因政府信息公开申请，我局被申请行政复议1件，经复议后申请人提起行政诉讼1件。", {REVIEW: [1], LIT: [1]}, 4),
    ("本年度，我府作为复议机关共办理政府信息公开类行政复议案件18件，依法纠正3件。", {}, 4),
    ("本年度，本机关因政府信息公开工作被申请行政复议0件，被提起行政诉讼0件。", {REVIEW: [0], LIT: [0]}, 4),
    ("本年度因政府信息公开被申请行政复议2件，其中1件维持、1件撤回；被提起行政诉讼1件，目前尚在审理中。", {REVIEW: [2], LIT: [1]}, 4),
    ("本机关未因政府信息公开被申请行政复议，被提起行政诉讼1件。", {REVIEW: [0], LIT: [1]}, 4),
    ("因政府信息公开引起的行政复议和行政诉讼分别为0件和1件。", {REVIEW: [0], LIT: [1]}, 4),
    ("2023年度，本机关无政府信息公开行政复议、行政诉讼情况。", {REVIEW: [0], LIT: [0]}, 4),
    ("本年度未因政府信息公开工作引发行政复议、行政诉讼。", {REVIEW: [0], LIT: [0]}, 4),
    ("本机关政府信息公开工作未被申请行政复议，未被提起行政诉讼。", {REVIEW: [0], LIT: [0]}, 4),
    ("全年未出现因政府信息公开被申请行政复议被纠错的情况。", {}, 4),
    ("未发生因政府信息公开引起的行政诉讼败诉案件。", {}, 4),
    ("全年未发生因政府信息公开被行政复议纠错或行政诉讼败诉的情况。", {}, 4),
    ("因政府信息公开申请答复问题，申请人提起行政复议1件，复议机关作出维持决定。", {REVIEW: [1]}, 4),
    ("申请人因不服我局政府信息公开申请答复，提起行政诉讼1件，一审判决驳回诉讼请求。", {LIT: [1]}, 4),
    ("全年收到行政复议申请12件，其中因政府信息公开引起的3件。", {}, 4),
    ("本年度全区行政机关因政府信息公开被申请行政复议30件。", {}, 4),
    ("2023年，我局办理以本局为被告的行政诉讼案件12件，其中政府信息公开案件2件。", {}, 4),
    ("全年被申请行政复议3件，行政诉讼2件，均为不服信访事项处理意见。", {}, 4),
    ("全年政府信息公开申请中，申请公开行政复议决定书的3件。", {}, 1),
    ("涉及政府信息公开的行政复议案件1件、行政诉讼案件2件（一审1件、二审1件）。", {}, 4),
    ("本年度被申请行政复议1件（政府信息公开类），被提起行政诉讼0件。", {REVIEW: [1], LIT: [0]}, 4),
    ("全年本机关因政府信息公开被申请行政复议3次。", {}, 4),
    ("我局全年办理行政复议案件56件，同比增长12%，其中被申请行政复议维持率90%。", {}, 4),
    ("2023年，我局共收到政府信息公开申请3件。行政复议决定书公开30件。", {NEW: [3]}, 1),
    ("2023年，我局共收到政府信息公开申请3件。行政复议案件办理方面，我局作为复议机关受理案件56件。", {NEW: [3]}, 1),
    ("2023年，我局共收到政府信息公开申请3件。其中，行政复议1件。", {NEW: [3]}, 1),
    ("本年度未收到依申请公开事项，未发生行政复议、行政诉讼情况。", {NEW: [0]}, 1),
    ("2023年，我局未收到政府信息公开申请，未发生因政府信息公开引起的行政复议和行政诉讼。", {NEW: [0], REVIEW: [0], LIT: [0]}, 1),
    ("本年度我局未发生涉及政府信息公开的行政复议和行政诉讼案件。", {REVIEW: [0], LIT: [0]}, 4),
    ("未发生政府信息公开方面的行政复议和行政诉讼。", {REVIEW: [0], LIT: [0]}, 4),
    ("全年未因政府信息公开工作发生行政复议、行政诉讼及举报投诉情况。", {REVIEW: [0], LIT: [0]}, 4),
    ("本年度，因政府信息公开申请引起行政复议1件，复议机关已作出维持决定；行政诉讼1件，法院已判决驳回起诉。", {REVIEW: [1], LIT: [1]}, 4),
    ("行政复议案件1件，结果为维持；行政诉讼0件。", {}, 4),
    ("2023年度，本机关政府信息公开行政复议案件1件，行政诉讼案件0件。", {}, 4),
    ("本年度因政府信息公开工作被申请行政复议1件（上年度提起，本年度作出复议决定）。", {REVIEW: [1]}, 4),
    ("全年因政府信息公开被申请行政复议1件，行政诉讼1件，均已结案。", {REVIEW: [1], LIT: [1]}, 4),
    ("因政府信息公开被申请行政复议、提起行政诉讼的案件共3件，其中行政复议2件、行政诉讼1件。", {LIT: [1]}, 4),
    ("本年度行政复议决定维持2件，纠正0件。", {}, 4),
    ("全年因政府信息公开被起诉1件，一审胜诉。", {}, 4),
    ("本年度我局作为行政复议机关，收到因政府信息公开引发的行政复议申请6件。", {}, 4),
    ("本年度，我市行政复议机关因政府信息公开受理行政复议案件20件。", {}, 4),
    ("我县被提起的政府信息公开行政诉讼共计3件。", {LIT: [3]}, 4),
    ("被申请行政复议1件，复议后起诉1件，未经复议直接起诉2件。", {REVIEW: [1]}, 4),
    ("因政府信息公开被提起行政诉讼3件，其中复议后起诉1件、未经复议直接起诉2件。", {LIT: [3]}, 4),
    ("2022年因政府信息公开被申请行政复议2件。", {}, 4),
    ("因政府信息公开被申请行政复议数量较上年下降50%，为1件。", {}, 4),
    ("与上年相比，因政府信息公开被提起行政诉讼减少2件，共1件。", {}, 4),
    ("本年度我局行政诉讼案件8件，其中因政府信息公开引起1件。", {}, 4),
    ("全年被申请行政复议8件（其中政府信息公开类2件）。", {}, 4),
    ("本年度，我局因政府信息公开被申请行政复议3件，经复议维持2件，撤销1件。", {REVIEW: [3]}, 4),
    ("因政府信息公开被提起行政诉讼2件（含复议后起诉1件）。", {LIT: [2]}, 4),
    ("本年度因政府信息公开被申请行政复议一件。", {REVIEW: [1]}, 4),
    ("行政复议方面：本年度因政府信息公开被申请行政复议0件。行政诉讼方面：被提起行政诉讼1件。", {REVIEW: [0], LIT: [1]}, 4),
    ("本机关被申请行政复议的政府信息公开案件1件。", {REVIEW: [1]}, 4),
    ("申请人对3件政府信息公开申请的答复不服提起行政复议。", {}, 4),
    ("针对本机关政府信息公开的行政复议1件。", {REVIEW: [1]}, 4),
    ("全年因政府信息公开申请办理被申请行政复议2件、提起行政诉讼3件，行政复议均维持，行政诉讼均胜诉。", {LIT: [3]}, 4),
    ("全年因政府信息公开被申请行政复议0件，较上年减少1件。", {REVIEW: [0]}, 4),
    ("本年度政府信息公开申请被行政复议纠错1件。", {}, 4),
    ("依申请公开方面，被申请行政复议后被纠错的1件。", {}, 4),
    ("本年度因政府信息公开作为第三人参加行政诉讼1件。", {}, 4),
    ("本机关不存在因政府信息公开引发的行政复议、行政诉讼。", {REVIEW: [0], LIT: [0]}, 4),
    ("本年度受理的政府信息公开申请中，有2件申请人提起行政复议。", {}, 4),
    ("行政复议申请人对我局政府信息公开答复不服的1件。", {}, 4),
    ("第一季度被申请行政复议2件，均涉及政府信息公开。", {}, 4),
    ("5月8日，申请人王某因不服我局政府信息公开答复提起行政诉讼1件，目前尚在审理中。", {}, 4),
    ("2023年1月至12月，因政府信息公开被申请行政复议2件。", {REVIEW: [2]}, 4),
]


def _compared_facts(text: str, section: int) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in facts(text, section=section):
        if f.kind.startswith(("applications.", "review.", "litigation.")):
            out.setdefault(f.kind, []).append(f.value)
    return out


@pytest.mark.parametrize("text,expected,section", APPLICATION_SENTENCES + ZERO_SENTENCES + REVIEW_SENTENCES,
                         ids=[f"{i:03d}" for i in range(len(APPLICATION_SENTENCES + ZERO_SENTENCES + REVIEW_SENTENCES))])
def test_sentence_yields_exactly_the_facts_it_states(text, expected, section):
    assert _compared_facts(text, section) == expected


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
