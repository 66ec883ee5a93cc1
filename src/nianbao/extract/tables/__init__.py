"""Tables 二/三/四: one reader for every flattening, driven by the form.

    tokens.py   every block (grid or text) as one token stream
    align.py    the dynamic programme matching label pieces to the form's rows
    rows.py     what a row is: its label and the values after it
    place.py    a row's values in its columns (counts, blanks, glued digits, the arithmetic)
    assemble_active.py, assemble_applications.py, assemble_review.py   one per table
    result.py   what was read, and how it goes into a Report

Which form (2021, or the 2019 layout) a table follows is told by its own words: table 二's
2019 column headers (本年新制作数量…), table 三's single （六）其他处理 row.
"""
from __future__ import annotations

import re

from ...document import Document
from ...form import FORM_2019, FORM_2021, Form
from ...model import LabelVariant
from ..values import position
from .align import align
from .assemble_active import assemble_active
from .assemble_applications import assemble_applications
from .assemble_review import assemble_review
from .match import common_run, match_norm, targets_for
from .result import TableResult
from .rows import RowRead, read_rows, unlabelled_before
from .tokens import B, L, PB, Token, V, tokens_of

_ACTIVE_2019_WORDS = ("新制作数量", "新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量")
_OTHER_ROWS_2021 = ("逾期不补正", "缴纳费用", "收费通知")
ASSEMBLERS = {"active_disclosure": assemble_active, "applications": assemble_applications,
              "review_litigation": assemble_review}


_ACTIVE_2019 = re.compile("|".join(_ACTIVE_2019_WORDS))
_OTHER_2021 = re.compile("|".join(_OTHER_ROWS_2021))


def _format_of(tokens: list[Token]) -> tuple[bool, bool]:
    """(table 二 in the 2019 layout, table 三 in the 2019 layout)."""
    labels = "|".join(t.norm for t in tokens if t.kind == L)
    active = _ACTIVE_2019.search(labels) is not None
    if "其他处理" not in labels or _OTHER_2021.search(labels) is not None:
        return active, False
    return active, any(
        t.kind == L and t.norm.endswith("其他处理") and (t.tail or i + 1 < len(tokens) and tokens[i + 1].kind in (V, B, PB))
        for i, t in enumerate(tokens))


def _variant(r: RowRead, form: Form) -> LabelVariant | None:
    row = r.target.row
    if row.path_prefix.startswith("tables.legacy"):
        return None
    norm = match_norm(r.found)
    if not norm or norm in r.target.full:
        return None
    if common_run(norm, r.target.leaf) * 5 < len(norm) * 3:
        return None                 # mostly other words (a header the row's name stands in): no wording of it
    return LabelVariant(path=f"{row.path_prefix}.{row.key}", found=r.found, official=row.leaf,
                        evidence=position(r.label.loc))


def _captioned_review(tokens: list[Token], rows: list[RowRead], targets) -> list[RowRead]:
    """Table 四's leading rows printed as a table of their own under a caption (行政复议 as 表4-1):
    their values stand unlabelled before the first labelled row; they are those rows' when the
    count is exactly theirs."""
    k = next((i for i, r in enumerate(rows) if r.target.table.key == "review_litigation"), None)
    if k is None:
        return rows
    table = rows[k].target.table
    missing = table.rows[:table.rows.index(rows[k].target.row)]
    if not missing:
        return rows
    orphans = unlabelled_before(tokens, rows, k)
    width = len(table.columns)
    if len(orphans) != width * len(missing) or not any(t.kind == V for t in orphans):
        return rows
    by_row = {t.row.key: t for t in targets.items if t.table is table}
    extra = [RowRead(by_row[r.key], "", orphans[i * width], orphans[i * width:(i + 1) * width])
             for i, r in enumerate(missing)]
    return rows[:k] + extra + rows[k:]


def extract_tables(doc: Document) -> TableResult:
    tokens = tokens_of(doc)
    active_2019, app_2019 = _format_of(tokens)
    tables = (FORM_2019.table("active_disclosure") if active_2019 else FORM_2021.table("active_disclosure"),
              FORM_2019.table("applications") if app_2019 else FORM_2021.table("applications"),
              FORM_2021.table("review_litigation"))
    form = FORM_2019 if active_2019 or app_2019 else FORM_2021
    res = TableResult(format_2019=form is FORM_2019)
    if active_2019:
        res.notes.append("表二为2019年版格式（本年新制作数量/本年新公开数量/对外公开总数量），按2019年版报告处理")
    elif app_2019:
        res.notes.append("表三只有一行“（六）其他处理”，为2019年版格式，按2019年版报告处理")
    targets = targets_for(tables)
    rows = read_rows(tokens, align(tokens, targets), targets)
    rows = _captioned_review(tokens, rows, targets)
    by_table: dict[str, list[RowRead]] = {}
    for r in rows:
        by_table.setdefault(r.target.table.key, []).append(r)
    for key, table_rows in by_table.items():
        res.found.add(key)
        if not any(t.kind in (V, B, PB) for r in table_rows for t in r.values):
            res.without_values.append(key)
        if key == "applications":
            assemble_applications(table_rows, form, res, tokens)
        elif key == "active_disclosure":
            assemble_active(table_rows, form, res, tokens)
        else:
            ASSEMBLERS[key](table_rows, form, res)
        for r in table_rows:
            v = _variant(r, form)
            if v is not None:
                res.variants.append(v)
    return res


__all__ = ["TableResult", "extract_tables"]
