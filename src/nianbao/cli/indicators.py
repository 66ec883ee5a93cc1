"""`nianbao indicators`: risk indicators of every agency of a region and year, with red/yellow
marks from the jurisdiction's thresholds, the region's totals and each formula in a legend.
A thin layer over Library.indicators (nianbao.oversight.indicators).

Exit codes: 0 shown (marks are not failures), 2 a usage or input error (one line on stderr).
"""
from __future__ import annotations

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from ..model import YEAR_MAX, YEAR_MIN
from .app import DB_HELP, EXIT_INPUT, app, console, library, print_json, report_error
from .usage import choice_error

STYLE = {"red": "bold red", "yellow": "yellow"}
SHORT = {"substantive_rate": "实质公开", "denial_rate": "不予公开", "review_correction_rate": "复议纠错",
         "litigation_loss_rate": "诉讼败诉", "carryover_rate": "结转", "applications_per_agency": "新收",
         "yoy_swing": "波动"}


def _cell(ind) -> str:
    if ind.value is None:
        return "[dim]—[/dim]"
    style = STYLE.get(ind.mark or "")
    return f"[{style}]{ind.display}[/{style}]" if style else ind.display


@app.command()
def indicators(
    region: str = typer.Option(None, "--region", help="地区（名称、全称或登记表中的编号；省略则为全部地区）"),
    year: int = typer.Option(..., "--year", help="年度", min=YEAR_MIN, max=YEAR_MAX),
    agency: str = typer.Option(None, "--agency", help="只看一个机关（名称可带或不带地区前缀，或机关编号）"),
    sort: str = typer.Option(None, "--sort", help="排序指标：substantive_rate denial_rate review_correction_rate "
                                                  "litigation_loss_rate carryover_rate applications_per_agency "
                                                  "yoy_swing agency（无值者总在最后）"),
    desc: bool = typer.Option(False, "--desc", help="从大到小排序"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """风险指标：各机关的实质公开率、不予公开率、复议纠错率、诉讼败诉率、结转率、申请量、同比波动，红/黄标记与地区合计。"""
    from ..oversight.indicators import DEFINITIONS, sort_rows

    if sort and sort not in (*DEFINITIONS, "agency"):
        report_error(choice_error("--sort", sort, (*DEFINITIONS, "agency")))
        raise typer.Exit(EXIT_INPUT)
    with library(db) as lib:
        if agency and lib.store.find_agency(agency) is None:
            report_error(f"库中没有机关「{agency}」的报告")
            raise typer.Exit(EXIT_INPUT)
        res = lib.indicators(region=region, year=year, agency=agency)
    rows = sort_rows(res.rows, sort, desc) if sort else res.rows
    if json_out:
        d = res.to_dict()
        d["rows"] = [r.to_dict() for r in rows]
        print_json(d)
        return
    title = f"{res.region or '全部地区'} {year} 年度 风险指标"
    if not rows:
        console.print(f"[yellow]{escape(title)}：没有符合条件的报告。[/yellow]")
        return
    t = Table(box=box.SIMPLE_HEAD, title=title, show_footer=True)
    t.add_column("机关", footer="地区合计", overflow="fold", min_width=12, ratio=1)
    for name in DEFINITIONS:
        tot = res.totals[name]
        t.add_column(SHORT[name], footer=_cell(tot), justify="right", no_wrap=True)
    for r in rows:
        name = (r.agency or r.agency_name or "（未识别机关）") if region else r.name   # the region is in the title
        t.add_row(escape(name), *[_cell(r.indicators[n]) for n in DEFINITIONS])
    console.print(t)
    lines = []
    for name, d in DEFINITIONS.items():
        tot = res.totals[name]
        th = res.thresholds.get(name)
        limit = ""
        if th is not None and (th.yellow is not None or th.red is not None):
            sign = "≤" if th.direction == "low" else "≥"
            limit = "；" + "，".join(f"{word}{sign}{_display(name, v)}" for word, v in (("黄", th.yellow), ("红", th.red))
                                     if v is not None)
        counted = f"（合计 {_num(tot.numerator)} ÷ {_num(tot.denominator)}，{tot.reports}/{tot.of} 份报告可计算）" \
            if tot.denominator is not None else f"（合计：{tot.reason}）"
        lines.append(f"{SHORT[name]} = {d.label}：{d.formula}{limit}{counted}")
    console.print("[dim]" + escape("\n".join(lines)) + "\n地区合计 = 各机关分子之和 ÷ 分母之和；"
                  "— = 分母为 0 或空白（或分子空白），无法计算。\n" + escape(_note(res)) + "[/dim]", soft_wrap=True)


def _note(res) -> str:
    """The totals' footnote: which area reports are left out, or that coverage is unknown."""
    left = f"（未计入 {len(res.excluded)} 份）" if res.excluded else ""
    return f"注：{res.totals_note}{left}"


def _display(name: str, v: float) -> str:
    from ..oversight.indicators import display

    return display(name, v)


def _num(v) -> str:
    if v is None:
        return "—"
    return f"{v:g}"
