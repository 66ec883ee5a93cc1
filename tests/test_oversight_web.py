"""Regional oversight in the web UI: the compare page across agencies (sortable, marks, formulas in
headers and legend, "—" for what cannot be computed), the region overview with its ECharts options,
the dashboard's indicators panel and /api/indicators (documented in the OpenAPI)."""
from __future__ import annotations

import html
import json
import re
import time
import urllib.request

import pytest

from test_indicators import _region
from web_support import new_client


@pytest.fixture
def client(tmp_path):
    c, app = new_client(tmp_path)
    _region(app.state.backend.store)
    with c:
        yield c


def _order(text: str, names: list[str]) -> list[str]:
    return sorted(names, key=lambda n: text.index(n))


def test_compare_page_shows_each_agencys_indicators_with_marks_formulas_and_dashes(client):
    r = client.get("/compare/agencies", params={"region": "中卫市", "year": 2023})
    assert r.status_code == 200
    t = r.text
    for label in ("实质公开率", "不予公开率", "复议纠错率", "诉讼败诉率", "结转率", "新收申请同比波动"):
        assert label in t
    assert 'title="实质公开率 = （予以公开 + 部分公开）÷ 办理结果总计"' in t        # header tooltip
    assert "指标说明" in t and "地区合计" in t                                     # legend and totals row
    row = re.search(r"<tr>\s*<td><a href=\"/agencies/\d+\">中卫市沙坡头区司法局.*?</tr>", t, re.S).group(0)
    assert 'class="num mark-red"' in row and ">50.0%<" in row and 'title="1 ÷ 2（红色）"' in row   # 复议纠错率
    haiyuan = re.search(r"中卫市海原县教育局.*?</tr>", t, re.S).group(0)
    assert 'title="分母为 0"' in haiyuan and ">—<" in haiyuan and ">0.0%<" not in haiyuan
    assert "吴忠市利通区司法局" not in t


def test_compare_page_sorts_by_an_indicator_with_blanks_last(client):
    names = ["中卫市中宁县财政局", "中卫市沙坡头区司法局", "中卫市海原县教育局"]
    desc = client.get("/compare/agencies", params={"region": "中卫市", "year": 2023, "sort": "denial_rate",
                                                   "desc": "1"}).text
    assert _order(desc, names) == names                     # 50 %, 25 %, —
    asc = client.get("/compare/agencies", params={"region": "中卫市", "year": 2023, "sort": "denial_rate"}).text
    assert _order(asc, names) == [names[1], names[0], names[2]]
    assert "sort=denial_rate" in html.unescape(asc)          # the headers link to the sort


def test_region_overview_embeds_trend_distribution_and_ranking_with_vendored_echarts(client):
    r = client.get("/regions/overview", params={"region": "中卫市", "year": 2023, "indicator": "substantive_rate"})
    assert r.status_code == 200
    assert '<script src="/static/vendor/echarts.min.js" defer></script>' in r.text
    assert "https://" not in "".join(re.findall(r"<script[^>]*>", r.text))           # no CDN
    opts = json.loads(re.search(r'<script type="application/json" id="oversight-charts">(.*?)</script>', r.text,
                                re.S).group(1))
    assert set(opts) == {"trend", "subregions", "distribution", "ranking"}
    assert [x["name"] for x in opts["subregions"]["series"]] == ["中卫市"]     # no registry: the store's regions
    assert opts["trend"]["xAxis"]["data"] == ["2022", "2023"]
    assert opts["ranking"]["yAxis"]["data"][::-1][0] == "中卫市中宁县财政局" or \
        opts["ranking"]["yAxis"]["data"][::-1][0] == "中卫市沙坡头区司法局"        # 50 % each, the low end first
    assert "1 个无法计算" in opts["distribution"]["title"]["subtext"]
    assert "（予以公开 + 部分公开）÷ 办理结果总计" in r.text and "实质公开率" in r.text
    assert client.get("/static/oversight.js").status_code == 200


def test_dashboard_panel_and_its_fragment_show_the_regions_totals(client):
    frag = client.get("/regions/indicators-panel", params={"region": "中卫市", "year": 2023})
    assert frag.status_code == 200
    assert "风险指标" in frag.text and "50.0%" in frag.text and "5 ÷ 10" in frag.text
    assert "（予以公开 + 部分公开）÷ 办理结果总计" in frag.text
    dash = client.get("/dashboard", params={"year": 2023})
    assert dash.status_code == 200
    assert 'hx-get="/regions/indicators-panel?region=&amp;year=2023"' in dash.text


def test_api_indicators_gives_rows_totals_and_formulas_and_is_documented(client):
    r = client.get("/api/indicators", params={"region": "中卫市", "year": 2023, "sort": "denial_rate", "desc": True})
    assert r.status_code == 200
    d = r.json()
    assert [x["agency"] for x in d["rows"]] == ["中宁县财政局", "沙坡头区司法局", "海原县教育局"]
    tot = d["totals"]["substantive_rate"]
    assert (tot["numerator"], tot["denominator"], tot["value"], tot["mark"]) == (5, 10, 0.5, "yellow")
    assert d["rows"][2]["indicators"]["substantive_rate"]["display"] == "—"
    assert d["rows"][2]["indicators"]["substantive_rate"]["value"] is None
    assert client.get("/api/indicators", params={"year": 2023, "agency": "不存在局"}).status_code == 404
    assert client.get("/api/indicators", params={"year": 2023, "sort": "x"}).status_code == 400
    missing = client.get("/api/indicators")
    assert missing.status_code == 422 and "year" in missing.json()["detail"]
    spec = client.get("/api/openapi.json").json()
    assert "/api/indicators" in spec["paths"]
    assert "实质公开率" in spec["paths"]["/api/indicators"]["get"]["summary"]


def test_pages_with_no_reports_say_so_and_bad_numbers_are_a_chinese_400(tmp_path):
    c, _ = new_client(tmp_path)
    with c:
        assert "没有符合条件的报告" in c.get("/compare/agencies").text
        r = c.get("/regions/overview", params={"year": "1e17"})
        assert r.status_code == 400 and "年度应为 1990 到 2100 之间的整数" in r.text
        assert c.get("/api/indicators", params={"year": 10**20}).status_code in (400, 422)


@pytest.mark.browser
def test_overview_draws_its_charts_and_the_dashboard_loads_the_panel_in_chromium(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from nianbao.store import open_store
    from test_browser_web import CHROMIUM_ARGS, ensure_chromium
    from test_review_browser import served

    db = f"sqlite:///{tmp_path / 'store.db'}"
    s = open_store(db)
    _region(s)
    s.close()
    with served(db, tmp_path) as base, sync_playwright() as p:
        for _ in range(300):                     # served() waits 10 s; a loaded machine may need more
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        b = p.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS, headless=True)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/regions/overview?region=中卫市&year=2023")
        for name in ("trend", "subregions", "distribution", "ranking"):
            chart = page.locator(f'[data-oversight-chart="{name}"]')
            expect(chart).to_have_attribute("data-rendered", "yes", timeout=30_000)
            expect(chart.locator("canvas")).to_have_count(1)
        page.goto(base + "/dashboard?year=2023")
        panel = page.locator("#indicators-panel")                  # swapped in by htmx
        expect(panel).to_contain_text("实质公开率", timeout=30_000)
        expect(panel.locator("td.mark-red").first).to_be_visible()
        assert not errors, errors
        b.close()
