"""The synthetic report generator: its tables obey the format's arithmetic and its narrative agrees."""
from __future__ import annotations

import random
import re

import pytest

from nianbao.form import FORM_2021
from nianbao.generate.synthetic import perturb, random_agency, random_report, sample_reports

APPLICATIONS = FORM_2021.table("applications")
APPLICANT_KEYS = [c.key for c in APPLICATIONS.columns]
COLS = APPLICANT_KEYS[:6]
# the outcome rows: under 三、本年度办理结果, but its （七）总计 (written out here, not taken from the
# form's identities, so that this checks the generator independently of them)
OUTCOMES = [r.key for r in APPLICATIONS.rows if r.labels[0].startswith("三、") and r.key != "results_total"]
CELLS = FORM_2021.cell_paths()


def arithmetic_errors(report) -> list[str]:
    """Every broken 勾稽关系 of tables 三 and 四 (T301–T303, T401), as path strings."""
    apps = report.tables.applications
    errs = []
    for key, row in apps.items():
        if row.total != sum(getattr(row, c) for c in COLS):
            errs.append(f"T301 {key}")
    for c in APPLICANT_KEYS:
        if getattr(apps["results_total"], c) != sum(getattr(apps[k], c) for k in OUTCOMES):
            errs.append(f"T302 {c}")
        if getattr(apps["new_received"], c) + getattr(apps["carried_over"], c) != \
                getattr(apps["results_total"], c) + getattr(apps["carried_forward"], c):
            errs.append(f"T303 {c}")
    for g in FORM_2021.table("review_litigation").row_keys:
        r = getattr(report.tables.review_litigation, g)
        if r.total != r.maintained + r.corrected + r.other + r.pending:
            errs.append(f"T401 {g}")
    return errs


@pytest.mark.parametrize("seed", range(40))
def test_random_report_tables_obey_every_arithmetic_rule(seed):
    report = random_report(random.Random(seed))
    assert arithmetic_errors(report) == []
    for path in CELLS:
        v = report.tables.cell(path.removeprefix("tables."))
        assert v is not None and v >= 0, path


def test_nonzero_reports_have_many_nonzero_cells_and_some_large_ones():
    reports = sample_reports(60, seed=7)
    nonzero_share = [sum(1 for p in CELLS if report.tables.cell(p[7:])) / len(CELLS)
                     for report in reports]
    assert sum(nonzero_share) / len(reports) > 0.25
    assert all(r.tables.applications["new_received"].total > 0 for r in reports)
    assert any(r.tables.applications["new_received"].total >= 1000 for r in reports)
    assert any(isinstance(r.tables.active_disclosure.fees.amount_10k_yuan, float) for r in reports)


def test_meta_has_title_period_and_a_published_date_within_the_legal_deadline():
    for seed in range(60):
        r = random_report(random.Random(seed))
        m = r.meta
        assert m.agency in m.title and f"{m.year}年" in m.title and m.title.endswith("年度报告")
        if m.period is not None:
            assert (m.period.start.isoformat(), m.period.end.isoformat()) == (f"{m.year}-01-01", f"{m.year}-12-31")
        if m.published is not None:
            assert m.published.year == m.year + 1
            government = m.agency.endswith(("人民政府", "办事处"))
            assert m.published.month <= (3 if government else 1)
        assert [s.no for s in r.sections] == [1, 2, 3, 4, 5, 6]


def test_regulations_are_zero_for_agencies_that_cannot_make_them():
    rng = random.Random(3)
    for _ in range(200):
        ag = random_agency(rng)
        r = random_report(rng, agency=ag)
        regs = r.tables.active_disclosure.regulations
        if not ag.makes_regulations:
            assert (regs.issued, regs.repealed, regs.in_force) == (0, 0, 0), ag.name
    gov = random_report(random.Random(1), agency="city_gov")
    assert gov.meta.agency.endswith("市人民政府")


def test_narrative_states_the_table_figures():
    for seed in range(80):
        r = random_report(random.Random(seed), nonzero=seed % 2 == 0)
        apps = r.tables.applications
        text = r.section(1).text
        new, carried, forward = (apps[k].total for k in ("new_received", "carried_over", "carried_forward"))
        if new == 0 and carried == 0:
            assert re.search(r"未收到|没有接到", text)
        else:
            assert re.search(rf"(收到|新收|本年新收)\D{{0,12}}?{new}\s*件", text), text
            assert "未收到政府信息公开申请" not in text
        if "均已" in text or "所有申请均已办结" in text:
            assert forward == 0
        if forward:
            assert f"结转下年度继续办理{forward}件" in text
        nd = r.tables.active_disclosure.normative_documents
        m = re.search(r"制发行政规范性文件(\d+)件", text)
        if m:
            assert int(m.group(1)) == nd.issued
        assert "未收取" in r.section(6).text and "信息处理费" in r.section(6).text


def test_active_disclosure_enumeration_parts_add_up_to_the_stated_total():
    for seed in range(50):
        text = random_report(random.Random(seed)).section(1).text
        m = re.search(r"公开[^。]*?(\d+)\s*条(?:，(?:其中|包括)|（其中：)\s*([^。]*?)）?。", text)
        assert m, text
        parts = [int(x) for x in re.findall(r"(\d+)\s*条", m.group(2))]
        assert sum(parts) == int(m.group(1))


def test_review_sentence_matches_table_four():
    found = 0
    for seed in range(120):
        r = random_report(random.Random(seed))
        m = re.search(r"行政复议(\d+)件、行政诉讼(\d+)件", r.section(1).text + r.section(4).text)
        if m:
            found += 1
            rl = r.tables.review_litigation
            assert int(m.group(1)) == rl.review.total
            assert int(m.group(2)) == rl.litigation_direct.total + rl.litigation_after_review.total
    assert found > 5


def test_same_seed_gives_the_same_report():
    assert random_report(random.Random(11)).to_json() == random_report(random.Random(11)).to_json()


def test_blanks_leave_some_cells_none():
    r = random_report(random.Random(5), blanks=0.2)
    values = [r.tables.cell(p[7:]) for p in CELLS]
    assert 0 < values.count(None) < len(values)


@pytest.mark.parametrize("seed", range(30))
def test_perturb_changes_exactly_one_cell_and_breaks_an_arithmetic_rule(seed):
    rng = random.Random(seed)
    report = random_report(rng)
    broken, path = perturb(report, rng)
    changed = [p for p in CELLS if report.tables.cell(p[7:]) != broken.tables.cell(p[7:])]
    assert changed == [path]
    assert arithmetic_errors(report) == []
    assert arithmetic_errors(broken)


def test_inconsistent_variant_breaks_the_arithmetic():
    assert arithmetic_errors(random_report(random.Random(2), consistent=False))


def test_unknown_agency_kind_is_refused():
    with pytest.raises(ValueError):
        random_report(random.Random(1), agency="ministry")


@pytest.mark.parametrize("seed", range(15))
def test_a_report_following_last_years_carries_over_and_rolls_forward_without_cross_year_errors(seed):
    from nianbao import api

    rng = random.Random(seed)
    ag = random_agency(rng)
    first = random_report(rng, year=2022, agency=ag)
    second = random_report(rng, agency=ag, previous=first)
    assert second.meta.year == 2023
    assert second.tables.applications["carried_over"] == first.tables.applications["carried_forward"]
    for key in ("regulations", "normative_documents"):
        a, b = getattr(first.tables.active_disclosure, key), getattr(second.tables.active_disclosure, key)
        assert b.in_force == a.in_force + b.issued - b.repealed
    codes = {f.code for f in api.audit(second, previous=first).findings}
    assert not codes & {"X001", "X004"}
    assert arithmetic_errors(second) == []
