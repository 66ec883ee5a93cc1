"""The trail's before / after in Chinese for people: the report page's 留痕 table and the trail CSV
exports (web and `nianbao review trail --csv`). The JSON API and `--json` keep the raw fields.

    before, after = change_texts(event)     # an event dict of Review.trail()
    # status:   "状态：待审", "状态：审核中"
    # decision: "决定：待定", "决定：确认（N004）"
    # upload:   "", "报告 49（文件 a.docx，现行版本）"

Each event kind has its phrase; a field no phrase knows (and the registry's events, whose keys are
already Chinese) shows as "名称：值", joined by "；".
"""
from __future__ import annotations

from typing import Any

from .export import SEVERITY_NAMES
from .form import form_for

# the names of raw fields, for what no phrase below covers
FIELD_NAMES = {"report_id": "报告", "file": "文件", "sha256": "校验值", "is_current": "现行版本",
               "agency_id": "机关编号", "year": "年度", "status": "状态", "deadline": "回复期限",
               "comment": "说明", "decision": "决定", "reason": "理由", "note": "备注", "version": "版本",
               "code": "规则", "message": "问题", "path": "单元格", "cell": "单元格", "line": "行号", "severity": "级别",
               "assignee": "审核人", "carried": "沿用决定", "rectified": "已整改", "new": "新问题",
               "findings": "已确认问题", "format": "格式"}


def _value(v: Any) -> str:
    if v is True:
        return "是"
    if v is False:
        return "否"
    if isinstance(v, (list, tuple)):
        return "、".join(_value(x) for x in v)
    return str(v)


def _generic(d: dict, skip: tuple[str, ...] = ()) -> list[str]:
    return [f"{FIELD_NAMES.get(k, k)}：{_value(v)}" for k, v in d.items() if v is not None and k not in skip]


def _report(d: dict) -> str:
    """报告 49（文件 a.docx，2023 年度，现行版本）"""
    extra = []
    if d.get("file"):
        extra.append(f"文件 {d['file']}")
    if d.get("year"):
        extra.append(f"{d['year']} 年度")
    if d.get("is_current") is True:
        extra.append("现行版本")
    elif d.get("is_current") is False:
        extra.append("非现行版本")
    head = f"报告 {d['report_id']}" if d.get("report_id") is not None else "报告"
    return head + (f"（{'，'.join(extra)}）" if extra else "")


def _status(d: dict) -> str:
    out = f"状态：{d.get('status') or '—'}"
    if d.get("deadline"):
        out += f"，回复期限 {d['deadline']}"
    if d.get("comment"):
        out += f"，说明：{d['comment']}"
    return out


def _decision(d: dict) -> str:
    out = f"决定：{d.get('decision') or '待定'}"
    if d.get("code"):
        out += f"（{d['code']}）"
    if d.get("reason"):
        out += f"，理由：{d['reason']}"
    if d.get("note"):
        out += f"，备注：{d['note']}"
    return out


def _manual(d: dict) -> str:
    cell = d.get("cell") or (form_for(None).cell_name(d["path"]) if d.get("path") else None)   # older events: no name
    where = f"单元格 {cell}" if cell else (f"第 {d['line']} 行" if d.get("line") is not None else "")
    facts = [f"级别：{SEVERITY_NAMES.get(d.get('severity'), d.get('severity'))}"] if d.get("severity") else []
    if where:
        facts.append(f"位置：{where}")
    return f"人工添加问题：{d.get('message') or ''}" + (f"（{'，'.join(facts)}）" if facts else "")


def _new_version(d: dict) -> str:
    counts = [f"{name} {d[k]} 项" for k, name in (("carried", "沿用决定"), ("rectified", "已整改"), ("new", "新问题"))
              if d.get(k) is not None]
    return f"报告 {d.get('report_id')}" + (f"（{'，'.join(counts)}）" if counts else "")


def _notice(d: dict) -> str:
    fmt = (d.get("format") or "").upper()
    out = f"整改通知{' ' + fmt if fmt else ''}：已确认问题 {d.get('findings', 0)} 项"
    return out + (f"，回复期限 {d['deadline']}" if d.get("deadline") else "，未设回复期限")


PHRASES = {
    "upload": _report, "delete": _report,
    "restore": _report,
    "status": _status, "decision": _decision, "add_finding": _manual,
    "assign": lambda d: f"审核人：{d.get('assignee') or '未分配'}",
    "new_version": _new_version, "notice": _notice,
}


def change_text(action: str, value: dict | None) -> str:
    """One side (before or after) of an event of kind `action`, in Chinese ("" when empty)."""
    if not value:
        return ""
    if not isinstance(value, dict):
        return _value(value)
    phrase = PHRASES.get(action)
    if phrase is None:
        return "；".join(_generic(value))
    return phrase(value)


def change_texts(event: dict) -> tuple[str, str]:
    """(before, after) of a trail event (Review.trail's dicts) in Chinese."""
    action = event.get("action") or ""
    before, after = change_text(action, event.get("before")), change_text(action, event.get("after"))
    if action == "restore" and before:
        before = "已删除的" + before
    return before, after
