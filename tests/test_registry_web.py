"""The registry in the web: tree page, CSV/XLSX upload (reviewers and admins only, CSRF), a region's
entries and deadlines edited by form, the missing-reports page, and the JSON API (in the OpenAPI)."""
from __future__ import annotations

import re
from datetime import date

from web_support import PASSWORD, login, new_client

from nianbao.model import Meta, Report
from nianbao.web.auth import add_user

CSV = """省,市,县,机关名称,类型,报告范围
宁夏回族自治区,中卫市,,司法局,部门,
宁夏回族自治区,中卫市,沙坡头区,司法局,部门,
宁夏回族自治区,中卫市,沙坡头区,沙坡头区人民政府,政府,全域
宁夏回族自治区,中卫市,中宁县,财政局,部门,
""".encode()


def _report(agency: str, n: int, published: date | None) -> Report:
    r = Report(meta=Meta(agency=agency, year=2023, published=published))
    r.source.file, r.source.sha256 = f"{n}.txt", f"{n:064x}"
    return r


def _upload(c, token: str, data: bytes = CSV, name: str = "名录.csv"):
    return c.post("/registry/upload", files={"file": (name, data, "text/csv")}, data={"csrf_token": token})


def test_upload_builds_the_tree_page_and_needs_a_reviewer(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        assert "名录为空" in c.get("/registry").text
        anon = c.post("/registry/upload", files={"file": ("a.csv", CSV, "text/csv")})
        assert anon.status_code in (401, 403)
        token = login(c)
        page = _upload(c, token)
        assert page.status_code == 200 and "新增机关 4 个" in page.text
        tree = c.get("/registry").text
        assert all(n in tree for n in ("宁夏回族自治区", "中卫市", "沙坡头区", "中宁县"))
        assert "新增机关 0 个" in _upload(c, token).text and "未变 4 个" in _upload(c, token).text   # idempotent
        no_csrf = c.post("/registry/upload", files={"file": ("a.csv", CSV, "text/csv")})
        assert no_csrf.status_code == 403


def test_a_bad_file_is_refused_with_its_lines_named(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        token = login(c)
        bad = "省,市,机关名称,类型\n宁夏回族自治区,中卫市,司法局,局\n宁夏回族自治区,中卫市,财政局,\n".encode()
        page = _upload(c, token, bad, "bad.csv")
        assert page.status_code == 400
        assert "第 2 行：类型「局」无法识别" in page.text and "第 3 行" in page.text
        assert "名录为空" in page.text                                    # nothing imported


def test_region_page_edits_entries_and_deadlines_by_form(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        token = login(c)
        _upload(c, token)
        lib = app.state.backend.library
        city = lib.registry.region("中卫市").id
        r = c.post(f"/registry/regions/{city}/deadline", data={"csrf_token": token, "kind": "department", "md": "1月28日"},
                   follow_redirects=False)
        assert r.status_code == 303
        page = c.get(r.headers["location"]).text
        assert "中卫市规定" in page and "01-28" in page
        district = lib.registry.region("沙坡头区").id
        assert "中卫市规定" in c.get(f"/registry/regions/{district}").text     # inherited
        r = c.post(f"/registry/regions/{district}/entries",
                   data={"csrf_token": token, "name": "民政局", "kind": "department", "covers": "", "deadline": ""},
                   follow_redirects=False)
        assert r.status_code == 303
        (e,) = [e for e in lib.registry.expected(district) if e.name == "民政局"]
        r = c.post(f"/registry/entries/{e.id}", data={"csrf_token": token, "name": "民政局", "kind": "department",
                                                      "covers": "office", "deadline": "01-20"})
        assert r.status_code == 200 and lib.registry.entry(e.id).deadline == "01-20"
        refused = c.post(f"/registry/entries/{e.id}", data={"csrf_token": token, "name": "民政局", "kind": "局"},
                         follow_redirects=False)          # post/redirect/get: the reason on the region page
        assert refused.status_code == 303 and refused.headers["location"] == f"/registry/regions/{district}"
        assert "类型「局」无效" in c.get(refused.headers["location"]).text
        assert c.post(f"/registry/entries/{e.id}/delete", data={"csrf_token": "wrong"}).status_code == 403
        assert c.post(f"/registry/entries/{e.id}/delete", data={"csrf_token": token}).status_code == 200
        assert lib.registry.entry(e.id) is None
        assert c.get("/registry/regions/999999").status_code == 404


def test_a_viewer_reads_but_cannot_change(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        token = login(c)
        _upload(c, token)
        c.post("/logout", data={"csrf_token": token})
        add_user(app.state.backend.engine, "guest", PASSWORD, role="viewer")
        token = login(c, "guest")
        city = app.state.backend.library.registry.region("中卫市").id
        page = c.get(f"/registry/regions/{city}")
        assert page.status_code == 200 and "司法局" in page.text
        r = c.post(f"/registry/regions/{city}/deadline", data={"csrf_token": token, "kind": "department", "md": "01-28"})
        assert r.status_code == 403 and app.state.backend.library.registry.region(city).deadlines == {}


def test_missing_page_and_api_count_the_planted_cases(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        token = login(c)
        _upload(c, token)
        lib = app.state.backend.library
        lib.registry.set_deadline(lib.registry.region("中卫市").id, "department", "01-28")
        app.state.backend.add_report(_report("中卫市司法局", 1, date(2024, 1, 20)))          # on time
        app.state.backend.add_report(_report("中卫市沙坡头区司法局", 2, date(2024, 1, 30)))  # 2 days late
        app.state.backend.add_report(_report("沙坡头区", 3, None))                          # no date
        page = c.get("/missing", params={"region": "中卫市", "year": 2023})
        assert page.status_code == 200
        counts = re.sub(r"<[^>]+>", "", re.search(r'id="missing-counts">(.*?)</p>', page.text, re.S).group(1))
        assert "应公开 4" in counts and "已公开 3" in counts and "按期 1" in counts and "逾期 1" in counts
        assert "发布日期不明 1" in counts and "未公开 1" in counts
        api = c.get("/api/missing", params={"region": "中卫市", "year": 2023, "today": "2024-06-01"}).json()
        assert api["counts"] == {"expected": 4, "published": 3, "on_time": 1, "late": 1, "unknown": 1, "missing": 1,
                                 "not_due": 0, "unregistered": 0}
        late = next(a for a in api["agencies"] if a["status"] == "late")
        assert (late["days_late"], late["deadline_source"]) == (2, "中卫市规定")
        unknown = c.get("/missing", params={"region": "火星区", "year": 2023})
        assert unknown.status_code == 404 and "不在名录中" in unknown.text
        assert c.get("/api/missing", params={"region": "火星区", "year": 2023}).status_code == 404


def test_registry_api_reads_changes_and_is_documented(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        paths = c.get("/api/openapi.json").json()["paths"]
        for p in ("/api/registry/regions", "/api/registry/regions/{ref}", "/api/registry/import",
                  "/api/registry/entries/{entry_id}", "/api/registry/regions/{region_id}/deadlines/{kind}",
                  "/api/registry/regions/{region_id}/config", "/api/missing"):
            assert p in paths, p
        assert c.post("/api/registry/import", files={"file": ("a.csv", CSV, "text/csv")}).status_code in (401, 403)
        token = login(c)
        h = {"X-CSRF-Token": token}
        res = c.post("/api/registry/import", files={"file": ("a.csv", CSV, "text/csv")}, headers=h)
        assert res.status_code == 200 and res.json()["entries_created"] == 4
        bad = c.post("/api/registry/import", files={"file": ("b.csv", "省,机关名称,类型\n宁夏回族自治区,司法厅,局\n".encode(),
                                                                 "text/csv")}, headers=h)
        assert bad.status_code == 400 and bad.json()["errors"] == ["第 2 行：类型「局」无法识别（可用：政府、部门、乡镇、开发区）"]
        regions = c.get("/api/registry/regions").json()
        city = next(r for r in regions if r["name"] == "中卫市")
        assert city["full_name"] == "宁夏回族自治区中卫市" and city["entries"] == 1
        e = c.post(f"/api/registry/regions/{city['id']}/entries", json={"name": "财政局", "kind": "department"},
                   headers=h)
        assert e.status_code == 201
        eid = e.json()["id"]
        patched = c.patch(f"/api/registry/entries/{eid}", json={"deadline": "1月20日", "covers": "office"}, headers=h)
        assert patched.json()["deadline"] == "01-20" and patched.json()["covers"] == "office"
        r = c.put(f"/api/registry/regions/{city['id']}/deadlines/department", json={"md": "02-20"}, headers=h)
        assert r.json()["deadlines"] == {"department": "02-20"}
        detail = c.get("/api/registry/regions/沙坡头区").json()
        assert detail["deadlines_in_force"]["department"]["source"] == "中卫市规定"
        assert {i["name"] for i in detail["items"]} == {"司法局", "沙坡头区人民政府"}
        cfg = c.put(f"/api/registry/regions/{city['id']}/config", json={"yaml": "deadlines: {局: '01-01'}"}, headers=h)
        assert cfg.status_code == 400 and "局" in cfg.json()["detail"]
        ok = c.put(f"/api/registry/regions/{city['id']}/config", json={"yaml": "similarity: {X005: 0.6}\n"}, headers=h)
        assert ok.status_code == 200 and ok.json()["has_config"] is True
        assert c.delete(f"/api/registry/entries/{eid}", headers=h).json() == {"deleted": eid}
        assert c.delete(f"/api/registry/entries/{eid}", headers=h).status_code == 404
        assert c.get("/api/registry/regions/火星区").status_code == 404


def test_region_config_is_saved_validated_and_removed_by_form(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        token = login(c)
        _upload(c, token)
        reg = app.state.backend.library.registry
        city = reg.region("中卫市").id
        bad = c.post(f"/registry/regions/{city}/config", data={"csrf_token": token, "yaml": "deadlines: {局: '01-01'}"})
        assert bad.url.path == f"/registry/regions/{city}" and "未知的机关类型" in bad.text
        assert "deadlines: {局: &#39;01-01&#39;}</textarea>" in bad.text and reg.region(city).config is None
        ok = c.post(f"/registry/regions/{city}/config", data={"csrf_token": token, "yaml": 'deadlines: {department: "01-26"}'})
        assert ok.status_code == 200 and "已保存辖区配置" in ok.text
        assert "01-26" in c.get(f"/registry/regions/{reg.region('沙坡头区').id}").text     # inherited by the district
        c.post(f"/registry/regions/{city}/config", data={"csrf_token": token, "yaml": ""})
        assert reg.region(city).config is None


def test_missing_page_refuses_a_bad_or_out_of_range_year_with_a_chinese_400(tmp_path):
    """A bad `?year=` is the 400 of every other page, not silently the latest year."""
    c, app = new_client(tmp_path)
    with c:
        token = login(c)
        _upload(c, token)
        app.state.backend.add_report(_report("中卫市司法局", 1, date(2024, 1, 20)))
        for bad in ("abc", "1989", "2101", "1e17", "99999999999999999999"):
            page = c.get("/missing", params={"region": "中卫市", "year": bad})
            assert page.status_code == 400, (bad, page.status_code)
            assert "年度应为 1990 到 2100 之间的整数" in page.text
        assert c.get("/missing", params={"region": "中卫市", "year": ""}).status_code == 200   # empty: latest
        assert 'id="missing-counts"' in c.get("/missing", params={"region": "中卫市", "year": ""}).text


def test_a_refused_form_redirects_to_the_region_page_with_the_reason_once_and_the_value_typed(tmp_path):
    """Post/redirect/get: a bad 期限 is not a 400 at …/deadline (a reload would post it again) but a 303
    back to the region page, which shows the reason once with the form still holding what was typed."""
    c, app = new_client(tmp_path)
    with c:
        token = login(c)
        _upload(c, token)
        reg = app.state.backend.library.registry
        city = reg.region("中卫市").id
        r = c.post(f"/registry/regions/{city}/deadline", data={"csrf_token": token, "kind": "department", "md": "13-45"},
                   follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/registry/regions/{city}"
        page = c.get(r.headers["location"])
        assert page.status_code == 200 and 'role="alert"' in page.text and reg.region(city).deadlines == {}
        assert 'name="md" value="13-45"' in page.text
        again = c.get(f"/registry/regions/{city}").text               # a reload: the page, not the error
        assert 'class="alert error"' not in again and 'value="13-45"' not in again

        add = c.post(f"/registry/regions/{city}/entries", data={"csrf_token": token, "name": "审计局", "kind": "department",
                                                                "covers": "office", "deadline": "99-99"})
        assert add.url.path == f"/registry/regions/{city}" and 'class="alert error"' in add.text
        assert 'name="name" value="审计局"' in add.text and 'name="deadline" value="99-99"' in add.text
        assert not [e for e in reg.expected(city) if e.name == "审计局"]

        long_yaml = "deadlines: {局: '01-01'}\n" + "# 说明\n" * 400
        cfg = c.post(f"/registry/regions/{city}/config", data={"csrf_token": token, "yaml": long_yaml})
        assert cfg.url.path == f"/registry/regions/{city}" and "未能保留在表单中" in cfg.text
        assert len(c.cookies.get("nianbao_session", "")) < 4000                        # the session cookie stays small

        ok = c.post(f"/registry/regions/{city}/deadline", data={"csrf_token": token, "kind": "department", "md": "01-28"})
        assert ok.url.path == f"/registry/regions/{city}" and "已设定部门期限 01-28" in ok.text
        assert "已设定部门期限" not in c.get(f"/registry/regions/{city}").text


def test_a_registry_import_redirects_to_the_tree_with_its_figures_once(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        token = login(c)
        r = c.post("/registry/upload", files={"file": ("名录.csv", CSV, "text/csv")}, data={"csrf_token": token},
                   follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/registry"
        page = c.get("/registry").text
        assert "已导入 名录.csv" in page and "新增机关 4 个" in page
        assert "已导入" not in c.get("/registry").text                          # a reload imports nothing
        bad = _upload(c, token, b"\xff\xfe garbage", "坏.csv")                # every bad line: answered in place
        assert bad.status_code == 400 and "坏.csv 未导入" in bad.text
