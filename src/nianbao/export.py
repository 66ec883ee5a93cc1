"""Stored reports out as files: CSV, XLSX, JSON, Parquet; long form (one row per cell), wide form
(one row per report) or the findings (one row per finding, with the reviewers' decision); and the
整改清单 (rectification list) of one agency as XLSX or DOCX.

    data, filename, media_type = export_bytes(store, "xlsx", year=2023)
    data, filename, media_type = rectification_bytes(store, "沙坡头区司法局", "docx")

XLSX: a sheet 报告 (one row per report), one sheet per table (表二/表三/表四, a column per cell,
Chinese headers from the form, form/), a sheet 审核问题 (every finding with its 审核决定 确认/误报/
不适用/待定 and 审核状态: a dismissed one is 已排除), and with form="long" a sheet 单元格 in long form.
A report's 地区 is the registry's full name (某省某市某区) where the registry matched its agency, else
the store's region string. CSV/JSON/Parquet use the machine keys (`applications.granted.total`) as
headers, so scripts need no Chinese; `labels` gives the Chinese name of every column.

Parquet needs pyarrow, an optional extra (`pip install 'nianbao[parquet]'`): it is 40 MB that most
users of a review tool never need; CSV and XLSX cover them.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .form import FORM_2019, FORM_2021, form_for
from .errors import InputError
from .store import ReportInfo, Store
from .store.cells import number, split_path
from .store.review import DISMISSALS, MANUAL_CATEGORY

FORMATS = ("csv", "xlsx", "json", "parquet")
FORMS = ("long", "wide", "findings")
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
TABLE_SHEETS = {"active_disclosure": "表二 主动公开", "applications": "表三 依申请公开",
                "review_litigation": "表四 复议诉讼"}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}

REPORT_COLUMNS: list[tuple[str, str]] = [
    ("report_id", "报告编号"), ("agency", "机关"), ("region", "地区"), ("agency_name", "报告所署机关"),
    ("year", "年度"), ("format", "格式"), ("published", "发布日期"), ("is_current", "现行版本"),
    ("errors", "错误"), ("warnings", "警告"), ("infos", "提示"), ("source_file", "文件"), ("sha256", "SHA-256"),
]
LONG_COLUMNS: list[tuple[str, str]] = [
    ("report_id", "报告编号"), ("agency", "机关"), ("region", "地区"), ("year", "年度"),
    ("table", "表"), ("row", "行"), ("column", "列"), ("path", "路径"), ("label", "名称"), ("value", "数值"),
]
FINDING_COLUMNS: list[tuple[str, str]] = [
    ("report_id", "报告编号"), ("agency", "机关"), ("year", "年度"), ("code", "规则"), ("severity", "级别"),
    ("message", "问题"), ("path", "路径"), ("where", "位置"), ("evidence", "证据"),
    ("decision", "审核决定"), ("review_state", "审核状态"), ("reason", "判定理由"),
]
UNDECIDED = "待定"
REVIEW_STATES = {"确认": "已确认", "误报": "已排除（误报）", "不适用": "已排除（不适用）", None: "未审核"}


# ---------------------------------------------------------------- labels
def cell_label(table: str, row: str, col: str) -> str:
    """Chinese name of a stored cell, the form's (`Form.cell_name`, columns with their unit):
    "表三·（三）不予公开·1.属于国家秘密·自然人"; a 2019 layout cell (table "legacy") by the 2019 form."""
    path = f"tables.{table}.{row}.{col}"
    for form in (FORM_2021, FORM_2019):
        if form.cell(path) is not None:
            return form.cell_name(path, full=True)
    return f"{table}·{row}·{col}"


def cell_paths() -> list[str]:
    return FORM_2021.cell_paths()


def labels() -> dict[str, str]:
    """Every export column key → its Chinese header."""
    out = dict(REPORT_COLUMNS) | dict(LONG_COLUMNS) | dict(FINDING_COLUMNS)
    for p in cell_paths():
        out[p.removeprefix("tables.")] = cell_label(*split_path(p))
    return out


def where(evidence: dict | None) -> str:
    """A position in words: 第12行 / 第3页 / 表格2第4行第5列."""
    if not evidence:
        return ""
    if evidence.get("line") is not None:
        return f"第{evidence['line']}行"
    if evidence.get("page") is not None:
        return f"第{evidence['page']}页"
    if evidence.get("table") is not None:
        return f"表格{evidence['table'] + 1}第{(evidence.get('row') or 0) + 1}行第{(evidence.get('col') or 0) + 1}列"
    return ""


def evidence_text(f: dict[str, Any]) -> str:
    """What a reviewer needs besides the message: the previous year's report for X rules."""
    data = f.get("data") or {}
    prev = data.get("previous")
    if isinstance(prev, dict):
        parts = [f"上年报告（{prev.get('year')}年"]
        if prev.get("report_id") is not None:
            parts.append(f"，编号{prev['report_id']}")
        if prev.get("file"):
            parts.append(f"，{prev['file']}")
        parts.append("）")
        if where(prev.get("evidence")):
            parts.append(where(prev["evidence"]))
        if prev.get("value") is not None:
            parts.append(f"：{number(prev['value'])}")
        return "".join(parts)
    return ""


# ---------------------------------------------------------------- rows
@dataclass
class Selection:
    agency: str | int | None = None
    region: str | None = None
    year: int | None = None
    current: bool | None = True

    def reports(self, store: Store) -> list[ReportInfo]:
        """The selected reports; a region is its scope (registry subtree, else the store's text;
        RegionNotFound when neither knows it: nianbao.oversight.scope)."""
        from .oversight.scope import resolve

        where = resolve(store, self.region).require().condition if self.region else None
        return registry_regions(store, store.list_reports(agency=self.agency, year=self.year,
                                                          current=self.current, where=where))


def registry_regions(store: Store, infos: list[ReportInfo]) -> list[ReportInfo]:
    """The reports with `region` the registry's full name (某省某市某区) where a registry entry matched
    the agency, else the store's own region string (oversight.scope: one map per registry change,
    looked up once per export, not per row)."""
    from dataclasses import replace

    from .oversight.scope import resolve

    sc = resolve(store, None)
    if not sc.region_of:
        return infos
    return [i if i.agency_id not in sc.region_of else replace(i, region=sc.region_of[i.agency_id]) for i in infos]


def review_rows(store: Store, report_ids: list[int]) -> tuple[dict[tuple[int, str], tuple[str | None, str | None]],
                                                              list[Any]]:
    """What the reviewers said of these reports (store.review), read in chunks of one query each:
    {(report id, finding key): (decision, reason)} of their decided audit findings (a decision follows
    the agency-year's current version; keys by store.review.finding_keys), and the findings they added
    by hand (still open), by report and order added."""
    from sqlalchemy import or_, select

    from .store.review_models import ReviewFinding

    rf = ReviewFinding
    decided: dict[tuple[int, str], tuple[str | None, str | None]] = {}
    manual: list[Any] = []
    with store._read() as s:
        for n in range(0, len(report_ids), 500):
            q = select(rf.origin, rf.report_id, rf.key, rf.code, rf.severity, rf.message, rf.path, rf.evidence,
                       rf.decision, rf.reason, rf.note).where(
                rf.report_id.in_(report_ids[n:n + 500]), rf.state == "open",
                or_(rf.origin == "manual", (rf.origin == "audit") & rf.decision.is_not(None))
            ).order_by(rf.report_id, rf.id)
            for origin, rid, key, *rest in s.execute(q):
                if origin == "audit":
                    decided[(rid, key)] = (rest[-3], rest[-2])
                else:
                    manual.append((rid, *rest))
    return decided, manual


def _report_row(i: ReportInfo) -> dict[str, Any]:
    return {"report_id": i.id, "agency": i.agency, "region": i.region, "agency_name": i.agency_name, "year": i.year,
            "format": i.format, "published": i.published, "is_current": i.is_current, "errors": i.errors,
            "warnings": i.warnings, "infos": i.infos, "source_file": i.source_file, "sha256": i.sha256}


def long_rows(store: Store, infos: list[ReportInfo]) -> list[dict[str, Any]]:
    """One row per stored cell (blank cells with value None)."""
    cells = store.cells([i.id for i in infos])
    out = []
    for i in infos:
        for (t, r, c), v in sorted(cells[i.id].items(), key=lambda kv: _cell_order(kv[0])):
            out.append({"report_id": i.id, "agency": i.agency, "region": i.region, "year": i.year, "table": t,
                        "row": r, "column": c, "path": f"{t}.{r}.{c}", "label": cell_label(t, r, c),
                        "value": number(v)})
    return out


_ORDER = {tuple(split_path(p)): n for n, p in enumerate(cell_paths())}


def _cell_order(key: tuple[str, str, str]) -> tuple[int, tuple[str, str, str]]:
    return _ORDER.get(key, len(_ORDER)), key


def wide_rows(store: Store, infos: list[ReportInfo]) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows): one row per report, the report columns then one column per cell path."""
    cells = store.cells([i.id for i in infos])
    keys = [p.removeprefix("tables.") for p in cell_paths()]
    extra = sorted({f"{t}.{r}.{c}" for i in infos for (t, r, c) in cells[i.id]} - set(keys))   # 2019 legacy fields
    columns = [k for k, _ in REPORT_COLUMNS] + keys + extra
    rows = []
    for i in infos:
        row = _report_row(i)
        for (t, r, c), v in cells[i.id].items():
            row[f"{t}.{r}.{c}"] = number(v)
        rows.append({k: row.get(k) for k in columns})
    return columns, rows


def finding_rows(store: Store, infos: list[ReportInfo]) -> list[dict[str, Any]]:
    """Every finding of the reports, in the audit's order, with the reviewers' decision on it
    (`decision` 确认/误报/不适用/待定, `review_state` 已确认/已排除（误报）/已排除（不适用）/未审核,
    `reason`): a reviewer sees which were dismissed; then each report's findings added by hand
    (code 人工, the reviewer's note as evidence)."""
    from itertools import groupby

    from .store.review import finding_keys

    by_id = {i.id: i for i in infos}
    decided, manual = review_rows(store, list(by_id))
    out = []
    for rid, group in groupby(store.findings(report_ids=list(by_id)), key=lambda f: f["report_id"]):
        fs = list(group)
        i = by_id[rid]
        for key, f in zip(finding_keys([(f["code"], f["path"]) for f in fs]), fs):
            decision, reason = decided.get((rid, key), (None, None))
            out.append({"report_id": i.id, "agency": i.agency, "year": i.year, "code": f["code"],
                        "severity": f["severity"], "message": f["message"], "path": f["path"],
                        "where": where(f["evidence"]), "evidence": evidence_text(f),
                        "decision": decision or UNDECIDED, "review_state": REVIEW_STATES.get(decision, decision),
                        "reason": reason or "", "data": f["data"], "raw_evidence": f["evidence"]})
    for rid, code, severity, message, path, ev, decision, reason, note in manual:
        i = by_id[rid]
        out.append({"report_id": i.id, "agency": i.agency, "year": i.year, "code": code, "severity": severity,
                    "message": message, "path": path,
                    "where": where(ev) or (form_for(i.format).cell_name(path) if path else ""), "evidence": note or "",
                    "decision": decision or UNDECIDED, "review_state": REVIEW_STATES.get(decision, decision),
                    "reason": reason or "", "data": {}, "raw_evidence": ev, "manual": True})
    out.sort(key=lambda r: r["report_id"])         # stable: each report's audit findings, then its own
    return out


# ---------------------------------------------------------------- writers
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(v: Any) -> Any:
    """Text a spreadsheet would run as a formula (starting with = + - @, or a tab or CR before one:
    report text and reviewers' notes are untrusted) kept as text in CSV: prefixed with an apostrophe.
    Every CSV writer passes its cells through this (export, review trail). A line break inside a cell
    becomes LF: the writers end rows with LF, so only LF makes the csv module quote the cell (a bare CR
    left unquoted split the row in two in Excel)."""
    if not isinstance(v, str):
        return v
    formula = v.startswith(FORMULA_START)
    if "\r" in v:
        v = v.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + v if formula else v


def text_only(wb) -> None:
    """XLSX: a cell openpyxl took for a formula (text starting with =) is stored as the text it is.
    Every XLSX writer calls this on its workbook just before saving (export, 整改清单, 整改通知)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    c.data_type = "s"


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows({k: safe_text(v) for k, v in r.items()} for r in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")     # BOM: Excel opens UTF-8 CSV correctly


def _parquet(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("导出 parquet 需要 pyarrow：pip install 'nianbao[parquet]'（或改用 csv / xlsx）") from None
    table = pa.Table.from_pylist([{k: r.get(k) for k in columns} for r in rows])
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _sheet(wb, title: str, headers: list[str], rows: list[list[Any]], widths: dict[int, int] | None = None,
           header_height: float | None = None):
    """A sheet of a write-only workbook (rows streamed to the file, not kept as cell objects: the
    export of 5,000 reports took twice the time and memory in a normal workbook). Text a
    spreadsheet would take for a formula stays text (as `text_only` does for normal workbooks)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    # the sheet's extent, which a write-only sheet does not know before its rows: without it readers
    # that trust the file's <dimension> (openpyxl read_only, pandas) cut a row after its last value
    ref = f"A1:{get_column_letter(max(1, len(headers)))}{len(rows) + 1}"
    ws.calculate_dimension = lambda: ref
    for col, width in (widths or {}).items():
        ws.column_dimensions[get_column_letter(col)].width = width
    if header_height:
        ws.row_dimensions[1].height = header_height
    ws.freeze_panes = "B2" if len(headers) > 3 else "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    head = []
    for h in headers:
        c = WriteOnlyCell(ws, h)
        c.font, c.alignment = bold, wrap
        head.append(c)
    ws.append(head)

    def text(v: Any) -> Any:
        if isinstance(v, str) and v.startswith("="):
            c = WriteOnlyCell(ws, v)
            c.data_type = "s"
            return c
        return v

    for r in rows:
        ws.append([text(v) for v in r])
    return ws


def _xlsx(store: Store, infos: list[ReportInfo], form: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    columns, wide = wide_rows(store, infos)
    head = [k for k, _ in REPORT_COLUMNS]
    _sheet(wb, "报告", [h for _, h in REPORT_COLUMNS], [[r[k] for k in head] for r in wide],
           {2: 24, 3: 20, 4: 30, 12: 30})
    base = ["report_id", "agency", "year"]
    for table, title in TABLE_SHEETS.items():
        keys = [k for k in columns if k.startswith(f"{table}.")]
        headers = ["报告编号", "机关", "年度"] + [cell_label(*split_path(k)) for k in keys]
        _sheet(wb, title, headers, [[r[k] for k in base + keys] for r in wide], {2: 24}, header_height=90)
    fr = finding_rows(store, infos)
    _sheet(wb, "审核问题", [h for _, h in FINDING_COLUMNS],
           [[f["report_id"], f["agency"], f["year"], f["code"], SEVERITY_NAMES.get(f["severity"], f["severity"]),
             f["message"], f["path"], f["where"], f["evidence"], f["decision"], f["review_state"], f["reason"]]
            for f in fr],
           {2: 24, 6: 70, 7: 40, 9: 40, 11: 18, 12: 30})
    if form == "long":
        lr = long_rows(store, infos)
        _sheet(wb, "单元格", [h for _, h in LONG_COLUMNS], [[r[k] for k, _ in LONG_COLUMNS] for r in lr],
               {2: 24, 9: 50})
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_bytes(store: Store, fmt: str = "xlsx", form: str = "wide", *, agency: str | int | None = None,
                 region: str | None = None, year: int | None = None,
                 current: bool | None = True) -> tuple[bytes, str, str]:
    """(file bytes, suggested file name, media type) of the selected reports."""
    if fmt not in FORMATS:
        raise InputError(f"不支持的导出格式 {fmt}（可选 {'、'.join(FORMATS)}）")
    if form not in FORMS:
        raise InputError(f"不支持的表格形式 {form}（可选 {'、'.join(FORMS)}）")
    infos = Selection(agency, region, year, current).reports(store)
    stamp = f"nianbao-{form}" + (f"-{year}" if year else "")
    if fmt == "xlsx":
        data = _xlsx(store, infos, form)
        stamp = "nianbao" + (f"-{year}" if year else "")
    elif form == "findings":
        rows = [{k: f[k] for k, _ in FINDING_COLUMNS} for f in finding_rows(store, infos)]
        columns = [k for k, _ in FINDING_COLUMNS]
        data = _csv(columns, rows) if fmt == "csv" else _parquet(columns, rows) if fmt == "parquet" else \
            _json({"form": "findings", "labels": dict(FINDING_COLUMNS), "rows": rows})
    elif form == "long":
        rows = long_rows(store, infos)
        columns = [k for k, _ in LONG_COLUMNS]
        data = _csv(columns, rows) if fmt == "csv" else _parquet(columns, rows) if fmt == "parquet" else \
            _json({"form": "long", "labels": dict(LONG_COLUMNS), "rows": rows})
    else:
        columns, rows = wide_rows(store, infos)
        if fmt == "json":
            by_report: dict[int, list[dict[str, Any]]] = {}
            for f in finding_rows(store, infos):
                by_report.setdefault(f["report_id"], []).append(
                    {k: f[k] for k in ("code", "severity", "message", "path", "decision", "review_state", "reason")})
            for r in rows:
                r["findings"] = by_report.get(r["report_id"], [])
            data = _json({"form": "wide", "labels": {k: v for k, v in labels().items() if k in columns},
                          "rows": rows})
        else:
            data = _csv(columns, rows) if fmt == "csv" else _parquet(columns, rows)
    return data, f"{stamp}.{fmt}", MEDIA[fmt]


def _json(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8")


# ---------------------------------------------------------------- 整改清单
RECTIFICATION_COLUMNS = ["序号", "年度", "级别", "规则", "问题类别", "问题描述", "位置", "相关证据", "整改措施",
                         "责任人", "完成时限"]


def rectification_rows(store: Store, agency: str | int, year: int | None = None) -> tuple[Any, list[list[Any]]]:
    """(agency info, rows of the 整改清单): every finding of the agency's current reports, errors first;
    findings the reviewers dismissed (误报 / 不适用) are not listed: nothing to rectify."""
    from .audit.registry import FAMILIES

    ag = store.find_agency(str(agency))
    if ag is None:
        raise InputError(f"库中没有机关「{agency}」的报告")
    infos = [i for i in store.list_reports(agency=ag.id) if year is None or i.year == year]
    if not infos:
        raise InputError(f"库中没有机关「{ag.name}」{year}年的报告" if year else f"库中没有机关「{ag.name}」的报告")
    rank = {"error": 0, "warning": 1, "info": 2}
    fr = sorted((f for f in finding_rows(store, infos) if f["decision"] not in DISMISSALS), key=lambda f: (-(f["year"] or 0), rank.get(f["severity"], 3), f["code"]))
    rows = [[n, f["year"], SEVERITY_NAMES.get(f["severity"], f["severity"]), f["code"],
             MANUAL_CATEGORY if f.get("manual") else FAMILIES.get(f["code"][:1], ""), f["message"], f["where"] or f["path"] or "", f["evidence"], "", "", ""]
            for n, f in enumerate(fr, 1)]
    return ag, rows


def rectification_bytes(store: Store, agency: str | int, fmt: str = "xlsx",
                        year: int | None = None) -> tuple[bytes, str, str]:
    """The 整改清单 of one agency as XLSX or DOCX: (bytes, file name, media type)."""
    ag, rows = rectification_rows(store, agency, year)
    title = f"{ag.region}{ag.name}政府信息公开工作年度报告整改清单" + (f"（{year}年度）" if year else "")
    when = datetime.now().strftime("%Y-%m-%d")
    return rectification_file(title, when, rows, fmt), f"整改清单-{ag.name}.{fmt}", MEDIA[fmt]


def rectification_file(title: str, when: str, rows: list[list[Any]], fmt: str,
                       lines: list[str] = ()) -> bytes:
    """The 整改清单 layout as XLSX or DOCX bytes: title, date, `lines` (e.g. the reply deadline of a
    整改通知, nianbao.notice), then one row per finding (RECTIFICATION_COLUMNS)."""
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        wb = Workbook()
        ws = wb.active
        ws.title = "整改清单"
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([f"生成日期：{when}；共 {len(rows)} 项"])
        for line in lines:
            ws.append([line])
        ws.append(RECTIFICATION_COLUMNS)
        head = 3 + len(lines)
        for c in ws[head]:
            c.font = Font(bold=True)
        for r in rows:
            ws.append(r)
        for col, width in {"F": 60, "G": 24, "H": 40, "I": 30}.items():
            ws.column_dimensions[col].width = width
        for row in ws.iter_rows(min_row=head + 1):
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="top")
        buf = io.BytesIO()
        text_only(wb)
        wb.save(buf)
        return buf.getvalue()
    if fmt == "docx":
        return _rectification_docx(title, when, rows, lines)
    raise InputError(f"整改清单只能导出为 xlsx 或 docx，不支持 {fmt}")


def _rectification_docx(title: str, when: str, rows: list[list[Any]], lines: list[str] = ()) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = sec.page_height, sec.page_width
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(1.5))
    doc.add_heading(title, level=1)
    doc.add_paragraph(f"生成日期：{when}。共 {len(rows)} 项问题；“整改措施”“责任人”“完成时限”由机关填写。")
    for line in lines:
        doc.add_paragraph(line)
    cols = RECTIFICATION_COLUMNS
    table = doc.add_table(rows=1, cols=len(cols))
    table.style = "Table Grid"
    for c, h in zip(table.rows[0].cells, cols):
        c.text = h
        for run in c.paragraphs[0].runs:
            run.bold = True
    for r in rows:
        cells = table.add_row().cells
        for c, v in zip(cells, r):
            c.text = "" if v is None else str(v)
    for row in table.rows:
        for c in row.cells:
            for p in c.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
    if not rows:
        doc.add_paragraph("未发现需要整改的问题。")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
