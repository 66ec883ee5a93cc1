"""The official report layout as abstract blocks, shared by the DOCX and HTML renderers.

`report_blocks(report)` gives the report in reading order: title, intro, the six
sections with the three tables after the headings 二/三/四, signature. A table is a
`Grid`: rows of *origin* cells with rowspan/colspan, exactly the merges of the
official form (国办公开办函〔2021〕30号, or the 2019 layout for `format == "2019"`) as
form/ declares them in each table's `layout` (table 三's vertical merges of 三、本年度办理结果 /
（三）不予公开 …, table 四's two-level header); only the filling of value slots is done here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..form import CHINESE_ORDINALS, TableForm, form_for
from ..model import Report, Section


@dataclass
class GCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass
class Grid:
    key: str
    ncols: int
    rows: list[list[GCell]] = field(default_factory=list)
    header_rows: int = 0          # rows repeated on each page (DOCX tblHeader)


@dataclass
class Block:
    kind: str                     # "title", "para", "heading", "subheading", "table", "sign"
    text: str = ""
    grid: Grid | None = None


def fmt_num(v: Any) -> str:
    """A cell value as printed: blank for None, integers without decimals."""
    if v is None:
        return ""
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


def cn_date(d: date, with_year: bool = True) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if with_year else f"{d.month}月{d.day}日"


# ---------------------------------------------------------------- tables
def table_grid(report: Report, table: TableForm) -> Grid:
    """A table of the report's form as printed: the form's layout slots, value slots filled
    from the report (2019 layout values from `tables.legacy`)."""
    rows = [[GCell(fmt_num(report.tables.cell(slot.path.removeprefix("tables."))) if slot.path else slot.text,
                   rowspan=slot.rowspan, colspan=slot.colspan, header=slot.header) for slot in row]
            for row in table.layout]
    return Grid(table.key, sum(slot.colspan for slot in table.layout[0]), rows, header_rows=table.header_rows)


# ---------------------------------------------------------------- whole report
_DEFAULT_TEXT = {
    1: "{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
       "扎实做好主动公开、依申请公开、政府信息管理、平台建设和监督保障各项工作。",
    5: "存在的主要问题：政务公开工作的规范化水平还需进一步提高。改进措施：加强业务培训，完善工作机制，"
       "持续提升政府信息公开质量。",
    6: "本机关未收取信息处理费。无其他需要报告的事项。",
}


def report_title(report: Report) -> str:
    m = report.meta
    if m.title:
        return m.title
    return f"{m.agency or ''}{m.year or ''}年政府信息公开工作年度报告"


def intro_text(report: Report) -> str:
    m = report.meta
    s = (f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现发布"
         f"{m.agency or '本机关'}{m.year or ''}年政府信息公开工作年度报告。")
    if m.period and m.period.start and m.period.end:
        s += f"本报告中所列数据的统计期限自{cn_date(m.period.start)}起至{cn_date(m.period.end)}止。"
    c = m.contact
    parts = [(lab, getattr(c, k)) for k, lab in (("address", "地址"), ("postcode", "邮编"), ("phone", "电话"),
                                                 ("fax", "传真"), ("email", "电子邮箱"), ("website", "网址"))]
    parts = [f"{lab}：{v}" for lab, v in parts if v]
    if parts:
        s += "如对本报告有疑问，请与本机关联系（" + "；".join(parts) + "）。"
    return s


def default_sections(report: Report) -> list[Section]:
    """The six sections with the report's own text where it has some, a neutral sentence otherwise."""
    by_no = {s.no: s for s in report.sections}
    agency = report.meta.agency or "本机关"
    sections = form_for(report.format).sections
    return [by_no.get(no) or Section(no=no, heading=sections[no - 1],
                                     text=_DEFAULT_TEXT.get(no, "").format(agency=agency))
            for no in range(1, 7)]


def report_blocks(report: Report) -> list[Block]:
    m = report.meta
    by_no = {s.no: s for s in default_sections(report)}
    out = [Block("title", report_title(report)), Block("para", intro_text(report))]
    form = form_for(report.format)
    # each table follows the section of its number (表二 after section 二)
    grids = {CHINESE_ORDINALS.index(t.number) + 1: table_grid(report, t) for t in form.tables}
    for no in range(1, 7):
        sec = by_no.get(no)
        heading = sec.heading if sec and sec.heading else form.sections[no - 1]
        out.append(Block("heading", f"{CHINESE_ORDINALS[no - 1]}、{heading}"))
        text = sec.text if sec else _DEFAULT_TEXT.get(no, "").format(agency=m.agency or "本机关")
        for line in text.split("\n"):
            if line.strip():
                out.append(Block("para", line.strip()))
        if no in grids:
            out.append(Block("table", grid=grids[no]))
    if m.agency:
        out.append(Block("sign", m.agency))
    if m.published:
        out.append(Block("sign", cn_date(m.published)))
    return out
