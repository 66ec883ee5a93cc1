"""The 2019 layout (reports for 2019 and 2020): what the model keeps and where.

The rows are read by extract/tables/ from Form2019 (form/form2019.py), the same alignment as the
2021 form's: table 二's 本年新制作数量… headers or table 三's single （六）其他处理 row choose it; this
module names the keys, so the generator (generate/layout.py), the tests and the audit agree on them.

A 2019 report has `"format": "2019"` and:
- `tables.active_disclosure`: only `licensing`, `punishment`, `enforcement` with
  `decisions` (处理决定数量, the one column the two layouts share); `regulations`,
  `normative_documents` and `fees` are absent (None, dropped from the JSON);
- `tables.applications`: the 2021 rows without the three `other.*` rows;
- `tables.review_litigation`: as in 2021;
- `tables.legacy`, the old layout's own cells, as printed (blank → null):

  legacy.active_disclosure (table 二, 第二十条):
    regulations          规章           第（一）项  new_made 本年新制作数量, new_published 本年新公开数量,
    normative_documents  规范性文件      第（一）项      total_published 对外公开总数量
    licensing            行政许可        第（五）项  prev_year_items 上一年项目数量, change 本年增/减,
    other_services       其他对外管理服务事项 第（五）项   decisions 处理决定数量
    punishment           行政处罚        第（六）项  (same three)
    enforcement          行政强制        第（六）项  (same three)
    fees                 行政事业性收费   第（八）项  prev_year_items 上一年项目数量, change 本年增/减
    procurement          政府集中采购     第（九）项  items 采购项目数量, amount 采购总金额 (as printed, usually 万元)
  legacy.applications (table 三):
    other_processing     （六）其他处理   the seven applicant columns (natural_person … total)

Provenance keys follow the same paths, e.g. `tables.legacy.active_disclosure.fees.change`.
"""
from __future__ import annotations

from ..form import FORM_2019

_LEGACY = "tables.legacy."
# the old layout's table 二 as the form declares it: row → its columns
LEGACY_ACTIVE: dict[str, tuple[str, ...]] = {
    r.key: tuple(c.key for c in r.columns) for r in FORM_2019.table("active_disclosure").rows}
SHARED_ACTIVE = tuple(FORM_2019.cell(legacy)[1].key for legacy, _ in FORM_2019.mirrors)   # their `decisions` is also the model's


def legacy_cell_paths() -> list[str]:
    """Dotted paths of every cell the 2019 layout has beyond the shared model, in table order."""
    return [p for p in FORM_2019.cell_paths() if p.startswith(_LEGACY)]


def cell_paths_2019() -> list[str]:
    """Every table cell of a 2019-format report: the shared ones, then the legacy ones."""
    return [p for p in FORM_2019.model_paths() if not p.startswith(_LEGACY)] + legacy_cell_paths()
