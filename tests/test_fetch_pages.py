"""fetch.pages (what a page is and says) and fetch.client (politeness and limits), piece by piece."""
from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from fetch_site.site import FORMATS, Server, build
from nianbao.fetch.client import Client, FetchError, Settings
from nianbao.fetch.pages import decode_page, document_name, is_document, is_report_title, read_page

BASE = "http://www.example.gov.cn"


@pytest.fixture(scope="module")
def site():
    return build()


def test_report_titles_name_a_year_and_an_annual_report_not_a_notice_or_a_column():
    assert is_report_title("中卫市审计局2023年政府信息公开工作年度报告")
    assert is_report_title("二〇二三年度政府信息公开年报", 2023)
    assert not is_report_title("中卫市司法局2022年政府信息公开工作年度报告", 2023)
    assert not is_report_title("关于做好2023年政府信息公开工作年度报告编制工作的通知")
    assert not is_report_title("政府信息公开年报")          # the column in the navigation
    assert not is_report_title("2023年统计年报")


def test_listing_pages_follow_next_links_createpagehtml_and_page_parameters(site):
    p1 = read_page(site.pages["/zwgk/ndbg/index.html"][0], f"{BASE}/zwgk/ndbg/index.html")
    assert p1.next_pages == [f"{BASE}/zwgk/ndbg/index_1.html", f"{BASE}/zwgk/ndbg/index_2.html"]
    assert [ln.url for ln in p1.report_links()] == [f"{BASE}/zwgk/ndbg/202401/t20240118_1.html",
                                                   f"{BASE}/zwgk/ndbg/202401/t20240125_2.html"]
    assert p1.report_links(2024) == []
    p3 = read_page(site.pages["/zwgk/ndbg/index_2.html"][0], f"{BASE}/zwgk/ndbg/index_2.html")
    assert p3.next_pages == [f"{BASE}/zwgk/ndbg/index_1.html"]          # the link to itself is no next page
    q = read_page(site.pages["/bm/list?page=1"][0], f"{BASE}/bm/list?page=1")
    assert q.next_pages == [f"{BASE}/bm/list?page=2"]


def test_cms_metadata_line_gives_title_dates_index_and_agency(site):
    page = read_page(site.pages["/zwgk/ndbg/202405/t20240510_5.html"][0], f"{BASE}/e.html")
    assert page.meta["索引号"] == "640500/2024-00031" and page.meta["成文日期"] == "2024-05-08"
    assert page.title == "中卫市交通运输局2023年政府信息公开工作年度报告"
    assert page.agency == "中卫市交通运输局" and page.published.isoformat() == "2024-05-10"
    assert page.holds_report


def test_metadata_table_cells_and_meta_tags_are_read():
    html = ('<html><head><meta name="ArticleTitle" content="某县2023年政府信息公开工作年度报告">'
            '<meta name="PubDate" content="2024-03-01 09:00"></head><body><table>'
            '<tr><td>索引号：</td><td>001/2024-1</td><td>发文机关：</td><td>某县人民政府办公室</td></tr>'
            '<tr><td>成文日期：</td><td>2024年2月28日</td><td>发布日期：</td><td></td></tr></table></body></html>')
    page = read_page(html.encode(), f"{BASE}/a.html")
    assert page.meta["发文机关"] == "某县人民政府办公室" and page.agency == "某县人民政府办公室"
    assert page.title == "某县2023年政府信息公开工作年度报告"
    assert page.published.isoformat() == "2024-03-01"           # the meta tag: the printed 发布日期 is empty


def test_gbk_page_is_decoded_with_or_without_a_declared_charset(site):
    body = site.pages["/zwgk/ndbg/202401/t20240122_4.html"][0]
    assert "发布时间" in decode_page(body)
    undeclared = body.replace(b'charset="gbk"', b"")
    assert "中卫市民政局" in decode_page(undeclared, "gbk")
    assert read_page(undeclared, f"{BASE}/d.html", "gbk").meta["发布时间"].startswith("2024-01-22")


def test_report_page_picks_the_report_attachment_not_the_application_form(site):
    b = read_page(site.pages["/zwgk/ndbg/202401/t20240125_2.html"][0], f"{BASE}/zwgk/ndbg/202401/b.html")
    assert [a.url for a in b.report_attachments()] == [f"{BASE}/files/P020240125.docx"]
    c = read_page(site.pages["/zwgk/ndbg/202601/t20260120_3.html"][0], f"{BASE}/zwgk/ndbg/202601/c.html")
    assert [a.url for a in c.report_attachments()] == [f"{BASE}/files/P020260120.pdf"]   # unnamed "附件1.pdf"


def test_content_is_sniffed_a_pdf_served_as_html_is_a_pdf():
    pdf = (FORMATS / "synth2021.pdf").read_bytes()
    assert is_document(pdf, "text/html", f"{BASE}/x.html")
    assert document_name(f"{BASE}/download.jsp", pdf) == "download.pdf"
    assert not is_document(b"<html><body>x</body></html>", "application/octet-stream")
    assert is_document(b"\x00\x01", "application/msword")


# ---------------------------------------------------------------- the client
def _run(coro):
    return asyncio.run(coro)


def test_client_caps_the_size_and_names_it(site):
    async def go(url):
        async with Client(Settings(max_bytes=1000, delay=0)) as c:
            return await c.get(url)

    with Server(site.fresh()) as s, pytest.raises(FetchError, match="文件过大"):
        _run(go(s.url("/files/P020240125.docx")))


def test_client_spaces_requests_to_one_host_by_the_delay(site):
    async def go(urls):
        async with Client(Settings(delay=0.3, per_host=2)) as c:
            await asyncio.gather(*(c.get(u) for u in urls))

    with Server(site.fresh()) as s:
        t = time.monotonic()
        _run(go([s.url(p) for p in ("/zwgk/ndbg/index.html", "/zwgk/ndbg/index_1.html", "/zwgk/ndbg/index_2.html")]))
        assert time.monotonic() - t >= 0.85         # robots.txt + 3 pages, 0.3 s apart


def test_client_retries_5xx_and_429_honouring_retry_after_but_never_other_4xx():
    hits: dict[str, int] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        hits[path] = hits.get(path, 0) + 1
        if path == "/busy":
            return httpx.Response(429, headers={"Retry-After": "0"}) if hits[path] == 1 else httpx.Response(200)
        if path == "/down":
            return httpx.Response(503)
        if path == "/hop":
            return httpx.Response(302, headers={"Location": f"/hop{hits[path]}"})
        if path.startswith("/hop"):
            return httpx.Response(302, headers={"Location": path + "x"})
        return httpx.Response(403)

    async def go():
        async with Client(Settings(delay=0, retries=2, backoff=0.01, robots=False, max_redirects=3),
                          transport=httpx.MockTransport(handler)) as c:
            assert (await c.get(f"{BASE}/busy")).status == 200
            with pytest.raises(FetchError, match="HTTP 503.*共尝试 3 次"):
                await c.get(f"{BASE}/down")
            with pytest.raises(FetchError, match="HTTP 403"):
                await c.get(f"{BASE}/private")
            with pytest.raises(FetchError, match="重定向次数过多"):
                await c.get(f"{BASE}/hop")

    _run(go())
    assert hits["/busy"] == 2 and hits["/down"] == 3 and hits["/private"] == 1


def test_a_saved_article_page_takes_agency_and_date_from_its_header_and_cms_line(site):
    from nianbao import api

    saved = site.pages["/zwgk/ndbg/202405/t20240510_5.html"][0]
    r = api.parse_bytes(saved, "saved.html")
    assert (r.meta.agency, r.meta.published.isoformat()) == ("中卫市交通运输局", "2024-05-10")
    assert r.source.page["索引号"] == "640500/2024-00031"
    assert any("取自网页" in n for n in r.extraction.notes)
    # a page whose report states both keeps its own: nothing is noted
    a = api.parse_bytes(site.pages["/zwgk/ndbg/202401/t20240118_1.html"][0], "a.html")
    assert a.meta.published.isoformat() == "2024-01-18" and not any("取自网页" in n for n in a.extraction.notes)


def test_the_web_report_page_links_the_original_url_and_only_a_web_one(tmp_path):
    from web_support import audited_report, new_client

    c, app = new_client(tmp_path)
    with c:
        r = audited_report(5)
        r.source.url, r.source.fetched_at = "https://www.example.gov.cn/zwgk/ndbg/t1.html", "2026-12-07T05:00:00+00:00"
        page = c.get(f"/reports/{app.state.backend.add_report(r).id}").text
        assert '<a href="https://www.example.gov.cn/zwgk/ndbg/t1.html"' in page and "收集）" in page
        bad = audited_report(6)
        bad.source.url = "javascript:alert(1)"
        assert "javascript:alert" not in c.get(f"/reports/{app.state.backend.add_report(bad).id}").text


def test_a_metadata_line_with_single_spaces_stops_each_value_before_the_page_counters():
    html = ("<html><body><div class='info'>发布时间：2024-01-20 09:30 来源：中卫市财政局 浏览次数：128 【字体：大 中 小】"
            "</div><h1>中卫市财政局2023年政府信息公开工作年度报告</h1></body></html>")
    page = read_page(html.encode(), f"{BASE}/p.html")
    assert page.meta["发布时间"] == "2024-01-20 09:30" and page.meta["来源"] == "中卫市财政局"
    assert page.published.isoformat() == "2024-01-20" and page.agency == "中卫市财政局"


def test_robots_txt_behind_a_redirect_is_followed_and_obeyed():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt" and request.url.scheme == "http":
            return httpx.Response(301, headers={"Location": "https://www.example.gov.cn/robots.txt"})
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /private/\n")
        return httpx.Response(200, text="<html></html>")

    async def go():
        async with Client(Settings(delay=0), transport=httpx.MockTransport(handler)) as c:
            assert (await c.get(f"{BASE}/open.html")).status == 200
            with pytest.raises(FetchError, match="robots.txt"):
                await c.get(f"{BASE}/private/x.html")

    _run(go())
