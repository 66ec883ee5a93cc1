"""Sections 一…六 and the narrative paragraphs handed to the narrative extractor.

A heading is a paragraph numbered 一、…六、 (or 1、…6、) whose words name that section
("二、主动公开政府信息" for "二、主动公开政府信息情况"); sub-headings "（一）…", "一是…"
and the table-三 row labels that badly converted texts print as paragraphs
("三、本年度办理结果", "四、结转下年度继续办理") are not sections. Headings come in order;
a number that goes backwards is not a heading.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..form import FORM_2021
from ..document import Document, Loc, Paragraph

_HEADING = re.compile(r"^\s*(?:([一二三四五六])\s*[、.．，,]|([1-6])\s*[、．，,]|([1-6])\.(?!\d)|第([一二三四五六])部分\s*[、:：]?)\s*")
_CN = {c: i + 1 for i, c in enumerate("一二三四五六")}
SECTION_WORDS: dict[int, tuple[str, ...]] = {
    1: ("总体情况", "总体概况", "基本情况", "概述"),
    2: ("主动公开",),
    3: ("收到和处理", "依申请公开", "政府信息公开申请情况", "申请情况"),
    4: ("行政复议", "行政诉讼"),
    5: ("存在的主要问题", "主要问题", "存在问题", "改进情况", "问题及改进"),
    6: ("其他需要报告", "其他事项", "其他需报告"),
}
_NOT_SECTION = ("结转", "本年度办理结果", "本年新收", "申请数量")
_HEAD_TRAIL = "。.:：；;，, "
# Paragraphs that start a new item: never the tail of a sentence broken by a page break.
_ITEM_START = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．是]|\d+[、.．]|第[一二三四五六七八九十]+)")
_SENTENCE_END = "。！!？?；;：:…”》）)"
JOIN_MIN_LEN = 30


@dataclass
class SectionHit:
    no: int
    heading: str
    loc: Loc
    paras: list[Paragraph] = field(default_factory=list)    # the section's paragraphs (glued text first)


def match_heading(text: str, after: int = 0) -> tuple[int, str, str] | None:
    """(section no, heading, text glued after the heading) if `text` opens a section numbered > after."""
    m = _HEADING.match(text)
    if not m:
        return None
    g = m.group(1) or m.group(4)
    no = _CN[g] if g else int(m.group(2) or m.group(3))
    if no <= after:
        return None
    rest = text[m.end():].strip()
    head = rest[:40]
    if not any(w in head for w in SECTION_WORDS[no]) or any(w in head[:12] for w in _NOT_SECTION):
        return None
    official = FORM_2021.sections[no - 1]
    if rest.startswith(official):
        cut = len(official)
    elif len(rest) <= 25 and "。" not in rest:
        cut = len(rest)
    else:
        lcp = 0
        for a, b in zip(rest, official):
            if a != b:
                break
            lcp += 1
        if lcp >= 4:
            cut = lcp
        else:                                   # reworded and glued: the heading runs to the first stop
            stop = re.search(r"[。，,；;：:\d]", rest)
            cut = stop.start() if stop else len(rest)
    heading = rest[:cut].rstrip(_HEAD_TRAIL)
    glued = rest[cut:].lstrip(_HEAD_TRAIL)
    return no, heading, glued


@dataclass
class Layout:
    preamble: list[Paragraph]
    sections: list[SectionHit]

    def narrative(self) -> list[tuple[int | None, str, Loc]]:
        """(section no, text, loc) per paragraph, sentences broken by a page break joined again."""
        out: list[tuple[int | None, str, Loc]] = []
        groups: list[tuple[int | None, list[Paragraph]]] = [(None, self.preamble)]
        groups += [(s.no, s.paras) for s in self.sections]
        for no, paras in groups:
            cur: tuple[str, Loc] | None = None
            for p in paras:
                if cur and len(cur[0]) >= JOIN_MIN_LEN and cur[0][-1] not in _SENTENCE_END \
                        and not _ITEM_START.match(p.text):
                    cur = (cur[0] + p.text, cur[1])
                    continue
                if cur:
                    out.append((no, cur[0], cur[1]))
                cur = (p.text, p.loc)
            if cur:
                out.append((no, cur[0], cur[1]))
        return out


_BRACKET_HEADING = re.compile(r"^\s*[（(]([一二三四五六])[)）]\s*")


def match_bracket_heading(text: str, after: int = 0) -> tuple[int, str, str] | None:
    """A report numbering its six parts "（一）…（六）": only the official wording counts, since
    "（一）主动公开情况" is the usual sub-heading of 总体情况."""
    m = _BRACKET_HEADING.match(text)
    if not m:
        return None
    no = _CN[m.group(1)]
    rest = text[m.end():].strip()
    official = FORM_2021.sections[no - 1]
    if no <= after or not rest.startswith(official):
        return None
    return no, official, rest[len(official):].lstrip(_HEAD_TRAIL)


# Headings whose numbering the conversion lost: the phrase that only the heading has.
BARE_HEADING_WORDS: dict[int, tuple[str, ...]] = {
    1: ("总体情况",), 2: ("主动公开政府信息",), 3: ("收到和处理政府信息公开申请",), 4: ("行政复议", "行政诉讼"),
    5: ("存在的主要问题",), 6: ("其他需要报告",),
}


def match_bare_heading(text: str, after: int = 0) -> tuple[int, str, str] | None:
    """A heading printed without its number ("总体情况", "存在的主要问题和改进情况"): a short line
    holding the section's own phrase, in order."""
    t = text.strip()
    if len(t) > 30 or any(c in t for c in "。，；;") or _ITEM_START.match(t) or any(c.isdigit() for c in t):
        return None
    t = t.rstrip(_HEAD_TRAIL)
    for no in range(after + 1, 7):
        if all(w in t for w in BARE_HEADING_WORDS[no]):
            return no, t, ""
    return None


def _numbered_or_bare(text: str, after: int = 0) -> tuple[int, str, str] | None:
    return match_heading(text, after) or match_bare_heading(text, after)


def find_sections(doc: Document) -> Layout:
    layout = _find_sections(doc, match_heading)
    if len(layout.sections) < 6:
        for match in (_numbered_or_bare, match_bracket_heading):
            alt = _find_sections(doc, match)
            if len(alt.sections) > len(layout.sections):
                layout = alt
    return layout


def _find_sections(doc: Document, match) -> Layout:
    preamble: list[Paragraph] = []
    sections: list[SectionHit] = []
    for b in doc.blocks:
        if not isinstance(b, Paragraph):
            continue
        hit = match(b.text, sections[-1].no if sections else 0)
        if hit:
            no, heading, glued = hit
            s = SectionHit(no, heading, b.loc)
            if glued:
                s.paras.append(Paragraph(glued, b.loc))
            sections.append(s)
        elif sections:
            sections[-1].paras.append(b)
        else:
            preamble.append(b)
    return Layout(preamble, sections)
