"""`nianbao review …`: the review workflow (status, decisions, hand-added findings, trail, assignments,
progress, false-positive rates, 整改通知, soft delete). A thin layer over nianbao.library.Library.

Who acts: --user, else $NIANBAO_USER, else the login name. Exit codes: 0 done, 1 `progress
--fail-on-overdue` found overdue rectifications, 2 a usage or input error (unknown report, a
transition not allowed, a conflict with someone else's change …: one line on stderr).
"""
from __future__ import annotations

import csv
import io
import os
import sys
from datetime import date
from pathlib import Path

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from ..errors import os_error_message
from ..model import YEAR_MAX, YEAR_MIN
from ..store.review import STATE_LABELS, STATE_NOTES, ReviewError, decision_name
from ..trail_text import change_texts
from .app import (DB_HELP, EXIT_FINDINGS, EXIT_INPUT, USER_HELP, acting_user, app, console, err_console,
                  library, print_json, report_error)

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}

review_app = typer.Typer(help="审核流程：状态、确认/误报、人工问题、留痕、分配、进度、误报率、整改通知。",
                         no_args_is_help=True)
app.add_typer(review_app, name="review")


def _date(s: str | None) -> date | None:
    if not s:
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        report_error(f"日期格式应为 YYYY-MM-DD：{s}")
        raise typer.Exit(EXIT_INPUT) from None


def _case_line(c: dict) -> str:
    late = f"  [red]已逾期 {c['overdue_days']} 天[/red]" if c.get("overdue") else ""
    due = f"  回复期限 {c['deadline']}" if c.get("deadline") else ""
    who = f"  （{escape(c['updated_by'])} {str(c['updated_at'])[:16]}）" if c.get("updated_by") else ""
    assignee = f"  审核人 {escape(c['assignee'])}" if c.get("assignee") else ""
    return f"状态：[bold]{c['status']}[/bold]{due}{late}{assignee}{who}  版本 {c['version']}"


def _where(f: dict, fmt: str | None = None) -> str:
    """A finding's position for people: 第N行, else its cell by the form's Chinese name (`fmt`: the
    report's format)."""
    from ..export import where
    from ..form import form_for

    return where(f.get("evidence")) or (form_for(fmt).cell_name(f["path"]) if f.get("path") else "")


def _findings_table(findings: list[dict], fmt: str | None = None) -> Table:
    t = Table(box=box.SIMPLE_HEAD)
    for h in ("编号", "规则", "级别", "位置", "问题", "决定", "理由", "版本"):
        t.add_column(h, overflow="fold", justify="right" if h in ("编号", "版本") else "left")
    for f in findings:
        shown = f["shown"]
        style = {"确认": "red", "误报": "dim", "不适用": "dim", STATE_LABELS["gone"]: "green",
                 STATE_LABELS["stale"]: "cyan"}.get(shown, "yellow")
        t.add_row(str(f["id"]), f["code"], SEVERITY_NAMES.get(f["severity"], f["severity"]), escape(_where(f, fmt)),
                  escape(f["message"]), f"[{style}]{shown}[/{style}]", escape(f.get("reason") or ""),
                  str(f["version"]))
    return t


# ---------------------------------------------------------------- status
@review_app.command("status")
def status(
    report_id: int = typer.Argument(..., help="报告编号"),
    set_to: str = typer.Option(None, "--set", help="改为：待审、审核中、退回整改、已整改待复核、通过"),
    comment: str = typer.Option(None, "--comment", help="说明"),
    deadline: str = typer.Option(None, "--deadline", help="回复期限 YYYY-MM-DD（退回整改时）"),
    version: int = typer.Option(None, "--version", help="你看到的版本（他人已改动则报冲突）"),
    user: str = typer.Option(None, "--user", help=USER_HELP),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """一份报告（其机关与年度）的审核状态与审核问题；--set 改变状态。"""
    with library(db) as lib:
        if set_to:
            case = lib.set_status(report_id, set_to, user=acting_user(user), comment=comment, deadline=_date(deadline),
                                  expected_version=version)
        else:
            case = lib.case(report_id, acting_user(user))
        findings = lib.findings(report_id)
        lib_info = lib.report_info(case["report_id"])
    if json_out:
        print_json({"case": case, "findings": findings})
        return
    info = lib_info
    who = f"{info.region or ''}{info.agency or info.agency_name or '（未识别机关）'}" if info else "（已删除）"
    year = f" {info.year} 年度" if info and info.year else ""
    console.print(f"报告 {report_id}：{who}{year}（审核记录 {case['id']}，现行版本 {case['report_id']}）", highlight=False)
    console.print(_case_line(case), highlight=False)
    if case.get("comment"):
        console.print(f"说明：{escape(case['comment'])}", highlight=False)
    console.print(_findings_table(findings, info.format if info else None) if findings else "[green]没有审核问题。[/green]")
    for state in sorted({f["state"] for f in findings} & set(STATE_NOTES)):
        console.print(f"{STATE_LABELS[state]}：{STATE_NOTES[state]}", highlight=False)


# ---------------------------------------------------------------- decide
@review_app.command("decide")
def decide(
    finding_id: int = typer.Argument(..., help="审核问题编号（nianbao review status 列出）"),
    decision: str = typer.Argument(..., help="确认（confirm）、误报（fp）、不适用（na）或 待定（undecided）"),
    reason: str = typer.Option(None, "--reason", help="理由（误报、不适用时必填）"),
    note: str = typer.Option(None, "--note", help="备注"),
    version: int = typer.Option(None, "--version", help="你看到的版本（他人已改动则报冲突，不会覆盖）"),
    user: str = typer.Option(None, "--user", help=USER_HELP),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """对一个审核问题作出决定：确认、误报或不适用（附理由与备注）。"""
    try:                    # a spelling Review does not know: refused before the store is opened
        chosen = decision_name(decision)
    except ReviewError as e:
        report_error(e.message)
        raise typer.Exit(EXIT_INPUT) from None
    with library(db) as lib:
        f = lib.decide(finding_id, chosen, user=acting_user(user), reason=reason, note=note,
                       expected_version=version)
    if json_out:
        print_json(f)
    else:
        console.print(f"审核问题 {f['id']}（{f['code']}）：{f['shown']}（版本 {f['version']}）", highlight=False)


# ---------------------------------------------------------------- add-finding
@review_app.command("add-finding")
def add_finding(
    report_id: int = typer.Argument(..., help="报告编号"),
    message: str = typer.Argument(..., help="问题描述"),
    cell: str = typer.Option(None, "--cell", help="单元格路径，如 tables.applications.received.total"),
    line: int = typer.Option(None, "--line", help="原文行号"),
    severity: str = typer.Option("warning", "--severity", help="error、warning 或 info"),
    note: str = typer.Option(None, "--note", help="备注"),
    user: str = typer.Option(None, "--user", help=USER_HELP),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """人工添加一个审核问题（审核规则未发现的），指明单元格或行号；添加即为确认。"""
    with library(db) as lib:
        f = lib.add_finding(report_id, message, user=acting_user(user), path=cell, line=line, severity=severity, note=note)
        info = lib.report_info(report_id)
    if json_out:
        print_json(f)
    else:
        console.print(f"已添加审核问题 {f['id']}：{escape(f['message'])}（{escape(_where(f, info.format if info else None))}）", highlight=False)


# ---------------------------------------------------------------- trail
TRAIL_COLUMNS = [("at", "时间"), ("user", "操作人"), ("action_name", "操作"), ("report_id", "报告编号"),
                 ("finding_id", "问题编号"), ("before", "之前"), ("after", "之后"), ("comment", "说明")]


@review_app.command("trail")
def trail(
    report_id: int = typer.Argument(None, help="报告编号（含同一机关同一年度的各版本）"),
    agency_id: int = typer.Option(None, "--agency-id", help="一个机关的全部留痕"),
    region: str = typer.Option(None, "--region", help="一个地区的留痕：名录变更（本级、下级，及上级设定的期限与配置）"
                                                      "和本地区机关报告的审核留痕"),
    year: int = typer.Option(None, "--year", help="年度", min=YEAR_MIN, max=YEAR_MAX),
    limit: int = typer.Option(500, "--limit", help="最多几条"),
    csv_out: bool = typer.Option(False, "--csv", help="以 CSV 输出（导出留痕）"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """留痕：上传、删除、状态变化、决定、名录变更……（谁、何时、之前 → 之后），按时间先后。"""
    if region and (report_id is not None or agency_id is not None or year is not None):
        report_error("--region 不能与报告编号、--agency-id、--year 同用")
        raise typer.Exit(EXIT_INPUT)
    with library(db) as lib:
        if region:
            events = lib.region_trail(region, limit=limit)
        else:
            events = lib.trail(report_id=report_id, agency_id=agency_id, year=year, limit=limit)
    if json_out:
        print_json(events)
        return
    if csv_out:
        from ..export import safe_text as _safe

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([h for _, h in TRAIL_COLUMNS])
        for e in events:
            texts = dict(zip(("before", "after"), change_texts(e)))     # in Chinese, as the web export
            w.writerow([_safe(texts[k] if k in texts else e[k]) for k, _ in TRAIL_COLUMNS])
        sys.stdout.write("\ufeff" + buf.getvalue())
        return
    t = Table(box=box.SIMPLE_HEAD)
    for _, h in TRAIL_COLUMNS:
        t.add_column(h, overflow="fold", no_wrap=h in ("时间", "操作"))
    for e in events:
        before, after = change_texts(e)
        t.add_row(str(e["at"])[:16].replace("T", " "), escape(e["user"] or "—"), e["action_name"], str(e["report_id"] or ""),
                  str(e["finding_id"] or ""), escape(before), escape(after), escape(e["comment"] or ""))
    console.print(t if events else "[yellow]没有留痕记录。[/yellow]")


# ---------------------------------------------------------------- assign, list
@review_app.command("assign")
def assign(
    report_ids: list[int] = typer.Argument(None, help="报告编号（可多个）；不给时按 --region/--year/--status 选"),
    to: str = typer.Option(..., "--to", help="审核人（空字符串：取消分配）"),
    region: str = typer.Option(None, "--region", help="一个地区的现行报告"),
    year: int = typer.Option(None, "--year", help="年度", min=YEAR_MIN, max=YEAR_MAX),
    status_: str = typer.Option(None, "--status", help="只分配这个状态的"),
    unassigned: bool = typer.Option(False, "--unassigned", help="只分配尚未分配的"),
    user: str = typer.Option(None, "--user", help=USER_HELP),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """把报告分配给审核人：给出编号，或按地区、年度、状态成批分配。"""
    if not report_ids and not (region or year or status_):
        report_error("请给出报告编号，或 --region / --year / --status")
        raise typer.Exit(EXIT_INPUT)
    with library(db) as lib:
        if not report_ids:
            report_ids = [c["report_id"] for c in lib.cases(region=region, year=year, status=status_)
                          if not (unassigned and c["assignee"])]
        cases = lib.assign(report_ids, to.strip() or None, user=acting_user(user))
    if json_out:
        print_json(cases)
    else:
        console.print(f"已分配 {len(cases)} 份报告给 {escape(to) or '（无人）'}", highlight=False)


@review_app.command("list")
def list_cases(
    region: str = typer.Option(None, "--region", help="地区"),
    year: int = typer.Option(None, "--year", help="年度", min=YEAR_MIN, max=YEAR_MAX),
    status_: str = typer.Option(None, "--status", help="状态（或 逾期）"),
    rule: str = typer.Option(None, "--rule", help="有这条规则（或前缀）的问题"),
    assignee: str = typer.Option(None, "--assignee", help="审核人"),
    limit: int = typer.Option(200, "--limit", help="最多几条"),
    offset: int = typer.Option(0, "--offset", help="跳过几条"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """报告的审核状态一览（按地区、年度、状态、规则、审核人筛选）。"""
    with library(db) as lib:
        rows = lib.cases(region=region, year=year, status=status_, rule=rule, assignee=assignee, limit=limit,
                         offset=offset)
    if json_out:
        print_json(rows)
        return
    # the region as the registry names it (full name) where it knows the agency (Library.cases)
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    for h in ("报告", "地区", "机关", "年度", "状态", "审核人", "回复期限", "错误", "警告"):
        wraps = h in ("地区", "机关", "审核人")
        t.add_column(h, overflow="fold" if wraps else "ellipsis", no_wrap=not wraps,
                     justify="right" if h in ("报告", "错误", "警告") else "left")
    for r in rows:
        late = " [red]逾期[/red]" if r["overdue"] else ""
        t.add_row(str(r["report_id"]), escape(r.get("region_name") or r["region"] or "—"),
                  escape(r["agency"] or r["agency_name"] or "—"), str(r["year"] or "—"), r["status"] + late,
                  escape(r["assignee"] or ""), r["deadline"] or "", str(r["errors"]), str(r["warnings"]))
    console.print(t if rows else "[yellow]没有符合条件的报告。[/yellow]")


# ---------------------------------------------------------------- progress, fp-rate
REGION_ENDS = "省市区县州旗盟镇乡"


def region_prefix(names: list[str]) -> tuple[str, dict[str, str]]:
    """The leading regions every name shares (「宁夏回族自治区吴忠市」), cut after a whole region name,
    and each name without it (「利通区」, 「红寺堡区」): what tells sibling regions apart. No prefix for
    fewer than two names, or when a name would be left empty."""
    real = [n for n in names if n and not n.startswith("（")]
    if len(real) < 2:
        return "", {}
    common = os.path.commonprefix(real)
    while common:
        if common[-1] in REGION_ENDS and all(len(n) > len(common) for n in real):
            break
        common = common[:-1]
    return common, {n: n[len(common):] for n in real} if common else {}


@review_app.command("progress")
def progress(
    region: str = typer.Option(None, "--region", help="地区"),
    year: int = typer.Option(None, "--year", help="年度", min=YEAR_MIN, max=YEAR_MAX),
    fail_on_overdue: bool = typer.Option(False, "--fail-on-overdue", help="有逾期未整改的报告时退出码为 1"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """各地区审核进度：报告数、已审、退回整改、待复核、逾期、通过。"""
    with library(db) as lib:
        rows = lib.progress(region=region, year=year)
    if json_out:
        print_json(rows)            # the regions' full names
    else:
        prefix, short = region_prefix([r["region"] for r in rows])
        t = Table(box=box.SIMPLE_HEAD, title="审核进度" + (f"（{escape(prefix)}）" if prefix else ""),
                  caption=f"地区名省去共同的「{escape(prefix)}」（--json 给出全称）" if prefix else None)
        cols = [("region", "地区"), ("reports", "报告"), ("reviewed", "已审"), ("in_review", "审核中"),
                ("returned", "退回整改"), ("resubmitted", "待复核"), ("overdue", "逾期"), ("passed", "通过")]
        for _, h in cols:      # a name too long for the terminal wraps whole, never cut to 「宁夏回族自治区吴忠…」
            t.add_column(h, justify="left" if h == "地区" else "right", overflow="fold")
        for r in rows:
            shown = r | {"region": short.get(r["region"], r["region"])}
            t.add_row(*[escape(str(shown[k])) if k != "overdue" or not r[k] else f"[red]{r[k]}[/red]" for k, _ in cols])
        console.print(t if rows else "[yellow]没有报告。[/yellow]")
    if fail_on_overdue and any(r["overdue"] for r in rows):
        raise typer.Exit(EXIT_FINDINGS)


@review_app.command("fp-rate")
def fp_rate(
    region: str = typer.Option(None, "--region", help="地区"),
    year: int = typer.Option(None, "--year", help="年度", min=YEAR_MIN, max=YEAR_MAX),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """各规则的误报率（误报 ÷ (确认 + 误报)），看哪条规则浪费审核时间。"""
    with library(db) as lib:
        rows = lib.fp_rates(region=region, year=year)
    if json_out:
        print_json(rows)
        return
    t = Table(box=box.SIMPLE_HEAD, title="规则误报率")
    for h in ("规则", "类别", "已决定", "确认", "误报", "不适用", "误报率", "说明"):
        t.add_column(h, overflow="fold", justify="right" if h in ("已决定", "确认", "误报", "不适用", "误报率") else "left")
    for r in sorted(rows, key=lambda r: -(r["fp_rate"] or 0)):
        rate = "—" if r["fp_rate"] is None else f"{r['fp_rate'] * 100:.0f}%"
        t.add_row(r["code"], r["family"], str(r["decided"]), str(r["confirmed"]), str(r["false_positive"]),
                  str(r["not_applicable"]), rate, escape(r["summary"]))
    console.print(t if rows else "[yellow]还没有对审核问题的决定。[/yellow]")


# ---------------------------------------------------------------- 整改通知
@review_app.command("notice")
def notice(
    agency: str = typer.Option(None, "--agency", help="一个机关（名称或编号）"),
    region: str = typer.Option(None, "--region", help="一个地区的所有机关（每个机关一份，打包为 zip）"),
    year: int = typer.Option(None, "--year", help="年度（一个机关时缺省为最新年度）",
                             min=YEAR_MIN, max=YEAR_MAX),
    fmt: str = typer.Option("docx", "--format", "-f", help="docx 或 xlsx"),
    deadline: str = typer.Option(None, "--deadline", help="回复期限 YYYY-MM-DD"),
    send: bool = typer.Option(False, "--send", help="同时把报告状态改为 退回整改（记录回复期限）"),
    out: Path = typer.Option(None, "--out", "-o", help="输出文件（缺省为当前目录下的建议文件名）"),
    user: str = typer.Option(None, "--user", help=USER_HELP),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出（文件、大小）"),
) -> None:
    """整改通知：一个机关（或一个地区所有机关）已确认的问题，附回复期限；逾期的注明已逾期。"""
    if bool(agency) == bool(region):
        report_error("请给出 --agency 或 --region 之一")
        raise typer.Exit(EXIT_INPUT)
    with library(db) as lib:
        plan = lib.notice_plan(agency=agency, region=region, year=year, fmt=fmt, deadline=_date(deadline),
                               user=acting_user(user), send=send)
        data = plan.data
        path = out or Path(plan.name)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:                # the file first; the returns and the trail only once it is written
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            plan.apply()
            os.replace(tmp, path)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            report_error(f"无法写入 {path}：{os_error_message(e, '写入')}"
                         + ("" if plan.applied else "（未发出整改通知，状态与留痕未改变）"))
            raise typer.Exit(EXIT_INPUT) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    if plan.skipped:
        err_console.print(f"未发出整改通知 {len(plan.skipped)} 个机关：{escape('、'.join(plan.skipped))}",
                          highlight=False, soft_wrap=True)
    if json_out:
        print_json({"file": str(path), "bytes": len(data), "notices": len(plan.entries), "skipped": plan.skipped})
    else:
        err_console.print(f"已生成 {escape(str(path))}（{len(data) / 1024:.0f} KB）", highlight=False)


# ---------------------------------------------------------------- soft delete
@review_app.command("delete")
def delete(
    report_id: int = typer.Argument(..., help="报告编号"),
    reason: str = typer.Option(..., "--reason", help="删除原因（记入留痕）"),
    user: str = typer.Option(None, "--user", help=USER_HELP),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """删除一份报告（软删除：从列表中移除，内容保留可恢复，留痕记录操作人与原因）。"""
    with library(db) as lib:
        record = lib.delete(report_id, user=acting_user(user), reason=reason)
    if record is None:
        report_error(f"报告 {report_id} 不存在")
        raise typer.Exit(EXIT_INPUT)
    if json_out:
        print_json({"deleted": report_id, "restore_id": record})
    else:
        console.print(f"已删除报告 {report_id}（恢复：nianbao review restore {record}）", highlight=False)


@review_app.command("restore")
def restore(
    deleted_id: int = typer.Argument(..., help="删除记录编号（nianbao review delete 给出）"),
    user: str = typer.Option(None, "--user", help=USER_HELP),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """恢复一份已删除的报告。"""
    with library(db) as lib:
        again = lib.restored_as(deleted_id)
        rid = again if again is not None else lib.restore(deleted_id, user=acting_user(user))
    if json_out:
        print_json({"report_id": rid, "restored": again is None})
    else:
        console.print(f"已恢复为报告 {rid}" if again is None else f"该报告已在库中：报告 {rid}（未重复恢复）",
                      highlight=False)
