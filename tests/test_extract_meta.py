"""Meta: agency, title, year, statistical period, publication date, contact."""
from __future__ import annotations

from datetime import date

import pytest

from nianbao.api import parse_bytes

BODY = "\n一、总体情况\n正文。\n二、主动公开政府信息情况\n规章\t0\t0\t0\n"


def meta_of(head: str, tail: str = ""):
    return parse_bytes((head + BODY + tail).encode("utf-8"), "r.txt").meta


@pytest.mark.parametrize("head,agency,year", [
    ("红寺堡区司法局\n\n2023 年政府信息公开工作年度报告\n", "红寺堡区司法局", 2023),
    ("中卫市沙坡头区司法局 2022年政府信息公开工作年度报告\n", "中卫市沙坡头区司法局", 2022),
    ("乌拉特中旗司法局2023年政府信息\n公开工作年度报告\n", "乌拉特中旗司法局", 2023),
    ("某市生态环境局关于2021年度政府信息公开工作年度报告\n", "某市生态环境局", 2021),
    ("2020年某县人民政府政府信息公开工作年度报告\n", "某县人民政府", 2020),
    ("某某镇二〇二四年政府信息公开工作年度报告\n", "某某镇", 2024),
])
def test_agency_and_year_from_the_title(head, agency, year):
    m = meta_of(head)
    assert (m.agency, m.year) == (agency, year)
    assert "年度报告" in m.title


def test_agency_falls_back_on_the_published_report_name_in_the_preamble():
    m = meta_of("政府信息公开工作年度报告\n根据《条例》规定，现发布《某区民政局 2023 年政府信息公开工作年度报告》。\n")
    assert (m.agency, m.year) == ("某区民政局", 2023)


@pytest.mark.parametrize("sentence,start,end", [
    ("本报告统计数据从 2023 年 1 月 1 日至 12 月 31 日。", date(2023, 1, 1), date(2023, 12, 31)),
    ("报告统计期限为2023年1月1日起至2022年12月31日止。", date(2023, 1, 1), date(2022, 12, 31)),
    ("本报告所列数据统计期限自2023年1月1日至2023年12月31日。", date(2023, 1, 1), date(2023, 12, 31)),
    ("统计时限为2023年1月1日—12月31日。", date(2023, 1, 1), date(2023, 12, 31)),
    ("本报告所列数据统计期限为2023年1月至12月。", date(2023, 1, 1), date(2023, 12, 31)),
])
def test_statistical_period_as_stated(sentence, start, end):
    m = meta_of("某局2023年政府信息公开工作年度报告\n" + sentence + "\n")
    assert (m.period.start, m.period.end) == (start, end)


def test_no_period_is_null_and_other_date_ranges_are_not_periods():
    m = meta_of("某局2023年政府信息公开工作年度报告\n我局于2023年3月1日至3月31日开展宣传月活动。\n")
    assert m.period is None


def test_published_is_the_signature_date_at_the_end():
    m = meta_of("某局2023年政府信息公开工作年度报告\n", "六、其他需要报告的事项\n无。\n\n某局    \n          2024年1月11日    \n")
    assert m.published == date(2024, 1, 11)


def test_published_in_chinese_numerals_and_from_a_label():
    assert meta_of("某局2023年政府信息公开工作年度报告\n", "某局\n二〇二四年一月二十日\n").published == date(2024, 1, 20)
    assert meta_of("某局2023年政府信息公开工作年度报告\n发布日期：2024-01-15\n").published == date(2024, 1, 15)


def test_published_is_null_when_absent():
    m = meta_of("某局2023年政府信息公开工作年度报告\n", "六、其他需要报告的事项\n本年度未收取信息处理费。\n")
    assert m.published is None


def test_contact_block():
    m = meta_of("某局2023年政府信息公开工作年度报告\n"
                "如有疑问请联系（地址：吴忠市红寺堡区燕然路与弘德街交汇处；邮编：751999；电话：0953-5098528；"
                "传真：0953-5098528；电子邮箱：hsf12348@168.com）。本报告电子版可在（<http://www.hongsibu.gov.cn>）查阅。\n")
    c = m.contact
    assert (c.address, c.postcode, c.phone, c.fax, c.email, c.website) == (
        "吴忠市红寺堡区燕然路与弘德街交汇处", "751999", "0953-5098528", "0953-5098528", "hsf12348@168.com",
        "http://www.hongsibu.gov.cn")


def test_contact_in_section_six_and_missing_fields_are_null():
    m = meta_of("某局2023年政府信息公开工作年度报告\n",
                "六、其他需要报告的事项\n如有疑问和建议，请与我局联系（地址：某市某街 265 号；联系电话：0955-7630167）。\n")
    assert (m.contact.address, m.contact.phone, m.contact.email, m.contact.fax) == \
        ("某市某街 265 号", "0955-7630167", None, None)


def test_provenance_of_meta_fields():
    r = parse_bytes(("某局2023年政府信息公开工作年度报告\n本报告统计数据从2023年1月1日至12月31日。" + BODY).encode(), "r.txt")
    assert r.provenance["meta.agency"].line == 1
    assert r.provenance["meta.period"].line == 2


@pytest.mark.parametrize("tail,published", [
    ("某局2024年1月11日\n", date(2024, 1, 11)),
    ("（2024年1月11日）\n", date(2024, 1, 11)),
    ("截至2023年12月31日\n", None),
])
def test_signature_date_forms(tail, published):
    assert meta_of("某局2023年政府信息公开工作年度报告\n", tail).published == published


def test_period_and_contact_in_hard_wrapped_lines():
    m = meta_of("某局2022年政府信息公开工作年度报告\n"
                "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现发布《\n"
                "某局2022年政府信息公开工作年度报告》。本报告中使用数据统计期\n"
                "限为2022年1月1日至2022年12月31日。如有疑问，请联系（地址：成都市人\n"
                "民南路一段86号；邮编：610000）。\n")
    assert (m.period.start, m.period.end) == (date(2022, 1, 1), date(2022, 12, 31))
    assert m.contact.address == "成都市人民南路一段86号"


def test_agency_when_the_year_comes_after_the_words():
    assert meta_of("某县财政局政府信息公开工作2023年度报告\n").agency == "某县财政局"


def test_dotted_period_and_iso_signature_date():
    m = meta_of("某局2023年政府信息公开工作年度报告\n本报告统计时间为2023.1.1-2023.12.31。\n", "某局\n2024-01-20\n")
    assert (m.period.start, m.period.end, m.published) == (date(2023, 1, 1), date(2023, 12, 31), date(2024, 1, 20))


def test_web_page_metadata_above_the_title_is_not_part_of_it():
    m = meta_of("来源：某区司法局\n发布时间：2024-01-15\n某区司法局\n2023年政府信息公开工作年度报告\n")
    assert (m.agency, m.title, m.published) == ("某区司法局", "某区司法局2023年政府信息公开工作年度报告", date(2024, 1, 15))


def test_title_after_web_page_breadcrumbs():
    m = meta_of("首页 > 政府信息公开 > 政府信息公开工作年度报告\n河南省司法厅2022年政府信息公开工作年度报告\n"
                "来源：河南省司法厅  发布时间：2023-01-06  浏览次数：2241\n")
    assert (m.agency, m.year, m.published) == ("河南省司法厅", 2022, date(2023, 1, 6))


def test_title_split_over_two_lines_beats_a_wrapped_preamble_line_ending_like_a_title():
    m = meta_of("某市教育局2022年政府信息\n公开工作年度报告\n"
                "    根据《中华人民共和国政府信息公开条例》规定和《国务院办公厅政府信息与政务公开\n"
                "函〔2021〕30 号）要求，现发布《某市教育局 2022 年政府信息公开工作年度报告\n"
                "》。本报告统计数据从 2022 年 1 月 1 日至 12 月 31 日。\n")
    assert (m.agency, m.title, m.year) == ("某市教育局", "某市教育局2022年政府信息公开工作年度报告", 2022)


def test_title_of_a_notice_publishing_the_report_is_the_report_named_in_it():
    m = meta_of("关于公布《某区农业农村局2023年政府信息公开工作年度报告》的通知\n")
    assert (m.agency, m.year, m.title) == ("某区农业农村局", 2023, "某区农业农村局2023年政府信息公开工作年度报告")


def test_agency_in_brackets_under_a_title_without_it():
    m = meta_of("2023年政府信息公开工作年度报告\n（某区教育局）\n")
    assert (m.agency, m.year) == ("某区教育局", 2023)


def test_a_bracketed_remark_under_the_title_is_not_an_agency():
    assert meta_of("2023年政府信息公开工作年度报告\n（征求意见稿）\n").agency is None


@pytest.mark.parametrize("sentence", ["本报告所列数据的统计期限为2023年度。", "本报告数据统计范围为2023年全年。",
                                      "本报告统计期限为二〇二三年一月一日至二〇二三年十二月三十一日。"])
def test_period_named_as_the_whole_year_or_in_chinese_numerals(sentence):
    m = meta_of("某局2023年政府信息公开工作年度报告\n" + sentence + "\n")
    assert (m.period.start, m.period.end) == (date(2023, 1, 1), date(2023, 12, 31))


def test_a_year_with_a_month_after_it_is_no_whole_year_period():
    assert meta_of("某局2023年政府信息公开工作年度报告\n统计期限为2023年3月。\n").period is None


def test_publication_time_in_a_footer_link_is_not_the_reports():
    m = meta_of("某局2023年政府信息公开工作年度报告\n",
                "某局\n2024年1月20日\n相关链接：某局2022年政府信息公开工作年度报告 发布时间：2023-01-15\n")
    assert m.published == date(2024, 1, 20)


def test_web_metadata_field_label_is_not_part_of_the_title():
    m = meta_of("标题：某区司法局2023年政府信息公开工作年度报告\n")
    assert (m.agency, m.title) == ("某区司法局", "某区司法局2023年政府信息公开工作年度报告")
