"""Layout of the web pages a QA pass found broken: the report page's review panel (no one-character
columns), the /review tables (the app's table style), the registry region page (each edit field under
its header), the region overview's charts (axis names inside, a wrapping legend, short band labels,
the header laid out at the chart's width in a real browser) and the nav links to the new pages."""
from __future__ import annotations

import json
import re
import subprocess

import pytest

from test_indicators import _region
from test_registry_web import CSV, _upload
from test_review_api import _report
from web_support import login, new_client


def _options(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="oversight-charts">(.*?)</script>', page,
                                re.S).group(1))


def test_nav_links_to_the_region_overview_and_the_agency_comparison(tmp_path):
    c, _ = new_client(tmp_path)
    with c:
        login(c)
        nav = re.search(r"<nav>(.*?)</nav>", c.get("/review").text, re.S).group(1)
    assert '<a href="/regions/overview">地区概览</a>' in nav and '<a href="/compare/agencies">机关对比</a>' in nav


def test_review_page_and_panel_tables_use_the_apps_list_style_with_column_classes(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        rid = app.state.backend.add_report(_report(1)).id
        login(c)
        page = c.get("/review").text
        assert '<table class="list progress">' in page and '<table class="list cases">' in page
        assert '<th class="num">错误</th>' in page
        panel = c.get(f"/reports/{rid}/review").text
    assert '<table class="list review-findings">' in panel and '<table class="list trail-table">' in panel
    row = re.search(r'<tr class="sev-[^"]*" id="rf\d+">(.*?)</tr>', panel, re.S).group(1)
    cells = re.findall(r'<td class="([^"]+)">', row)
    assert cells == ["code", "where", "msg", "decision", "reason", "actions"]


def test_registry_entry_fields_sit_in_the_columns_of_their_headers(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        token = login(c)
        _upload(c, token)
        district = app.state.backend.library.registry.region("沙坡头区").id
        page = c.get(f"/registry/regions/{district}").text
    rows = re.findall(r'<tr id="entry-(\d+)">(.*?)</tr>', page, re.S)
    assert rows
    for eid, row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert len(cells) == 6 and "colspan" not in row                   # 名称 类型 范围 期限 库中机关 操作
        assert f'<form method="post" action="/registry/entries/{eid}" id="entry-form-{eid}"' in cells[0]
        for cell, field in zip(cells[1:4], ('select name="kind"', 'select name="covers"', 'input name="deadline"')):
            assert f'<{field} form="entry-form-{eid}"' in cell
        assert f'<button type="submit" form="entry-form-{eid}">保存</button>' in cells[5]


def test_overview_charts_keep_axis_names_inside_and_wrap_the_legend(tmp_path):
    c, app = new_client(tmp_path)
    _region(app.state.backend.store)
    with c:
        opts = _options(c.get("/regions/overview", params={"region": "中卫市", "year": 2023,
                                                            "indicator": "denial_rate"}).text)
    for name, opt in opts.items():
        assert "containLabel" not in opt["grid"], name       # ECharts 6: leaves the axis name ("%") out
        assert (opt["grid"]["outerBoundsMode"], opt["grid"]["outerBoundsContain"]) == ("same", "all"), name
        assert opt["title"]["subtextStyle"]["overflow"] == "break", name
    assert opts["trend"]["legend"]["type"] == "plain" and opts["subregions"]["legend"]["type"] == "plain"
    x = opts["distribution"]["xAxis"]
    assert x["data"][0] == "0–10" and x["data"][-1] == "90–100" and x["name"] == "%"


@pytest.mark.browser
def test_review_columns_registry_fields_and_chart_headers_fit_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    from nianbao.store import open_store
    from test_browser_web import CHROMIUM_ARGS, ensure_chromium
    from test_review_browser import CLI, PASSWORD, SAMPLES, served

    db = f"sqlite:///{tmp_path / 'n.db'}"
    s = open_store(db)
    _region(s)
    s.close()
    (tmp_path / "reg.csv").write_bytes(CSV)
    subprocess.run([*CLI, "registry", "import", str(tmp_path / "reg.csv"), "--db", db], check=True, capture_output=True)
    out = subprocess.run([*CLI, "ingest", str(SAMPLES / "001_9944da9601cf06f9.txt"), "--db", db, "-j", "1", "--json"],
                         text=True, check=True, capture_output=True).stdout
    rid = json.loads(out)["reports"][0]["report_id"]
    with served(db, tmp_path) as base, sync_playwright() as p:
        b = p.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS)
        page = b.new_page(viewport={"width": 1366, "height": 900})
        page.goto(base + "/login")
        page.fill("input[name=name]", "审核员")
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit] >> nth=-1")
        page.goto(f"{base}/reports/{rid}")
        page.wait_for_selector("#review tr.current")
        widths = page.evaluate("""() => Object.fromEntries(['decision', 'reason', 'msg'].map(
            k => [k, document.querySelector('#review table.review-findings th.' + k).offsetWidth]))""")
        assert widths["decision"] >= 3 * 14 and widths["reason"] >= 8 * 14 and widths["msg"] >= 20 * 14, widths

        page.goto(base + "/registry")
        href = page.locator('a[href^="/registry/regions/"]', has_text="沙坡头区").first.get_attribute("href")
        page.goto(base + href)
        heads = page.locator("#entries thead th")
        first = page.locator("#entries tbody tr").first
        for i, sel in enumerate(["input[name=name]", "select[name=kind]", "select[name=covers]",
                                 "input[name=deadline]"]):
            th, field = heads.nth(i).bounding_box(), first.locator(sel).bounding_box()
            assert th["x"] <= field["x"] < th["x"] + th["width"], (i, th, field)   # under its own header

        page.set_viewport_size({"width": 480, "height": 900})        # charts one per row, a wrapped legend
        page.goto(base + "/regions/overview?region=中卫市&year=2023&indicator=litigation_loss_rate")
        page.wait_for_selector('[data-oversight-chart="ranking"][data-rendered="yes"]')
        trend = page.evaluate("""() => {
            const el = document.querySelector('[data-oversight-chart="trend"]');
            const o = echarts.getInstanceByDom(el).getOption();
            return {width: el.clientWidth, height: el.offsetHeight, sub: o.title[0].subtextStyle.width,
                    legend: o.legend[0].type, legendTop: o.legend[0].top, gridTop: o.grid[0].top};
        }""")
        assert trend["legend"] == "plain" and 0 < trend["sub"] < trend["width"], trend
        assert trend["gridTop"] >= trend["legendTop"] + 2 * 24, trend      # two legend rows at this width
        assert trend["height"] > 320, trend                                  # grown by the header's second row
        b.close()


def test_a_flagged_cell_lists_its_findings_one_per_line_without_a_trailing_break(tmp_path):
    from web_support import audited_report

    c, app = new_client(tmp_path)
    with c:
        rid = app.state.backend.add_report(audited_report(3)).id
        page = c.get(f"/reports/{rid}").text
    titles = re.findall(r'<[^>]*class="val[^"]*"[^>]* title="([^"]*)"', page) + \
        re.findall(r'title="([^"]*)"[^>]*tabindex="0"', page)
    assert titles
    for t in titles:
        assert not t.endswith("&#10;") and all(re.match(r"[A-Z]\d{3}|人工", line) for line in t.split("&#10;"))
