"""Where the store lives and how to connect: URL resolution, engine setup, self-migration.

SQLite is the embedded default (`nianbao.db` in the working directory); PostgreSQL via a
`postgresql+psycopg://…` URL or the NIANBAO_DB environment variable.
"""
from __future__ import annotations

import contextvars
import os
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine

DEFAULT_URL = "sqlite:///nianbao.db"
MIGRATIONS = Path(__file__).with_name("migrations")

# Set while a write transaction is opened: SQLite then starts it with BEGIN IMMEDIATE, so two
# writers queue on the busy timeout instead of failing when a read lock cannot be upgraded.
_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("nianbao_immediate", default=False)


def resolve_url(url: str | os.PathLike | None = None) -> str:
    """The database URL: the argument, else $NIANBAO_DB, else ./nianbao.db. A bare path means SQLite."""
    u = str(url) if url else os.environ.get("NIANBAO_DB") or DEFAULT_URL
    if "://" not in u:
        u = f"sqlite:///{Path(u).expanduser()}"
    if u.startswith(("postgresql://", "postgres://")):
        u = "postgresql+psycopg://" + u.split("://", 1)[1]    # psycopg 3 is the driver we ship
    return u


def sqlite_read_only(url: str) -> bool:
    """Whether a SQLite store must be opened read-only: its file exists but cannot be written
    (a read-only mount, no write permission, an immutable file)."""
    path = sqlite_path(url)
    if path is None or not path.exists():
        return False
    return read_only_mount(path) or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def _read_only_url(url: str) -> str:
    """The same SQLite file opened read-only; `immutable` where not even SQLite's shared-memory
    file can be made (nothing can change the file there, so no locking is needed)."""
    path = sqlite_path(url)
    assert path is not None
    frozen = read_only_mount(path) or not os.access(path.parent, os.W_OK)
    wal = path.with_name(path.name + "-wal")
    if frozen and wal.exists() and wal.stat().st_size > 0:
        frozen = False      # committed pages still in the WAL: read them through its -shm index
    return f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro{'&immutable=1' if frozen else ''}&uri=true"


def check_schema(engine: Engine, url: str) -> None:
    """A read-only store cannot be migrated: it must already be at the current schema."""
    from ..errors import StoreError

    have = current_revision(engine)
    if have != head_revision():
        raise StoreError(f"数据库 {sqlite_path(url)} 是只读的，且结构版本（{have or '空'}）需要升级到 "
                         f"{head_revision()}：请在可写的位置打开一次（nianbao db upgrade）", "schema")


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    if url.startswith("sqlite"):
        if read_only:
            url = _read_only_url(url)
        # a web server process runs up to ~20 requests at once on its threads: with SQLAlchemy's
        # default pool (5 + 10 overflow) the overflow connections were closed and opened again (WAL and
        # pragmas each time) under load; an idle SQLite connection costs little
        pool = {"pool_size": 20, "max_overflow": 20} if sqlite_path(url) is not None else {}   # not :memory:
        engine = create_engine(url, connect_args={"timeout": 60}, **pool)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None    # we issue BEGIN ourselves (see _begin)
            cur = dbapi_conn.cursor()
            if read_only:
                cur.execute("PRAGMA query_only=ON")
                cur.close()
                return
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to `revision` (the store calls this on open)."""
    from alembic import command

    if revision == "head" and current_revision(engine) == head_revision():
        return
    token = _immediate.set(True)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), revision)
    except Exception:
        # another process may have migrated between our check and our upgrade
        if current_revision(engine) != head_revision():
            raise
    finally:
        _immediate.reset(token)


# ---------------------------------------------------------------- errors a user can act on
_KINDS = (   # (kind, words in the driver's message, SQLSTATE prefixes on PostgreSQL)
    ("full", ("database or disk is full", "no space left", "disk full", "could not extend file"), ("53100",)),
    ("readonly", ("readonly database", "read-only", "read only"), ("25006",)),
    ("busy", ("database is locked", "database table is locked"), ("55P03", "40001", "40P01")),
    ("corrupt", ("malformed", "file is not a database", "file is encrypted or is not a database"), ()),
    ("io", ("disk i/o error",), ("58030",)),
    ("cantopen", ("unable to open database", "connection refused", "could not connect", "connection failed",
                  "could not translate host", "password authentication failed", "does not exist"), ("08",)),
)


FATAL = frozenset({"full", "readonly", "io", "corrupt", "cantopen"})   # the database as a whole fails


def error_kind(e: BaseException) -> str | None:
    """What a database error means for the user ("full", "readonly", …), or None for an error of
    one statement (a constraint, a bug) that says nothing about the database as a whole."""
    orig = getattr(e, "orig", None) or e
    text = str(orig).lower()
    state = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None) or ""
    if isinstance(orig, OSError) and getattr(orig, "errno", None) == 28:
        return "full"
    for kind, words, states in _KINDS:
        if any(w in text for w in words) or (state and state.startswith(states)):
            return kind
    return None


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL and in-memory databases)."""
    if not url.startswith("sqlite"):
        return None
    rest = url.split(":///", 1)[1] if ":///" in url else ""
    rest = rest.removeprefix("file:").split("?", 1)[0]
    return Path(rest) if rest and rest != ":memory:" else None


def read_only_mount(path: Path) -> bool:
    """Whether the file system holding `path` (or its nearest existing parent) is mounted read-only."""
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        return bool(os.statvfs(p).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def describe(e: BaseException, url: str, doing: str) -> StoreError:
    """One line for a database error: what happened, which database, what to do."""
    from ..errors import StoreError

    kind = error_kind(e) or "other"
    path = sqlite_path(url)
    where = str(path) if path else _shown_url(url)
    orig = getattr(e, "orig", None) or e
    detail = str(orig).splitlines()[0].strip() if str(orig).strip() else type(orig).__name__
    if kind == "full":
        msg = (f"数据库{doing}失败：磁盘空间已满（数据库 {where}）。请清理磁盘空间，或用 --db 指定有空间的位置，"
               f"然后重新运行（已入库的报告不会重复处理）")
    elif kind == "readonly" or (kind in ("cantopen", "io") and path is not None and _not_writable(path)):
        kind = "readonly"
        if path is not None and read_only_mount(path):
            why = "所在文件系统以只读方式挂载"
        elif path is not None:
            why = "数据库文件或所在目录不可写（权限或文件属性）"
        else:
            why = "数据库服务器处于只读状态"
        msg = (f"数据库{doing}失败：数据库 {where} 是只读的（{why}）。查询仍可进行；入库请改用可写的数据库"
               f"（--db），或恢复写入权限后重新运行")
    elif kind == "busy":
        msg = f"数据库{doing}失败：数据库 {where} 被其他进程长时间占用（{detail}）。请等其他入库结束后重新运行"
    elif kind == "corrupt":
        msg = f"数据库{doing}失败：{where} 不是有效的数据库或已损坏（{detail}）。请从备份恢复，或用 --db 指定新数据库"
    elif kind == "io":
        msg = f"数据库{doing}失败：读写 {where} 时发生磁盘错误（{detail}）。请检查磁盘后重新运行"
    elif kind == "cantopen":
        msg = f"无法打开数据库 {where}（{detail}）。请检查路径或服务器地址、权限，或用 --db 指定数据库"
    else:
        msg = f"数据库{doing}失败（数据库 {where}；{type(orig).__name__}: {detail}）"
    return StoreError(msg, kind)


def _not_writable(path: Path) -> bool:
    """The database file, its WAL or its folder cannot be written (made read-only, perhaps mid-run)."""
    if not path.exists():
        return path.parent.exists() and not os.access(path.parent, os.W_OK)
    wal = path.with_name(path.name + "-wal")
    return read_only_mount(path) or any(p.exists() and not os.access(p, os.W_OK) for p in (path, wal, path.parent))


def _shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 — a URL too broken to parse is shown as given
        return url


class HotRead:
    """One fixed read statement run on a pooled DBAPI connection, compiled once for the engine.

    Why: the web asks a report's version or the store's data version on every page view, and
    SQLAlchemy's Connection around a one-row indexed query (checkout, BEGIN, result wrapping,
    rollback) costs four times the query (~200 µs against ~45 µs on SQLite); a list page reads two
    such statements of 50 rows. A single statement needs no transaction of its own; values are
    converted as SQLAlchemy's results convert them and errors are wrapped as SQLAlchemy's, so callers
    handle them as any other (`error_kind`, `describe`)."""

    def __init__(self, engine: Engine, statement):
        self.engine = engine
        self.compiled = statement.compile(dialect=engine.dialect)
        self.sql = str(self.compiled)
        # each column's conversion from the driver's value (SQLite: text to datetime, 0/1 to bool, JSON
        # text to objects), as SQLAlchemy's own results apply it
        self.processors = [c.type.dialect_impl(engine.dialect).result_processor(engine.dialect, None)
                           for c in statement.selected_columns]

    def one(self, **params) -> tuple | None:
        """The first row, or None."""
        rows = self._run(params, one=True)
        return rows[0] if rows else None

    def all(self, **params) -> list[tuple]:
        """Every row. A list parameter of an IN (bindparam(…, expanding=True)) is spread out."""
        return self._run(params, one=False)

    def _run(self, params: dict, one: bool) -> list[tuple]:
        from sqlalchemy.exc import DBAPIError

        c = self.compiled
        if c.post_compile_params:               # IN (:ids): one placeholder per value
            state = c.construct_expanded_state(params)
            sql, args = state.statement, state.positional_parameters if c.positional else state.parameters
        else:
            values = c.construct_params(params)
            sql, args = self.sql, tuple(values[n] for n in c.positiontup) if c.positional else values
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            try:
                cur.execute(sql, args)
                rows = cur.fetchmany(1) if one else cur.fetchall()
            finally:
                cur.close()
        except self.engine.dialect.loaded_dbapi.Error as e:
            raise DBAPIError.instance(sql, args, e, self.engine.dialect.loaded_dbapi.Error) from e
        finally:
            raw.close()         # back to the pool, which rolls back what PostgreSQL's driver began
        fs = self.processors
        if not any(fs):
            return [tuple(r) for r in rows]
        return [tuple(v if f is None or v is None else f(v) for f, v in zip(fs, r)) for r in rows]
