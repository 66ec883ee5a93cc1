"""N rules: the text against the tables."""
from audit_support import clean_report, findings, refresh_narrative, with_text


def _apps(r, **rows):
    """Set table 三 totals in the natural_person column and the total column."""
    for row, v in rows.items():
        for col in ("natural_person", "total"):
            r.tables.set_cell(f"applications.{row}.{col}", v)
    return r


def test_n001_fires_when_text_and_table_disagree_on_applications_received():
    r = _apps(with_text(1, "2023年，我局共收到政府信息公开申请12件。"), new_received=10, granted=10, results_total=10)
    (f,) = findings(r, "N001")
    assert f.severity == "error" and f.path == "tables.applications.new_received.total"
    assert "正文称本年新收申请12件，但表三为10件" in f.message and f.evidence.line == 10


def test_n001_fires_when_text_says_no_applications_but_table_has_some():
    r = _apps(with_text(3, "本年度未收到政府信息公开申请。"), new_received=3, granted=3, results_total=3)
    (f,) = findings(r, "N001")
    assert "正文称未收到政府信息公开申请，但表三本年新收申请为3件" in f.message


def test_n001_accepts_received_as_new_plus_carried_over():
    r = _apps(with_text(1, "全年共受理政府信息公开申请749件。"),
              new_received=713, carried_over=36, granted=749, results_total=749)
    assert findings(r, "N001") == []


def test_n001_accepts_received_without_the_word_new_as_new_plus_carried_over_but_not_new_received():
    tables = dict(new_received=12, carried_over=3, granted=15, results_total=15)
    assert findings(_apps(with_text(1, "2023年，我局共收到政府信息公开申请15件。"), **tables), "N001") == []
    assert findings(_apps(with_text(1, "2023年，我局本年新收政府信息公开申请15件。"), **tables), "N001")


def test_n001_reports_received_total_matching_neither_reading():
    r = _apps(with_text(1, "全年共受理政府信息公开申请750件。"),
              new_received=713, carried_over=36, granted=749, results_total=749)
    (f,) = findings(r, "N001")
    assert "本年新收713件、上年结转36件（合计749件）" in f.message


def test_n001_compares_outcome_groups_with_the_sum_of_their_rows():
    r = _apps(with_text(1, "收到政府信息公开申请3件，其中予以公开1件，不予公开2件。"),
              new_received=3, granted=1, results_total=3)
    r.tables.set_cell("applications.denied.state_secret.total", 1)
    r.tables.set_cell("applications.denied.third_party_rights.total", 1)
    assert findings(r, "N001") == []
    r.tables.set_cell("applications.denied.third_party_rights.total", 0)
    (f,) = findings(r, "N001")
    assert f.data["kind"] == "applications.denied" and f.data["table"] == "1"


def test_n001_ignores_legal_aid_and_complaint_numbers():
    r = with_text(1, "2023年共受理法律援助案件380件。12345便民服务平台办理投诉咨询6件，办结6件。"
                     "2023年，我局没有接到政府信息公开申请。")
    assert findings(r, "N001") == []


def test_n002_fires_when_text_reports_a_review_the_table_lacks():
    r = with_text(4, "2023年，因政府信息公开被申请行政复议1件。")
    (f,) = findings(r, "N002")
    assert f.path == "tables.review_litigation.review.total" and "正文称因政府信息公开引起的行政复议1件，但表四为0件" in f.message


def test_n002_sums_both_litigation_groups_and_accepts_zero_phrase():
    r = with_text(4, "因政府信息公开被提起行政诉讼3件。")
    r.tables.review_litigation.litigation_direct.maintained = 2
    r.tables.review_litigation.litigation_direct.total = 2
    r.tables.review_litigation.litigation_after_review.maintained = 1
    r.tables.review_litigation.litigation_after_review.total = 1
    assert findings(r, "N002") == []
    assert findings(with_text(1, "没有因政府信息公开申请引起的行政复议、行政诉讼案件。"), "N002") == []


def test_n002_skips_a_blank_table_four():
    r = with_text(4, "因政府信息公开被申请行政复议1件。")
    r.tables.review_litigation.review.total = None
    assert findings(r, "N002") == []


def test_n003_fires_when_parts_exceed_the_total():
    r = with_text(1, "主动公开政府信息30条，其中工作动态20条、通知公告8条、政策解读5条。")
    (f,) = findings(r, "N003")
    assert "各项之和为33条" in f.message and f.data["parts"][0] == ["工作动态", 20]


def test_n003_fires_when_a_complete_looking_list_falls_just_short():
    r = with_text(1, "主动公开政府信息30条，其中工作动态20条、通知公告5条、政策解读3条。")
    assert len(findings(r, "N003")) == 1


def test_n003_silent_on_partial_lists_and_exact_sums():
    for text in ("发布信息795篇，其中原创信息344篇，福星普法365专栏213篇。",
                 "主动公开政府信息100条，其中政策解读5条、图解3条、视频2条。",
                 "主动公开政府信息30条，其中工作动态20条、通知公告7条、政策解读3条。"):
        assert findings(with_text(1, text), "N003") == [], text


def test_n003_reads_hard_wrapped_enumerations_whole_and_stays_silent_when_they_add_up():
    for text in ("全年主动公开政府信息270条，其中民生实事35条；重点领域信息186条；法治政府建设2条；部门动态32条；\n"
                 "行政许可结果15条。本年度未制发行政规范性文件。",
                 "（一）主动公开情况。全年主动公开各类信息5\n1条，其中公示公告15条；行政处罚结果35条；招标采购1条。",
                 "（二）依申请公开情况。我镇受理政府信息公开\n"
                 "申请18件，其中本年新收18件；已办结18件，予以公开3件，部分公开7件。"):
        assert findings(with_text(1, text), "N003") == [], text


def test_n004_fires_on_an_item_listed_twice():
    r = with_text(1, "主动公开政府信息5条，其中部门预算公开1条、权责清单2条、部门预算公开1条、政策解读1条。")
    (f,) = findings(r, "N004")
    assert "「部门预算公开」出现2次" in f.message


def test_n004_silent_on_distinct_items():
    assert findings(with_text(1, "主动公开政府信息5条，其中部门预算公开1条、权责清单2条、政策解读2条。"), "N004") == []


def test_n005_fires_when_text_repeals_a_document_table_two_does_not_count():
    r = with_text(1, "对全区行政规范性文件进行清理，决定废止 1 件行政规范性文件。")
    (f,) = findings(r, "N005")
    assert f.path == "tables.active_disclosure.normative_documents.repealed"
    assert "正文称废止行政规范性文件1件，但表二「行政规范性文件·本年废止件数」为0" in f.message


def test_n005_silent_when_table_two_agrees_or_text_only_reviews_documents():
    r = with_text(1, "本年制发行政规范性文件2件。")
    r.tables.active_disclosure.normative_documents.issued = 2
    assert findings(r, "N005") == []
    assert findings(with_text(6, "审查规范性文件 17 件，备案规范性文件 12 件。"), "N005") == []


def test_n006_fires_when_all_completed_but_some_carried_forward():
    r = _apps(with_text(3, "对收到的政府信息公开申请均已按时办结。"),
              new_received=3, granted=1, results_total=1, carried_forward=2)
    (f,) = findings(r, "N006")
    assert "结转下年度继续办理2件" in f.message


def test_n006_silent_when_nothing_carried_forward():
    r = _apps(with_text(3, "对收到的政府信息公开申请均已按时办结。"), new_received=3, granted=3, results_total=3)
    assert findings(r, "N006") == []


# A correct report (12 new, 2 carried over, 10 granted, 2 denied, 2 carried forward; 1 review, no lawsuit) whose
# text also states parts, other work, comparisons, vague figures and an area's cases: none of them is a
# contradiction of table 三 or 四.
_TRAPS_ONE = ("2023年，我局共收到政府信息公开申请12件，较上年增加5件，上年结转2件。"
              "收到的申请中，申请公开规划信息的5件，申请公开征收信息的3件。"
              "3月15日收到张某的政府信息公开申请1件，已依法答复。"
              "对收到的政府信息公开申请，均在20个工作日内答复。"
              "每月收到政府信息公开申请3-5件，12月收到的2件结转至2024年办理。"
              "依申请公开窗口接待群众咨询86人次，受理信访事项25件，办理人大建议6件。"
              "本年度未收到以信函方式提交的政府信息公开申请，未发生依申请公开超期答复情况。")
_TRAPS_FOUR = ("2023年，我局共被申请行政复议5件，其中政府信息公开类1件。"
               "全年被提起行政诉讼6件，均与政府信息公开无关。"
               "全市因政府信息公开引发行政复议案件120件。"
               "我局作为复议机关，受理政府信息公开类行政复议申请46件。"
               "全年未发生因政府信息公开被行政复议纠错或行政诉讼败诉的情况。")


def _consistent_with_traps():
    r = _apps(with_text(1, _TRAPS_ONE), new_received=12, carried_over=2, granted=10, results_total=12,
              carried_forward=2)
    r.tables.set_cell("applications.denied.state_secret.total", 2)
    r.section(4).text = _TRAPS_FOUR
    r.tables.review_litigation.review.maintained = 1
    r.tables.review_litigation.review.total = 1
    return refresh_narrative(r)


def test_n001_n002_silent_on_a_correct_report_whose_text_states_parts_and_other_counts():
    r = _consistent_with_traps()
    assert findings(r, "N001") == [] and findings(r, "N002") == []


def test_n001_n002_still_fire_among_the_traps_when_a_statement_contradicts_the_table():
    r = _consistent_with_traps()
    r.tables.set_cell("applications.new_received.total", 11)
    r.tables.review_litigation.review.total = 2
    assert len(findings(r, "N001")) == 1 and len(findings(r, "N002")) == 0
    r.section(4).text += "因政府信息公开被申请行政复议1件。"
    (f,) = findings(refresh_narrative(r), "N002")
    assert "正文称因政府信息公开引起的行政复议1件，但表四为2件" in f.message


# ------------------------------------------------------------------ severity by certainty, cells named
def test_n001_is_an_error_for_an_unambiguous_fact_and_names_the_cell_it_compared():
    r = _apps(with_text(1, "2023年，我局共收到政府信息公开申请12件，予以公开12件。"),
              new_received=10, granted=10, results_total=10)
    fs = findings(r, "N001")
    assert {f.severity for f in fs} == {"error"} and len(fs) == 2
    assert any("表三·本年新收申请·总计" in f.message or "表三·一、本年新收政府信息公开申请数量·总计" in f.message
               for f in fs), [f.message for f in fs]
    assert all("「2023年，我局共收到政府信息公开申请12件" in f.message and f.data["certain"] for f in fs)


def test_n001_is_a_warning_that_says_why_when_the_fact_has_more_than_one_reading():
    # outcomes stated without the word 申请: read, but not certain
    r = _apps(with_text(1, "本年度予以公开15件，部分公开7件，不予公开2件。"), new_received=24, granted=14,
              partially_granted=7, results_total=24)
    r.tables.set_cell("applications.denied.state_secret.total", 3)
    (f,) = [f for f in findings(r, "N001") if f.data["kind"] == "applications.granted"]
    assert f.severity == "warning" and "读取不确定" in f.message and "办理结果" in f.message
    assert "表三·（一）予以公开·总计" in f.message
    # 受理 N 件 matching neither 新收 nor 新收 + 上年结转
    r = _apps(with_text(1, "全年共受理政府信息公开申请750件。"),
              new_received=713, carried_over=36, granted=749, results_total=749)
    (f,) = findings(r, "N001")
    assert f.severity == "warning" and "可能是本年新收" in f.message


def test_n001_compares_granted_and_partial_with_the_sum_of_both_rows():
    text = "2023年，我局共收到政府信息公开申请10件，予以公开及部分公开8件，不予公开2件。"
    r = _apps(with_text(1, text), new_received=10, granted=5, partially_granted=3, results_total=10)
    r.tables.set_cell("applications.denied.state_secret.total", 2)
    assert findings(r, "N001") == []
    r.tables.set_cell("applications.partially_granted.total", 2)
    (f,) = findings(r, "N001")
    assert f.data["kind"] == "applications.granted_and_partial" and f.data["table"] == "7"
    assert "表三·（一）予以公开·总计＋表三·（二）部分公开·总计" in f.message and f.severity == "error"


def test_n001_silent_on_carried_forward_with_办理_and_not_accepted():
    text = ("2024年共收到政府信息公开申请43件，上年结转4件，已办结47件，其中予以公开15件、部分公开7件，"
            "结转下年度办理0件。不予受理0件。")
    r = _apps(with_text(1, text, year=2024), new_received=43, carried_over=4, granted=15, partially_granted=7,
              results_total=47)
    assert findings(r, "N001") == []


def test_n002_compares_results_with_the_sum_over_the_groups():
    text = "因政府信息公开被申请行政复议2件，其中维持1件，纠正1件；被提起行政诉讼2件，其中结果维持2件。"
    r = with_text(4, text)
    rl = r.tables.review_litigation
    rl.review.maintained, rl.review.corrected, rl.review.total = 1, 1, 2
    rl.litigation_direct.maintained = rl.litigation_direct.total = 1
    rl.litigation_after_review.maintained = rl.litigation_after_review.total = 1
    assert findings(r, "N002") == []
    rl.review.corrected, rl.review.other = 0, 1
    (f,) = findings(r, "N002")
    assert f.data["kind"] == "review.corrected" and f.severity == "warning"
    assert "表四·行政复议·结果纠正" in f.message and "正文称行政复议结果纠正1件，但表四为0件" in f.message


def test_n002_reads_a_negated_correction_as_zero_corrected():
    r = with_text(4, "全年未发生因政府信息公开被行政复议纠错或行政诉讼败诉的情况。")
    assert findings(r, "N002") == []
    r.tables.review_litigation.review.corrected = 1
    r.tables.review_litigation.review.total = 1
    (f,) = findings(r, "N002")
    assert f.data["kind"] == "review.corrected" and f.severity == "warning"


def test_n003_flags_a_hard_wrapped_total_and_parts_that_do_not_add_up_and_names_the_lines():
    # "共 671 件，其中 …" whose parts add to 719, the list wrapped over three lines
    text = ("2023年，本机关主动公开政府信息共 671 件，其中机构职能 120 件、\n"
            "政策文件 312 件、工作动态 215 件、\n"
            "人事信息 72 件。")
    (f,) = findings(with_text(1, text), "N003")
    assert "各项之和为719件" in f.message and "跨第10、11、12行" in f.message
    assert f.data["joined_lines"] == [10, 11, 12]
    # one paragraph: the same
    (f,) = findings(with_text(1, text.replace("\n", "")), "N003")
    assert "719" in f.message and "跨第" not in f.message
