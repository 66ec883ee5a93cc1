"""`nianbao audit` and `nianbao rules`: a thin layer over api.parse_file, api.audit and the rule registry."""
from __future__ import annotations

from collections import Counter
from enum import Enum
from pathlib import Path

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from .. import api
from ..audit.registry import SEVERITY_NAMES, catalog_markdown, rules as all_rules
from ..model import SEVERITY_RANK, Finding, Report
from .app import EXIT_FINDINGS, EXIT_INPUT, app, console, each_file, finish_batch, print_json

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def _where(f: Finding) -> str:
    e = f.evidence
    if e is None:
        return ""
    if e.line is not None:
        return f"第{e.line}行"
    if e.page is not None:
        return f"第{e.page}页"
    if e.table is not None:
        return f"表格{e.table + 1}·第{(e.row or 0) + 1}行第{(e.col or 0) + 1}列"
    return ""


def render(report: Report) -> None:
    m = report.meta
    console.print(f"[bold]{escape(report.source.file or '')}[/bold]  {escape(m.agency or '（机关未识别）')}  {m.year or '？'} 年",
                  highlight=False)
    if not report.findings:
        console.print("  [green]未发现问题[/green]")
        return
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    t.add_column("级别", no_wrap=True)
    t.add_column("规则", no_wrap=True)
    t.add_column("位置", no_wrap=True)
    t.add_column("问题", overflow="fold")
    order = sorted(report.findings, key=lambda f: -SEVERITY_RANK[f.severity])
    for f in order:
        style = SEVERITY_STYLE[f.severity]
        t.add_row(f"[{style}]{SEVERITY_NAMES[f.severity]}[/{style}]", f.code, _where(f), escape(f.message))
    console.print(t)


def _audit_file(path: Path) -> Report:
    return api.audit(api.parse_file(path))


@app.command()
def audit(
    files: list[Path] = typer.Argument(..., help="年度报告文件（txt/md/docx/html/pdf）或文件夹"),
    json_out: bool = typer.Option(False, "--json", help="输出带审核结果的报告 JSON（一个文件为一个对象，多个文件为数组）"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on",
                                   help="存在此级别及以上的问题时退出码为 1（error/warning/info/never）"),
    db: str = typer.Option(None, "--db", help="数据库 URL：与库中同一机关上一年度的报告比对（跨年度规则 X001–X004）"),
) -> None:
    """解析并审核年度报告：表内勾稽关系、完整性、日期、正文与表格一致等（规则见 nianbao rules）。"""
    work, library = _audit_file, None
    if db:
        from .app import open_library
        library = open_library(db)
        work = lambda path: library.audit(library.parse(path))  # noqa: E731
    try:
        done, errors = each_file(files, work)
    finally:
        if library is not None:
            library.close()
    total = len(done) + len(errors)
    reports = [r for _, r in done]
    if json_out:
        dicts = [r.to_dict() for r in reports]
        if total == 1 and dicts:
            print_json(dicts[0])
        elif total > 1:
            print_json(dicts)
    else:
        for r in reports:
            render(r)
        counts = Counter(f.severity for r in reports for f in r.findings)
        console.print(f"[bold]{len(reports)} 份报告：[/bold]"
                      f"[red]{counts['error']} 个错误[/red]、[yellow]{counts['warning']} 个警告[/yellow]、"
                      f"[cyan]{counts['info']} 个提示[/cyan]" + (f"，{len(errors)} 个文件未能处理" if errors else ""),
                      highlight=False)
    finish_batch(errors, total)
    if errors or not done:
        raise typer.Exit(EXIT_INPUT)
    if fail_on != FailOn.never:
        threshold = SEVERITY_RANK[fail_on.value]
        if any(SEVERITY_RANK[f.severity] >= threshold for r in reports for f in r.findings):
            raise typer.Exit(EXIT_FINDINGS)


@app.command()
def rules(
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    markdown: bool = typer.Option(False, "--markdown", help="输出 Markdown（docs/rules.md）"),
    db: str = typer.Option(None, "--db", help="数据库 URL：同时列出各规则的误报率（来自审核人的决定）"),
) -> None:
    """列出审核规则：代码、级别、类别和名称（提示语与说明见 --json、--markdown）；给出 --db 时附误报率。"""
    catalog = all_rules()
    rates: dict[str, dict] = {}
    if db:
        from .app import open_library
        lib = open_library(db)
        try:
            rates = {r["code"]: r for r in lib.fp_rates()}
        finally:
            lib.close()
    if json_out:
        print_json([r.to_dict() | ({"review": rates.get(r.code)} if db else {}) for r in catalog])
        return
    if markdown:
        import sys
        sys.stdout.write(catalog_markdown())
        return
    t = Table(box=box.SIMPLE_HEAD)
    t.add_column("规则", no_wrap=True)
    t.add_column("级别", no_wrap=True)
    t.add_column("类别", no_wrap=True)
    t.add_column("名称", overflow="fold")
    if db:
        t.add_column("误报率", justify="right", no_wrap=True)
    from ..audit.registry import FAMILIES
    for r in catalog:
        style = SEVERITY_STYLE[r.severity]
        row = [r.code, f"[{style}]{SEVERITY_NAMES[r.severity]}[/{style}]",
               FAMILIES.get(r.code[0], r.family) + ("（跨年）" if r.history else ""), escape(r.title)]
        if db:
            x = rates.get(r.code)
            row.append("—" if not x or x["fp_rate"] is None else
                       f"{x['fp_rate'] * 100:.0f}%（{x['false_positive']}/{x['confirmed'] + x['false_positive']}）")
        t.add_row(*row)
    console.print(t)
