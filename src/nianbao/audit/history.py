"""X rules: one report against the same agency's report for the year before (from the store).

Each rule takes (report, previous) and runs only when the previous year's report is known
(the store finds it: same agency per agency.py, year − 1, the current version). Findings point
at this report's cell (evidence) and carry the previous report in `data["previous"]`:
its year, file, sha256, model path, position and value; the store adds its `report_id`.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Number, Report
from ..form import FORM_2021
from ..oversight.similarity import SECTIONS, compare_reports, containment, normalise_text, sections_text
from .common import APPLICATIONS, app_path, app_value, fmt, known
from .context import AuditContext
from .registry import Hit, evidence_for, rule

__all__ = ["containment", "history_findings", "normalise_text"]   # the measure lives in oversight.similarity


def _previous(previous: Report, path: str, value: Number) -> dict[str, Any]:
    pos = evidence_for(previous, path)
    return {"year": previous.meta.year, "file": previous.source.file, "sha256": previous.source.sha256,
            "path": path, "evidence": pos.model_dump() if pos is not None else None, "value": value}


@rule("X001", "error", "X",
      "表三「二、上年结转」{col_name}列为{value}，但{previous_year}年报告「四、结转下年度继续办理」为{previous_value}", history=True)
def carried_over_matches_last_year(report: Report, previous: Report) -> Iterator[Hit]:
    """What it does:
    Checks, per applicant column, that this year's 上年结转政府信息公开申请数量 equals the
    previous year's 结转下年度继续办理 of the same agency.

    Why it matters:
    What one year carries forward is exactly what the next year carries over; a difference
    means one of the two reports is wrong (or applications were lost between years).

    Example:
    2023: 结转下年度继续办理 总计 3; 2024: 上年结转 总计 1.
    """
    for c in APPLICATIONS.columns:
        col = c.key
        cur = app_value(report, "carried_over", col)
        prev = app_value(previous, "carried_forward", col)
        if known(cur, prev) and abs(cur - prev) > 1e-9:
            yield Hit(app_path("carried_over", col), {
                "col": col, "col_name": c.name, "value": fmt(cur), "previous_value": fmt(prev),
                "previous_year": previous.meta.year,
                "previous": _previous(previous, app_path("carried_forward", col), prev)})


# X002 ------------------------------------------------------------------------------------------
# Measure (shared with X005, oversight/similarity.py): the share of this year's character 5-grams of
# sections 一 总体情况 and 五 存在的主要问题及改进情况 (normalised: no spaces, punctuation or
# digits) that also occur in last year's same sections — containment, not Jaccard, because
# the question is "how much of this year's text was there last year", whatever last year's length.
# Real reports of different agencies of one sector share at most 0.13 of their 5-grams, templated
# ones of the same agency about 0.5; a text carried over with a few edits stays above 0.8.
# Threshold and minimum length come from the jurisdiction's configuration (`similarity.X002`,
# `similarity.min_chars`: one city's rule counts more than 50 % repeated from last year); without
# one, the bundled default's (oversight/default.yaml). Shorter texts are too short to judge.
SIMILARITY_SECTIONS = SECTIONS


def similarity_thresholds(context: AuditContext | None, code: str) -> tuple[float, int]:
    """(threshold, min_chars) of X002/X005: the context's jurisdiction, else the bundled default."""
    cfg = context.similarity if context is not None and context.similarity is not None else None
    if cfg is None:
        from ..oversight.config import default_config

        cfg = default_config().similarity
    return float(getattr(cfg, code)), int(cfg.min_chars)


@rule("X002", "warning", "X",
      "第一、五部分正文与{previous_year}年报告雷同：{percent}% 的内容与上年相同", history=True, uses="similarity")
def narrative_copied_from_last_year(report: Report, previous: Report, context: AuditContext) -> Iterator[Hit]:
    """What it does:
    Measures how much of this year's 一、总体情况 and 五、存在的主要问题及改进情况 already
    stood in the previous year's report: the share of this year's character 5-grams (text
    normalised: no spaces, punctuation or numbers) found in last year's. Fires at the
    jurisdiction's threshold (`similarity.X002`, default 50 %) when this year's text has at least
    `similarity.min_chars` characters (default 200). The same measure as X005.

    Why it matters:
    The annual report is meant to describe this year's work and this year's problems; a text
    copied from last year with the numbers changed (与上年雷同) is a common finding of reviews.

    Example:
    2024's 总体情况 is 2023's with "2023年" changed to "2024年" and new counts: ~95 % shared.
    """
    threshold, min_chars = similarity_thresholds(context, "X002")
    cmp = compare_reports(report, previous)
    if cmp.chars < min_chars or not normalise_text(sections_text(previous)):
        return
    if cmp.share >= threshold:
        yield Hit("sections", {"percent": round(cmp.share * 100), "similarity": round(cmp.share, 3),
                               "threshold": threshold, "by_section": cmp.by_section,
                               "previous_year": previous.meta.year,
                               "previous": _previous(previous, "sections", None)})


# X003 ------------------------------------------------------------------------------------------
# A figure that grows or shrinks tenfold from one year to the next is worth a look (a typo, a unit
# mistake, a column shifted) — but small counts jump around: 0 → 3 applications is ordinary. So it
# fires only when the larger value is at least 10 × the smaller (0 counts as 1) AND the absolute
# change is at least 20.
CHANGE_FACTOR = 10
CHANGE_MIN_ABS = 20
# the figures compared; their names are the form's ("表三·一、本年新收政府信息公开申请数量·总计")
FIGURES: list[str] = [
    "tables.applications.new_received.total",
    "tables.applications.results_total.total",
    "tables.applications.granted.total",
    "tables.review_litigation.review.total",
    "tables.review_litigation.litigation_direct.total",
    "tables.review_litigation.litigation_after_review.total",
    "tables.active_disclosure.licensing.decisions",
    "tables.active_disclosure.punishment.decisions",
    "tables.active_disclosure.enforcement.decisions",
    "tables.active_disclosure.normative_documents.in_force",
]


def _cell(report: Report, path: str) -> Number:
    return report.tables.cell(path.removeprefix("tables."))


@rule("X003", "info", "X", "{name}由{previous_year}年的{previous_value}变为{value}，变化超过{factor}倍", history=True)
def figure_changed_tenfold(report: Report, previous: Report) -> Iterator[Hit]:
    """What it does:
    Compares key figures (applications received and finished, 予以公开, 行政复议 and 行政诉讼
    totals, 行政许可/处罚/强制 decisions, 行政规范性文件 in force) with the previous year's and
    reports those that grew or shrank at least tenfold (0 counted as 1) by at least 20.

    Why it matters:
    Such jumps are mostly typing or unit mistakes, or a column shifted while copying the
    table; when they are real, a reviewer still wants to know why.

    Example:
    行政处罚 decisions: 2023 12, 2024 1200.
    """
    for path in FIGURES:
        name = FORM_2021.cell_name(path)
        cur, prev = _cell(report, path), _cell(previous, path)
        if not known(cur, prev):
            continue
        lo, hi = sorted((cur, prev))
        if abs(cur - prev) >= CHANGE_MIN_ABS and hi >= CHANGE_FACTOR * max(lo, 1):
            yield Hit(path, {"name": name, "value": fmt(cur), "previous_value": fmt(prev),
                             "factor": CHANGE_FACTOR, "previous_year": previous.meta.year,
                             "previous": _previous(previous, path, prev)})


@rule("X004", "warning", "X",
      "表二「{row_name}」现行有效{value}件，但上年现行有效{previous_in_force}+本年制发{issued}−本年废止{repealed}={expected}件", history=True)
def active_documents_roll_forward(report: Report, previous: Report) -> Iterator[Hit]:
    """What it does:
    For 规章 and 行政规范性文件 in table 二, checks that this year's 现行有效件数 equals last
    year's 现行有效件数 + 本年制发件数 − 本年废止件数.

    Why it matters:
    The number in force can only change by issuing or repealing; a mismatch usually means one
    of the counts is wrong. Revisions (修订) and documents expiring can explain a difference,
    hence a warning.

    Example:
    2023 in force 20; 2024 issued 3, repealed 1, in force 25 (expected 22).
    """
    active = FORM_2021.table("active_disclosure")      # a 2019 report has no 现行有效件数: skipped
    for row in ("regulations", "normative_documents"):
        base = active.row(row).path_prefix + f".{row}"
        cur, issued, repealed = (_cell(report, f"{base}.{c}") for c in ("in_force", "issued", "repealed"))
        prev = _cell(previous, f"{base}.in_force")
        if not known(cur, issued, repealed, prev):
            continue
        expected = prev + issued - repealed
        if abs(cur - expected) > 1e-9:
            yield Hit(f"{base}.in_force", {
                "row": row, "row_name": active.row(row).name, "value": fmt(cur), "issued": fmt(issued),
                "repealed": fmt(repealed), "previous_in_force": fmt(prev), "expected": fmt(expected),
                "previous_year": previous.meta.year,
                "previous": _previous(previous, f"{base}.in_force", prev)})


def history_findings(report: Report, previous: Report, context: AuditContext | None = None) -> list:
    """Only the cross-year rules (the store runs these at save time; the single-report rules ran
    when the file was parsed). `context`: the jurisdiction's thresholds (X002), when known."""
    from .registry import REGISTRY, _finding

    ctx = context if context is not None else AuditContext()
    out = []
    for r in sorted(REGISTRY.values(), key=lambda r: r.code):
        if not r.history or any(ctx.get(name) is None for name in r.needs):
            continue
        hits = r.func(report, previous, context=ctx) if r.takes_context else r.func(report, previous)
        out.extend(_finding(r, report, hit) for hit in hits)
    return out
