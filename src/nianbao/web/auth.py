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
import threading
import time
from collections import defaultdict, deque
from datetime import datetime, timezone
from pathlib import Path

from fastapi import HTTPException, Request
from sqlalchemy import DateTime, Integer, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


class User(Base):
    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)   # uq_web_users_name
    password_hash: Mapped[str] = mapped_column(String(300), nullable=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(timezone.utc))


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
    of tries per quarter hour. In memory, so per server process (nianbao serve runs one)."""

    def __init__(self, limit: int = 5, window: float = 900.0, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        q = self._failures[key]
        now = self.clock()
        while q and now - q[0] >= self.window:
            q.popleft()
        return q

    def wait_seconds(self, client: str, name: str) -> int:
        """0 when a login may be tried now, else the seconds until one may."""
        with self._lock:
            q = self._recent((client, name.strip()))
            if len(q) < self.limit:
                return 0
            return max(1, int(q[0] + self.window - self.clock()) + 1)

    def failed(self, client: str, name: str) -> None:
        with self._lock:
            self._recent((client, name.strip())).append(self.clock())

    def succeeded(self, client: str, name: str) -> None:
        with self._lock:
            self._failures.pop((client, name.strip()), None)


# ------------------------------------------------------------------ users
class UserError(ValueError):
    """A user cannot be added (message in Chinese)."""


def add_user(engine: Engine, name: str, password: str) -> User:
    name = name.strip()
    if not name:
        raise UserError("用户名不能为空")
    if len(password) < 8:
        raise UserError("密码至少 8 个字符")
    with Session(engine, expire_on_commit=False) as s:
        user = User(name=name, password_hash=hash_password(password))
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
        s.commit()


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    with Session(engine, expire_on_commit=False) as s:
        user = s.scalar(select(User).where(User.name == name.strip()))
    if user is None:
        verify_password(password, _DUMMY_HASH)   # same work either way: no user enumeration by timing
        return None
    return user if verify_password(password, user.password_hash) else None


def list_users(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return list(s.scalars(select(User.name).order_by(User.name)))


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


def current_user(request: Request) -> str | None:
    return request.session.get("user")


def login_session(request: Request, name: str) -> None:
    request.session.clear()            # a fresh session on login: no fixation
    request.session["user"] = name
    csrf_token(request)


def logout_session(request: Request) -> None:
    request.session.clear()


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
    user = current_user(request)
    if not user:
        raise HTTPException(401, "请先登录")
    await check_csrf(request)
    return user
