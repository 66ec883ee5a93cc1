"""Commands: `nianbao serve` (the web UI) and `nianbao user add` (reviewer accounts)."""
from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import typer

from .app import DB_HELP, EXIT_INPUT, app, console, print_json, report_error
from .usage import choice_error


user_app = typer.Typer(help="管理网页登录账号。", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _check_role(option: str, role: str) -> None:
    """A role not among the roles: one line naming the choices, exit 2 (before any password prompt)."""
    from ..web.auth import ROLES

    if role not in ROLES:
        report_error(choice_error(option, role, ROLES))
        raise typer.Exit(EXIT_INPUT)


def _db(db: str | None) -> str | None:
    return db      # None: the store resolves $NIANBAO_DB or ./nianbao.db


MAX_PROCESSES = 8
WORKER_HEALTHCHECK = 60     # seconds a server process may take to answer uvicorn's supervisor


def default_processes() -> int:
    """One server process per CPU, at least 1, at most MAX_PROCESSES."""
    return min(MAX_PROCESSES, max(1, os.cpu_count() or 1))


@app.command()
def serve(
    db: str = typer.Option(None, "--db", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", help="监听地址"),
    port: int = typer.Option(8000, help="端口"),
    data_dir: Path = typer.Option(None, "--data-dir", help="原文件与会话密钥目录（默认在 SQLite 文件旁）"),
    max_upload_mb: int = typer.Option(50, "--max-upload-mb", help="每个上传文件的大小上限（MB）"),
    workers: int = typer.Option(2, "--workers", help="上传文件的后台解析进程数（每个服务进程各自的）"),
    processes: int = typer.Option(None, "--processes", min=1, max=64,
                                  help=f"网页服务进程数（默认 CPU 核数，至少 1、至多 {MAX_PROCESSES}；1 为单进程）。"
                                       "上传进度、登录失败次数和上传额度经数据库在各进程间共享"),
    secure_cookies: bool = typer.Option(False, "--secure-cookies", help="会话 Cookie 只经 HTTPS 发送（部署在 HTTPS 之后时使用）"),
    trusted_proxy: list[str] = typer.Option(None, "--trusted-proxy",
                                            help="可信反向代理的地址（可重复）：只有来自它的 X-Forwarded-For 才被采信"),
) -> None:
    """启动网页界面（报告、审核问题、总览、上传、JSON 接口）。"""
    import uvicorn

    from ..store import resolve_url
    from ..web.app import SETTINGS_ENV, Settings, create_app

    processes = processes or default_processes()
    settings = Settings(db_url=resolve_url(_db(db)), data_dir=data_dir, max_upload_mb=max_upload_mb,
                        workers=workers, secure_cookies=secure_cookies, warm=True)
    # built here even with several processes: the store and the web tables are migrated, the session
    # key is created and a bad database is reported once, before any server process starts
    web = create_app(settings)
    console.print(f"nianbao 网页界面：http://{host}:{port}/  （数据库 {web.state.backend.url}"
                  f"{f'，{processes} 个服务进程' if processes > 1 else ''}）", highlight=False, soft_wrap=True)
    options = dict(host=host, port=port, log_level="warning", **proxy_options(trusted_proxy))
    if processes == 1:
        uvicorn.run(web, **options)
        return
    web.state.jobs.shutdown()
    web.state.backend.close()
    os.environ[SETTINGS_ENV] = settings.to_json()        # each process builds its app from these (the factory)
    try:
        # uvicorn restarts a worker that does not answer its health check in time; 5 s (its default) is
        # less than a busy machine may take to start one, and it would restart them forever
        uvicorn.run("nianbao.web.app:create_app_from_env", factory=True, workers=processes,
                    timeout_worker_healthcheck=WORKER_HEALTHCHECK, **options)
    finally:
        os.environ.pop(SETTINGS_ENV, None)


def proxy_options(trusted_proxy: list[str] | None) -> dict:
    """uvicorn's options for X-Forwarded-For: it names the client (and so the login throttle's key) only
    when it comes from a proxy configured as trusted; otherwise anyone could send a new address with
    every guess (uvicorn on its own trusts it from 127.0.0.1)."""
    return {"proxy_headers": bool(trusted_proxy),
            "forwarded_allow_ips": ",".join(trusted_proxy) if trusted_proxy else None}


def _read_password(from_stdin: bool, prompt: str) -> str:
    """One line of standard input, or the password typed twice at a prompt (exit 2 when they differ)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass(prompt)
    if getpass.getpass("再输一次：") != password:
        report_error("两次输入的密码不一致")
        raise typer.Exit(EXIT_INPUT)
    return password


@user_app.command("add")
def user_add(
    name: str = typer.Argument(..., help="用户名"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入读取密码（一行）"),
    role: str = typer.Option("reviewer", "--role", help="admin（管理员）、reviewer（审核人，可上传、审核、删除）、viewer（只读）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """添加一个账号（密码以 scrypt 加盐散列保存）；角色决定能否修改。"""
    from ..web.auth import UserError, add_user
    from ..web.backend import Backend
    from ..web.db import ensure_tables

    _check_role("--role", role)
    password = _read_password(password_stdin, "密码：")
    backend = Backend(_db(db))
    ensure_tables(backend.engine)
    try:
        add_user(backend.engine, name, password, role=role)
    except UserError as e:
        report_error(str(e))
        raise typer.Exit(EXIT_INPUT) from None
    if as_json:
        print_json({"user": name.strip(), "created": True})
    else:
        console.print(f"已添加用户 {name.strip()}", highlight=False)


@user_app.command("list")
def user_list(
    db: str = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """列出网页登录账号：角色、是否停用、创建时间。"""
    from rich import box
    from rich.table import Table

    from ..web.auth import ROLES, users
    from ..web.backend import Backend
    from ..web.db import ensure_tables

    backend = Backend(_db(db))
    ensure_tables(backend.engine)
    rows = users(backend.engine)
    if as_json:
        print_json(rows)
        return
    t = Table(box=box.SIMPLE_HEAD)
    for col in ("账号", "角色", "状态", "创建时间"):
        t.add_column(col, no_wrap=True)
    for u in rows:
        t.add_row(u["name"], ROLES.get(u["role"], u["role"]), "已停用" if u["disabled"] else "正常",
                  f"{u['created']:%Y-%m-%d %H:%M}" if u["created"] else "—")
    console.print(t)


def _change_user(db: str | None, name: str, change, done: str, as_json: bool, **extra) -> None:
    """Run one account change; a missing user is one line, exit 2. The user's sessions end at once."""
    from ..web.auth import UserError
    from ..web.backend import Backend
    from ..web.db import ensure_tables

    backend = Backend(_db(db))
    try:
        ensure_tables(backend.engine)
        change(backend.engine)
    except UserError as e:
        report_error(str(e))
        raise typer.Exit(EXIT_INPUT) from None
    finally:
        backend.close()
    if as_json:
        print_json({"user": name, **extra})
    else:
        console.print(f"{done}（该用户已登录的会话立即失效）", highlight=False)


@user_app.command("disable")
def user_disable(name: str = typer.Argument(..., help="用户名"), db: str = typer.Option(None, "--db", help=DB_HELP),
                 as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """停用账号：不能再登录，已登录的会话立即失效。"""
    from ..web.auth import set_disabled
    _change_user(db, name, lambda e: set_disabled(e, name, True), f"已停用用户 {name}", as_json, disabled=True)


@user_app.command("enable")
def user_enable(name: str = typer.Argument(..., help="用户名"), db: str = typer.Option(None, "--db", help=DB_HELP),
                as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """重新启用账号。"""
    from ..web.auth import set_disabled
    _change_user(db, name, lambda e: set_disabled(e, name, False), f"已启用用户 {name}", as_json, disabled=False)


@user_app.command("remove")
def user_remove(name: str = typer.Argument(..., help="用户名"), db: str = typer.Option(None, "--db", help=DB_HELP),
                as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """删除账号（留痕中的操作人名字保留），已登录的会话立即失效。"""
    from ..web.auth import remove_user
    _change_user(db, name, lambda e: remove_user(e, name), f"已删除用户 {name}", as_json, removed=True)


@user_app.command("role")
def user_role(name: str = typer.Argument(..., help="用户名"),
              role: str = typer.Argument(..., help="admin、reviewer 或 viewer"),
              db: str = typer.Option(None, "--db", help=DB_HELP),
              as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """改变账号的角色（已登录的会话失效，需重新登录）。"""
    from ..web.auth import set_role
    _check_role("ROLE", role)
    _change_user(db, name, lambda e: set_role(e, name, role), f"用户 {name} 的角色改为 {role}", as_json, role=role)


@user_app.command("reset-password")
def user_reset_password(
    name: str = typer.Argument(..., help="用户名"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入读取新密码（一行）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """重设密码；该用户已登录的会话立即失效。"""
    from ..web.auth import set_password

    password = _read_password(password_stdin, "新密码：")
    _change_user(db, name, lambda e: set_password(e, name, password), f"已重设用户 {name} 的密码", as_json,
                 password_reset=True)
