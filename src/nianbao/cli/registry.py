"""`nianbao registry …` (the region tree and the agencies expected in each: import, list, tree,
show, deadline, config) and `nianbao missing` (who has not published). A thin layer over
Library.registry / import_registry / missing (nianbao.store.registry, nianbao.oversight).

Exit codes: 0 done, 2 a usage or input error (a bad registry file names every bad line; an
unknown region, a bad deadline or configuration: one Chinese line).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from ..errors import InputError, os_error_message
from ..model import YEAR_MAX, YEAR_MIN
from .app import (DB_HELP, EXIT_INPUT, USER_HELP, acting_user, app, console, err_console, library, print_json,
                  report_error)
from .usage import choice_error

KIND_HELP = "机关类型：department（部门）/ government（政府）/ township（乡镇）/ zone（开发区），也可写中文"
STATUS_STYLE = {"published": "green", "late": "yellow", "unknown": "cyan", "missing": "bold red", "not_due": "dim"}

registry_app = typer.Typer(help="机关名录：地区树与应公开年报的机关（导入、查看、期限、配置）。", no_args_is_help=True)
app.add_typer(registry_app, name="registry")


def _kind(value: str) -> str:
    from ..oversight.registry import _KIND_WORDS, _lookup

    kind = _lookup(_KIND_WORDS, value.strip())
    if kind is None:
        report_error(choice_error("--kind", value, ("department/部门", "government/政府", "township/乡镇", "zone/开发区")))
        raise typer.Exit(EXIT_INPUT)
    return kind


def _md(rule) -> str:
    m, d = rule.md.split("-")
    return f"{int(m)}月{int(d)}日"


@registry_app.command("import")
def import_(
    file: Path = typer.Argument(..., help="名录文件（CSV 或 XLSX）：省/市/县/乡镇（或 上级区域/区域/层级）、机关名称、类型、报告范围、期限"),
    replace: bool = typer.Option(False, "--replace", help="同时删除文件中各地区已不再列出的机关"),
    user: str | None = typer.Option(None, "--user", "-u", help=USER_HELP),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """导入机关名录（可重复导入：已有的机关更新，不会重复）。"""
    from ..oversight.registry import RegistryImportError

    with library(db) as lib:
        try:
            res = lib.import_registry(file, user=acting_user(user), replace=replace)
        except RegistryImportError as e:
            if json_out:
                print_json({"file": str(file), "errors": e.errors})
            for line in e.errors:
                err_console.print(f"[red]错误[/red] {file}: {escape(line)}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_INPUT) from None
    if json_out:
        print_json(res.to_dict())
        return
    console.print(f"已导入 {res.rows} 行：新增地区 {res.regions_created} 个，新增机关 {res.entries_created} 个，"
                  f"更新 {res.entries_updated} 个，未变 {res.entries_unchanged} 个"
                  + (f"，删除 {res.entries_removed} 个" if replace else "")
                  + f"；已对应到库中机关 {res.matched} 个，尚未对应 {res.unmatched} 个；"
                  f"已按新名录重新审核 {res.reaudited} 份报告（{res.changed} 份的期限、雷同、汇总问题有变化）。",
                  highlight=False)


def _counts(lib) -> dict[int, tuple[int, int]]:
    out: dict[int, list[int]] = {}
    for e in lib.registry.entries():
        c = out.setdefault(e.region_id, [0, 0])
        c[0] += 1
        c[1] += e.agency_id is not None
    return {k: (v[0], v[1]) for k, v in out.items()}


@registry_app.command("list")
def list_(
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """列出名录中的全部地区（机关数、已对应的机关数、本级设定的期限）。"""
    from ..oversight.registry import KIND_NAMES, LEVEL_NAMES

    with library(db) as lib:
        regions, counts = lib.registry.regions(), _counts(lib)
    if json_out:
        print_json([r.to_dict() | {"entries": counts.get(r.id, (0, 0))[0], "matched": counts.get(r.id, (0, 0))[1]}
                    for r in regions])
        return
    if not regions:
        console.print("名录为空：请先 nianbao registry import 名录.xlsx")
        return
    t = Table(box=box.SIMPLE_HEAD, title="机关名录：地区")
    for col in ("id", "层级", "全称", "机关", "已对应", "本级期限", "配置"):
        t.add_column(col, justify="right" if col in ("id", "机关", "已对应") else "left")
    for r in regions:
        n, m = counts.get(r.id, (0, 0))
        dl = "、".join(f"{KIND_NAMES.get(k, k)} {v}" for k, v in sorted(r.deadlines.items())) or "—"
        t.add_row(str(r.id), LEVEL_NAMES.get(r.level, r.level), escape(r.full_name), str(n), str(m), dl,
                  "有" if r.config else "—")
    console.print(t)


@registry_app.command("tree")
def tree(
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """以树形显示地区与各地区的机关数。"""
    with library(db) as lib:
        regions, counts = lib.registry.regions(), _counts(lib)
    kids: dict[int | None, list] = {}
    for r in regions:
        kids.setdefault(r.parent_id, []).append(r)
    if json_out:
        def node(r):
            n, m = counts.get(r.id, (0, 0))
            return r.to_dict() | {"entries": n, "matched": m,
                                  "children": [node(c) for c in sorted(kids.get(r.id, []), key=lambda c: c.name)]}
        print_json([node(r) for r in sorted(kids.get(None, []), key=lambda c: c.name)])
        return
    if not regions:
        console.print("名录为空：请先 nianbao registry import 名录.xlsx")
        return
    root = Tree("机关名录", guide_style="dim")

    def add(parent, r, depth=0):
        n, m = counts.get(r.id, (0, 0))
        branch = parent.add(f"{escape(r.name)} [dim]#{r.id} · 机关 {n}，已对应 {m}[/dim]")
        for c in sorted(kids.get(r.id, []), key=lambda c: c.name):
            add(branch, c, depth + 1)

    for r in sorted(kids.get(None, []), key=lambda c: c.name):
        add(root, r)
    console.print(root)


@registry_app.command("show")
def show(
    region: str = typer.Argument(..., help="地区：名称、全称或 id"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """一个地区：适用的期限（及来源）、下级地区、本级机关与对应的库中机关。"""
    from ..oversight.deadlines import region_rules
    from ..oversight.registry import COVERS_NAMES, KIND_NAMES, LEVEL_NAMES

    with library(db) as lib:
        reg = lib.registry
        r = reg.resolve(region)
        rules = region_rules(reg, r.id)
        children = reg.children(r.id)
        entries = reg.expected(r.id)
        names = {a.id: (a.region + a.name) for a in lib.store.agencies()} if entries else {}
    if json_out:
        print_json(r.to_dict() | {"deadlines_in_force": {k: v.to_dict() for k, v in rules.items()},
                                  "children": [c.to_dict() for c in children],
                                  "entries": [e.to_dict() | {"agency": names.get(e.agency_id)} for e in entries]})
        return
    console.print(f"[bold]{escape(r.full_name)}[/bold]  #{r.id} · {LEVEL_NAMES.get(r.level, r.level)}"
                  + (f" · 下级：{escape('、'.join(c.name for c in children))}" if children else ""), highlight=False)
    console.print("适用期限（报告年度次年）：" + "；".join(f"{KIND_NAMES[k]} {_md(v)}（{escape(v.source)}）"
                                            for k, v in rules.items()), highlight=False)
    if r.config:
        console.print("[dim]本级设有辖区配置（nianbao registry config）[/dim]")
    t = Table(box=box.SIMPLE_HEAD, title=f"{escape(r.name)} 应公开年报的机关（{len(entries)}）")
    for col in ("id", "名称", "类型", "报告范围", "本机关期限", "库中机关"):
        t.add_column(col)
    for e in entries:
        t.add_row(str(e.id), escape(e.name), KIND_NAMES.get(e.kind, e.kind), COVERS_NAMES.get(e.covers or "", "—"),
                  e.deadline or "—", escape(names.get(e.agency_id, "—")) if e.agency_id else "[dim]尚未对应[/dim]")
    console.print(t)


@registry_app.command("deadline")
def deadline(
    region: str = typer.Argument(..., help="地区：名称、全称或 id"),
    md: str | None = typer.Argument(None, help="期限（报告年度次年的 月-日），如 01-28 或 1月28日"),
    kind: str = typer.Option(..., "--kind", "-k", help=KIND_HELP),
    clear: bool = typer.Option(False, "--clear", help="取消本级期限（改用上级或法定期限）"),
    user: str | None = typer.Option(None, "--user", "-u", help=USER_HELP),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """设定一个地区对某类机关的公开期限（下级地区继承，最近的设定优先）。"""
    from ..oversight.deadlines import region_rules
    from ..oversight.registry import KIND_NAMES

    k = _kind(kind)
    if not clear and not md:
        report_error("请给出期限（如 01-28），或用 --clear 取消本级期限")
        raise typer.Exit(EXIT_INPUT)
    with library(db) as lib:
        r = lib.registry.resolve(region)
        r = lib.registry.set_deadline(r.id, k, None if clear else md, user=acting_user(user))
        rule = region_rules(lib.registry, r.id)[k]
    if json_out:
        print_json(r.to_dict() | {"kind": k, "in_force": rule.to_dict()})
        return
    console.print(f"{escape(r.full_name)}：{KIND_NAMES[k]}的年报公开期限为次年{_md(rule)}（{escape(rule.source)}）",
                  highlight=False)


@registry_app.command("config")
def config(
    region: str = typer.Argument(..., help="地区：名称、全称或 id"),
    file: Path | None = typer.Argument(None, help="辖区配置 YAML（deadlines、similarity、indicators、scorecard）"),
    clear: bool = typer.Option(False, "--clear", help="删除本级配置"),
    user: str | None = typer.Option(None, "--user", "-u", help=USER_HELP),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """为一个地区保存辖区配置 YAML（经校验；下级地区沿用最近一级的配置）；不给文件则显示本级配置。"""
    text = None
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as e:
            report_error(InputError(os_error_message(e), str(file)))
            raise typer.Exit(EXIT_INPUT) from None
        except UnicodeDecodeError:
            report_error(f"{file} 不是 UTF-8 文本")
            raise typer.Exit(EXIT_INPUT) from None
    with library(db) as lib:
        r = lib.registry.resolve(region)
        if file is not None or clear:
            try:
                r = lib.registry.set_config(r.id, None if clear else text, user=acting_user(user))
            except InputError as e:
                e.file = str(file) if file else None
                raise
    if json_out:
        print_json(r.to_dict())
        return
    if file is None and not clear:
        console.print(escape(r.config) if r.config else f"{escape(r.full_name)} 本级未设配置（沿用上级或默认配置）",
                      highlight=False)
        return
    console.print(f"{escape(r.full_name)}：" + ("已删除本级配置" if clear else f"已保存配置（{escape(str(file))}）"),
                  highlight=False)


# the table's status words: the summary line above it names them in full (STATUS_NAMES, as in --json)
STATUS_SHORT = {"published": "按期", "late": "逾期", "unknown": "日期不明", "missing": "未公开", "not_due": "未到期"}


def _missing_table() -> Table:
    """The missing view's table, readable at 80 columns: dates, type, status and report number never
    wrap; the region, the agency and the deadline's source share what is left and fold (nothing is
    cut off)."""
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    t.add_column("地区", overflow="fold", min_width=4)
    t.add_column("机关", overflow="fold", min_width=8)
    t.add_column("类型", no_wrap=True)
    t.add_column("期限", no_wrap=True)
    t.add_column("来源", overflow="fold", min_width=4)
    t.add_column("发布日期", no_wrap=True)
    t.add_column("状态", no_wrap=True)
    t.add_column("报告", no_wrap=True, justify="right")
    return t


@app.command("missing")
def missing_(
    region: str = typer.Option(..., "--region", "-r", help="地区：名称、全称或 id（含下级地区）"),
    year: int = typer.Option(..., "--year", "-y", help="报告年度", min=YEAR_MIN, max=YEAR_MAX),
    status: list[str] = typer.Option([], "--status", "-s",
                                     help="只列出这些状态（可重复）： missing 未公开、 late 逾期、 unknown 日期不明、 "
                                          "not_due 未到期、 on_time 按期、 published 已公开 （按期、逾期、日期不明）"),
    today: str | None = typer.Option(None, "--today", help="按此日期判断是否过期， 如 2024-03-01 （默认今天）"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """一个地区一个年度：应公开、已公开（按期、逾期）、未公开、未到期的机关（按名录与适用期限）。"""
    from ..oversight.missing import STATUSES
    from ..oversight.registry import KIND_NAMES

    # a row's status "published" is on time; the filter "published" (like counts) is every stored report
    choices = {"missing": {"missing"}, "late": {"late"}, "unknown": {"unknown"}, "not_due": {"not_due"},
               "on_time": {"published"}, "published": {"published", "late", "unknown"}}
    bad = [s for s in status if s not in choices]
    if bad:
        report_error(choice_error("--status", "、".join(bad), choices))
        raise typer.Exit(EXIT_INPUT)
    wanted = set().union(*(choices[s] for s in status)) if status else set(STATUSES)
    try:
        when = date.fromisoformat(today) if today else None
    except ValueError:
        report_error(f"日期「{today}」应写作 YYYY-MM-DD")
        raise typer.Exit(EXIT_INPUT) from None
    with library(db) as lib:
        view = lib.missing(region, year, today=when)
    rows = [r for r in view.rows if r.status in wanted]
    if json_out:
        d = view.to_dict()
        d["agencies"] = [r.to_dict() for r in rows]
        print_json(d)
        return
    c = view.counts
    console.print(f"[bold]{escape(view.region.full_name)} {year} 年度报告[/bold]（截至 {view.today.isoformat()}）："
                  f"应公开 {c['expected']}，已公开 {c['published']}（按期 {c['on_time']}，逾期 {c['late']}，"
                  f"日期不明 {c['unknown']}），未公开 {c['missing']}，未到期 {c['not_due']}；"
                  f"名录外 {c['unregistered']}", highlight=False)
    t = _missing_table()
    for r in rows:
        st = STATUS_SHORT[r.status] + (f" {r.days_late} 天" if r.days_late else "")
        t.add_row(escape(r.region.name), escape(r.entry.name), KIND_NAMES.get(r.entry.kind, r.entry.kind),
                  r.deadline.date.isoformat(), escape(r.deadline.source),
                  r.published.isoformat() if r.published else "—", f"[{STATUS_STYLE[r.status]}]{st}[/]",
                  str(r.report_id) if r.report_id else "—")
    console.print(t)
    if view.unregistered:
        u = Table(box=box.SIMPLE_HEAD, title="名录外的本地区报告", show_edge=False, pad_edge=False,
                  padding=(0, 1, 0, 0))
        u.add_column("报告", no_wrap=True, justify="right")
        u.add_column("机关", overflow="fold")
        u.add_column("发布日期", no_wrap=True)
        for x in view.unregistered:
            u.add_row(str(x["report_id"]), escape((x["region"] or "") + x["agency"]), x["published"] or "—")
        console.print(u)
