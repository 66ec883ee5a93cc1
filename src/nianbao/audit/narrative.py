"""N rules: what the text says versus what the tables say (正文与表格一致).

The numbers stated in the text are `report.narrative` facts, read at parse time by
extract/narrative.py; these rules only compare.
"""
from __future__ import annotations

from collections.abc import Iterator

from .. import labels as L
from ..model import NarrativeFact, Number, Report
from .common import app_value, cell_paths, fmt, known
from .registry import Hit, rule

# fact kind → (table-三 rows whose 总计 it states, Chinese name)
APP_FACTS: dict[str, tuple[list[str], str]] = {
    "applications.new_received": (["new_received"], "本年新收申请"),
    "applications.carried_over": (["carried_over"], "上年结转申请"),
    "applications.granted": (["granted"], "予以公开"),
    "applications.partially_granted": (["partially_granted"], "部分公开"),
    "applications.denied": ([k for k in L.APP_ROW_KEYS if k.startswith("denied.")], "不予公开"),
    "applications.unavailable": ([k for k in L.APP_ROW_KEYS if k.startswith("unavailable.")], "无法提供"),
    "applications.not_processed": ([k for k in L.APP_ROW_KEYS if k.startswith("not_processed.")], "不予处理"),
    "applications.other_processing": ([k for k in L.APP_ROW_KEYS if k.startswith("other.")], "其他处理"),
    "applications.completed": (["results_total"], "办结（办理结果总计）"),
    "applications.carried_forward": (["carried_forward"], "结转下年度"),
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


@rule("N001", "error", "N", {
    "default": "正文称{what}{stated}件，但表三为{table}件：「{text}」",
    "zero": "正文称未收到政府信息公开申请，但表三本年新收申请为{table}件：「{text}」",
    "received": "正文称受理/办理申请{stated}件，但表三本年新收{new}件、上年结转{carried_over}件（合计{both}件）：「{text}」",
})
def applications_text_vs_table(report: Report) -> Iterator[Hit]:
    """What it does:
    Compares the numbers of 政府信息公开申请 stated in the text (收到/新收, 上年结转, 予以公开,
    部分公开, 不予公开, 无法提供, 不予处理, 办结, 结转下年度) with table 三. "未收到/没有接到…申请"
    counts as 0 new applications. "受理 N 件" (or "收到 N 件，其中上年结转 B 件") is accepted when
    it equals either 新收 or 新收 + 上年结转 (受理749件 = 713 + 36 is not an error); so is "收到
    N 件" without the word 新收, which reports use for either. Items paired with counts by 分别为
    ("新收、上年结转申请分别为12件、3件") are read pair by pair.

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
        if f.kind in APP_FACTS:
            rows, what = APP_FACTS[f.kind]
            if f.kind == "applications.other_processing" and report.format == L.FORMAT_2019:
                continue
            table = _rows_total(report, rows)
            if table is None or abs(table - f.value) < 1e-9:
                continue
            over = app_value(report, "carried_over", "total")
            if f.data.get("generic") and known(over) and over and abs(table + over - f.value) < 1e-9:
                continue                     # "共收到申请15件" = 新收 12 + 上年结转 3
            variant = "zero" if f.kind == "applications.new_received" and f.data.get("zero_phrase") else "default"
            yield Hit(f"tables.applications.{rows[0]}.total" if len(rows) == 1 else "tables.applications",
                      {"kind": f.kind, "what": what, "stated": fmt(f.value), "table": fmt(table), "text": f.text,
                       "fact": _fact_path(report, f), "rows": rows}, variant=variant, evidence=f.evidence)
        elif f.kind == "applications.received_total":
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
            yield Hit("tables.applications.new_received.total",
                      {"kind": f.kind, "stated": fmt(f.value), "new": fmt(new), "carried_over": fmt(over),
                       "both": fmt(new + over), "text": f.text, "fact": _fact_path(report, f)},
                      variant="received", evidence=f.evidence)


@rule("N002", "error", "N", "正文称{what}{stated}件，但表四为{table}件：「{text}」")
def review_text_vs_table(report: Report) -> Iterator[Hit]:
    """What it does:
    Compares the numbers of 行政复议 and 行政诉讼 about the agency's information disclosure
    stated in the text with table 四 (行政诉讼 = 未经复议直接起诉 + 复议后起诉).
    "没有因政府信息公开申请引起的行政复议、行政诉讼" counts as 0 for both.

    Why it matters:
    Reviews and lawsuits are the most serious outcome of disclosure work; text and table
    must agree on how many there were.

    Example:
    Text: "被申请行政复议1件"; table 四 行政复议 总计 0.
    """
    if not _has_table(report, "review_litigation"):
        return
    rl = report.tables.review_litigation
    lit = [rl.litigation_direct.total, rl.litigation_after_review.total]
    tables = {"review.total": (rl.review.total, "tables.review_litigation.review.total", "因政府信息公开引起的行政复议"),
              "litigation.total": (sum(lit) if known(*lit) else None, "tables.review_litigation.litigation_direct.total",
                                   "因政府信息公开引起的行政诉讼")}
    for f in report.narrative:
        if f.kind not in tables or f.value is None:
            continue
        table, path, what = tables[f.kind]
        if table is None or abs(table - f.value) < 1e-9:
            continue
        yield Hit(path, {"kind": f.kind, "what": what, "stated": fmt(f.value), "table": fmt(table), "text": f.text,
                         "fact": _fact_path(report, f)}, evidence=f.evidence)


def _enumerations(report: Report) -> Iterator[NarrativeFact]:
    return (f for f in report.narrative if f.kind == "enumeration" and f.data.get("parts"))


@rule("N003", "warning", "N",
      "正文列举「{label}{total}{unit}」，但其中各项之和为{sum}{unit}（{expr}）：「{text}」")
def enumeration_does_not_add_up(report: Report) -> Iterator[Hit]:
    """What it does:
    Checks enumerations "共/主动公开 X 条，其中 A a 条、B b 条…": the parts must not add up to
    more than X; when they add up to less, the rule reports it only when the list looks
    complete (at least three parts, no "等", and the gap at most a fifth of X) — a short
    "其中" list often names only some of the items.

    Why it matters:
    A total that its own breakdown contradicts is a typo in the total or in a part.

    Example:
    "主动公开政府信息33条，其中部门动态4条、公示公告4条、政策解读3条…" where the parts sum to 31.
    """
    for f in _enumerations(report):
        parts = f.data["parts"]
        total = f.data.get("total", f.value)
        if total is None or any(p[1] is None for p in parts):
            continue
        s = sum(p[1] for p in parts)
        if s == total:
            continue
        if s < total and (len(parts) < 3 or f.data.get("open") or total - s > total / 5):
            continue
        yield Hit(_fact_path(report, f), {
            "label": f.data.get("label", ""), "total": total, "unit": f.data.get("unit", ""), "sum": s,
            "expr": "+".join(str(p[1]) for p in parts), "text": f.text, "parts": parts}, evidence=f.evidence)


def _norm(label: str) -> str:
    return L.normalize_label(label)


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
    for f in _enumerations(report):
        seen: dict[str, list] = {}
        for label, n in f.data["parts"]:
            seen.setdefault(_norm(label), []).append((label, n))
        for items in seen.values():
            if len(items) > 1:
                yield Hit(_fact_path(report, f), {
                    "item": items[0][0], "times": len(items), "values": "、".join(f"{n}{f.data.get('unit', '')}"
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


@rule("N006", "warning", "N", "正文称申请均已办结，但表三结转下年度继续办理{forward}件：「{text}」")
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
            yield Hit("tables.applications.carried_forward.total", {"forward": fmt(fwd), "text": f.text},
                      evidence=f.evidence)
            return

