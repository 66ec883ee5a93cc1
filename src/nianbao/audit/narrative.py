"""N rules: what the text says versus what the tables say (正文与表格一致).

The numbers stated in the text are `report.narrative` facts (typed: `FactKind` and a payload),
read at parse time by extract/narrative/; these rules only compare. A difference is an error
only when the fact has one reading (`fact.certain`); otherwise it is a warning that says what
was read and why it is uncertain. Every finding quotes the sentence and names the cells.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..form import FORM_2019, FORM_2021, form_for, normalize_label
from ..model import CountData, EnumerationData, FactKind, NarrativeFact, Number, Report
from .common import app_value, cell_paths, fmt, known
from .registry import Hit, rule

K = FactKind
_APP_ROWS = FORM_2021.table("applications").row_keys
# fact kind → (table-三 rows whose 总计 it states, Chinese name)
APP_FACTS: dict[FactKind, tuple[list[str], str]] = {
    K.NEW_RECEIVED: (["new_received"], "本年新收申请"),
    K.CARRIED_OVER: (["carried_over"], "上年结转申请"),
    K.GRANTED: (["granted"], "予以公开"),
    K.PARTIALLY_GRANTED: (["partially_granted"], "部分公开"),
    K.GRANTED_AND_PARTIAL: (["granted", "partially_granted"], "予以公开及部分公开"),
    K.DENIED: ([k for k in _APP_ROWS if k.startswith("denied.")], "不予公开"),
    K.UNAVAILABLE: ([k for k in _APP_ROWS if k.startswith("unavailable.")], "无法提供"),
    K.NOT_PROCESSED: ([k for k in _APP_ROWS if k.startswith("not_processed.")], "不予处理"),
    K.OTHER_PROCESSING: ([k for k in _APP_ROWS if k.startswith("other.")], "其他处理"),
    K.COMPLETED: (["results_total"], "办结（办理结果总计）"),
    K.CARRIED_FORWARD: (["carried_forward"], "结转下年度"),
}


def _fact_path(report: Report, fact: NarrativeFact) -> str:
    return f"narrative.{report.narrative.index(fact)}"


def _rows_total(report: Report, rows: list[str]) -> Number:
    values = [app_value(report, r, "total") for r in rows]
    return sum(values) if values and known(*values) else None


def _has_table(report: Report, table: str) -> bool:
    if table in report.extraction.tables_found:
        return True
    return any(report.tables.cell(p.removeprefix("tables.")) is not None for p in cell_paths(report.format, table))


def cells_name(report: Report, paths: list[str]) -> str:
    """The Chinese name of the cells a fact was compared with: "表三·（一）予以公开·总计", or for a
    group "表三·（三）不予公开·各项总计之和", or "表三·（一）予以公开·总计＋表三·（二）部分公开·总计"."""
    form = form_for(report.format)
    names = [form.cell_name(p) for p in paths]
    if len(names) == 1:
        return names[0]
    split = [n.split("·") for n in names]
    common = []
    for parts in zip(*split):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    if len(common) >= 2:
        return "·".join(common) + "·各项" + split[0][-1] + "之和"
    return "＋".join(names)


def _certainty(f: NarrativeFact) -> tuple[str | None, str]:
    """(severity override, the note the message ends with): a warning that says why when the
    fact has more than one reading."""
    if f.certain:
        return None, ""
    return "warning", f"（读取不确定：{f.reason}，请核对）"


def _zero_phrase(f: NarrativeFact) -> bool:
    return isinstance(f.data, CountData) and f.data.zero_phrase


def _generic(f: NarrativeFact) -> bool:
    return isinstance(f.data, CountData) and f.data.generic


@rule("N001", "error", "N", {
    "default": "正文称{what}{stated}件，但表三为{table}件（{cells}）：「{text}」{why}",
    "zero": "正文称未收到政府信息公开申请，但表三本年新收申请为{table}件（{cells}）：「{text}」{why}",
    "received": "正文称受理/办理申请{stated}件，但表三本年新收{new}件、上年结转{carried_over}件（合计{both}件）"
                "（{cells}）：「{text}」{why}",
})
def applications_text_vs_table(report: Report) -> Iterator[Hit]:
    """What it does:
    Compares the numbers of 政府信息公开申请 stated in the text (收到/新收, 上年结转, 予以公开,
    部分公开, 予以公开及部分公开 (their sum), 不予公开, 无法提供, 不予处理, 办结, 结转下年度) with
    table 三. "未收到/没有接到…申请" counts as 0 new applications. "受理 N 件" (or "收到 N 件，其中
    上年结转 B 件") is accepted when it equals either 新收 or 新收 + 上年结转 (受理749件 = 713 + 36
    is not an error); so is "收到 N 件" without the word 新收, which reports use for either. Items
    paired with counts by 分别为 are read pair by pair. An error when the sentence has one
    reading; a warning, saying why, when it has more (受理/办理, a sentence going on with the one
    before, outcomes stated without the word 申请).

    Why it matters:
    The text and the table are two statements of the same figures; when they differ at least
    one of them is wrong, and the public cannot tell which.

    Example:
    Text: "全年共收到政府信息公开申请12件"; table 三 本年新收 总计 10.
    """
    if not _has_table(report, "applications"):
        return
    for f in report.narrative:
        if f.value is None:
            continue
        severity, why = _certainty(f)
        if f.kind in APP_FACTS:
            rows, what = APP_FACTS[f.kind]
            if f.kind == K.OTHER_PROCESSING and report.format == FORM_2019.version:
                continue
            table = _rows_total(report, rows)
            if table is None or abs(table - f.value) < 1e-9:
                continue
            over = app_value(report, "carried_over", "total")
            if _generic(f) and known(over) and over and abs(table + over - f.value) < 1e-9:
                continue                     # "共收到申请15件" = 新收 12 + 上年结转 3
            variant = "zero" if f.kind == K.NEW_RECEIVED and _zero_phrase(f) else "default"
            paths = [f"tables.applications.{r}.total" for r in rows]
            yield Hit(paths[0] if len(rows) == 1 else "tables.applications",
                      {"kind": str(f.kind), "what": what, "stated": fmt(f.value), "table": fmt(table), "text": f.text,
                       "fact": _fact_path(report, f), "rows": rows, "cells": cells_name(report, paths),
                       "certain": f.certain, "why": why}, variant=variant, evidence=f.evidence, severity=severity)
        elif f.kind == K.RECEIVED_TOTAL:
            new = app_value(report, "new_received", "total")
            over = app_value(report, "carried_over", "total")
            res = app_value(report, "results_total", "total")
            if not known(new, over):
                continue
            fwd = app_value(report, "carried_forward", "total")
            accepted = {new, new + over}
            if known(res):
                accepted.add(res)
                if known(fwd):
                    accepted.add(res + fwd)
            if any(abs(a - f.value) < 1e-9 for a in accepted):
                continue
            paths = ["tables.applications.new_received.total", "tables.applications.carried_over.total"]
            yield Hit("tables.applications.new_received.total",
                      {"kind": str(f.kind), "stated": fmt(f.value), "new": fmt(new), "carried_over": fmt(over),
                       "both": fmt(new + over), "text": f.text, "fact": _fact_path(report, f),
                       "cells": "、".join(form_for(report.format).cell_name(p) for p in paths),
                       "certain": f.certain, "why": why},
                      variant="received", evidence=f.evidence, severity=severity)


# fact kind → (table-四 groups whose column it states, the column, Chinese name)
REVIEW_FACTS: dict[FactKind, tuple[tuple[str, ...], str, str]] = {
    K.REVIEW_TOTAL: (("review",), "total", "因政府信息公开引起的行政复议"),
    K.REVIEW_MAINTAINED: (("review",), "maintained", "行政复议结果维持"),
    K.REVIEW_CORRECTED: (("review",), "corrected", "行政复议结果纠正"),
    K.LITIGATION_TOTAL: (("litigation_direct", "litigation_after_review"), "total", "因政府信息公开引起的行政诉讼"),
    K.LITIGATION_MAINTAINED: (("litigation_direct", "litigation_after_review"), "maintained", "行政诉讼结果维持"),
    K.LITIGATION_CORRECTED: (("litigation_direct", "litigation_after_review"), "corrected", "行政诉讼结果纠正"),
}


@rule("N002", "error", "N", "正文称{what}{stated}件，但表四为{table}件（{cells}）：「{text}」{why}")
def review_text_vs_table(report: Report) -> Iterator[Hit]:
    """What it does:
    Compares the numbers of 行政复议 and 行政诉讼 about the agency's information disclosure
    stated in the text, and their results (维持, 纠正), with table 四 (行政诉讼 = 未经复议直接起诉 +
    复议后起诉). "没有因政府信息公开申请引起的行政复议、行政诉讼" counts as 0 for both;
    "未发生…被纠错/败诉的情况" as 0 corrected. An error when the sentence has one reading; a
    warning, saying why, when it has more (results, negations, cases not tied to disclosure
    in so many words).

    Why it matters:
    Reviews and lawsuits are the most serious outcome of disclosure work; text and table
    must agree on how many there were.

    Example:
    Text: "被申请行政复议1件"; table 四 行政复议 总计 0.
    """
    if not _has_table(report, "review_litigation"):
        return
    rl = report.tables.review_litigation
    for f in report.narrative:
        if f.kind not in REVIEW_FACTS or f.value is None:
            continue
        groups, col, what = REVIEW_FACTS[f.kind]
        values = [getattr(getattr(rl, g), col) for g in groups]
        table = sum(values) if known(*values) else None
        if table is None or abs(table - f.value) < 1e-9:
            continue
        paths = [f"tables.review_litigation.{g}.{col}" for g in groups]
        severity, why = _certainty(f)
        yield Hit(paths[0], {"kind": str(f.kind), "what": what, "stated": fmt(f.value), "table": fmt(table),
                             "text": f.text, "fact": _fact_path(report, f), "cells": cells_name(report, paths),
                             "certain": f.certain, "why": why}, evidence=f.evidence, severity=severity)


def _enumerations(report: Report) -> Iterator[tuple[NarrativeFact, EnumerationData]]:
    return ((f, f.data) for f in report.narrative if isinstance(f.data, EnumerationData) and f.data.parts)


@rule("N003", "warning", "N", {
    "default": "正文列举「{label}{total}{unit}」，但其中各项之和为{sum}{unit}（{expr}）：「{text}」",
    "joined": "正文列举「{label}{total}{unit}」，但其中各项之和为{sum}{unit}（{expr}）：「{text}」"
              "（该列举跨第{lines}行，已连读）",
})
def enumeration_does_not_add_up(report: Report) -> Iterator[Hit]:
    """What it does:
    Checks enumerations "共/主动公开 X 条，其中 A a 条、B b 条…": the parts must not add up to
    more than X; when they add up to less, the rule reports it only when the list looks
    complete (at least three parts, no "等", and the gap at most a fifth of X) — a short
    "其中" list often names only some of the items. A list hard-wrapped over several lines is
    read across them (the finding names the lines); one a page break or the end of a section
    cuts is not checked.

    Why it matters:
    A total that its own breakdown contradicts is a typo in the total or in a part.

    Example:
    "主动公开政府信息33条，其中部门动态4条、公示公告4条、政策解读3条…" where the parts sum to 31.
    """
    for f, d in _enumerations(report):
        s = sum(n for _, n in d.parts)
        if s == d.total:
            continue
        if s < d.total and (len(d.parts) < 3 or d.open or d.total - s > d.total / 5):
            continue
        yield Hit(_fact_path(report, f), {
            "label": d.label, "total": d.total, "unit": d.unit, "sum": s,
            "expr": "+".join(str(n) for _, n in d.parts), "text": f.text, "parts": [list(p) for p in d.parts],
            "lines": "、".join(str(n) for n in d.joined_lines), "joined_lines": list(d.joined_lines)},
            variant="joined" if d.joined_lines else "default", evidence=f.evidence)


def _norm(label: str) -> str:
    return normalize_label(label)


@rule("N004", "warning", "N", "同一列举中「{item}」出现{times}次（{values}）：「{text}」")
def enumeration_repeats_item(report: Report) -> Iterator[Hit]:
    """What it does:
    Reports an item listed twice in one enumeration "其中 A a 条、B b 条…".

    Why it matters:
    A repeated item is either counted twice or stands where another item was meant; either way
    the breakdown the public reads is wrong.

    Example:
    "…部门预算公开 1 条、权责清单 2 条、…、部门预算公开 1 条…" (seed 000).
    """
    for f, d in _enumerations(report):
        seen: dict[str, list] = {}
        for label, n in d.parts:
            seen.setdefault(_norm(label), []).append((label, n))
        for items in seen.values():
            if len(items) > 1:
                yield Hit(_fact_path(report, f), {
                    "item": items[0][0], "times": len(items), "values": "、".join(f"{n}{d.unit}"
                                                                                  for _, n in items),
                    "text": f.text}, evidence=f.evidence)


DOC_FACTS = {
    "regulations.issued": ("规章", "本年制发"), "regulations.repealed": ("规章", "本年废止"),
    "normative_documents.issued": ("行政规范性文件", "本年制发"),
    "normative_documents.repealed": ("行政规范性文件", "本年废止"),
}


@rule("N005", "warning", "N", "正文称{verb}{noun}{stated}件，但表二「{noun}·{col}件数」为{table}：「{text}」")
def documents_text_vs_table(report: Report) -> Iterator[Hit]:
    """What it does:
    Compares what the text says the agency issued (制发/印发/出台) or repealed (废止) of 规章 and
    行政规范性文件 with table 二 (第二十条第（一）项).

    Why it matters:
    Table 二 is where the 规范性文件 work is counted; a repeal announced in the text but
    missing from the table (or the reverse) means one of them is wrong.

    Example:
    Text: "对全区行政规范性文件进行清理，决定废止 1 件行政规范性文件"; table 二 本年废止 0.
    """
    ad = report.tables.active_disclosure
    for f in report.narrative:
        if f.kind not in DOC_FACTS or f.value is None:
            continue
        row, col = f.kind.split(".")
        counts = getattr(ad, row, None)
        table = getattr(counts, col, None) if counts is not None else None
        if table is None or abs(table - f.value) < 1e-9:
            continue
        noun, verb_col = DOC_FACTS[f.kind]
        verb = "制发" if col == "issued" else "废止"
        yield Hit(f"tables.active_disclosure.{f.kind}", {
            "noun": noun, "verb": verb, "col": verb_col, "stated": fmt(f.value), "table": fmt(table), "text": f.text,
            "fact": _fact_path(report, f)}, evidence=f.evidence)


@rule("N006", "warning", "N", "正文称申请均已办结，但表三结转下年度继续办理{forward}件（{cells}）：「{text}」")
def all_completed_but_carried_forward(report: Report) -> Iterator[Hit]:
    """What it does:
    Reports a text saying every application was completed ("均已办结", "全部办理完成") while
    table 三 carries applications forward (结转下年度继续办理 > 0).

    Why it matters:
    Either some applications are still open (and the text overstates the agency's work) or
    the carried-forward figure is wrong.

    Example:
    "对收到的申请均已按时办结"; table 三 结转下年度继续办理 总计 2.
    """
    fwd = app_value(report, "carried_forward", "total")
    if not fwd:
        return
    for f in report.narrative:
        if f.kind == "all_completed":
            path = "tables.applications.carried_forward.total"
            yield Hit(path, {"forward": fmt(fwd), "text": f.text, "cells": cells_name(report, [path])},
                      evidence=f.evidence)
            return

