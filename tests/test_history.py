"""Cross-year rules X001–X004 on pairs of reports of one agency (no store needed)."""
from __future__ import annotations

import random

from nianbao.audit.history import containment, history_findings
from nianbao.generate import random_agency, random_report
from nianbao.model import Section


def _pair(seed: int = 1):
    rng = random.Random(seed)
    ag = random_agency(rng, "county_dept")
    prev = random_report(rng, year=2022, agency=ag)
    cur = random_report(rng, year=2023, agency=ag)
    # a consistent pair: what 2022 carried forward is what 2023 carried over; table 二 rolls forward
    for col in ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"):
        setattr(cur.tables.applications["carried_over"], col, getattr(prev.tables.applications["carried_forward"], col))
    for row in ("regulations", "normative_documents"):
        p, c = getattr(prev.tables.active_disclosure, row), getattr(cur.tables.active_disclosure, row)
        c.in_force = p.in_force + c.issued - c.repealed
    return prev, cur


def _codes(cur, prev):
    return [f.code for f in history_findings(cur, prev)]


def test_consistent_consecutive_years_give_no_x001_or_x004():
    for seed in range(10):
        prev, cur = _pair(seed)
        codes = _codes(cur, prev)
        assert "X001" not in codes and "X004" not in codes


def test_x001_fires_per_column_where_carry_over_differs():
    prev, cur = _pair(2)
    prev.tables.applications["carried_forward"].commercial = 2
    cur.tables.applications["carried_over"].commercial = 0
    fs = [f for f in history_findings(cur, prev) if f.code == "X001"]
    assert [f.data["col"] for f in fs] == ["commercial"]
    f = fs[0]
    assert f.severity == "error" and "商业企业" in f.message and "2022" in f.message
    assert f.data["previous"]["path"] == "tables.applications.carried_forward.commercial"
    assert f.data["previous"]["value"] == 2


def test_x001_skips_blank_cells():
    prev, cur = _pair(3)
    prev.tables.applications["carried_forward"].total = None
    cur.tables.applications["carried_over"].total = 99
    assert "X001" not in _codes(cur, prev)


def test_x002_fires_on_text_copied_with_numbers_changed():
    prev, cur = _pair(4)
    for no in (1, 5):
        s = prev.section(no)
        text = s.text.replace("2022", "2023")
        text = "".join(str((int(ch) + 3) % 10) if ch.isdigit() else ch for ch in text)
        cur.sections = [x for x in cur.sections if x.no != no] + [Section(no=no, heading=s.heading, text=text)]
    fs = [f for f in history_findings(cur, prev) if f.code == "X002"]
    assert len(fs) == 1 and fs[0].data["similarity"] > 0.9 and fs[0].severity == "warning"


def test_x002_quiet_for_independently_written_text():
    prev, cur = _pair(5)
    prev.sections = [Section(no=1, heading="总体情况", text="本年度我局围绕法治政府建设，重点推进行政执法公示、执法全过程记录和重大执法决定法制审核三项制度。" * 3),
                     Section(no=5, heading="存在的主要问题及改进情况", text="存在的问题是公开内容不够全面，解读形式较为单一，下一步将加强培训。" * 2)]
    cur.sections = [Section(no=1, heading="总体情况", text="今年以优化营商环境为主线，集中公开涉企收费目录清单、惠企政策汇编和审批服务事项办理指南，方便企业查询。" * 3),
                    Section(no=5, heading="存在的主要问题及改进情况", text="主要不足在于栏目更新不及时、政策文件解读滞后，明年拟建立月度检查通报机制。" * 2)]
    assert "X002" not in _codes(cur, prev)


def test_containment_counts_this_years_share_found_last_year():
    assert containment("甲乙丙丁戊己", "甲乙丙丁戊己庚辛壬癸") == 1.0
    assert containment("甲乙丙丁戊己庚辛壬癸", "甲乙丙丁戊己") == 2 / 6
    assert containment("", "甲乙丙丁戊") == 0.0


def test_x003_ignores_small_jumps_and_flags_tenfold_changes():
    prev, cur = _pair(6)
    prev.tables.active_disclosure.punishment.decisions = 0
    cur.tables.active_disclosure.punishment.decisions = 3          # 0 → 3: ordinary
    prev.tables.active_disclosure.licensing.decisions = 12
    cur.tables.active_disclosure.licensing.decisions = 1200        # ×100
    fs = [f for f in history_findings(cur, prev) if f.code == "X003"]
    paths = [f.path for f in fs]
    assert "tables.active_disclosure.licensing.decisions" in paths
    assert "tables.active_disclosure.punishment.decisions" not in paths
    f = next(f for f in fs if f.path.endswith("licensing.decisions"))
    assert f.severity == "info" and "1200" in f.message and "12" in f.message


def test_x003_flags_a_fall_as_well():
    prev, cur = _pair(7)
    prev.tables.applications["new_received"].total = 500
    cur.tables.applications["new_received"].total = 30
    assert any(f.path == "tables.applications.new_received.total" for f in history_findings(cur, prev)
               if f.code == "X003")


def test_x004_table_two_must_roll_forward():
    prev, cur = _pair(8)
    nd_prev, nd = prev.tables.active_disclosure.normative_documents, cur.tables.active_disclosure.normative_documents
    nd_prev.in_force, nd.issued, nd.repealed, nd.in_force = 20, 3, 1, 25
    fs = [f for f in history_findings(cur, prev) if f.code == "X004"]
    assert len(fs) == 1 and fs[0].data["expected"] == "22" and fs[0].severity == "warning"
    nd.in_force = 22
    assert "X004" not in _codes(cur, prev)


def test_x_rules_are_in_the_catalog_as_history_rules():
    from nianbao.audit.registry import REGISTRY

    import nianbao.audit.history  # noqa: F401

    assert {c for c, r in REGISTRY.items() if r.history} >= {"X001", "X002", "X003", "X004"}
