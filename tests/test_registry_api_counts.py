"""A region answered by the registry API carries its real entry counts wherever it is answered:
after PUT …/deadlines/{kind} and PUT …/config as in GET /api/registry/regions and in a region's
children."""
from __future__ import annotations

from web_support import login, new_client

from nianbao.model import Meta, Report

CSV = """省,市,县,机关名称,类型,报告范围
宁夏回族自治区,中卫市,,司法局,部门,
宁夏回族自治区,中卫市,,财政局,部门,
宁夏回族自治区,中卫市,,教育局,部门,
宁夏回族自治区,中卫市,沙坡头区,司法局,部门,
""".encode()


def test_deadline_and_config_answers_give_the_regions_real_entry_counts(tmp_path):
    c, app = new_client(tmp_path)
    for n, agency in enumerate(("中卫市司法局", "中卫市财政局")):       # two of the city's three have reports
        r = Report(meta=Meta(agency=agency, year=2023))
        r.source.file, r.source.sha256 = f"{n}.txt", f"{n:064x}"
        app.state.backend.add_report(r)
    with c:
        h = {"X-CSRF-Token": login(c)}
        assert c.post("/api/registry/import", files={"file": ("a.csv", CSV, "text/csv")}, headers=h).status_code == 200
        city = next(r for r in c.get("/api/registry/regions").json() if r["name"] == "中卫市")
        assert (city["entries"], city["matched"]) == (3, 2)
        shown = c.get(f"/api/registry/regions/{city['id']}").json()
        put = c.put(f"/api/registry/regions/{city['id']}/deadlines/department", json={"md": "02-20"}, headers=h)
        assert put.status_code == 200
        assert (put.json()["entries"], put.json()["matched"]) == (shown["entries"], shown["matched"]) == (3, 2)
        cfg = c.put(f"/api/registry/regions/{city['id']}/config", json={"yaml": "similarity: {X005: 0.6}\n"}, headers=h)
        assert cfg.status_code == 200 and (cfg.json()["entries"], cfg.json()["matched"]) == (3, 2)
        province = c.get("/api/registry/regions/宁夏回族自治区").json()
        child = next(k for k in province["children"] if k["name"] == "中卫市")
        assert (child["entries"], child["matched"]) == (3, 2)
        county = next(k for k in c.get(f"/api/registry/regions/{city['id']}").json()["children"])
        assert county["entries"] == 1
