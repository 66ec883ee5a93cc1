"""Table 二 in the text: 规章 and 行政规范性文件 the agency issued (制发/印发/出台/制定) or repealed
(废止) this year; "未制发规范性文件" is 0."""
from __future__ import annotations

import re

from ...model import CountData
from ...model import FactKind as K
from .context import Ctx
from .tokens import Sentence, other_year
from .vetoes import veto

DOC_NOUN = re.compile(r"行政规范性文件|规范性文件|规章(?!制度)")
# not 发布: posting a document on the site is not issuing it
ACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (("issued", re.compile(r"制发|印发|出台|制定")),
                                                    ("repealed", re.compile(r"废止|宣布失效")))
TARGETS = {"规章": "regulations"}            # every other noun: normative_documents
DOC_UNITS = ("件", "个", "部", "项")
OTHERS_WORK = re.compile(r"审查|审核|备案|合法性|起草|代拟|协助|指导|督促|清理出|梳理出|涉及|征求|较|同比|增加|减少")
ZERO_DOC = re.compile(
    r"(?:未|没有|无|未曾)(?P<verb>制发|印发|出台|制定|废止)(?:任何|新的|新)?(?P<noun>行政规范性文件|规范性文件|规章(?!制度))")
_CLAUSE = re.compile(r"[^,;:]+")


@veto("unit_not_documents", family="documents", example="制定行政规范性文件管理办法，明确审核程序3条。")
def unit_not_documents(c) -> bool:
    """What it does:
    Rejects a figure whose unit counts no documents (条, 份, 篇): only 件, 个, 部, 项 do.

    Why it matters:
    "3条" of a document are its articles, not three documents issued.
    """
    return c.unit not in DOC_UNITS


@veto("document_review_or_others", family="documents", example="审查规范性文件 17 件，向区人大常委会备案规范性文件 12 件。")
def document_review_or_others(text: str) -> bool:
    """What it does:
    Rejects counts of documents reviewed, filed, drafted for others, or whose issuing the agency
    guided (审查, 备案, 合法性, 起草, 指导, 督促, 清理出), and comparisons (较, 同比).

    Why it matters:
    Table 二 counts what the agency itself issued or repealed.
    """
    return OTHERS_WORK.search(text) is not None


@veto("document_without_verb", family="documents", example="在网站发布规范性文件12件。")
def document_without_verb(before: str) -> bool:
    """What it does:
    Rejects a count of documents without an issuing or repealing verb before it in its clause
    (发布 on the site is not issuing).

    Why it matters:
    Documents posted or in force are no count of table 二's 本年制发/本年废止.
    """
    return not any(p.search(before) for _, p in ACTIONS)


def read(sent: Sentence, ctx: Ctx) -> None:
    if "规章" not in sent.text and "规范性文件" not in sent.text:
        return
    plain = sent.plain
    if not DOC_NOUN.search(plain):
        return
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(plain)]
    for c in sent.counts:
        if unit_not_documents(c):
            continue
        c0, c1 = next(((a, b) for a, b in clauses if a <= c.start < b), (0, len(plain)))
        clause = plain[c0:c1]
        before = plain[c0:c.start]
        if document_review_or_others(clause) or other_year(clause, ctx.year) or document_without_verb(before):
            continue
        action = max((m.end(), a) for a, p in ACTIONS for m in p.finditer(before))[1]
        noun = DOC_NOUN.search(clause)
        if noun is None:
            # "清理规范性文件 50 件，废止 3 件": the noun in an earlier clause of the sentence —
            # unless that sentence is about other agencies' documents (督促各乡镇清理…)
            earlier = list(DOC_NOUN.finditer(plain[:c0]))
            if not earlier or document_review_or_others(plain[:c.start]):
                continue
            noun = earlier[-1]
        ctx.add(K(f"{TARGETS.get(noun.group(0), 'normative_documents')}.{action}"), c.value, sent.text)
    for m in ZERO_DOC.finditer(plain):
        action = "repealed" if m.group("verb") == "废止" else "issued"
        target = TARGETS.get(m.group("noun"), "normative_documents")
        ctx.add(K(f"{target}.{action}"), 0, sent.text, CountData(zero_phrase=True))
