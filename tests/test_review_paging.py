"""The review lists are paged and counted in SQL: /api/review/cases and the trails say their total
and neighbouring pages in headers; progress per region is a GROUP BY that agrees with the cases."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from web_support import audited_report, new_client


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    c, app = new_client(tmp_path_factory.mktemp("review-paging"))
    with c:
        b = app.state.backend
        regions = ("甲市", "乙县")
        ids = [b.add_report(audited_report(3000 + i, 2023, agency=f"{regions[i % 2]}第{i:02d}局")).id
               for i in range(12)]
        lib = b.library
        for rid in ids[:3]:         # 退回整改 needs a confirmed finding: one added by hand (starts the review)
            lib.add_finding(rid, "合计不符", user="张三", path="tables.applications.granted.total")
            case = lib.case(rid)
            lib.set_status(rid, "退回整改", user="张三", deadline=date(2020, 1, 1), expected_version=case["version"])
        lib.set_status(ids[3], "审核中", user="张三")
        case = lib.case(ids[3])
        lib.set_status(ids[3], "通过", user="张三", expected_version=case["version"])
        yield c, app, ids


def test_review_cases_are_paged_with_total_and_links(site):
    c, app, ids = site
    r = c.get("/api/review/cases", params={"limit": 5})
    assert r.status_code == 200 and len(r.json()) == 5 and r.headers["x-total-count"] == "12"
    assert 'rel="next"' in r.headers["link"] and 'rel="prev"' not in r.headers["link"]
    pages = [c.get("/api/review/cases", params={"limit": 5, "page": n}).json() for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [5, 5, 2]
    assert sorted(x["report_id"] for p in pages for x in p) == sorted(ids)


def test_review_case_filters_count_in_sql(site):
    c, app, ids = site
    late = c.get("/api/review/cases", params={"status": "逾期"})
    assert late.headers["x-total-count"] == "3" and {x["report_id"] for x in late.json()} == set(ids[:3])
    assert all(x["overdue"] for x in late.json())
    waiting = c.get("/api/review/cases", params={"status": "待审"})
    assert waiting.headers["x-total-count"] == "8"
    passed = c.get("/api/review/cases", params={"status": "通过", "region": "乙县"})
    assert [x["report_id"] for x in passed.json()] == [ids[3]] and passed.headers["x-total-count"] == "1"


def test_progress_per_region_agrees_with_the_cases(site):
    c, app, ids = site
    rows = {r["region"]: r for r in c.get("/api/review/progress").json()}
    cases = c.get("/api/review/cases", params={"limit": 500}).json()
    for region, row in rows.items():
        mine = [x for x in cases if (x["region"] or "（未识别地区）") == region]
        st = Counter(x["status"] for x in mine)
        assert row["reports"] == len(mine) and row["returned"] == st["退回整改"] and row["passed"] == st["通过"]
        assert row["overdue"] == sum(x["overdue"] for x in mine)
        assert row["reviewed"] == len(mine) - st["待审"]
    assert sum(r["reports"] for r in rows.values()) == 12


def test_trails_are_paged_with_total(site):
    c, app, ids = site
    full = c.get(f"/api/review/reports/{ids[0]}/trail", params={"limit": 500})
    n = int(full.headers["x-total-count"])
    assert n == len(full.json()) >= 2
    first = c.get(f"/api/review/reports/{ids[0]}/trail", params={"limit": 1, "page": 2})
    assert first.json() == full.json()[1:2]
    everything = c.get("/api/review/trail", params={"limit": 3})
    assert len(everything.json()) == 3 and int(everything.headers["x-total-count"]) >= 12


@pytest.mark.parametrize("value", ["1e17", str(10**30), "0"])
def test_a_huge_review_page_number_is_a_chinese_400(site, value):
    c, app, ids = site
    for url in ("/api/review/cases", "/api/review/trail", f"/api/review/reports/{ids[0]}/trail"):
        r = c.get(url, params={"page": value})
        assert r.status_code == 400 and "页码" in r.json()["detail"], (url, r.text)
