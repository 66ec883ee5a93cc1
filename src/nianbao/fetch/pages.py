"""What a fetched page is and what it says: listing or report page or attachment, the links to
follow (pagination, report titles, attachments), the article's presence and the CMS metadata.

    page = read_page(html_bytes, "https://www.example.gov.cn/zwgk/ndbg/index.html")
    page.next_pages, page.report_links(year=2024), page.attachments, page.meta, page.agency

Government CMSs (TRS, Hanweb, 大汉, 拓尔思 …) print the same few shapes: a column of article links
with dates and pagination (a "下一页" link, `index_1.html` pages written by a createPageHTML
script, `?page=2` parameters); an article page with the title, a line "发布时间：… 来源：…", often a
metadata table (索引号, 发文机关, 成文日期, 发布日期), the text, and attachments. Decoding reuses
the HTML reader's charset detection (readers.html.decode_html); the HTTP header's charset is used
when the bytes do not decode cleanly otherwise.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree

from ..readers.detect import sniff
from ..readers.html import _GB, decode_html

if TYPE_CHECKING:
    from ..model import Report

DOC_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd", ".txt", ".rtf")
DOC_TYPES = ("application/pdf", "application/msword", "application/vnd.openxmlformats", "application/vnd.ms-",
             "application/kswps", "application/wps", "application/vnd.wps", "application/octet-stream",
             "application/x-download", "application/force-download", "text/plain", "application/rtf")

_REPORT_TITLE = re.compile(r"年度报告|年报")
# titles naming an annual report that is not the information-disclosure report, or no report at all
_NOT_REPORT = re.compile(r"统计年报|企业年报|年报公示|财务报告|决算|预算|审计报告|审计结果|社会责任|编制|报送|做好|培训|解读|图解|征求意见|工作要点|工作方案")
# attachments that are some other document (forms, guides) beside an unnamed report file
_OTHER_DOC = re.compile(r"申请表|申请书|登记表|样表|表格|模板|范本|指南|目录|须知|流程图|说明")
_YEAR = re.compile(r"(20\d\d|二[〇○零]\d{0}[〇○零一二三四五六七八九]{2})\s*年")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}
_NEXT = re.compile(r"^\s*(?:下一?页|后页|尾页|末页|上一?页|首页|前页|\[?\d{1,4}\]?|>|>>|»|›)\s*$")
_CREATE_PAGE = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w\-]+)['\"]"
                          r"\s*,\s*['\"](\w+)['\"]")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")

# the CMS metadata fields, as printed; each maps to the key kept (the label most CMSs use)
FIELDS = {
    "标题": "标题", "题名": "标题", "文章标题": "标题", "信息名称": "标题", "名称": "标题",
    "索引号": "索引号",
    "发文机关": "发文机关", "发布机构": "发文机关", "发布机关": "发文机关", "发布单位": "发文机关", "公开主体": "发文机关",
    "信息公开主体": "发文机关", "生成机构": "发文机关", "制发机关": "发文机关",
    "成文日期": "成文日期", "生成日期": "成文日期",
    "发布日期": "发布日期", "发布时间": "发布时间", "公开日期": "发布日期", "公开时间": "发布时间", "发文日期": "成文日期",
    "来源": "来源", "信息来源": "来源", "文章来源": "来源",
    "发文字号": "文号", "文号": "文号",
    "主题分类": "主题分类",
}
_LABELS = "|".join(sorted(FIELDS, key=len, reverse=True))
# what follows a value on the same line: the page's counters and buttons, not part of it
_AFTER = r"浏览次数|浏览量|点击数|点击量|访问量|阅读量|字号|字体|作者|责任编辑|编辑|打印|关闭|分享|【|\["
_FIELD = re.compile(rf"(?<![\u4e00-\u9fff])({_LABELS})\s*[:：][ \t\u3000]*([^\t\n]*?)"
                    rf"(?=\s{{2,}}|\t|\n|$|\s*(?:{_AFTER})|(?<![\u4e00-\u9fff])(?:{_LABELS})\s*[:：])")
_META_TAGS = {"articletitle": "标题", "pubdate": "发布时间", "contentsource": "来源", "firstpubdate": "发布时间"}
_NOT_AGENCY = re.compile(r"^(?:本网|本站|原创|网站|转载|未知|无|—+|-+)$|网$|网站$")
_AGENCY_END = re.compile(r"(?:局|委员会|委|办公室|办公厅|办|政府|院|中心|所|厅|部|署|处|会|站|馆|队|街道|镇|乡|区|县|市|旗|监狱|公司)$")
# the report's own words: an article holding the report prints several of its section headings
_REPORT_MARKS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议",
                 "存在的主要问题及改进情况", "其他需要报告的事项")
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table",
          "section", "article", "header", "footer", "br", "hr", "center", "blockquote", "pre", "title"}
_DROP = {"script", "style", "noscript", "template"}


@dataclass
class Link:
    url: str
    text: str
    date: str | None = None       # the date a listing prints beside the link (ISO), if any

    def to_list(self) -> list[str | None]:
        return [self.url, self.text, self.date]


@dataclass
class Page:
    url: str
    title: str | None = None                           # the article's title (CMS field, meta tag, heading, <title>)
    meta: dict[str, str] = field(default_factory=dict) # CMS metadata as printed: 发布时间, 来源, 索引号 …
    links: list[Link] = field(default_factory=list)    # every link, in page order
    next_pages: list[str] = field(default_factory=list)
    attachments: list[Link] = field(default_factory=list)
    holds_report: bool = False                         # the article itself prints the report

    @property
    def published(self) -> date | None:
        """The page's publication date: 发布日期/发布时间, else 成文日期."""
        for key in ("发布日期", "发布时间", "成文日期"):
            d = parse_date(self.meta.get(key))
            if d is not None:
                return d
        return None

    @property
    def agency(self) -> str | None:
        """The publishing agency: 发文机关, else the one the title names, else 来源 when it names one."""
        from ..extract.meta import agency_from_title

        if name := _clean(self.meta.get("发文机关")):
            return name
        if self.title and (name := agency_from_title(self.title)):
            return name
        src = _clean(self.meta.get("来源"))
        if src and not _NOT_AGENCY.search(src) and _AGENCY_END.search(src):
            return src
        return None

    def report_links(self, year: int | None = None) -> list[Link]:
        """Links whose title names an annual report (of `year`), attachments included; not pagination."""
        nxt = set(self.next_pages)
        return [ln for ln in self.links if ln.url not in nxt and ln.url != self.url and is_report_title(ln.text, year)]

    def report_attachments(self) -> list[Link]:
        """The attachments that hold the report: those whose title names one; else, when the article
        does not print the report itself, every attachment that is not some other document."""
        named = [a for a in self.attachments if is_report_title(a.text)]
        if named or self.holds_report:
            return named
        return [a for a in self.attachments if not _OTHER_DOC.search(a.text)]

    def metadata(self) -> dict[str, Any]:
        """What is kept with the report (Source.page)."""
        d: dict[str, Any] = {"url": self.url}
        if self.title:
            d["title"] = self.title
        d.update(self.meta)
        if self.published:
            d["published"] = self.published.isoformat()
        if self.agency:
            d["agency"] = self.agency
        return d


def _clean(s: str | None) -> str | None:
    s = re.sub(r"\s+", "", s or "")
    return s or None


def parse_date(s: str | None) -> date | None:
    m = _DATE.search(s or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def title_years(title: str) -> set[int]:
    out = set()
    for m in _YEAR.finditer(title):
        y = "".join(_CN_DIGIT.get(c, c) for c in m.group(1))
        if y.isdigit():
            out.add(int(y))
    return out


def is_report_title(title: str, year: int | None = None) -> bool:
    """Whether a link title names a 政府信息公开 annual report (of `year`, when given). A report's
    title names its year; a title without one is a column ("政府信息公开年报" in the navigation)."""
    t = re.sub(r"\s+", "", title or "")
    if not _REPORT_TITLE.search(t) or _NOT_REPORT.search(t):
        return False
    years = title_years(t)
    return bool(years) and (year is None or year in years)


def is_document(data: bytes, content_type: str = "", url: str = "") -> bool:
    """A file to parse as it is (PDF, Word, WPS, spreadsheet, text), not an HTML page; the bytes
    decide first (a PDF served as text/html is a PDF), then the declared type, then the name."""
    kind = sniff(data)
    if kind in ("pdf", "docx", "doc"):
        return True
    if kind == "html":
        return False
    ctype = content_type.split(";")[0].strip().lower()
    if ctype.startswith(DOC_TYPES):
        return True
    if ctype in ("text/html", "application/xhtml+xml"):
        return False
    return urlsplit(url).path.lower().endswith(DOC_SUFFIXES)


def document_name(url: str, data: bytes) -> str:
    """A file name for the reader and the store: the URL's last segment; where that names no file
    type (download.jsp?id=…, a PDF served as .html) the extension the bytes call for."""
    base = posixpath.basename(urlsplit(url).path) or "index"
    ext = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "html": ".html"}.get(sniff(data, base))
    if ext is None or base.lower().endswith(ext):
        return base
    if base.lower().endswith(DOC_SUFFIXES) and ext != ".pdf" and not base.lower().endswith((".htm", ".html")):
        return base                    # .xlsx, .wps, .xls …: the reader says what it is
    stem = posixpath.splitext(base)[0] if "." in base else base
    return stem + ext


def _date_beside(a) -> str | None:
    """The date a listing prints in the link's row (<li>, <tr>, <dd>, <p>), ISO; not one in the title."""
    row = a.getparent()
    for _ in range(3):
        if row is None or row.tag in ("li", "tr", "dd", "p"):
            break
        row = row.getparent()
    if row is None or row.tag not in ("li", "tr", "dd", "p"):
        return None
    d = parse_date("".join(row.itertext()).replace("".join(a.itertext()), " "))
    return d.isoformat() if d else None


def decode_page(data: bytes, header_charset: str | None = None) -> str:
    """The page's text by the HTML reader's detection; the header's charset when that leaves bad bytes."""
    d = decode_html(data)
    if d.count and header_charset:
        cs = "gb18030" if header_charset.lower() in _GB else header_charset
        try:
            return data.decode(cs)
        except (LookupError, UnicodeDecodeError):
            pass
    return d.text


def _strip_fragment(url: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, p.path or "/", p.query, ""))


def read_page(data: bytes, url: str, header_charset: str | None = None) -> Page:
    text = decode_page(data, header_charset)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    parser = etree.HTMLParser(remove_comments=True, no_network=True, huge_tree=True)
    root = etree.fromstring(text, parser) if text.strip() else None
    page = Page(url=url)
    if root is None:
        return page
    base = url
    for b in root.iter("base"):
        if b.get("href"):
            base = urljoin(url, b.get("href").strip())
            break
    scripts = " ".join(s.text or "" for s in root.iter("script"))
    tagged: dict[str, str] = {}          # <meta name="ArticleTitle" …>: used where the page prints nothing
    for m in root.iter("meta"):
        key = _META_TAGS.get((m.get("name") or "").lower())
        if key and (m.get("content") or "").strip():
            tagged.setdefault(key, m.get("content").strip())
    title_tag = next((t.text for t in root.iter("title") if t.text and t.text.strip()), None)

    # links
    here = posixpath.dirname(urlsplit(url).path)
    host = urlsplit(url).netloc
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        try:
            target = _strip_fragment(urljoin(base, href))
            if urlsplit(target).scheme not in ("http", "https"):
                continue
        except ValueError:              # a malformed href ("http://[bad"): no link
            continue
        label = re.sub(r"\s+", " ", "".join(a.itertext())).strip() or (a.get("title") or "").strip()
        title_attr = (a.get("title") or "").strip()
        if title_attr and len(title_attr) > len(label):
            label = title_attr            # listings cut long titles ("…"); the full one is the title attribute
        link = Link(target, label, _date_beside(a))
        page.links.append(link)
        p = urlsplit(target)
        if p.path.lower().endswith(DOC_SUFFIXES) or label.lower().endswith(DOC_SUFFIXES):
            page.attachments.append(link)
        elif p.netloc == host and _NEXT.match(label) and target != _strip_fragment(url) \
                and (posixpath.dirname(p.path) == here or p.path == urlsplit(url).path):
            page.next_pages.append(target)
    for m in _CREATE_PAGE.finditer(scripts):
        count, prefix, ext = int(m.group(1)), m.group(3), m.group(4)
        for i in range(min(count, 500)):
            name = f"{prefix}.{ext}" if i == 0 else f"{prefix}_{i}.{ext}"
            target = _strip_fragment(urljoin(base, name))
            if target != _strip_fragment(url):
                page.next_pages.append(target)
    page.next_pages = list(dict.fromkeys(page.next_pages))

    # text with its structure: blocks end lines, table cells are tab-separated
    for el in list(root.iter()):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _DROP:
            parent = el.getparent()
            if parent is not None:
                tail, prev = el.tail, el.getprevious()
                parent.remove(el)
                if tail and prev is not None:
                    prev.tail = (prev.tail or "") + tail
                elif tail:
                    parent.text = (parent.text or "") + tail
            continue
        if tag in ("td", "th"):
            el.tail = "\t" + (el.tail or "")
        elif tag in _BLOCK:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    body = root.find("body")
    full = "".join((body if body is not None else root).itertext()).replace("\xa0", " ").replace("&nbsp;", " ")
    for m in _FIELD.finditer(full):
        key = FIELDS[m.group(1)]
        value = m.group(2).strip(" \u3000")
        if value and key not in page.meta:
            page.meta[key] = value
    for k, v in tagged.items():
        page.meta.setdefault(k, v)
    squashed = re.sub(r"\s+", "", full)
    page.holds_report = sum(mark in squashed for mark in _REPORT_MARKS) >= 3

    # the title: the CMS field, the meta tag, a heading naming a report, the <title> part naming one
    page.title = page.meta.get("标题")
    if not page.title:
        for tag in ("h1", "h2", "h3"):
            for h in root.iter(tag):
                t = re.sub(r"\s+", "", "".join(h.itertext()))
                if _REPORT_TITLE.search(t):
                    page.title = t
                    break
            if page.title:
                break
    if not page.title and title_tag:
        parts = [p.strip() for p in re.split(r"\s*[_|｜]\s*|\s+[-—]+\s+", title_tag) if p.strip()]
        page.title = next((p for p in parts if _REPORT_TITLE.search(p)), parts[0] if parts else None)
    return page


# ---------------------------------------------------------------- page metadata into the report
def fill_from_page(report: Report, page: dict[str, Any] | None, *, link_title: str | None = None,
                   agency_hint: str | None = None) -> None:
    """Meta the report does not state, taken from its web page: the publication date (D004 then
    judges it), the agency, the year; each noted in extraction.notes as coming from the page."""
    page = page or {}
    notes = report.extraction.notes
    where = f"（{page['url']}）" if page.get("url") else ""
    if report.meta.published is None and page.get("published"):
        report.meta.published = date.fromisoformat(page["published"])
        notes.append(f"发布日期 {page['published']} 取自网页{where}：报告正文未写明落款日期")
    elif report.meta.published is None and page.get("列表日期"):
        report.meta.published = date.fromisoformat(page["列表日期"])
        notes.append(f"发布日期 {page['列表日期']} 取自栏目列表中该报告旁的日期{where}：报告正文和网页均未写明")
    if report.meta.agency is None:
        from ..extract.meta import agency_from_title

        agency, how = page.get("agency"), "网页的发文机关、标题或来源"
        if not agency and link_title:
            agency, how = agency_from_title(link_title), "栏目列表中的标题"
        if not agency and agency_hint:
            agency, how = agency_hint, "网址清单"
        if agency:
            report.meta.agency = agency
            notes.append(f"机关名称“{agency}”取自{how}{where}：报告正文未写明")
    if report.meta.year is None:
        years = title_years(page.get("title") or "") or title_years(link_title or "")
        if len(years) == 1:
            report.meta.year = years.pop()
            notes.append(f"报告年度 {report.meta.year} 取自网页标题{where}：报告正文未写明")
    if report.meta.title is None and page.get("title") and is_report_title(page["title"]):
        report.meta.title = page["title"]


def fill_from_html(report: Report, data: bytes) -> None:
    """A report read from a saved web page: what the page's header, CMS metadata line or table and
    meta tags say fills what the report text does not (api.parse_bytes calls this for HTML)."""
    page = read_page(data, "")
    meta = {k: v for k, v in page.metadata().items() if k != "url"}
    if not meta:
        return
    fill_from_page(report, meta)
    report.source.page = meta
