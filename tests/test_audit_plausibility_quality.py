"""P001 (规章 at county level and below) and A001 (conversion debris)."""
from nianbao.audit.plausibility import agency_division
from nianbao.model import Debris, Position

from audit_support import clean_report, findings


def test_p001_fires_for_county_level_department_with_regulations():
    r = clean_report(agency="乌拉特中旗司法局")
    r.tables.active_disclosure.regulations.issued = 2
    (f,) = findings(r, "P001")
    assert f.path == "tables.active_disclosure.regulations.issued" and "本年制发2件" in f.message


def test_p001_silent_for_city_and_provincial_agencies_and_zero_figures():
    for agency in ("银川市人民政府", "宁夏回族自治区司法厅", "吴忠市住房和城乡建设局"):
        r = clean_report(agency=agency)
        r.tables.active_disclosure.regulations.in_force = 12
        assert findings(r, "P001") == [], agency
    assert findings(clean_report(agency="某某镇人民政府"), "P001") == []


def test_agency_division_reads_the_lowest_division_not_words_of_department_names():
    assert agency_division("吴忠市红寺堡区司法局") == "区"
    assert agency_division("宁夏回族自治区司法厅") == "自治区"
    assert agency_division("某市乡村振兴局") == "市"
    assert agency_division("某县市场监督管理局") == "县"
    assert agency_division("东升街道办事处") == "街道"


def test_a001_reports_debris_once_per_kind_with_lines():
    r = clean_report()
    r.extraction.debris = [Debris(kind="bookmark", text="[bookmark: _GoBack]", evidence=Position(line=416)),
                           Debris(kind="page_number", text="1", evidence=Position(line=422)),
                           Debris(kind="page_number", text="2", evidence=Position(line=480))]
    fs = {f.data["kind"]: f for f in findings(r, "A001")}
    assert set(fs) == {"bookmark", "page_number"}
    assert fs["page_number"].data["count"] == 2 and "第422、480行" in fs["page_number"].message
    assert fs["bookmark"].severity == "info" and fs["bookmark"].evidence.line == 416


def test_a001_silent_without_debris():
    assert findings(clean_report(), "A001") == []


def test_who_may_make_regulations_by_the_agency_name():
    from nianbao.audit.plausibility import may_make_regulations
    for name in ("宁夏回族自治区人民政府", "吴忠市人民政府", "国家税务总局", None):
        assert may_make_regulations(name), name
    for name in ("吴忠市红寺堡区司法局", "吴忠市司法局", "宁夏回族自治区司法厅", "红寺堡区人民政府", "红寺堡镇人民政府"):
        assert not may_make_regulations(name), name


def test_agency_division_skips_城镇_县域_区划_in_department_names():
    assert agency_division("吴忠市城镇化工作办公室") == "市"
    assert agency_division("某省县域经济发展办公室") == "省"
    assert agency_division("某省行政区划地名管理中心") == "省"
    assert agency_division("某县城镇建设服务中心") == "县"
