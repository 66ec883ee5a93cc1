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


# ------------------------------------------------------------------ validation pages
def test_a_page_missing_its_parameters_names_them_in_words_with_a_way_back(site):
    c, _ = site
    r = c.get("/scorecard/agency/1")
    assert r.status_code == 422
    assert "缺少地区（region）和年度（year）" in r.text and "region：缺少此项" not in r.text
    assert '<a href="/">返回报告列表</a>' in r.text
    came_from = c.get("/scorecard/agency/1", headers={"Referer": "http://testserver/scorecard?year=2023"})
    assert '<a href="/scorecard?year=2023">返回上一页</a>' in came_from.text
    elsewhere = c.get("/scorecard/agency/1", headers={"Referer": "https://evil.example/x"})
    assert "evil.example" not in elsewhere.text


def test_a_bad_parameter_on_a_page_is_named_in_words_and_the_api_keeps_the_parameter_name(site):
    c, _ = site
    page = c.get("/scorecard/agency/1", params={"region": "中卫市", "year": "去年"})
    assert page.status_code in (400, 422) and "年度（year）" in page.text and "「去年」" in page.text
    api = c.get("/api/missing")
    assert api.status_code == 422
    assert api.json()["detail"] == "请求参数不正确（缺少参数 region 和 year）"
    assert c.get("/api/reports/abc").json()["detail"] == "请求参数不正确（report_id：应为整数，收到「abc」）"


def test_source_view_without_finding_or_cell_says_so_in_words_and_leads_back_to_the_report(site):
    c, app = site
    rid = app.state.backend.add_report(audited_report(4)).id
    r = c.get(f"/reports/{rid}/source")
    assert r.status_code == 400 and "缺少参数" not in r.text
    assert "请指定要查看的问题（finding）或单元格（path）" in r.text
    assert f'<a href="/reports/{rid}">返回报告 {rid}</a>' in r.text


# ------------------------------------------------------------------ deleted and restored reports
def test_a_restored_reports_old_id_redirects_to_the_report_it_came_back_as(site):
    c, app = site
    token = login(c)
    backend = app.state.backend
    old = backend.add_report(_review_report(1)).id
    backend.add_report(_review_report(100))                  # SQLite reuses only the last id
    record = backend.delete(old, user="reviewer")
    gone = c.get(f"/reports/{old}")
    assert gone.status_code == 404 and f"报告 {old} 已删除（删除记录 {record}）" in gone.text
    assert f'href="/deleted?just={record}#deleted-{record}"' in gone.text      # a reviewer may restore it
    new = backend.library.restore(record, user="reviewer")
    assert new != old
    r = c.get(f"/reports/{old}", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == f"/reports/{new}"
    assert c.get(f"/reports/{old}").url.path == f"/reports/{new}"
    src = c.get(f"/reports/{old}/source", params={"finding": 0}, follow_redirects=False)
    assert src.status_code == 307 and src.headers["location"] == f"/reports/{new}/source?finding=0"
    assert c.get(f"/reports/{old}/source", params={"finding": 0}).status_code == 200
    assert c.get("/reports/987654").status_code == 404 and "报告 987654 不存在" in c.get("/reports/987654").text
    assert token


def test_a_viewer_is_told_the_report_was_deleted_without_the_restore_link(site):
    c, app = site
    backend = app.state.backend
    old = backend.add_report(_review_report(1)).id
    backend.add_report(_review_report(100))
    record = backend.delete(old, user="reviewer")
    assert f"报告 {old} 已删除（删除记录 {record}）" in c.get(f"/reports/{old}").text     # anonymous
    login(c, "只读")
    page = c.get(f"/reports/{old}").text
    assert f"报告 {old} 已删除（删除记录 {record}）" in page and "/deleted?just=" not in page
