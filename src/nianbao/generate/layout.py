"""The official report layout as abstract blocks, shared by the DOCX and HTML renderers.

`report_blocks(report)` gives the report in reading order: title, intro, the six
sections with the three tables after the headings 二/三/四, signature. A table is a
`Grid`: rows of *origin* cells with rowspan/colspan, exactly the merges of the
official form (国办公开办函〔2021〕30号, or the 2019 layout for `format == "2019"`):
table 三's vertical merges of 三、本年度办理结果 / （三）不予公开 … and horizontal
merges of 一、本年新收… across the three label columns; table 四's two-level header.

2019 layout values come from `tables.legacy` (keys in extract/legacy2019.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .. import labels as L
from ..model import Report, Section

APP_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


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


# ---------------------------------------------------------------- table 二
def _h(text: str, **kw) -> GCell:
    return GCell(text, header=True, **kw)


def active_grid(report: Report) -> Grid:
    a = report.tables.active_disclosure
    g = Grid("active_disclosure", 4)
    g.rows.append([_h("第二十条第（一）项", colspan=4)])
    g.rows.append([_h("信息内容")] + [_h(lab) for _, lab in L.ACTIVE_COLS["regulations"]])
    for key in ("regulations", "normative_documents"):
        dc = getattr(a, key)
        vals = [getattr(dc, c) if dc else None for c, _ in L.ACTIVE_COLS[key]]
        g.rows.append([GCell(L.ACTIVE_ROW_LABELS[key])] + [GCell(fmt_num(v)) for v in vals])
    for item, keys in (("第二十条第（五）项", ["licensing"]), ("第二十条第（六）项", ["punishment", "enforcement"])):
        g.rows.append([_h(item, colspan=4)])
        g.rows.append([_h("信息内容"), _h(L.ACTIVE_COLS["licensing"][0][1], colspan=3)])
        for key in keys:
            d = getattr(a, key)
            g.rows.append([GCell(L.ACTIVE_ROW_LABELS[key]), GCell(fmt_num(d.decisions if d else None), colspan=3)])
    g.rows.append([_h("第二十条第（八）项", colspan=4)])
    g.rows.append([_h("信息内容"), _h(L.ACTIVE_COLS["fees"][0][1], colspan=3)])
    g.rows.append([GCell(L.ACTIVE_ROW_LABELS["fees"]),
                   GCell(fmt_num(a.fees.amount_10k_yuan if a.fees else None), colspan=3)])
    return g


def active_grid_2019(report: Report) -> Grid:
    leg = ((report.tables.legacy or {}).get("active_disclosure") or {})

    def v(row: str, col: str) -> str:
        return fmt_num((leg.get(row) or {}).get(col))

    g = Grid("active_disclosure", 4)
    g.rows.append([_h("第二十条第（一）项", colspan=4)])
    g.rows.append([_h("信息内容"), _h("本年新制作数量"), _h("本年新公开数量"), _h("对外公开总数量")])
    for key, lab in (("regulations", "规章"), ("normative_documents", "规范性文件")):
        g.rows.append([GCell(lab)] + [GCell(v(key, c)) for c in ("new_made", "new_published", "total_published")])
    for item, rows in (("第二十条第（五）项", [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")]),
                       ("第二十条第（六）项", [("punishment", "行政处罚"), ("enforcement", "行政强制")])):
        g.rows.append([_h(item, colspan=4)])
        g.rows.append([_h("信息内容"), _h("上一年项目数量"), _h("本年增/减"), _h("处理决定数量")])
        for key, lab in rows:
            g.rows.append([GCell(lab)] + [GCell(v(key, c)) for c in ("prev_year_items", "change", "decisions")])
    g.rows.append([_h("第二十条第（八）项", colspan=4)])
    g.rows.append([_h("信息内容"), _h("上一年项目数量"), _h("本年增/减", colspan=2)])
    g.rows.append([GCell("行政事业性收费"), GCell(v("fees", "prev_year_items")), GCell(v("fees", "change"), colspan=2)])
    g.rows.append([_h("第二十条第（九）项", colspan=4)])
    g.rows.append([_h("信息内容"), _h("采购项目数量"), _h("采购总金额", colspan=2)])
    g.rows.append([GCell("政府集中采购"), GCell(v("procurement", "items")), GCell(v("procurement", "amount"), colspan=2)])
    return g


# ---------------------------------------------------------------- table 三
def applications_grid(report: Report) -> Grid:
    fmt2019 = report.format == L.FORMAT_2019
    apps = report.tables.applications
    legacy_other = (((report.tables.legacy or {}).get("applications") or {}).get(L.LEGACY_OTHER_2019) or {})

    def vals(key: str) -> list[GCell]:
        if key == L.LEGACY_OTHER_2019:
            return [GCell(fmt_num(legacy_other.get(c))) for c in L.APPLICANT_KEYS]
        r = apps.get(key)
        return [GCell(fmt_num(getattr(r, c) if r else None)) for c in L.APPLICANT_KEYS]

    g = Grid("applications", 10, header_rows=3)
    g.rows.append([_h(APP_NOTE, rowspan=3, colspan=3), _h("申请人情况", colspan=7)])
    g.rows.append([_h("自然人", rowspan=2), _h("法人或其他组织", colspan=5), _h("总计", rowspan=2)])
    g.rows.append([_h(lab) for _, lab in L.APPLICANTS[1:6]])

    R = L.APP_ROW_BY_KEY
    result_keys = [k for k in L.APP_ROW_KEYS[2:24] if not (fmt2019 and k.startswith("other."))]
    if fmt2019:
        result_keys.insert(result_keys.index("results_total"), L.LEGACY_OTHER_2019)
    for key in ("new_received", "carried_over"):
        g.rows.append([GCell(R[key].label, colspan=3)] + vals(key))
    first_result = True
    seen_groups: set[str] = set()
    for key in result_keys:
        row: list[GCell] = []
        if first_result:
            row.append(GCell("三、本年度办理结果", rowspan=len(result_keys)))
            first_result = False
        if key == L.LEGACY_OTHER_2019:
            row.append(GCell("（六）其他处理", colspan=2))
        elif R[key].group in (None, "三、本年度办理结果"):
            row.append(GCell(R[key].label, colspan=2))
        else:
            grp = R[key].group
            if grp not in seen_groups:
                seen_groups.add(grp)
                n = sum(1 for k in result_keys if k in R and R[k].group == grp)
                row.append(GCell(grp, rowspan=n))
            row.append(GCell(R[key].label))
        g.rows.append(row + vals(key))
    g.rows.append([GCell(R["carried_forward"].label, colspan=3)] + vals("carried_forward"))
    return g


# ---------------------------------------------------------------- table 四
def review_grid(report: Report) -> Grid:
    rl = report.tables.review_litigation
    g = Grid("review_litigation", 15, header_rows=3)
    g.rows.append([_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)])
    g.rows.append([_h(lab, rowspan=2) for _, lab in L.REVIEW_COLS]
                  + [_h("未经复议直接起诉", colspan=5), _h("复议后起诉", colspan=5)])
    g.rows.append([_h(lab) for _, lab in L.REVIEW_COLS] * 2)
    g.rows.append([GCell(fmt_num(getattr(getattr(rl, grp), c))) for grp in L.REVIEW_GROUP_KEYS for c in L.REVIEW_COL_KEYS])
    return g


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
    return [by_no.get(no) or Section(no=no, heading=L.SECTION_HEADINGS[no - 1],
                                     text=_DEFAULT_TEXT.get(no, "").format(agency=agency))
            for no in range(1, 7)]


def report_blocks(report: Report) -> list[Block]:
    m = report.meta
    by_no = {s.no: s for s in default_sections(report)}
    out = [Block("title", report_title(report)), Block("para", intro_text(report))]
    grids = {2: (active_grid_2019 if report.format == L.FORMAT_2019 else active_grid)(report),
             3: applications_grid(report), 4: review_grid(report)}
    for no in range(1, 7):
        sec = by_no.get(no)
        heading = sec.heading if sec and sec.heading else L.SECTION_HEADINGS[no - 1]
        out.append(Block("heading", f"{L.CHINESE_ORDINALS[no - 1]}、{heading}"))
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
