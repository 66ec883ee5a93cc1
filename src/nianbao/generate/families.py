"""Flattenings of the form's tables seen in text copied from published report pages (issue 11).

Each family prints a table from the cells a web page or a document holds: the form's layout
(`form.table(key).layout`), one origin cell per merged span, rows in print order. Labels,
headers and groups come from the form; only the glue between them is the family's:

- "paragraphs":    every cell its own paragraph, blank lines between;
- "pipe_lines":    a cell per line, a lone "|" line after each cell or after each row (Style.pipe_after);
- "lone_pipe":     a cell per line, a blank line between rows, a lone "|" line for a blank cell;
- "closing_pipes": every printed cell as "3 |"; blank cells dropped and only counted in the row's
                   closing run of pipes ("|||" = two blanks);
- "leading_pipe":  rows as "| 规章 |    0 ||    3 |": padded numbers, "||" for an empty cell, table 二 in
                   a 5- or 6-column grid (Style.grid_width), long annotated labels (Style.annotated),
                   table 四 one row per group;
- "split_labels":  wrapped labels come out as cells of their own ("商业" "企业", "2.其他法律行政" "法规禁止公开"),
                   a cell per line or tab-separated (Style.split_mode);
- "glued":         cells run together ("规章000", "（一）予以公开3104"); rows with a blank keep spaces;
- "ebook":         e-book/flipbook text: tab rows or a cell per line (Style.ebook_base) with page markers
                   ("第 3 页", "- 4 -", "3/12") and the running header repeated inside the tables.

Where a family loses a cell's place (a dropped blank, digits the arithmetic cannot cut) the
renderer records every reading the text allows (`ctx.readings`); undecidable.py turns them into
the cells no reader can decide.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Number, Report
from .cells import cell
from .undecidable import dropped_readings, glued_readings

FAMILIES = ("paragraphs", "pipe_lines", "lone_pipe", "closing_pipes", "leading_pipe", "split_labels", "glued",
            "ebook")
# Notes real pages add after a table-二 row label (the form's label stays whole in front), by row key.
ANNOTATIONS = {"regulations": "（本机关无规章制定权的填0）", "normative_documents": "（含以办公室名义印发的）",
               "licensing": "（含行政确认、其他行政权力事项）", "punishment": "（含简易程序）",
               "enforcement": "（单位：件）", "fees": "（按实际收取金额统计）"}


@dataclass
class PCell:
    """One printed cell: a label/header text, or a value slot with its path and true value."""
    text: str
    kind: str                      # "header", "label", "value"
    path: str | None = None
    value: Number = None
    row: str = ""                  # the form row a label or value belongs to

    @property
    def blank(self) -> bool:
        return self.kind == "value" and not self.text.strip()


def printed_rows(ctx, report: Report, table: str) -> list[list[PCell]]:
    """The table's rows as a page holds them: each merged span once, at its first row."""
    t = ctx.form.table(table)
    out = []
    for slots in t.layout:
        value_paths = [s.path for s in slots if s.path]
        row_form = ctx.form.cell(value_paths[0])[1] if value_paths else None
        row: list[PCell] = []
        for s in slots:
            if s.path:
                row.append(PCell(ctx.value(report, s.path), "value", s.path, cell(report, s.path), row_form.key))
            elif s.kind == "rowlabel" and table == "applications" and row_form is not None:
                row.append(PCell(ctx.app_label(row_form), "label", row=row_form.key))
            else:
                row.append(PCell(ctx.label(s.text), "header" if s.header else "label",
                                 row=row_form.key if row_form and s.kind == "rowlabel" else ""))
        out.append(row)
    return out


def _record_drops(ctx, row: list[PCell]) -> None:
    """A row printed without its blank cells: every placement of the printed values is a reading."""
    values = [c for c in row if c.kind == "value"]
    if any(c.blank for c in values):
        ctx.readings.append(dropped_readings([c.path for c in values], [c.value for c in values if not c.blank]))


def _texts(row: list[PCell], drop: bool) -> list[str]:
    return [c.text.strip() for c in row if not (drop and c.blank)]


# ------------------------------------------------------------------ one cell per line
def paragraphs(ctx, report: Report, table: str) -> list[str]:
    out = []
    for row in printed_rows(ctx, report, table):
        _record_drops(ctx, row)                         # an empty paragraph leaves no trace
        for t in _texts(row, drop=True):
            out += [t, ""]
    return out


def pipe_lines(ctx, report: Report, table: str) -> list[str]:
    out = []
    for row in printed_rows(ctx, report, table):
        if ctx.s.pipe_after == "cell":                  # an empty cell: its "|" right after the last one
            for c in row:
                out += ["|"] if c.blank else [c.text.strip(), "|"]
        else:
            _record_drops(ctx, row)
            out += _texts(row, drop=True) + ["|"]
    return out


def lone_pipe(ctx, report: Report, table: str) -> list[str]:
    out = []
    for row in printed_rows(ctx, report, table):
        out += ["|" if c.blank else c.text.strip() for c in row] + [""]
    return out


def closing_pipes(ctx, report: Report, table: str) -> list[str]:
    out = []
    for row in printed_rows(ctx, report, table):
        _record_drops(ctx, row)
        out += [f"{t} |" for t in _texts(row, drop=True)]
        out.append("|" * (1 + sum(c.blank for c in row)))
    return out


# ------------------------------------------------------------------ pipe grids
def _pipe_row(cells: list[str]) -> str:
    return "|" + "".join(f" {c} |" if c.strip() else "|" for c in cells)


def leading_pipe(ctx, report: Report, table: str) -> list[str]:
    pad = lambda c: f"{c.text.strip():>5} " if not c.blank else ""  # noqa: E731
    if table == "review_litigation":                    # one row per group under one header row
        t = ctx.form.table(table)
        out = [_pipe_row([""] + [ctx.label(c.label) for c in t.columns])]
        for r in t.rows:
            name = r.labels[0] if len(r.labels) == 1 else f"{r.labels[0]}（{r.leaf}）"
            out.append(_pipe_row([ctx.label(name)] + [pad(PCell(ctx.value(report, p), "value")) for p in r.paths()]))
        return out
    out = []
    for row in printed_rows(ctx, report, table):
        cells = []
        for c in row:
            if c.kind == "value":
                cells.append(pad(c))
            elif c.row in ANNOTATIONS and table == "active_disclosure" and ctx.s.annotated \
                    and ctx.rng.random() < 0.6:
                cells.append(c.text + ctx.label(ANNOTATIONS[c.row]))
            else:
                cells.append(c.text)
        if table == "active_disclosure":
            cells += [""] * (ctx.s.grid_width - len(cells))
        out.append(_pipe_row(cells))
    return out


# ------------------------------------------------------------------ split labels
def _split(text: str, header: bool) -> list[str]:
    """A label wrapped in a narrow cell, each line come out as a cell of its own: a column header
    in halves ("商业" "企业"), a long row label in two pieces ("2.其他法律行政" "法规禁止公开")."""
    if text.startswith(("（本列", "(本列")):
        return [text]
    if header and 4 <= len(text) <= 6:
        k = len(text) // 2
        return [text[:k], text[k:]]
    if len(text) > 9:
        k = 7 if len(text) < 16 else len(text) // 2
        return [text[:k], text[k:]]
    return [text]


def split_labels(ctx, report: Report, table: str) -> list[str]:
    out = []
    tabs = ctx.s.split_mode == "tabs"
    for row in printed_rows(ctx, report, table):
        cells = []
        for c in row:
            if c.kind == "value":
                cells.append(c.text.strip())
            else:
                cells += _split(c.text, c.kind == "header") if ctx.rng.random() < 0.8 else [c.text]
        if tabs:
            out.append("\t".join(cells))
        else:
            _record_drops(ctx, row)                     # an empty line would end the row
            out += [x for x in cells if x] + [""]
    return out


# ------------------------------------------------------------------ glued
def glued(ctx, report: Report, table: str) -> list[str]:
    """Label and values run together where the page printed no gap; a row with a blank cell keeps
    spaces (a blank cell that prints nothing is dropped)."""
    out = []
    for row in printed_rows(ctx, report, table):
        labels = [c.text for c in row if c.kind != "value"]
        values = [c for c in row if c.kind == "value"]
        if not values:
            out.append("".join(labels))
            continue
        if any(c.value is None for c in values):
            _record_drops(ctx, row)
            out.append(" ".join(labels + [c.text.strip() for c in values if not c.blank]).strip())
            continue
        digits = "".join(c.text.strip() for c in values)
        readings = glued_readings(ctx.form, [c.path for c in values], digits)
        if readings is None:                            # too many cuts to judge: the page keeps its gaps
            out.append(" ".join(labels + [c.text.strip() for c in values]))
            continue
        ctx.readings.append(readings)
        out.append("".join(labels) + digits)
    return out


# ------------------------------------------------------------------ e-book
def _marker(ctx, page: int) -> str:
    return ctx.rng.choice([f"第 {page} 页", f"- {page} -", f"{page}/{page + ctx.rng.randint(3, 9)}",
                           f"第{page}页 共{page + 4}页"])


def ebook(ctx, report: Report, table: str) -> list[str]:
    """Tab rows or a cell per line, broken every few lines by a page marker and the running header
    (the report's title) that an e-book or flipbook repeats on every page."""
    body = []
    for row in printed_rows(ctx, report, table):
        if ctx.s.ebook_base == "tabs":
            body.append("\t".join(c.text.strip() for c in row))
        else:
            _record_drops(ctx, row)
            body += _texts(row, drop=True) + [""]
    out = []
    every = ctx.rng.randint(6, 12)
    for i, line in enumerate(body):
        out.append(line)
        if i and i % every == 0 and i < len(body) - 1:
            ctx.page += 1
            pair = [_marker(ctx, ctx.page), ctx.running_header]
            out += pair if ctx.rng.random() < 0.6 else pair[::-1]
            if ctx.s.ebook_base != "tabs":
                out.append("")
    return out


TABLE_KEYS = ("active_disclosure", "applications", "review_litigation")
RENDERERS = {"paragraphs": paragraphs, "pipe_lines": pipe_lines, "lone_pipe": lone_pipe,
             "closing_pipes": closing_pipes, "leading_pipe": leading_pipe, "split_labels": split_labels,
             "glued": glued, "ebook": ebook}


def table_renderers(family: str):
    """The (table 二, 三, 四) renderers of a family, in the shape text.render expects."""
    fn = RENDERERS[family]
    return tuple((lambda key: (lambda ctx, report: fn(ctx, report, key)))(k) for k in TABLE_KEYS)
