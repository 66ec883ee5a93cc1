"""Table 三 in the text: how many 政府信息公开申请 were received, carried over, answered how.

"收到/新收/接到…申请 N 件" (本年新收), "上年结转 N 件", "受理/办理 N 件" (新收, or 新收 + 结转:
`received_total`, compared leniently), the outcomes 予以公开 / 部分公开 / 予以公开及部分公开 (their
sum) / 不予公开 / 无法提供 / 不予处理 / 其他处理, 办结 N 件, 结转下年度 N 件, and "未收到…申请" (0).
A count is read only when its own clause names what it counts; every figure dropped is dropped
by a named veto below.
"""
from __future__ import annotations

import re

from ...model import CountData
from ...model import FactKind as K
from .context import Ctx
from .tokens import Sentence, clause_rest, other_year
from .vetoes import veto

# ------------------------------------------------------------------ keywords (data)
APP_CONTEXT = re.compile(r"政府信息公开申请|信息公开申请|依申请公开|依申请|公开申请|申请公开")
# the kind whose keyword comes last before the count names it
APP_KEYWORDS: tuple[tuple[K, re.Pattern[str]], ...] = (
    (K.CARRIED_OVER, re.compile(r"上一?年度?结转|结转上一?年度?|上一?年度?遗留")),
    # "结转下年度办理0件": the 办理 belongs to the carried-forward phrase, not a 受理/办理 total
    (K.CARRIED_FORWARD, re.compile(r"(结转(至|到)?|转入)下一?年度?(继续)?(办理)?|结转至20\d\d年?(继续)?(办理)?|"
                                   r"下一?年度?继续办理|(正在|尚在|仍在)办理")),
    # "予以公开及部分公开 N 件": one figure for two cells
    (K.GRANTED_AND_PARTIAL, re.compile(r"(?<!不)(?:予以|同意|全部)?公开(?:及|和|与|、|或|以及)(?:同意)?部分(?:予以)?公开(?:的)?"
                                       r"(?:共|共计|合计)?|全部(?:或者?|和|及|与)部分(?:予以)?公开(?:的)?(?:共|共计|合计)?")),
    (K.PARTIALLY_GRANTED, re.compile(r"部分(?:予以|同意)?公开")),
    (K.DENIED, re.compile(r"不予公开|不同意公开")),
    (K.UNAVAILABLE, re.compile(r"无法提供")),
    (K.NOT_PROCESSED, re.compile(r"不予处理")),
    (K.OTHER_PROCESSING, re.compile(r"其他处理")),
    (K.GRANTED, re.compile(r"(?<!不)(?<!部分)予以公开|(?<!不)(?<!部分)同意公开|全部公开|准予公开")),
    # "答复5件", "答复政府信息公开申请17件": answered is completed — straight before the count only
    # (not "审核答复文书15件"), and not 延期答复 (a step) nor 未答复
    (K.COMPLETED, re.compile(r"办结|办理完毕|答复完毕|已答复|完成办理|"
                             r"(?<![延未])答复(?=(?:了)?(?:政府信息公开|信息公开|依申请公开)?(?:申请)?(?:共计?|合计)?(?:为)?$)")),
    (K.NEW_RECEIVED, re.compile(r"新收|收到|接到|接收|提出(?=的?(?:政府)?(?:信息)?(?:公开)?申请)")),
    (K.RECEIVED_TOTAL, re.compile(r"受理|办理")),
)
OUTCOME_KINDS = frozenset({K.GRANTED, K.PARTIALLY_GRANTED, K.GRANTED_AND_PARTIAL, K.DENIED, K.UNAVAILABLE,
                           K.NOT_PROCESSED, K.OTHER_PROCESSING})
# only when no keyword above names the number, and straight before it: "依申请公开 5 件" (not
# "对政府信息公开申请征求第三方意见3件")
APP_FALLBACK: tuple[tuple[K, re.Pattern[str]], ...] = (
    (K.RECEIVED_TOTAL, re.compile(r"依申请公开|政府信息公开申请|信息公开申请")),)
FALLBACK_TAIL = re.compile(r"(?:的)?(?:政府信息|事项|信息)?(?:总?数量?)?(?:共计?|合计|总计)?(?:为|达到?|有)?:?$")
APP_UNITS = ("件", "个", "宗", "份")
# "收到政府信息公开申请0条": 条 counts applications only straight after the word 申请
APP_TIAO = re.compile(r"申请(?:书|数|数量)?(?:共计?|合计|总计)?(?:为|达到?|有)?$")
# words that say the number counts something else
OTHER_WORK = re.compile(r"法律援助|投诉|咨询|信访(?!举报投诉类)|建议|提案|留言|来信|来访|热线|12345|复议|诉讼|人次|"
                        r"案件|线索|梳理|编制|修订|制定|目录|清单|指南|模板|流程")
COMPARISON = re.compile(r"较|同比|环比|增加|增长|减少|下降|上升|比上年|去年|上一?年度?(?![度结遗])|平均")
CUMULATIVE = re.compile(r"以来|历年|累计|半年|季度")
HANDLING_STEP = re.compile(r"补正|延期|征求|征询|告知|转办|转交|转来|转送|移送|实际|撤回|终止")
SHARE = re.compile(r"占比|%")
# parts of a total: by channel, by applicant, by part of an area — not the total itself
SUBSET = re.compile(r"其中|通过|网络|在线|信函|当面|现场|传真|电子邮件|邮寄|平台|系统|网站|窗口|邮箱|信箱|"
                    r"自然人|法人|企业|机构|组织|群众|涉及|集中|"
                    r"本级|各(?:部门|单位|乡镇|镇|街道)|镇街|(?:区|市|县)直")
# "通过信函、网络等渠道共收到…": every channel, so the total after all
ALL_CHANNELS = re.compile(r"通过[^,;。]{0,20}?等(?:多种|各种)?(?:渠道|方式|途径)")
# a date before the count names one application, not the year's ("3月15日收到张某的申请1件");
# a period up to a date ("截至12月31日", "1月至12月") does not
DATE = re.compile(r"\d{1,2}月")
PERIOD = re.compile(r"(?:1月(?:1日)?|(?<!\d)1)[至到~—–-](?:20\d\d年)?12月(?:31日)?(?:底|末)?|"
                    r"(?:截至|截止)(?:到|至)?(?:20\d\d年)?12月(?:31日)?(?:底|末)?")
INCLUDES = re.compile(r"[(,]?(含|包含|包括)")
# "共收到申请15件（其中本年新收12件、上年结转3件）": the count splits into 新收 and 结转, so it is their sum
SPLIT_AFTER = re.compile(r"[(,]?其中[,:]?[^。;]{0,16}?(?:(?:本年度?|今年|当年)新收|上一?年度?结转)")
TOTAL_KINDS = frozenset({K.NEW_RECEIVED, K.RECEIVED_TOTAL, K.COMPLETED})
# "受理…N件，其中本年新收A件、上年结转B件": 其中 splits the 受理 total into 新收 and 结转, so A is 新收 itself
QIZHONG_NEW = re.compile(r"其中[,:]?(?:本年度?|今年|当年)?新收")
# a sentence that goes on with the applications of the sentence before: "…申请1234件。其中予以公开560件。"
CONTINUES = re.compile(r"[,]?其中")
PLAN = re.compile(r"下一步|下一?年度?|明年|今后|将|计划|拟|力争|争取")
CARRIED_FORWARD_PHRASE = re.compile(r"(?:结转|转入)(?:至|到)?下一?年度?(?:继续)?(?:办理)?|下一?年度?继续办理")
# what a sentence of outcomes that does not say 申请 may still state: the outcomes, the completed and the
# carried-forward ones ("办理结果为：部分公开17件，…，已办结47件")
UNNAMED_KINDS = OUTCOME_KINDS | {K.CARRIED_FORWARD, K.COMPLETED}
# a whole area's applications, not the agency's: "全市各级行政机关共受理…"
AREA = re.compile(r"(?:全市|全区|全县|全省|全州|全旗|全镇)(?:各级|各)?(?:行政机关|部门|单位|乡镇|街道)|各级|各地|各县|各区|全系统")
# an area as the subject ("全县新收申请47件"): the agency's own count for a government, or the area's
AREA_SUBJECT = re.compile(r"全市|全区|全县|全省|全州|全旗|全镇|全乡")
# the report's applicants named as all of them: no part ("收到公民、法人和其他组织提出的申请")
ALL_APPLICANTS_PHRASE = re.compile(r"(?:公民|自然人|个人)[、,和及与或]*(?:法人)?[、,和及与或]*(?:或者|和|及|或)?(?:其他|其它)?(?:社会)?组织|"
                                   r"(?:法人|组织)[^,;。]{0,8}(?:公民|自然人|个人)")
# a sentence that opens with another year reports that year ("2021年我局受理…")
YEAR_OPENING = re.compile(r"^(?:在|于)?((?:19|20)\d\d)年")
# outcomes stated with no 申请 in the sentence: "本年度予以公开15件，部分公开7件，不予公开2件。"
OUTCOME_WORDS = re.compile(r"予以公开|部分公开|不予公开|不同意公开|同意公开|准予公开|全部公开|无法提供|不予处理|其他处理")
# a clause that only sums what came before: "…上年结转3件，共计15件"
SUM_CLAUSE = re.compile(r"(?:加上?[^,;]{0,8})?(?:共计|合计|总计|共|累计共?)(?:需)?(?:受理|办理)?(?:为|达)?")
# "另有1件仍在办理中", "2件正在办理中": the count before the words, still open at the end of the year
IN_PROGRESS_AFTER = re.compile(r"(?:申请)?(?:仍|尚|正|还)在(?:办理|处理|答复)")
RESULTS_WORDS = re.compile(r"办理结果|答复结果|处理结果|办理情况|答复情况|办结的申请|的申请中")
CARRIED_OVER = APP_KEYWORDS[0][1]

ZERO_APP = re.compile(
    r"(?:未|没有|未曾|尚未|暂未)(?:收到|接到|受理|接收)(?P<span>[^。,;]{0,30}?)"
    r"(?:依申请公开|信息公开申请|公开申请|(?P<plain>申请)(?!人|书|表|材料))"
    # "无依申请公开" alone, not "无依申请公开超期答复情况" / "未发生依申请公开引起的行政复议";
    # "无政府信息公开申请情况发生"
    r"|(?:无|没有|暂无|未有|未发生)(?P<span2>)(?:依申请公开|政府信息公开申请)"
    r"(?=(?:的)?(?:政府信息)?(?:事项|申请|件|情况|工作)?(?:发生)?(?:[。,;]|$))")
ZERO_SOME = re.compile(r"复议|诉讼|意见|建议|投诉|咨询|举报|费|涉及|关于|有关|类|方面|更正|援助|"
                       # some applications only: "未收到其他…申请", "未收到以信函方式提交的申请"
                       r"其[他它](?![^。,;]{0,3}组织)|其余|另外|以外|之外|"
                       r"信函|网络|网上|在线|当面|现场|传真|电子邮件|邮寄|纸质|线上|线下")
# what follows the applications in the clause says the zero is about something else
ZERO_REST = re.compile(r"复议|诉讼|投诉|举报|费|答复|纠错|超期|逾期|延期|补正|意见|更正|撤回|以外|之外")
# "无上年结转申请": 0 carried over (not "无结转情况": over or forward?)
ZERO_CARRIED_OVER = re.compile(r"(?:无|没有|未有)(?:从)?上一?年度?结转(?:的|来的|过来的)?(?:政府信息公开|依申请公开)?(?:申请|事项)")
# "未收到法人的申请" says nothing about natural persons: an applicant named must be all of them
SOME_APPLICANTS = re.compile(r"公民|自然人|个人|法人|企业|组织|机构")
ALL_APPLICANTS = re.compile(r"(公民|自然人|个人).*(法人|组织)|(法人|组织).*(公民|自然人|个人)")

UNCERTAIN_TOTAL = "「受理/办理」的件数可能是本年新收，也可能含上年结转"
UNCERTAIN_CONTINUED = "本句没有写明申请，承接上一句的申请数读取"
UNCERTAIN_OUTCOMES = "句中没有写明是政府信息公开申请，按办理结果的用语读取"
UNCERTAIN_FALLBACK = "句中没有说明是收到、受理还是办结的申请"
UNCERTAIN_IN_PROGRESS = "“N件正在办理中”可能指成文时尚未办结的，不一定是结转下年度的件数"
UNCERTAIN_AREA = "主语是一个地区（全县、全市…），可能指本机关，也可能指该地区各机关"
UNCERTAIN_CONTINUED_DONE = "本句没有写明申请，“办结N件”承接上一句的申请读取"


# ------------------------------------------------------------------ vetoes
@veto("unit_not_applications", family="applications", example="全年主动公开政府信息1200条，依申请公开政府信息12条。")
def unit_not_applications(c) -> bool:
    """What it does:
    Rejects a figure whose unit does not count applications: 条/篇/项 count items of information
    ("依申请公开政府信息12条"), except 条 straight after the word 申请 ("收到申请0条").

    Why it matters:
    Items disclosed on request are not applications; table 三 counts applications.
    """
    if c.unit in APP_UNITS:
        return False
    return not (c.unit == "条" and APP_TIAO.search(c.window))


@veto("other_work", family="applications", example="本年度共接到群众咨询电话120个，收到政府信息公开申请8件。")
def other_work(c) -> bool:
    """What it does:
    Rejects a count whose words name other work: 咨询, 信访, 投诉, 12345, 人大建议, 复议/诉讼
    cases, 人次, or work on the procedure itself (梳理事项, 编制目录, 修订流程, 模板).

    Why it matters:
    These counts sit next to the applications in the same paragraph but are no cell of table 三.
    """
    return OTHER_WORK.search(c.window) is not None


@veto("comparison", family="applications", example="收到政府信息公开申请较上年增加5件。")
def comparison(c) -> bool:
    """What it does:
    Rejects a difference or comparison in the count's own clause (较上年增加5件, 同比, 比上年,
    平均); a comparison in a clause of its own before ("…6件，同比增长28%，其中予以公开2件")
    says nothing of the next count.

    Why it matters:
    The change from last year is not this year's count.
    """
    return COMPARISON.search(c.clause) is not None


@veto("other_year_sentence", family="applications", example="2021年我局受理政府信息公开申请160件，予以公开2件。")
def other_year_sentence(before: str, year: int | None) -> bool:
    """What it does:
    Rejects the counts of a sentence that opens with a year other than the report's ("2021年我局
    受理…160件，予以公开2件"): that year governs every count after it until the sentence names
    the report year ("2022年收到10件，2023年收到12件" keeps the 12).

    Why it matters:
    That year's outcomes compared with this year's table are false errors.
    """
    m = YEAR_OPENING.match(before)
    if m is None or (year is not None and int(m.group(1)) == year):
        return False
    return year is None or f"{year}年" not in before[m.end():]


@veto("area_total", family="applications", example="全市各级行政机关共受理政府信息公开申请54件。")
def area_total(c) -> bool:
    """What it does:
    Rejects a count of a whole area's applications (全市, 全县, 各级行政机关, 各地).

    Why it matters:
    The sum over many agencies is not the reporting agency's table 三.
    """
    return AREA.search(c.clause) is not None


@veto("cumulative_or_partial_period", family="applications", example="自条例施行以来累计收到政府信息公开申请120件。")
def cumulative_or_partial_period(c) -> bool:
    """What it does:
    Rejects counts over another period than the report year: 累计, 以来, 历年, 上半年, 第一季度.

    Why it matters:
    Table 三 counts one calendar year.
    """
    return CUMULATIVE.search(c.window) is not None


@veto("handling_step", family="applications", example="对政府信息公开申请征求第三方意见3件。")
def handling_step(c) -> bool:
    """What it does:
    Rejects counts of a step of the handling: 补正, 延期, 征求意见, 告知, 转办, 撤回, 终止, 实际办理.

    Why it matters:
    A step is taken on some applications; its count is in no 总计 cell.
    """
    return HANDLING_STEP.search(c.window) is not None


@veto("share", family="applications", example="全年收到政府信息公开申请20件，其中予以公开占比60%计12件。")
def share(c) -> bool:
    """What it does:
    Rejects a figure whose own clause is a share (占比, %).

    Why it matters:
    "占60%" measures the count before it; read as a count it duplicates or misplaces a figure.
    """
    return SHARE.search(c.clause) is not None


@veto("dated_event", family="applications", example="3月15日收到张某的政府信息公开申请1件。")
def dated_event(c) -> bool:
    """What it does:
    Rejects a count after a date ("3月15日收到…1件", "1至6月"): it tells one event or part of
    the year; a period up to 31 December ("截至12月31日", "1月至12月") is kept.

    Why it matters:
    One application told as a story is not the year's total.
    """
    return DATE.search(PERIOD.sub("", c.window)) is not None


@veto("keyword_in_other_clause", family="applications", example="收到的申请中，申请公开本机关文件的5件。")
def keyword_in_other_clause(c, end: int | None) -> bool:
    """What it does:
    Rejects a count whose kind word (收到, 予以公开, 办结…) is not in the count's own clause,
    or that no kind word names at all ("在收到的申请中，申请公开规划许可信息的5件").

    Why it matters:
    The count then counts a part chosen by content, not what the word before the comma counts.
    """
    return end is None or re.search(r"[,;]", c.window[end:]) is not None


@veto("not_accepted", family="applications", example="收到政府信息公开申请10件，不予受理2件。")
def not_accepted(c, start: int) -> bool:
    """What it does:
    Rejects "不予受理 N 件" as a 受理 (received) total: it counts applications not accepted.

    Why it matters:
    Read as 受理 N 件 it is compared with 本年新收 and raises a false N001 error.
    """
    return c.window[max(0, start - 2):start].endswith(("不予", "不"))


@veto("part_of_total", family="applications", example="全年通过政府网站依申请公开平台收到申请20件。")
def part_of_total(c, kind: K) -> bool:
    """What it does:
    Rejects a received/completed total of a part: by channel (网络, 信函, 平台), applicant
    (自然人, 法人), content (涉及…), or part of an area (本级, 各部门, 区直). "通过信函、网络等渠道"
    names every channel and is kept. After "其中…新收" only the words before 其中 count.

    Why it matters:
    A part compared with the 总计 cell is a false error.
    """
    if kind == K.NEW_RECEIVED and QIZHONG_NEW.search(c.window):
        return SUBSET.search(ALL_APPLICANTS_PHRASE.sub("", QIZHONG_NEW.sub("", c.before))) is not None
    return SUBSET.search(ALL_APPLICANTS_PHRASE.sub("", ALL_CHANNELS.sub("", c.window))) is not None


@veto("carried_over_part", family="applications", example="上年结转的政府信息公开申请已办结2件。")
def carried_over_part(c) -> bool:
    """What it does:
    Rejects a received/completed count of the carried-over applications ("上年结转的申请已办结2件").

    Why it matters:
    It is a part of 办结, not its total.
    """
    return CARRIED_OVER.search(c.window) is not None


@veto("total_without_applications", family="applications", example="全年办结20件，均为政府信息公开申请。")
def total_without_applications(c, continued: bool) -> bool:
    """What it does:
    Rejects 收到/受理/办结 N 件 in a sentence that names no 政府信息公开申请 before the count,
    unless the sentence goes on with the applications of the one before or lists their outcomes.

    Why it matters:
    办结 and 受理 are said of every kind of work.
    """
    return APP_CONTEXT.search(c.before) is None and not continued


@veto("total_in_continued_sentence", family="applications", example="2023年，我局共收到政府信息公开申请3件。其中予以公开2件，另收到1件。")
def total_in_continued_sentence(c, continued: bool, kind: K) -> bool:
    """What it does:
    Rejects a received total in a sentence that only goes on with the applications statement
    before it ("…申请3件。其中…"): there it is a part. "已办结 N 件" after the outcomes is kept
    (uncertain).

    Why it matters:
    Only the outcomes and the completed ones of such a sentence are about the applications of
    the sentence before.
    """
    return continued and kind != K.COMPLETED


@veto("zero_of_some", family="applications", example="本年度未收到以纸质信函方式提交的政府信息公开申请。")
def zero_of_some(span: str, rest: str, before: str) -> bool:
    """What it does:
    Rejects "未收到…申请" about some applications only (by channel, 其他/以外, a content) or about
    something else around them (…申请引发的行政复议, …申请答复的投诉, 除上述申请外).

    Why it matters:
    No applications of one kind says nothing of the total; a 0 read from it is a false error.
    """
    return ZERO_SOME.search(span) is not None or ZERO_REST.search(rest) is not None or "除" in before


@veto("zero_of_some_applicants", family="applications", example="本年度未收到法人或其他组织提出的政府信息公开申请。")
def zero_of_some_applicants(span: str) -> bool:
    """What it does:
    Rejects "未收到法人的申请": an applicant named must be all of them (公民、法人和其他组织).

    Why it matters:
    Natural persons may still have applied.
    """
    return SOME_APPLICANTS.search(span) is not None and ALL_APPLICANTS.search(span) is None


@veto("zero_plain_without_disclosure", family="applications", example="依申请事项方面，本年度未收到申请。")
def zero_plain_without_disclosure(m: re.Match[str], s: str) -> bool:
    """What it does:
    Rejects "未收到申请" (the bare word) in a sentence that does not speak of 公开.

    Why it matters:
    申请 alone may be any application (法律援助, 行政许可).
    """
    return m.group("plain") is not None and "公开" not in s


# ------------------------------------------------------------------ reading
def _last_kind(window: str, table) -> tuple[K | None, int, int]:
    """The kind whose keyword comes last in the window, and where that keyword starts and ends."""
    best, best_start, best_end = None, -1, -1
    for kind, pat in table:
        for m in pat.finditer(window):
            if m.end() > best_end:
                best, best_start, best_end = kind, m.start(), m.end()
    return best, best_start, best_end


def app_kind(c) -> tuple[K | None, int, bool]:
    """What the count counts (None when its own clause does not say), where the keyword starts,
    and whether only the fallback noun ("依申请公开 5 件") named it."""
    window = c.window
    kind, start, end = _last_kind(window, APP_KEYWORDS)
    fallback = False
    if kind is None:
        kind, start, end = _last_kind(window, APP_FALLBACK)
        fallback = True
        if kind is None or not FALLBACK_TAIL.fullmatch(window[end:]):
            keyword_in_other_clause(c, None)      # no word in the count's clause says what it counts
            return None, -1, fallback
    if keyword_in_other_clause(c, end):
        return None, -1, fallback
    return kind, start, fallback


def _outcome_sentence(s: Sentence) -> bool:
    """Outcomes stated without 申请: two outcome kinds with figures, or one named as 办理结果."""
    kinds = set()
    for c in s.counts:
        kind, _, _ = _last_kind(c.clause, APP_KEYWORDS)
        if kind in OUTCOME_KINDS:
            kinds.add(kind)
    return len(kinds) >= 2 or (len(kinds) == 1 and RESULTS_WORDS.search(s.text) is not None)


def read(sent: Sentence, ctx: Ctx) -> bool:
    """Reads the application counts of a sentence; True when it read any."""
    s = sent.text
    read_any = False
    continued = outcomes_only = False
    if ctx.cont and ctx.last_new is not None and SPLIT_AFTER.match(s):
        # "…共收到申请15件。其中上年结转3件。": the count before was 新收 + 结转
        ctx.last_new.kind = K.RECEIVED_TOTAL
        ctx.last_new.certain, ctx.last_new.reason = False, UNCERTAIN_TOTAL
    ctx.last_new = None
    if not APP_CONTEXT.search(s):
        # is it a plan: asked only of a sentence that would otherwise be read (most are not)
        def plan() -> bool:
            return PLAN.search(CARRIED_FORWARD_PHRASE.sub("", s)) is not None
        if ctx.cont and CONTINUES.match(s) and not plan():
            continued = True
        elif OUTCOME_WORDS.search(s) and sent.counts and _outcome_sentence(sent) and not plan():
            outcomes_only = True
        else:
            return False
    stated_here: set[K] = set()
    for c in sent.counts:
        if unit_not_applications(c) or other_work(c) or comparison(c) or cumulative_or_partial_period(c) \
                or handling_step(c) or share(c) or other_year(c.window, ctx.year) or dated_event(c) \
                or other_year_sentence(c.before, ctx.year):
            continue
        kind, kw_start, fallback = app_kind(c)
        if kind is None:
            if stated_here and IN_PROGRESS_AFTER.match(s, c.end) and c.clause in ("", "另有", "还有", "尚有", "仍有"):
                ctx.add(K.CARRIED_FORWARD, c.value, s, CountData(), reason=UNCERTAIN_IN_PROGRESS)
                read_any = True
            elif stated_here & {K.NEW_RECEIVED, K.CARRIED_OVER} and SUM_CLAUSE.fullmatch(c.clause):
                # "收到…12件，上年结转3件，共计15件": the sum of the two is the received total
                ctx.add(K.RECEIVED_TOTAL, c.value, s, CountData(), reason=UNCERTAIN_TOTAL)
                read_any = True
            continue
        if kind == K.RECEIVED_TOTAL and not_accepted(c, kw_start):
            continue
        if outcomes_only and kind not in UNNAMED_KINDS:
            continue
        if kind == K.CARRIED_FORWARD and ctx.year and re.search(rf"结转[至到]{ctx.year}年", c.window):
            kind = K.CARRIED_OVER   # "从上年结转至2023年的申请" in the 2023 report
        if kind in TOTAL_KINDS:
            if area_total(c) or part_of_total(c, kind) or total_in_continued_sentence(c, continued, kind) or carried_over_part(c) \
                    or total_without_applications(c, continued or outcomes_only):
                continue
        reason = ""
        if kind == K.NEW_RECEIVED and (INCLUDES.match(s, c.end) or SPLIT_AFTER.match(s, c.end)):
            kind = K.RECEIVED_TOTAL   # "收到申请34件（含上年结转2件）", "…15件，其中上年结转3件"
        if kind == K.RECEIVED_TOTAL:
            reason = UNCERTAIN_FALLBACK if fallback else UNCERTAIN_TOTAL
        elif continued:
            reason = UNCERTAIN_CONTINUED_DONE if kind == K.COMPLETED else UNCERTAIN_CONTINUED
        elif outcomes_only:
            reason = UNCERTAIN_OUTCOMES
        elif AREA_SUBJECT.search(c.subject):
            reason = UNCERTAIN_AREA
        # "收到/接到 N 件" without 新收: reports use it for 新收 + 上年结转 too (the audit accepts either),
        # unless the sentence goes on to state the carried-over ones ("收到4件，上年结转1件")
        generic = kind == K.NEW_RECEIVED and "新收" not in c.clause and not CARRIED_OVER.search(s, c.end)
        fact = ctx.add(kind, c.value, s, CountData(generic=generic), reason=reason)
        stated_here.add(kind)
        if kind == K.NEW_RECEIVED:
            ctx.last_new = fact
        read_any = True
    negated = "未" in s or "没" in s or "无" in s     # every zero phrase holds one of these
    for m in ZERO_APP.finditer(s) if negated else ():
        span = m.group(0)
        if other_year(s[:m.start()][-12:], ctx.year):
            continue
        if zero_of_some(span, clause_rest(s, m.end()), s[:m.start()]) or zero_plain_without_disclosure(m, s) \
                or zero_of_some_applicants(span):
            continue
        ctx.add(K.NEW_RECEIVED, 0, s, CountData(zero_phrase=True))
        break
    if negated and ZERO_CARRIED_OVER.search(s) and not other_year(s, ctx.year):
        ctx.add(K.CARRIED_OVER, 0, s, CountData(zero_phrase=True))
    return read_any

