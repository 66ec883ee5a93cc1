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
        text = broken.section(1).text
        if ("其中本年新收" in text and code == "N001") or ("被申请行政复议" in text and code == "N002") \
                or ("（其中：" in text and code == "N003"):
            continue                                    # phrasings the audit does not read yet (xfails below)
        checked += 1
        assert code not in {f.code for f in audited(report, seed).findings}
        if code not in {f.code for f in audited(broken, seed).findings}:
            missed.append((seed, code))
    assert checked > 40 and missed == []


# "受理…N件，其中本年新收A件、上年结转B件": the 本年新收 figure is not read as applications.new_received.
@pytest.mark.xfail(strict=True, reason="generate: seed 44 no longer renders '其中本年新收14件、上年结转3件' (the "
                                       "本年新收 after 其中 is read now: tests/test_narrative.py)")
def test_new_received_after_qizhong_is_checked_against_table_three():
    rng = random.Random(44)
    report = random_report(rng, nonzero=True)
    broken, code = perturb_narrative(report, rng)
    assert code == "N001" and "其中本年新收14件、上年结转3件" in broken.section(1).text   # the input described above
    assert report.tables.applications["new_received"].total == 4
    assert "N001" in {f.code for f in audited(broken, 44).findings}


# "…其他处理23件，均已办结。" while table 三 carries 25 forward.
def test_all_completed_while_some_are_carried_forward_is_found():
    rng = random.Random(14)
    report = random_report(rng, nonzero=True)
    broken, code = perturb_narrative(report, rng, codes=("N006",))
    assert "其他处理23件，均已办结。" in broken.section(1).text                            # the input described above
    assert report.tables.applications["carried_forward"].total == 25
    assert "N006" in {f.code for f in audited(broken, 14).findings}


def _with_statement(seed: int, statement: str):
    """A consistent report whose section 一 ends with `statement` (formatted with its figures)."""
    report = random_report(random.Random(seed))
    rl, nd = report.tables.review_litigation, report.tables.active_disclosure.normative_documents
    figures = dict(rev=rl.review.total, lit=rl.litigation_direct.total + rl.litigation_after_review.total)
    report.section(1).text += "\n" + statement.format(**figures)
    return report


# "被申请行政复议N件，被提起行政诉讼M件", the usual wording of many reports, with a wrong 复议 figure.
def test_bei_shenqing_review_figures_are_checked_against_table_four():
    report = _with_statement(3, "全年被申请行政复议{rev}件，被提起行政诉讼{lit}件。")
    assert "N002" not in {f.code for f in audited(report).findings}
    wrong = _with_statement(3, "全年被申请行政复议99件，被提起行政诉讼{lit}件。")
    assert "N002" in {f.code for f in audited(wrong).findings}


# "主动公开各类政府信息35条（其中：工作动态20条，通知公告12条）": the parts in brackets do not add up.
@pytest.mark.xfail(strict=True, reason="audit/narrative N003: the bracketed parts are read now, but two parts short "
                                       "of the total read as a partial list (a shortfall counts from three parts up)")
def test_enumeration_in_brackets_that_does_not_add_up_is_found():
    good = _with_statement(3, "主动公开各类政府信息35条（其中：工作动态20条，通知公告15条）。")
    assert "N003" not in {f.code for f in audited(good).findings}
    wrong = _with_statement(3, "主动公开各类政府信息35条（其中：工作动态20条，通知公告12条）。")
    assert "N003" in {f.code for f in audited(wrong).findings}
