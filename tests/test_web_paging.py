"""Every list the web answers is paged: ?page= and ?limit= (default 50, at most 500), total and
neighbouring pages in headers; a malformed or huge page number is a 400 in Chinese, never a 500."""
from __future__ import annotations

import re

import pytest

from web_support import audited_report, new_client


def _seed(app, n: int, year: int = 2023, broken: bool = False) -> list[int]:
    store = app.state.backend.store
    return [store.save_report(audited_report(1000 + i, year, agency=f"某县第{i:03d}局", broken=broken)).report_id
            for i in range(n)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    c, app = new_client(tmp_path_factory.mktemp("paging"))
    with c:
        ids = _seed(app, 55, broken=True)
        yield c, app, ids


def _links(resp) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', resp.headers.get("link", ""))}


def test_api_reports_default_page_holds_50_and_says_the_total_and_the_next_page(site):
    c, app, ids = site
    r = c.get("/api/reports")
    assert r.status_code == 200 and len(r.json()) == 50
    assert r.headers["x-total-count"] == "55" and r.headers["x-page"] == "1" and r.headers["x-limit"] == "50"
    links = _links(r)
    assert links["next"] == "/api/reports?page=2" and "prev" not in links and links["last"] == "/api/reports?page=2"


def test_api_reports_page_two_holds_the_rest_in_list_order(site):
    c, app, ids = site
    first, second = c.get("/api/reports").json(), c.get("/api/reports", params={"page": 2})
    assert len(second.json()) == 5 and "next" not in _links(second) and _links(second)["prev"] == "/api/reports?page=1"
    everything = c.get("/api/reports", params={"limit": 500}).json()
    assert [x["id"] for x in first + second.json()] == [x["id"] for x in everything]
    assert sorted(x["id"] for x in everything) == sorted(ids)
    assert [x["agency"] for x in everything] == sorted(x["agency"] for x in everything)


def test_links_keep_the_filters(site):
    c, app, ids = site
    r = c.get("/api/reports", params={"year": 2023, "limit": 10, "page": 3})
    links = _links(r)
    assert links["next"] == "/api/reports?year=2023&limit=10&page=4"
    assert links["prev"] == "/api/reports?year=2023&limit=10&page=2"
    assert [x["id"] for x in r.json()] == [x["id"] for x in c.get("/api/reports", params={"limit": 500}).json()][20:30]


@pytest.mark.parametrize("value", ["1e17", str(10**30), "-1", "0", "abc", "1.5", "９"])
def test_malformed_or_huge_page_numbers_are_a_chinese_400(site, value):
    c, app, ids = site
    for url in ("/api/reports", "/api/agencies", "/api/findings", "/api/runs", f"/api/reports/{ids[0]}/findings"):
        r = c.get(url, params={"page": value})
        assert r.status_code == 400, (url, value, r.text)
        assert "页码" in r.json()["detail"]
    for url in ("/", "/dashboard"):
        r = c.get(url, params={"page": value})
        assert r.status_code == 400 and "页码" in r.text


@pytest.mark.parametrize("value", ["0", "501", str(10**30), "1e3"])
def test_a_limit_beyond_500_or_not_a_number_is_a_chinese_400(site, value):
    c, app, ids = site
    r = c.get("/api/reports", params={"limit": value})
    assert r.status_code == 400 and "每页条数" in r.json()["detail"]


def test_a_huge_year_is_a_chinese_400_not_a_500(site):
    c, app, ids = site
    assert c.get("/api/reports", params={"year": 10**12}).status_code == 400
    r = c.get("/dashboard", params={"year": "1e17"})
    assert r.status_code == 400 and "年度" in r.text


def test_a_page_past_the_end_is_empty_and_points_back(site):
    c, app, ids = site
    r = c.get("/api/reports", params={"page": 1000})
    assert r.status_code == 200 and r.json() == [] and r.headers["x-total-count"] == "55"
    assert "next" not in _links(r) and "prev" in _links(r)


def test_agencies_findings_and_runs_lists_are_paged(site):
    c, app, ids = site
    store = app.state.backend.store
    r = c.get("/api/agencies", params={"limit": 7, "page": 2})
    assert len(r.json()) == 7 and r.headers["x-total-count"] == "55"
    assert [a["id"] for a in r.json()] == [a.id for a in store.agencies()][7:14]
    total = store.count_findings()
    assert total > 50
    r = c.get("/api/findings")
    assert len(r.json()) == 50 and r.headers["x-total-count"] == str(total)
    assert {f["report_id"] for f in r.json()} <= set(ids)
    code = r.json()[0]["code"]
    errors = c.get("/api/findings", params={"rule": code, "limit": 500})
    assert errors.json() and all(f["code"].startswith(code) for f in errors.json())
    assert errors.headers["x-total-count"] == str(store.count_findings(code=code))
    runs = c.get("/api/runs")
    assert runs.status_code == 200 and runs.headers["x-total-count"] == str(store.count_runs())


def test_a_reports_findings_are_paged(site):
    c, app, ids = site
    rid = max(ids, key=lambda i: len(app.state.backend.get(i)[1].findings))
    n = len(app.state.backend.get(rid)[1].findings)
    r = c.get(f"/api/reports/{rid}/findings", params={"limit": 1, "page": 2})
    assert r.headers["x-total-count"] == str(n) and len(r.json()) == (1 if n >= 2 else 0)
    if n >= 2:
        assert r.json()[0]["index"] == 1


def test_findings_by_rule_name_each_rule_in_chinese(site):
    c, app, ids = site
    from nianbao.audit.titles import rule_title

    rows = c.get("/api/findings/by-rule", params={"year": 2023}).json()
    assert rows and all(r["title"] == rule_title(r["code"]) and r["title"] for r in rows)


def test_index_page_counts_every_report_and_links_the_pages(site):
    c, app, ids = site
    page = c.get("/").text
    assert "共 55 份" in page and 'href="/?page=2"' in page and "第 1–50 条，共 55 条" in page
    assert len(re.findall(r'<a href="/reports/\d+">', page)) == 50
    two = c.get("/", params={"page": 2}).text
    assert len(re.findall(r'<a href="/reports/\d+">', two)) == 5 and "上一页" in two and "下一页" not in two


def test_a_new_or_deleted_report_shows_in_the_lists_at_once(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        ids = _seed(app, 3)
        assert c.get("/api/reports").headers["x-total-count"] == "3"
        assert "共 3 份" in c.get("/").text
        new = _seed(app, 4)[-1]                   # 某县第003局: a fourth agency
        assert c.get("/api/reports").headers["x-total-count"] == "4"
        assert "共 4 份" in c.get("/").text
        app.state.backend.delete(ids[0])
        got = c.get("/api/reports")
        assert got.headers["x-total-count"] == "3" and ids[0] not in {r["id"] for r in got.json()}
        assert new in {r["id"] for r in got.json()}


def test_compare_of_a_region_year_is_paged_and_too_many_ids_are_refused(site):
    c, app, ids = site
    r = c.get("/api/compare", params={"year": 2023, "limit": 20, "page": 3})
    assert r.status_code == 200 and r.headers["x-total-count"] == "55"
    everything = [x["id"] for x in c.get("/api/reports", params={"limit": 500}).json()]
    assert [row["report_id"] for row in r.json()["rows"]] == everything[40:55]
    assert "indicators" in r.json()
    r = c.get("/api/compare", params=[("ids", i) for i in [ids[0]] * 501])
    assert r.status_code == 400 and "500" in r.json()["detail"]


def test_openapi_documents_paging_parameters_and_headers(site):
    c, app, ids = site
    spec = c.get("/api/openapi.json").json()
    for path in ("/api/reports", "/api/agencies", "/api/findings", "/api/runs", "/api/review/cases",
                 "/api/review/trail"):
        op = spec["paths"][path]["get"]
        assert "page" in {p["name"] for p in op["parameters"]}, path
        assert "X-Total-Count" in op["responses"]["200"]["headers"], path
