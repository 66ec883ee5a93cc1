"""A rules: the published document itself — debris left by a careless conversion."""
from __future__ import annotations

from collections.abc import Iterator

from ..model import Report
from .registry import Hit, rule

KIND_NAMES = {"bookmark": "书签标记", "markdown": "Markdown 标记", "page_number": "孤立页码",
              "fragment": "残缺表格片段", "other": "转换残留"}


@rule("A001", "info", "A", "公开文本中残留{kind_name}{count}处，如「{example}」{where}")
def conversion_debris(report: Report) -> Iterator[Hit]:
    """What it does:
    Reports conversion debris left in the published text: "[bookmark: …]" markers, Markdown
    "**", stray page numbers, broken table fragments (one finding per kind, listing where).
    The readers find the debris; this rule reports what they recorded.

    Why it matters:
    Debris shows the published text was converted and not proofread; it looks careless on a
    government website and can hide real text problems.

    Example:
    "[bookmark: _GoBack]（二）进一步做好主动公开…"; a line holding only "1" at the end of a page.
    """
    by_kind: dict[str, list] = {}
    for d in report.extraction.debris:
        by_kind.setdefault(d.kind, []).append(d)
    for kind, items in by_kind.items():
        lines = sorted({d.evidence.line for d in items if d.evidence is not None and d.evidence.line is not None})
        pages = [d.evidence.page for d in items if d.evidence is not None and d.evidence.page is not None]
        where = (f"（第{'、'.join(map(str, lines[:10]))}行）" if lines else
                 f"（第{'、'.join(map(str, sorted(set(pages))[:10]))}页）" if pages else "")
        example = items[0].text.strip()
        if len(example) > 40:
            example = example[:40] + "…"
        yield Hit("extraction.debris", {"kind": kind, "kind_name": KIND_NAMES.get(kind, kind), "count": len(items),
                                        "example": example, "where": where, "lines": lines,
                                        "texts": [d.text for d in items[:20]]},
                  evidence=items[0].evidence)
