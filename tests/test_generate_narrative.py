"""perturb_narrative: one statement of the narrative contradicts the tables, and the audit says so."""
from __future__ import annotations

import random

import pytest

from nianbao import api
from nianbao.generate import Style, perturb_narrative, random_report, render_bytes


def audited(report, seed: int = 0):
    return api.audit(api.parse_bytes(render_bytes(report, "tabs", Style(), seed=seed), "r.txt"))


@pytest.mark.parametrize("seed", range(20))
def test_perturb_narrative_changes_one_statement_and_no_table(seed):
    rng = random.Random(seed)
    report = random_report(rng)
    broken, code = perturb_narrative(report, rng)
    assert code in {"N001", "N002", "N003", "N005", "N006"}
    assert broken.tables == report.tables and broken.meta == report.meta
    assert [s.no for s in broken.sections if s.text != report.section(s.no).text] == [1]


def test_the_audit_finds_each_contradiction_and_none_in_the_consistent_report():
    missed, checked = [], 0
    for seed in range(60):
        rng = random.Random(seed)
        report = random_report(rng, nonzero=seed % 3 != 0)
        broken, code = perturb_narrative(rng=rng, report=report, codes=("N001", "N002", "N003", "N005"))
        if "其中本年新收" in broken.section(1).text:      # a phrasing the audit does not read yet (xfail below)
            continue
        checked += 1
        assert code not in {f.code for f in audited(report, seed).findings}
        if code not in {f.code for f in audited(broken, seed).findings}:
            missed.append((seed, code))
    assert checked > 40 and missed == []


# "受理…N件，其中本年新收A件、上年结转B件": the 本年新收 figure is not read as applications.new_received.
@pytest.mark.xfail(strict=True, reason="audit/narrative: '受理政府信息公开申请7件，其中本年新收14件、上年结转3件' — "
                                       "the 本年新收 figure is not read, so N001 misses 14 against table 三's 4")
def test_new_received_after_qizhong_is_checked_against_table_three():
    rng = random.Random(44)
    report = random_report(rng, nonzero=True)
    broken, code = perturb_narrative(report, rng)
    assert code == "N001" and "其中本年新收14件、上年结转3件" in broken.section(1).text   # the input described above
    assert report.tables.applications["new_received"].total == 4
    assert "N001" in {f.code for f in audited(broken, 44).findings}


# "…其他处理23件，均已办结。" while table 三 carries 25 forward.
@pytest.mark.xfail(strict=True, reason="audit/narrative: '均已办结' after the list of outcomes is not read; N006 "
                                       "misses it while 结转下年度继续办理 is 25")
def test_all_completed_while_some_are_carried_forward_is_found():
    rng = random.Random(14)
    report = random_report(rng, nonzero=True)
    broken, code = perturb_narrative(report, rng, codes=("N006",))
    assert "其他处理23件，均已办结。" in broken.section(1).text                            # the input described above
    assert report.tables.applications["carried_forward"].total == 25
    assert "N006" in {f.code for f in audited(broken, 14).findings}
