""""申请均已办结": every application was completed (N006 holds it against 结转下年度)."""
from __future__ import annotations

import re

from ...model import FactKind as K
from .applications import APP_CONTEXT, CARRIED_OVER
from .context import Ctx
from .tokens import Sentence, last_clause
from .vetoes import veto

ALL_DONE = re.compile(r"(?<!未)(?<!没有)(?<!平)(均|全部|都|悉数|全都)(已|已经)?[^,;。未没不]{0,12}?"
                      r"(办结|办理完毕|办理完成|完成办理|答复完毕|答复办结|答复)")
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
    m = ALL_DONE.search(s)
    if m and not some_still_open(s) and not carried_over_completed(s, m):
        ctx.add(K.ALL_COMPLETED, None, s)
