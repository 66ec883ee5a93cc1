"""Regional rules: one report against other reports of its region (issue 16).

They need facts the single report does not hold, computed by the regional pass
(`Library.audit_region`, nianbao.oversight.regional) and handed in the AuditContext:
`siblings` (X005: reports of the same year, region and kind, compared by oversight.similarity)
and `rollup` (R001, R002: oversight.rollup). Without them the rules are skipped, never guessed.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..model import Report
from ..oversight.similarity import normalise_text, sections_text
from .common import fmt
from .context import AuditContext
from .history import similarity_thresholds
from .registry import Hit, rule

NAMES_SHOWN = 8          # agencies named in a message; the finding's data lists every one


def _names(names: list[str]) -> str:
    shown = "、".join(names[:NAMES_SHOWN])
    return f"{shown}等{len(names)}个" if len(names) > NAMES_SHOWN else shown


@rule("X005", "warning", "X",
      "第一、五部分正文与同级机关「{other_agency}」{other_year}年报告（报告{other_report_id}）雷同：{percent}% 的内容相同",
      needs="siblings")
def narrative_copied_from_sibling(report: Report, context: AuditContext) -> Iterator[Hit]:
    """What it does:
    Compares 一、总体情况 and 五、存在的主要问题及改进情况 with the reports of other agencies of
    the same year, region and kind (siblings, found among all reports of the year by a MinHash
    LSH index): the share of this report's character 5-grams (text normalised: no spaces,
    punctuation or numbers) found in a sibling's. Fires at the jurisdiction's threshold
    (`similarity.X005`, default 50 %) when this report's text has at least `similarity.min_chars`
    characters (default 200), naming the sibling with the largest share (the others in the
    finding's data). The same measure as X002.

    Why it matters:
    A report filled in on a neighbour's template (another bureau's text with the name and the
    counts changed) does not describe this agency's work; assessment rules count it like a
    report copied from last year.

    Example:
    中宁县司法局's 总体情况 is 沙坡头区司法局's with the name and the figures changed: ~90 % shared.
    """
    threshold, min_chars = similarity_thresholds(context, "X005")
    if len(normalise_text(sections_text(report))) < min_chars:
        return
    found = sorted((s for s in context.siblings if s.share >= threshold),
                   key=lambda s: (-s.share, s.report_id))
    if not found:
        return
    best = found[0]
    yield Hit("sections", {"other_agency": best.agency, "other_year": best.year, "other_report_id": best.report_id,
                           "percent": round(best.share * 100), "similarity": best.share, "threshold": threshold,
                           "other_share": best.other_share, "by_section": dict(best.by_section),
                           "other": best.to_dict(), "others": [s.to_dict() for s in found[1:]]})


_TABLES = (("applications", "表三"), ("review_litigation", "表四"))


@rule("R001", "warning", "R",
      "{table_name}与本地区{included_count}份下属报告之和不一致：{count}个单元格不同，如「{first_name}」本报告{first_government}、"
      "合计{first_total}；计入合计：{included_names}{missing_note}", needs="rollup")
def rollup_differs_from_parts(report: Report, context: AuditContext) -> Iterator[Hit]:
    """What it does:
    For a people's government whose report covers its whole area (the registry's 报告范围 全域),
    compares every cell of table 三 and 四 with the sum of the reports of the region's departments,
    乡镇 and 开发区 and of its sub-regions (their governments' area reports; for a sub-region whose
    government reports only its own office, that report and the sub-region's parts), as the
    registry lists them. One finding per table, naming the differing cells, the reports in the sum
    and the expected ones missing from it. With reports missing the sum is a lower bound, so then
    only cells where the government's figure is below the sum are named. A government report
    covering only its own office is not compared (the roll-up view says so).

    Why it matters:
    An area report is the region's account of every application and case; figures that differ
    from what its agencies reported mean one side lost or double-counted applications.

    Example:
    中卫市 reports 120 new applications; its departments and three districts report 95 in all.
    """
    ru = context.rollup
    if not ru.computed:
        return
    included = [m.name for m in ru.included]
    missing = [m.name for m in ru.missing]
    for table, table_name in _TABLES:
        diffs = ru.differences(table)
        if not diffs:
            continue
        first = diffs[0]
        yield Hit(f"tables.{table}", {
            "table": table, "table_name": table_name, "count": len(diffs),
            "first_name": first.name, "first_government": fmt(first.government), "first_total": fmt(first.total),
            "included_count": len(included), "included_names": _names(included) or "无",
            "missing_note": f"；未见报告、未计入：{_names(missing)}（合计仅为下限）" if missing else "",
            "cells": [c.to_dict() for c in diffs],
            "included": [m.to_dict() for m in ru.included], "missing": [m.to_dict() for m in ru.missing],
            "assumed": [m.name for m in ru.assumed], "region": ru.region, "year": ru.year})


@rule("R002", "info", "R", "汇总不完整：机关登记册列出的{count}个机关未见{year}年报告：{names}", needs="rollup")
def rollup_incomplete(report: Report, context: AuditContext) -> Iterator[Hit]:
    """What it does:
    For a government report compared with the sum of its region's reports (see R001), lists the
    agencies the registry expects in the region whose report of the year is not in the store.

    Why it matters:
    The roll-up can only be checked as far as the reports are in; the office also needs to know
    whom to ask for the missing ones.

    Example:
    中卫市 2023: 中卫市统计局 and 海原县人民政府 have no report in the store.
    """
    ru = context.rollup
    if not ru.computed or not ru.missing:
        return
    names = [m.name for m in ru.missing]
    yield Hit(None, {"count": len(names), "year": ru.year, "names": _names(names), "region": ru.region,
                     "missing": [m.to_dict() for m in ru.missing]})
