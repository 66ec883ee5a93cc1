"""`nianbao parse` and `nianbao schema`: a thin layer over api.parse_file."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import typer
from rich import box
from rich.table import Table

from .. import api
from ..form import FORM_2019, TableForm, form_for
from ..errors import InputError, os_error_message
from ..model import Number, Report, report_json_schema
from .app import EXIT_INPUT, app, console, each_file, finish_batch, print_json, report_error


def _fmt(v: Number) -> str:
    if v is None:
        return "[dim]—[/dim]"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _value(report: Report, path: str) -> str:
    return _fmt(report.tables.cell(path.removeprefix("tables.")))


def render(report: Report) -> None:
    m = report.meta
    form = form_for(report.format)
    period = f"{m.period.start} 至 {m.period.end}" if m.period else "未写明"
    console.print(f"[bold]{report.source.file or ''}[/bold]  {m.agency or '（机关未识别）'}  {m.year or '？'} 年"
                  f"  统计期间：{period}  发布日期：{m.published or '未写明'}"
                  + ("  [yellow]2019年版格式[/yellow]" if form is FORM_2019 else ""), highlight=False)
    for note in report.extraction.notes:
        console.print(f"  [dim]说明：{note}[/dim]", highlight=False)
    found = set(report.extraction.tables_found)
    for t in form.tables:
        console.print(_TABLES[t.key](report, t, found))


def _title(t: TableForm, found: set[str]) -> str:
    return t.title + ("" if t.key in found else "（未找到）")


def _active_table(report: Report, t: TableForm, found: set[str]) -> Table:
    """Table 二 as a grid under the columns of its first item, a row with a single column of its
    own naming it; a layout whose rows have several columns of their own (2019) row by row."""
    if any(len(r.columns) > 1 and r.columns != t.rows[0].columns for r in t.rows):
        return _active_table_by_row(report, t, found)
    table = Table(title=_title(t, found))
    table.add_column("信息内容", overflow="fold")
    for c in t.rows[0].columns:
        table.add_column(c.label, justify="right")
    for r in t.rows:
        label = r.leaf if len(r.columns) > 1 else f"{r.leaf}（{r.columns[0].label}）"
        table.add_row(label, *(_value(report, p) for p in r.paths()))
    return table


def _active_table_by_row(report: Report, t: TableForm, found: set[str]) -> Table:
    """Table 二 of the 2019 layout: each row with its own columns (rows not read left out)."""
    table = Table(title=_title(t, found) + f"（{form_for(report.format).version}年版）")
    table.add_column("信息内容", overflow="fold")
    table.add_column("数值", overflow="fold")
    for r in t.rows:
        if report.tables.cell(r.path_prefix.removeprefix("tables.") + f".{r.key}") is not None:
            table.add_row(r.leaf, "  ".join(f"{c.label} {_value(report, r.path(c.key))}" for c in r.columns))
    return table


def _applications_table(report: Report, t: TableForm, found: set[str]) -> Table:
    table = Table(title=_title(t, found), box=box.SIMPLE_HEAD)
    table.add_column("", min_width=18, overflow="fold")
    for c in t.columns:        # long headers on two lines: 商业\n企业
        table.add_column(c.label if len(c.label) <= 3 else c.label[:-2] + "\n" + c.label[-2:],
                         justify="right", overflow="fold")
    seen: set[str] = set()
    for r in t.rows:
        if r.group and r.group not in seen:        # a group heading, printed once
            seen.add(r.group)
            table.add_row(f"[bold]{r.group}[/bold]")
        label = ("  " if r.group else "") + ("  " if r.leaf[0].isdigit() else "") + r.leaf
        table.add_row(label, *(_value(report, p) for p in r.paths()))
    return table


def _review_table(report: Report, t: TableForm, found: set[str]) -> Table:
    table = Table(title=_title(t, found))
    table.add_column("")
    for c in t.columns:
        table.add_column(c.label, justify="right")
    for r in t.rows:
        table.add_row(r.name, *(_value(report, p) for p in r.paths()))
    return table


_TABLES = {"active_disclosure": _active_table, "applications": _applications_table,
           "review_litigation": _review_table}


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
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            finish_batch(errors, total)
            report_error(InputError(os_error_message(e, "写入"), str(out)))
            raise typer.Exit(EXIT_INPUT) from None
        written: set[Path] = set()
        for path, report in done:
            target = out / f"{path.stem}.json"
            if target in written:               # a.txt and a.docx in one batch: keep both
                target = out / f"{path.name}.json"
            written.add(target)
            try:
                _write_atomic(target, report.to_json() + "\n")
            except OSError as e:
                finish_batch(errors, total)
                report_error(InputError(os_error_message(e, "写入"), str(target)))
                raise typer.Exit(EXIT_INPUT) from None
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
