"""整改通知: the confirmed findings of one agency (or of every agency of a region, one notice each
in a zip) with the reply deadline, in the 整改清单 layout (export.rectification_file: one writer).

An agency-year returned for rectification past its deadline is marked overdue (已逾期 N 天).
"""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from typing import Any

from .errors import InputError
from .export import MEDIA, SEVERITY_NAMES, evidence_text, rectification_file, where
from .store.review import finding_keys


def _rows(lib, report_id: int, confirmed: list[dict[str, Any]], year: int | None,
          deadline: date | None) -> list[list[Any]]:
    """Rows of RECTIFICATION_COLUMNS for the confirmed findings (the store's finding data gives the
    evidence text of cross-year rules)."""
    from .audit.registry import FAMILIES

    stored = lib.store.findings(report_ids=[report_id])
    by_key = dict(zip(finding_keys([(f["code"], f["path"]) for f in stored]), stored))
    rank = {"error": 0, "warning": 1, "info": 2}
    rows = []
    for n, f in enumerate(sorted(confirmed, key=lambda f: (rank.get(f["severity"], 3), f["code"], f["id"])), 1):
        full = by_key.get(f["key"]) or {}
        pos = where(f["evidence"])
        rows.append([n, year, SEVERITY_NAMES.get(f["severity"], f["severity"]), f["code"],
                     FAMILIES.get(f["code"][:1], "人工审核" if f["origin"] == "manual" else ""),
                     f["message"] + (f"（审核意见：{f['note']}）" if f.get("note") else ""),
                     pos or f["path"] or "", evidence_text(full) if full else "", "", "",
                     deadline.isoformat() if deadline else ""])
    return rows


def _one(lib, info, fmt: str, deadline: date | None, user: str | None, send: bool,
         today: date, record: bool = True) -> tuple[bytes, str] | None:
    """One report's notice (bytes, file name); None when none of its findings is confirmed (an
    empty notice, "存在以下 0 项问题", would return a report that has nothing to correct)."""
    case = lib.case(info.id, user)
    confirmed = lib.review.findings(case["id"], state="open", decision="确认")
    if not confirmed:
        return None
    if send:
        if case["status"] != "退回整改":
            case = lib.set_status(info.id, "退回整改", user=user or "", deadline=deadline, comment="发出整改通知")
        elif deadline is not None:
            case = lib.set_status(info.id, "退回整改", user=user or "", deadline=deadline)
    due = deadline or (date.fromisoformat(case["deadline"]) if case["deadline"] else None)
    rows = _rows(lib, case["report_id"], confirmed, info.year, due)
    name = f"{info.region or ''}{info.agency or info.agency_name or '（未识别机关）'}"
    title = f"{name}政府信息公开工作年度报告整改通知" + (f"（{info.year}年度）" if info.year else "")
    lines = [f"经审核，贵单位{info.year or ''}年度政府信息公开工作年度报告（报告编号 {case['report_id']}）"
             f"存在以下 {len(rows)} 项经确认的问题，请逐项整改，并报送整改后的年度报告。"]
    if due:
        late = (today - due).days
        lines.append(f"回复期限：{due.isoformat()}" + (f"（已逾期 {late} 天）" if late > 0 and
                                                     case["status"] == "退回整改" else ""))
    else:
        lines.append("回复期限：未设定")
    if user:
        lines.append(f"审核人：{user}")
    data = rectification_file(title, today.isoformat(), rows, fmt, lines)
    if record or send:
        lib.review.record("notice", user, report_id=case["report_id"], agency_id=info.agency_id, year=info.year,
                          after={"findings": len(rows), "deadline": due.isoformat() if due else None, "format": fmt})
    return data, f"整改通知-{name}{'-' + str(info.year) if info.year else ''}.{fmt}"


def notice_bytes(lib, *, agency: str | int | None = None, region: str | None = None, year: int | None = None,
                 fmt: str = "docx", deadline: date | None = None, user: str | None = None, send: bool = False,
                 today: date | None = None, record: bool = True) -> tuple[bytes, str, str]:
    """(bytes, file name, media type): one agency → its notice (DOCX or XLSX; the newest year unless
    `year`); a region → a zip of the notices of its agencies that have confirmed findings.
    `send`: each report is returned (退回整改, with the deadline) and the notice trailed; otherwise
    `record=False` only reads (a download: no trail, no change)."""
    if fmt not in ("docx", "xlsx"):
        raise InputError(f"整改通知只能导出为 docx 或 xlsx，不支持 {fmt}")
    today = today or datetime.now().date()
    if agency is not None:
        ag = lib.find_agency(agency)
        if ag is None:
            raise InputError(f"库中没有机关「{agency}」的报告")
        infos = [i for i in lib.reports(agency=ag.id) if year is None or i.year == year]
        if not infos:
            raise InputError(f"库中没有机关「{ag.name}」{year or ''}年的报告")
        info = max(infos, key=lambda i: i.year or 0)
        notice = _one(lib, info, fmt, deadline, user, send, today, record)
        if notice is None:
            raise InputError(f"{ag.name}{info.year or ''}年度报告没有已确认的问题，未生成整改通知（先确认问题）")
        return *notice, MEDIA[fmt]
    if not region:
        raise InputError("请指明机关（--agency）或地区（--region）")
    infos = lib.reports(region=region, year=year)       # the region's scope (registry subtree), not text
    buf = io.BytesIO()
    written = 0
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in infos:
            notice = _one(lib, info, fmt, deadline, user, send, today, record)
            if notice is not None:          # nothing confirmed: no notice
                zf.writestr(notice[1], notice[0])
                written += 1
    if not written:
        raise InputError(f"{region}{year or ''}年度没有已确认问题的报告，未生成整改通知")
    return buf.getvalue(), f"整改通知-{region}{'-' + str(year) if year else ''}.zip", "application/zip"
