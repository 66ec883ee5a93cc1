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


@rule("A002", "info", "A", "文件中有{count}个字符无法识别（字节损坏或含有空字符），已替换为“�”{where}；其余内容已正常读取")
def damaged_characters(report: Report) -> Iterator[Hit]:
    """What it does:
    Reports the characters the reader had to replace: bytes that do not decode in the file's
    encoding (a flipped byte, a character cut in half at the end of a broken download) and
    control characters such as NUL. It gives their count and the lines where they sit; the
    rest of the report was read as usual.

    Why it matters:
    One damaged byte should not cost a whole report, but a replaced character may have been a
    digit or a word of a label: the figures on those lines deserve a look at the original.

    Example:
    A UTF-8 report whose download stopped one byte early: its last character "。" becomes "�"
    and this rule names its line.
    """
    rc = report.extraction.replaced_chars
    if rc is None or not rc.count:
        return
    lines = sorted({p.line for p in rc.positions if p.line is not None})
    pages = sorted({p.page for p in rc.positions if p.page is not None})
    more = "等" if len(lines) > 10 or len(pages) > 10 else ""
    where = (f"（第{'、'.join(map(str, lines[:10]))}{more}行）" if lines else
             f"（第{'、'.join(map(str, pages[:10]))}{more}页）" if pages else "")
    yield Hit("extraction.replaced_chars", {"count": rc.count, "where": where, "lines": lines},
              evidence=rc.positions[0] if rc.positions else None)
