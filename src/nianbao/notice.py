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
from .store.review import ReviewError, finding_keys, transition_error


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


class NoticePlan:
    """A notice file made but not yet recorded: `data`, `name`, `media`; `skipped` names the agencies
    of a region left out, each with why (「某局（通过）」). `apply()` records it — the returns (`send`)
    and the trail, all in one transaction — once the file is written; nothing is recorded before."""

    def __init__(self, lib, data: bytes, name: str, media: str, entries: list[dict[str, Any]],
                 skipped: list[str], *, user: str | None, send: bool, deadline: date | None, record: bool):
        self.lib, self.data, self.name, self.media = lib, data, name, media
        self.entries, self.skipped = entries, skipped
        self.user, self.send, self.deadline, self.record = user, send, deadline, record
        self.applied = False

    def apply(self) -> None:
        if self.applied or not (self.record or self.send):
            return
        self.lib.review.record_notices(self.entries, self.user, send=self.send, deadline=self.deadline)
        self.applied = True


def _label(info) -> str:
    return info.agency or info.agency_name or f"报告 {info.id}"


def _one(lib, info, fmt: str, deadline: date | None, user: str | None, send: bool,
         today: date) -> tuple[bytes, str, dict[str, Any]] | str:
    """One report's notice (bytes, file name, its trail entry), made without changing anything; else
    why none: no finding confirmed (an empty notice, "存在以下 0 项问题", would return a report that
    has nothing to correct), or `send` and the case cannot be returned (e.g. 通过)."""
    case = lib.case(info.id, user)
    confirmed = lib.review.findings(case["id"], state="open", decision="确认")
    if not confirmed:
        return f"{case['status']}，无已确认的问题"
    status = case["status"]
    if send and status != "退回整改":
        if transition_error(status, "退回整改", None, len(confirmed)):
            return status
        status = "退回整改"
    due = deadline or (date.fromisoformat(case["deadline"]) if case["deadline"] else None)
    rows = _rows(lib, case["report_id"], confirmed, info.year, due)
    name = f"{info.region or ''}{info.agency or info.agency_name or '（未识别机关）'}"
    title = f"{name}政府信息公开工作年度报告整改通知" + (f"（{info.year}年度）" if info.year else "")
    lines = [f"经审核，贵单位{info.year or ''}年度政府信息公开工作年度报告（报告编号 {case['report_id']}）"
             f"存在以下 {len(rows)} 项经确认的问题，请逐项整改，并报送整改后的年度报告。"]
    if due:
        late = (today - due).days
        lines.append(f"回复期限：{due.isoformat()}" + (f"（已逾期 {late} 天）" if late > 0 and
                                                     status == "退回整改" else ""))
    else:
        lines.append("回复期限：未设定")
    if user:
        lines.append(f"审核人：{user}")
    data = rectification_file(title, today.isoformat(), rows, fmt, lines)
    entry = {"case_id": case["id"], "version": case["version"],
             "after": {"findings": len(rows), "deadline": due.isoformat() if due else None, "format": fmt}}
    return data, f"整改通知-{name}{'-' + str(info.year) if info.year else ''}.{fmt}", entry


def notice_plan(lib, *, agency: str | int | None = None, region: str | None = None, year: int | None = None,
                fmt: str = "docx", deadline: date | None = None, user: str | None = None, send: bool = False,
                today: date | None = None, record: bool = True) -> NoticePlan:
    """The notice, made but not recorded (NoticePlan; its `apply()` records it): one agency → its
    notice (DOCX or XLSX; the newest year unless `year`); a region → a zip of the notices of its
    agencies that have confirmed findings and, with `send`, can be returned (the others are named in
    `skipped`, untouched). `send`: each report is returned (退回整改, with the deadline) and the notice
    trailed; otherwise `record=False` only reads (a download: no trail, no change)."""
    if fmt not in ("docx", "xlsx"):
        raise InputError(f"整改通知只能导出为 docx 或 xlsx，不支持 {fmt}")
    today = today or datetime.now().date()
    kw = {"user": user, "send": send, "deadline": deadline, "record": record}
    if agency is not None:
        ag = lib.find_agency(agency)
        if ag is None:
            raise InputError(f"库中没有机关「{agency}」的报告")
        infos = [i for i in lib.reports(agency=ag.id) if year is None or i.year == year]
        if not infos:
            raise InputError(f"库中没有机关「{ag.name}」{year or ''}年的报告")
        info = max(infos, key=lambda i: i.year or 0)
        got = _one(lib, info, fmt, deadline, user, send, today)
        if isinstance(got, str):
            if got.endswith("无已确认的问题"):
                raise InputError(f"{ag.name}{info.year or ''}年度报告没有已确认的问题，未生成整改通知（先确认问题）")
            raise ReviewError(f"{ag.name}{info.year or ''}年度报告状态为「{got}」，不能退回整改，未发出整改通知")
        data, name, entry = got
        return NoticePlan(lib, data, name, MEDIA[fmt], [entry], [], **kw)
    if not region:
        raise InputError("请指明机关（--agency）或地区（--region）")
    infos = lib.reports(region=region, year=year)       # the region's scope (registry subtree), not text
    buf = io.BytesIO()
    entries: list[dict[str, Any]] = []
    skipped: list[str] = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in infos:
            got = _one(lib, info, fmt, deadline, user, send, today)
            if isinstance(got, str):
                skipped.append(f"{_label(info)}（{got}）")
                continue
            zf.writestr(got[1], got[0])
            entries.append(got[2])
    if not entries:
        raise InputError(f"{region}{year or ''}年度没有可发整改通知的报告（已确认问题、可退回整改），未生成整改通知"
                         + (f"：{'、'.join(skipped)}" if skipped else ""))
    return NoticePlan(lib, buf.getvalue(), f"整改通知-{region}{'-' + str(year) if year else ''}.zip",
                      "application/zip", entries, skipped, **kw)


def notice_bytes(lib, **kw) -> tuple[bytes, str, str]:
    """(bytes, file name, media type) of notice_plan, recorded at once (the caller holds the bytes)."""
    plan = notice_plan(lib, **kw)
    plan.apply()
    return plan.data, plan.name, plan.media
