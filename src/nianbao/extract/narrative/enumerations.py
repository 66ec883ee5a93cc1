"""Enumerations "共/主动公开 X 条，其中 A a 条、B b 条…" (N003 adds the parts, N004 looks for repeats).

Read over a *run* of paragraphs that hard wrapping may have cut: a line that ends without a full
stop goes on in the next one of the same section, unless a page break, a blank line or a numbered
item stands between them. A list is skipped only when such a break (or the end of the section)
really cuts it; an enumeration read across lines records them in `joined_lines`.
"""
from __future__ import annotations

import re

from ...model import EnumerationData
from ...model import FactKind as K
from .applications import APP_CONTEXT
from .context import Ctx
from .tokens import NUM, cn_int
from .vetoes import veto

ENUM_UNITS = "条|篇|件|个|项|次|期"
ENUM_HEAD = re.compile(rf"({NUM})({ENUM_UNITS})(?:[,:]|(\())?(?:其中|包括|分别为|分别是)[,:]?")
ENUM_PART = re.compile(rf"(.+?)({NUM})({ENUM_UNITS})")
ENUM_PART_OPEN = re.compile(rf"(.+?)({NUM})({ENUM_UNITS})等.*")
# the sentence is about applications even when the line that named them was cut off before it
# ("受理政府信息公开" / "申请18件，其中本年新收18件；已办结18件")
APP_ENUM_WORDS = re.compile(r"申请|新收|结转|办结|复议|诉讼")
# an item that starts another statement, not a part: "另有图解5条", "累计…"
NOT_A_PART = re.compile(r"^(?:另有?|此外|还|同时|共|累计|合计|总计|全年|本年|点击|浏览|访问)")
# separators of the same list: ，and 、 mix; ； is a list of its own
SEP_CLASS = {"、": ",", ",": ",", ";": ";"}
_LABEL_PIECE = re.compile(r"[^\d]{1,16}")
# a sentence that is only the list of the one before: "…共120条。其中，工作动态50条…"
QIZHONG_START = re.compile(r"^[,]?(?:其中|包括)[,:]?")
ENDS_WITH_COUNT = re.compile(rf"{NUM}(?:{ENUM_UNITS})。$")


@veto("enumeration_of_applications", family="enumerations",
      example="受理政府信息公开申请18件，其中本年新收16件、上年结转3件。")
def enumeration_of_applications(s: str) -> bool:
    """What it does:
    Rejects "其中" lists about applications or cases (申请, 新收, 结转, 办结, 复议, 诉讼).

    Why it matters:
    Their breakdown is by outcome and is compared cell by cell (N001, N002); read as parts of
    a total they make N003 add 新收 to 办结.
    """
    return APP_CONTEXT.search(s) is not None or APP_ENUM_WORDS.search(s) is not None


@veto("enumeration_unlabelled", family="enumerations", example="1条，其中公示公告15条、行政处罚结果35条、招标采购1条。")
def enumeration_unlabelled(label: str) -> bool:
    """What it does:
    Rejects a total that nothing names ("1条，其中…" at the start of a run: its first digits may
    be on a line a page break cut off).

    Why it matters:
    A total missing its first digits is not the total the report states.
    """
    return not label


@veto("enumeration_cut", family="enumerations", example="主动公开政府信息30条，其中工作动态20条、通知公告5条")
def enumeration_cut(to_end: bool, ended: bool, bracketed: bool) -> bool:
    """What it does:
    Rejects a list that runs to the end of a run of lines without a full stop: a page break, a
    blank line or the end of the section cut it, and the parts read may not be all of them.

    Why it matters:
    Adding half a list makes a false N003.
    """
    return to_end and not ended and not bracketed


@veto("enumeration_unclear", family="enumerations", example="主动公开信息60条，其中工作动态20条；政策文件30条，解读材料10条、图解5条。")
def enumeration_unclear(parts: list, unclear: bool) -> bool:
    """What it does:
    Rejects a list with fewer than two parts, or one whose "；"-separated items go on after a
    "，" ("工作动态20条；政策文件30条，解读材料10条"): the last may be a new statement.

    Why it matters:
    Which figures are the parts is not clear.
    """
    return unclear or len(parts) < 2


def parts_of(text: str, unit: str) -> tuple[list[tuple[str, int]], bool, bool, bool]:
    """The items "A a 条、B b 条…" after 其中, all with the total's unit: (parts, open (ends with
    等), runs to the end of the text, unclear). ，and 、 may mix; an item's name may hold 、
    ("人事、财务信息20条"); a ； after ，-items starts another statement."""
    parts: list[tuple[str, int]] = []
    open_ = False
    pieces = re.split(r"([、,;])", text)
    sep = None
    label = ""
    for i in range(0, len(pieces), 2):
        item = label + pieces[i].strip("。")
        label = ""
        nxt = pieces[i + 1] if i + 1 < len(pieces) else None
        if not item:
            return parts, open_, not any(pieces[i:]), False
        m = ENUM_PART.fullmatch(item)
        if m is None:
            if nxt == "、" and _LABEL_PIECE.fullmatch(item) and not NOT_A_PART.match(item):
                label = item + "、"         # "人事、财务信息20条": the item's name goes on
                continue
            m2 = ENUM_PART_OPEN.fullmatch(item)
            if m2 and m2.group(3) == unit and cn_int(m2.group(2)) is not None:
                parts.append((m2.group(1), cn_int(m2.group(2))))
                open_ = True
            break
        value = cn_int(m.group(2))
        if m.group(3) != unit or value is None or NOT_A_PART.match(m.group(1)):
            break
        parts.append((m.group(1), value))
        if nxt is None:
            return parts, open_, True, False
        cls = SEP_CLASS[nxt]
        if sep is not None and cls != sep:
            if sep == ";" and cls == ",":
                return [], open_, False, True
            break
        sep = cls
    return parts, open_, False, False


def read(s: str, ctx: Ctx, shown: str, joined_lines: list[int], at_run_end: bool) -> None:
    """Enumerations in sentence `s` (normalised; `shown` as printed). `at_run_end`: the sentence is
    the last of its run, so a list running to its end was cut."""
    if enumeration_of_applications(s):
        return
    ended = s.endswith(("。", "!", "?", "."))
    for m in ENUM_HEAD.finditer(s):
        total = cn_int(m.group(1))
        if total is None:
            continue
        unit = m.group(2)
        label = re.split(r"[,;:、]", s[:m.start()])[-1][-24:]
        if enumeration_unlabelled(label):
            continue
        rest = s[m.end():]
        if m.group(3):                     # "35条（其中：A 20条，B 15条）": the parts end at the bracket
            close = rest.find(")")
            if close < 0:
                continue
            rest = rest[:close]
        parts, open_, to_end, unclear = parts_of(rest, unit)
        if enumeration_cut(to_end and at_run_end, ended, bool(m.group(3))) or enumeration_unclear(parts, unclear):
            continue
        ctx.shown = shown
        ctx.add(K.ENUMERATION, total, s, EnumerationData(total=total, unit=unit, label=label, parts=parts,
                                                          open=open_, joined_lines=joined_lines))
        ctx.shown = None
