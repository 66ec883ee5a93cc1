""""申请均已办结": every application was completed (N006 holds it against 结转下年度)."""
from __future__ import annotations

import re

from ...model import FactKind as K
from .applications import APP_CONTEXT, CARRIED_OVER
from .context import Ctx
from .tokens import Sentence, last_clause
from .vetoes import veto

ALL_DONE = re.compile(r"(?<!未)(?<!没有)(均|全部|都|悉数|全都)(已|已经)?[^,;。未没不]{0,12}?"
                      r"(办结|办理完毕|办理完成|完成办理|答复完毕|答复办结|答复)")
NONE_DONE = re.compile(r"(?:均|全部|都)(?:未|没有|尚未|不)[^,;。]{0,8}?(?:办结|答复|办理完)")
SOME_OPEN = re.compile(r"结转|其余|除|未全部|没有全部|继续办理")
ALL_DONE_START = re.compile(r"[,]?(?:以上|上述|所有|前述)?(?:申请)?(?:均|全部|都|悉数|全都)")


@veto("some_still_open", family="completion", example="收到的政府信息公开申请除2件结转下年度外，其余均已办结。")
def some_still_open(s: str) -> bool:
    """What it does:
    Rejects "均已办结" in a sentence that also carries some forward (结转, 其余, 除…外, 继续办理);
    上年结转 alone says nothing of what is open.

    Why it matters:
    "其余均已办结" does not say every application was completed.
    """
    return SOME_OPEN.search(CARRIED_OVER.sub("", s)) is not None


@veto("none_completed", family="completion", example="对收到的政府信息公开申请均未办结。")
def none_completed(s: str) -> bool:
    """What it does:
    Rejects "均未办结", "全部尚未答复": a negation says the opposite of all completed.

    Why it matters:
    Read as "均已办结" it would make N006 contradict a text that agrees with the table.
    """
    return NONE_DONE.search(s) is not None


@veto("average_not_all", family="completion", example="政府信息公开申请平均答复时间为2个工作日。")
def average_not_all(s: str, m: re.Match[str]) -> bool:
    """What it does:
    Rejects the 均 of 平均 ("平均答复时间为2个工作日") as "all".

    Why it matters:
    An average reply time says nothing about whether every application was completed.
    """
    return m.start() > 0 and s[m.start() - 1] == "平"


@veto("carried_over_completed", family="completion", example="全年受理政府信息公开申请15件，上年度结转的政府信息公开申请2件均已办结。")
def carried_over_completed(s: str, m: re.Match[str]) -> bool:
    """What it does:
    Rejects "上年结转的2件均已办结": only the carried-over ones are said to be completed.

    Why it matters:
    It says nothing of this year's applications.
    """
    return CARRIED_OVER.search(last_clause(s[:m.start()])) is not None


def read(sent: Sentence, ctx: Ctx, apps_here: bool = False) -> None:
    """`apps_here`: the sentence stated application counts (it may go on with the applications of
    the sentence before without naming them: "其中，予以公开1件，已办结2件，均已按期办结")."""
    s = sent.text
    if not APP_CONTEXT.search(s) and not apps_here and not (ctx.cont and ALL_DONE_START.match(s)):
        return
    if none_completed(s):
        return
    for m in ALL_DONE.finditer(s):
        if average_not_all(s, m):
            continue
        if not some_still_open(s) and not carried_over_completed(s, m):
            ctx.add(K.ALL_COMPLETED, None, s)
        return
