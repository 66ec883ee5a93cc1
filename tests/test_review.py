"""Review workflow on the store (SQLite and PostgreSQL): cases, decisions with optimistic locking,
carry-over between versions, the append-only trail, soft delete, progress, FP rates, 整改通知."""
from __future__ import annotations

import io
import random
import zipfile
from datetime import date

import pytest
from sqlalchemy import text

from nianbao import api
from nianbao.generate import random_agency, random_report
from nianbao.generate.synthetic import perturb
from nianbao.library import Library
from nianbao.store.review import ConflictError, ReviewError
from store_support import db_url  # noqa: F401  (fixture)


def _broken(seed: int, agency: str, year: int = 2023, sha: int | None = None):
    rng = random.Random(seed)
    r = random_report(rng, year=year, agency=random_agency(rng, "county_dept"))
    r, _ = perturb(r, rng)
    r.meta.agency = agency
    r.meta.published = None
    r.source.file = f"r{seed}.txt"
    r.source.sha256 = f"{sha or seed:064x}"
    return api.audit(r)


@pytest.fixture
def lib(db_url, tmp_path):
    with Library(db_url, data_dir=tmp_path / "files") as lib:
        yield lib


def _with_findings(lib, seed=1, agency="中卫市沙坡头区司法局"):
    for s in range(seed, seed + 50):
        r = _broken(s, agency)
        if len(r.findings) >= 2:
            return lib.add_report(r, user="上传员"), r
    raise AssertionError("no synthetic report with two findings")


def test_new_report_opens_a_pending_case_with_its_findings_open(lib):
    rid, r = _with_findings(lib)
    case = lib.case(rid)
    assert case["status"] == "待审" and case["report_id"] == rid and case["version"] >= 1
    fs = lib.findings(rid)
    assert len(fs) == len(r.findings)
    assert all(f["state"] == "open" and f["decision"] is None and f["shown"] == "待定" for f in fs)
    assert [e["action"] for e in lib.trail(report_id=rid)] == ["upload"]


def test_decision_records_who_and_starts_the_review_and_dismissal_needs_a_reason(lib):
    rid, _ = _with_findings(lib)
    f = lib.findings(rid)[0]
    with pytest.raises(ReviewError, match="理由"):
        lib.decide(f["id"], "误报", user="张三")
    got = lib.decide(f["id"], "误报", user="张三", reason="合并单元格读错", note="见原文", expected_version=f["version"])
    assert got["decision"] == "误报" and got["decided_by"] == "张三" and got["version"] == f["version"] + 1
    assert lib.case(rid)["status"] == "审核中"
    trail = lib.trail(report_id=rid)
    dec = next(e for e in trail if e["action"] == "decision")
    assert dec["user"] == "张三" and dec["before"]["decision"] is None and dec["after"]["decision"] == "误报"
    assert any(e["action"] == "status" and e["after"]["status"] == "审核中" for e in trail)


def test_second_reviewer_with_a_stale_version_gets_a_conflict_not_an_overwrite(lib):
    rid, _ = _with_findings(lib)
    f = lib.findings(rid)[0]
    lib.decide(f["id"], "确认", user="甲", expected_version=f["version"])
    with pytest.raises(ConflictError) as e:
        lib.decide(f["id"], "误报", user="乙", reason="不是问题", expected_version=f["version"])
    assert "甲" in e.value.message and e.value.current["decision"] == "确认"
    assert lib.review.finding(f["id"])["decision"] == "确认"


def _confirm_one(lib, rid):
    f = lib.findings(rid)[0]
    return lib.decide(f["id"], "确认", user="甲", expected_version=f["version"])


def test_status_follows_the_allowed_transitions(lib):
    rid, _ = _with_findings(lib)
    with pytest.raises(ReviewError, match="不能从"):
        lib.set_status(rid, "已整改待复核", user="甲")
    with pytest.raises(ReviewError, match="未知状态"):
        lib.set_status(rid, "完成", user="甲")
    _confirm_one(lib, rid)
    c = lib.set_status(rid, "退回整改", user="甲", deadline=date(2020, 1, 1), comment="请整改")
    assert c["status"] == "退回整改" and c["deadline"] == "2020-01-01" and c["overdue"]
    with pytest.raises(ConflictError):
        lib.set_status(rid, "审核中", user="乙", expected_version=c["version"] - 1)


def test_status_moves_only_forward_one_step_and_nothing_goes_back_to_pending(lib):
    rid, _ = _with_findings(lib)
    for bad in ("通过", "退回整改", "已整改待复核"):          # 待审: only 审核中
        with pytest.raises(ReviewError, match="不能从「待审」改为") as e:
            lib.set_status(rid, bad, user="甲")
        assert "当前可改为：审核中" in e.value.message
    lib.set_status(rid, "审核中", user="甲")
    with pytest.raises(ReviewError, match="不能从「审核中」改为「待审」"):
        lib.set_status(rid, "待审", user="甲", comment="重来")
    with pytest.raises(ReviewError, match="不能从「审核中」改为「已整改待复核」"):
        lib.set_status(rid, "已整改待复核", user="甲")
    assert lib.case(rid)["status"] == "审核中"
    assert lib.review.allowed(lib.case(rid)["id"]) == ("通过",)        # nothing confirmed: no 退回整改
    assert lib.set_status(rid, "通过", user="甲")["status"] == "通过"
    with pytest.raises(ReviewError, match="不能从「通过」改为「待审」"):
        lib.set_status(rid, "待审", user="甲", comment="x")


def test_returning_for_rectification_needs_a_confirmed_open_finding(lib):
    rid, _ = _with_findings(lib)
    fs = lib.findings(rid)
    lib.decide(fs[0]["id"], "误报", user="甲", reason="读错")           # starts the review, confirms nothing
    with pytest.raises(ReviewError, match="退回整改需要至少一个已确认") as e:
        lib.set_status(rid, "退回整改", user="甲", deadline=date(2099, 1, 1))
    assert "请先确认问题或人工添加问题" in e.value.message
    assert lib.case(rid)["status"] == "审核中"
    assert [ev["action"] for ev in lib.trail(report_id=rid)].count("status") == 1     # only 开始审核
    lib.decide(fs[1]["id"], "确认", user="甲")
    assert "退回整改" in lib.review.allowed(lib.case(rid)["id"])
    assert lib.set_status(rid, "退回整改", user="甲", deadline=date(2099, 1, 1))["status"] == "退回整改"


def test_reopening_a_passed_report_or_withdrawing_a_return_needs_a_comment(lib):
    rid, _ = _with_findings(lib)
    _confirm_one(lib, rid)
    lib.set_status(rid, "退回整改", user="甲", deadline=date(2099, 1, 1))
    with pytest.raises(ReviewError, match="撤回退回整改.*需要填写说明"):
        lib.set_status(rid, "审核中", user="甲", comment="  ")
    assert lib.set_status(rid, "审核中", user="甲", comment="误退，撤回")["status"] == "审核中"
    lib.set_status(rid, "通过", user="甲")
    with pytest.raises(ReviewError, match="重新打开已通过的报告.*需要填写说明"):
        lib.set_status(rid, "审核中", user="乙")
    c = lib.set_status(rid, "审核中", user="乙", comment="复查发现新问题")
    assert c["status"] == "审核中" and c["comment"] == "复查发现新问题"
    last = lib.trail(report_id=rid)[-1]
    assert (last["before"]["status"], last["after"]["status"], last["comment"]) == ("通过", "审核中", "复查发现新问题")


def test_resubmitted_report_is_passed_or_returned_again(lib):
    from nianbao.store.review import allowed_statuses, transition_error
    assert allowed_statuses("已整改待复核", 1) == ("通过", "退回整改")
    assert allowed_statuses("已整改待复核", 0) == ("通过",)
    assert "不能从" in transition_error("已整改待复核", "审核中", "x", 1)
    assert transition_error("已整改待复核", "退回整改", None, 1) is None


def test_a_hand_added_finding_starts_the_review_like_a_decision(lib):
    rid, _ = _with_findings(lib)
    lib.add_finding(rid, "合计不符", user="甲", path="tables.applications.granted.total")
    assert lib.case(rid)["status"] == "审核中"
    assert lib.set_status(rid, "退回整改", user="甲")["status"] == "退回整改"     # the manual one is confirmed


def test_new_version_carries_decisions_marks_gone_findings_rectified_and_resubmits(lib):
    agency = "中卫市沙坡头区司法局"
    rid, r = _with_findings(lib, agency=agency)
    fs = lib.findings(rid)
    lib.decide(fs[0]["id"], "确认", user="甲")
    lib.decide(fs[1]["id"], "误报", user="甲", reason="误读")
    lib.set_status(rid, "退回整改", user="甲", deadline=date(2099, 1, 1))
    # the corrected version: the first finding fixed, the rest unchanged, one new finding
    v2 = r.model_copy(deep=True)
    v2.source.sha256 = f"{999:064x}"
    gone = v2.findings.pop(0)
    v2.findings.append(v2.findings[-1].model_copy(update={"code": "P999", "path": "tables.new.cell"}))
    rid2 = lib.add_report(v2, user="机关")
    assert rid2 != rid and lib.store.get_info(rid2).is_current
    case = lib.case(rid2)
    assert case["status"] == "已整改待复核" and case["report_id"] == rid2
    by_key = {f["key"]: f for f in lib.findings(rid2)}
    assert by_key[fs[0]["key"]]["state"] == "gone" and by_key[fs[0]["key"]]["shown"] == "已整改"
    assert by_key[fs[1]["key"]]["decision"] == "误报" and by_key[fs[1]["key"]]["state"] == "open"
    new = [f for f in by_key.values() if f["code"] == "P999"]
    assert len(new) == 1 and new[0]["decision"] is None
    assert gone.code == fs[0]["code"]
    actions = [e["action"] for e in lib.trail(report_id=rid2)]
    assert actions.count("upload") == 2 and "new_version" in actions
    nv = next(e for e in lib.trail(report_id=rid2) if e["action"] == "new_version")
    assert nv["after"]["rectified"] == 1 and nv["after"]["new"] == 1 and nv["after"]["carried"] >= 1


def test_hand_added_finding_is_pinned_confirmed_and_trailed(lib):
    rid, _ = _with_findings(lib)
    with pytest.raises(ReviewError, match="位置"):
        lib.add_finding(rid, "漏报", user="甲")
    f = lib.add_finding(rid, "表三合计与分项不符（人工核对）", user="甲", path="tables.applications.new_received.total")
    assert f["origin"] == "manual" and f["decision"] == "确认" and f["path"].endswith("received.total")
    g = lib.add_finding(rid, "第 12 行错字", user="甲", line=12)
    assert g["evidence"] == {"line": 12}
    assert [e["action"] for e in lib.trail(report_id=rid)].count("add_finding") == 2


def test_trail_is_append_only_in_the_database(lib):
    rid, _ = _with_findings(lib)
    with pytest.raises(Exception, match="append-only"):
        with lib.store.engine.begin() as c:
            c.execute(text("UPDATE review_event SET comment = 'x'"))
    with pytest.raises(Exception, match="append-only"):
        with lib.store.engine.begin() as c:
            c.execute(text("DELETE FROM review_event"))
    assert len(lib.trail(report_id=rid)) == 1


def test_delete_is_soft_trailed_and_restorable(lib):
    _with_findings(lib, 300, "中卫市海原县财政局")          # another report first: ids differ from records'
    rid, r = _with_findings(lib)
    assert lib.delete(rid, user="管理员", reason="重复上传")
    assert lib.store.get_info(rid) is None
    d = lib.review.deleted()[0]
    assert d["report_id"] == rid and d["deleted_by"] == "管理员" and d["reason"] == "重复上传"
    trail = lib.trail(agency_id=lib.store.find_agency("中卫市沙坡头区司法局").id)
    assert [e["action"] for e in trail][-1] == "delete" and trail[-1]["user"] == "管理员"
    assert rid != d["id"]       # the report's own id is not the record's: the refusal names the record
    with pytest.raises(ReviewError, match=f"删除记录编号是 {d['id']}"):
        lib.restore(rid, user="管理员")
    back = lib.restore(d["id"], user="管理员")
    assert lib.store.get_report(back).report.findings == r.findings


def test_assignments_progress_and_overdue_per_region(lib):
    a, _ = _with_findings(lib, 1, "中卫市沙坡头区司法局")
    b, _ = _with_findings(lib, 100, "中卫市海原县财政局")
    c, _ = _with_findings(lib, 200, "银川市兴庆区教育局")
    lib.assign([a, b], "张三", user="管理员")
    assert {x["report_id"] for x in lib.cases(assignee="张三")} == {a, b}
    _confirm_one(lib, a)
    lib.set_status(a, "退回整改", user="张三", deadline=date(2020, 1, 1))
    lib.set_status(b, "审核中", user="张三")
    lib.set_status(b, "通过", user="张三")
    prog = {p["region"]: p for p in lib.progress(today=date(2026, 1, 1))}
    zw = next(v for k, v in prog.items() if "中卫" in k)
    assert (zw["reports"], zw["reviewed"], zw["returned"], zw["overdue"], zw["passed"]) == (2, 2, 1, 1, 1)
    yc = next(v for k, v in prog.items() if "银川" in k)
    assert yc["reviewed"] == 0 and yc["reports"] == 1
    assert [x["report_id"] for x in lib.cases(status="逾期", today=date(2026, 1, 1))] == [a]
    assert c not in {x["report_id"] for x in lib.cases(status="通过")}


def test_false_positive_rate_per_rule_from_dismissals(lib):
    rid, _ = _with_findings(lib)
    fs = lib.findings(rid)
    code = fs[0]["code"]
    same = [f for f in fs if f["code"] == code]
    lib.decide(same[0]["id"], "误报", user="甲", reason="误读")
    for f in same[1:]:
        lib.decide(f["id"], "确认", user="甲")
    row = next(x for x in lib.fp_rates() if x["code"] == code)
    assert row["false_positive"] == 1 and row["confirmed"] == len(same) - 1
    assert row["fp_rate"] == pytest.approx(1 / len(same), abs=1e-4)


def test_notice_lists_only_confirmed_findings_with_deadline_and_overdue(lib):
    from openpyxl import load_workbook

    rid, _ = _with_findings(lib)
    fs = lib.findings(rid)
    lib.decide(fs[0]["id"], "确认", user="甲")
    lib.decide(fs[1]["id"], "不适用", user="甲", reason="本年度无此项")
    data, name, _ = lib.notice(agency="沙坡头区司法局", fmt="xlsx", deadline=date(2026, 1, 10), user="甲",
                               send=True, today=date(2026, 1, 15))
    assert name.endswith(".xlsx") and "整改通知" in name
    ws = load_workbook(io.BytesIO(data)).active
    cells = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert any("2026-01-10" in c and "已逾期 5 天" in c for c in cells)
    assert fs[0]["message"] in cells and fs[1]["message"] not in cells
    assert lib.case(rid)["status"] == "退回整改"
    docx, dname, _ = lib.notice(agency="沙坡头区司法局", fmt="docx")
    assert dname.endswith(".docx") and docx[:2] == b"PK"
    z, zname, media = lib.notice(region="中卫市", fmt="docx")
    assert media == "application/zip" and len(zipfile.ZipFile(io.BytesIO(z)).namelist()) == 1
    assert [e["action"] for e in lib.trail(report_id=rid)].count("notice") == 3


def test_spreadsheet_exports_keep_formula_like_text_as_text(lib):
    from openpyxl import load_workbook

    rid, r = _with_findings(lib, agency="中卫市沙坡头区司法局")
    evil = '=HYPERLINK("http://x.invalid","点此")'
    f = lib.add_finding(rid, evil, user="甲", line=3)
    assert f["decision"] == "确认"
    data, _, _ = lib.notice(agency="沙坡头区司法局", fmt="xlsx")
    ws = load_workbook(io.BytesIO(data)).active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == evil)
    assert cell.data_type == "s"
    other = _broken(500, "=cmd|' /C calc'!A0")
    lib.add_report(other)
    csv_text = lib.export("csv", "wide")[0].decode("utf-8-sig")
    assert "'=cmd|" in csv_text and "\n=cmd" not in csv_text and ",=cmd" not in csv_text
    xlsx = load_workbook(io.BytesIO(lib.export("xlsx", "wide")[0]))
    assert all(c.data_type != "f" for ws in xlsx.worksheets for row in ws.iter_rows() for c in row)


def test_a_reused_report_id_does_not_inherit_the_deleted_reports_trail(lib):
    rid, _ = _with_findings(lib, 1, "中卫市沙坡头区司法局")
    lib.delete(rid, user="管理员", reason="错传")
    other, _ = _with_findings(lib, 300, "银川市兴庆区教育局")
    actions = [e["action"] for e in lib.trail(report_id=other)]
    assert actions == ["upload"]
    assert any(e["action"] == "delete" and e["report_id"] == rid
               for e in lib.trail(agency_id=lib.store.find_agency("沙坡头区司法局").id))


def test_notice_of_an_agency_without_confirmed_findings_is_refused_and_changes_nothing(lib):
    from nianbao.errors import InputError

    rid, _ = _with_findings(lib)
    before = lib.case(rid)
    with pytest.raises(InputError, match="没有已确认的问题"):
        lib.notice(agency="沙坡头区司法局", fmt="docx", send=True, deadline=date(2026, 1, 10), user="甲")
    assert lib.case(rid)["status"] == before["status"]
    assert "notice" not in [e["action"] for e in lib.trail(report_id=rid)]
