"""Scorecard in the web: the ranked table with its chart option, one agency's explanation page,
the XLSX download and /api/scorecard (documented in the OpenAPI schema)."""
from __future__ import annotations

import io
import json
import re
import time
from contextlib import contextmanager
from datetime import date

import pytest
from openpyxl import load_workbook

from nianbao.model import Finding, Meta, Report
from web_support import new_client


def _report(agency: str, n: int, published: date | None, findings=()) -> Report:
    r = Report(meta=Meta(agency=agency, year=2023, published=published), findings=list(findings))
    r.source.file, r.source.sha256 = f"{n}.txt", f"{n:064x}"
    r.tables.set_cell("review_litigation.review.corrected", n)
    return r


LATE = Finding(code="D004", severity="warning", message="发布日期晚于期限", path="meta.published",
               data={"published_iso": "2024-02-05", "deadline_iso": "2024-01-31", "days_late": 5,
                     "source": "条例第四十九条"})


def _stock(app):
    b = app.state.backend
    b.add_report(_report("中卫市沙坡头区司法局", 1, date(2024, 1, 10)))
    b.add_report(_report("中卫市沙坡头区民政局", 3, date(2024, 2, 5), [LATE]))
    b.add_report(_report("中卫市沙坡头区审计局", 2, date(2024, 1, 12)))


def test_ranking_page_lists_agencies_in_rank_order_with_chart_and_download(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        _stock(app)
        page = c.get("/scorecard", params={"region": "沙坡头区", "year": 2023})
        assert page.status_code == 200
        html = page.text
        # 司法局 100-1 = 99, 审计局 100-2 = 98, 民政局 100-5-3 = 92 (default scheme: -1 per day, -1 per 纠错)
        order = [html.index(n) for n in ("中卫市沙坡头区司法局", "中卫市沙坡头区审计局", "中卫市沙坡头区民政局")]
        assert order == sorted(order)
        opt = json.loads(re.search(r'id="scorecard-chart-option">(.*?)</script>', html, re.S).group(1))
        assert [d["value"] for d in opt["series"][0]["data"]] == [92, 98, 99]       # best at the top of the bars
        assert '/static/scorecard.js' in html and "/static/vendor/echarts.min.js" in html
        xlsx = c.get("/scorecard.xlsx", params={"region": "沙坡头区", "year": 2023})
        assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
        wb = load_workbook(io.BytesIO(xlsx.content))
        assert [r[1] for r in wb["排名"].iter_rows(min_row=2, max_row=4, values_only=True)] == [
            "中卫市沙坡头区司法局", "中卫市沙坡头区审计局", "中卫市沙坡头区民政局"]
        assert c.get("/scorecard").status_code == 200                  # the form alone
        missing = c.get("/scorecard", params={"region": "火星区", "year": 2023})
        assert missing.status_code == 404 and "火星区" in missing.text


def test_agency_page_explains_every_line_api_matches_and_a_decision_rescores(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        _stock(app)
        data = c.get("/api/scorecard", params={"region": "沙坡头区", "year": 2023}).json()
        mz = next(a for a in data["agencies"] if a["agency"] == "中卫市沙坡头区民政局")
        assert (mz["rank"], mz["total"]) == (3, 92)
        late = next(ln for ln in mz["lines"] if ln["item"] == "late")
        assert late["count"] == 5 and late["points"] == -5 and late["evidence"]["deadline"] == "2024-01-31"
        assert "missing" in mz["not_evaluated"]
        page = c.get(f"/scorecard/agency/{mz['key']}", params={"region": "沙坡头区", "year": 2023})
        assert page.status_code == 200
        assert "逾期 5 天" in page.text and "第 3 名" in page.text and "未评估" in page.text
        assert "表四·行政复议·结果纠正 = 3" in page.text
        one = c.get("/api/scorecard", params={"region": "沙坡头区", "year": 2023, "agency": mz["key"]}).json()
        assert one["total"] == 92 and len(one["lines"]) == len(data["items"])
        assert c.get("/api/scorecard", params={"region": "沙坡头区", "year": 2023, "agency": "无此局"}).status_code == 404
        assert c.get("/scorecard/agency/9999", params={"region": "沙坡头区", "year": 2023}).status_code == 404
        # a reviewer's 误报 on the D004 finding changes the score at once (the cached scorecard is not reused)
        lib = app.state.backend.library
        d004 = next(f for f in lib.findings(mz["report_id"]) if f["code"] == "D004")
        lib.decide(d004["id"], "误报", user="张三", reason="发布日期读错", expected_version=d004["version"])
        again = c.get("/api/scorecard", params={"region": "沙坡头区", "year": 2023, "agency": mz["key"]}).json()
        assert again["total"] == 97 and again["rank"] == 3
        spec = c.get("/api/openapi.json").json()
        assert "/api/scorecard" in spec["paths"] and "ScorecardOut" in spec["components"]["schemas"]


@contextmanager
def _serving(app):
    """The app under uvicorn in a thread of this process (no server process to start and import)."""
    import threading

    import uvicorn

    from test_browser_web import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.mark.browser
def test_ranking_chart_draws_in_chromium_under_the_csp(tmp_path):
    from playwright.sync_api import sync_playwright

    from test_browser_web import CHROMIUM_ARGS, ensure_chromium
    from web_support import make_app

    app = make_app(tmp_path)
    _stock(app)
    with _serving(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        errors: list[str] = []          # script errors (a CSP refusal included) and failed loads but the favicon
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "404" not in m.text else None)
        page.on("response", lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)
        page.goto(f"{base}/scorecard?region=沙坡头区&year=2023")
        page.wait_for_selector("#scorecard-chart[data-rendered=yes] canvas", timeout=10_000)
        assert errors == []
        page.click("#scorecard-table a >> nth=2")
        page.wait_for_selector("#scorecard-lines")
        assert "逾期 5 天" in page.inner_text("#scorecard-lines")
        browser.close()


def test_missing_agency_of_the_registry_has_its_page_and_grey_bar(tmp_path):
    from nianbao.oversight.registry import parse_registry

    registry = "省,市,县（区）,机关名称,类型,报告范围,期限\n宁夏回族自治区,中卫市,沙坡头区,司法局,部门,,\n" \
               "宁夏回族自治区,中卫市,沙坡头区,民政局,部门,,\n宁夏回族自治区,中卫市,沙坡头区,审计局,部门,,\n" \
               "宁夏回族自治区,中卫市,沙坡头区,财政局,部门,,\n"
    c, app = new_client(tmp_path)
    with c:
        app.state.backend.library.registry.import_rows(parse_registry(registry.encode(), "名录.csv"))
        _stock(app)
        data = c.get("/api/scorecard", params={"region": "沙坡头区", "year": 2023}).json()
        assert data["registry"] is True
        cz = data["agencies"][-1]
        assert cz["status"] == "missing" and cz["total"] == 0 and cz["key"].startswith("e")
        page = c.get(f"/scorecard/agency/{cz['key']}", params={"region": "沙坡头区", "year": 2023})
        assert page.status_code == 200 and "未公开" in page.text and "只按「未公开」计分" in page.text
        html = c.get("/scorecard", params={"region": "沙坡头区", "year": 2023}).text
        opt = json.loads(re.search(r'id="scorecard-chart-option">(.*?)</script>', html, re.S).group(1))
        assert opt["series"][0]["data"][0] == {"value": 0, "itemStyle": {"color": "#98a2b3"}}


def test_unregistered_agency_is_listed_unranked_after_the_ranking_page_chart_api_xlsx_cli_agree(tmp_path):
    """QA's case (tests/test_scorecard.py stock_hongsibu): 审计局, outside the registry, scores 100 with
    its 未公开 item not evaluated; everywhere it comes after the ranked agencies, without a rank."""
    from typer.testing import CliRunner

    from nianbao.cli import app as cli
    from test_scorecard import HSB_RANKS, stock_hongsibu

    c, app = new_client(tmp_path)
    q = {"region": "红寺堡区", "year": 2023}
    with c:
        stock_hongsibu(app.state.backend.library)
        data = c.get("/api/scorecard", params=q).json()
        got = [(a["agency"], a["rank"], a["total"]) for a in data["agencies"]]
        assert got == [*sorted(((n, r, t) for n, (r, t) in HSB_RANKS.items()), key=lambda x: (x[1], x[0])),
                       ("吴忠市红寺堡区审计局", None, 100)]
        sj = data["agencies"][-1]
        assert (sj["ranked"], sj["complete"], sj["incomplete"], sj["incomplete_text"]) == (
            False, False, ["missing"], "未完整评估：不在机构名录中，无法判断是否应公开")
        assert (data["ranked_count"], data["unranked_count"], data["common_gaps"]) == (4, 1, [])
        one = c.get("/api/scorecard", params=q | {"agency": sj["key"]}).json()
        assert one["rank"] is None and one["incomplete"] == ["missing"]
        schema = c.get("/api/openapi.json").json()["components"]["schemas"]["AgencyOut"]["properties"]
        assert {"ranked", "complete", "incomplete", "incomplete_text"} <= set(schema)
        assert "未完整评估" in schema["rank"]["description"]
        # the page: the ranking table without it, then the unranked table with the reason and 不完整
        html = c.get("/scorecard", params=q).text
        ranking = re.search(r'id="scorecard-table">(.*?)</table>', html, re.S).group(1)
        unranked = re.search(r'id="scorecard-unranked">(.*?)</table>', html, re.S).group(1)
        assert "审计局" not in ranking and all(n in ranking for n in HSB_RANKS)
        assert "吴忠市红寺堡区审计局" in unranked and "未完整评估：不在机构名录中，无法判断是否应公开" in unranked
        assert re.search(r"<b>100</b>.*?（不完整）", unranked) and ">—</td>" in unranked
        assert "排名规则：只对各适用项都已评估的机关排名" in html and "4 个参与排名，1 个未完整评估" in html
        opt = json.loads(re.search(r'id="scorecard-chart-option">(.*?)</script>', html, re.S).group(1))
        names = opt["yAxis"]["data"]
        assert len(names) == 4 and not any("审计局" in n for n in names) and "1 个机关未完整评估" in opt["title"]["subtext"]
        assert names[-1] in ("1. 吴忠市红寺堡区教育局", "1. 吴忠市红寺堡区民政局")   # best at the top
        page = c.get(f"/scorecard/agency/{sj['key']}", params=q).text
        assert "未排名 · 总分 100（不完整）" in page and "第 " not in re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
        assert "未完整评估：不在机构名录中，无法判断是否应公开。缺少输入的项未计分" in page
        assert "未完整评估：未公开年度报告" not in page
        wb = load_workbook(io.BytesIO(c.get("/scorecard.xlsx", params=q).content))
        rows = list(wb["排名"].iter_rows(min_row=2, max_row=6, values_only=True))
        assert [(r[1], r[0]) for r in rows] == [(n, "—" if r is None else r) for n, r, _ in got]
        assert rows[-1][-1].startswith("未完整评估：不在机构名录中，无法判断是否应公开；")
        res = CliRunner().invoke(cli, ["scorecard", "-r", "红寺堡区", "-y", "2023", "--json",
                                       "--db", f"sqlite:///{tmp_path}/store.db"])
        assert res.exit_code == 0, res.output
        assert [(a["agency"], a["rank"], a["total"]) for a in json.loads(res.stdout)["agencies"]] == got
