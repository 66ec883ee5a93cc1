"""Numbers the narrative states, as `NarrativeFact`s the audit compares with the tables.

The extractor hands over every paragraph (section number or None, text, position) with
page breaks inside a sentence already joined. This module reads them once, at parse time;
the audit rules only look at the facts (they never parse text).

Precision comes first: a false error on a real report costs a reviewer more than a miss,
so a number becomes a fact only when its context says unambiguously what it counts. Not
facts: vague or ranged figures (近20件, 约15件, 3-5件), durations (20个工作日), a keyword in
another clause than its count ("收到的申请中，申请公开…的5件"), parts (by channel, applicant,
content, part of an area, one dated application: "3月15日收到…1件"), steps of the handling
(补正, 延期, 征求意见), a review/litigation count of which the disclosure cases are a part
("被申请行政复议5件，其中政府信息公开类1件"), outcomes ("未发生…被纠错的情况" is no zero).

Fact kinds (`NarrativeFact.kind`; `value` is the number, `text` the sentence, `data` extras):

- ``applications.new_received``      本年新收 ("收到/新收/接到…申请 N 件"; "未收到/没有接到…申请" → 0,
  data.zero_phrase = True)
- ``applications.carried_over``      上年结转 N 件
- ``applications.received_total``    受理/办理/依申请公开 N 件 — ambiguous: may be 新收 or 新收+上年结转
  (受理749件 = 713 + 36), compared leniently
- ``applications.granted``           予以公开; ``applications.partially_granted`` 部分公开;
  ``applications.denied`` 不予公开; ``applications.unavailable`` 无法提供;
  ``applications.not_processed`` 不予处理; ``applications.other_processing`` 其他处理 (group sums)
- ``applications.completed``         办结/答复 N 件 (= （七）总计)
- ``applications.carried_forward``   结转下年度 N 件
- ``review.total`` / ``litigation.total``  行政复议 / 行政诉讼 about the agency's disclosure
  ("没有因政府信息公开申请引起的行政复议、行政诉讼" → 0 for both; "被申请行政复议N件" in sections 一/四)

A sentence that goes on with the applications statement before it in the same paragraph is read
in that context: "…申请1234件。其中予以公开560件。行政复议12件，行政诉讼5件。均已办结。"
- ``enumeration``                    "共/主动公开 X 条，其中 A a 条、B b 条…": value X,
  data {total, unit, label, parts [[label, n], …], open (ends with 等)}; none where hard-wrapped
  lines may have cut the list or the total (the paragraph stops inside the list, the total starts it)
- ``regulations.issued|repealed``, ``normative_documents.issued|repealed``  制发/废止 N 件
  规章/行政规范性文件 ("未制发规范性文件" → 0)
- ``all_completed``                  "申请均已办结/全部办理完成" (value None)
- ``fee_statement``                  whether 信息处理费 was charged: value 0 when not charged,
  the amount in 元 when stated, data.charged True/False/None
- ``year_mention``                   a year other than the report year, value the year,
  data.role one of report (the sentence reports this year's work under that year — D003),
  plan, comparison (also: the sentence names the report year too), date, other; years inside
  《titles》 and 〔document numbers〕 are not mentions
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

from ..document import Loc
from ..model import NarrativeFact, Position

# ------------------------------------------------------------------ numbers
CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "〇零一二两三四五六七八九十百千万"
NUM = rf"(?:\d+|[{CN_NUM}]+)"
# a count, not preceded by a vague quantifier (数十件, 上百条, 约15件), an ordinal (第1件) or another digit
COUNT = re.compile(rf"(?<![\d{CN_NUM}数几上近成若约第每])({NUM})(件|条|个|起|宗|篇|项|例|份)")
# not a count of things: "15件左右", "20个工作日", "3个月"; nor one end of a range ("3-5件", "3至5件")
# nor "三个方面", "一件一档"
NOT_A_COUNT_AFTER = re.compile(r"左右|上下|以上|以内|(?:工作|自然)?日|月|小时|星期|季度|百分点|[-~—–至到]\d|"
                               r"方面|领域|渠道|途径|环节|层面|阶段|一[档案卷事策]|事(?!项)")
RANGE_BEFORE = re.compile(rf"[\d{CN_NUM}](?:件|条|个)?[-~—–至到]$")


def cn_int(s: str) -> int | None:
    """An Arabic or Chinese numeral as an int: "12", "十二", "一百零五", "两", "〇" (None if not one)."""
    if s.isdigit():
        return int(s)
    if not s or any(c not in CN_NUM for c in s):
        return None
    if not any(c in CN_UNITS or c == "万" for c in s):
        if len(s) == 1:
            return CN_DIGITS[s]
        return int("".join(str(CN_DIGITS[c]) for c in s))   # digit by digit: 一〇五
    total = section = num = 0
    for c in s:
        if c in CN_DIGITS:
            num = CN_DIGITS[c]
        elif c in CN_UNITS:
            section += (num or 1) * CN_UNITS[c]
            num = 0
        elif c == "万":
            total += (section + num) * 10000
            section = num = 0
    return total + section + num


# ------------------------------------------------------------------ text normalisation
_SPACE = re.compile(r"\s+")
_ASCII_PAIR = re.compile(r"(?<=[A-Za-z0-9])\s+(?=[A-Za-z])|(?<=[A-Za-z])\s+(?=[A-Za-z0-9])")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def normalize(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII), no whitespace (page breaks inside a
    sentence, "2023 年"), no thousands separators."""
    t = unicodedata.normalize("NFKC", text)
    t = _ASCII_PAIR.sub("\x00", t)
    t = _SPACE.sub("", t).replace("\x00", " ")
    return _THOUSANDS.sub("", t)


_SENT = re.compile(r"(?:[^。!?.]|(?<=\d)\.(?=\d))+(?:[。!?]|\.(?!\d))?")


def sentences(text: str) -> list[str]:
    return [s for s in (m.group(0) for m in _SENT.finditer(text)) if s.strip("。!? ")]


_DISPLAY = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})


def display(sentence: str, limit: int = 160) -> str:
    s = sentence.translate(_DISPLAY)
    return s if len(s) <= limit else s[:limit] + "…"


_QUOTED = re.compile(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]")


def _strip_quoted(s: str) -> str:
    """The sentence with 《titles》 and 〔numbers〕 blanked out (same length, so offsets hold)."""
    if "《" not in s and "〔" not in s and "[" not in s:
        return s
    return _QUOTED.sub(lambda m: "□" * len(m.group(0)), s)


# ------------------------------------------------------------------ applications (table 三)
APP_CONTEXT = re.compile(r"政府信息公开申请|信息公开申请|依申请公开|依申请|公开申请|申请公开")
APP_KEYWORDS: list[tuple[str, re.Pattern[str]]] = [
    ("applications.carried_over", re.compile(r"上一?年度?结转|结转上一?年度?|上一?年度?遗留")),
    ("applications.carried_forward",
     # "结转下年度办理0件": the 办理 belongs to the carried-forward phrase, not a 受理/办理 total
     re.compile(r"(结转(至|到)?|转入)下一?年度?(继续)?(办理)?|结转至20\d\d年?(继续)?(办理)?|下一?年度?继续办理|(正在|尚在|仍在)办理")),
    ("applications.partially_granted", re.compile(r"部分公开")),
    ("applications.denied", re.compile(r"不予公开|不同意公开")),
    ("applications.unavailable", re.compile(r"无法提供")),
    ("applications.not_processed", re.compile(r"不予处理")),
    ("applications.other_processing", re.compile(r"其他处理")),
    ("applications.granted", re.compile(r"(?<!不)予以公开|(?<!不)同意公开|全部公开|准予公开")),
    ("applications.completed", re.compile(r"办结|办理完毕|答复完毕|已答复|完成办理")),
    ("applications.new_received", re.compile(r"新收|收到|接到|接收|提出(?=的?(?:政府)?(?:信息)?(?:公开)?申请)")),
    ("applications.received_total", re.compile(r"受理|办理")),
]
# only when no keyword above names the number, and straight before it: "依申请公开 5 件" (not
# "对政府信息公开申请征求第三方意见3件")
APP_FALLBACK = [("applications.received_total", re.compile(r"依申请公开|政府信息公开申请|信息公开申请"))]
FALLBACK_TAIL = re.compile(r"(?:的)?(?:政府信息|事项|信息)?(?:总?数量?)?(?:共计?|合计|总计)?(?:为|达到?|有)?:?$")
# words that say the number counts something else, or compares, or is a share, or a step of the handling
APP_EXCLUDE = re.compile(
    r"法律援助|投诉|咨询|信访(?!举报投诉类)|建议|提案|留言|来信|来访|热线|12345|复议|诉讼|人次|较|同比|环比|增加|增长|减少|"
    r"下降|上升|比上年|去年|上一?年度?(?![度结遗])|平均|案件|线索|事项清单|以来|历年|累计|"
    r"补正|延期|征求|征询|告知|转办|转交|转来|转送|移送|实际|撤回|终止|"
    r"梳理|编制|修订|制定|目录|清单|指南|模板|流程|半年|季度")
# a share, about the count before it: "予以公开3件，占60%；部分公开1件"
APP_CLAUSE_EXCLUDE = re.compile(r"占比|%")
# parts of a total: by channel, by applicant, by part of an area — not the total itself
APP_SUBSET = re.compile(r"其中|通过|网络|在线|信函|当面|现场|传真|电子邮件|邮寄|平台|系统|网站|窗口|邮箱|信箱|"
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
TOTAL_KINDS = {"applications.new_received", "applications.received_total", "applications.completed"}
# "受理…N件，其中本年新收A件、上年结转B件": 其中 splits the 受理 total into 新收 and 结转, so A is 新收 itself
QIZHONG_NEW = re.compile(r"其中[,:]?(?:本年度?|今年|当年)?新收")
# a sentence that goes on with the applications of the sentence before: "…申请1234件。其中予以公开560件。"
CONTINUES = re.compile(r"[,]?其中")
PLAN = re.compile(r"下一步|下一?年度?|明年|今后|将|计划|拟|力争|争取")
ZERO_APP = re.compile(
    r"(?:未|没有|未曾|尚未|暂未)(?:收到|接到|受理|接收)(?P<span>[^。,;]{0,30}?)"
    r"(?:依申请公开|信息公开申请|公开申请|(?P<plain>申请)(?!人|书|表|材料))"
    # "无依申请公开" alone, not "无依申请公开超期答复情况" / "未发生依申请公开引起的行政复议"
    r"|(?:无|没有|暂无|未有|未发生)(?P<span2>)(?:依申请公开|政府信息公开申请)"
    r"(?=(?:的)?(?:政府信息)?(?:事项|申请|件|情况|工作)?(?:[。,;]|$))")
ZERO_EXCLUDE = re.compile(r"复议|诉讼|意见|建议|投诉|咨询|举报|费|涉及|关于|有关|类|方面|更正|援助|"
                          # some applications only: "未收到其他…申请", "未收到以信函方式提交的申请"
                          r"其[他它](?![^。,;]{0,3}组织)|其余|另外|以外|之外|"
                          r"信函|网络|网上|在线|当面|现场|传真|电子邮件|邮寄|纸质|线上|线下")
# what follows the applications in the clause says the zero is about something else:
# "未收到针对政府信息公开申请答复的投诉", "未收到政府信息公开申请引发的行政复议"
ZERO_REST_EXCLUDE = re.compile(r"复议|诉讼|投诉|举报|费|答复|纠错|超期|逾期|延期|补正|意见|更正|撤回|以外|之外")
# "未收到法人的申请" says nothing about natural persons: an applicant named must be all of them
ZERO_SOME_APPLICANTS = re.compile(r"公民|自然人|个人|法人|企业|组织|机构")
ZERO_ALL_APPLICANTS = re.compile(r"(公民|自然人|个人).*(法人|组织)|(法人|组织).*(公民|自然人|个人)")

# ------------------------------------------------------------------ review / litigation (table 四)
REVIEW_CONTEXT = re.compile(r"信息公开|依申请公开")
AGAINST_AGENCY = re.compile(r"因|引起|引发|被申请|被提起|被起诉|提起|针对本|涉及本")
# "全年共发生政府信息公开行政复议案件2件" — unless it counts a whole area's cases (全市共发生…)
OCCURRED = re.compile(r"发生")
# the agency as respondent: "被申请行政复议N件，被提起行政诉讼M件" needs no 信息公开 in the sentence —
# in sections 一 and 四 of a disclosure report, unless the sentence names other work
PASSIVE_REVIEW = re.compile(r"被申请(?:行政)?复议|被(?:提起|起诉)(?:行政)?诉讼|被诉")
PASSIVE_SECTIONS = {1, 4, None}
# cases about other work, or a whole area's cases (the agency as 复议机关 or the 政府 of an area)
WORK = re.compile(r"执法|处罚|许可|征收|征地|拆迁|强制|法治|法律援助|信访")
AREA = re.compile(r"全区|全市|全县|全省|全州|全旗|各部门|各乡镇|各街道|各单位|各区|各县|(?:区|市|县)直")
OTHER_WORK = re.compile(f"{WORK.pattern}|{AREA.pattern}")
# "被提起行政诉讼6件，均与政府信息公开无关"
NOT_DISCLOSURE = re.compile(r"不涉及|无关|不属于|并非|均非")
# a count of all cases, of which the disclosure ones are a part: "被申请行政复议5件，其中政府信息公开类1件"
PART_AFTER = re.compile(r"[^。]*?其中[^。]{0,12}?(?:信息公开|依申请公开)")
PART_AFTER_UNLESS_BEFORE = re.compile(r"[^。]*?(?:涉及|有关|相关|属于)[^。,;]{0,10}?(?:信息公开|依申请公开)")
# "未发生因政府信息公开被申请行政复议被纠错的情况": no 纠错, not no review
ZERO_REVIEW_REST = re.compile(r"纠错|败诉|撤销|确认违法|违法|纠正")
EACH_BOTH = re.compile(r"复议[、和及与]{1,2}(?:被)?(?:提起|起诉)?(?:行政)?诉讼(?:案件)?(?:均为|各)$")
# straight after the applications statement: "…申请1234件。行政复议12件，行政诉讼5件。"
REVIEW_BARE = re.compile(r"[,]?(?:全年|本年度?|共)?(?:发生)?(?:行政复议|行政诉讼)")
REVIEW_EXCLUDE = re.compile(r"受理|审理|审结|办理|办结|收到|接到|其中|较|同比|增加|减少|代理|应诉|第三人|半年|季度|"
                            r"作为[^,;。]{0,6}复议机关")
# outcomes and documents of cases, in the count's own clause ("维持1件"; not "…维持决定；行政诉讼1件")
REVIEW_CLAUSE_EXCLUDE = re.compile(r"维持|纠正|纠错|败诉|胜诉|撤销|驳回|确认违法|撤回|终止|决定|文书")
# "被申请行政复议、提起行政诉讼的案件共3件": the two together, unless 各/均为 gives each the figure
BOTH_JOINED = re.compile(r"复议[^,;。]{0,8}?[、和及与或][^,;。]{0,6}?诉讼")
ZERO_REVIEW = re.compile(
    r"(?:没有|未|无|未发生|未出现|未有|不存在)(?P<span>[^。,;]{0,30}?)(?P<a>行政复议|行政诉讼)"
    r"(?:(?:、|和|及|或|与|以及)[^,;。]{0,6}?(?:行政)?(?P<b>复议|诉讼))?")

# ------------------------------------------------------------------ 规章 / 规范性文件 (table 二)
DOC_NOUN = re.compile(r"行政规范性文件|规范性文件|规章(?!制度)")
ISSUE = re.compile(r"制发|印发|出台|制定")   # not 发布: posting a document on the site is not issuing it
REPEAL = re.compile(r"废止|宣布失效")
DOC_EXCLUDE = re.compile(r"审查|审核|备案|合法性|起草|代拟|协助|指导|督促|清理出|梳理出|涉及|征求|较|同比|增加|减少")
ZERO_DOC = re.compile(
    r"(?:未|没有|无|未曾)(?P<verb>制发|印发|出台|制定|废止)(?:任何|新的|新)?(?P<noun>行政规范性文件|规范性文件|规章(?!制度))")

# ------------------------------------------------------------------ other statements
ALL_DONE = re.compile(r"(?<!未)(?<!没有)(均|全部|都|悉数|全都)(已|已经)?[^,;。未没不]{0,12}?"
                      r"(办结|办理完毕|办理完成|完成办理|答复完毕|答复办结|答复)")
ALL_DONE_EXCLUDE = re.compile(r"结转|其余|除|未全部|没有全部|继续办理")
CARRIED_OVER = APP_KEYWORDS[0][1]    # 上年结转 says nothing about what is still open
ALL_DONE_START = re.compile(r"[,]?(?:以上|上述|所有|前述)?(?:申请)?(?:均|全部|都|悉数|全都)")
FEE_WORD = re.compile(r"信息处理费")
FEE_NONE = re.compile(r"(未|没有|无|不|未曾|免)[^,;。]{0,10}?(收取|收费|产生|发生|涉及)|(费|收费)[^,;。\d]{0,6}?(?<!\d)(0|零)(?![\d.])元?"
                      r"|(未|没有|无)[^,;。]{0,4}信息处理费")
FEE_AMOUNT = re.compile(r"收取[^,;。]{0,12}?信息处理费[^,;。]{0,6}?(\d+(?:\.\d+)?)元")
FEE_GENERIC = re.compile(r"(未|没有|不|免)收取(任何)?(费用|费)")

YEAR = re.compile(r"(?<![\d〔\[(])((?:19|20)\d\d)年(度)?")
YEAR_COMPARE = re.compile(r"(较|比|同比|相比|对比|与|和|自|从|截至|截止|至|到|于|在|~|-)$")
YEAR_AFTER_NOT_REPORT = re.compile(r"^(以来|以前|之前|前|起|至|到|底|末|初|中|上半年|下半年|\d|[一二三四五六七八九十]+月|同期|相比|相较|比)")
YEAR_PLAN = re.compile(r"^[,]?[^,;:。]{0,14}?(将|计划|拟|力争|要|继续|持续|进一步|下一步|争取)")
YEAR_SUBJECT = r"(?:[,]?(?:[^,;:。!?()]{0,14}?(?:局|委|办|厅|院|府|部|署|处|所|站|中心|机关|单位|部门|政府)))?[,]?(?:共|全年|累计|依法)?"
YEAR_REPORT_VERB = re.compile(
    r"^" + YEAR_SUBJECT + r"(未收取|收取|没有收取|未收到|共收到|收到|新收|受理|没有接到|未接到|主动公开|依申请公开|"
    r"办理政府信息公开|办结|未发生|没有发生|未产生|无依申请)")


def _pos(loc: Loc | None) -> Position | None:
    if loc is None:
        return None
    return Position(line=loc.line, page=loc.page, bbox=list(loc.bbox) if loc.bbox else None,
                    table=loc.table, row=loc.row, col=loc.col)


class _Ctx:
    __slots__ = ("section", "pos", "year", "facts", "cont", "shown", "last_new")

    def __init__(self, section: int | None, pos: Position | None, year: int | None, facts: list[NarrativeFact]):
        self.section, self.pos, self.year, self.facts = section, pos, year, facts
        self.cont = False   # the sentence before, in this paragraph, counted applications
        self.last_new: NarrativeFact | None = None   # its 新收/收到 count, if any
        self.shown: str | None = None   # the sentence as printed, when the one read is a rewrite of it

    def add(self, kind: str, value, sentence: str, **data) -> None:
        self.facts.append(NarrativeFact(kind=kind, value=value, text=display(self.shown or sentence),
                                        section=self.section, evidence=self.pos, data=data))


# "新收、上年结转政府信息公开申请分别为12件、3件": the items before 分别 pair with the counts after it.
_RESPECTIVELY = re.compile(rf"分别(?:为|是|有|达)?[:]?\s*({NUM}\s*(?:件|条|个|起|宗|项|次)(?:\s*[、,和及与]\s*{NUM}\s*"
                           rf"(?:件|条|个|起|宗|项|次))*)")
_ITEM_SEP = re.compile(r"、|和|及|与|以及")
_SHARED_TAIL = re.compile(r"政府信息公开申请|政府信息公开|依申请公开|申请")


def _expand_respectively(s: str) -> str | None:
    """The sentence with "A、B…分别为a件、b件" written out as "A a件,B b件"; None when items and
    counts do not pair up (the sentence then states nothing that can be read safely)."""
    m = _RESPECTIVELY.search(s)
    if m is None:
        return s
    start = max(s.rfind(c, 0, m.start()) for c in ",;:") + 1
    subject = s[start:m.start()]
    items = [x for x in _ITEM_SEP.split(subject) if x]
    counts = [c.group(0) for c in COUNT.finditer(m.group(1))]
    if len(items) < 2 or len(items) != len(counts):
        return None
    tail = _SHARED_TAIL.search(items[-1])       # the noun the items share, printed once after the last
    shared = items[-1][tail.start():] if tail else ""
    pieces = [(x if not shared or _SHARED_TAIL.search(x) else x + shared) + c for x, c in zip(items, counts)]
    return s[:start] + ",".join(pieces) + s[m.end():]


def _counts(s: str) -> list[tuple[int, int, int, str]]:
    """(start, end, value, unit) of every count "N 件/条/…" in a sentence."""
    out = []
    for m in COUNT.finditer(s):
        v = cn_int(m.group(1))
        if v is None or NOT_A_COUNT_AFTER.match(s, m.end()) or RANGE_BEFORE.search(s, 0, m.start()):
            continue
        out.append((m.start(), m.end(), v, m.group(2)))
    return out


def _other_year_in(window: str, year: int | None) -> bool:
    """Whether the window names a year other than the report's — any year when that is unknown
    ("2022年收到申请10件，2023年收到12件" cannot be read without knowing which is this year)."""
    return any(year is None or int(y) != year for y in re.findall(r"((?:19|20)\d\d)年", window))


def _last_kind(window: str, table: list[tuple[str, re.Pattern[str]]]) -> tuple[str | None, int]:
    """The kind whose keyword comes last in the window, and where that keyword ends."""
    best, best_end = None, -1
    for kind, pat in table:
        for m in pat.finditer(window):
            if m.end() > best_end:
                best, best_end = kind, m.end()
    return best, best_end


def _app_kind(window: str) -> str | None:
    """What the count right after `window` counts: the keyword must be in the count's own clause
    ("收到的申请中，申请公开…的5件" is a part, "…申请，均在20个工作日内" no count of them)."""
    kind, end = _last_kind(window, APP_KEYWORDS)
    if kind is None:
        kind, end = _last_kind(window, APP_FALLBACK)
        if kind is None or not FALLBACK_TAIL.fullmatch(window[end:]):
            return None
    if re.search(r"[,;]", window[end:]):
        return None
    return kind


def _dated(window: str) -> bool:
    """Whether a date names the count's event ("3月15日收到…1件"), not a period it sums up."""
    return DATE.search(PERIOD.sub("", window)) is not None


def _applications(s: str, ctx: _Ctx, counts) -> bool:
    """Reads the application counts of a sentence; True when it read any."""
    read = False
    continued = False
    if ctx.cont and ctx.last_new is not None and SPLIT_AFTER.match(s):
        # "…共收到申请15件。其中上年结转3件。": the count before was 新收 + 结转
        ctx.last_new.kind = "applications.received_total"
    ctx.last_new = None
    if not APP_CONTEXT.search(s):
        if not (ctx.cont and CONTINUES.match(s) and not PLAN.search(s)):
            return False
        continued = True
    prev = 0
    for start, end, v, unit in counts:
        window, prev = s[prev:start], end
        if unit not in ("件", "个", "宗", "份"):   # not 条: "依申请公开政府信息12条" counts items, not applications
            continue
        if APP_EXCLUDE.search(window) or APP_CLAUSE_EXCLUDE.search(re.split(r"[,;]", window)[-1]) \
                or _other_year_in(window, ctx.year) or _dated(window):
            continue
        kind = _app_kind(window)
        if kind is None:
            continue
        if kind == "applications.carried_forward" and ctx.year and re.search(rf"结转[至到]{ctx.year}年", window):
            kind = "applications.carried_over"   # "从上年结转至2023年的申请" in the 2023 report
        if kind in TOTAL_KINDS:
            subset = APP_SUBSET.search(ALL_CHANNELS.sub("", window))
            if kind == "applications.new_received" and QIZHONG_NEW.search(window):
                subset = APP_SUBSET.search(QIZHONG_NEW.sub("", s[:start]))
            if subset or continued:
                continue
            if CARRIED_OVER.search(window):   # "上年结转的申请已办结2件": a part, the carried-over ones
                continue
        if kind in TOTAL_KINDS and not APP_CONTEXT.search(window) and not APP_CONTEXT.search(s[:start]):
            continue
        if kind == "applications.new_received" and (INCLUDES.match(s, end) or SPLIT_AFTER.match(s, end)):
            kind = "applications.received_total"   # "收到申请34件（含上年结转2件）", "…15件，其中上年结转3件"
        # "收到/接到 N 件" without 新收: reports use it for 新收 + 上年结转 too (the audit accepts either),
        # unless the sentence goes on to state the carried-over ones ("收到4件，上年结转1件")
        generic = kind == "applications.new_received" and "新收" not in re.split(r"[,;]", window)[-1] \
            and not CARRIED_OVER.search(s, end)
        ctx.add(kind, v, s, **({"generic": True} if generic else {}))
        if kind == "applications.new_received":
            ctx.last_new = ctx.facts[-1]
        read = True
    for m in ZERO_APP.finditer(s):
        span = m.group(0)
        if ZERO_EXCLUDE.search(span) or _other_year_in(s[:m.start()][-12:], ctx.year):
            continue
        rest = re.match(r"[^,;。]*", s[m.end():]).group(0)
        if ZERO_REST_EXCLUDE.search(rest) or "除" in s[:m.start()]:
            continue
        if m.group("plain") and "公开" not in s:   # "未收到申请" only where the sentence is about disclosure
            continue
        if ZERO_SOME_APPLICANTS.search(span) and not ZERO_ALL_APPLICANTS.search(span):
            continue
        ctx.add("applications.new_received", 0, s, zero_phrase=True)
        break
    return read


def _review_gate(s: str, ctx: _Ctx) -> bool:
    """Whether the sentence's 行政复议/行政诉讼 are those against the agency about its disclosure."""
    if NOT_DISCLOSURE.search(s):
        return False
    if REVIEW_CONTEXT.search(s) and AGAINST_AGENCY.search(s) and not AREA.search(s):
        return True
    if REVIEW_CONTEXT.search(s) and OCCURRED.search(s) and not OTHER_WORK.search(s):
        return True
    if ctx.section in PASSIVE_SECTIONS and PASSIVE_REVIEW.search(s) and not OTHER_WORK.search(s):
        return True
    return ctx.cont and REVIEW_BARE.match(s) is not None and not PLAN.search(s) and not OTHER_WORK.search(s)


def _part_follows(s: str, start: int, end: int) -> bool:
    """Whether the count is of all cases and the disclosure ones follow as a part of it."""
    if PART_AFTER.match(s, end):
        return True
    return PART_AFTER_UNLESS_BEFORE.match(s, end) is not None and not REVIEW_CONTEXT.search(s, 0, start)


def _review(s: str, ctx: _Ctx, counts) -> None:
    if _review_gate(s, ctx):
        _review_counts(s, ctx, counts)
    # "没有因政府信息公开申请引起的行政复议" — about disclosure, or the agency as respondent in 一/四
    about = REVIEW_CONTEXT.search(s) or (ctx.section in PASSIVE_SECTIONS and PASSIVE_REVIEW.search(s))
    if about and not NOT_DISCLOSURE.search(s) and not WORK.search(s):
        _review_zero(s, ctx)


def _review_counts(s: str, ctx: _Ctx, counts) -> None:
    prev = 0
    for start, end, v, unit in counts:
        window, prev = s[prev:start], end
        if unit not in ("件", "起", "个", "宗", "例"):
            continue
        if REVIEW_EXCLUDE.search(window) or _other_year_in(window, ctx.year) or WORK.search(window) \
                or _dated(window):   # "5月8日，申请人…提起行政诉讼1件": one case told, not the year's
            continue
        clause = re.split(r"[,;]", window)[-1]
        if REVIEW_CLAUSE_EXCLUDE.search(clause) or _part_follows(s, start, end):
            continue
        tail = window[-12:]
        if "分别" in tail:                      # "行政复议、行政诉讼分别为1件、2件": which is which is not read
            continue
        if "起诉" in tail and "诉讼" not in tail:   # "复议后起诉1件、直接起诉2件": parts of 行政诉讼
            continue
        if EACH_BOTH.search(window):           # "被申请行政复议、提起行政诉讼各0件"
            ctx.add("review.total", v, s)
            ctx.add("litigation.total", v, s)
        elif BOTH_JOINED.search(clause):
            continue
        elif "复议" in tail and "诉讼" not in tail[tail.rfind("复议"):]:
            ctx.add("review.total", v, s)
        elif "诉讼" in tail:
            ctx.add("litigation.total", v, s)


def _review_zero(s: str, ctx: _Ctx) -> None:
    for m in ZERO_REVIEW.finditer(s):
        if not AGAINST_AGENCY.search(m.group("span")) and not REVIEW_CONTEXT.search(m.group("span")):
            continue
        if REVIEW_EXCLUDE.search(m.group("span")) or REVIEW_CLAUSE_EXCLUDE.search(m.group("span")):
            continue
        if ZERO_REVIEW_REST.search(re.match(r"[^,;。]*", s[m.end("a"):]).group(0)):
            continue
        kinds = {m.group("a")[-2:]} | ({m.group("b")} if m.group("b") else set())
        if "复议" in kinds:
            ctx.add("review.total", 0, s, zero_phrase=True)
        if "诉讼" in kinds:
            ctx.add("litigation.total", 0, s, zero_phrase=True)


def _documents(s: str, ctx: _Ctx, counts) -> None:
    plain = _strip_quoted(s)
    if not DOC_NOUN.search(plain):
        return
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^,;:]+", plain)]
    for start, end, v, unit in counts:
        if unit not in ("件", "个", "部", "项"):
            continue
        c0, c1 = next(((a, b) for a, b in clauses if a <= start < b), (0, len(plain)))
        clause = plain[c0:c1]
        before = plain[c0:start]
        if DOC_EXCLUDE.search(clause) or _other_year_in(clause, ctx.year):
            continue
        verbs = [(m.end(), "issued") for m in ISSUE.finditer(before)] + \
                [(m.end(), "repealed") for m in REPEAL.finditer(before)]
        if not verbs:
            continue
        action = max(verbs)[1]
        noun = DOC_NOUN.search(clause)
        if noun is None:
            # "清理规范性文件 50 件，废止 3 件": the noun in an earlier clause of the sentence —
            # unless that sentence is about other agencies' documents (督促各乡镇清理…)
            earlier = list(DOC_NOUN.finditer(plain[:c0]))
            if not earlier or DOC_EXCLUDE.search(plain[:start]):
                continue
            noun = earlier[-1]
        target = "regulations" if noun.group(0) == "规章" else "normative_documents"
        ctx.add(f"{target}.{action}", v, s)
    for m in ZERO_DOC.finditer(plain):
        action = "repealed" if m.group("verb") == "废止" else "issued"
        target = "regulations" if m.group("noun") == "规章" else "normative_documents"
        ctx.add(f"{target}.{action}", 0, s, zero_phrase=True)


ENUM_HEAD = re.compile(rf"({NUM})(条|篇|件|个|项|次|期)(?:[,:]|(\())?(?:其中|包括|分别为|分别是)[,:]?")
ENUM_PART = re.compile(rf"(.+?)({NUM})(条|篇|件|个|项|次|期)")


def _parts(text: str, unit: str) -> tuple[list[list], bool, bool]:
    """The items "A a 条、B b 条…" after "其中", all with the total's unit and one separator: a
    different separator ("；已办结 5 件") starts another statement. Also whether the list runs to
    the end of the text (so it may go on past it). No items when the list is unclear: items
    split by "；" whose last goes on after a "，" ("本年新收18件；已办结18件，予以公开3件") may
    be a new statement rather than an item."""
    parts: list[list] = []
    open_ = False
    pieces = re.split(r"([、,;])", text)
    sep = None
    for i in range(0, len(pieces), 2):
        item = pieces[i].strip("。")
        if not item:
            return parts, open_, not any(pieces[i:])
        m = ENUM_PART.fullmatch(item)
        if m is None:
            m2 = re.fullmatch(rf"(.+?)({NUM})(条|篇|件|个|项|次|期)等.*", item)
            if m2 and m2.group(3) == unit:
                parts.append([m2.group(1), cn_int(m2.group(2))])
                open_ = True
            break
        if m.group(3) != unit or cn_int(m.group(2)) is None:
            break
        parts.append([m.group(1), cn_int(m.group(2))])
        nxt = pieces[i + 1] if i + 1 < len(pieces) else None
        if nxt is None:
            return parts, open_, True
        if sep is not None and nxt != sep:
            if sep == ";" and nxt == ",":
                return [], open_, False
            break
        sep = nxt
    return parts, open_, False


# the sentence is about applications even when the line that named them was cut off before it
# ("受理政府信息公开" / "申请18件，其中本年新收18件；已办结18件")
APP_ENUM_WORDS = re.compile(r"申请|新收|结转|办结")


def _enumerations(s: str, ctx: _Ctx) -> None:
    if APP_CONTEXT.search(s) or APP_ENUM_WORDS.search(s) or "复议" in s or "诉讼" in s:
        return  # breakdowns of applications and cases are N001/N002's business, by outcome not by part
    ended = s.endswith(("。", "!", "?", "."))
    for m in ENUM_HEAD.finditer(s):
        total = cn_int(m.group(1))
        if total is None:
            continue
        unit = m.group(2)
        label = re.split(r"[,;:、]", s[:m.start()])[-1][-24:]
        if not label:
            # nothing says what the total counts, or its first digits ended the line before
            # ("…各类信息5" / "1条，其中…" in a hard-wrapped text)
            continue
        rest = s[m.end():]
        if m.group(3):                     # "35条（其中：A 20条，B 15条）": the parts end at the bracket
            close = rest.find(")")
            if close < 0:
                continue
            rest = rest[:close]
        parts, open_, to_end = _parts(rest, unit)
        if to_end and not ended and not m.group(3):
            # the paragraph stops inside the list ("…部门动态32条；" and the next item on the next
            # line): the parts read are not all of them
            continue
        if len(parts) < 2 or any(p[1] is None for p in parts):
            continue
        ctx.add("enumeration", total, s, total=total, unit=unit, label=label, parts=parts, open=open_)


def _all_completed(s: str, ctx: _Ctx) -> None:
    if not APP_CONTEXT.search(s) and not (ctx.cont and ALL_DONE_START.match(s)):
        return
    if ALL_DONE_EXCLUDE.search(CARRIED_OVER.sub("", s)):
        return
    m = ALL_DONE.search(s)
    if m and not CARRIED_OVER.search(re.split(r"[,;]", s[:m.start()])[-1]):   # not "上年结转的2件均已办结"
        ctx.add("all_completed", None, s)


def _fee(s: str, ctx: _Ctx) -> None:
    plain = _strip_quoted(s)
    if FEE_WORD.search(plain):
        amount = FEE_AMOUNT.search(plain)
        if FEE_NONE.search(plain):
            ctx.add("fee_statement", 0, s, charged=False)
        elif amount:
            ctx.add("fee_statement", float(amount.group(1)), s, charged=True, unit="元")
        elif not re.search(r"情况[。]?$", plain):   # a heading "信息处理费收取情况" states nothing
            ctx.add("fee_statement", None, s, charged=None)
    elif FEE_GENERIC.search(plain) and APP_CONTEXT.search(plain):
        ctx.add("fee_statement", 0, s, charged=False, generic=True)


def _year_role(plain: str, start: int, end: int) -> str:
    before, after = plain[:start], plain[end:]
    if YEAR_COMPARE.search(before):
        return "comparison"
    if YEAR_AFTER_NOT_REPORT.match(after):
        return "date"
    if YEAR_PLAN.match(after):
        return "plan"
    m = YEAR_REPORT_VERB.match(after)
    if m is None:
        return "other"
    if re.match(r"的", after[m.end():]):
        return "other"  # "2021年发布的…": an earlier event named as such
    return "report"


def _years(s: str, ctx: _Ctx) -> None:
    plain = _strip_quoted(s)
    mentions = list(YEAR.finditer(plain))
    # a sentence naming the report year and another one sets them side by side
    both = ctx.year is not None and any(int(m.group(1)) == ctx.year for m in mentions)
    for m in mentions:
        y = int(m.group(1))
        if ctx.year is not None and y == ctx.year:
            continue
        role = "comparison" if both else _year_role(plain, m.start(), m.end())
        ctx.add("year_mention", y, s, role=role)


def _sentence_facts(s: str, ctx: _Ctx) -> None:
    ctx.shown = None
    if "分别" in s:
        expanded = _expand_respectively(s)
        if expanded is None:
            _years(s, ctx)
            ctx.cont = False
            return
        if expanded != s:
            ctx.shown, s = s, expanded
    counts = _counts(s)
    read = _applications(s, ctx, counts)   # also the zero phrases when there are no counts
    _review(s, ctx, counts)
    _documents(s, ctx, counts)
    if counts:
        _enumerations(s, ctx)
    _all_completed(s, ctx)
    _fee(s, ctx)
    _years(s, ctx)
    ctx.cont = read


def extract_narrative(paragraphs: Sequence[tuple[int | None, str, Loc]], year: int | None) -> list[NarrativeFact]:
    """Facts stated in the text. `paragraphs` are (section no or None, text, position) in reading order."""
    facts: list[NarrativeFact] = []
    for section, text, loc in paragraphs:
        if not text or not text.strip():
            continue
        ctx = _Ctx(section, _pos(loc), year, facts)
        for s in sentences(normalize(text)):
            _sentence_facts(s, ctx)
    return facts


def iter_kind(facts: Sequence[NarrativeFact], kind: str) -> Iterator[NarrativeFact]:
    return (f for f in facts if f.kind == kind)
