"""The 2019 layout (国办公开办〔2019〕… template), used by reports for 2019 and 2020.

Table 二 counts 新制作/新公开/对外公开总数量 for 规章 and 规范性文件 and 上一年项目数量/本年增/减/
处理决定数量 for the 第二十条 items; table 三 has a single （六）其他处理 row. The model keeps
these cells under `tables.legacy` (Report.format == "2019"); the 处理决定数量 of 行政许可/
行政处罚/行政强制 is also the 2021 model's `decisions` (a mirror), so the two formats compare.
"""
from __future__ import annotations

from . import form2021 as F21
from .spec import Column, Form, Row, TableForm

VERSION = "2019"
SECTIONS = F21.SECTIONS

NEW_MADE = Column("new_made", "本年新制作数量", ("新制作数量", "本年新制作"))
NEW_PUBLISHED = Column("new_published", "本年新公开数量", ("新公开数量", "本年新公开"))
TOTAL_PUBLISHED = Column("total_published", "对外公开总数量", ("公开总数量",))
PREV_ITEMS = Column("prev_year_items", "上一年项目数量", ("上年项目数量",))
CHANGE = Column("change", "本年增/减", ("本年增减", "增/减", "增减"), signed=True)
DECISIONS = Column("decisions", "处理决定数量", ("本年处理决定数量",))
ITEMS = Column("items", "采购项目数量")
AMOUNT = Column("amount", "采购总金额", ("采购总金额万元",))

ITEM_9 = "第二十条第（九）项"
_L = "tables.legacy.active_disclosure"
ACTIVE_ROWS = (
    Row("regulations", (F21.ITEM_1, "规章"), (NEW_MADE, NEW_PUBLISHED, TOTAL_PUBLISHED), (r"^(?:政府)?规章.{0,4}$",),
        path_prefix=_L),
    Row("normative_documents", (F21.ITEM_1, "规范性文件"), (NEW_MADE, NEW_PUBLISHED, TOTAL_PUBLISHED),
        (r"^(?:行政)?规范性文件.{0,4}$",), path_prefix=_L),
    Row("licensing", (F21.ITEM_5, "行政许可"), (PREV_ITEMS, CHANGE, DECISIONS), (r"^行政许可.{0,4}$",), path_prefix=_L),
    Row("other_services", (F21.ITEM_5, "其他对外管理服务事项"), (PREV_ITEMS, CHANGE, DECISIONS),
        (r"^其他对外管理服务事项.{0,4}$",), path_prefix=_L),
    Row("punishment", (F21.ITEM_6, "行政处罚"), (PREV_ITEMS, CHANGE, DECISIONS), (r"^行政处罚.{0,4}$",), path_prefix=_L),
    Row("enforcement", (F21.ITEM_6, "行政强制"), (PREV_ITEMS, CHANGE, DECISIONS), (r"^行政强制.{0,4}$",), path_prefix=_L),
    Row("fees", (F21.ITEM_8, "行政事业性收费"), (PREV_ITEMS, CHANGE), (r"^行政事业性收费.{0,6}$",), path_prefix=_L),
    Row("procurement", (ITEM_9, "政府集中采购"), (ITEMS, AMOUNT), (r"^政府集中采购.{0,4}$",), path_prefix=_L,
        kind="amount"),
)
ACTIVE = TableForm(
    "active_disclosure", "二", F21.ACTIVE.title, ACTIVE_ROWS,
    header_words=("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
                  "处理决定数量", "采购项目数量", "采购总金额"),
    layout=F21._active_layout(ACTIVE_ROWS),
)
MIRRORS = tuple((f"{_L}.{k}.decisions", f"tables.active_disclosure.{k}.decisions")
                for k in ("licensing", "punishment", "enforcement"))

# Table 三: the 2021 rows without the three （六） sub-rows, and the old single （六）其他处理 row.
OTHER_PROCESSING = Row("other_processing", (F21.RESULTS, F21.OTHER), F21.APPLICANTS, (r"^其他处理$",),
                       path_prefix="tables.legacy.applications")
_rows = [r for r in F21.APP_ROWS if not r.key.startswith("other.")]
_rows.insert([r.key for r in _rows].index("results_total"), OTHER_PROCESSING)
APP_ROWS = tuple(_rows)
APPLICATIONS = TableForm(
    "applications", "三", F21.APPLICATIONS.title, APP_ROWS, F21.APPLICANTS,
    header_words=F21.APPLICATIONS.header_words, identities=F21.app_identities(APP_ROWS),
    layout=F21.app_layout(APP_ROWS), header_rows=3,
)

FORM = Form(VERSION, "2019年政府信息公开工作年度报告格式", (ACTIVE, APPLICATIONS, F21.REVIEW_LITIGATION), SECTIONS,
            mirrors=MIRRORS)
