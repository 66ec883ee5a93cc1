"""The JSON API: every endpoint, and bad uploads answered with a clear Chinese 4xx."""
from __future__ import annotations

import io
import zipfile

import pytest

from web_support import audited_report, login, new_client


@pytest.fixture()
def client(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        yield c


@pytest.fixture()
def seeded(tmp_path):
    c, app = new_client(tmp_path)
    b = app.state.backend
    ids = [b.add_report(audited_report(1, 2022, "甲市司法局")).id,
           b.add_report(audited_report(2, 2023, "甲市司法局")).id,
           b.add_report(audited_report(3, 2023, "乙县民政局", broken=False)).id]
    with c:
        yield c, app, ids


def test_reports_list_has_every_report_with_finding_counts(seeded):
    c, app, ids = seeded
    rows = c.get("/api/reports").json()
    assert sorted(r["id"] for r in rows) == sorted(ids)
    first = next(r for r in rows if r["id"] == ids[0])
    assert first["agency"] == "甲市司法局" and first["year"] == 2022
    assert first["findings"]["error"] >= 1


def test_reports_list_filters_by_year_agency_and_rule(seeded):
    c, app, ids = seeded
    assert {r["id"] for r in c.get("/api/reports", params={"year": 2023}).json()} == set(ids[1:])
    assert {r["id"] for r in c.get("/api/reports", params={"agency": "乙县民政局"}).json()} == {ids[2]}
    code = app.state.backend.get(ids[0])[1].findings[0].code
    got = c.get("/api/reports", params={"rule": code}).json()
    assert ids[0] in {r["id"] for r in got}
    assert all(code in r["rules"] for r in got)


def test_reports_list_pages_with_limit_and_offset(seeded):
    c, app, ids = seeded
    everything = [r["id"] for r in c.get("/api/reports").json()]
    first = [r["id"] for r in c.get("/api/reports", params={"limit": 2}).json()]
    rest = [r["id"] for r in c.get("/api/reports", params={"limit": 2, "offset": 2}).json()]
    assert first + rest == everything and len(first) == 2
    assert c.get("/api/reports", params={"limit": 0}).status_code == 400     # paging: 1 … 500, a Chinese 400


def test_reports_list_filters_by_region(tmp_path):
    c, app = new_client(tmp_path)
    b = app.state.backend
    b.add_report(audited_report(70, 2023, "宁夏回族自治区中卫市沙坡头区司法局"))
    b.add_report(audited_report(71, 2023, "吉林省长春市朝阳区司法局"))
    with c:
        got = c.get("/api/reports", params={"region": "中卫市"}).json()
        assert [r["agency"] for r in got] == ["宁夏回族自治区中卫市沙坡头区司法局"]
        page = c.get("/dashboard", params={"year": 2023, "region": "长春市"}).text
        assert "朝阳区司法局" in page and "沙坡头区司法局" not in page.split('id="dashboard-table"')[1]


def test_report_endpoint_returns_the_canonical_model(seeded):
    c, app, ids = seeded
    body = c.get(f"/api/reports/{ids[1]}").json()
    assert body["summary"]["id"] == ids[1]
    expected = app.state.backend.get(ids[1])[1].to_dict()
    assert body["report"]["tables"] == expected["tables"]
    assert body["report"]["meta"]["agency"] == "甲市司法局"


def test_unknown_report_is_a_chinese_404(client):
    r = client.get("/api/reports/999")
    assert r.status_code == 404 and "不存在" in r.json()["detail"]
    r = client.get("/api/reports/abc")
    assert r.status_code == 422 and "请求参数不正确" in r.json()["detail"]


def test_findings_endpoint_lists_and_filters_findings(seeded):
    c, app, ids = seeded
    report = app.state.backend.get(ids[0])[1]
    got = c.get(f"/api/reports/{ids[0]}/findings").json()
    assert [f["code"] for f in got] == [f.code for f in report.findings]
    errors = c.get(f"/api/reports/{ids[0]}/findings", params={"severity": "error"}).json()
    assert errors and all(f["severity"] == "error" for f in errors)
    assert all(report.findings[f["index"]].code == f["code"] for f in errors)


def test_agency_endpoint_gives_yearly_series(seeded):
    c, app, ids = seeded
    agency_id = c.get(f"/api/reports/{ids[0]}").json()["summary"]["agency_id"]
    body = c.get(f"/api/agencies/{agency_id}").json()
    assert body["agency"]["name"] == "甲市司法局"
    assert body["series"]["years"] == ["2022", "2023"]
    r2023 = app.state.backend.get(ids[1])[1]
    assert body["series"]["new_received"][1] == r2023.tables.applications["new_received"].total
    assert c.get("/api/agencies/9999").status_code == 404


def test_compare_endpoint_gives_indicators_of_reports_and_of_an_agency(seeded):
    c, app, ids = seeded
    body = c.get("/api/compare", params=[("ids", ids[0]), ("ids", ids[2])]).json()
    assert [r["report_id"] for r in body["rows"]] == [ids[0], ids[2]]
    r0 = app.state.backend.get(ids[0])[1]
    assert body["rows"][0]["received"] == r0.tables.applications["new_received"].total
    assert body["indicators"]["received"]
    agency_id = c.get(f"/api/reports/{ids[0]}").json()["summary"]["agency_id"]
    years = c.get("/api/compare", params={"agency_id": agency_id}).json()["rows"]
    assert [r["year"] for r in years] == [2022, 2023]
    assert {r["report_id"] for r in c.get("/api/compare", params={"year": 2023}).json()["rows"]} == set(ids[1:])
    assert c.get("/api/compare", params={"ids": 999}).status_code == 404
    r = c.get("/api/compare")
    assert r.status_code == 400 and "请给出" in r.json()["detail"]


def test_export_endpoint_downloads_the_selected_reports(seeded):
    c, app, ids = seeded
    r = c.get("/api/export", params={"kind": "csv-wide", "year": 2023})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 2                     # header and the two 2023 reports
    x = c.get("/api/export", params={"kind": "xlsx"})
    assert x.status_code == 200 and x.content[:2] == b"PK" and "attachment" in x.headers["content-disposition"]
    bad = c.get("/api/export", params={"kind": "pdf"})
    assert bad.status_code == 400 and "不支持" in bad.json()["detail"]


def test_rectification_list_of_an_agency(seeded):
    c, app, ids = seeded
    agency_id = c.get(f"/api/reports/{ids[0]}").json()["summary"]["agency_id"]
    r = c.get(f"/api/agencies/{agency_id}/rectification", params={"fmt": "docx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "%E6%95%B4%E6%94%B9%E6%B8%85%E5%8D%95" in r.headers["content-disposition"]     # 整改清单
    assert c.get("/api/agencies/9999/rectification").status_code == 404
    page = c.get(f"/agencies/{agency_id}/rectification.xlsx")
    assert page.status_code == 200 and page.content[:2] == b"PK"


def test_openapi_document_lists_the_api(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for p in ("/api/reports", "/api/reports/{report_id}", "/api/reports/{report_id}/findings", "/api/compare",
              "/api/upload", "/api/export", "/api/agencies/{agency_id}", "/api/agencies/{agency_id}/rectification"):
        assert p in paths


# ------------------------------------------------------------------ writes need a login and the CSRF token
def test_upload_without_login_is_refused(client):
    r = client.post("/api/upload", files={"files": ("a.txt", "一、总体情况".encode())})
    assert r.status_code == 401 and "登录" in r.json()["detail"]


def test_upload_without_csrf_token_is_refused(client):
    login(client)
    r = client.post("/api/upload", files={"files": ("a.txt", "一、总体情况".encode())})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]


def test_delete_needs_login_and_removes_the_report_naming_the_record_that_restores_it(seeded):
    c, app, ids = seeded
    assert c.delete(f"/api/reports/{ids[2]}").status_code == 401
    token = login(c)
    r = c.delete(f"/api/reports/{ids[2]}", headers={"X-CSRF-Token": token})
    record = app.state.backend.library.deleted(1)[0]
    assert r.status_code == 200 and r.json() == {"deleted": ids[2], "restore_id": record["id"]}
    assert record["report_id"] == ids[2]
    assert c.get(f"/api/reports/{ids[2]}").status_code == 404
    assert c.delete(f"/api/reports/{ids[2]}", headers={"X-CSRF-Token": token}).status_code == 404


def _upload(c, token, *files):
    return c.post("/api/upload", files=[("files", f) for f in files], headers={"X-CSRF-Token": token})


def test_upload_of_a_wrong_type_is_415_in_chinese(client):
    token = login(client)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    r = _upload(client, token, ("report.txt", png, "text/plain"))
    assert r.status_code == 415
    body = r.json()
    assert body["stored"] == 0 and "不支持的文件类型" in body["files"][0]["message"]
    assert "report.txt" in body["detail"]


def test_upload_too_big_is_413_in_chinese(client):
    token = login(client)
    big = ("一、总体情况\n" * 400_000).encode()      # > 2 MB, the test app's limit
    r = _upload(client, token, ("big.txt", big))
    assert r.status_code == 413 and "文件过大" in r.json()["files"][0]["message"]


def test_upload_of_an_empty_file_is_422(client):
    token = login(client)
    r = _upload(client, token, ("empty.txt", b"  \n"))
    assert r.status_code == 422 and "文件为空" in r.json()["files"][0]["message"]


def test_upload_of_a_corrupt_pdf_is_a_4xx_in_chinese(client):
    token = login(client)
    r = _upload(client, token, ("broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50))
    assert 400 <= r.status_code < 500
    msg = r.json()["files"][0]["message"]
    assert msg and any("\u4e00" <= ch <= "\u9fff" for ch in msg)


def test_zip_upload_reports_each_bad_entry(client):
    token = login(client)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", b"\x00\x01\x02" * 100)     # named as a report, no report inside
        z.writestr("b.txt", b"")
        z.writestr("c.bin", b"\x00\x01\x02" * 100)     # no report format: skipped, not a failure
    r = _upload(client, token, ("batch.zip", buf.getvalue(), "application/zip"))
    assert r.status_code in (415, 422)
    body = r.json()
    names = {f["name"]: f["message"] for f in body["files"]}
    assert "不支持的文件类型" in names["batch.zip/a.txt"] and "文件为空" in names["batch.zip/b.txt"]
    assert body["failed"] == 2 and body["skipped"] == 1 and "不是年度报告格式（.bin 1）" in body["skipped_note"]


def test_corrupt_zip_is_422(client):
    token = login(client)
    data = b"PK\x03\x04" + b"\x00" * 40
    r = _upload(client, token, ("bad.zip", data))
    assert 400 <= r.status_code < 500 and r.json()["files"][0]["message"]


def test_oversized_request_is_refused_before_reading(client):
    token = login(client)
    r = client.post("/api/upload", content=b"x", headers={"X-CSRF-Token": token, "Content-Length": str(2**31),
                                                           "Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413 and "过大" in r.json()["detail"]


def test_job_endpoint_404_for_unknown_job(client):
    r = client.get("/api/jobs/nope")
    assert r.status_code == 404 and "不存在" in r.json()["detail"]


def test_upload_of_a_real_report_stores_it_and_a_second_upload_is_a_duplicate(client):
    from pathlib import Path

    token = login(client)
    sample = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples" / "003_060f1afac52ad05c.txt"
    r = _upload(client, token, (sample.name, sample.read_bytes()))
    assert r.status_code == 201, r.text
    f = r.json()["files"][0]
    assert f["ok"] and f["report_id"] and not f["duplicate"]
    report = client.get(f"/api/reports/{f['report_id']}").json()["report"]
    assert report["source"]["file"] == sample.name and report["meta"]["year"] == f["year"]
    again = _upload(client, token, ("copy.txt", sample.read_bytes())).json()["files"][0]
    assert again["duplicate"] and again["report_id"] == f["report_id"]


def test_upload_of_text_that_is_no_annual_report_is_422_in_chinese(client):
    token = login(client)
    r = _upload(client, token, ("notes.txt", "今天天气很好，我们去公园散步。\n".encode()))
    assert r.status_code == 422 and "年度报告" in r.json()["files"][0]["message"]


def test_api_docs_page_uses_the_bundled_swagger_ui(client):
    page = client.get("/api/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


from store_support import db_url  # noqa: E402,F401  (the store's SQLite + PostgreSQL fixture)


def test_the_web_works_on_sqlite_and_postgresql(db_url, tmp_path):
    from pathlib import Path

    from fastapi.testclient import TestClient

    from nianbao.web.app import Settings, create_app
    from nianbao.web.auth import add_user
    from web_support import PASSWORD

    app = create_app(Settings(db_url=db_url, data_dir=tmp_path / "files", secret="s", workers=1))
    add_user(app.state.backend.engine, "reviewer", PASSWORD)      # the web_users migration ran on this database
    sample = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples" / "000_ef8df38a32860903.txt"
    with TestClient(app) as c:
        token = login(c)
        r = _upload(c, token, (sample.name, sample.read_bytes()))
        assert r.status_code == 201, r.text
        rid = r.json()["files"][0]["report_id"]
        page = c.get(f"/reports/{rid}")
        assert page.status_code == 200 and "红寺堡区司法局" in page.text
        assert c.get(f"/reports/{rid}/source", params={"finding": 0}).status_code == 200
        assert c.delete(f"/api/reports/{rid}", headers={"X-CSRF-Token": token}).status_code == 200
        assert c.get(f"/reports/{rid}").status_code == 404
