"""Commands on the store: ingest, compare, export, demo, db (info, runs, upgrade).

A thin layer over the application façade (nianbao.library.Library: ingest, compare, export, the
store's queries).
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import typer
from rich import box
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn, \
    TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ..model import YEAR_MAX, YEAR_MIN
from .app import DB_HELP, EXIT_INPUT, EXIT_OK, app, console, err_console, library, open_library, print_json, report_error

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}

db_app = typer.Typer(help="数据库：状态、入库记录、升级。", no_args_is_help=True)
app.add_typer(db_app, name="db")


@contextmanager
def _store_errors():
    """A database that fails mid-command (disk full, read-only, gone): one line, exit 2."""
    from ..errors import StoreError

    try:
        yield
    except StoreError as e:
        report_error(e.message)
        raise typer.Exit(EXIT_INPUT) from None


class _RateColumn(ProgressColumn):
    """Files per second and the errors so far."""

    def render(self, task) -> Text:
        elapsed = task.elapsed or 0
        rate = f"{task.completed / elapsed:.1f} 个/秒" if elapsed > 0 else "— 个/秒"
        errors = task.fields.get("errors", 0)
        return Text(f"{rate}  失败 {errors}", style="red" if errors else "green")


# ---------------------------------------------------------------- ingest
@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="报告文件、文件夹（递归）或 .zip 压缩包"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    jobs: int = typer.Option(None, "-j", "--jobs", help="并行解析的进程数（默认 CPU 核数）"),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出入库结果"),
    keep_originals: bool = typer.Option(False, "--keep-originals",
                                        help="保存原文件，供网页界面在原文中显示审核问题的位置"),
    data_dir: Path = typer.Option(None, "--data-dir", help="原文件目录（默认与 nianbao serve 相同：SQLite 文件旁）"),
) -> None:
    """批量解析、审核并入库：同一文件只存一次；同一机关同一年度的新版本取代旧版本（旧版本保留）。

    跨年度规则（X001–X004）与库中上一年度报告比对。个别文件出错不影响其余文件，最后列出失败清单；
    全部成功退出码 0，有失败文件退出码 2。
    """
    library = open_library(db, data_dir=data_dir, workers=jobs or os.cpu_count() or 1)
    failed = 0
    with Progress(SpinnerColumn(), TextColumn("[bold]入库[/bold]"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                  TimeElapsedColumn(), console=err_console, transient=False,
                  disable=json_out or not err_console.is_terminal) as progress:
        task = progress.add_task("ingest", total=None, errors=0)

        def on_outcome(o) -> None:
            nonlocal failed
            if o.status == "failed":
                failed += 1
            progress.update(task, advance=1, errors=failed)

        try:
            result = library.ingest(paths, jobs=jobs, on_outcome=on_outcome, keep_originals=keep_originals,
                                    user=os.environ.get("NIANBAO_USER") or _login_name(),
                                    on_total=lambda n: progress.update(task, total=n))
            by_rule = []
            if result.count("stored") and not result.store_error:
                with _store_errors():
                    by_rule = library.findings_summary(run_id=result.run_id, current=False)
        finally:
            library.close()
    summary = result.to_dict()
    if json_out:
        print_json(summary | {"findings_by_rule": by_rule})
    else:
        _print_ingest(summary, db)
        if by_rule:
            print_findings_summary(by_rule)
        if result.store_error:
            report_error(result.store_error)
    raise typer.Exit(EXIT_INPUT if result.failed or result.store_error else EXIT_OK)


def _login_name() -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):       # no name for this uid (a container)
        return None


def _print_ingest(summary: dict, db: str | None) -> None:
    reports = summary["reports"]
    stored = [r for r in reports if r["status"] == "stored"]
    if stored:
        t = Table(box=box.SIMPLE_HEAD, title="新入库的报告")
        for h in ("编号", "机关", "年度", "错误", "警告", "提示", "文件"):
            t.add_column(h, justify="right" if h in ("编号", "年度", "错误", "警告", "提示") else "left",
                         overflow="fold")
        shown = stored if len(stored) <= 20 else \
            sorted(stored, key=lambda r: (-r.get("errors", 0), -r.get("warnings", 0)))[:20]
        for r in shown:
            t.add_row(str(r["report_id"]), escape(r.get("agency") or "—"), str(r.get("year") or "—"),
                      str(r.get("errors", 0)), str(r.get("warnings", 0)), str(r.get("infos", 0)),
                      escape(Path(r["name"].split("!")[-1]).name))
        if len(stored) > 20:
            t.caption = f"共 {len(stored)} 份，列出问题最多的 20 份；全部见 nianbao compare / nianbao export"
        console.print(t)
    rate = f"，{summary['files_per_s']} 个/秒" if summary.get("files_per_s") else ""
    console.print(f"共 {summary['files']} 个文件：新入库 [green]{summary['stored']}[/green]，"
                  f"已在库中 {summary['duplicates']}，失败 [red]{summary['failed']}[/red]；"
                  f"用时 {summary['elapsed_s']:.1f} 秒{rate}。", highlight=False)
    if summary.get("skipped_note"):
        console.print(f"[yellow]{escape(summary['skipped_note'])}[/yellow]", highlight=False, soft_wrap=True)
    for r in reports:
        if r.get("message"):
            err_console.print(f"  [yellow]{escape(r['name'])}: {escape(r['message'])}[/yellow]", highlight=False)
    if summary["errors"]:
        err_console.print(f"[yellow]{len(summary['errors'])} 个文件未能入库：[/yellow]")
        for e in summary["errors"]:
            err_console.print(f"  {escape(e['file'])}: {escape(e['message'])}", highlight=False, soft_wrap=True)


# ---------------------------------------------------------------- db
@db_app.command("info")
def db_info(db: str = typer.Option(None, "--db", help=DB_HELP),
            json_out: bool = typer.Option(False, "--json", help="以 JSON 输出")) -> None:
    """数据库概况：报告数、机关数、审核问题数、年度。"""
    with library(db) as lib:
        stats = lib.stats()
        summary = lib.findings_summary()
    if json_out:
        print_json(stats | {"findings_by_rule": summary})
        return
    ro = "，只读" if stats.get("read_only") else ""
    console.print(f"数据库：{escape(stats['url'])}（结构版本 {stats['revision']}{ro}）", highlight=False)
    console.print(f"报告 {stats['reports']} 份（现行版本 {stats['current']}），机关 {stats['agencies']} 个，"
                  f"审核问题 {stats['findings']} 条，年度 {', '.join(map(str, stats['years'])) or '—'}", highlight=False)
    print_findings_summary(summary)


@db_app.command("runs")
def db_runs(db: str = typer.Option(None, "--db", help=DB_HELP),
            limit: int = typer.Option(20, help="显示最近几次"),
            json_out: bool = typer.Option(False, "--json", help="以 JSON 输出")) -> None:
    """最近的入库记录（开始、结束、文件数、失败）。"""
    with library(db) as lib:
        runs = lib.runs(limit)
    if json_out:
        print_json(runs)
        return
    t = Table(box=box.SIMPLE_HEAD)
    for h in ("编号", "开始", "结束", "文件", "新入库", "已在库中", "失败"):
        t.add_column(h)
    unfinished = {"interrupted": "[red]中断[/red]（已入库的保留，重新运行可补齐）", "running": "[yellow]进行中[/yellow]",
                  "unknown": "[yellow]未完成（中断或进行中）[/yellow]"}
    for r in runs:
        t.add_row(str(r["id"]), f"{r['started_at']:%Y-%m-%d %H:%M:%S}",
                  _run_end(r, unfinished),
                  str(r["files"]), str(r["stored"]), str(r["duplicates"]), str(r["failed"]))
    console.print(t)


def _run_end(run: dict, unfinished: dict[str, str]) -> str:
    if not run["finished_at"]:
        return unfinished[run.get("status", "unknown")]
    if run.get("status") == "interrupted":      # closed afterwards, squared with what it stored
        return f"{run['finished_at']:%H:%M:%S} [red]中断[/red]（已入库的已计入，未处理的需重新上传）"
    return f"{run['finished_at']:%H:%M:%S}"


@db_app.command("upgrade")
def db_upgrade(db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """把数据库结构升级到最新版本（打开数据库时也会自动升级）。"""
    with library(db) as lib:
        console.print(f"数据库结构版本：{lib.stats()['revision']}")


def print_findings_summary(summary: list[dict]) -> None:
    if not summary:
        console.print("[green]没有审核问题。[/green]")
        return
    from ..audit.registry import FAMILIES

    t = Table(box=box.SIMPLE_HEAD, title="审核问题（按规则）")
    for h in ("规则", "级别", "问题数", "涉及报告", "类别"):
        t.add_column(h, justify="right" if h in ("问题数", "涉及报告") else "left", overflow="fold")
    for s in sorted(summary, key=lambda s: (-["info", "warning", "error"].index(s["severity"]), s["code"])):
        style = SEVERITY_STYLE.get(s["severity"], "")
        t.add_row(s["code"], f"[{style}]{SEVERITY_NAMES.get(s['severity'], s['severity'])}[/{style}]",
                  str(s["findings"]), str(s["reports"]), FAMILIES.get(s["code"][:1], ""))
    console.print(t)


# ---------------------------------------------------------------- compare
def _fmt_cell(key: str, v, mark: str | None = None) -> str:
    from ..compare import SHARES

    if v is None:
        return "[dim]—[/dim]"
    if key in SHARES:
        text = f"{v * 100:.1f}%"
    else:
        text = f"{v:g}" if isinstance(v, float) else str(v)
    style = {"red": "bold red", "yellow": "yellow"}.get(mark or "")
    return f"[{style}]{text}[/{style}]" if style else text


@app.command()
def compare(
    agency: str = typer.Option(None, "--agency", help="一个机关历年对比（名称可带或不带省市前缀，或机关编号）"),
    region: str = typer.Option(None, "--region", help="某地区各机关对比（名录中的地区名、全称或编号，含其下各级机关；未导入名录时为地区名或机关名开头，如 中卫市、沙坡头区）"),
    year: int = typer.Option(None, "--year", help="年度", min=YEAR_MIN, max=YEAR_MAX),
    sort: str = typer.Option(None, "--sort", help="排序列：agency region year received granted_share "
                                                  "review_corrected_share substantive_rate denial_rate "
                                                  "review_correction_rate litigation_loss_rate carryover_rate "
                                                  "yoy_swing errors warnings …（无值者总在最后）"),
    desc: bool = typer.Option(False, "--desc", help="从大到小排序"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """主要指标对比：新收申请、予以公开占比、行政复议纠正率、风险指标（红/黄标记）、审核问题数。"""
    from ..agency import join_name
    from ..compare import FINDINGS_NOTE, INDICATORS, SORT_KEYS, sort_rows
    from .usage import choice_error

    if sort and sort not in SORT_KEYS:
        report_error(choice_error("--sort", sort, SORT_KEYS))
        raise typer.Exit(EXIT_INPUT)
    with library(db) as lib:        # a region neither the registry nor the store knows: InputError, one line
        if agency:
            if lib.find_agency(agency) is None:
                report_error(f"库中没有机关「{agency}」的报告")
                raise typer.Exit(EXIT_INPUT)
            rows = lib.compare(agency=agency)
            if year is not None:
                rows = [r for r in rows if r.year == year]
        else:
            rows = lib.compare(region=region, year=year)
    if sort:
        rows = sort_rows(rows, sort, desc)
    if json_out:
        print_json({"indicators": dict(INDICATORS), "findings_note": FINDINGS_NOTE, "rows": [r.to_dict() for r in rows]})
        return
    if not rows:
        console.print("[yellow]没有符合条件的报告。[/yellow]")
        return
    title = f"{agency} 历年对比" if agency else f"{region or '全部地区'} {year or '各'}年度 各机关对比"
    t = Table(box=box.SIMPLE_HEAD, title=title)
    if agency:
        t.add_column("编号", justify="right", no_wrap=True)
    else:
        t.add_column("机关", overflow="fold", min_width=10, ratio=1)
    t.add_column("年度", justify="right", no_wrap=True)
    # most telling first; a narrow terminal gets as many as fit (each ~10 cells), the rest via --json
    by_priority = ["received", "substantive_rate", "denial_rate", "review_correction_rate", "litigation_loss_rate",
                   "carryover_rate", "yoy_swing", "results_total", "review_total", "litigation_total",
                   "granted_share", "review_corrected_share"]
    any_dismissed = any(r.dismissed for r in rows)
    fit = max(3, (console.width - 46 - (8 if any_dismissed else 0)) // 10)
    shown = by_priority[:fit]
    left_out = by_priority[fit:]
    short = {"received": "新收", "results_total": "办结", "granted_share": "公开率", "review_total": "复议",
             "review_corrected_share": "纠正率", "litigation_total": "诉讼", "substantive_rate": "实质公开",
             "denial_rate": "不予公开", "review_correction_rate": "复议纠错", "litigation_loss_rate": "诉讼败诉",
             "carryover_rate": "结转", "yoy_swing": "新收波动"}
    for k in shown:
        t.add_column(short[k], justify="right", no_wrap=True)
    t.add_column("错/警/提\n不含误报/不适用", justify="right", no_wrap=True)
    if any_dismissed:
        t.add_column("误报/\n不适用", justify="right", no_wrap=True)
    for r in rows:
        d = r.to_dict()
        first = str(r.report_id) if agency else escape(join_name(r.region, r.agency or r.agency_name or "—"))
        t.add_row(first, str(r.year or "—"), *[_fmt_cell(k, d[k], r.marks.get(k)) for k in shown],
                  f"[red]{r.errors}[/red]/[yellow]{r.warnings}[/yellow]/[cyan]{r.infos}[/cyan]",
                  *([f"[dim]{r.dismissed}[/dim]"] if any_dismissed else []))
    console.print(t)
    if left_out:
        console.print(f"[dim]终端较窄，未显示：{'、'.join(short[k] for k in left_out)}（加宽终端或用 --json 查看全部）。[/dim]",
                      soft_wrap=True)
    console.print("[dim]新收 = 本年新收申请；办结 = 办理结果总计；公开率 = 予以公开 ÷ 办结；复议 = 行政复议总计；"
                  "纠正率 = 复议结果纠正 ÷ 复议；诉讼 = 行政诉讼总计；错/警/提 = 审核问题数（错误/警告/提示），"
                  "不含审核判定为误报或不适用的问题（与评分一致）；误报/不适用 = 已如此判定的问题数。[/dim]",
                  soft_wrap=True)
    from ..oversight.indicators import DEFINITIONS

    console.print("[dim]" + "；".join(f"{short[n]} = {DEFINITIONS[n].label}：{DEFINITIONS[n].formula}"
                                      for n in shown if n in DEFINITIONS)
                  + "。[bold red]红[/bold red]/[yellow]黄[/yellow] = 超过所在地区配置的阈值；— = 分母为 0 或空白，无法计算。[/dim]",
                  soft_wrap=True)


# ---------------------------------------------------------------- export
def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@app.command()
def export(
    fmt: str = typer.Option("xlsx", "--format", "-f", help="csv、xlsx、json、parquet（整改清单：xlsx、docx）"),
    form: str = typer.Option("wide", "--form", help="wide：每份报告一行；long：每个单元格一行；findings：每个审核问题一行（含审核决定）"),
    out: Path = typer.Option(None, "--out", "-o", help="输出文件（csv/json 缺省时输出到屏幕，其他格式缺省为当前目录）"),
    agency: str = typer.Option(None, "--agency", help="只导出这个机关"),
    region: str = typer.Option(None, "--region", help="只导出这个地区"),
    year: int = typer.Option(None, "--year", help="只导出这个年度", min=YEAR_MIN, max=YEAR_MAX),
    all_versions: bool = typer.Option(False, "--all-versions", help="包括被新版本取代的旧版本"),
    rectification: str = typer.Option(None, "--rectification", help="导出这个机关的整改清单（xlsx 或 docx）"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出导出结果（文件、大小）"),
) -> None:
    """导出库中的报告（长表/宽表；xlsx 每张表一页并附审核问题），或某机关的整改清单。"""
    with library(db) as lib:
        if rectification:
            data, name, _ = lib.rectification(rectification, fmt, year)
        else:
            data, name, _ = lib.export(fmt, form, agency=agency, region=region, year=year,
                                       current=None if all_versions else True)
    if out is None and fmt in ("csv", "json") and not rectification and not json_out:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = out or Path(name)
    _write_atomic(path, data)
    if json_out:
        print_json({"file": str(path), "bytes": len(data), "format": fmt})
    else:
        err_console.print(f"已导出 {escape(str(path))}（{len(data) / 1024:.0f} KB）", highlight=False)


# ---------------------------------------------------------------- demo
@app.command()
def demo(
    out: Path = typer.Option(Path("demo-out"), "--out", help="演示数据库所在目录（每次重新创建）"),
    jobs: int = typer.Option(None, "-j", "--jobs", help="并行进程数"),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """演示：把自带的样例报告（及生成的上一年度报告）入库到 demo-out/nianbao.db，显示审核汇总。"""
    from ..demo import build_demo

    result, url, summary, hints = build_demo(out, jobs=jobs)
    if json_out:
        print_json({"db": url, "ingest": result.to_dict(), "findings_by_rule": summary, "hints": hints})
        return
    d = result.to_dict()
    console.print(f"已入库 {d['stored']} 份报告（{d['failed']} 个文件失败），用时 {d['elapsed_s']:.1f} 秒。"
                  f"数据库：{escape(url)}", highlight=False, soft_wrap=True)
    print_findings_summary(summary)
    db = f"--db {out / 'nianbao.db'}"
    steps = [
        (f"nianbao compare {db} --year {hints['year']}", "各机关主要指标对比"),
        (f"nianbao compare {db} --agency {hints['agency_years']}", "一个机关历年对比"),
        (f"nianbao export {db} --format xlsx -o {out / 'nianbao.xlsx'}", "导出 Excel（每张表一页，附审核问题）"),
        (f"nianbao export {db} --rectification {hints['rectification']} --format docx -o {out / '整改清单.docx'}",
         "一个机关的整改清单"),
        (f"nianbao serve {db}", "网页界面 http://127.0.0.1:8000"),
        (f"datasette {out / 'nianbao.db'}", "用 Datasette 浏览（另装：pip install datasette）"),
    ]
    console.print("\n下一步：", highlight=False)
    for cmd, what in steps:
        prefix = "" if cmd.startswith("datasette") else ".venv/bin/"
        console.print(f"  [bold]{prefix}{escape(cmd)}[/bold]\n      {what}", highlight=False, soft_wrap=True)
