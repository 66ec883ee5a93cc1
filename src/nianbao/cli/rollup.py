"""`nianbao region-audit`, `nianbao copied`, `nianbao rollup`: the regional audit pass (D004 with
the deadline that applies, X002/X005 with the jurisdiction's thresholds, R001/R002), copied-text
pairs among the reports of a year, and a government's area report against the sum of its region.
A thin layer over Library (nianbao.oversight.regional, .rollup, .similarity).

Exit codes: 0 done (regional findings are warnings, not failures), 2 a usage or input error.
"""
from __future__ import annotations

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from ..model import YEAR_MAX, YEAR_MIN
from .app import DB_HELP, app, console, library, print_json

SEVERITY = {"error": "[red]错误[/red]", "warning": "[yellow]警告[/yellow]", "info": "[dim]提示[/dim]"}


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{round(v * 100)}%"


@app.command("region-audit")
def region_audit(
    region: str = typer.Option(None, "--region", help="地区（名称、全称或登记表中的编号；省略则为全部地区）"),
    year: int = typer.Option(None, "--year", help="年度（省略则为全部年度）", min=YEAR_MIN, max=YEAR_MAX),
    user: str = typer.Option(None, "--user", help="操作人（写入审核记录）"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """区域审核：按登记表和本地区配置重跑 D004、X002、X005、R001、R002，替换库中这些规则的问题，列出新出现的问题。"""

    with library(db) as lib:
        res = lib.audit_region(region=region, year=year, user=user)
    if json_out:
        print_json(res.to_dict())
        return
    where = f"{region or '全部地区'}{f' {year} 年度' if year else ''}"
    if not res.audited:
        # nothing to audit is not a missing registry: say which reports are absent
        console.print(f"库中没有{escape(where)}的报告，未重新审核。"
                      + ("" if res.registry else "（也尚未导入机关登记册。）"), highlight=False)
        return
    console.print(f"{escape(where)}：重新审核 {len(res.audited)} 份报告，{len(res.changed)} 份的区域问题有变化，"
                  f"新出现 {len(res.new)} 条问题。", highlight=False)
    if not res.registry:
        console.print("[dim]尚未导入机关登记册：同级比较按库中地区与机关名称推断，汇总比对（R001/R002）无法进行。[/dim]")
    if not res.new:
        return
    t = Table(box=box.SIMPLE_HEAD)
    for col in ("报告", "机关", "年度", "规则", "级别", "问题"):
        t.add_column(col, overflow="fold", ratio=3 if col == "问题" else None)
    for f in res.new:
        t.add_row(str(f["report_id"]), escape(f["agency"] or "—"), str(f["year"] or "—"), f["code"],
                  SEVERITY.get(f["severity"], f["severity"]), escape(f["message"]))
    console.print(t)


@app.command()
def copied(
    year: int = typer.Option(..., "--year", help="年度", min=YEAR_MIN, max=YEAR_MAX),
    region: str = typer.Option(None, "--region", help="地区（省略则为全部地区）"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """同级雷同：同一年度、同一地区、同类机关之间第一、五部分正文相同比例达到阈值的报告对（区域审核 X005 的结果）。"""

    with library(db) as lib:
        pairs = lib.copied(year=year, region=region)
    if json_out:
        print_json(pairs)
        return
    title = f"{region or '全部地区'} {year} 年度 同级雷同"
    if not pairs:
        console.print(f"{escape(title)}：没有相同比例达到阈值的报告。", highlight=False)
        console.print("[dim]同级比较由区域审核完成（X005）：导入机关登记册后新入库的报告自动比较，"
                      "此前入库的请先运行 nianbao region-audit。[/dim]")
        return
    t = Table(box=box.SIMPLE_HEAD, title=title)
    for col in ("报告", "机关", "相同比例", "雷同对象", "对方报告", "对方相同比例", "阈值"):
        t.add_column(col, overflow="fold", justify="right" if "比例" in col or col == "阈值" else "left")
    for p in pairs:
        t.add_row(str(p["report_id"]), escape(p["agency"] or "—"), _pct(p["share"]), escape(p["other_agency"] or "—"),
                  str(p["other_report_id"]), _pct(p["other_share"]), _pct(p["threshold"]))
    console.print(t)
    console.print("[dim]相同比例 = 本报告第一、五部分（去掉空白、标点和数字）的5字片段中，在对方报告中也出现的比例。[/dim]")


@app.command()
def rollup(
    region: str = typer.Option(..., "--region", help="地区（名称、全称或登记表中的编号）"),
    year: int = typer.Option(..., "--year", help="年度", min=YEAR_MIN, max=YEAR_MAX),
    all_cells: bool = typer.Option(False, "--all", help="列出全部单元格（默认只列差额不为 0 或无法计算的）"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """汇总比对：全域政府报告的表三、表四与本地区下属机关和下级地区报告之和，逐单元格列出差额与计入、缺少的机关。"""
    from ..oversight.rollup import fmt

    with library(db) as lib:
        ru = lib.rollup(region=region, year=year)
    if json_out:
        print_json(ru.to_dict())
        return
    gov = ru.government
    head = f"{ru.region or region} {year} 年度 汇总比对"
    if gov is not None:
        head += f"：{gov.name}（报告 {gov.report_id if gov.report_id is not None else '未入库'}）"
    console.print(escape(head), highlight=False)
    if not ru.computed:
        console.print(f"[yellow]{escape(ru.reason)}。[/yellow]", highlight=False)
        return
    diffs = {c.path for c in ru.differences()}
    shown = [c for c in ru.cells if all_cells or c.difference is None or abs(c.difference) > 1e-9]
    if shown:
        t = Table(box=box.SIMPLE_HEAD)
        for col in ("单元格", "政府报告", "合计", "差额", "说明"):
            t.add_column(col, overflow="fold", justify="left" if col in ("单元格", "说明") else "right")
        for c in shown:
            d = c.difference
            note = f"合计无法计算：{'、'.join(c.blank)} 此格空白" if c.total is None else (
                "不一致" if c.path in diffs else ("有报告缺失，合计为下限" if d else ""))
            diff = fmt(d) if d is None or abs(d) < 1e-9 else f"[bold red]{fmt(d)}[/bold red]" if c.path in diffs \
                else fmt(d)
            t.add_row(escape(c.name), fmt(c.government), fmt(c.total), diff, escape(note))
        console.print(t)
    else:
        console.print("[green]表三、表四每个单元格都与合计相等。[/green]")
    console.print(f"计入合计（{len(ru.included)} 份）：" + escape("、".join(
        m.name + (f"（{m.note}）" if m.note else "") for m in ru.included) or "无"), highlight=False, soft_wrap=True)
    if ru.missing:
        console.print(f"[yellow]未见报告（{len(ru.missing)} 个，合计仅为下限）：[/yellow]"
                      + escape("、".join(m.name for m in ru.missing)), highlight=False, soft_wrap=True)
