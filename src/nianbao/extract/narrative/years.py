"""Years other than the report's, each with its role: report (the sentence reports this year's
work under that year — D003), plan, comparison (also: the sentence names the report year too),
date, other. Years inside 《titles》 and 〔document numbers〕 are not mentions."""
from __future__ import annotations

import re

from ...model import FactKind as K
from ...model import YearMentionData
from .context import Ctx
from .tokens import Sentence
from .vetoes import veto

# the look-behind after the digits (not before them): the engine then only tries where a 19/20 stands
YEAR = re.compile(r"((?:19|20)\d\d)(?<![\d〔\[(]\d{4})年(度)?")
YEAR_COMPARE = re.compile(r"(较|比|同比|相比|对比|与|和|自|从|截至|截止|至|到|于|在|~|-)$")
YEAR_AFTER_NOT_REPORT = re.compile(r"^(以来|以前|之前|前|起|至|到|底|末|初|中|上半年|下半年|\d|[一二三四五六七八九十]+月|同期|相比|相较|比)")
YEAR_PLAN = re.compile(r"^[,]?[^,;:。]{0,14}?(将|计划|拟|力争|要|继续|持续|进一步|下一步|争取)")
YEAR_SUBJECT = r"(?:[,]?(?:[^,;:。!?()]{0,14}?(?:局|委|办|厅|院|府|部|署|处|所|站|中心|机关|单位|部门|政府)))?[,]?(?:共|全年|累计|依法)?"
YEAR_REPORT_VERB = re.compile(
    r"^" + YEAR_SUBJECT + r"(未收取|收取|没有收取|未收到|共收到|收到|新收|受理|没有接到|未接到|主动公开|依申请公开|"
    r"办理政府信息公开|办结|未发生|没有发生|未产生|无依申请)")


@veto("quoted_year", family="years", example="印发《2022年政务公开工作要点》。")
def quoted_year(s: str, plain: str) -> bool:
    """What it does:
    Rejects years inside 《titles》 and 〔document numbers〕 (《2022年政务公开工作要点》, 〔2022〕5号).

    Why it matters:
    A document's name is no statement about which year the report covers (D003).
    """
    return len(YEAR.findall(plain)) < len(YEAR.findall(s))


def role(plain: str, start: int, end: int) -> str:
    before, after = plain[:start], plain[end:]
    if YEAR_COMPARE.search(before[-3:]):     # anchored at the end: its longest word (2) and a final "\n"
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


def read(sent: Sentence, ctx: Ctx) -> None:
    s = sent.text
    if "年" not in s:
        return
    plain = sent.plain
    if plain is not s:
        quoted_year(s, plain)
    mentions = list(YEAR.finditer(plain))
    # a sentence naming the report year and another one sets them side by side
    both = ctx.year is not None and any(int(m.group(1)) == ctx.year for m in mentions)
    for m in mentions:
        y = int(m.group(1))
        if ctx.year is not None and y == ctx.year:
            continue
        r = "comparison" if both else role(plain, m.start(), m.end())
        ctx.add(K.YEAR_MENTION, y, s, YearMentionData(role=r))
