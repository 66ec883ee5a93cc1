"""`nianbao scorecard`: the ranked scorecard of a region and year under the jurisdiction's scheme
(or a scheme file), every agency's points explained line by line; XLSX export.

Exit codes: 0 done, 2 a usage or input error (unknown region, a bad scheme file: one line naming
the key). A thin layer over Library.scorecard (nianbao.oversight.scorecard).
"""
from __future__ import annotations

from pathlib import Path

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from ..errors import os_error_message
from ..model import YEAR_MAX, YEAR_MIN
from .app import DB_HELP, EXIT_INPUT, app, console, library, print_json, report_error


@app.command()
def scorecard(
    region: str = typer.Option(
        ..., "--region", "-r", help="地区：名录中的地区名、全称或 id；未导入名录时按机关所属地区匹配"),
    year: int = typer.Option(..., "--year", "-y", help="报告年度", min=YEAR_MIN, max=YEAR_MAX),
    scheme: Path | None = typer.Option(
        None, "--scheme", help="评分方案 YAML（含 scorecard: 一节）；默认用该地区适用的配置（期限、指标阈值总按该地区的配置）"),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="同时导出 XLSX（排名表 + 扣分说明）"),
    agency: str | None = typer.Option(None, "--agency", "-a", help="只列出一个机关的逐项说明（名称或 id）"),
    direct: bool = typer.Option(False, "--direct", help="只评名录中直属该地区的机关（默认含下级地区）"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """按评分方案给一个地区一个年度的机关打分、排名，并逐项说明扣分依据。"""
    from ..oversight.config import ConfigError
    from ..oversight.scorecard import load_scheme, scorecard_xlsx

    chosen = None
    if scheme is not None:
        try:
            chosen = load_scheme(scheme.read_text(encoding="utf-8"))
        except OSError as e:
            report_error(f"无法读取评分方案 {scheme}（{os_error_message(e)}）")
            raise typer.Exit(EXIT_INPUT) from None
        except UnicodeDecodeError:
            report_error(f"评分方案 {scheme} 不是 UTF-8 文本")
            raise typer.Exit(EXIT_INPUT) from None
        except ConfigError as e:
            report_error(f"{scheme}: {e}")
            raise typer.Exit(EXIT_INPUT) from None
    with library(db) as lib:
        card = lib.scorecard(region, year, scheme=chosen, scheme_source=scheme.name if scheme else None,
                             direct=direct)
    if xlsx is not None:
        try:
            xlsx.write_bytes(scorecard_xlsx(card))
        except OSError as e:
            report_error(f"无法写入 {xlsx}（{os_error_message(e, '写入')}）")
            raise typer.Exit(EXIT_INPUT) from None
    if agency is not None:
        one = card.agency(agency)
        if one is None:
            report_error(f"{card.region} {year} 年度的评分中没有机关「{agency}」")
            raise typer.Exit(EXIT_INPUT)
        if json_out:
            print_json(one.to_dict() | {"region_name": card.region, "year": year, "scheme_source": card.scheme_source})
        else:
            _explain(one, card)
        return
    if json_out:
        print_json(card.to_dict())
        return
    _ranking(card)
    if xlsx is not None:
        console.print(f"已导出 {xlsx}", highlight=False)


def _points(v) -> str:
    from ..oversight.scorecard import _num

    n = _num(v)
    return "—" if n is None else (f"+{n}" if n > 0 else str(n))


def _ranking(card) -> None:
    """One row per agency: rank, name, total, the lines that moved points, the lines not evaluated
    (one column per item would not fit a terminal; --agency and --json give every line). Agencies
    whose score is incomplete follow the ranked ones, rank "—", total marked 不完整."""
    from ..oversight.scorecard import RANK_RULE

    t = Table(box=box.SIMPLE_HEAD, title=f"{card.region} {card.year} 年度评分（{card.scheme_source}）")
    t.add_column("名次", justify="right", no_wrap=True)
    t.add_column("机关", overflow="fold", min_width=20, ratio=3)
    t.add_column("总分", justify="right", no_wrap=True)
    t.add_column("得失分", overflow="fold", ratio=4)
    t.add_column("未评估", overflow="fold", ratio=2)
    for a in card.agencies:
        moved = "；".join(f"{ln.name} {_points(ln.points)}" for ln in a.lines if ln.evaluated and ln.points)
        skipped = "、".join(ln.name for ln in a.lines if not ln.evaluated)
        name = escape(a.agency) + (" [red]（未公开）[/red]" if a.status == "missing" else "")
        total = _points(a.total).lstrip("+") + ("（保底）" if a.floored else "")
        if a.rank is None:
            total += "（不完整）"
            skipped = f"[yellow]{escape(a.incomplete_text() or '')}；不参与排名[/yellow]"
        else:
            skipped = f"[dim]{escape(skipped)}[/dim]"
        t.add_row("—" if a.rank is None else str(a.rank), name, f"[bold]{total}[/bold]", escape(moved) or "—",
                  skipped)
    console.print(t)
    console.print(f"基础分 {_points(card.scheme.base).lstrip('+')}"
                  + (f"，最低 {_points(card.scheme.floor).lstrip('+')} 分" if card.scheme.floor is not None else ""),
                  highlight=False)
    for i in card.scheme.items:
        console.print(f"  {escape(i.name)}：{escape(i.describe())}" + (f"（{escape(i.basis)}）" if i.basis else ""),
                      highlight=False, soft_wrap=True)
    for n in card.notes:
        console.print(f"[yellow]说明[/yellow] {escape(n)}", highlight=False, soft_wrap=True)
    console.print(escape(RANK_RULE), highlight=False, soft_wrap=True)
    console.print("逐项说明：nianbao scorecard … --agency 机关名", highlight=False)


def _explain(a, card) -> None:
    place = f"第 {a.rank} 名" if a.rank is not None else f"未排名（{escape(a.incomplete_text() or '')}）"
    console.print(f"[bold]{escape(a.agency)}[/bold]  {card.region} {card.year} 年度  {place}  "
                  f"总分 {_points(a.total).lstrip('+')}" + ("（已按最低分计）" if a.floored else "")
                  + ("（不完整：缺少输入的项未计分）" if a.rank is None else ""), highlight=False)
    t = Table(box=box.SIMPLE_HEAD)
    t.add_column("扣分项", overflow="fold")
    t.add_column("次数/数值", justify="right", no_wrap=True)
    t.add_column("得分", justify="right", no_wrap=True)
    t.add_column("说明", overflow="fold")
    t.add_row("基础分", "", _points(a.base).lstrip("+"), "")
    from ..oversight.scorecard import _num

    for ln in a.lines:
        count = "" if ln.count is None else str(_num(ln.count))
        pts = _points(ln.points) if ln.evaluated else "[dim]未评估[/dim]"
        t.add_row(escape(ln.name), count, pts, escape(ln.text))
    console.print(t)
