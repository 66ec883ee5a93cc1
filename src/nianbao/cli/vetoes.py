"""`nianbao vetoes`: the named reasons a figure in the text is not read as a fact."""
from __future__ import annotations

import sys

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from ..document import Loc
from ..extract.narrative import extract_narrative, trace
from ..extract.narrative.vetoes import FAMILIES, vetoes as all_vetoes, vetoes_markdown
from ..model import YEAR_MAX, YEAR_MIN
from .app import app, console, print_json


@app.command()
def vetoes(
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    markdown: bool = typer.Option(False, "--markdown", help="输出 Markdown"),
    why: str = typer.Option("", "--why", help="读一句正文：列出读出的数字和起作用的否决条件"),
    year: int = typer.Option(2023, "--year", help="与 --why 同用：报告年度", min=YEAR_MIN, max=YEAR_MAX),
    section: int = typer.Option(1, "--section", help="与 --why 同用：所在部分（一至六）"),
) -> None:
    """列出正文数字的否决条件（不读作事实的理由）：名称、类别、说明、例句。"""
    if why:
        with trace() as fired:
            facts = extract_narrative([(section, why, Loc(line=1))], year)
        result = {"facts": [f.model_dump(mode="json", exclude={"text", "evidence", "section"}) for f in facts],
                  "vetoes": sorted(set(fired))}
        if json_out:
            print_json(result)
        else:
            for f in facts:
                note = "" if f.certain else f"（不确定：{f.reason}）"
                console.print(f"事实 {f.kind} = {f.value}{note}", highlight=False)
            for name in result["vetoes"]:
                console.print(f"否决 {name}", highlight=False)
        return
    catalog = all_vetoes()
    if json_out:
        print_json([v.to_dict() for v in catalog])
        return
    if markdown:
        sys.stdout.write(vetoes_markdown())
        return
    t = Table(box=box.SIMPLE_HEAD)
    t.add_column("否决条件", no_wrap=True)
    t.add_column("类别", no_wrap=True)
    t.add_column("说明", overflow="fold")
    t.add_column("例句", overflow="fold")
    for v in catalog:
        t.add_row(v.name, FAMILIES[v.family], escape(v.summary), escape(v.example))
    console.print(t)
