"""`nianbao parse` and `nianbao schema`: a thin layer over api.parse_file."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import typer
from rich import box
from rich.table import Table

from .. import api
from .. import labels as L
from ..model import Number, Report, report_json_schema
from .app import EXIT_INPUT, app, console, each_file, finish_batch, print_json


def _fmt(v: Number) -> str:
    if v is None:
        return "[dim]—[/dim]"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _app_rows(fmt: str) -> list[tuple[str | None, str]]:
    """(row key or None for a group heading, label) in the official order, groups printed once."""
    out: list[tuple[str | None, str]] = []
    seen: set[str] = set()
    keys = L.APP_ROW_KEYS if fmt == L.FORMAT_2021 else L.APP_ROW_KEYS_2019
    for key in keys:
        row = L.APP_ROW_BY_KEY[key]
        if row.group and row.group not in seen:
            seen.add(row.group)
            out.append((None, row.group))
        out.append((key, ("  " if row.group else "") + ("  " if row.label[0].isdigit() else "") + row.label))
    return out


LEGACY_ACTIVE_LABELS = {
    "regulations": "规章", "normative_documents": "规范性文件", "licensing": "行政许可",
    "other_services": "其他对外管理服务事项", "punishment": "行政处罚", "enforcement": "行政强制",
    "fees": "行政事业性收费", "procurement": "政府集中采购"}
LEGACY_ACTIVE_COLS = {"new_made": "本年新制作数量", "new_published": "本年新公开数量", "total_published": "对外公开总数量",
                      "prev_year_items": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
                      "items": "采购项目数量", "amount": "采购总金额"}


def render(report: Report) -> None:
    m = report.meta
    period = f"{m.period.start} 至 {m.period.end}" if m.period else "未写明"
    console.print(f"[bold]{report.source.file or ''}[/bold]  {m.agency or '（机关未识别）'}  {m.year or '？'} 年"
                  f"  统计期间：{period}  发布日期：{m.published or '未写明'}"
                  + ("  [yellow]2019年版格式[/yellow]" if report.format == L.FORMAT_2019 else ""), highlight=False)
    for note in report.extraction.notes:
        console.print(f"  [dim]说明：{note}[/dim]", highlight=False)
    found = set(report.extraction.tables_found)
    legacy = report.tables.legacy or {}
    if report.format == L.FORMAT_2019 and legacy.get("active_disclosure"):
        console.print(_legacy_active_table(legacy["active_disclosure"]))
    else:
        console.print(_active_table(report, found))
    console.print(_applications_table(report, found))
    console.print(_review_table(report, found))


def _title(key: str, found: set[str]) -> str:
    return L.TABLE_TITLES[key] + ("" if key in found else "（未找到）")


def _active_table(report: Report, found: set[str]) -> Table:
    t = report.tables
    table = Table(title=_title("active_disclosure", found))
    table.add_column("信息内容", overflow="fold")
    for h in ("本年制发件数", "本年废止件数", "现行有效件数"):
        table.add_column(h, justify="right")
    for key, label, _ in L.ACTIVE_ROWS:
        cols = L.ACTIVE_COLS[key]
        values = [_fmt(t.cell(f"active_disclosure.{key}.{c}")) for c, _ in cols]
        if len(cols) == 1:
            label = f"{label}（{cols[0][1]}）"
        table.add_row(label, *values)
    return table


def _legacy_active_table(rows: dict) -> Table:
    """Table 二 of the 2019 layout: each row with its own columns."""
    table = Table(title=L.TABLE_TITLES["active_disclosure"] + "（2019年版）")
    table.add_column("信息内容", overflow="fold")
    table.add_column("数值", overflow="fold")
    for key, label in LEGACY_ACTIVE_LABELS.items():
        values = rows.get(key)
        if values:
            table.add_row(label, "  ".join(f"{LEGACY_ACTIVE_COLS.get(c, c)} {_fmt(v)}" for c, v in values.items()))
    return table


def _applications_table(report: Report, found: set[str]) -> Table:
    t = report.tables
    table = Table(title=_title("applications", found), box=box.SIMPLE_HEAD)
    table.add_column("", min_width=18, overflow="fold")
    for _, label in L.APPLICANTS:
        head = {"其他": "其他\n组织", "自然人": "自然人", "总计": "总计"}.get(label, label[:-2] + "\n" + label[-2:])
        table.add_column(head, justify="right", overflow="fold")
    other_2019 = ((t.legacy or {}).get("applications") or {}).get(L.LEGACY_OTHER_2019)
    for key, label in _app_rows(report.format):
        row = t.applications.get(key) if key else None
        if key is None:
            table.add_row(f"[bold]{label}[/bold]")
            continue
        if key == "results_total" and report.format == L.FORMAT_2019:
            table.add_row("（六）其他处理", *(_fmt((other_2019 or {}).get(c)) for c in L.APPLICANT_KEYS))
        table.add_row(label, *(_fmt(getattr(row, c, None) if row else None) for c in L.APPLICANT_KEYS))
    return table


def _review_table(report: Report, found: set[str]) -> Table:
    table = Table(title=_title("review_litigation", found))
    table.add_column("")
    for _, label in L.REVIEW_COLS:
        table.add_column(label, justify="right")
    for key, label in L.REVIEW_GROUPS:
        g = getattr(report.tables.review_litigation, key)
        table.add_row(label, *(_fmt(getattr(g, c)) for c in L.REVIEW_COL_KEYS))
    return table


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command()
def parse(
    files: list[Path] = typer.Argument(..., help="年度报告文件（txt/md/docx/html/pdf）或文件夹"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON（一个文件为一个对象，多个文件为数组）"),
    out: Path | None = typer.Option(None, "--out", help="把每个文件的 JSON 写到此文件夹（<文件名>.json）"),
) -> None:
    """解析年度报告，输出机关、年度、统计期间和表二、表三、表四。"""
    done, errors = each_file(files, api.parse_file)
    total = len(done) + len(errors)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        written: set[Path] = set()
        for path, report in done:
            target = out / f"{path.stem}.json"
            if target in written:               # a.txt and a.docx in one batch: keep both
                target = out / f"{path.name}.json"
            written.add(target)
            _write_atomic(target, report.to_json() + "\n")
            if not json_out:
                console.print(f"已写入 {target}", highlight=False)
    if json_out:
        reports = [r.to_dict() for _, r in done]
        if total == 1 and reports:
            print_json(reports[0])
        elif total > 1:
            print_json(reports)
    elif out is None:
        for _, report in done:
            render(report)
    finish_batch(errors, total)
    if errors or not done:
        raise typer.Exit(EXIT_INPUT)


@app.command()
def schema() -> None:
    """输出报告模型的 JSON Schema。"""
    print_json(report_json_schema())
