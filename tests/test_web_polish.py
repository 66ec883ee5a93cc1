"""Polish of the web pages people see: the favicon, the source file's format in Chinese, error pages
for missing or bad parameters in words (with a way back), and a deleted or restored report's old id."""
from __future__ import annotations

import pytest

from nianbao.readers.detect import FORMAT_NAMES, READERS, format_name
from test_review_api import _report as _review_report
from web_support import PASSWORD, audited_report, login, new_client
from nianbao.web.auth import add_user


@pytest.fixture()
def site(tmp_path):
    c, app = new_client(tmp_path)
    add_user(app.state.backend.engine, "只读", PASSWORD, role="viewer")
    with c:
        yield c, app


# ------------------------------------------------------------------ favicon
def test_every_page_links_the_bundled_favicon_and_favicon_ico_answers_it(site):
    c, _ = site
    page = c.get("/").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = c.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.lstrip().startswith("<svg") and "href" not in icon.text   # no CDN
    ico = c.get("/favicon.ico")
    assert ico.status_code == 200 and ico.headers["content-type"].startswith("image/svg+xml")
    assert ico.content == icon.content


# ------------------------------------------------------------------ source format
def test_every_reader_format_has_a_chinese_name():
    assert set(READERS) <= set(FORMAT_NAMES)
    assert format_name("text") == "文本" and format_name("docx") == "Word（.docx）" and format_name("html") == "网页"
    assert format_name("pdf") == "PDF" and format_name(None) == ""


@pytest.mark.parametrize("reader, shown", [("text", "文本"), ("docx", "Word（.docx）"), ("html", "网页")])
def test_report_page_names_the_source_format_in_chinese_not_the_reader(site, reader, shown):
    c, app = site
    r = audited_report(3)
    r.source.file, r.source.reader = f"年报.{reader}", reader
    rid = app.state.backend.add_report(r).id
    page = c.get(f"/reports/{rid}").text
    assert f"年报.{reader}（{shown}）" in page and f"（{reader}）" not in page
    assert app.state.backend.get(rid)[1].source.reader == reader          # the stored field is unchanged
