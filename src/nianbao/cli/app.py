"""The Typer app and what every command shares: JSON output, one-line errors, exit codes.

Exit codes: 0 ok, 1 audit findings at or above --fail-on, 2 usage or input error.
"""
from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from ..errors import InputError, os_error_message

app = typer.Typer(
    name="nianbao",
    help="政府信息公开工作年度报告：解析、审核、入库、比较、导出。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2

DB_HELP = "数据库 URL， 如 sqlite:///路径、 postgresql+psycopg://…； 默认 $NIANBAO_DB， 否则 ./nianbao.db"
USER_HELP = "操作人（默认 $NIANBAO_USER，否则当前登录名）"

T = TypeVar("T")


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=1, default=str) + "\n")


def report_error(err: InputError | str) -> None:
    """One line on stderr naming the file and the problem."""
    err_console.print(f"[red]错误[/red] {err}", highlight=False, soft_wrap=True)


def expand_paths(paths: Iterable[Path], skipped: list[str] | None = None) -> Iterator[Path]:
    """Files named, and the report files inside folders named (recursively, sorted; by name, as
    ingest takes them: ingest.REPORT_SUFFIXES). The other files of a folder (JSON data, images …)
    are appended to `skipped`; a file named is always yielded (its reader says what is wrong)."""
    from ..ingest import is_report_name

    for p in paths:
        if not p.is_dir():
            yield p
            continue
        for f in sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")):
            if is_report_name(f.name):
                yield f
            elif skipped is not None:
                skipped.append(str(f))


def each_file(paths: Iterable[Path], work: Callable[[Path], T]) -> tuple[list[tuple[Path, T]], list[InputError]]:
    """Run `work` on every file; a bad file is reported in one line and the batch goes on."""
    done: list[tuple[Path, T]] = []
    errors: list[InputError] = []
    skipped: list[str] = []
    for path in expand_paths(paths, skipped):
        try:
            done.append((path, work(path)))
        except InputError as e:
            e.file = e.file or str(path)
            report_error(e)
            errors.append(e)
        except OSError as e:    # not found, no permission, a directory …: in Chinese, not the OS's English
            err = InputError(os_error_message(e), str(path))
            report_error(err)
            errors.append(err)
        except Exception as e:  # a bug or a file we did not foresee: still one line, batch goes on
            err = InputError(f"无法处理（{type(e).__name__}: {e}）", str(path))
            report_error(err)
            errors.append(err)
    from ..ingest import REPORT_FILES, skipped_summary

    note = skipped_summary(skipped, "读取 " + REPORT_FILES)
    if note:
        err_console.print(f"[yellow]{note}[/yellow]", highlight=False, soft_wrap=True)
    return done, errors


def finish_batch(errors: list[InputError], total: int) -> None:
    if errors and total > 1:
        err_console.print(f"[yellow]{len(errors)} 个文件未能处理：[/yellow]")
        for e in errors:
            err_console.print(f"  {e}", highlight=False, soft_wrap=True)


def acting_user(user: str | None) -> str:
    """Who does it, for the trail: --user, else $NIANBAO_USER, else the login name."""
    return user or os.environ.get("NIANBAO_USER") or getpass.getuser()


def open_library(db: str | None, **kw):
    """The Library over the store at `db` (close it when done); a store that cannot be opened is one
    line, exit 2."""
    from ..errors import StoreError
    from ..library import Library

    try:
        return Library(db, **kw)
    except StoreError as e:         # disk full, read-only and not at the current schema, unreachable …
        report_error(e.message)
        raise typer.Exit(EXIT_INPUT) from None
    except Exception as e:  # noqa: BLE001 — a wrong URL or an unreachable server: one line, exit 2
        detail = str(e).splitlines()[0] if str(e).strip() else ""
        report_error(f"无法打开数据库 {db or os.environ.get('NIANBAO_DB') or 'nianbao.db'}（{type(e).__name__}: {detail}）")
        raise typer.Exit(EXIT_INPUT) from None


@contextmanager
def library(db: str | None, **kw) -> Iterator:
    """`with library(db) as lib:` — the Library, closed after, and every error a user can act on
    (input, review, configuration, store) as one Chinese line and exit 2."""
    from ..errors import StoreError
    from ..oversight.config import ConfigError
    from ..store.review import ReviewError

    lib = open_library(db, **kw)
    try:
        yield lib
    except InputError as e:
        report_error(e)             # with the file it is about, when it names one
        raise typer.Exit(EXIT_INPUT) from None
    except (ReviewError, ConfigError) as e:
        report_error(getattr(e, "message", None) or str(e))
        raise typer.Exit(EXIT_INPUT) from None
    except StoreError as e:
        report_error(e.message)
        raise typer.Exit(EXIT_INPUT) from None
    finally:
        lib.close()
