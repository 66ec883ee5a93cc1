"""Server-rendered pages: official tables with highlighted cells, source view, escaping, login,
CSRF, web upload with per-file progress, dashboard and agency charts."""
from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import pytest

from nianbao.form import FORM_2019, FORM_2021
from nianbao.web.auth import LoginThrottle
from store_support import db_url  # noqa: F401  (SQLite and PostgreSQL)
from web_support import PASSWORD, audited_report, login, new_client, web_engine

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples"


@pytest.fixture()
def site(tmp_path):
    c, app = new_client(tmp_path)
    with c:
        yield c, app


def _chart_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def _wait_job(c, job_id: str, timeout: float = 30) -> dict:
    end = time.time() + timeout
    while time.time() < end:
        j = c.get(f"/api/jobs/{job_id}").json()
        if j["finished"]:
            return j
        time.sleep(0.1)
    raise AssertionError("upload job did not finish")


def test_report_page_draws_table_three_with_the_official_merged_cells(site):
    c, app = site
    s = app.state.backend.add_report(audited_report(5))
    page = c.get(f"/reports/{s.id}").text
    outcome_rows = len(FORM_2021.identities("T302")[0].rhs) + 1          # the 21 outcomes and （七）总计
    assert f'rowspan="{outcome_rows}"' in page and "三、本年度办理结果" in page
    assert 'rowspan="8"' in page and "（三）不予公开" in page
    assert 'colspan="5"' in page and "法人或其他组织" in page
    for table in FORM_2021.tables:
        assert table.title in page


def test_report_page_highlights_the_cell_a_finding_points_at(site):
    c, app = site
    report = audited_report(7)
    s = app.state.backend.add_report(report)
    page = c.get(f"/reports/{s.id}").text
    flagged = re.findall(r'<td[^>]*class="val[^"]*flagged[^"]*" data-path="([^"]+)"', page)
    assert flagged
    cell_paths = {f.path for f in report.findings if f.path and f.path.count(".") >= 2}
    for p in flagged:       # every highlighted cell is one a finding names, or in a row a finding names
        assert any(p == fp or p.startswith(fp + ".") for fp in cell_paths) or \
            any(p in json.dumps(f.data) or p.removeprefix("tables.") in json.dumps(f.data) for f in report.findings)


def test_report_text_is_escaped_not_executed(site):
    c, app = site
    report = audited_report(9, agency="<script>alert('x')</script>局")
    report.sections[0].text = "正文<img src=x onerror=alert(1)>结束"
    s = app.state.backend.add_report(report)
    for url in (f"/reports/{s.id}", "/", f"/dashboard?year={report.meta.year}"):
        page = c.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert" in page
    assert "正文&lt;img src=x onerror=alert(1)&gt;结束" in c.get(f"/reports/{s.id}").text


def test_clicking_a_finding_shows_its_source_line_from_the_uploaded_file(site):
    c, app = site
    token = login(c)
    sample = SAMPLES / "001_9944da9601cf06f9.txt"
    r = c.post("/upload", files=[("files", (sample.name, sample.read_bytes()))], headers={"X-CSRF-Token": token,
                                                                                       "HX-Request": "true"})
    assert r.status_code == 200
    job_id = re.search(r"/upload/jobs/([\w-]+)", r.text).group(1)
    report_id = _wait_job(c, job_id)["files"][0]["report_id"]
    report = app.state.backend.get(report_id)[1]
    lines = sample.read_bytes().decode("utf-8-sig").splitlines()
    i, f = next((i, f) for i, f in enumerate(report.findings) if f.evidence and f.evidence.line)
    frag = c.get(f"/reports/{report_id}/source?finding={i}", headers={"HX-Request": "true"}).text
    marked = re.search(r'<span class="line hl" data-line="(\d+)"><span class="ln">\d+</span>(.*?)\n</span>', frag, re.S)
    assert int(marked.group(1)) == f.evidence.line
    assert html.unescape(marked.group(2)) == lines[f.evidence.line - 1]


def test_clicking_a_cell_shows_the_findings_on_it(site):
    c, app = site
    report = audited_report(11)
    s = app.state.backend.add_report(report)
    f = next(f for f in report.findings if f.path and f.path.startswith("tables.applications."))
    frag = c.get(f"/reports/{s.id}/source", params={"path": f.path}).text
    assert html.escape(f.message) in frag or f.code in frag


def test_login_with_a_wrong_password_is_refused(site):
    c, _ = site
    page = c.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = c.post("/login", data={"name": "reviewer", "password": "wrong password", "csrf_token": token})
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    assert c.get("/api/session").json()["user"] is None


def test_repeated_failed_logins_are_refused_for_a_while_even_with_the_right_password(site):
    c, app = site
    app.state.login_throttle.limit = 3
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    attempt = lambda pw: c.post("/login", data={"name": "reviewer", "password": pw, "csrf_token": token},  # noqa: E731
                                follow_redirects=False)
    assert [attempt("wrong password").status_code for _ in range(3)] == [401, 401, 401]
    r = attempt(PASSWORD)
    assert r.status_code == 429 and "登录失败次数过多" in r.text
    assert c.get("/api/session").json()["user"] is None


def test_login_throttle_forgets_failures_after_its_window_and_after_a_success(db_url):
    now = [0.0]
    t = LoginThrottle(web_engine(db_url), limit=2, window=60, clock=lambda: now[0])
    t.failed("1.2.3.4", "a")
    t.failed("1.2.3.4", "a")
    assert t.wait_seconds("1.2.3.4", "a") == 61 and t.wait_seconds("5.6.7.8", "a") == 0
    now[0] = 60.0
    assert t.wait_seconds("1.2.3.4", "a") == 0
    t.failed("1.2.3.4", "b")
    t.succeeded("1.2.3.4", "b")
    t.failed("1.2.3.4", "b")
    assert t.wait_seconds("1.2.3.4", "b") == 0


def test_report_list_is_paged(tmp_path):
    c, app = new_client(tmp_path)
    app.state.settings.page_size = 2
    with c:
        for seed in range(5):
            app.state.backend.add_report(audited_report(seed, agency=f"某县第{seed}局"))
        pages = [c.get("/", params={"page": n}).text for n in (1, 2, 3, 4)]
    shown = [re.findall(r'<a href="/reports/\d+">([^<]+)</a>', p) for p in pages]
    assert [len(x) for x in shown] == [2, 2, 1, 0]
    assert sorted(sum(shown, [])) == [f"某县第{i}局" for i in range(5)]
    assert "下一页" in pages[0] and "上一页" not in pages[0] and "下一页" not in pages[2]
    assert "没有更多报告了" in pages[3]


def test_forms_without_the_csrf_token_are_refused(site):
    c, app = site
    r = c.post("/login", data={"name": "reviewer", "password": "correct horse 42"})
    assert r.status_code == 403 and "CSRF" in r.text
    login(c)
    s = app.state.backend.add_report(audited_report(12))
    r = c.post(f"/reports/{s.id}/delete", data={"csrf_token": "forged"})
    assert r.status_code == 403
    assert app.state.backend.get(s.id) is not None


def test_upload_page_asks_anonymous_users_to_log_in(site):
    c, _ = site
    r = c.get("/upload", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert c.post("/upload", files=[("files", ("a.txt", b"x"))]).status_code == 401


def test_web_upload_reports_each_file_and_stores_the_good_ones(site):
    c, app = site
    token = login(c)
    good = SAMPLES / "002_e5f07f85354855e1.txt"
    files = [("files", (good.name, good.read_bytes())),
             ("files", ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)),
             ("files", ("notes.txt", "今天天气很好。\n".encode()))]
    r = c.post("/upload", files=files, data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[1]
    job = _wait_job(c, job_id)
    by_name = {f["name"]: f for f in job["files"]}
    assert by_name[good.name]["state"] == "done" and by_name[good.name]["report_id"]
    assert by_name["photo.txt"]["state"] == "error" and "不支持的文件类型" in by_name["photo.txt"]["message"]
    assert by_name["notes.txt"]["state"] == "error" and by_name["notes.txt"]["message"]
    page = c.get(f"/upload/jobs/{job_id}").text
    assert "处理完成" in page and "失败" in page and "已入库" in page
    assert app.state.backend.get(by_name[good.name]["report_id"]) is not None


def test_delete_form_removes_the_report(site):
    c, app = site
    token = login(c)
    s = app.state.backend.add_report(audited_report(13))
    r = c.post(f"/reports/{s.id}/delete", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get(f"/reports/{s.id}").status_code == 404


def test_dashboard_counts_findings_by_rule_and_severity_and_filters(site):
    c, app = site
    b = app.state.backend
    reports = [audited_report(20 + i, 2023, agency=f"第{i}号局") for i in range(4)]
    for r in reports:
        b.add_report(r)
    b.add_report(audited_report(30, 2022, agency="去年局"))
    page = c.get("/dashboard", params={"year": 2023}).text
    data = _chart_data(page)
    expected: dict[tuple[str, str], int] = {}
    for r in reports:
        for f in r.findings:
            expected[(f.code, f.severity)] = expected.get((f.code, f.severity), 0) + 1
    got = {(code, s["severity"]): n for s in data["series"] for code, n in zip(data["codes"], s["data"]) if n}
    assert got == expected
    assert "去年局" not in page and all(f"第{i}号局" in page for i in range(4))
    code = reports[0].findings[0].code
    filtered = c.get("/dashboard", params={"year": 2023, "rule": code}).text
    for i, r in enumerate(reports):
        assert (f"第{i}号局" in filtered) == any(f.code.startswith(code) for f in r.findings)


def test_agency_page_has_the_yearly_charts(site):
    c, app = site
    b = app.state.backend
    ids = [b.add_report(audited_report(40 + y, y, agency="丙区司法局")).id for y in (2021, 2022, 2023)]
    agency_id = b.get(ids[0])[0].agency_id
    page = c.get(f"/agencies/{agency_id}").text
    assert page.count('data-chart="agency-') == 3 and "/static/vendor/echarts.min.js" in page
    data = _chart_data(page)
    assert data["years"] == ["2021", "2022", "2023"]
    assert data["new_received"] == [b.get(i)[1].tables.applications["new_received"].total for i in ids]
    assert 'id="indicators"' in page and f"/agencies/{agency_id}/rectification.xlsx" in page


def test_dashboard_offers_the_exports(site):
    c, app = site
    app.state.backend.add_report(audited_report(60, 2023))
    page = c.get("/dashboard").text
    links = re.findall(r'href="(/exports/[^"]+)"', page)
    assert len(links) == len(app.state.backend.export_kinds())
    for link in links:
        r = c.get(html.unescape(link))
        assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    rect = re.findall(r'href="(/agencies/\d+/rectification\.docx[^"]*)"', page)
    assert rect and c.get(html.unescape(rect[0])).content[:2] == b"PK"


def test_pages_send_security_headers_and_bundled_assets(site):
    c, _ = site
    r = c.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "/static/vendor/htmx.min.js" in r.text and "cdn" not in r.text.lower()
    assert c.get("/static/vendor/htmx.min.js").status_code == 200
    assert c.get("/static/vendor/echarts.min.js").status_code == 200


def test_unknown_pages_answer_in_chinese(site):
    c, _ = site
    r = c.get("/reports/424242")
    assert r.status_code == 404 and "不存在" in r.text


def test_report_page_shows_new_findings_after_the_store_re_audits_it(site):
    c, app = site
    b = app.state.backend
    later = b.add_report(audited_report(50, 2023, agency="丁县司法局", broken=False))
    before = c.get(f"/reports/{later.id}").text          # rendered and cached
    assert "X00" not in before
    earlier = audited_report(51, 2022, agency="丁县司法局", broken=False)
    for key, row in earlier.tables.applications.items():       # a year before with figures far off
        for col in ("natural_person", "total"):
            if getattr(row, col) is not None:
                setattr(row, col, getattr(row, col) * 50 + 1000)
    b.add_report(earlier)                                 # the store re-audits 2023 against 2022
    now = b.get(later.id)[1]
    assert any(f.code.startswith("X") for f in now.findings)
    page = c.get(f"/reports/{later.id}").text
    assert all(f.code in page for f in now.findings)
    b.delete(later.id)
    assert c.get(f"/reports/{later.id}").status_code == 404


FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"


def _upload_api(c, token, path: Path) -> int:
    r = c.post("/api/upload", files=[("files", (path.name, path.read_bytes()))], headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    return r.json()["files"][0]["report_id"]


def test_pdf_source_view_shows_the_page_with_the_region_outlined(site):
    c, app = site
    token = login(c)
    report_id = _upload_api(c, token, FORMATS / "synth2021.pdf")
    report = app.state.backend.get(report_id)[1]
    path = "tables.applications.new_received.total"
    pos = report.provenance[path]
    frag = c.get(f"/reports/{report_id}/source", params={"path": path}).text
    assert 'data-kind="pdf"' in frag and f"/reports/{report_id}/pages/{pos.page}.png" in frag
    box = re.search(r'class="hlbox" style="left: ([\d.]+)%; top: ([\d.]+)%', frag)
    import pypdfium2 as pdfium
    w, h = pdfium.PdfDocument((FORMATS / "synth2021.pdf").read_bytes())[pos.page - 1].get_size()
    assert abs(float(box.group(1)) - 100 * pos.bbox[0] / w) < 0.01
    assert abs(float(box.group(2)) - 100 * pos.bbox[1] / h) < 0.01
    png = c.get(f"/reports/{report_id}/pages/{pos.page}.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert c.get(f"/reports/{report_id}/pages/999.png").status_code == 404


@pytest.mark.parametrize("name", ["synth2021.docx", "synth2021.html"])
def test_docx_and_html_source_view_shows_the_table_with_the_cell_marked(site, name):
    c, app = site
    token = login(c)
    report_id = _upload_api(c, token, FORMATS / name)
    report = app.state.backend.get(report_id)[1]
    path = "tables.applications.granted.total"
    frag = c.get(f"/reports/{report_id}/source", params={"path": path}).text
    assert 'data-kind="table"' in frag
    marked = re.findall(r'<td class="hl">(.*?)</td>', frag)
    assert len(marked) == 1
    assert float(marked[0].replace(",", "")) == report.tables.cell(path.removeprefix("tables."))


def test_without_the_original_a_text_finding_shows_its_sentence_in_the_section(site):
    c, app = site
    from nianbao import api
    report = api.audit(api.parse_file(SAMPLES / "001_9944da9601cf06f9.txt"))   # as `nianbao ingest` stores it
    s = app.state.backend.add_report(report)
    i, f = next((i, f) for i, f in enumerate(report.findings) if (f.path or "").startswith("narrative"))
    fact = report.narrative[int(re.search(r"\d+", f.path).group())]
    frag = c.get(f"/reports/{s.id}/source", params={"finding": i}).text
    assert 'data-kind="section"' in frag and "未保存原文件" in frag
    marked = re.search(r'<mark class="hl">(.*?)</mark>', frag, re.S).group(1)
    assert re.sub(r"\s", "", html.unescape(marked)) == re.sub(r"\s", "", fact.text)


def test_a_2019_format_report_is_drawn_in_the_2019_layout(site):
    c, app = site
    token = login(c)
    report_id = _upload_api(c, token, FORMATS / "synth2019a.docx")
    report = app.state.backend.get(report_id)[1]
    assert report.format == "2019"
    page = c.get(f"/reports/{report_id}").text
    assert "本年新制作数量" in page and "政府集中采购" in page            # table 二 of 2019
    outcome_rows = len(FORM_2019.identities("T302")[0].rhs) + 1       # 19 outcomes with （六）其他处理, and （七）总计
    assert f'rowspan="{outcome_rows}"' in page
    row = re.search(r"（六）其他处理</th>(.*?)</tr>", page, re.S).group(1)
    legacy = report.tables.legacy.applications.other_processing
    assert re.findall(r">([^<]*)</td>", row) == [str(getattr(legacy, c.key)) for c in FORM_2019.table("applications").columns]
    # the 2019 layout's own cells carry their path, so findings can mark them
    assert 'data-path="tables.legacy.active_disclosure.procurement.items"' in page


def test_a_report_ingested_with_its_original_kept_shows_the_source_line_in_the_web(tmp_path):
    import subprocess
    import sys

    sample = SAMPLES / "001_9944da9601cf06f9.txt"
    db = f"sqlite:///{tmp_path}/store.db"
    p = subprocess.run([sys.executable, "-c", "from nianbao.cli import main; main()", "ingest", str(sample),
                        "--db", db, "--keep-originals", "--data-dir", str(tmp_path / "files"), "-j", "1"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    c, app = new_client(tmp_path)          # the same store and data directory as the ingest
    with c:
        report_id = app.state.backend.summaries()[0].id
        report = app.state.backend.get(report_id)[1]
        i, f = next((i, f) for i, f in enumerate(report.findings) if f.evidence and f.evidence.line)
        frag = c.get(f"/reports/{report_id}/source?finding={i}", headers={"HX-Request": "true"}).text
    marked = re.search(r'<span class="line hl" data-line="(\d+)">', frag)
    assert marked and int(marked.group(1)) == f.evidence.line


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_web_tables_and_generated_tables_are_one_layout(fmt):
    """The page and the DOCX/HTML generator fill the same form slots: same texts, spans, values."""
    import random as _random

    import lxml.html

    from nianbao.generate.layout import table_grid as generated
    from nianbao.generate.synthetic import random_report
    from nianbao.web.layout import tables_html

    report = random_report(_random.Random(3))
    report.format = fmt
    form = FORM_2019 if fmt == "2019" else FORM_2021
    for p in form.cell_paths():
        if ".legacy." in p:
            report.tables.set_cell(p, 1)
    page = lxml.html.fromstring(f"<div>{tables_html(report, 1)}</div>")
    tables = page.findall(".//table")
    assert len(tables) == len(form.tables)
    for table, form_table in zip(tables, form.tables):
        web = [[(c.text_content(), int(c.get("rowspan", 1)), int(c.get("colspan", 1))) for c in tr]
               for tr in table.iter("tr")]
        gen = generated(report, form_table)
        assert web == [[(c.text, c.rowspan, c.colspan) for c in row] for row in gen.rows]


def test_a_cell_that_could_not_be_read_is_drawn_apart_from_a_blank_and_carries_c007(site):
    from nianbao import api
    from nianbao.model import Unread

    c, app = site
    report = audited_report(5, broken=False)
    report.tables.set_cell("applications.granted.research", None)          # could not be read
    report.tables.set_cell("applications.granted.commercial", None)        # left blank by the report
    report.extraction.unread = [Unread(row="tables.applications.granted", reason="该行有6个数值，应有7个",
                                       cells=["tables.applications.granted.research"])]
    report = api.audit(report)
    assert any(f.code == "C007" for f in report.findings)
    s = app.state.backend.add_report(report)
    page = c.get(f"/reports/{s.id}").text
    assert re.search(r'class="val unread flagged" data-path="tables.applications.granted.research"', page)
    assert re.search(r'class="val blank[^"]*" data-path="tables.applications.granted.commercial"', page)
