"""C rules: is everything the national format asks for there, in the official wording?"""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..form import CHINESE_ORDINALS, FORM_2019, normalize_label
from ..model import Report
from .common import cell_paths, form_of
from .common import cells as cells_of     # `cells` names the blank paths below
from .plausibility import may_make_regulations
from .registry import Hit, evidence_for, rule

SECTION_ORDINALS = CHINESE_ORDINALS[:6]


@rule("C001", "error", "C", "缺少第{ordinal}部分「{heading}」")
def section_missing(report: Report) -> Iterator[Hit]:
    """What it does:
    Checks that all six sections of the national format are present: 一、总体情况 …
    六、其他需要报告的事项.

    Why it matters:
    国办公开办函〔2021〕30号 fixes the outline of the annual report; a missing section means
    a required part of the report was left out (or its heading was mangled beyond recognition).

    Example:
    A report that goes from 四、政府信息公开行政复议、行政诉讼情况 straight to 六、其他需要报告的事项.
    """
    present = {s.no for s in report.sections}
    for no in range(1, 7):
        if no not in present:
            yield Hit("sections", {"no": no, "ordinal": SECTION_ORDINALS[no - 1],
                                   "heading": form_of(report).sections[no - 1]})


def _table_cells(report: Report, table: str) -> tuple[str, ...]:
    return cell_paths(report.format, table)


# Words only a printed table's header holds (each may be wrapped apart from the rest of its
# label, so single words): a table printed with every cell blank ("—", "/") is there, not missing.
_HEADER_WORDS = {
    "active_disclosure": ("制发", "废止", "现行有效", "处理决定", "收费金额"),
    "applications": ("商业企业", "科研机构", "社会公益组织", "法律服务机构"),
    "review_litigation": ("维持", "纠正", "审结", "起诉"),
}


def _header_printed(report: Report, table: str) -> bool:
    words = _HEADER_WORDS[table]
    for sec in report.sections:
        text = re.sub(r"\s+", "", sec.text)
        if sum(w in text for w in words) >= len(words) - 1:
            return True
    return False


def _table_missing(report: Report, table: str) -> bool:
    """Missing: the extractor did not find it (nor its labels without values), not a single cell
    has a value, and its header was not printed either."""
    if table in report.extraction.tables_found or table in report.extraction.tables_without_values:
        return False
    if not all(report.tables.cell(p.removeprefix("tables.")) is None for p in _table_cells(report, table)):
        return False
    return not _header_printed(report, table)


@rule("C002", "error", "C", "缺少{table_name}「{title}」")
def table_missing(report: Report) -> Iterator[Hit]:
    """What it does:
    Checks that the three statistical tables are present: 二 主动公开政府信息情况,
    三 收到和处理政府信息公开申请情况, 四 政府信息公开行政复议、行政诉讼情况.

    Why it matters:
    The tables are the part of the report that is compared across agencies and years; a
    report without them cannot be checked or aggregated.

    A table whose header is printed but whose every cell is blank ("—", "/") is there: C003
    lists its blanks.

    Example:
    Section 四 says "本年度无行政复议、行政诉讼" in prose and prints no table.
    """
    for t in form_of(report).tables:
        if _table_missing(report, t.key):
            yield Hit(f"tables.{t.key}", {"table": t.key, "table_name": t.name, "title": t.title})


_REGULATIONS = "tables.active_disclosure.regulations."


@rule("C003", "warning", "C", "{table_name}有{count}个单元格为空（格式要求每格填写数字，没有的填0）：{cells_text}")
def blank_cells(report: Report) -> Iterator[Hit]:
    """What it does:
    Lists the blank cells of tables 二, 三 and 四 (one finding per table). A blank is a cell
    the report leaves empty, as opposed to one that prints 0.

    Why it matters:
    The format asks for a number in every cell, 0 when there is none; a blank leaves the
    reader guessing whether the figure is zero, unknown or lost in conversion.

    Cells the extractor could not read (C007) and tables printed with labels but no values are
    not blanks of the report: they are left out.

    Example:
    Table 四's 行政复议 columns printed empty while 行政诉讼 shows 0s.
    """
    form, vals = form_of(report), cells_of(report)
    unread = {p for u in report.extraction.unread for p in u.cells}
    for t in form.tables:
        table = t.key
        if table == "active_disclosure" and form is FORM_2019:
            continue  # the old table 二 has other columns; its shared cells may legitimately be absent
        if _table_missing(report, table) or table in report.extraction.tables_without_values:
            continue  # C002, C007
        cells = [p for p in _table_cells(report, table) if p not in unread and vals[p] is None]
        if table == "active_disclosure" and not may_make_regulations(report.meta.agency):
            regs = [p for p in _table_cells(report, table) if p.startswith(_REGULATIONS)]
            if all(p in cells for p in regs):
                cells = [p for p in cells if p not in regs]  # "/" in a row that does not apply
        if not cells:
            continue
        names = [form.cell_name(p, table=False) for p in cells]
        shown = "、".join(names[:8]) + (f" 等{len(names)}格" if len(names) > 8 else "")
        yield Hit(f"tables.{table}", {"table": table, "table_name": t.name, "count": len(cells),
                                      "cells_text": shown, "cells": cells},
                  evidence=evidence_for(report, cells[0]) or evidence_for(report, f"tables.{table}"))


@rule("C004", "info", "C", "标签与官方格式不一致：「{found}」应为「{official}」（数值已按官方项目读取）")
def label_variant(report: Report) -> Iterator[Hit]:
    """What it does:
    Reports row and column labels whose wording differs from the official format (the
    extractor still reads the value under the official item).

    Why it matters:
    Altered labels usually come from an outdated or hand-edited template; they make the
    table harder to check and sometimes change meaning.

    Example:
    "其他法律法规禁止公开" instead of "其他法律行政法规禁止公开"; "结转下一年度继续办理"
    instead of "结转下年度继续办理".
    """
    seen: set[tuple[str, str]] = set()
    for v in report.extraction.label_variants:
        if normalize_label(v.found) == normalize_label(v.official):
            continue  # only spacing, numbering or punctuation differ
        key = (v.path, v.found)
        if key in seen:
            continue
        seen.add(key)
        yield Hit(v.path, {"found": v.found, "official": v.official}, evidence=v.evidence)


# Section 六 speaks of the fee: the 2021 format's own items (收费通知, 实际收取的总金额) or the fee
# named outside a cited title (《政府信息公开信息处理费管理办法》 alone says nothing about this year).
_FEE_WORDS = re.compile(r"信息处理费|收费通知|实际收取|(?:收取|收费)[^。；;]{0,8}(?:金额|费用|0|零)")
_CITED = re.compile(r"《[^《》]*》")
# a sub-heading ("（二）信息处理费收取情况") names the topic and states nothing
_HEADING_ONLY = re.compile(r"^[（(]?[一二三四五六七八九十\d]*[)）、.．]?[^无未没不\d零]*情况[：:]?$")


# a line break not followed by a new numbered item is a hard wrap ("…信息处\n理费。")
_WRAP = re.compile(r"\n(?![（(【\[]|[一二三四五六七八九十\d]+[、.．])")


def _speaks_of_fee(text: str) -> bool:
    for sentence in re.split(r"[。；;\n]", _CITED.sub("", _WRAP.sub("", text))):
        sentence = sentence.strip()
        if _FEE_WORDS.search(sentence) and not _HEADING_ONLY.match(sentence):
            return True
    return False


@rule("C005", "warning", "C", {
    "default": "第六部分「其他需要报告的事项」未说明是否收取信息处理费",
    "elsewhere": "第六部分「其他需要报告的事项」未说明是否收取信息处理费（第{where}部分提及，格式要求在第六部分说明）",
})
def fee_not_stated(report: Report) -> Iterator[Hit]:
    """What it does:
    Checks that section 六 (其他需要报告的事项) says whether 信息处理费 was charged, as the
    2021 format asks under 《政府信息公开信息处理费管理办法》.

    Why it matters:
    Since 2021 agencies may charge a fee for excessive applications; the annual report is
    where they account for it, even when nothing was charged ("未收取信息处理费").

    Not checked for reports on 2020 or earlier or in the 2019 format, which predate the
    办法 (in force from 1 January 2021) and the format's item. Section 六 stating the format's own items ("发出收费通知的件数和总金额以及实际收取的总金额")
    or naming 信息处理费 in any sentence of its own counts as a statement.

    Example:
    Section 六 reports only the 政务公开工作要点 and says nothing about fees.
    """
    if form_of(report) is FORM_2019 or (report.meta.year is not None and report.meta.year < 2021):
        return  # the fee rules and the format asking for this date from 2021
    fees = [f for f in report.narrative if f.kind == "fee_statement"]
    has_six = report.section(6) is not None
    if any(f.section == 6 for f in fees) or (not has_six and fees):
        return
    if has_six and _speaks_of_fee(report.section(6).text):
        return  # the format's own wording ("发出收费通知的件数…实际收取的总金额") or another fee sentence
    elsewhere = sorted({f.section for f in fees if f.section})
    s6 = report.section(6)
    path = f"sections.{report.sections.index(s6)}" if s6 else "sections"
    if elsewhere:
        yield Hit(path, {"where": "、".join(SECTION_ORDINALS[n - 1] for n in elsewhere if 1 <= n <= 6)},
                  variant="elsewhere", evidence=fees[0].evidence)
    else:
        yield Hit(path, {})


_EMPTYISH = re.compile(r"^(无|暂无|没有|无问题|本年度无|不存在)?$")
_PUNCT = re.compile(r"[\s\u3000。．.，,；;：:、（）()一二三四五六七八九十\d]+")
# the section's own sub-headings say nothing: "（一）存在的主要问题：无（二）改进情况：无"
_SUBHEADINGS = re.compile(r"存在的?主要问题及?|主要问题|存在问题|改进情况|改进措施|整改措施|整改情况|及")


@rule("C006", "warning", "C", "第五部分「存在的主要问题及改进情况」{what}")
def problems_section_empty(report: Report) -> Iterator[Hit]:
    """What it does:
    Checks that section 五 (存在的主要问题及改进情况) actually states problems and
    improvements, instead of being empty or saying only "无".

    Why it matters:
    The format requires agencies to name their shortcomings and what they did about them;
    "无" is not an acceptable answer for this section.

    Example:
    "五、存在的主要问题及改进情况  无。"
    """
    s5 = report.section(5)
    if s5 is None:
        return  # C001
    core = _PUNCT.sub("", s5.text)
    bare = re.sub(r"(无|暂无|没有)+", "无", _SUBHEADINGS.sub("", core))
    if _EMPTYISH.match(core) or _EMPTYISH.match(bare):
        what = "内容为空" if not core else f"仅写「{s5.text.strip()}」"
        yield Hit(f"sections.{report.sections.index(s5)}", {"what": what, "text": s5.text.strip()})


@rule("C007", "info", "C", {
    "default": "{table_name}以下单元格无法准确读取，已留空：{cells_text}",
    "no_values": "{table_name}「{title}」只印有行列标签，没有任何数值，各单元格已留空",
})
def cells_not_read(report: Report) -> Iterator[Hit]:
    """What it does:
    Lists, per table, the cells the extractor found the row of but could not place the values
    of unambiguously (`extraction.unread`: a row with fewer values than columns and no
    arithmetic to decide where the gaps are), with the reason; and says so when a table is
    printed with its labels but no values at all (`extraction.tables_without_values`).

    Why it matters:
    These cells are kept null rather than guessed. They are not blanks the report left (C003):
    the figures may well be printed, in a layout the conversion scrambled, so the reader should
    look at the original rather than blame the agency.

    Example:
    表三「（一）予以公开」printed as "3 1 5" (three figures for seven columns): its seven cells
    are left null and listed here.
    """
    form = form_of(report)
    by_table: dict[str, list] = {}
    for u in report.extraction.unread:
        found = form.cell(u.cells[0]) if u.cells else None
        key = found[0].key if found else u.row.removeprefix("tables.").split(".", 1)[0]
        by_table.setdefault(key, []).append(u)
    for t in form.tables:
        if t.key in report.extraction.tables_without_values:
            yield Hit(f"tables.{t.key}", {"table": t.key, "table_name": t.name, "title": t.title},
                      variant="no_values", evidence=evidence_for(report, f"tables.{t.key}"))
            continue
        rows = by_table.get(t.key)
        if not rows:
            continue
        parts = ["、".join(form.cell_name(p, table=False) for p in u.cells) + f"（{u.reason}）" for u in rows]
        cells = [p for u in rows for p in u.cells]
        yield Hit(f"tables.{t.key}", {"table": t.key, "table_name": t.name, "count": len(cells),
                                      "cells_text": "；".join(parts), "cells": cells,
                                      "rows": [u.row for u in rows], "reasons": [u.reason for u in rows]},
                  evidence=rows[0].evidence or evidence_for(report, rows[0].row))
