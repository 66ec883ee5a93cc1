"""A government-portal-shaped test site for `nianbao fetch`, served on 127.0.0.1 by the tests.

Column /zwgk/ndbg/ (three listing pages: a "下一页" link, a createPageHTML script, numbered links;
the last page links to itself) with report pages of the common shapes:

    A  article holding the report (UTF-8)               中卫市司法局 2023, dated 2024-01-18
    B  page with the report only as a DOCX attachment    中卫市财政局 2023, dated 2024-01-25
    C  page with the report only as a PDF, served as text/html (tests/fixtures/formats/synth2021.pdf)
    D  article holding the report, GBK, no charset header 中卫市民政局 2023, dated 2024-01-22
    E  article whose title is only in the page header and the CMS metadata line; the report
       states no date: the page's 发布日期 2024-05-10 is its publication date (late: D004)
    F  article holding the report behind a 500 that recovers  中卫市教育局 2023, dated 2024-01-30

and links that fail: /private/ (robots.txt disallows it), a slow page (times out), a 404, a
redirect loop. A notice whose title mentions 年度报告 but is no report is never requested.
Column /bm/list?page=1 → ?page=2 holds K: a DOCX whose report names no agency (the CSV does), and M:
a DOCX linked from the listing itself whose report states no date (the listing's date beside it does);
L: an article rendered per request (a visit counter, no ETag): a re-run finds it unchanged.

Every static answer carries an ETag and a Last-Modified and honours If-None-Match /
If-Modified-Since; `Site.log` records each request's path and headers.
"""
from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from nianbao.generate.docx import render_docx
from nianbao.generate.html import _block_html, render_html
from nianbao.generate.layout import report_blocks
from nianbao.generate.synthetic import random_report
from nianbao.model import Report

FORMATS = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
LAST_MODIFIED = "Mon, 15 Jan 2024 08:00:00 GMT"
SLOW_SECONDS = 1.5


@dataclass
class Expected:
    key: str
    url: str                 # the report file's URL (page or attachment)
    agency: str
    year: int
    published: str
    page_url: str


def _report(seed: int, agency: str | None, year: int, published: date | None) -> Report:
    r = random_report(random.Random(seed), year=year, agency="county_dept")
    r.meta.agency = agency
    r.meta.title = f"{agency or ''}{year}年政府信息公开工作年度报告"
    r.meta.published = published
    return r


def _chrome(title: str, body: str, charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html>\n<html><head><meta charset="{charset}"><title>{title}_中卫市人民政府</title></head>\n'
            f'<body><div class="top"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> '
            f'<a href="/zwgk/ndbg/index.html">政府信息公开年报</a></div>\n{body}\n'
            f'<div class="foot">主办单位：中卫市人民政府办公室</div></body></html>\n')


def _attachment_page(title: str, published: str, source: str, href: str, text: str) -> bytes:
    body = (f'<div class="article"><h1>{title}</h1>\n<div class="info">发布时间：{published}&nbsp;&nbsp;来源：{source}'
            f'&nbsp;&nbsp;浏览次数：<span>37</span></div>\n<div class="content"><p>现将{title}予以公布。</p>\n'
            f'<p>附件：<a href="{href}">{text}</a></p>\n<p>相关下载：<a href="/files/apply.doc">政府信息公开申请表.doc</a></p>'
            f'</div></div>')
    return _chrome(title, body).encode()


def _listing(items: list[tuple[str, str, str]], pager: str) -> bytes:
    lis = "\n".join(f'<li><a href="{href}" title="{t}" target="_blank">{t[:18]}…</a><span class="date">{d}</span></li>'
                    for href, t, d in items)
    return _chrome("政府信息公开年报", f'<ul class="list">\n{lis}\n</ul>\n<div class="page">{pager}</div>').encode()


@dataclass
class Site:
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)   # path?query → (body, content type)
    expected: list[Expected] = field(default_factory=list)
    failing: dict[str, str] = field(default_factory=dict)               # path → what its failure must say
    never: list[str] = field(default_factory=list)                      # paths that must not be requested
    dynamic: set[str] = field(default_factory=set)     # no validators; "{hits}" in the body counts visits
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    hits: dict[str, int] = field(default_factory=dict)
    base: str = ""

    def add(self, path: str, body: bytes, ctype: str = "text/html; charset=utf-8") -> None:
        self.pages[path] = (body, ctype)

    def fresh(self) -> Site:
        """The same site with no requests seen yet (the 500 fails again once)."""
        return Site(self.pages, self.expected, self.failing, self.never, self.dynamic)

    def requests(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [h for p, h in self.log if p == path]


def build() -> Site:
    site = Site()
    col = "/zwgk/ndbg"
    ra = _report(101, "中卫市司法局", 2023, date(2024, 1, 18))
    rb = _report(102, "中卫市财政局", 2023, date(2024, 1, 25))
    rd = _report(104, "中卫市民政局", 2023, date(2024, 1, 22))
    re_ = _report(105, "中卫市交通运输局", 2023, None)
    rf = _report(106, "中卫市教育局", 2023, date(2024, 1, 30))
    rk = _report(107, None, 2023, date(2024, 1, 12))
    pdf = (FORMATS / "synth2021.pdf").read_bytes()
    c_title = "中卫市人力资源和社会保障局2025年政府信息公开工作年度报告"

    site.add(f"{col}/202401/t20240118_1.html", render_html(ra, site_chrome=True))
    site.add(f"{col}/202401/t20240125_2.html", _attachment_page(rb.meta.title, "2024-01-26", "中卫市财政局",
                                                                  "/files/P020240125.docx", f"{rb.meta.title}.docx"))
    site.add("/files/P020240125.docx", render_docx(rb),
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    site.add(f"{col}/202601/t20260120_3.html", _attachment_page(c_title, "2026-01-21", "中卫市人力资源和社会保障局",
                                                                  "../../../files/P020260120.pdf", "附件1.pdf"))
    site.add("/files/P020260120.pdf", pdf, "text/html")            # a PDF served as a page is still a PDF
    site.add(f"{col}/202401/t20240122_4.html", render_html(rd, site_chrome=True, charset="gbk"), "text/html")
    blocks = "\n".join(_block_html(b) for b in report_blocks(re_) if b.kind not in ("title", "sign"))
    e_body = (f'<header class="article-head"><h1>{re_.meta.title}</h1>\n'
              '<div class="xxgk">索引号：640500/2024-00031&nbsp;&nbsp;主题分类：其他&nbsp;&nbsp;'
              f'标题：{re_.meta.title}<br>成文日期：2024-05-08&nbsp;&nbsp;发布日期：2024-05-10</div></header>\n'
              f'<div class="content" id="zoom">\n{blocks}\n</div>')
    site.add(f"{col}/202405/t20240510_5.html", _chrome(re_.meta.title, e_body).encode())
    site.add(f"{col}/202401/t20240130_6.html", render_html(rf, site_chrome=True))   # behind one 500
    site.add("/private/t20240101_7.html", render_html(_report(108, "中卫市审计局", 2023, date(2024, 1, 9)),
                                                      site_chrome=True))
    site.add(f"{col}/notice.html", _chrome("通知", "<p>关于做好2023年政府信息公开工作年度报告编制工作的通知</p>").encode())
    site.add("/files/apply.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "application/msword")

    p1 = [("./202401/t20240118_1.html", ra.meta.title, "2024-01-18"),
          ("./202401/t20240125_2.html", rb.meta.title, "2024-01-26"),
          ("./notice.html", "关于做好2023年政府信息公开工作年度报告编制工作的通知", "2023-12-01")]
    p2 = [("./202601/t20260120_3.html", c_title, "2026-01-21"),
          ("./202401/t20240122_4.html", rd.meta.title, "2024-01-22"),
          ("/private/t20240101_7.html", "中卫市审计局2023年政府信息公开工作年度报告", "2024-01-09")]
    p3 = [("./202405/t20240510_5.html", re_.meta.title, "2024-05-10"),
          ("./202401/t20240130_6.html", rf.meta.title, "2024-01-30"),
          ("/slow/t20240111_8.html", "中卫市林业局2023年政府信息公开工作年度报告", "2024-01-11"),
          ("/gone/t20240112_9.html", "中卫市气象局2023年政府信息公开工作年度报告", "2024-01-12"),
          ("/loop/a.html", "中卫市文化旅游局2023年政府信息公开工作年度报告", "2024-01-13")]
    site.add(f"{col}/index.html", _listing(p1, '<a href="index.html">首页</a> <a href="index_1.html">下一页</a>'
                                                 '<script>createPageHTML(3, 0, "index", "html");</script>'))
    site.add(f"{col}/index_1.html", _listing(p2, '<a href="index.html">1</a> <a href="index_1.html">2</a> '
                                                   '<a href="index_2.html">3</a> <a href="index_2.html">下一页</a>'))
    site.add(f"{col}/index_2.html", _listing(p3, '<a href="index_1.html">上一页</a> <a href="index_2.html">3</a> '
                                                   '<a href="index_2.html">下一页</a>'))
    # a second column paginated with ?page=; its report names no agency (the CSV does)
    rl = _report(110, "中卫市水利局", 2023, date(2024, 1, 15))
    site.add("/bm/art_12.html", render_html(rl, site_chrome=True).replace(b'<span id="hits">128</span>',
                                                                          b'<span id="hits">{hits}</span>'))
    site.dynamic = {"/bm/art_12.html"}
    site.add("/bm/list?page=1", _listing([], '<a href="/bm/list?page=2">下一页</a>'))
    site.add("/bm/list?page=2", _listing([("/bm/art_11.html", "2023年政府信息公开工作年度报告", "2024-01-12"),
                                          ("/bm/files/m.docx", "中卫市水务局2022年政府信息公开工作年度报告", "2023-01-16"),
                                          ("/bm/art_12.html", rl.meta.title, "2024-01-15")],
                                         '<a href="/bm/list?page=1">上一页</a>'))
    site.add("/bm/files/m.docx", render_docx(_report(109, "中卫市水务局", 2022, None)),
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    site.add("/bm/art_11.html", _attachment_page("2023年政府信息公开工作年度报告", "2024-01-12", "本网",
                                                 "/bm/files/k.docx", "2023年政府信息公开工作年度报告.docx"))
    site.add("/bm/files/k.docx", render_docx(rk), "application/octet-stream")

    site.expected = [
        Expected("A", f"{col}/202401/t20240118_1.html", "中卫市司法局", 2023, "2024-01-18", f"{col}/202401/t20240118_1.html"),
        Expected("B", "/files/P020240125.docx", "中卫市财政局", 2023, "2024-01-25", f"{col}/202401/t20240125_2.html"),
        Expected("C", "/files/P020260120.pdf", "中卫市人力资源和社会保障局", 2025, "2026-01-20",
                 f"{col}/202601/t20260120_3.html"),
        Expected("D", f"{col}/202401/t20240122_4.html", "中卫市民政局", 2023, "2024-01-22", f"{col}/202401/t20240122_4.html"),
        Expected("E", f"{col}/202405/t20240510_5.html", "中卫市交通运输局", 2023, "2024-05-10",
                 f"{col}/202405/t20240510_5.html"),
        Expected("F", f"{col}/202401/t20240130_6.html", "中卫市教育局", 2023, "2024-01-30", f"{col}/202401/t20240130_6.html"),
    ]
    site.failing = {"/private/t20240101_7.html": "robots.txt", "/slow/t20240111_8.html": "超时",
                    "/gone/t20240112_9.html": "HTTP 404", "/loop/a.html": "重定向循环"}
    site.never = [f"{col}/notice.html", "/private/t20240101_7.html", "/files/apply.doc"]
    return site


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def log_message(self, *args) -> None:      # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        site = self.site
        path = self.path
        with site.lock:
            site.log.append((path, {k.lower(): v for k, v in self.headers.items()}))
            site.hits[path] = site.hits.get(path, 0) + 1
            hits = site.hits[path]
        if path == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path.startswith("/slow/"):
            time.sleep(SLOW_SECONDS)
            return self._send(200, b"<html><body>late</body></html>", "text/html")
        if path == "/loop/a.html":
            return self._redirect("/loop/b.html")
        if path == "/loop/b.html":
            return self._redirect("/loop/a.html")
        if path.endswith("t20240130_6.html") and hits == 1:
            return self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
        if path not in site.pages:
            return self._send(404, b"<html><body>404 Not Found</body></html>", "text/html")
        body, ctype = site.pages[path]
        if path in site.dynamic:          # a page rendered per request: a visit counter, no validators
            return self._send(200, body.replace(b"{hits}", str(hits).encode()), ctype)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag or \
                (self.headers.get("If-None-Match") is None and self.headers.get("If-Modified-Since") == LAST_MODIFIED):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self._send(200, body, ctype, {"ETag": etag, "Last-Modified": LAST_MODIFIED})

    def _redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server:
    """The site on 127.0.0.1 (a free port), in a thread: `with Server(build()) as s: s.url(path)`."""

    def __init__(self, site: Site):
        self.site = site
        handler = type("Handler", (_Handler,), {"site": site})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        site.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.site.base + path

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
