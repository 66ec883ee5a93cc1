"""D rules: statistical period, other years named in the text, publication date."""
from datetime import date

from nianbao.audit.dates import is_peoples_government
from nianbao.model import Period

from audit_support import clean_report, findings, with_text


def test_d001_fires_when_period_ends_before_it_starts():
    r = clean_report(2023)
    r.meta.period = Period(start=date(2023, 1, 1), end=date(2022, 12, 31))
    (f,) = findings(r, "D001")
    assert f.severity == "error" and "截止日期早于起始日期" in f.message


def test_d001_fires_when_period_is_not_the_report_year():
    r = clean_report(2023)
    r.meta.period = Period(start=date(2022, 1, 1), end=date(2022, 12, 31))
    (f,) = findings(r, "D001")
    assert "与报告年度2023年不符" in f.message


def test_d001_silent_for_the_calendar_year_and_when_no_period():
    assert findings(clean_report(2023), "D001") == []
    r = clean_report(2023)
    r.meta.period = None
    assert findings(r, "D001") == []


def test_d002_fires_only_when_no_period_is_stated():
    r = clean_report(2023)
    r.meta.period = None
    assert [f.code for f in findings(r, "D002")] == ["D002"]
    assert findings(clean_report(2023), "D002") == []


def test_d003_fires_on_a_statement_about_this_year_under_another_year():
    r = with_text(6, "（二）其他情况。沙坡头区司法局 2021 年未收取信息处理费。", year=2022)
    (f,) = findings(r, "D003")
    assert f.data["found"] == 2021 and "2021年" in f.message


def test_d003_silent_on_plans_comparisons_citations_and_past_events():
    text = "\n".join([
        "2024年，我局将坚持问题导向，努力补短板、强弱项。",
        "主动公开信息较2022年增加15条。",
        "制定并公布了《2022年沙坡头区法治政府建设工作要点》。",
        "自2019年以来，我局持续推进政务公开。",
        "按照《关于印发2022年政务公开工作要点的通知》（红政办发〔2022〕77号）要求开展工作。",
        "2022年12月30日举办政府开放日活动。",
    ])
    r = with_text(1, text, year=2023)
    assert findings(r, "D003") == []


def test_d004_fires_when_a_department_publishes_after_31_january():
    r = clean_report(2023, agency="某区司法局")
    r.meta.published = date(2024, 2, 20)
    (f,) = findings(r, "D004")
    assert "2024年1月31日" in f.message


def test_d004_gives_peoples_governments_until_31_march():
    r = clean_report(2023, agency="某某县人民政府")
    r.meta.published = date(2024, 3, 20)
    assert findings(r, "D004") == []
    r.meta.published = date(2024, 4, 2)
    assert len(findings(r, "D004")) == 1


def test_d004_fires_on_a_signature_date_before_the_period_ends():
    r = clean_report(2023)
    r.meta.published = date(2023, 12, 20)
    (f,) = findings(r, "D004")
    assert "早于统计期间结束日" in f.message


def test_d004_silent_on_time():
    r = clean_report(2023)
    r.meta.published = date(2024, 1, 11)
    assert findings(r, "D004") == []


def test_agency_type_from_the_name():
    assert is_peoples_government("吴忠市红寺堡区人民政府")
    assert is_peoples_government("银川市人民政府办公室")
    assert not is_peoples_government("红寺堡区司法局")
    assert not is_peoples_government("某市人民政府研究室")


def test_agency_type_of_bare_place_names_and_other_governing_bodies():
    # government reports are titled "红寺堡区2023年政府信息公开工作年度报告": the agency read is the place
    for name in ("红寺堡区", "吴忠市", "宁夏回族自治区", "临夏回族自治州", "红寺堡镇", "新华街道", "红寺堡区本级",
                 "锡林郭勒盟行政公署", "银川经济技术开发区管理委员会", "红寺堡区人民政府办公室（区政务服务管理局）",
                 "标题：红寺堡区"):
        assert is_peoples_government(name), name
    for name in ("红寺堡区政务服务管理局", "吴忠市城市管理委员会", "金凤区满城北街社区", "吴忠市人民政府研究室"):
        assert not is_peoples_government(name), name


def test_d004_gives_a_report_titled_by_its_place_until_31_march():
    r = clean_report(2023, agency="红寺堡区")
    r.meta.published = date(2024, 3, 20)
    assert findings(r, "D004") == []
    r.meta.published = date(2024, 4, 8)
    (f,) = findings(r, "D004")
    assert "2024年3月31日" in f.message


def test_d004_with_the_agency_unknown_only_a_date_late_for_a_government_is_late():
    r = clean_report(2023)
    r.meta.agency = None
    r.meta.published = date(2024, 2, 20)
    assert findings(r, "D004") == []
    r.meta.published = date(2024, 5, 6)
    assert len(findings(r, "D004")) == 1


def test_d003_silent_when_the_sentence_sets_the_other_year_beside_this_one():
    text = "\n".join([
        "2022年，我局主动公开信息28条，本年度较上年增长17.9%。",
        "2022年收到申请2件，今年未收到申请。",
        "2022年共受理申请5件，同比下降40%。",
    ])
    r = with_text(1, text, year=2023)
    assert [f.data.role for f in r.narrative if f.kind == "year_mention"] == ["report"] * 3
    assert findings(r, "D003") == []
    # without a word for this year the sentence still reports 2022 in a 2023 report
    assert len(findings(with_text(1, "2022年共主动公开信息28条。", year=2023), "D003")) == 1


def test_d001_silent_on_a_range_of_months_read_in_a_report_without_a_period():
    # "开展数据清理专项行动，时间为2023年3月1日至5月31日" / "统计显示，2023年1月至6月共发布…"
    for start, end in ((date(2023, 3, 1), date(2023, 5, 31)), (date(2023, 1, 1), date(2023, 6, 30)),
                       (date(2023, 7, 1), date(2023, 7, 15))):
        r = clean_report(2023)
        r.meta.period = Period(start=start, end=end)
        assert findings(r, "D001") == [], (start, end)


def test_d001_still_fires_on_a_year_long_period_that_is_not_the_calendar_year():
    for start, end in ((date(2022, 1, 1), date(2022, 12, 31)), (date(2023, 1, 1), date(2023, 12, 20)),
                       (date(2022, 12, 1), date(2023, 11, 30)), (date(2023, 1, 1), None)):
        r = clean_report(2023)
        r.meta.period = Period(start=start, end=end)
        assert len(findings(r, "D001")) == (0 if end is None else 1), (start, end)
