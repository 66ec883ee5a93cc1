"""Web: the side-by-side view of copied passages (X002 and X005 alike) linked from the findings on the
report page, the copied pairs of a year, the roll-up page, and their JSON API."""
from __future__ import annotations

import random

from test_similarity import UNRELATED_1, UNRELATED_5, _filled, _report
from web_support import login, new_client

from nianbao.oversight.regional import registry_of
from nianbao.oversight.registry import parse_registry

REGISTRY = """省,市,县,机关名称,类型,报告范围
宁夏回族自治区,中卫市,沙坡头区,沙坡头区人民政府,政府,全域
宁夏回族自治区,中卫市,沙坡头区,司法局,部门,
宁夏回族自治区,中卫市,沙坡头区,民政局,部门,
宁夏回族自治区,中卫市,沙坡头区,财政局,部门,
""".encode()


def _store_region(app) -> dict[str, int]:
    """Three departments of 沙坡头区 in 2023: 司法局 and 民政局 filled in one template, 财政局 its own text;
    the registry expects them and the district government (no report: the roll-up cannot be compared)."""
    backend = app.state.backend
    rng = random.Random(11)
    ids = {}
    for name in ("司法局", "民政局"):
        ids[name] = backend.add_report(_filled(f"中卫市沙坡头区{name}", 2023, rng)).id
    ids["财政局"] = backend.add_report(_report("中卫市沙坡头区财政局", 2023, UNRELATED_1, UNRELATED_5)).id
    registry_of(backend.library).import_rows(parse_registry(REGISTRY, "registry.csv"))
    return ids


def test_x005_finding_links_to_the_side_by_side_view_with_marked_passages(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        ids = _store_region(app)
        lib = app.state.backend.library
        res = lib.audit_region(region="沙坡头区", year=2023)
        assert sorted(res.changed) == sorted([ids["司法局"], ids["民政局"]])
        a, b = ids["司法局"], ids["民政局"]
        page = c.get(f"/reports/{a}")
        assert page.status_code == 200 and "X005" in page.text
        assert f'href="/copied/{a}/{b}"' in page.text
        view = c.get(f"/copied/{a}/{b}")
        assert view.status_code == 200 and "<mark>" in view.text and "与同级机关报告雷同" in view.text
        assert "中卫市沙坡头区民政局" in view.text
        # the agency's own name differs between the two: never inside a mark
        assert "<mark>中卫市沙坡头区司法局" not in view.text
        api = c.get(f"/api/copied/{a}/{b}").json()
        assert api["share"] > 0.8 and api["relation"] == "sibling"
        s1 = api["sections"][0]
        assert s1["no"] == 1 and s1["this"]["spans"] and all(0 <= x < y <= len(s1["this"]["text"])
                                                            for x, y in s1["this"]["spans"])
        assert c.get(f"/copied/{a}/999999").status_code == 404


def test_a_pair_naming_a_deleted_report_says_so_and_names_the_report_it_was_restored_as(tmp_path):
    """An older version's finding may still name a sibling deleted since: the link answers why."""
    c, app = new_client(tmp_path)
    with c:
        ids = _store_region(app)
        lib = app.state.backend.library
        a, b = ids["司法局"], ids["民政局"]
        record = lib.delete(b, user="t")
        for path in (f"/copied/{a}/{b}", f"/api/copied/{a}/{b}"):
            r = c.get(path)
            assert r.status_code == 404 and f"报告 {b} 已删除（删除记录 {record}）" in r.text, r.text
        now = lib.restore(record, user="t")
        r = c.get(f"/api/copied/{b}/{a}")
        assert r.status_code == 404 and f"已恢复为报告 {now}：/copied/{now}/{a}" in r.json()["detail"]
        assert c.get(f"/copied/{now}/{a}").status_code == 200
        assert "报告 999999 不存在" in c.get(f"/api/copied/{a}/999999").json()["detail"]


def test_copied_pairs_page_and_api_list_the_pair_and_not_the_unrelated_report(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        ids = _store_region(app)
        assert c.get("/api/copied?year=2023").json() == []      # not compared yet: registry came after
        assert "nianbao region-audit" in c.get("/copied?year=2023").text
        app.state.backend.library.audit_region(year=2023)
        pairs = c.get("/api/copied?year=2023").json()
        got = {(p["report_id"], p["other_report_id"]) for p in pairs}
        a, b = ids["司法局"], ids["民政局"]
        assert got == {(a, b), (b, a)}
        assert all(p["threshold"] == 0.5 for p in pairs)
        page = c.get("/copied?year=2023")
        assert page.status_code == 200 and f'/copied/{a}/{b}' in page.text and "财政局" not in page.text


def test_rollup_page_says_why_it_cannot_compare(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        _store_region(app)
        page = c.get("/rollup?region=沙坡头区&year=2023")
        assert page.status_code == 200 and "该地区人民政府本年度报告未入库" in page.text
        api = c.get("/api/rollup", params={"region": "沙坡头区", "year": 2023}).json()
        assert api["status"] == "no_report" and api["cells"] == []
        assert c.get("/api/rollup", params={"region": "不存在县", "year": 2023}).status_code in (400, 404)


def test_region_audit_api_needs_a_login(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        _store_region(app)
        assert c.post("/api/region-audit", json={"year": 2023}).status_code in (401, 403)
        token = login(c)
        r = c.post("/api/region-audit", json={"region": "沙坡头区", "year": 2023}, headers={"X-CSRF-Token": token})
        assert r.status_code == 200 and r.json()["audited"] == 3


def test_x002_finding_links_to_last_years_report_side_by_side(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        rng = random.Random(12)
        backend = app.state.backend
        prev = backend.add_report(_filled("中卫市沙坡头区司法局", 2022, rng)).id
        cur = backend.add_report(_filled("中卫市沙坡头区司法局", 2023, rng)).id
        page = c.get(f"/reports/{cur}")
        assert "X002" in page.text and f'href="/copied/{cur}/{prev}"' in page.text
        view = c.get(f"/copied/{cur}/{prev}")
        assert view.status_code == 200 and "与上年报告雷同" in view.text and "<mark>" in view.text


def test_r001_finding_links_to_the_rollup_page(tmp_path):
    from test_audit_region import REGISTRY_CSV, _dept, _gov

    c, app = new_client(tmp_path)
    with c:
        lib = app.state.backend.library
        lib.import_registry(REGISTRY_CSV.format(covers="全域").encode(), "r.csv")
        rng = random.Random(13)
        parts = [_dept(n, 2023, rng, copied=(n != "财政局")) for n in ("司法局", "民政局", "财政局")]
        for p in parts:
            lib.add_report(p)
        g = lib.add_report(_gov(parts, 2023, rng, shift=7))
        page = c.get(f"/reports/{g}")
        assert "R001" in page.text and "/rollup?region=" in page.text
        link = page.text.split('class="rollup-link small" href="')[1].split('"')[0].replace("&amp;", "&")
        rollup = c.get(link)
        assert rollup.status_code == 200 and "不一致" in rollup.text and "7" in rollup.text
        assert "沙坡头区司法局" in rollup.text or "司法局" in rollup.text


def test_copied_pairs_of_regions_are_read_once_a_year_and_follow_a_regional_pass(tmp_path):
    """Each region's pairs are a filter of the year's (read once for every region): listed before
    the pass, a region's list is empty; after it, the district's and the city's both name the pair."""
    c, app = new_client(tmp_path)
    with c:
        ids = _store_region(app)
        lib = app.state.backend.library
        assert lib.copied(year=2023, region="中卫市") == [] and lib.copied(year=2023, region="沙坡头区") == []
        lib.audit_region(region="沙坡头区", year=2023)
        pair = sorted([ids["司法局"], ids["民政局"]])
        for region in ("沙坡头区", "中卫市", None):
            got = lib.copied(year=2023, region=region)
            assert sorted((p["report_id"], p["other_report_id"]) for p in got) == [tuple(pair), tuple(pair[::-1])]
        assert lib.copied(year=2022, region="中卫市") == []
