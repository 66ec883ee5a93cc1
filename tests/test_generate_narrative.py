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
    missed = []
    for seed in range(60):
        rng = random.Random(seed)
        report = random_report(rng, nonzero=seed % 3 != 0)
        broken, code = perturb_narrative(rng=rng, report=report, codes=("N001", "N002", "N003", "N005"))
        assert code not in {f.code for f in audited(report, seed).findings}
        if code not in {f.code for f in audited(broken, seed).findings}:
            missed.append((seed, code))
    assert missed == []


def _report_where(predicate):
    """The first consistent synthetic report (fixed seeds) that satisfies `predicate`."""
    return next(r for r in (random_report(random.Random(seed)) for seed in range(200)) if predicate(r))


def _with_statement(report, statement: str):
    """A copy of `report` whose section 一 ends with `statement`, formatted with the report's figures."""
    out = report.model_copy(deep=True)
    apps, rl = out.tables.applications, out.tables.review_litigation
    figures = dict(new=apps["new_received"].total, car=apps["carried_over"].total,
                   rev=rl.review.total, lit=rl.litigation_direct.total + rl.litigation_after_review.total)
    out.section(1).text += "\n" + statement.format(**figures, total=figures["new"] + figures["car"],
                                                   wrong_new=figures["new"] + 10,
                                                   wrong_total=figures["new"] + 10 + figures["car"])
    return out


def _codes(report) -> set[str]:
    return {f.code for f in audited(report).findings}


def test_new_received_after_qizhong_is_checked_against_table_three():
    """"受理政府信息公开申请N件，其中本年新收A件、上年结转B件" (新收 + 结转 = 受理)."""
    report = _report_where(lambda r: r.tables.applications["carried_over"].total > 0)
    good = _with_statement(report, "全年受理政府信息公开申请{total}件，其中本年新收{new}件、上年结转{car}件。")
    assert "N001" not in _codes(good)
    wrong = _with_statement(report, "全年受理政府信息公开申请{wrong_total}件，其中本年新收{wrong_new}件、上年结转{car}件。")
    assert "N001" in _codes(wrong)


def test_all_completed_while_some_are_carried_forward_is_found():
    """"……均已办结" while table 三 carries some applications forward (结转下年度继续办理 > 0)."""
    report = _report_where(lambda r: r.tables.applications["carried_forward"].total > 0)
    assert "N006" not in _codes(report)
    assert "N006" in _codes(_with_statement(report, "全年共收到政府信息公开申请{new}件，均已办结。"))


def test_bei_shenqing_review_figures_are_checked_against_table_four():
    """"被申请行政复议N件，被提起行政诉讼M件", the usual wording of many reports."""
    report = _report_where(lambda r: True)
    assert "N002" not in _codes(_with_statement(report, "全年被申请行政复议{rev}件，被提起行政诉讼{lit}件。"))
    assert "N002" in _codes(_with_statement(report, "全年被申请行政复议99件，被提起行政诉讼{lit}件。"))


def test_enumeration_in_brackets_that_does_not_add_up_is_found():
    """"主动公开各类政府信息35条（其中：A a条，B b条，C c条）" whose parts exceed the total."""
    report = _report_where(lambda r: True)
    good = _with_statement(report, "主动公开各类政府信息35条（其中：工作动态20条，通知公告10条，政策解读5条）。")
    assert "N003" not in _codes(good)
    wrong = _with_statement(report, "主动公开各类政府信息35条（其中：工作动态20条，通知公告12条，政策解读5条）。")
    assert "N003" in _codes(wrong)
