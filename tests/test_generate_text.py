"""Text renderers: each layout prints what a real conversion of that family prints, and the bytes knobs."""
from __future__ import annotations

import codecs
import random
import re
from dataclasses import replace

import pytest

from nianbao.generate.synthetic import random_report
from nianbao.form import FORM_2019, FORM_2021, FORMS
from nianbao.form.form2021 import APPLICANT_KEYS, REVIEW_COL_KEYS
from nianbao.generate.cells import as_2019, cell
from nianbao.generate.families import FAMILIES
from nianbao.generate.text import (ALL_LAYOUTS, LAYOUTS, Style, _width, render, render_bytes, render_markdown,
                                   undecidable_cells)
from nianbao.readers.text import read

APPS = FORM_2021.table("applications")


def report(seed: int = 1, **kw):
    return random_report(random.Random(seed), **kw)


def table_numbers(rep) -> list[str]:
    return [str(rep.tables.cell(p[7:])) for p in FORM_2021.cell_paths("applications")]


@pytest.mark.parametrize("layout", ALL_LAYOUTS)
def test_every_layout_has_title_headings_labels_and_figures(layout):
    rep = report(3)
    text = render(rep, layout)
    assert rep.meta.title in text
    for no in range(1, len(FORM_2021.sections) + 1):
        assert FORM_2021.heading(no) in text
    # cell labels may be broken over lines, with a row's values (spaces layout) between the pieces
    flat = re.sub(r"\s+", "", re.sub(r"(?m) {2,}[\d.,—/-]+(?= |$)", "", text))
    for row in APPS.rows:
        assert row.leaf in flat
    for col in (c.label for c in APPS.columns):       # the spaces layout breaks 商业/企业 into one column over two lines
        assert col in flat or (layout == "spaces" and any(re.search(rf"{col[:k]}.*\n.*{col[k:]}", text)
                                                          for k in range(1, len(col))))
    if layout == "glued":             # digits run together: each row's figures one string after its label
        for row in APPS.rows:
            digits = "".join(str(getattr(rep.tables.applications[row.key], c)) for c in APPLICANT_KEYS)
            assert digits in flat
        return
    for v in set(table_numbers(rep)):
        assert re.search(rf"(?<![\d,]){v}(?![\d,])", text)


def test_tabs_layout_prints_rows_as_tab_separated_lines_with_merge_artifacts():
    rep = report(4)
    text = render(rep, "tabs", Style(merge_artifacts=True))
    lines = text.split("\n")
    row = next(line for line in lines if line.startswith("一、本年新收"))
    values = [str(getattr(rep.tables.applications["new_received"], c)) for c in APPLICANT_KEYS]
    assert row.split("\t")[2:9] == values
    assert any(line.startswith("\t\t2.其他法律行政法规禁止公开\t") or line.startswith("\t2.其他法律行政法规禁止公开\t")
               for line in lines)
    assert "行政复议\t\t\t\t\t行政诉讼" in text
    assert "\t".join(str(getattr(getattr(rep.tables.review_litigation, g), c))
                     for g in FORM_2021.table("review_litigation").row_keys for c in REVIEW_COL_KEYS) in lines


def test_tabs_layout_varies_the_merge_artifacts_between_reports():
    shapes = set()
    for seed in range(30):
        text = render(report(seed), "tabs", Style(merge_artifacts=True), seed=seed)
        shapes.add(tuple(len(line.split("\t")) for line in text.split("\n") if "\t" in line))
    assert len(shapes) > 10


def test_cells_layout_prints_one_cell_per_line_with_split_labels():
    text = render(report(5), "cells", seed=2)
    assert "\t商业\n企业" in text or "\t科研\n机构" in text
    assert "\t结果\n纠正" in text or "\t尚未\n审结" in text
    start = text.index("二、主动公开政府信息情况")
    for line in text[start:text.index("五、存在的主要问题")].split("\n"):
        if line.strip() and not line.startswith(("三、", "四、", "二、")) and not line.endswith("。"):
            assert line.startswith("\t") or len(line) <= 4, line   # a cell, or a cell's continuation
    assert "\t\n\t\n\t2.其他法律行政法规禁止公开\n" in text          # two covered label slots print as "\t"


def test_markdown_layout_uses_headings_and_pipe_tables():
    text = render(report(6), "markdown", Style(heading_level=2))
    assert text.startswith("# ") or text.lstrip("\n").startswith("# ")
    assert "\n## 三、收到和处理政府信息公开申请情况\n" in text
    pipe_rows = [line for line in text.split("\n") if line.startswith("|")]
    assert len(pipe_rows) >= 14 + 28 + 5
    assert len({line.count("|") for line in pipe_rows if "勾稽" in line or "本年新收" in line}) == 1


def all_values(rep):
    return [rep.tables.cell(p[7:]) for p in FORM_2021.cell_paths()]


def test_knobs_change_what_they_promise():
    rep = next(r for r in (report(s, blanks=0.1) for s in range(50))
               if any(isinstance(v, int) and v >= 1000 for v in all_values(r)))
    big = next(v for v in all_values(rep) if isinstance(v, int) and v >= 1000)
    base = render(rep, "tabs", Style(), seed=1)
    assert f"{big:,}" in render(rep, "tabs", Style(thousands=True), seed=1)
    assert f"{big:,}" not in base
    assert "１" in render(rep, "tabs", Style(fullwidth_digits=True), seed=1)
    assert "\t—" in render(rep, "tabs", Style(blank="—"), seed=1)
    assert "1、 总体情况" in render(rep, "tabs", Style(numbering="arabic_first"), seed=1)
    assert "6、其他需要报告的事项" in render(rep, "tabs", Style(numbering="arabic"), seed=1)
    assert re.search(r"一、总体情况\d{4}年", render(rep, "tabs", Style(glue_headings=True), seed=1))
    assert re.search(r" \d{4} 年", render(rep, "tabs", Style(spaced_numbers=True), seed=1))
    variants = "".join(render(rep, "cells", Style(label_variants=True), seed=s) for s in range(5))
    assert re.search(r"其他法律法规禁止公开|结转下一年度|结转下年度办理|申请数\n", variants)


def test_debris_knob_adds_bookmarks_emphasis_and_page_numbers():
    texts = [render(report(s), "tabs", Style(debris=True, page_breaks=True), seed=s) for s in range(10)]
    joined = "\n".join(texts)
    assert "[bookmark: _GoBack]" in joined
    assert "**" in joined
    assert re.search(r"^(?:- \d+ -|—\d+—|\d+|第 \d+ 页 共 \d+ 页)$", joined, re.M)
    assert "**" not in render(report(1), "tabs", Style())


@pytest.mark.parametrize("encoding,newline", [("utf-8", "\r\n"), ("utf-8-sig", "\n"), ("gb18030", "\n"),
                                              ("gb18030", "\r\n")])
def test_render_bytes_applies_encoding_bom_and_newlines(encoding, newline):
    rep = report(8)
    style = Style(encoding=encoding, newline=newline)
    data = render_bytes(rep, "tabs", style)
    assert data.startswith(codecs.BOM_UTF8) == (encoding == "utf-8-sig")
    assert (b"\r\n" in data) == (newline == "\r\n")
    text = data.decode(encoding)
    assert text.replace("\r\n", "\n") == render(rep, "tabs", style)


@pytest.mark.parametrize("layout", ["tabs", "cells", "markdown"])   # "spaces" has no grid: rows are lines
def test_the_text_reader_finds_the_three_tables_in_the_grid_layouts(layout):
    rep = report(9)
    doc = read(render_bytes(rep, layout, Style.random(random.Random(2))), "r.md" if layout == "markdown" else "r.txt")
    sizes = sorted(len(t.rows) for t in doc.tables())
    assert len(sizes) >= 3
    assert sizes[-1] >= 25          # table 三: the 25 rows plus headers


def test_render_markdown_is_a_clean_deterministic_draft():
    rep = next(r for r in (report(s) for s in range(10, 40)) if r.meta.published and r.meta.period)
    md = render_markdown(rep)
    assert md == render_markdown(rep)
    assert "[bookmark" not in md and "**" not in md
    assert md.startswith(f"# {rep.meta.title}\n")
    assert "（国办公开办函〔2021〕30号）" in md
    start, end = rep.meta.period.start, rep.meta.period.end
    assert f"统计期限自{start.year}年{start.month}月{start.day}日起至{end.year}年{end.month}月{end.day}日止" in md
    published = rep.meta.published
    assert published is not None
    assert f"{published.year}年{published.month}月{published.day}日" in md
    for no in range(1, len(FORM_2021.sections) + 1):
        assert f"## {FORM_2021.heading(no)}" in md


def test_unknown_layout_is_refused():
    with pytest.raises(ValueError):
        render(report(1), "pdf")


def test_same_inputs_render_the_same_text():
    rep = report(12)
    style = replace(Style.random(random.Random(5)))
    assert render(rep, "cells", style, seed=9) == render(rep, "cells", style, seed=9)


def test_spaces_layout_aligns_values_in_columns_and_wraps_long_labels():
    rep = report(13)
    text = render(rep, "spaces", Style(wrap=38, wrapped_values="first"), seed=1)
    lines = text.split("\n")
    assert "\t" not in text and "|" not in text
    row = next(x for x in lines if x.startswith("一、本年新收"))
    assert row.split()[1:] == [str(getattr(rep.tables.applications["new_received"], c)) for c in APPLICANT_KEYS]
    i = next(i for i, x in enumerate(lines) if "1.申请人无正当理由逾期不补正" in x)
    assert lines[i + 1].strip().startswith(("政机关", "行政机关", "、行政机关"))   # the label continues below
    start = next(i for i, x in enumerate(lines) if x.startswith("五、"))
    prose = lines[start + 1:next(i for i, x in enumerate(lines) if x.startswith("六、"))]
    assert len(prose) > 3 and all(_width(x) <= 2 * 38 for x in prose)          # prose is hard-wrapped
    assert re.search(r"（三）不予\s", text) and re.search(r"^\s+公开\s", text, re.M)   # a group label broken over lines


def test_render_markdown_of_an_empty_report_is_a_blank_template_with_every_section_and_table():
    from nianbao.model import Report

    md = render_markdown(Report())
    for no in range(1, len(FORM_2021.sections) + 1):
        assert f"## {FORM_2021.heading(no)}" in md
    assert md.count("（待填写）") == 3                 # sections 一, 五, 六 ask for text
    assert all(row.leaf in md for row in APPS.rows)
    assert "None" not in md


def test_a_markdown_draft_parses_back_to_its_figures():
    from nianbao import api

    rep = report(21)
    got = api.parse_bytes(render_markdown(rep).encode(), "draft.md")
    assert got.tables == rep.tables
    assert (got.meta.agency, got.meta.year, got.meta.published) == (rep.meta.agency, rep.meta.year, rep.meta.published)


# ------------------------------------------------------------------ the flattening families of issue 11
def tables_part(text: str) -> str:
    """From table 二's heading to section 五's (the three tables and their section prose)."""
    return text[text.index("二、主动公开政府信息情况"):text.index("五、存在的主要问题")]


def report_2019(seed: int = 1, **kw):
    return as_2019(report(seed, **kw), random.Random(seed))


def form_labels(form) -> set[str]:
    out = set()
    for t in form.tables:
        for r in t.rows:
            out |= set(r.labels) | {c.label for c in r.columns}
        out |= {s.text for row in t.layout for s in row if s.text}
    return out


@pytest.mark.parametrize("module", ["text", "families", "cells", "undecidable", "corpus"])
def test_no_generator_module_spells_a_label_of_the_form(module):
    """Labels, headers and groups come from nianbao.form: no string literal of the generator holds one."""
    import ast
    from pathlib import Path

    import nianbao.generate as G

    tree = ast.parse((Path(G.__file__).parent / f"{module}.py").read_text("utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                and id(n) not in docstrings]
    headings = "".join(h for f in FORMS.values() for h in f.sections)    # section headings may name 行政复议
    labels = {w for f in FORMS.values() for w in form_labels(f) if len(w) >= 4 and w not in headings}
    assert [(w, x) for x in literals for w in labels if w in x] == []


@pytest.mark.parametrize("layout", ALL_LAYOUTS)
def test_every_layout_prints_the_2019_form_in_its_own_words(layout):
    rep = report_2019(3)
    flat = re.sub(r"\s+", "", tables_part(render(rep, layout, seed=1)))
    for col in {c.label for r in FORM_2019.table("active_disclosure").rows for c in r.columns}:
        assert col in flat, col
    assert flat.count("（六）其他处理") == 1
    assert "逾期不补正" not in flat and "本年制发件数" not in flat       # the 2021 form's own rows and columns
    other = [str(cell(rep, p)) for p in FORM_2019.table("applications").row("other_processing").paths()]
    assert "".join(other) in re.sub(r"[|—/]", "", flat)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("half", [False, True])
def test_families_print_full_or_half_width_brackets(family, half):
    text = tables_part(render(report(4), family, Style(ascii_parens=half), seed=1))
    assert ("(一)" in text.replace(" ", "")) == half
    assert ("（一）" in text) == (not half)


def test_paragraphs_put_every_cell_in_its_own_paragraph():
    rep = report(5)
    lines = tables_part(render(rep, "paragraphs", seed=1)).split("\n")
    i = lines.index("一、本年新收政府信息公开申请数量")
    row = rep.tables.applications["new_received"]
    assert lines[i:i + 15:2] == ["一、本年新收政府信息公开申请数量"] + [str(getattr(row, c)) for c in APPLICANT_KEYS]
    assert set(lines[i + 1:i + 15:2]) == {""}


def test_pipe_lines_put_a_lone_pipe_after_each_cell_or_each_row():
    rep = report(5)
    row = [str(getattr(rep.tables.applications["new_received"], c)) for c in APPLICANT_KEYS]
    per_cell = tables_part(render(rep, "pipe_lines", Style(pipe_after="cell"), seed=1))
    assert "一、本年新收政府信息公开申请数量\n|\n" + "\n|\n".join(row) + "\n|\n" in per_cell
    per_row = tables_part(render(rep, "pipe_lines", Style(pipe_after="row"), seed=1))
    assert "一、本年新收政府信息公开申请数量\n" + "\n".join(row) + "\n|\n" in per_row


def blank_in_row(key: str = "granted", col: str = "research"):
    rep = report(6)
    rep.tables.set_cell(f"applications.{key}.{col}", None)
    return rep, [getattr(rep.tables.applications[key], c) for c in APPLICANT_KEYS]


def test_lone_pipe_prints_a_blank_cell_as_a_lone_pipe_line():
    rep, row = blank_in_row()
    text = tables_part(render(rep, "lone_pipe", seed=1))
    assert "（一）予以公开\n" + "\n".join("|" if v is None else str(v) for v in row) + "\n\n" in text
    assert undecidable_cells(rep, "lone_pipe", seed=1) == (set(), set())


def test_closing_pipes_drop_blank_cells_and_count_them_in_the_closing_run():
    rep, row = blank_in_row()
    text = tables_part(render(rep, "closing_pipes", seed=1))
    assert "（一）予以公开 |\n" + "".join(f"{v} |\n" for v in row if v is not None) + "||\n" in text
    assert "规章 |\n" in text and "\n|\n" in text         # a row without blanks closes with one pipe


def test_a_dropped_blank_in_a_zero_row_is_undecidable_and_one_the_columns_place_is_not():
    zero, nonzero = report(7), report(10)
    for key in APPS.row_keys:                                  # a zero row, and a row of distinct figures
        if all(v == 0 for _, v in zero.tables.applications[key]):
            break
    zero.tables.set_cell(f"applications.{key}.research", None)
    certain, _ = undecidable_cells(zero, "closing_pipes", seed=1)
    assert {f"tables.applications.{key}.{c}" for c in APPLICANT_KEYS} <= certain
    g = nonzero.tables.applications["granted"]
    assert len({g.commercial, g.research, g.social_welfare}) == 3      # a shifted reading breaks a column sum
    nonzero.tables.set_cell("applications.granted.research", None)
    certain, possible = undecidable_cells(nonzero, "closing_pipes", seed=1)
    assert not any(p.startswith("tables.applications.granted.") for p in certain | possible)


@pytest.mark.parametrize("width", [5, 6])
def test_leading_pipe_grids_pad_table_two_and_print_table_four_by_group(width):
    rep, row = blank_in_row()
    text = tables_part(render(rep, "leading_pipe", Style(grid_width=width, annotated=True), seed=3))
    lines = text.split("\n")
    two = [x for x in lines[:lines.index("三、收到和处理政府信息公开申请情况")] if x.startswith("|")]
    assert len(two) == 14 and {x.count("|") for x in two} == {width + 1}
    assert any(re.match(r"\| [^|]+（[^|]+） \| +\d+ +\|", x) for x in two)          # an annotated label
    granted = next(x for x in lines if "（一）予以公开" in x)
    assert "||" in granted and re.search(r"\|  +\d+ +\|", granted)                  # padded, an empty cell
    for name in ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"):
        assert any(x.startswith(f"| {name} |") for x in lines)


def test_split_labels_come_out_as_cells_of_their_own():
    text = tables_part(render(report(8), "split_labels", seed=2))
    assert "\n商业\n企业\n" in text and "\n科研\n机构\n" in text
    tabs = tables_part(render(report(8), "split_labels", Style(split_mode="tabs"), seed=2))
    assert "\t商业\t企业\t" in tabs or "\t科研\t机构\t" in tabs


def test_glued_rows_run_label_and_digits_together_and_ambiguous_cuts_are_named():
    rep = report(9, nonzero=False)
    rep.tables.active_disclosure.regulations.issued = 0
    rep.tables.active_disclosure.regulations.repealed = 0
    rep.tables.active_disclosure.regulations.in_force = 0
    assert "\n规章000\n" in render(rep, "glued", seed=1)
    assert not any("regulations" in p for p in undecidable_cells(rep, "glued", seed=1)[0])   # one cut: 0|0|0
    rep.tables.active_disclosure.regulations.issued = 1
    rep.tables.active_disclosure.regulations.in_force = 12            # "1012": 1|0|12 or 10|1|2
    assert "\n规章1012\n" in render(rep, "glued", seed=1)
    certain, _ = undecidable_cells(rep, "glued", seed=1)
    assert {f"tables.active_disclosure.regulations.{c}" for c in ("issued", "repealed", "in_force")} <= certain


def test_glued_table_three_rows_are_cut_by_their_total():
    from nianbao.generate.undecidable import glued_readings

    paths = FORM_2021.table("applications").row("granted").paths()
    cut = lambda digits: sorted(list(r.values()) for r in glued_readings(FORM_2021, paths, digits))  # noqa: E731
    assert cut("1020003") == [[1, 0, 2, 0, 0, 0, 3]]
    assert cut("1020004") == []                                          # no cut keeps 总计 = the six columns
    assert cut("101000011") == [[1, 0, 10, 0, 0, 0, 11], [10, 1, 0, 0, 0, 0, 11]]    # two do: undecidable


@pytest.mark.parametrize("base", ["tabs", "cells"])
def test_ebook_text_breaks_the_tables_with_page_markers_and_the_running_header(base):
    rep = report(10)
    text = tables_part(render(rep, "ebook", Style(ebook_base=base), seed=1))
    three = text[text.index("三、收到和处理"):text.index("四、政府信息公开行政复议")]
    assert re.search(r"^(?:第 ?\d+ ?页(?: 共\d+页)?|- \d+ -|\d+/\d+)$", three, re.M)
    assert f"\n{rep.meta.title}\n" in three
