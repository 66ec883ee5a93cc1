"""Registry changes go to the review trail (append-only, like uploads, deletes and decisions): who,
when, what, before → after in Chinese; a region's trail has its own and its sub-regions' changes and
the deadlines and configurations it inherits, in the CLI (`review trail --region`, CSV) and on the
region's page (with the CSV export)."""
from __future__ import annotations

import csv
import io
import json

import pytest
from store_support import db_url  # noqa: F401
from typer.testing import CliRunner

from nianbao.cli import app as cli_app
from nianbao.library import Library
from nianbao.store.registry import RegistryError

CSV = """省,市,县（区）,机关名称,类型,报告范围,期限
宁夏回族自治区,中卫市,,司法局,部门,,
宁夏回族自治区,中卫市,沙坡头区,司法局,部门,,1月25日
宁夏回族自治区,中卫市,沙坡头区,沙坡头区人民政府,政府,全域,
宁夏回族自治区,中卫市,中宁县,财政局,部门,,
"""


def _changes(lib: Library) -> list[dict]:
    return [e for e in lib.trail(limit=None) if e["action"] not in ("upload", "status")]


def test_every_registry_change_is_trailed_with_who_what_before_and_after(db_url):  # noqa: F811
    with Library(db_url) as lib:
        lib.import_registry(CSV.encode(), "名录.csv", user="张三")
        reg = lib.registry
        city, district = reg.region("中卫市"), reg.region("沙坡头区")
        reg.set_deadline(city.id, "department", "01-28", user="李四")
        entry = next(e for e in reg.expected(district.id) if e.name == "司法局")
        reg.update_entry(entry.id, deadline="02-01", user="王五")
        reg.update_entry(entry.id, deadline="02-01", user="王五")              # nothing changes: no event
        town = reg.add_region("镇罗镇", parent_id=district.id, user="甲")
        added = reg.add_entry(town.id, "镇罗镇人民政府", "township", covers="office", user="甲")
        reg.remove_entry(added.id, user="乙")
        reg.set_config(district.id, 'deadlines: {government: "02-28"}\n', user="丙")
        reg.remove_region(town.id, user="丁")
        with pytest.raises(RegistryError):
            reg.set_deadline(city.id, "department", "13-45", user="戊")          # refused: nothing recorded
        lib.import_registry(CSV.encode(), "名录.csv", user="张三")               # puts 司法局's deadline back
        lib.import_registry(CSV.encode(), "名录.csv", user="张三")               # unchanged: no event
        events = _changes(lib)
        assert [(e["user"], e["action_name"]) for e in events] == [
            ("张三", "导入名录"), ("李四", "公开期限"), ("王五", "修改机关"), ("甲", "新增地区"), ("甲", "新增机关"),
            ("乙", "删除机关"), ("丙", "辖区配置"), ("丁", "删除地区"), ("张三", "导入名录")]
        imp, dl, edit, _, add, rm, conf, gone, again = events
        assert again["comment"] == "名录.csv：新增地区 0 个，新增机关 0 个，更新 1 个，删除 0 个"
        assert (again["before"], again["after"]) == ({"宁夏回族自治区中卫市沙坡头区 司法局": "部门，报告范围未注明，期限次年2月1日"},
                                                     {"宁夏回族自治区中卫市沙坡头区 司法局": "部门，报告范围未注明，期限次年1月25日"})
        assert imp["comment"] == "名录.csv：新增地区 4 个，新增机关 4 个，更新 0 个，删除 0 个"
        assert imp["after"]["宁夏回族自治区中卫市沙坡头区 司法局"] == "部门，报告范围未注明，期限次年1月25日"
        assert (dl["before"], dl["after"], dl["comment"]) == (
            {"部门期限": "未设（沿用上级）"}, {"部门期限": "次年1月28日"}, "宁夏回族自治区中卫市")
        assert (edit["before"], edit["after"], edit["comment"]) == (
            {"期限": "次年1月25日"}, {"期限": "次年2月1日"}, "宁夏回族自治区中卫市沙坡头区 司法局")
        assert add["after"] == {"类型": "乡镇", "报告范围": "本机关", "期限": "按地区规定"} and add["before"] is None
        assert rm["before"] == add["after"] and rm["after"] is None
        assert conf["after"] == {"辖区配置": 'deadlines: {government: "02-28"}\n'}
        assert gone["comment"] == "宁夏回族自治区中卫市沙坡头区镇罗镇" and gone["before"]["机关"] == "0 个"
        assert all(e["at"] and "_region_ids" not in (e["after"] or {}) for e in events)

        # a region's trail: its own and its sub-regions' changes, and what it inherits from above
        mine = [e["action_name"] for e in lib.region_trail("沙坡头区")]
        assert mine == ["导入名录", "公开期限", "修改机关", "新增地区", "新增机关", "删除机关", "辖区配置", "删除地区",
                        "导入名录"]
        other = [e["action_name"] for e in lib.region_trail("中宁县")]
        assert other == ["导入名录", "公开期限"]          # the city's deadline applies there; the district's edits not
        assert [e["action_name"] for e in lib.review.registry_trail()] == [e["action_name"] for e in events]


def test_review_trail_of_a_region_in_the_cli_lists_and_exports_the_changes(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    f = tmp_path / "名录.csv"
    f.write_text(CSV, encoding="utf-8")
    run = CliRunner().invoke
    assert run(cli_app, ["registry", "import", str(f), "--user", "张三", "--db", url]).exit_code == 0
    assert run(cli_app, ["registry", "deadline", "中卫市", "--kind", "部门", "1月28日", "--user", "李四",
                         "--db", url]).exit_code == 0
    res = run(cli_app, ["review", "trail", "--region", "中宁县", "--csv", "--db", url])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout.lstrip("\ufeff"))))
    assert [(r["操作人"], r["操作"]) for r in rows] == [("张三", "导入名录"), ("李四", "公开期限")]
    assert rows[0]["说明"].startswith("名录.csv：新增地区 4 个") and rows[1]["之前"] == "部门期限：未设（沿用上级）"
    assert rows[1]["之后"] == "部门期限：次年1月28日" and rows[1]["说明"] == "宁夏回族自治区中卫市"
    everything = json.loads(run(cli_app, ["review", "trail", "--db", url, "--json"]).stdout)
    assert [e["action_name"] for e in everything] == ["导入名录", "公开期限"]
    bad = run(cli_app, ["review", "trail", "--region", "火星区", "--db", url])
    assert bad.exit_code == 2 and "火星区" in bad.stderr
    both = run(cli_app, ["review", "trail", "1", "--region", "中宁县", "--db", url])
    assert both.exit_code == 2 and "--region" in both.stderr


def test_region_page_shows_its_registry_changes_and_exports_its_trail(tmp_path):
    from web_support import login, new_client

    c, app = new_client(tmp_path)
    with c:
        token = login(c)
        c.post("/registry/upload", files={"file": ("名录.csv", CSV.encode(), "text/csv")}, data={"csrf_token": token})
        reg = app.state.backend.library.registry
        city, county = reg.region("中卫市"), reg.region("中宁县")
        r = c.post(f"/registry/regions/{city.id}/deadline", data={"csrf_token": token, "kind": "department",
                                                                 "md": "01-28"})
        assert r.status_code in (200, 303)
        page = c.get(f"/registry/regions/{county.id}").text
        table = page[page.index('id="registry-trail"'):]
        assert "名录变更记录" in page and "公开期限" in table and "reviewer" in table
        assert "部门期限：未设（沿用上级）" in table and "部门期限：次年1月28日" in table and "导入名录" in table
        got = c.get(f"/registry/regions/{county.id}/trail.csv")
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
        assert [(r["操作人"], r["操作"]) for r in rows] == [("reviewer", "导入名录"), ("reviewer", "公开期限")]
        assert c.get("/registry/regions/999999/trail.csv").status_code == 404
