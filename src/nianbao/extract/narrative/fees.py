"""Whether 信息处理费 was charged (C005 asks section 六 to say so): 0 when not, the amount in 元."""
from __future__ import annotations

import re

from ...model import FactKind as K
from ...model import FeeData
from .applications import APP_CONTEXT
from .context import Ctx
from .tokens import Sentence
from .vetoes import veto

FEE_WORD = re.compile(r"信息处理费")
FEE_NONE = re.compile(r"(未|没有|无|不|未曾|免)[^,;。]{0,10}?(收取|收费|产生|发生|涉及)|(费|收费)[^,;。\d]{0,6}?(?<!\d)(0|零)(?![\d.])元?"
                      r"|(未|没有|无)[^,;。]{0,4}信息处理费")
FEE_AMOUNT = re.compile(r"收取[^,;。]{0,12}?信息处理费[^,;。]{0,6}?(\d+(?:\.\d+)?)元")
FEE_GENERIC = re.compile(r"(未|没有|不|免)收取(任何)?(费用|费)")
HEADING = re.compile(r"情况[。]?$")


@veto("fee_heading", family="fees", example="信息处理费收取情况")
def fee_heading(plain: str) -> bool:
    """What it does:
    Rejects a heading "信息处理费收取情况" as a statement about fees.

    Why it matters:
    A heading over an empty section states nothing; C005 must still ask for the statement.
    """
    return HEADING.search(plain) is not None


def read(sent: Sentence, ctx: Ctx) -> None:
    s = sent.text
    if "费" not in s:
        return
    plain = sent.plain
    if FEE_WORD.search(plain):
        amount = FEE_AMOUNT.search(plain)
        if FEE_NONE.search(plain):
            ctx.add(K.FEE_STATEMENT, 0, s, FeeData(charged=False))
        elif amount:
            ctx.add(K.FEE_STATEMENT, float(amount.group(1)), s, FeeData(charged=True, unit="元"))
        elif not fee_heading(plain):
            ctx.add(K.FEE_STATEMENT, None, s, FeeData(charged=None))
    elif FEE_GENERIC.search(plain) and APP_CONTEXT.search(plain):
        ctx.add(K.FEE_STATEMENT, 0, s, FeeData(charged=False, generic=True))
