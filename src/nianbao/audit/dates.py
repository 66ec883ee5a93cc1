"""D rules: the statistical period, years named in the text, and when the report was published."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ..model import Report
from .context import KIND_WHO, STATUTE, AuditContext
from .registry import Hit, rule


def _d(x: date | None) -> str:
    return f"{x.year}年{x.month}月{x.day}日" if x else "（未写明）"


def _annual(start: date | None, end: date | None) -> bool:
    """Whether a date range read as the period can be a statistical period at all: about a year
    long, or ends reversed with one end on a year boundary (2023年1月1日至2022年12月31日). A shorter
    range ("时间为2023年3月1日至5月31日", "1月至6月") is an activity or part of the year that the text
    names near 数据/统计 in a report that states no period: never a wrong period."""
    boundary = (start is not None and (start.month, start.day) == (1, 1)) or \
        (end is not None and (end.month, end.day) == (12, 31))
    if start is None or end is None:
        return boundary
    if end < start:
        return boundary
    return (end - start).days >= 300


@rule("D001", "error", "D", {
    "default": "统计期间{start}至{end}与报告年度{year}年不符（应为{year}年1月1日至{year}年12月31日）",
    "order": "统计期间{start}至{end}：截止日期早于起始日期",
})
def period_impossible_or_wrong_year(report: Report) -> Iterator[Hit]:
    """What it does:
    Checks the stated statistical period (本报告统计数据从…至…): the end must not come before
    the start, and the period must be the calendar year of the report (1 January to
    31 December of the report year). A range of a few months is not taken for the period (it is
    an activity or part of the year named in a report that states no period).

    Why it matters:
    The annual report covers one calendar year (条例第五十条); a wrong year in the period
    usually is a copy of last year's text that was not updated, and makes the figures
    ambiguous.

    Example:
    A 2023 report: "报告统计期限为2023年1月1日起至2022年12月31日止".
    """
    p = report.meta.period
    if p is None or (p.start is None and p.end is None) or not _annual(p.start, p.end):
        return
    data = {"start": _d(p.start), "end": _d(p.end), "year": report.meta.year,
            "start_iso": p.start.isoformat() if p.start else None, "end_iso": p.end.isoformat() if p.end else None}
    if p.start and p.end and p.end < p.start:
        yield Hit("meta.period", data, variant="order")
        return
    y = report.meta.year
    if y is None:
        return
    if (p.start and p.start != date(y, 1, 1)) or (p.end and p.end != date(y, 12, 31)):
        yield Hit("meta.period", data)


@rule("D002", "warning", "D", "未写明统计期间（如「本报告统计数据从{year}年1月1日至12月31日」）")
def period_not_stated(report: Report) -> Iterator[Hit]:
    """What it does:
    Reports when the report does not state the period its figures cover.

    Why it matters:
    The format's preamble states the statistical period; without it a reader cannot be sure
    the tables cover the calendar year.

    Example:
    A report that opens directly with "一、总体情况" and never says "本报告统计数据从…".
    """
    p = report.meta.period
    if p is None or (p.start is None and p.end is None):
        yield Hit("meta.period", {"year": report.meta.year or "本"})


# this year named without its number in the same sentence: the sentence compares
_THIS_YEAR_TOO = re.compile(r"本年度?|今年|本年内|同比|环比|较上一?年|比上一?年|与上一?年|上年同期")


@rule("D003", "warning", "D", "正文写的是{found}年，但本报告是{year}年度报告：「{text}」")
def other_year_in_text(report: Report) -> Iterator[Hit]:
    """What it does:
    Reports sentences that report on the year's work but name a different year, e.g. a 2022
    report saying "沙坡头区司法局 2021 年未收取信息处理费". Plans ("2024年，我局将…"),
    comparisons ("较2022年"; a sentence that also speaks of 本年度/今年 or 同比), titles of documents (《…2022年…》) and dates of earlier
    events are not reported (extract/narrative/years.py classifies each year mention).

    Why it matters:
    A wrong year in a statement about this year's work is almost always text copied from last
    year's report and not updated: the statement may be stale.

    Example:
    2022 report, section 六: "沙坡头区司法局 2021 年未收取信息处理费。"
    """
    y = report.meta.year
    if y is None:
        return
    for i, f in enumerate(report.narrative):
        if f.kind == "year_mention" and f.data.role == "report" and f.value is not None and f.value != y:
            if _THIS_YEAR_TOO.search(f.text):
                continue  # "2022年收到申请2件，今年未收到": the other year is set beside this one
            yield Hit(f"narrative.{i}", {"found": int(f.value), "year": y, "text": f.text,
                                                  "section": f.section}, evidence=f.evidence)


_GOVERNMENT = re.compile(r"人民政府$|人民政府办公[室厅]$|政府办公[室厅]$|^.{0,20}(省|自治区|市|县|区|旗|乡|镇)政府$|街道办事处$"
                         r"|行政公署$|行署$|区(?:管理委员会|管委会)$")
# A bare place name is the place's government: titles of government reports read
# "红寺堡区2023年政府信息公开工作年度报告", so the agency read from them is "红寺堡区".
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,20}?(?:省|自治区|市|自治州|州|地区|盟|县|自治县|区|旗|自治旗|乡|镇|苏木|街道)$")
# words ending in a division character that name no division
_NOT_PLACE = re.compile(r"(?:社区|园区|景区|林区|矿区|校区|营区|辖区|片区|小区)$")
_NAME_TAIL = re.compile(r"(?:[（(][^（）()]*[)）]|本级|机关)+$")


def is_peoples_government(agency: str | None) -> bool:
    """Whether the agency is a people's government (or its general office, which publishes the
    government's report) — those publish by 31 March; departments by 31 January (条例第四十九条).
    乡镇 governments, 街道办事处, 行政公署 and 开发区管委会 fall under neither sentence of 第四十九条:
    they get the later date, so that the rule never calls a report late that the regulation does not.
    A bare place name ("红寺堡区", "吴忠市") is the place's government; a bracketed second name
    ("…办公室（区政务服务管理局）") does not change the kind."""
    if not agency:
        return False
    name = _NAME_TAIL.sub("", re.sub(r"\s+", "", agency))
    name = re.split(r"[:：]", name)[-1]  # a web page's field label left in front ("标题：红寺堡区")
    if _GOVERNMENT.search(name):
        return True
    return bool(_PLACE.match(name)) and not _NOT_PLACE.search(name)


@rule("D004", "warning", "D", {
    "default": "发布日期{published}晚于法定期限{deadline}（条例第四十九条：{who}应于每年{deadline_md}前公布上一年度报告）",
    "configured": "发布日期{published}晚于期限{deadline}（{source}：{who}应于每年{deadline_md}前公布上一年度报告）",
    "early": "落款日期{published}早于统计期间结束日{end}",
    "first_default": "首次发布日期（报告{first_report_id}）{published}晚于法定期限{deadline}（条例第四十九条：{who}应于每年"
                     "{deadline_md}前公布上一年度报告；本版本为更正后重新发布）",
    "first_configured": "首次发布日期（报告{first_report_id}）{published}晚于期限{deadline}（{source}：{who}应于每年"
                        "{deadline_md}前公布上一年度报告；本版本为更正后重新发布）",
}, uses="deadline")
def published_late_or_early(report: Report, context: AuditContext) -> Iterator[Hit]:
    """What it does:
    Checks the publication (signature) date against the deadline that applies to the agency.
    Without a registry that is 条例第四十九条: departments publish the previous year's report
    by 31 January, people's governments by 31 March (the agency type is taken from the agency
    name; a bare place name such as "红寺堡区" is the place's government, and an unknown agency
    gets the later date). With the agency in the registry, the deadline of its kind set by its
    region (or the nearest region above that sets one, e.g. a city's 28 January for departments)
    applies, and the message names where it comes from. Also reports a signature date before the
    statistical period ends. Lateness is measured on the agency-year's first publication: when an
    earlier stored version of the report states an earlier date (a report returned for correction
    and published again), that date is the one compared, and the message names that version.

    Why it matters:
    Late publication is a breach of the regulation (or of the region's stricter rule) that
    reviewers must record; a date before the year ends means the report was written before its
    figures could be final (or the date is a typo).

    Example:
    A 司法局's 2023 report dated 2024年2月20日; under a city rule of 28 January, one dated
    2024年1月30日; or dated 2023年12月20日.
    """
    own, y = report.meta.published, report.meta.year
    first = context.first_published
    # the agency-year's first publication (the missing view's date): an earlier version's, if earlier
    earlier = first is not None and (own is None or first.date < own)
    pub = first.date if earlier else own
    if pub is None or y is None:
        return
    given = context.deadline
    if given is not None:
        deadline = given.date
        md = f"{deadline.month}月{deadline.day}日"
        who = KIND_WHO.get(given.kind, "该机关")
        variant = "default" if given.statutory else "configured"
        source = given.source
    else:
        # with the agency unknown its kind is too: only a date late for a government too is late
        gov = report.meta.agency is None or is_peoples_government(report.meta.agency)
        deadline = date(y + 1, 3, 31) if gov else date(y + 1, 1, 31)
        md = "3月31日" if gov else "1月31日"
        who = "县级以上人民政府" if gov else "政府部门"
        variant, source = "default", STATUTE
    end = (report.meta.period.end if report.meta.period and report.meta.period.end else None) or date(y, 12, 31)
    # a period end in a wrong year is D001's business; measure against the report year then
    if end.year != y:
        end = date(y, 12, 31)
    if pub > deadline:
        data = {"published": _d(pub), "deadline": _d(deadline), "deadline_md": md, "who": who, "source": source,
                "days_late": (pub - deadline).days, "published_iso": pub.isoformat(),
                "deadline_iso": deadline.isoformat()}
        if earlier:
            data |= {"first_report_id": first.report_id, "own_published_iso": own.isoformat() if own else None}
            variant = f"first_{variant}"
        yield Hit("meta.published", data, variant=variant)
    elif own is not None and own < end:         # the signature date of this version itself
        yield Hit("meta.published", {"published": _d(own), "end": _d(end), "published_iso": own.isoformat(),
                                     "end_iso": end.isoformat()}, variant="early")
