"""Meta: agency, title, year, statistical period, publication date, contact block."""
from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..document import Loc, Paragraph
from ..model import Contact, Meta, Period
from .narrative.tokens import cn_int   # one numeral parser: counts and dates (二〇二三年十二月三十一日)

# ---------------------------------------------------------------- dates
_Y = r"(\d{4}|[〇○零一二三四五六七八九]{4})"
_MD = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
DATE = re.compile(_Y + r"\s*年\s*" + _MD + r"\s*月\s*" + _MD + r"\s*[日号]")
ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_SEP = r"\s*(?:起|开始)?\s*(?:至|到|—+|－|-|–|~|～)\s*"
# Arabic or Chinese numerals: "2023年1月1日至12月31日", "二〇二三年一月一日至二〇二三年十二月三十一日"
PERIOD = re.compile(_Y + r"\s*年\s*" + _MD + r"\s*月\s*" + _MD + r"\s*[日号]" + _SEP +
                    r"(?:" + _Y + r"\s*年\s*)?" + _MD + r"\s*月\s*" + _MD + r"\s*[日号]")
PERIOD_DOTTED = re.compile(r"(\d{4})[.．/-](\d{1,2})[.．/-](\d{1,2})\s*(?:至|到|—+|－|-|–|~|～)\s*(\d{4})[.．/-](\d{1,2})[.．/-](\d{1,2})")
PERIOD_MONTHS = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?" + _SEP + r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:份)?")
PERIOD_CONTEXT = ("统计", "数据", "期限", "时限", "报告期", "所列", "时间范围", "期间")
# the whole year named as the period: "统计期限为2023年度", "数据统计范围为2023年全年"
PERIOD_YEAR = re.compile(r"(?:期限|时限|期间|时间范围|统计范围|统计时间|报告期)\s*(?:为|是|[:：])?\s*(?:自|从)?\s*" + _Y +
                         r"\s*(?:年度|年全年|年)(?!\s*[\d一二三四五六七八九十]{1,2}\s*月)")
PUBLISHED_LABEL = re.compile(r"(?:发布|印发|成文)(?:日期|时间)\s*[:：]\s*")


def _date(y: int | None, m: int | None, d: int | None) -> date | None:
    try:
        return date(y, m, d) if y and m and d else None
    except ValueError:
        return None


def _date_of(m: re.Match) -> date | None:
    return _date(cn_int(m.group(1)), cn_int(m.group(2)), cn_int(m.group(3)))


# ---------------------------------------------------------------- title and agency
_TITLE_WORDS = re.compile(r"报告|年报")
# a wrapped line of the preamble ("…要求，现发布《某局2022年政府信息公开工作年度报告") is not the title
_PROSE_MARKS = re.compile(r"[。，；]|现发布|《")
_WEB_CHROME = re.compile(r"首页|当前位置|您的位置|>|》\s*>|来源[:：]|发布时间[:：]|浏览次数|字号")
_YEAR_IN_TITLE = re.compile(r"(\d{4}|[〇○零一二三四五六七八九]{4})\s*年")
_AGENCY_END = re.compile(r"(?:关于|的)$")
_AGENCY_AFTER_YEAR = re.compile(r"^年度?(.+?)(?:政府信息公开|政务公开)")
_AGENCY_SUFFIX = re.compile(r"(?:局|委员会|委|办公室|办|政府|院|中心|所|厅|部|署|处|会|站|馆|队|公司|街道|镇|乡|区|县|市|旗)$")
_PUBLISH_IN_TEXT = re.compile(r"发布《(.{2,40}?)\s*(\d{4})\s*年度?(?:政府信息公开|政务公开)")
_WS = re.compile(r"\s+")


def _squash(s: str) -> str:
    return _WS.sub("", s)


@dataclass
class MetaResult:
    meta: Meta
    locs: dict[str, Loc] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# A notice publishing the report: "关于公布《某局2023年政府信息公开工作年度报告》的通知".
_NOTICE_TITLE = re.compile(r"^关于(?:公布|发布|公开|印发)?《(.{6,60}?(?:报告|年报))》的?(?:通知|公告)$")
# The agency in brackets under a title that lacks it: "（银川市兴庆区教育局）".
_BRACKETED_NAME = re.compile(r"^[（(]\s*(\S.{0,30}?)\s*[)）]$")


def find_title(head: list[Paragraph]) -> tuple[str, Loc] | None:
    """The title: the first short line naming a 报告, with the short lines before it (an agency
    name, or the first half of a title broken over two lines)."""
    for p in head[:10]:
        m = _NOTICE_TITLE.match(_squash(p.text))
        if m:
            return m.group(1), p.loc
    candidates = [(i, p) for i, p in enumerate(head[:10])
                  if len(p.text) <= 60 and not _PROSE_MARKS.search(p.text) and not p.text.startswith("根据")
                  and _TITLE_WORDS.search(p.text) and not _WEB_CHROME.search(p.text)]
    # a line naming the year is the title; a year-less one may be the second half of a split title
    with_year = [(i, p) for i, p in candidates if _YEAR_IN_TITLE.search(p.text)]
    for i, p in (with_year or candidates)[:1]:
        parts = [p]
        j = i - 1
        while j >= 0 and len(parts) < 3:
            q = head[j].text
            if len(q) > 30 or "。" in q or "〔" in q or "：" in q or ":" in q or q.endswith("号") \
                    or DATE.search(q) or ISO_DATE.search(q) or _WEB_CHROME.search(q) or _TITLE_WORDS.search(q):
                break                         # (a line naming a 报告 itself is a banner, not half a title)
            parts.insert(0, head[j])
            j -= 1
        return _FIELD_LABEL.sub("", _squash("".join(x.text for x in parts))), parts[0].loc
    return None


_FIELD_LABEL = re.compile(r"^(?:标题|题名|名称|文件名称)[:：]")     # a web page's metadata field
_AGENCY_TAIL = re.compile(r"(?:关于)?(?:政府信息公开|政务公开|信息公开).*$")


def agency_from_title(title: str) -> str | None:
    m = _YEAR_IN_TITLE.search(title)
    if not m:
        return None
    before = _AGENCY_END.sub("", _AGENCY_TAIL.sub("", title[:m.start()])).strip("《》 ")
    if len(before) >= 2:
        return before
    after = _AGENCY_AFTER_YEAR.match(title[m.end() - 1:])
    if after:
        return _AGENCY_END.sub("", after.group(1)).strip() or None
    return None


# ---------------------------------------------------------------- contact
CONTACT_PATTERNS = {
    "address": re.compile(r"(?:通讯|通信|联系|办公)?地\s*址\s*[:：]\s*([^；;，,。）)\n]{4,80})"),
    "postcode": re.compile(r"邮\s*(?:政\s*)?编\s*(?:码)?\s*[:：]?\s*(\d{6})(?!\d)"),
    "phone": re.compile(r"(?:联系|咨询|办公|服务)?电\s*话\s*(?:号码)?\s*[:：]?\s*(\(?\d[\d\-—－–()（）/、\s]{5,40}\d)"),
    "fax": re.compile(r"传\s*真\s*(?:号码)?\s*[:：]?\s*(\(?\d[\d\-—－–()（）\s]{5,30}\d)"),
    "email": re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"),
    "website": re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~/?#@!$&'*+=%:]+"),
}


# a word each contact pattern cannot match without: most paragraphs are searched for none of them
_CONTACT_NEEDS = {"address": ("址",), "postcode": ("编",), "phone": ("话",), "fax": ("真",), "email": ("@",),
                  "website": ("://", "www.")}


def find_contact(paras: list[Paragraph]) -> tuple[Contact, dict[str, Loc]]:
    contact = Contact()
    locs: dict[str, Loc] = {}
    for p in paras:
        t = p.text
        for fld, pat in CONTACT_PATTERNS.items():
            if getattr(contact, fld) is not None or not any(w in t for w in _CONTACT_NEEDS[fld]):
                continue
            m = pat.search(t)
            if not m:
                continue
            value = (m.group(1) if m.groups() else m.group(0)).strip().rstrip(".,;:/)）>") \
                if fld != "website" else m.group(0).rstrip(".,;:)）>")
            if fld == "website" and value.startswith("www.") and "@" in t[max(0, m.start() - 1):m.start()]:
                continue
            if fld in ("phone", "fax"):
                value = value.strip("（()） 、/")
            setattr(contact, fld, value)
            locs[f"meta.contact.{fld}"] = p.loc
    return contact, locs


# ---------------------------------------------------------------- period and publication date
def _stated(t: str, m: re.Match) -> bool:
    """Whether a date range is the statistical period: a word saying so shortly before it."""
    return any(w in t[max(0, m.start() - 40):m.start()] for w in PERIOD_CONTEXT)


def find_period(paras: list[Paragraph]) -> tuple[Period, Loc] | tuple[None, None] | tuple[str, Loc]:
    for p in paras:
        t = p.text
        if "月" not in t and "." not in t and "-" not in t and "/" not in t:
            continue
        for m in (*PERIOD.finditer(t), *PERIOD_DOTTED.finditer(t)):
            if not _stated(t, m):
                continue
            y1, m1, d1, y2, m2, d2 = (cn_int(g) if g else None for g in m.groups())
            start, end = _date(y1, m1, d1), _date(y2 or y1, m2, d2)
            if start is None or end is None:
                return "invalid", p.loc
            return Period(start=start, end=end), p.loc
        for m in PERIOD_MONTHS.finditer(t):
            if not _stated(t, m):
                continue
            y1, m1, y2, m2 = m.groups()
            y2i = int(y2 or y1)
            try:
                start = date(int(y1), int(m1), 1)
                end = date(y2i, int(m2), calendar.monthrange(y2i, int(m2))[1])
            except (ValueError, calendar.IllegalMonthError):
                return "invalid", p.loc
            return Period(start=start, end=end), p.loc
    for p in paras:
        m = PERIOD_YEAR.search(p.text)
        if m and (y := cn_int(m.group(1))):
            return Period(start=date(y, 1, 1), end=date(y, 12, 31)), p.loc
    return None, None


# The date alone, or after the agency's name ("乌拉特中旗司法局 2024年1月11日"), maybe in brackets.
_SIGNATURE_DATE = re.compile(r"^[（(]?\s*(?:[^\d。，,；;：:]{0,40}?)\s*" + DATE.pattern + r"\s*[)）]?$")
_SIGNATURE_ISO = re.compile(r"^[（(]?\s*" + ISO_DATE.pattern + r"\s*[)）]?$")
_NOT_SIGNATURE = ("截至", "截止", "从", "自", "至", "于")


def find_published(paras: list[Paragraph], head: list[Paragraph] | None = None) -> tuple[date, Loc] | None:
    """The signature date at the end ("2024年1月11日" alone on a line, maybe after the agency
    name), or a "发布日期：…" in `head` (the paragraphs before section 一: a web page's header;
    one in a footer link is another page's)."""
    for p in head if head is not None else paras[:15]:
        m = PUBLISHED_LABEL.search(p.text)
        if m:
            rest = p.text[m.end():]
            d = DATE.match(rest) or ISO_DATE.match(rest)
            if d and _date_of(d):
                return _date_of(d), p.loc
    for p in reversed(paras[-6:]):
        t = p.text.strip()
        if len(t) > 60:
            continue
        m = _SIGNATURE_ISO.match(t)
        if m and _date_of(m):
            return _date_of(m), p.loc
        m = _SIGNATURE_DATE.match(t)
        if m and not any(w in t[:m.start(1)] for w in _NOT_SIGNATURE):
            d = _date(cn_int(m.group(1)), cn_int(m.group(2)), cn_int(m.group(3)))
            if d:
                return d, p.loc
    return None


def _signature_agency(paras: list[Paragraph], published_loc: Loc | None) -> str | None:
    if published_loc is None:
        return None
    for i, p in enumerate(paras):
        if p.loc is published_loc and i > 0:
            name = _squash(paras[i - 1].text)
            if len(name) <= 30 and _AGENCY_SUFFIX.search(name):
                return name
    return None


# ---------------------------------------------------------------- all of it
def find_meta(preamble: list[Paragraph], paras: list[Paragraph], joined: list[Paragraph] | None = None) -> MetaResult:
    """`preamble`: paragraphs before section 一 (all paragraphs if no section was found);
    `paras`: every paragraph in reading order; `joined`: the same with sentences broken over
    lines joined again (hard-wrapped text), where sentences such as the period are looked for."""
    joined = joined or paras
    res = MetaResult(Meta())
    meta = res.meta
    title = find_title(preamble or paras[:8])
    if title:
        meta.title, res.locs["meta.title"] = title
        meta.agency = agency_from_title(title[0])
        if meta.agency:
            res.locs["meta.agency"] = title[1]
        y = _YEAR_IN_TITLE.search(title[0])
        if y:
            meta.year = cn_int(y.group(1))
            res.locs["meta.year"] = title[1]

    period, ploc = find_period(joined)
    if period == "invalid":
        res.notes.append("统计期限中的日期不存在（如2月30日），未能读出")
    elif period is not None:
        meta.period = period
        res.locs["meta.period"] = ploc

    pub = find_published(paras, preamble or None)
    if pub:
        meta.published, res.locs["meta.published"] = pub

    if not meta.agency:
        for p in (preamble or paras[:8]):
            m = _PUBLISH_IN_TEXT.search(p.text)
            if m:
                meta.agency = _squash(m.group(1))
                res.locs["meta.agency"] = p.loc
                if meta.year is None:
                    meta.year = int(m.group(2))
                    res.locs["meta.year"] = p.loc
                break
    if not meta.agency and title:
        head = preamble or paras[:8]
        at = next((i for i, q in enumerate(head) if q.loc is title[1]), len(head))
        for q in head[at + 1:at + 3]:
            m = _BRACKETED_NAME.match(q.text.strip())
            if m and _AGENCY_SUFFIX.search(m.group(1)):
                meta.agency = _squash(m.group(1))
                res.locs["meta.agency"] = q.loc
                break
    if not meta.agency:
        sig = _signature_agency(paras, res.locs.get("meta.published"))
        if sig:
            meta.agency = sig
            res.locs["meta.agency"] = res.locs["meta.published"]
    if meta.year is None:
        if meta.period is not None and meta.period.start is not None:
            meta.year = meta.period.start.year
            res.locs["meta.year"] = res.locs["meta.period"]
        else:
            years = Counter(int(y) for p in paras[:30] for y in re.findall(r"(20\d{2})\s*年", p.text))
            if years:
                meta.year = years.most_common(1)[0][0]
                res.notes.append(f"标题中没有年份，按正文中最常出现的年份（{meta.year}年）作为报告年度")

    meta.contact, locs = find_contact(joined)
    res.locs.update(locs)
    return res
