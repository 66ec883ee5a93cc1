"""Commands: `nianbao serve` (the web UI) and `nianbao user add` (reviewer accounts)."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import typer

from .app import EXIT_INPUT, app, console, print_json, report_error


user_app = typer.Typer(help="管理网页登录账号。", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _db(db: str | None) -> str | None:
    return db      # None: the store resolves $NIANBAO_DB or ./nianbao.db


@app.command()
def serve(
    db: str = typer.Option(None, "--db", help="数据库 URL（默认 $NIANBAO_DB 或 sqlite:///nianbao.db）"),
    host: str = typer.Option("127.0.0.1", help="监听地址"),
    port: int = typer.Option(8000, help="端口"),
    data_dir: Path = typer.Option(None, "--data-dir", help="原文件与会话密钥目录（默认在 SQLite 文件旁）"),
    max_upload_mb: int = typer.Option(50, "--max-upload-mb", help="每个上传文件的大小上限（MB）"),
    workers: int = typer.Option(2, "--workers", help="上传文件的后台解析进程数"),
    secure_cookies: bool = typer.Option(False, "--secure-cookies", help="会话 Cookie 只经 HTTPS 发送（部署在 HTTPS 之后时使用）"),
) -> None:
    """启动网页界面（报告、审核问题、总览、上传、JSON 接口）。"""
    import uvicorn

    from ..web.app import Settings, create_app

    settings = Settings(db_url=_db(db), data_dir=data_dir, max_upload_mb=max_upload_mb, workers=workers,
                        secure_cookies=secure_cookies)
    web = create_app(settings)
    console.print(f"nianbao 网页界面：http://{host}:{port}/  （数据库 {web.state.backend.url}）", highlight=False, soft_wrap=True)
    uvicorn.run(web, host=host, port=port, log_level="warning")


@user_app.command("add")
def user_add(
    name: str = typer.Argument(..., help="用户名"),
    db: str = typer.Option(None, "--db", help="数据库 URL（默认 $NIANBAO_DB 或 sqlite:///nianbao.db）"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入读取密码（一行）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """添加一个可以上传和删除报告的账号（密码以 scrypt 加盐散列保存）。"""
    from ..web.auth import UserError, add_user
    from ..web.backend import Backend
    from ..web.db import ensure_tables

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再输一次：") != password:
            report_error("两次输入的密码不一致")
            raise typer.Exit(EXIT_INPUT)
    backend = Backend(_db(db))
    ensure_tables(backend.engine)
    try:
        add_user(backend.engine, name, password)
    except UserError as e:
        report_error(str(e))
        raise typer.Exit(EXIT_INPUT) from None
    if as_json:
        print_json({"user": name.strip(), "created": True})
    else:
        console.print(f"已添加用户 {name.strip()}", highlight=False)


@user_app.command("list")
def user_list(
    db: str = typer.Option(None, "--db", help="数据库 URL"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """列出网页登录账号。"""
    from ..web.auth import list_users
    from ..web.backend import Backend
    from ..web.db import ensure_tables

    backend = Backend(_db(db))
    ensure_tables(backend.engine)
    names = list_users(backend.engine)
    if as_json:
        print_json(names)
    else:
        for n in names:
            console.print(n, highlight=False)
