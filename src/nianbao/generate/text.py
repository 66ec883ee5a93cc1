"""Render a `Report` as the text real conversions of published reports produce.

Layouts (the families seen in PDF/DOCX → text conversions, see readers/text.py):
- "tabs":     one table row per line, cells separated by tabs; merged row headers
              show as label cells, extra or missing tabs and trailing tabs; the
              table-四 header spreads over several lines ("结果\t结果…" / "维持\t纠正…");
- "cells":    one cell per line, each starting with a tab, a blank line between
              rows, long labels broken over lines ("\t商业" / "企业"), an empty cell "\t";
- "markdown": `#` headings and pipe tables;
- "spaces":   what `pdftotext -layout` prints: cells aligned by runs of spaces, long
              labels wrapped inside their column, group labels ("三、本年度办理结果",
              "（三）不予公开") centred on a middle row of their span and broken over
              lines, prose hard-wrapped at the page width (Style.wrap). A blank cell
              would be invisible there, so it prints as "—" unless Style.blank says otherwise.
The flattenings of issue 11 (paragraphs, pipe_lines, lone_pipe, closing_pipes, leading_pipe,
split_labels, glued, ebook) are in families.py; ALL_LAYOUTS names them all. Every label, header
and group comes from the form (nianbao.form), so each layout prints a 2021- or a 2019-format
report in its own form's words.
`Style` holds the variation knobs (numbering, glued headings, label variants,
full-width digits, thousands separators, "—" for blank cells, debris, page
breaks, spacing); `Style.random(rng)` draws a realistic mix. `render_bytes`
adds what lives at the bytes level: CRLF, BOM, GB18030.

Every knob keeps the *values* recoverable: rendering then parsing gives back
the report's tables, meta and sections (tests/test_roundtrip*.py).
`render_markdown(report)` is the clean official-format draft.
"""
from __future__ import annotations

import random
import re
import unicodedata
import zlib
from dataclasses import dataclass, replace
from datetime import date

from ..form import CHINESE_ORDINALS, FORM_2021, Form, form_for
from ..form import form2021 as F21
from .cells import cell
from .families import FAMILIES, table_renderers
from .undecidable import undecidable
from ..form.spec import Row
from ..model import Number, Report

LAYOUTS = ("tabs", "cells", "markdown", "spaces")        # the families the demo and the audit properties draw from
ALL_LAYOUTS = LAYOUTS + FAMILIES                         # families.py adds the flattenings of issue 11

_CJK_NUMERALS = CHINESE_ORDINALS


@dataclass(frozen=True)
class Style:
    numbering: str = "chinese"        # "chinese" 一、; "arabic_first" only the first heading "1、 " (as seen);
                                      # "arabic" every heading "1、"; "none": automatic numbering lost
    glue_headings: bool = False       # "一、总体情况2023年，…": heading and first paragraph on one line
    para_gap: bool = True             # a blank line between paragraphs
    label_variants: bool = False      # known non-official labels ("其他法律法规禁止公开", …)
    fullwidth_digits: bool = False    # "１２" in table cells
    thousands: bool = False           # "1,234" in table cells
    blank: str = ""                   # how a blank cell prints: "", "—", "-", "/"
    debris: bool = False              # "[bookmark: _GoBack]", "**", page-number lines
    page_breaks: bool = False         # paragraphs and tables broken by page boundaries
    spaced_numbers: bool = False      # "2023 年 1 月 1 日" (PDF conversions)
    indent: str = ""                  # first-line indent of prose: "", "\u3000\u3000" (two ideographic spaces,
                                      # as Chinese documents indent), "\t" (DOCX → text), "    "
    heading_sep: str = "、"           # after the section numeral: "、", "、 ", "．"
    title_lines: int = 1              # 1: one line; 2: agency / "YYYY年…报告"; 3: broken mid-title
    cell_row_gap: bool = True         # cells layout: a blank line between table rows (False: none)
    browser_copy: bool = False        # tabs layout: a web page's table copied from the browser (no slots for
                                      # cells covered by rowspan/colspan)
    pipe_rows: str = ""               # tabs layout as a web page saved as text: cells between " | " instead of
                                      # tabs, "closed" rows end with " |", "open" rows do not
    merge_artifacts: bool = True      # tabs layout: extra/missing tabs from merged cells
    nbsp: bool = False                # stray no-break spaces around cell values
    contact_at_end: bool = False      # contact block after section 六 instead of in the preamble
    repeat_header: bool = False       # table 三 continues on a new page under its repeated header rows
    ascii_parens: bool = False        # table labels with "(一) 予以公开", "1. 属于国家秘密" (as seeds 001/004)
    heading_variants: bool = False    # section headings reworded as some reports do (五、…存在的主要问题和改进情况)
    unit_lines: bool = False          # a "单位：件" line above tables 三 and 四
    fee_decimals: bool = False        # fees always with two decimals: "0.00", "16.00", "0.35"
    wrapped_values: str = "any"       # spaces layout: values beside the "first" or "any" line of a wrapped label
    wrap: int = 38                    # spaces layout: characters per line of prose (0: no hard wrap)
    md_grid: bool = False             # markdown: pandoc grid tables ("+---+" borders, cells wrapped over lines)
    repeat_merged: bool = False       # markdown: merged cells repeated in every slot they cover (span-filling
                                      # converters: HTML/Excel exports); table 二 values repeat too
    heading_level: int = 2            # markdown: "#" count of section headings
    newline: str = "\n"               # bytes level: "\n" or "\r\n"
    encoding: str = "utf-8"           # bytes level: "utf-8", "utf-8-sig" (BOM), "gb18030"
    zero_pad_dates: bool = False      # "2024年01月05日"
    cn_date: bool = False             # signature date in Chinese numerals: "二〇二四年一月十一日"
    web_chrome: bool = False          # copied from a web page: breadcrumbs, 来源/发布时间 bar, footer (主办单位…)
    date_on_top: bool = False         # a "发布日期：…" line under the title, as web pages print it
    draft: bool = False               # the fixed official phrasing of a clean draft (render_markdown)
    pipe_after: str = "cell"          # pipe_lines: a lone "|" line after each "cell" or each "row"
    grid_width: int = 5               # leading_pipe: columns of table 二's grid (5 or 6)
    annotated: bool = False           # leading_pipe: notes after table-二 row labels ("规章（本机关无规章制定权的填0）")
    split_mode: str = "cells"         # split_labels: label pieces as "cells" (one per line) or "tabs"
    ebook_base: str = "tabs"          # ebook: the table as "tabs" rows or "cells" (one per line)

    @classmethod
    def clean(cls) -> Style:
        return cls(merge_artifacts=False, draft=True)

    @classmethod
    def random(cls, rng: random.Random) -> Style:
        return cls(
            numbering=rng.choices(["chinese", "arabic_first", "arabic", "none"], weights=[14, 4, 2, 1])[0],
            glue_headings=rng.random() < 0.15,
            para_gap=rng.random() < 0.6,
            label_variants=rng.random() < 0.3,
            fullwidth_digits=rng.random() < 0.1,
            thousands=rng.random() < 0.3,
            blank=rng.choice(["", "", "—", "-", "/"]),
            debris=rng.random() < 0.3,
            page_breaks=rng.random() < 0.4,
            spaced_numbers=rng.random() < 0.3,
            heading_sep=rng.choices(["、", "、 ", "．"], weights=[8, 2, 1])[0],
            indent=rng.choices(["", "\u3000\u3000", "\t", "    "], weights=[5, 3, 1, 1])[0],
            title_lines=rng.choices([1, 2, 3], weights=[5, 3, 1])[0],
            merge_artifacts=rng.random() < 0.7,
            browser_copy=rng.random() < 0.15,
            pipe_rows=rng.choices(["", "closed", "open"], weights=[8, 1, 1])[0],
            cell_row_gap=rng.random() < 0.8,
            nbsp=rng.random() < 0.15,
            contact_at_end=rng.random() < 0.3,
            repeat_header=rng.random() < 0.15,
            ascii_parens=rng.random() < 0.25,
            heading_variants=rng.random() < 0.2,
            unit_lines=rng.random() < 0.2,
            fee_decimals=rng.random() < 0.3,
            wrap=rng.choice([0, 34, 38, 40]),
            wrapped_values=rng.choice(["first", "any"]),
            repeat_merged=rng.random() < 0.25,
            md_grid=rng.random() < 0.3,
            heading_level=rng.choice([1, 2, 2, 3]),
            zero_pad_dates=rng.random() < 0.1,
            cn_date=rng.random() < 0.05,
            date_on_top=rng.random() < 0.1,
            web_chrome=rng.random() < 0.1,
            newline=rng.choice(["\n", "\n", "\r\n"]),
            encoding=rng.choice(["utf-8", "utf-8", "utf-8-sig", "gb18030"]),
            pipe_after=rng.choice(["cell", "row"]),
            grid_width=rng.choice([5, 6]),
            annotated=rng.random() < 0.5,
            split_mode=rng.choice(["cells", "tabs"]),
            ebook_base=rng.choice(["tabs", "cells"]),
        )


# ------------------------------------------------------------------ labels (all from the form)
_F21 = FORM_2021.table("applications")
# Known variants real reports print (the extractor maps them to the same keys; the audit reports C004).
LABEL_VARIANTS = F21.APP_LABEL_VARIANTS
_TABLE_HEAD = F21.APP_NOTE
# Column labels of table 三 under 法人或其他组织, in the order the value cells come.
_LEGAL_COLS = [c.label for c in _F21.columns[1:-1]]
# The three header rows of table 三 as the form prints them (origin cells only).
_APP_HEAD = [[s.text for s in row] for row in _F21.layout[:_F21.header_rows]]
_REVIEW = FORM_2021.table("review_litigation")
_REVIEW_HEADS = [c.label for c in _REVIEW.columns]
_REVIEW_TOP = [_REVIEW.rows[0].labels[0], _REVIEW.rows[1].labels[0]]        # 行政复议, 行政诉讼
_REVIEW_SUB = [r.leaf for r in _REVIEW.rows[1:]]                              # 未经复议直接起诉, 复议后起诉


def _halves(text: str) -> tuple[str, str]:
    """A header cell broken in the middle, as a narrow column wraps it ("商业" / "企业")."""
    k = len(text) // 2
    return text[:k], text[k:]


# four-character column headers a narrow cell breaks in two ("商业\n企业", "结果\n维持")
_SPLIT_LABELS = {c.label: "\n".join(_halves(c.label)) for c in _F21.columns + _REVIEW.columns if len(c.label) == 4}


_NUM_AMID_CJK = re.compile(r"(?<![\d.,%-])\d+(?:\.\d+)?(?![\d.,%-])")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _pad_number(m: re.Match) -> str:
    s, text = m.string, m.group(0)
    before = " " if m.start() > 0 and _is_cjk(s[m.start() - 1]) else ""
    after = " " if m.end() < len(s) and _is_cjk(s[m.end()]) else ""
    return before + text + after


_FULLWIDTH = {ord("0") + i: 0xFF10 + i for i in range(10)}


class _Ctx:
    """Per-render state: the style, a private rng, the report's form, and how to print numbers."""

    def __init__(self, style: Style, rng: random.Random, layout: str, form: Form = FORM_2021):
        self.s, self.rng, self.layout, self.form = style, rng, layout, form
        self.header_len = 0                       # table 三 as last rendered: header lines, where each row starts
        self.row_starts: dict[str, int] = {}
        self.readings: list[list[dict]] = []      # printed rows a reader cannot place alone (undecidable.py)
        self.page = 1                             # ebook: the page the tables are on
        self.running_header = ""                  # ebook: the line an e-book repeats on every page

    @property
    def apps(self):
        return self.form.table("applications")

    def num(self, v: Number) -> str:
        s = self.s
        if v is None:
            return s.blank
        if isinstance(v, float) and not v.is_integer():
            text = repr(v)
        else:
            v = int(v)
            text = f"{v:,}" if s.thousands and abs(v) >= 1000 else str(v)
        if s.fullwidth_digits:
            text = text.translate(_FULLWIDTH)
        if s.nbsp and self.rng.random() < 0.2:
            text = self.rng.choice(["\u00a0" + text, text + "\u00a0"])
        return text

    def app_label(self, row: Row) -> str:
        if self.s.label_variants and row.key in LABEL_VARIANTS and self.rng.random() < 0.7:
            return self.label(self.rng.choice(LABEL_VARIANTS[row.key]))
        return self.label(row.leaf)

    def label(self, text: str) -> str:
        """A label as the conversion prints it: "（一）予以公开" or "(一) 予以公开", "1. 属于国家秘密"."""
        if not self.s.ascii_parens:
            return text
        text = text.replace("（", "(").replace("）", ")")
        return re.sub(r"^(\([一二三四五六七八九十]+\)|\d+\.)", r"\1 ", text)

    def fee(self, v: Number) -> str:
        if self.s.fee_decimals and v is not None and round(v, 2) == v:
            text = f"{v:,.2f}" if self.s.thousands else f"{v:.2f}"
            return text.translate(_FULLWIDTH) if self.s.fullwidth_digits else text
        return self.num(v)

    def value(self, report: Report, path: str) -> str:
        """A value cell as printed: amounts (fees, 采购总金额) may carry two decimals."""
        _, row, col = self.form.cell(path)
        v = cell(report, path)
        return self.fee(v) if row.kind == "amount" and col is row.columns[-1] else self.num(v)

    def spaced(self, text: str) -> str:
        """"2023 年" as PDF conversions print numbers amid Chinese text."""
        if not self.s.spaced_numbers:
            return text
        return _NUM_AMID_CJK.sub(_pad_number, text)


# ------------------------------------------------------------------ logical tables
# A logical table is a list of rows; a row is a list of cells; a cell is (text, kind) where kind is
# "label", "value" or "empty" (a slot covered by a merged cell). Layouts serialise these.

def _table2(ctx: _Ctx, report: Report) -> list[list[tuple[str, str]]]:
    """Table 二 as the form lays it out (2021 or 2019): item rows, 信息内容 header rows, value rows,
    each four slots wide; a slot a merged cell covers is "empty"."""
    rows = []
    for slots in ctx.form.table("active_disclosure").layout:
        row: list[tuple[str, str]] = []
        for s in slots:
            row.append((ctx.value(report, s.path), "value") if s.path else (ctx.label(s.text), "label"))
            row += [("", "empty")] * (s.colspan - 1)
        rows.append(row)
    return rows


def _is_first(rows: tuple[Row, ...], i: int, level: int) -> bool:
    """Whether row i opens the merged label cell of its level-`level` group."""
    return i == 0 or rows[i - 1].labels[:level + 1] != rows[i].labels[:level + 1]


def _app_label_cells(ctx: _Ctx, i: int) -> list[str]:
    """The three label slots of a table-三 row: (first-level, group, leaf) as the official table merges
    them: a group label in the first row of its span, a leaf in the slot of its level."""
    rows = ctx.apps.rows
    r = rows[i]
    cells = ["", "", ""]
    for level, text in enumerate(r.labels[:-1]):
        if _is_first(rows, i, level):
            cells[level] = text if level == 0 else ctx.label(text)
    cells[len(r.labels) - 1] = ctx.app_label(r)
    return cells


def _group_of(row: Row) -> str | None:
    """The numbered sub-group ("（三）不予公开") a table-三 leaf sits in, None for rows without one."""
    return row.labels[1] if len(row.labels) == 3 else None


def _app_values(ctx: _Ctx, report: Report, row: Row) -> list[str]:
    return [ctx.num(cell(report, p)) for p in row.paths()]


def _rl_values(ctx: _Ctx, report: Report) -> list[str]:
    return [ctx.num(cell(report, p)) for r in ctx.form.table("review_litigation").rows for p in r.paths()]


def _app_keys(ctx: _Ctx) -> list[str]:
    return [r.key for r in ctx.apps.rows]


# ------------------------------------------------------------------ layout: tabs
def _tabs_table2(ctx: _Ctx, report: Report) -> list[str]:
    if ctx.s.browser_copy:
        return ["\t".join(t for t, k in row if k != "empty") for row in _table2(ctx, report)]
    out = []
    for row in _table2(ctx, report):
        texts = [t for t, _ in row]
        blank_value = any(k == "value" and not t.strip() for t, k in row)
        if ctx.s.merge_artifacts and not blank_value and ctx.rng.random() < 0.4:
            while len(texts) > 1 and not texts[-1]:   # the conversion dropped the covered slots
                texts.pop()
        out.append("\t".join(texts))
    if ctx.s.page_breaks and ctx.rng.random() < 0.5:
        out.insert(ctx.rng.randrange(2, len(out)), "")
    return out


_NATURAL, _LEGAL, _TOTAL = _APP_HEAD[1]          # 自然人, 法人或其他组织, 总计
_APPLICANTS = _APP_HEAD[0][1]                      # 申请人情况
_TABS_APP_HEADER = [
    f"{_TABLE_HEAD}\t\t{_APPLICANTS}\t\t\t\t\t\t{_TOTAL}\t",
    f"\t\t{_NATURAL}\t{_LEGAL}\t\t\t\t\t\t",
    "\t\t\t" + "\t".join(_LEGAL_COLS) + "\t\t",
]


def _browser_table3(ctx: _Ctx, report: Report) -> list[str]:
    """A table copied from a web browser: only the cells that exist in the HTML, no slot for those a
    rowspan or colspan covers."""
    out = ["\t".join(row) for row in _APP_HEAD]
    ctx.header_len = len(out)
    for i, row in enumerate(ctx.apps.rows):
        ctx.row_starts[row.key] = len(out)
        labels = [t for t in _app_label_cells(ctx, i) if t]
        out.append("\t".join(labels + _app_values(ctx, report, row)))
    return out


def _tabs_table3(ctx: _Ctx, report: Report) -> list[str]:
    if ctx.s.browser_copy:
        return _browser_table3(ctx, report)
    out = list(_TABS_APP_HEADER)
    if ctx.s.merge_artifacts and ctx.rng.random() < 0.5:
        out[0] = out[0].replace("（", "(").replace("）", ")")
    art = ctx.s.merge_artifacts
    ctx.header_len = len(out)
    for i, row in enumerate(ctx.apps.rows):
        key = row.key
        ctx.row_starts[key] = len(out)
        labels = _app_label_cells(ctx, i)
        values = _app_values(ctx, report, row)
        top = len(row.labels) == 1                      # 一、二、四、: one label over the three label columns
        has_blank = any(v.strip() in ("", "—", "-", "/") for v in values)
        r = ctx.rng.random()
        if has_blank or not art:
            cells = labels + values                     # the grid exactly: 3 label slots + 7 values
        elif (top and i < 2) or key == "results_total" or (top and r < 0.5):
            # a label merged over the label columns prints as label + one empty slot, the lost slot trailing
            cells = [t for t in labels if t] + [""] + values + ([""] if r < 0.7 else [])
        elif top:
            cells = labels + values
        elif labels[2] and r < 0.1:
            cells = [labels[2], ""] + values + [""]     # a leaf row at a page top loses its leading slots
        elif labels[2] and labels[1] in (F21.NOT_PROCESSED, F21.OTHER) and r < 0.5:
            # the merged group label split by the conversion: "处理\t(五)不予\t1.信访…"
            group = labels[1]
            cells = [group[-2:], group[:-2], labels[2]] + values
        elif labels[2] and r < 0.4:
            cells = labels[1:] + values                  # one leading slot lost
        elif not labels[2]:
            cells = labels[:2] + values + ([""] if r < 0.8 else [])
        else:
            cells = labels + values
        out.append("\t".join(cells))
        if art and ctx.s.page_breaks and ctx.rng.random() < 0.05:
            out.append("")
    return out


def _tabs_table4(ctx: _Ctx, report: Report) -> list[str]:
    heads = _REVIEW_HEADS
    review, litigation = _REVIEW_TOP
    direct, after = _REVIEW_SUB
    if ctx.s.browser_copy:
        return [f"{review}\t{litigation}", "\t".join(heads) + f"\t{direct}\t{after}", "\t".join(heads * 2),
                "\t".join(_rl_values(ctx, report))]
    style = ctx.rng.randrange(3)
    out = [f"{review}\t\t\t\t\t{litigation}" + "\t" * 9]
    if style == 0:      # "结果维持" whole in every header cell
        out += ["\t".join(heads) + f"\t{direct}\t\t\t\t\t{after}\t\t\t\t",
                "\t" * 5 + "\t".join(heads * 2)]
    elif style == 1:    # "结果 维持" (a line break inside the cell became a space)
        sp = [h if len(h) < 4 else h[:2] + " " + h[2:] for h in heads]
        out += ["\t".join(sp) + f"\t{direct}\t\t\t\t\t{after}\t\t\t\t",
                "\t" * 5 + "\t".join(sp * 2)]
    else:               # the two halves of each header cell on separate lines
        top = [h[:2] for h in heads]
        bottom = [h[2:] for h in heads]
        out += ["\t".join(top) + f"\t{direct}\t\t\t\t\t{after}\t\t\t\t",
                "\t" * 5 + "\t".join(top * 2), "",
                "\t" * 5 + "\t".join(bottom * 2)]
    out.append("\t".join(_rl_values(ctx, report)))
    return out


# ------------------------------------------------------------------ layout: cells
def _cell_lines(ctx: _Ctx, cells: list[str], split: bool = True) -> list[str]:
    out = []
    for c in cells:
        if split and c in _SPLIT_LABELS and ctx.rng.random() < 0.8:
            c = _SPLIT_LABELS[c]
        out.append("\t" + c)
    return out + [""] if ctx.s.cell_row_gap else out


def _cells_table2(ctx: _Ctx, report: Report) -> list[str]:
    out = []
    for row in _table2(ctx, report):
        out += _cell_lines(ctx, [t for t, k in row if k != "empty"])
    return out


def _cells_table3(ctx: _Ctx, report: Report) -> list[str]:
    head = _TABLE_HEAD
    if ctx.s.debris and ctx.rng.random() < 0.5:
        head = "[bookmark: _GoBack]" + head
    out = _cell_lines(ctx, [head, _APPLICANTS])
    out += _cell_lines(ctx, ["", _NATURAL, _LEGAL, _TOTAL])
    out += _cell_lines(ctx, ["", ""] + _LEGAL_COLS + [""])
    ctx.header_len = len(out)
    for i, row in enumerate(ctx.apps.rows):
        ctx.row_starts[row.key] = len(out)
        labels = _app_label_cells(ctx, i)[:len(row.labels)]
        if len(labels) == 3 and labels[1] in (F21.NOT_PROCESSED, F21.OTHER) and ctx.rng.random() < 0.3:
            labels = [labels[0], labels[1][:-2] + "\n" + labels[1][-2:], labels[2]]
        if ctx.s.merge_artifacts and ctx.rng.random() < 0.2:
            labels = [t for t in labels if t]       # a converter that leaves covered cells out altogether
        out += _cell_lines(ctx, labels + _app_values(ctx, report, row), split=False)
        if ctx.s.page_breaks and ctx.rng.random() < 0.05:
            out.append("")
    return out


def _cells_table4(ctx: _Ctx, report: Report) -> list[str]:
    heads = _REVIEW_HEADS
    out = _cell_lines(ctx, list(_REVIEW_TOP))
    out += _cell_lines(ctx, heads + _REVIEW_SUB)
    out += _cell_lines(ctx, [""] * 5 + heads * 2)
    out += _cell_lines(ctx, _rl_values(ctx, report))
    return out


# ------------------------------------------------------------------ layout: markdown
def _pipe(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _md_table(ctx: _Ctx, rows: list[list[str]]) -> list[str]:
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if ctx.s.md_grid:
        return _grid_table(rows)
    return [_pipe(rows[0]), _pipe(["---"] * width)] + [_pipe(r) for r in rows[1:]]


def _grid_table(rows: list[list[str]]) -> list[str]:
    """A pandoc grid table (what pandoc 2 writes for a DOCX table whose cells hold long text): every
    row between "+---+" borders, cell text wrapped inside its column, merged cells left to their
    top-left slot."""
    ncols = len(rows[0])
    widths = []
    for c in range(ncols):
        longest = max(_width(r[c]) for r in rows)
        widths.append(max(4, min(longest, 24 if c < ncols - 7 or ncols < 8 else 8)))
    border = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [border]
    for i, row in enumerate(rows):
        cells = [_wrap(text, w) or [""] for text, w in zip(row, widths)]
        for k in range(max(len(c) for c in cells)):
            out.append("|" + "|".join(" " + _left_exact(c[k] if k < len(c) else "", w) + " "
                                      for c, w in zip(cells, widths)) + "|")
        out.append(border.replace("-", "=") if i == 0 else border)
    return out


def _left_exact(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _md_table2(ctx: _Ctx, report: Report) -> list[str]:
    rows = []
    for row in _table2(ctx, report):
        texts = [t for t, _ in row]
        if ctx.s.repeat_merged:                     # a span filled with its origin's text, values included
            for i in range(1, len(texts)):
                if row[i][1] == "empty":
                    texts[i] = texts[i - 1]
        rows.append(texts)
    return _md_table(ctx, rows)


def _repeat_app_labels(ctx: _Ctx, row: Row, labels: list[str]) -> list[str]:
    """The label slots of a 表三 row with every merged span filled by its origin's text."""
    a, b, c = labels
    if len(row.labels) == 1:
        return [a, a, a]                              # 一、本年新收… across the three label columns
    a = a or row.labels[0]
    if len(row.labels) == 2:
        return [a, b, b]
    return [a, b or ctx.label(row.labels[1]), c]


def _md_table3(ctx: _Ctx, report: Report) -> list[str]:
    if ctx.s.repeat_merged:
        h = [_TABLE_HEAD] * 3
        rows = [h + [_APPLICANTS] * 7, h + [_NATURAL] + [_LEGAL] * 5 + [_TOTAL],
                h + [_NATURAL] + _LEGAL_COLS + [_TOTAL]]
    else:
        rows = [[_TABLE_HEAD, "", "", _APPLICANTS, "", "", "", "", "", ""],
                ["", "", "", _NATURAL, _LEGAL, "", "", "", "", _TOTAL],
                ["", "", "", ""] + _LEGAL_COLS + [""]]
    for i, row in enumerate(ctx.apps.rows):
        labels = _app_label_cells(ctx, i)
        if ctx.s.repeat_merged:
            labels = _repeat_app_labels(ctx, row, labels)
        rows.append(labels + _app_values(ctx, report, row))
    return _md_table(ctx, rows)


def _md_table4(ctx: _Ctx, report: Report) -> list[str]:
    heads = _REVIEW_HEADS
    (review, litigation), (direct, after) = _REVIEW_TOP, _REVIEW_SUB
    if ctx.s.repeat_merged:
        return _md_table(ctx, [[review] * 5 + [litigation] * 10,
                          heads + [direct] * 5 + [after] * 5,
                          heads * 3,
                          _rl_values(ctx, report)])
    return _md_table(ctx, [[review, "", "", "", "", litigation] + [""] * 9,
                      ["", "", "", "", "", direct, "", "", "", "", after, "", "", "", ""],
                      heads * 3,
                      _rl_values(ctx, report)])


# ------------------------------------------------------------------ layout: spaces (pdftotext -layout)
def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap(text: str, width: int) -> list[str]:
    """`text` in pieces of at most `width` display columns (CJK characters count 2)."""
    out, cur, w = [], "", 0
    for c in text:
        cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if cur and w + cw > width:
            out.append(cur)
            cur, w = "", 0
        cur += c
        w += cw
    return out + [cur] if cur else out


def _left(text: str, width: int) -> str:
    return text + " " * max(1, width - _width(text))


def _right(text: str, width: int) -> str:
    return " " * max(2, width - _width(text)) + text


def _sp_num(ctx: _Ctx, v: Number) -> str:
    text = ctx.num(v)
    return text.strip() or "—"        # an empty cell would vanish between spaces


_SP_VAL = 8        # display width of a value column


def _spaces_table2(ctx: _Ctx, report: Report) -> list[str]:
    out = []
    for row in _table2(ctx, report):
        label, *rest = row
        cells = [(_sp_num(ctx, None) if k == "value" and not t.strip() else t.strip()) for t, k in rest if k != "empty"]
        if not cells:
            out.append("  " + label[0])
            continue
        line = _left(label[0], 18)
        for c in cells:
            line += _right(c, 16 if _width(c) > 8 else 14)
        out.append(line.rstrip())
    return out


def _group_spans(rows: tuple[Row, ...]) -> dict[tuple[int, str], list[str]]:
    """Each merged group label of table 三 ((level, text)) and the keys of the rows it spans."""
    out: dict[tuple[int, str], list[str]] = {}
    for r in rows:
        for level, text in enumerate(r.labels[:-1]):
            out.setdefault((level, text), []).append(r.key)
    return out


def _spaces_table3(ctx: _Ctx, report: Report) -> list[str]:
    lw0, lw1, lw2 = 12, 12, 34        # first-level, group and leaf label columns (display widths)
    cols = [_NATURAL] + _LEGAL_COLS + [_TOTAL]
    vals = "".join(_right(_halves(c)[0] if len(c) > 3 else c, _SP_VAL) for c in cols)
    sub = " " * _SP_VAL + "".join(_right(_halves(c)[1], _SP_VAL) for c in _LEGAL_COLS if len(c) > 3)
    head = _wrap(_TABLE_HEAD, lw0 + lw1 + lw2 - 4)
    out = [_left(head[0], lw0 + lw1 + lw2) + " " * 20 + _APPLICANTS,
           _left(head[1] if len(head) > 1 else "", lw0 + lw1 + lw2) + " " * 20 + _LEGAL,
           _left(head[2] if len(head) > 2 else "", lw0 + lw1 + lw2) + vals,
           " " * (lw0 + lw1 + lw2) + sub]
    rows = ctx.apps.rows
    # Where each merged group label prints: broken into lines, centred on its span of rows.
    side: dict[str, dict[str, str]] = {"0": {}, "1": {}}
    for (level, group), span in _group_spans(rows).items():
        col = str(level)
        pieces = _wrap(group, lw0 - 2 if col == "0" else lw1 - 2)
        mid = max(0, len(span) // 2 - len(pieces) // 2)
        for i, piece in enumerate(pieces):
            side[col][span[min(mid + i, len(span) - 1)]] = piece
    ctx.header_len = len(out)
    for n, row in enumerate(rows):
        key = row.key
        ctx.row_starts[key] = len(out)
        labels = _app_label_cells(ctx, n)
        leaf_text = labels[len(row.labels) - 1]
        values = "".join(_right(_sp_num(ctx, cell(report, p)), _SP_VAL) for p in row.paths())
        if len(row.labels) == 1:
            prefix, leaf, lw = "", leaf_text, lw0 + lw1 + lw2
        elif len(row.labels) == 2:                                   # （一）（二）（七）: the label spans group and leaf columns
            prefix, leaf, lw = _left(side["0"].get(key, ""), lw0), leaf_text, lw1 + lw2
        else:
            prefix = _left(side["0"].get(key, ""), lw0) + _left(side["1"].get(key, ""), lw1)
            leaf, lw = leaf_text, lw2
        pieces = _wrap(leaf, lw - 2)
        # Word tables centre cells vertically: the values of a row whose label wraps may print beside
        # any line of it.
        value_line = 0 if ctx.s.wrapped_values == "first" else ctx.rng.randrange(len(pieces))
        for i, piece in enumerate(pieces):
            pre = prefix if i == 0 else " " * _width(prefix)
            line = pre + (_left(piece, lw) + values if i == value_line else piece)
            out.append(line.rstrip())
    return out


def _spaces_table4(ctx: _Ctx, report: Report) -> list[str]:
    heads = _REVIEW_HEADS
    top = "".join(_right(h[:2], 7) for h in heads)
    bottom = "".join(_right(h[2:], 7) for h in heads)
    return [" " * 12 + _REVIEW_TOP[0] + " " * 40 + _REVIEW_TOP[1],
            " " * 38 + _REVIEW_SUB[0] + " " * 18 + _REVIEW_SUB[1],
            top * 3, bottom * 3,
            "".join(_right(_sp_num(ctx, cell(report, p)), 7)
                    for r in ctx.form.table("review_litigation").rows for p in r.paths())]


_TABLES = {
    "tabs": (_tabs_table2, _tabs_table3, _tabs_table4),
    "cells": (_cells_table2, _cells_table3, _cells_table4),
    "markdown": (_md_table2, _md_table3, _md_table4),
    "spaces": (_spaces_table2, _spaces_table3, _spaces_table4),
}


# ------------------------------------------------------------------ prose
def _date(ctx: _Ctx, d: date, with_year: bool = True) -> str:
    if ctx.s.zero_pad_dates:
        text = f"{d.year}年{d.month:02d}月{d.day:02d}日" if with_year else f"{d.month:02d}月{d.day:02d}日"
    else:
        text = f"{d.year}年{d.month}月{d.day}日" if with_year else f"{d.month}月{d.day}日"
    return ctx.spaced(text)


_CN_DIGITS = "〇一二三四五六七八九"


def _cn_numeral(n: int) -> str:
    """1→一, 10→十, 11→十一, 20→二十, 31→三十一 (as official documents write months and days)."""
    tens, ones = divmod(n, 10)
    return ((_CN_DIGITS[tens] if tens > 1 else "") + "十" if tens else "") + (_CN_DIGITS[ones] if ones else "")


def _signature_date(ctx: _Ctx, d: date) -> str:
    if ctx.s.cn_date:
        return "".join(_CN_DIGITS[int(c)] for c in str(d.year)) + f"年{_cn_numeral(d.month)}月{_cn_numeral(d.day)}日"
    return _date(ctx, d)


def _period_sentence(ctx: _Ctx, report: Report) -> str:
    p = report.meta.period
    if p is None or p.start is None or p.end is None:
        return ""
    same = p.start.year == p.end.year
    r = 1 if ctx.s.draft else ctx.rng.randrange(5)
    if r == 0:
        return f"本报告统计数据从{_date(ctx, p.start)}至{_date(ctx, p.end, with_year=not same)}。"
    if r == 1:
        return f"本报告中所列数据的统计期限自{_date(ctx, p.start)}起至{_date(ctx, p.end)}止。"
    if r == 2:
        return f"本报告中使用数据统计期限为{_date(ctx, p.start)}至{_date(ctx, p.end)}。"
    if r == 3:
        return f"本报告所列数据统计时限为{_date(ctx, p.start)}—{_date(ctx, p.end)}。"
    return f"报告统计期限为{_date(ctx, p.start)}起至{_date(ctx, p.end)}止。"


def _contact_sentence(ctx: _Ctx, report: Report) -> str:
    c = report.meta.contact
    parts = [(k, v) for k, v in (("地址", c.address), ("邮编", c.postcode), ("电话", c.phone),
                                 ("传真", c.fax), ("电子邮箱", c.email)) if v]
    if not parts:
        return ""
    sep = ctx.rng.choice(["；", "，"])
    body = sep.join(f"{k}：{v}" for k, v in parts)
    return f"如对本报告有任何疑问，请与{report.meta.agency or '本机关'}办公室联系（{body}）。"


_TO_FILL = "（待填写）"


def _title(report: Report) -> str:
    m = report.meta
    return m.title or f"{m.agency or '（机关名称）'}{m.year or '（年份）'}年政府信息公开工作年度报告"


def _preamble(ctx: _Ctx, report: Report) -> list[str]:
    m = report.meta
    name = _title(report)
    basis = ctx.rng.choice([
        "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定",
    ] * (not ctx.s.draft) + [
        "根据《中华人民共和国政府信息公开条例》规定和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国"
        "政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求",
    ])
    text = f"{basis}，现发布《{name}》。{_period_sentence(ctx, report)}"
    if m.contact.website:
        text += f"本报告电子版可在{m.agency}门户网站（{m.contact.website}）查阅或下载。"
    out = [ctx.spaced(text)]
    if not ctx.s.contact_at_end and (c := _contact_sentence(ctx, report)):
        out.append(ctx.spaced(c) if ctx.rng.random() < 0.5 else c)
    return out


HEADING_VARIANTS = {
    4: ["因政府信息公开工作被申请行政复议、提起行政诉讼情况", "政府信息公开行政复议和行政诉讼情况"],
    5: ["政府信息公开工作存在的主要问题及改进情况", "存在的主要问题和改进情况"],
    2: ["主动公开政府信息情况统计"],
}


def _heading(ctx: _Ctx, no: int, heading: str) -> str:
    if ctx.s.heading_variants and no in HEADING_VARIANTS and ctx.rng.random() < 0.6:
        heading = ctx.rng.choice(HEADING_VARIANTS[no])
    n = ctx.s.numbering
    if n == "none":                  # Word list numbering that the conversion lost
        mark = ""
    elif n == "arabic" or (n == "arabic_first" and no == 1):
        mark = f"{no}、" + ("" if n == "arabic" else " ")
    else:
        mark = f"{_CJK_NUMERALS[no - 1]}{ctx.s.heading_sep}"
    text = mark + heading
    if ctx.layout == "markdown":
        text = "#" * ctx.s.heading_level + " " + text
    return text


def _paragraphs(ctx: _Ctx, text: str) -> list[str]:
    paras = [ctx.spaced(p) for p in text.split("\n") if p.strip()]
    if ctx.s.debris and paras and ctx.rng.random() < 0.5:
        i = ctx.rng.randrange(len(paras))
        paras[i] = re.sub(r"(一是|二是|三是)", r"**\1**", paras[i]) if "是" in paras[i] else "**" + paras[i] + "**"
    if ctx.s.debris and paras and ctx.rng.random() < 0.3:
        i = ctx.rng.randrange(len(paras))
        paras[i] = "[bookmark: _GoBack]" + paras[i]
    if ctx.s.page_breaks and paras and ctx.rng.random() < 0.5:
        # a page boundary inside a long paragraph: the rest continues after a blank line
        i = max(range(len(paras)), key=lambda j: len(paras[j]))
        p = paras[i]
        if len(p) > 60:
            cut = ctx.rng.randrange(20, len(p) - 20)
            while cut < len(p) - 1 and (p[cut - 1].isdigit() or p[cut].isdigit()):
                cut += 1
            paras[i:i + 1] = [p[:cut], _CONTINUED + p[cut:]]
    return paras


def _repeat_header(ctx: _Ctx, body: list[str], page: int) -> list[str]:
    """Table 三 broken by a page whose top repeats the header rows (Word's "repeat as header row")."""
    key = ctx.rng.choice([k for k in ("denied.process_info", "unavailable.not_held", "not_processed.petition",
                                       "other.other") if k in ctx.row_starts])
    i = ctx.row_starts[key]
    brk = ["", _page_number(ctx, page), ""] if ctx.rng.random() < 0.6 else [""]
    return body[:i] + brk + body[:ctx.header_len] + body[i:]


def _site_owner(report: Report) -> str:
    """Who runs the website the page was copied from: the area's government office, not the agency."""
    agency = report.meta.agency or ""
    m = re.match(r"^(.+?(?:省|自治区|市|县|区|旗))", agency)
    return (m.group(1) if m else "") + "人民政府办公室"


def _web_header(ctx: _Ctx, report: Report) -> list[str]:
    """What text copied from a government website carries above the report (breadcrumbs, metadata bar)."""
    m, d = report.meta, report.meta.published
    crumbs = ctx.rng.choice(["当前位置：首页 > 政务公开 > 政府信息公开年报", "您当前的位置：首页>信息公开>年度报告",
                             "首页 > 政府信息公开 > 政府信息公开工作年度报告"])
    bar = [f"来源：{m.agency}"] + ([f"发布时间：{d.isoformat()}"] if d else []) + \
        [f"浏览次数：{ctx.rng.randint(12, 3000)}", "字号：[ 大 中 小 ]"]
    return [crumbs, "", _title(report), ctx.rng.choice(["  ", " | ", "\u3000"]).join(bar), ""]


def _web_footer(ctx: _Ctx, report: Report) -> list[str]:
    return ["", "【打印本页】 【关闭窗口】", "",
            f"主办单位：{_site_owner(report)}  网站标识码：{ctx.rng.randint(1000000000, 9999999999)}",
            f"ICP备案号：{ctx.rng.choice('宁甘蒙浙粤川黑豫')}ICP备{ctx.rng.randint(10000000, 99999999)}号"]


_CONTINUED = "\x00"      # marks the part of a paragraph that continues after a page break


def _page_number(ctx: _Ctx, n: int) -> str:
    return ctx.rng.choice([str(n), f"- {n} -", f"—{n}—", f"第 {n} 页 共 {n + 3} 页"])


# ------------------------------------------------------------------ assembling
def render(report: Report, layout: str = "tabs", style: Style | None = None, seed: int | None = None) -> str:
    """The report as text in one of ALL_LAYOUTS (LAYOUTS and the families of families.py). `seed` drives
    the small random choices (which rows show merge artifacts, phrasing of the preamble); by default it
    derives from the report. A 2019-format report prints the 2019 form's tables."""
    return _render(report, layout, style, seed)[0]


def undecidable_cells(report: Report, layout: str = "tabs", style: Style | None = None,
                      seed: int | None = None) -> tuple[set[str], set[str]]:
    """The cells (form paths) that `render(report, layout, style, seed)` leaves undecidable:
    blanks dropped where the form's arithmetic cannot tell which cell was blank, digits glued
    where it cannot tell where they part. (certain, possible): a reader must leave the first
    null and say so, and may do the same for the second (see undecidable.undecidable)."""
    _, ctx = _render(report, layout, style, seed)
    truth = {p: cell(report, p) for p in ctx.form.cell_paths()}
    return undecidable(ctx.form, truth, ctx.readings)


def _render(report: Report, layout: str, style: Style | None, seed: int | None) -> tuple[str, _Ctx]:
    if layout not in ALL_LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {ALL_LAYOUTS}")
    style = style or Style()
    if layout == "glued":           # digits a reader cuts by arithmetic: plain ASCII, no separators
        style = replace(style, thousands=False, fullwidth_digits=False, nbsp=False)
    if seed is None:
        seed = zlib.crc32((report.meta.title or report.meta.agency or "").encode())
    ctx = _Ctx(style, random.Random(seed), layout, form_for(report.format))
    ctx.running_header = _title(report)
    md = layout == "markdown"
    lines: list[str] = []
    gap = style.para_gap or md
    page = 1

    wrap = style.wrap if layout == "spaces" else 0

    def para(text: str, prose: bool = False, indent: bool = True) -> None:
        if text.startswith(_CONTINUED):   # the rest of a paragraph after a page break: no first-line indent
            text, indent = text[len(_CONTINUED):], False
        if prose and wrap:            # pdftotext keeps the page's line breaks and the first-line indent
            lines.extend(_wrap(("    " if indent else "") + text, 2 * wrap))
        elif prose and indent and not md:        # (in Markdown an indent would make a code block)
            lines.append(style.indent + text)
        else:
            lines.append(text)
        if gap:
            lines.append("")

    def maybe_page_break() -> None:
        nonlocal page
        if style.page_breaks and ctx.rng.random() < 0.25:
            if style.debris or ctx.rng.random() < 0.5:
                lines.extend(["", _page_number(ctx, page), ""])
            else:
                lines.append("")
            page += 1

    m = report.meta
    lines += [""] * (0 if style.draft else ctx.rng.choice([0, 0, 1, 2, 4]))
    if style.web_chrome and not md:
        lines += _web_header(ctx, report)
    title = _title(report)
    if md:
        para("# " + title)
    elif style.title_lines == 2 and m.agency and title.startswith(m.agency):
        para(m.agency)                                    # agency / "YYYY 年政府信息公开工作年度报告"
        if not gap:
            lines.append("")
        para(ctx.spaced(title.removeprefix(m.agency)).strip())
    elif style.title_lines == 3:
        lines += [title[:-8], title[-8:]]                 # broken by the page width: "…政府信息" / "公开工作年度报告"
        if gap:
            lines.append("")
    else:
        para(ctx.spaced(title))
    if style.date_on_top and m.published:          # web-page conversions: "发布日期：2024-01-20"
        d = m.published
        para(ctx.rng.choice([f"发布日期：{d.isoformat()}", f"发布时间：{d.year}年{d.month:02d}月{d.day:02d}日",
                             f"来源：{m.agency}  发布时间：{d.isoformat()} 09:{ctx.rng.randint(10, 59)}"]))
    for p in _preamble(ctx, report):
        para(p, prose=True)

    tables = _TABLES[layout] if layout in _TABLES else table_renderers(layout)
    sections = {s.no: s for s in report.sections}
    for no in range(1, 7):
        sec = sections.get(no)
        if sec is None and not style.draft:
            continue
        head = _heading(ctx, no, sec.heading if sec else ctx.form.sections[no - 1])
        paras = _paragraphs(ctx, sec.text if sec else "")
        if style.draft and not paras and no in (1, 5, 6):
            paras = [_TO_FILL]              # a draft shows every section, asking for what is missing
        if style.glue_headings and style.numbering != "none" and not md and paras and no in (1, 5, 6):
            para(head + paras.pop(0), prose=True, indent=False)    # a heading starts at the margin
        else:
            para(head)
        for p in paras:
            para(p, prose=True)
            maybe_page_break()
        if 2 <= no <= 4:
            if not gap:
                lines.append("")
            if style.unit_lines and no in (3, 4):
                lines += [ctx.rng.choice(["单位：件", "（单位：件）", "                                   单位：件"]), ""]
            body = tables[no - 2](ctx, report)
            if no == 3 and style.repeat_header and layout in ("tabs", "cells", "spaces"):
                body = _repeat_header(ctx, body, page)
                page += 1
            if layout == "tabs" and style.pipe_rows:
                end = " |" if style.pipe_rows == "closed" else ""
                body = [" | ".join(t.split("\t")) + end if t.strip() else t for t in body]
            lines.extend(body)
            lines.append("")
            if layout != "markdown" and ctx.rng.random() < 0.3:
                lines.append("")
            maybe_page_break()
    if style.contact_at_end and (c := _contact_sentence(ctx, report)):
        para(c, prose=True)
    if m.published:
        lines += ["", ""] if not md else []
        pad = "    " if ctx.rng.random() < 0.4 and not md else ""
        para(f"{pad}{m.agency}{pad}")
        para(f"{' ' * 20 if pad else ''}{_signature_date(ctx, m.published)}{pad}")
    if style.debris and style.page_breaks:
        lines.append(_page_number(ctx, page))
    if style.web_chrome and not md:
        lines += _web_footer(ctx, report)
    return "\n".join(lines).rstrip("\n") + "\n", ctx


def render_bytes(report: Report, layout: str = "tabs", style: Style | None = None, seed: int | None = None) -> bytes:
    """`render` encoded as a file would be: the style's newline and encoding (BOM = "utf-8-sig")."""
    style = style or Style()
    text = render(report, layout, style, seed)
    if style.newline != "\n":
        text = text.replace("\n", style.newline)
    return text.encode(style.encoding)


def render_markdown(report: Report) -> str:
    """A clean Markdown draft in the official format (国办公开办函〔2021〕30号): title, preamble,
    the six sections with tables 二, 三, 四 as pipe tables, signature and date."""
    return render(report, "markdown", Style.clean(), seed=0)


def file_name(report: Report, layout: str, index: int = 0) -> str:
    """A plausible file name for a rendered report (".md" for Markdown so readers treat it as such)."""
    ext = ".md" if layout == "markdown" else ".txt"
    return f"{index:04d}_{report.meta.agency}{report.meta.year}{ext}"


__all__ = ["ALL_LAYOUTS", "FAMILIES", "LAYOUTS", "Style", "render", "render_bytes", "render_markdown", "file_name",
           "undecidable_cells"]


if __name__ == "__main__":          # python -m nianbao.generate.text --family X --format 2019 --n 5 --out DIR
    from .corpus import main

    main()
