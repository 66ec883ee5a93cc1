"""The registry of regions and expected agencies: CSV/XLSX import, validation with line numbers,
idempotent re-import, name matching with and without region prefixes."""
from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session
from store_support import db_url  # noqa: F401

from nianbao.oversight.registry import RegistryImportError, parse_registry
from nianbao.store import open_store
from nianbao.store.registry import Registry, RegistryError

CSV = """省,市,县（区）,机关名称,类型,报告范围,期限
宁夏回族自治区,中卫市,,中卫市人民政府,政府,全域,
宁夏回族自治区,中卫市,,司法局,部门,,
宁夏回族自治区,中卫市,沙坡头区,沙坡头区人民政府,政府,全域,
宁夏回族自治区,中卫市,沙坡头区,司法局,部门,,1月25日
宁夏回族自治区,中卫市,沙坡头区,宣和镇人民政府,乡镇,本机关,
宁夏回族自治区,中卫市,中宁县,,,,
"""


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    yield s
    s.close()


def agencies(store, *printed: str) -> dict[str, int]:
    """Store agencies as reports printing these names would create them."""
    with Session(store.engine) as s, s.begin():
        return {p: store._resolve_agency(s, p).id for p in printed}


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_csv_builds_the_region_tree_and_the_expected_agencies(db_url):  # noqa: F811
    with open_store(db_url) as store:
        reg = Registry(store)
        res = reg.import_rows(parse_registry(CSV.encode(), "名录.csv"), user="张三")
        assert (res.regions_created, res.entries_created) == (4, 5)
        city = reg.region("中卫市")
        assert city.full_name == "宁夏回族自治区中卫市" and city.level == "city"
        assert {r.name for r in reg.children(city.id)} == {"沙坡头区", "中宁县"}
        assert reg.region("中宁县").level == "county" and reg.expected(reg.region("中宁县").id) == []
        assert len(reg.expected(city.id)) == 2 and len(reg.expected(city.id, recursive=True)) == 5
        district = reg.region("中卫市沙坡头区")
        by_name = {e.name: e for e in reg.expected(district.id)}
        assert by_name["司法局"].deadline == "01-25" and by_name["司法局"].kind == "department"
        assert by_name["沙坡头区人民政府"].covers == "area" and by_name["宣和镇人民政府"].covers == "office"
        assert by_name["宣和镇人民政府"].kind == "township"
        assert [r.name for r in reg.subtree(city.id)] == ["中卫市", "中宁县", "沙坡头区"]


def test_import_xlsx_reads_like_the_csv(store):
    rows = [line.split(",") for line in CSV.strip().splitlines()]
    reg = Registry(store)
    res = reg.import_rows(parse_registry(xlsx(rows), "名录.xlsx"))
    assert (res.regions_created, res.entries_created) == (4, 5)
    assert reg.expected(reg.region("沙坡头区").id)[1].deadline == "01-25"


def test_import_with_parent_column_layout(store):
    text = ("上级区域,区域,层级,机关名称,类型,报告范围\n"
            ",中卫市,市,中卫市人民政府,政府,全域\n"
            "中卫市,沙坡头区,,沙坡头区发展和改革局,部门,\n"
            "沙坡头区,宣和镇,乡镇,宣和镇人民政府,乡镇,全域\n")
    reg = Registry(store)
    reg.import_rows(parse_registry(text.encode("gb18030"), "tree.csv"))
    town = reg.region("宣和镇")
    assert town.level == "township" and town.full_name == "中卫市沙坡头区宣和镇"
    assert reg.region("沙坡头区").level == "county"       # one below its parent when not given


def test_bad_rows_are_named_with_their_line_numbers():
    text = ("省,市,县,机关名称,类型,报告范围,期限\n"
            "宁夏回族自治区,中卫市,沙坡头区,档案局,局,,\n"          # line 2: unknown kind
            "宁夏回族自治区,中卫市,沙坡头区,财政局,部门,半个,\n"      # line 3: unknown covers
            "宁夏回族自治区,中卫市,沙坡头区,教育局,部门,,2月30日\n"   # line 4: no such date
            ",,,民政局,部门,,\n"                                     # line 5: no region
            "宁夏回族自治区,中卫市,沙坡头区,司法局,部门,,\n"         # line 6: fine by itself …
            "宁夏回族自治区,中卫市,沙坡头区,司法局,部门,,\n"         # line 7: … a duplicate of line 6
            "宁夏回族自治区,中卫市,沙坡头区,卫健局,,,\n")            # line 8: no kind
    with pytest.raises(RegistryImportError) as e:
        parse_registry(text.encode(), "bad.csv")
    errors = e.value.errors
    assert [m.split("：")[0] for m in errors] == ["第 2 行", "第 3 行", "第 4 行", "第 5 行", "第 7 行", "第 8 行"]
    assert "类型「局」无法识别" in errors[0] and "报告范围「半个」" in errors[1] and "期限「2月30日」" in errors[2]
    assert "缺少区域" in errors[3] and "与第 6 行重复" in errors[4] and "缺少类型" in errors[5]
    assert str(e.value).startswith("bad.csv: 第 2 行") and "另有 5 处" in str(e.value)


def test_bad_xlsx_header_and_unreadable_file_are_one_chinese_line():
    with pytest.raises(RegistryImportError, match="无法识别的列「负责人」"):
        parse_registry(xlsx([["省", "机关名称", "负责人"], ["宁夏回族自治区", "司法厅", "某"]]), "x.xlsx")
    with pytest.raises(RegistryImportError, match="不是可读的 XLSX"):
        parse_registry(b"PK\x03\x04 broken", "x.xlsx")
    with pytest.raises(RegistryImportError, match="缺少区域列"):
        parse_registry("机关名称,类型\n司法局,部门\n".encode(), "x.csv")


def test_reimport_is_idempotent_and_updates_what_changed(store):
    reg = Registry(store)
    reg.import_rows(parse_registry(CSV.encode(), "a.csv"))
    before = {(e.region_id, e.name): e.id for e in reg.entries()}
    again = reg.import_rows(parse_registry(CSV.encode(), "a.csv"))
    assert (again.regions_created, again.entries_created, again.entries_updated, again.entries_unchanged) == (0, 0, 0, 5)
    changed = CSV.replace("司法局,部门,,1月25日", "司法局,部门,本机关,01-20")
    res = reg.import_rows(parse_registry(changed.encode(), "a.csv"))
    assert (res.entries_created, res.entries_updated) == (0, 1)
    after = {(e.region_id, e.name): e for e in reg.entries()}
    assert {k: e.id for k, e in after.items()} == before
    district = reg.region("沙坡头区").id
    assert (after[(district, "司法局")].deadline, after[(district, "司法局")].covers) == ("01-20", "office")
    # a file without the province attaches to the regions already there
    reg.import_rows(parse_registry("市,县,机关名称,类型\n中卫市,沙坡头区,财政局,部门\n".encode(), "b.csv"))
    assert len(reg.regions()) == 4 and len(reg.expected(district)) == 4


def test_replace_removes_the_entries_the_file_no_longer_lists(store):
    reg = Registry(store)
    reg.import_rows(parse_registry(CSV.encode(), "a.csv"))
    fewer = "\n".join(line for line in CSV.splitlines() if "宣和镇" not in line) + "\n"
    reg.import_rows(parse_registry(fewer.encode(), "a.csv"))
    assert len(reg.entries()) == 5                            # without replace nothing is removed
    res = reg.import_rows(parse_registry(fewer.encode(), "a.csv"), replace=True)
    assert res.entries_removed == 1 and "宣和镇人民政府" not in {e.name for e in reg.entries()}


def test_entries_match_store_agencies_with_and_without_region_prefixes(store):
    ids = agencies(store, "沙坡头区司法局", "宁夏回族自治区中卫市司法局", "中宁县司法局")
    reg = Registry(store)
    reg.import_rows(parse_registry(CSV.encode(), "a.csv"))
    got = {(reg.ancestors(e.region_id)[-1].name, e.name): e.agency_id for e in reg.entries()}
    assert got[("沙坡头区", "司法局")] == ids["沙坡头区司法局"]            # printed without the city
    assert got[("中卫市", "司法局")] == ids["宁夏回族自治区中卫市司法局"]   # printed with the province
    assert ids["中宁县司法局"] not in got.values()                        # 中宁县 lists no 司法局
    assert reg.entry_for_agency(ids["沙坡头区司法局"]).name == "司法局"


def test_a_government_matches_its_bare_place_name_and_its_general_office(store):
    ids = agencies(store, "沙坡头区", "中卫市人民政府办公室", "宣和镇人民政府")
    reg = Registry(store)
    reg.import_rows(parse_registry(CSV.encode(), "a.csv"))
    got = {e.name: e.agency_id for e in reg.entries()}
    assert got["沙坡头区人民政府"] == ids["沙坡头区"]
    assert got["中卫市人民政府"] == ids["中卫市人民政府办公室"]
    assert got["宣和镇人民政府"] == ids["宣和镇人民政府"]


def test_a_department_name_never_matches_the_same_department_of_another_region(store):
    ids = agencies(store, "长春市朝阳区司法局", "司法局")
    reg = Registry(store)
    reg.import_rows(parse_registry("省,市,县,机关名称,类型\n北京市,,朝阳区,司法局,部门\n".encode(), "b.csv"))
    (e,) = reg.entries()
    assert e.agency_id is None and ids


def test_entries_are_rematched_when_reports_arrive(store):
    reg = Registry(store)
    reg.import_rows(parse_registry(CSV.encode(), "a.csv"))
    assert all(e.agency_id is None for e in reg.entries())
    ids = agencies(store, "中卫市沙坡头区司法局")
    assert reg.rematch() == 1
    assert reg.entry_for_agency(ids["中卫市沙坡头区司法局"]).name == "司法局"
    assert reg.rematch() == 0


def test_region_lookup_by_id_name_full_name_and_ambiguous_names(store):
    reg = Registry(store)
    reg.import_rows(parse_registry("省,市,县\n北京市,,朝阳区\n吉林省,长春市,朝阳区\n".encode(), "c.csv"))
    assert reg.region("朝阳区") is None and len(reg.find_regions("朝阳区")) == 2
    assert reg.region("长春市朝阳区").full_name == "吉林省长春市朝阳区"
    assert reg.region(reg.region("北京市朝阳区").id).name == "朝阳区"
    with pytest.raises(RegistryError, match="不唯一"):
        reg.resolve("朝阳区")
    with pytest.raises(RegistryError, match="不在名录中"):
        reg.resolve("海淀区")


def test_editing_entries_and_regions(store):
    reg = Registry(store)
    reg.import_rows(parse_registry(CSV.encode(), "a.csv"))
    town = reg.add_region("镇罗镇", parent_id=reg.region("沙坡头区").id, user="管理员")
    assert town.level == "township" and town.full_name.endswith("沙坡头区镇罗镇")
    e = reg.add_entry(town.id, "镇罗镇人民政府", "township", covers="area", deadline="2月20日", user="管理员")
    assert e.deadline == "02-20"
    e = reg.update_entry(e.id, covers=None, deadline=None)
    assert (e.covers, e.deadline, e.kind) == (None, None, "township")
    with pytest.raises(RegistryError, match="类型「局」无效"):
        reg.update_entry(e.id, kind="局")
    with pytest.raises(RegistryError, match="已有机关"):
        reg.add_entry(town.id, "镇罗镇人民政府", "township")
    assert reg.remove_entry(e.id) and reg.entry(e.id) is None
    assert reg.remove_region(reg.region("沙坡头区").id)
    assert reg.region("镇罗镇") is None and len(reg.entries()) == 2


# ------------------------------------------------------------------ CLI
def cli(*args: str):
    from typer.testing import CliRunner

    from nianbao.cli import app

    return CliRunner().invoke(app, list(args))


def test_cli_import_show_deadline_config_and_missing(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    f = tmp_path / "名录.csv"
    f.write_text(CSV, encoding="utf-8")
    res = cli("registry", "import", str(f), "--db", db, "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["entries_created"] == 5
    res = cli("registry", "deadline", "中卫市", "--kind", "部门", "1月28日", "--db", db)
    assert res.exit_code == 0 and "1月28日（中卫市规定）" in res.stdout
    res = cli("registry", "show", "沙坡头区", "--db", db, "--json")
    shown = json.loads(res.stdout)
    assert shown["deadlines_in_force"]["department"] == {"md": "01-28", "source": "中卫市规定", "region_id": 2}
    assert len(shown["entries"]) == 3
    y = tmp_path / "c.yaml"
    y.write_text("deadlines: {department: 1月}\n", encoding="utf-8")
    res = cli("registry", "config", "中卫市", str(y), "--db", db)
    assert res.exit_code == 2 and "deadlines" in res.stderr
    y.write_text('deadlines: {government: "02-28"}\n', encoding="utf-8")
    assert cli("registry", "config", "中卫市", str(y), "--db", db).exit_code == 0
    res = cli("missing", "--region", "沙坡头区", "--year", "2023", "--today", "2024-02-01", "--db", db, "--json")
    view = json.loads(res.stdout)
    assert res.exit_code == 0 and view["counts"]["missing"] == 1 and view["counts"]["not_due"] == 2
    gov = next(a for a in view["agencies"] if a["name"] == "沙坡头区人民政府")
    assert (gov["deadline"], gov["deadline_source"]) == ("2024-02-28", "中卫市规定")
    res = cli("missing", "--region", "沙坡头区", "--year", "2023", "--db", db)
    assert res.exit_code == 0 and "应公开 3" in res.stdout


def test_cli_bad_file_and_unknown_region_exit_2_with_chinese_lines(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    f = tmp_path / "bad.csv"
    f.write_text("省,市,机关名称,类型\n宁夏回族自治区,中卫市,司法局,局\n宁夏回族自治区,中卫市,财政局,\n", encoding="utf-8")
    res = cli("registry", "import", str(f), "--db", db)
    assert res.exit_code == 2 and "第 2 行" in res.stderr and "第 3 行" in res.stderr and "Traceback" not in res.stderr
    res = cli("missing", "--region", "海淀区", "--year", "2023", "--db", db)
    assert res.exit_code == 2 and "不在名录中" in res.stderr
    res = cli("registry", "deadline", "海淀区", "--kind", "局", "01-28", "--db", db)
    assert res.exit_code == 2 and "--kind 的值无效：局（可选：department/部门、" in res.stderr


def test_xlsx_date_cells_and_layout_errors(store):
    from datetime import datetime

    rows = [["省", "市", "机关名称", "类型", "期限"], ["宁夏回族自治区", "中卫市", "司法局", "部门", datetime(2024, 1, 28)]]
    reg = Registry(store)
    reg.import_rows(parse_registry(xlsx(rows), "d.xlsx"))
    assert reg.entries()[0].deadline == "01-28"            # an Excel date cell is its month and day
    with pytest.raises(RegistryError, match="第 2 行：上级区域「火星市」未找到"):
        reg.import_rows(parse_registry("上级区域,区域,机关名称,类型\n火星市,某区,司法局,部门\n".encode(), "e.csv"))
    with pytest.raises(RegistryImportError, match="两种写法不能混用"):
        parse_registry("省,区域,机关名称\n宁夏回族自治区,中卫市,司法局\n".encode(), "f.csv")


def test_import_of_a_thousand_agencies_is_quick(store):
    import time

    lines = ["省,市,县,机关名称,类型"] + [f"某省,某市,第{i // 50}区,第{i}局,部门" for i in range(1000)]
    reg = Registry(store)
    t = time.perf_counter()
    res = reg.import_rows(parse_registry("\n".join(lines).encode(), "big.csv"))
    assert res.entries_created == 1000 and res.regions_created == 22
    again = reg.import_rows(parse_registry("\n".join(lines).encode(), "big.csv"))
    assert again.entries_unchanged == 1000 and time.perf_counter() - t < 20


LONG_NAMES = """省,市,县（区）,机关名称,类型,报告范围,期限
宁夏回族自治区,中卫市,,中卫市自然资源和规划局,部门,,
宁夏回族自治区,中卫市,沙坡头区,司法局,部门,,1月25日
宁夏回族自治区,中卫市,沙坡头区,住房和城乡建设局（人民防空办公室）,部门,,
宁夏回族自治区,中卫市,中宁县,中宁县市场监督管理局,部门,,
"""


def _columns(lines: list[str], header: str, names: tuple[str, ...]) -> dict[str, str]:
    """Each named column's text, its folded pieces joined, cut from the lines by the header's cell offsets."""
    from rich.cells import cell_len

    def cut(line: str, start: int, end: int) -> str:
        out, at = [], 0
        for ch in line:
            if start <= at < end:
                out.append(ch)
            at += cell_len(ch)
        return "".join(out).strip()

    starts = [cell_len(header[:header.index(n)]) for n in names]
    bounds = list(zip(starts, starts[1:] + [10**6]))
    return {n: "".join(cut(line, a, b) for line in lines) for n, (a, b) in zip(names, bounds)}


def test_missing_table_is_readable_at_80_columns_and_cuts_nothing(tmp_path):
    """At 80 columns no line is wider; dates, type, status and report number stay on one line; the
    long agency names fold but are whole; --json is unaffected."""
    import os
    import subprocess
    import sys
    from datetime import date

    from audit_support import clean_report
    from rich.cells import cell_len

    from nianbao.library import Library

    url = f"sqlite:///{tmp_path / 'w.db'}"
    with Library(url) as lib:
        lib.import_registry(LONG_NAMES.encode(), "名录.csv")
        lib.registry.set_deadline(lib.registry.region("中卫市").id, "department", "01-28")
        r = clean_report(2023, agency="中卫市沙坡头区住房和城乡建设局（人民防空办公室）")
        r.meta.published = date(2024, 3, 30)
        lib.store.save_report(r)
    cmd = [sys.executable, "-c", "from nianbao.cli import main; main()", "missing", "--region", "中卫市",
           "--year", "2023", "--today", "2024-06-01", "--db", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "80"})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), max(lines, key=cell_len)
    head = next(i for i, line in enumerate(lines) if line.startswith("地区"))
    rows = lines[head + 2:]
    late = next(line for line in rows if "2024-03-30" in line)
    assert "2024-01-28" in late and "部门" in late and "逾期 62 天" in late and late.rstrip().endswith("1")
    cols = _columns(rows, lines[head], ("地区", "机关", "类型", "期限", "来源", "发布日期"))
    agencies = cols["机关"].replace("(", "（").replace(")", "）")
    for name in ("中卫市自然资源和规划局", "住房和城乡建设局（人民防空办公室）", "中宁县市场监督管理局", "司法局"):
        assert name in agencies, cols["机关"]
    assert "沙坡头区名录中司法局的期限" in cols["来源"], cols["来源"]
    assert sum(line.count("未公开") for line in rows) == 3
    js = subprocess.run([*cmd, "--json"], capture_output=True, text=True, timeout=120,
                        env={**os.environ, "COLUMNS": "80"})
    late = next(a for a in json.loads(js.stdout)["agencies"] if a["status"] == "late")
    assert (late["status_name"], late["days_late"], late["deadline"]) == ("逾期公开", 62, "2024-01-28")
