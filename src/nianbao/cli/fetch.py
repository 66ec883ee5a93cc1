"""`nianbao fetch`: collect reports from government websites into the store (nianbao.fetch)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import typer
from rich import box
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import os_error_message
from ..model import YEAR_MAX, YEAR_MIN
from .app import EXIT_INPUT, EXIT_OK, app, console, err_console, print_json, report_error
from .app import DB_HELP, open_library
from .store import print_findings_summary


def read_seeds_csv(path: Path):
    """Rows of (agency, column URL) — either order, a header row or none, `#` comments; a row
    with only a URL is a URL without an agency."""
    from ..fetch import Seed

    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ValueError(f"无法读取网址清单 {path}：{os_error_message(e)}") from None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"网址清单 {path} 不是 UTF-8 或 GBK 编码的文本")
    seeds = []
    for n, row in enumerate(csv.reader(io.StringIO(text)), 1):
        cells = [c.strip() for c in row if c.strip()]
        if not cells or cells[0].startswith("#"):
            continue
        urls = [c for c in cells if c.lower().startswith(("http://", "https://"))]
        if not urls:
            if n == 1:
                continue                  # a header row
            raise ValueError(f"网址清单 {path} 第 {n} 行没有 http(s) 网址：{','.join(cells)}")
        others = [c for c in cells if c not in urls]
        for u in urls:
            seeds.append(Seed(u, others[0] if others else None))
    return seeds


@app.command()
def fetch(
    urls: list[str] = typer.Argument(None, help="栏目（列表）页、报告页面或附件的网址"),
    from_csv: Path = typer.Option(None, "--from", help="网址清单 CSV：每行 机关,栏目网址"),
    year: int = typer.Option(None, "--year", help="只收集标题中写明该年度的报告", min=YEAR_MIN, max=YEAR_MAX),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出结果"),
    delay: float = typer.Option(1.0, "--delay", help="同一网站两次请求之间至少间隔的秒数"),
    timeout: float = typer.Option(30.0, "--timeout", help="每次请求的超时秒数"),
    retries: int = typer.Option(3, "--retries", help="超时、连接失败或服务器错误（5xx）时的重试次数"),
    per_host: int = typer.Option(2, "--per-host", min=1, max=2, help="同一网站同时进行的请求数（1 或 2）"),
    keep_originals: bool = typer.Option(False, "--keep-originals",
                                        help="保存原文件，供网页界面在原文中显示审核问题的位置"),
    data_dir: Path = typer.Option(None, "--data-dir", help="原文件目录（默认与 nianbao serve 相同：SQLite 文件旁）"),
) -> None:
    """从政府网站收集年度报告并入库：栏目页逐页翻看，挑出标题为年度报告的文章，下载正文或附件。

    遵守 robots.txt，同一网站最多 2 个并发请求并有间隔；超时和服务器错误会重试。每个网址每次运行只请求
    一次；再次运行时发送条件请求（ETag/Last-Modified），只入库有变化的报告；中断后再次运行会接着完成。
    网页上的发布日期、发文机关在报告正文没有写明时用于审核（D004）和机关名称。
    有报告收集成功退出码 0；网址无效或一个也没能获取退出码 2；失败的网址逐条列出。
    """
    from ..fetch import Seed, Settings
    from ..fetch import fetch as run_fetch

    seeds = [Seed(u) for u in urls or []]
    bad = [u for u in urls or [] if not u.lower().startswith(("http://", "https://"))]
    if bad:
        report_error(f"不是 http(s) 网址：{'、'.join(bad)}")
        raise typer.Exit(EXIT_INPUT)
    if from_csv is not None:
        try:
            seeds += read_seeds_csv(from_csv)
        except ValueError as e:
            report_error(str(e))
            raise typer.Exit(EXIT_INPUT) from None
    if not seeds:
        report_error("请给出网址，或用 --from 指定网址清单 CSV")
        raise typer.Exit(EXIT_INPUT)
    settings = Settings(delay=max(0.0, delay), timeout=timeout, retries=max(0, retries), per_host=per_host)
    lib = open_library(db, data_dir=data_dir)      # the façade: its store (with the cross-year rules), its originals
    keep = lib.originals.save if keep_originals else None
    with Progress(SpinnerColumn(), TextColumn("[bold]收集[/bold]"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("报告 {task.fields[reports]}  失败 {task.fields[failed]}"), TimeElapsedColumn(),
                  console=err_console, transient=False,
                  disable=json_out or not err_console.is_terminal) as progress:
        task = progress.add_task("fetch", total=0, reports=0, failed=0)
        counts = {"queued": 0, "reports": 0, "failed": 0}

        def on_event(kind: str, data) -> None:
            if kind == "queued":
                counts["queued"] += 1
                progress.update(task, total=counts["queued"])
            elif kind == "done":
                progress.update(task, advance=1)
            elif kind == "report" and data.status != "failed":
                counts["reports"] += 1
                progress.update(task, reports=counts["reports"])
            elif kind == "failed":
                counts["failed"] += 1
                progress.update(task, failed=counts["failed"])

        try:
            result = run_fetch(seeds, lib.store, year=year, settings=settings, on_event=on_event, keep=keep)
            by_rule = lib.findings_summary(run_id=result.run_id, current=False) if result.new else []
        finally:
            lib.close()
    summary = result.to_dict()
    if json_out:
        print_json(summary | {"findings_by_rule": by_rule})
    else:
        _print(summary)
        if by_rule:
            print_findings_summary(by_rule)
    seed_urls = {s.url for s in seeds}
    nothing = result.new + result.unchanged == 0 and seed_urls <= {f.url for f in result.failures}
    raise typer.Exit(EXIT_INPUT if nothing or result.store_error else EXIT_OK)


def _print(summary: dict) -> None:
    new = [r for r in summary["reports"] if r["status"] == "new"]
    if new:
        t = Table(box=box.SIMPLE_HEAD, title="新入库的报告")
        for h in ("编号", "机关", "年度", "发布日期", "网址"):
            t.add_column(h, overflow="fold")
        for r in new:
            t.add_row(str(r["report_id"]), escape(r.get("agency") or "—"), str(r.get("year") or "—"),
                      r.get("published") or "—", escape(r["url"]))
        console.print(t)
    resumed = "（接着上次中断的收集）" if summary["resumed"] else ""
    console.print(f"找到报告 {summary['found']} 份{resumed}：新入库 [green]{summary['new']}[/green]，"
                  f"未变化 {summary['unchanged']}，失败 [red]{summary['failed']}[/red]；"
                  f"请求 {summary['requests']} 次，用时 {summary['elapsed_s']:.1f} 秒。", highlight=False)
    for r in summary["reports"]:
        if r.get("message") and r["status"] != "failed":
            err_console.print(f"  [yellow]{escape(r['url'])}: {escape(r['message'])}[/yellow]", highlight=False)
    if summary["failures"]:
        err_console.print(f"[yellow]{len(summary['failures'])} 个网址未能获取或读取：[/yellow]")
        for f in summary["failures"]:
            err_console.print(f"  {escape(f['url'])}: {escape(f['reason'])}", highlight=False, soft_wrap=True)
    if summary.get("store_error"):
        err_console.print(f"[red]{escape(summary['store_error'])}[/red]", highlight=False)
