"""Reviewer accounts, password hashing, sessions and CSRF tokens.

Reading is open; write actions (upload, delete) need a login. Passwords are
hashed with scrypt and a per-user salt; sessions are signed cookies
(starlette SessionMiddleware); every form and HTMX write carries the session's
CSRF token (hidden field `csrf_token` or header `X-CSRF-Token`).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from datetime import datetime, timezone
from pathlib import Path

from fastapi import HTTPException, Request
from sqlalchemy import Boolean, DateTime, Integer, String, delete, false, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base, login_failures_table, writing

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


class User(Base):
    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)   # uq_web_users_name
    password_hash: Mapped[str] = mapped_column(String(300), nullable=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(timezone.utc))
    role: Mapped[str] = mapped_column(String(10), default="reviewer", server_default="reviewer")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # bumped on disable, password reset and role change: every session signed before ends at once
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


ROLES = {"admin": "管理员", "reviewer": "审核人", "viewer": "只读"}
WRITERS = ("admin", "reviewer")
READ_ONLY = "只读账号不能修改（请联系管理员）"


# ------------------------------------------------------------------ passwords
def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        if algo != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(base64.b64decode(digest)))
    except ValueError:
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


# ------------------------------------------------------------------ login throttling
class LoginThrottle:
    """Refuses logins for a (client address, user name) after `limit` failures within `window`
    seconds, until the oldest of them is `window` seconds old: password guessing gets a handful
    of tries per quarter hour. A client is also refused after `client_limit` failures under any
    names (spraying many names from one address). The failures are rows of a table (web_login_failures),
    so every server process of `nianbao serve --processes N` counts those made against the others;
    rows older than the window are dropped as new ones come, and the table keeps at most `max_rows`
    (the oldest half goes first), so login spam cannot grow it without bound. The client is the
    socket's peer unless the server trusts a proxy's X-Forwarded-For (nianbao serve --trusted-proxy)."""

    def __init__(self, engine: Engine, limit: int = 5, window: float = 900.0, clock=time.time,
                 client_limit: int = 50, max_rows: int = 100_000):
        self.engine, self.limit, self.window, self.clock = engine, limit, window, clock
        self.client_limit, self.max_rows = client_limit, max_rows

    @staticmethod
    def _key(client: str, name: str) -> tuple[str, str]:
        return client[:200], name.strip()[:200]

    def _wait(self, conn, where, limit: int, now: float) -> int:
        t = login_failures_table
        recent = conn.execute(select(t.c.at).where(*where, t.c.at > now - self.window)
                              .order_by(t.c.at.desc()).limit(limit)).scalars().all()
        if len(recent) < limit:
            return 0
        return max(1, int(recent[-1] + self.window - now) + 1)

    def wait_seconds(self, client: str, name: str) -> int:
        """0 when a login may be tried now, else the seconds until one may."""
        t, (client, name), now = login_failures_table, self._key(client, name), self.clock()
        with self.engine.connect() as c:
            return max(self._wait(c, (t.c.client == client, t.c.name == name), self.limit, now),
                       self._wait(c, (t.c.client == client,), self.client_limit, now))

    def failed(self, client: str, name: str) -> None:
        t, (client, name), now = login_failures_table, self._key(client, name), self.clock()
        with writing(self.engine) as c:
            c.execute(insert(t).values(client=client, name=name, at=now))
            c.execute(delete(t).where(t.c.at <= now - self.window))
            rows = c.execute(select(func.count()).select_from(t)).scalar_one()
            if rows > self.max_rows:        # still full of live failures: drop the oldest half
                oldest = select(t.c.id).order_by(t.c.at, t.c.id).limit(rows - rows // 2)
                c.execute(delete(t).where(t.c.id.in_(oldest)))

    def rows(self) -> int:
        with self.engine.connect() as c:
            return c.execute(select(func.count()).select_from(login_failures_table)).scalar_one()

    def succeeded(self, client: str, name: str) -> None:
        t, (client, name) = login_failures_table, self._key(client, name)
        with writing(self.engine) as c:
            c.execute(delete(t).where(t.c.client == client, t.c.name == name))


# ------------------------------------------------------------------ users
class UserError(ValueError):
    """A user cannot be added (message in Chinese)."""


def add_user(engine: Engine, name: str, password: str, role: str = "reviewer") -> User:
    name = name.strip()
    if not name:
        raise UserError("用户名不能为空")
    if len(password) < 8:
        raise UserError("密码至少 8 个字符")
    if role not in ROLES:
        raise UserError(f"角色只能是 {'、'.join(ROLES)}")
    with Session(engine, expire_on_commit=False) as s:
        # a random first epoch: an account removed and added again under the same name (SQLite may even
        # reuse its id) does not accept the old account's cookies
        user = User(name=name, password_hash=hash_password(password), role=role,
                    session_epoch=secrets.randbelow(2**30))
        s.add(user)
        try:
            s.commit()
        except IntegrityError:
            raise UserError(f"用户 {name} 已存在") from None
        return user


def set_password(engine: Engine, name: str, password: str) -> None:
    if len(password) < 8:
        raise UserError("密码至少 8 个字符")
    with Session(engine) as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            raise UserError(f"用户 {name} 不存在")
        user.password_hash = hash_password(password)
        user.session_epoch = (user.session_epoch or 0) + 1      # a reset ends the old sessions
        s.commit()


def _change(engine: Engine, name: str, **values) -> None:
    """Change a user and end its sessions (the epoch its cookies carry no longer matches)."""
    with Session(engine) as s:
        res = s.execute(update(User).where(User.name == name.strip())
                        .values(session_epoch=User.session_epoch + 1, **values))
        if res.rowcount != 1:
            raise UserError(f"用户 {name} 不存在")
        s.commit()


def set_role(engine: Engine, name: str, role: str) -> None:
    if role not in ROLES:
        raise UserError(f"角色只能是 {'、'.join(ROLES)}")
    _change(engine, name, role=role)


def set_disabled(engine: Engine, name: str, disabled: bool = True) -> None:
    _change(engine, name, disabled=disabled)


def remove_user(engine: Engine, name: str) -> None:
    with Session(engine) as s:
        user = s.scalar(select(User).where(User.name == name.strip()))
        if user is None:
            raise UserError(f"用户 {name} 不存在")
        s.delete(user)
        s.commit()


def users(engine: Engine) -> list[dict]:
    with Session(engine) as s:
        return [{"name": u.name, "role": u.role, "disabled": bool(u.disabled), "created": u.created}
                for u in s.scalars(select(User).order_by(User.name))]


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    with Session(engine, expire_on_commit=False) as s:
        user = s.scalar(select(User).where(User.name == name.strip()))
    if user is None:
        verify_password(password, _DUMMY_HASH)   # same work either way: no user enumeration by timing
        return None
    ok = verify_password(password, user.password_hash)
    return user if ok and not user.disabled else None


# scrypt is CPU-bound by design: at most this many hashes at once, so a burst of logins (spam)
# neither holds every worker thread of the pages nor every core
_HASHING = None


async def authenticate_off_loop(engine: Engine, name: str, password: str) -> User | None:
    """`authenticate` on a worker thread, at most half the cores' worth at a time: the event loop
    and the other requests' threads stay free while logins hash."""
    global _HASHING
    import anyio

    if _HASHING is None:
        _HASHING = anyio.CapacityLimiter(max(1, (os.cpu_count() or 2) // 2))
    return await anyio.to_thread.run_sync(lambda: authenticate(engine, name, password), limiter=_HASHING)


_DUMMY_HASH = hash_password("not a real password")


# ------------------------------------------------------------------ session secret
def load_secret(data_dir: Path) -> str:
    """NIANBAO_SECRET from the environment, else a random key kept in the data dir (created once)."""
    env = os.environ.get("NIANBAO_SECRET")
    if env:
        return env
    path = data_dir / "session.key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


# ------------------------------------------------------------------ request helpers
def csrf_token(request: Request) -> str:
    tok = request.session.get("csrf")
    if not tok:
        tok = secrets.token_urlsafe(32)
        request.session["csrf"] = tok
    return tok


def _engine(request: Request) -> Engine:
    return request.app.state.backend.engine


def session_account(request: Request) -> tuple[str, str] | None:
    """(name, role) of the session's user, checked against the database on every request: a user
    removed, disabled, or whose password or role changed since the login has no session any more
    (the cookie alone is not trusted for its 12 hours)."""
    cached = getattr(request.state, "nianbao_account", False)
    if cached is not False:
        return cached
    name = request.session.get("user")
    account = None
    if name:
        with Session(_engine(request)) as s:
            row = s.execute(select(User.id, User.role, User.disabled, User.session_epoch)
                            .where(User.name == name)).first()
        # the id too: a user removed and added again under the same name is another account
        if row is not None and not row.disabled and row.id == request.session.get("uid") and \
                (row.session_epoch or 0) == request.session.get("epoch"):
            account = (name, row.role or "reviewer")
        else:
            for k in ("user", "uid", "epoch"):
                request.session.pop(k, None)
    request.state.nianbao_account = account
    return account


def current_user(request: Request) -> str | None:
    account = session_account(request)
    return account[0] if account else None


def login_session(request: Request, name: str) -> None:
    request.session.clear()            # a fresh session on login: no fixation
    with Session(_engine(request)) as s:
        row = s.execute(select(User.id, User.session_epoch).where(User.name == name)).first()
    request.session["user"] = name
    request.session["uid"] = row.id if row else None
    request.session["epoch"] = (row.session_epoch or 0) if row else None
    request.state.nianbao_account = False      # checked afresh
    csrf_token(request)


def logout_session(request: Request) -> None:
    request.session.clear()
    request.state.nianbao_account = None


async def check_csrf(request: Request) -> None:
    """Refuse a write whose token (header or form field) is not the session's."""
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            sent = form.get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise HTTPException(403, "CSRF 校验失败：请刷新页面后重试")


async def require_writer(request: Request) -> str:
    """Dependency for write actions: a logged-in user and a valid CSRF token."""
    account = session_account(request)
    if not account:
        raise HTTPException(401, "请先登录")
    if account[1] not in WRITERS:
        raise HTTPException(403, READ_ONLY)
    await check_csrf(request)
    return account[0]
