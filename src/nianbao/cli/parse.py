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


def render(report: Report) -> None:
    m = report.meta
    period = f"{m.period.start} 至 {m.period.end}" if m.period else "未写明"
    console.print(f"[bold]{report.source.file or ''}[/bold]  {m.agency or '（机关未识别）'}  {m.year or '？'} 年"
                  f"  统计期间：{period}  发布日期：{m.published or '未写明'}"
                  + ("  [yellow]2019年版格式[/yellow]" if report.format == L.FORMAT_2019 else ""), highlight=False)
    found = set(report.extraction.tables_found)
    t = report.tables

    t2 = Table(title="二、主动公开政府信息情况" + ("" if "active_disclosure" in found else "（未找到）"))
    t2.add_column("信息内容", overflow="fold")
    for h in ("本年制发件数", "本年废止件数", "现行有效件数"):
        t2.add_column(h, justify="right")
    for key, label, _ in L.ACTIVE_ROWS:
        cols = L.ACTIVE_COLS[key]
        values = [_fmt(t.cell(f"active_disclosure.{key}.{c}")) for c, _ in cols]
        if len(cols) == 1:
            label = f"{label}（{cols[0][1]}）"
        t2.add_row(label, *values)
    console.print(t2)

    t3 = Table(title=L.TABLE_TITLES["applications"] + ("" if "applications" in found else "（未找到）"),
               box=box.SIMPLE_HEAD)
    t3.add_column("", min_width=18, overflow="fold")
    for _, label in L.APPLICANTS:
        head = {"其他": "其他\n组织", "自然人": "自然人", "总计": "总计"}.get(label, label[:-2] + "\n" + label[-2:])
        t3.add_column(head, justify="right", overflow="fold")
    for key, label in _app_rows(report.format):
        row = t.applications.get(key) if key else None
        if key is None:
            t3.add_row(f"[bold]{label}[/bold]")
        else:
            t3.add_row(label, *(_fmt(getattr(row, c, None) if row else None) for c in L.APPLICANT_KEYS))
    console.print(t3)

    t4 = Table(title=L.TABLE_TITLES["review_litigation"] + ("" if "review_litigation" in found else "（未找到）"))
    t4.add_column("")
    for _, label in L.REVIEW_COLS:
        t4.add_column(label, justify="right")
    for key, label in L.REVIEW_GROUPS:
        g = getattr(t.review_litigation, key)
        t4.add_row(label, *(_fmt(getattr(g, c)) for c in L.REVIEW_COL_KEYS))
    console.print(t4)


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
        for path, report in done:
            target = out / f"{path.name.split('.')[0] or path.stem}.json"
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
