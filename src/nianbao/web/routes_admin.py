"""Account administration in the web (/admin/users, admins only): add a user, disable or enable,
remove, reset a password and change a role — what `nianbao user …` does on the command line.

Every change goes through web/auth.py, which bumps the account's session epoch: the user's open
sessions end at the next request. Forms carry the session's CSRF token like every other form.
Handlers are plain `def`: FastAPI runs them on a worker thread, so the scrypt of a new password
never holds the event loop. An admin cannot disable, remove or demote their own account (the last
way back in would be the command line).
"""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from . import auth

router = APIRouter(prefix="/admin", include_in_schema=False)


def _admin(request: Request) -> str:
    account = auth.session_account(request)
    if account is None:
        raise HTTPException(401, "请先登录")
    if account[1] != "admin":
        raise HTTPException(403, "需要管理员权限")
    return account[0]


async def require_admin_write(request: Request) -> str:
    """Dependency of every change: an admin's session and its CSRF token."""
    name = _admin(request)
    await auth.check_csrf(request)
    return name


def _page(request: Request, admin: str, status: int = 200, error: str = "", done: str = "") -> HTMLResponse:
    engine = request.app.state.backend.engine
    return request.app.state.templates.TemplateResponse(
        request, "admin_users.html",
        {"users": auth.users(engine), "roles": auth.ROLES, "me": admin, "error": error, "done": done,
         "user": admin, "csrf": auth.csrf_token(request)}, status_code=status)


def _done(request: Request, message: str) -> RedirectResponse:
    request.session["admin_done"] = message         # shown once by the next page view (post/redirect/get)
    return RedirectResponse("/admin/users", status_code=303)


def _change(request: Request, admin: str, target: str, change, message: str, self_ok: bool = False):
    if target == admin and not self_ok:
        return _page(request, admin, 400, error="不能停用、删除自己的账号或改变自己的角色（请由另一位管理员操作）")
    try:
        change(request.app.state.backend.engine)
    except auth.UserError as e:
        return _page(request, admin, 400 if "不存在" not in str(e) else 404, error=str(e))
    return _done(request, message)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request):
    if auth.session_account(request) is None:
        return RedirectResponse("/login?next=" + quote("/admin/users"), status_code=303)
    admin = _admin(request)
    return _page(request, admin, done=request.session.pop("admin_done", ""))


@router.post("/users", response_class=HTMLResponse)
def add_user(request: Request, name: str = Form(...), password: str = Form(...), role: str = Form("reviewer"),
             admin: str = Depends(require_admin_write)):
    try:
        auth.add_user(request.app.state.backend.engine, name, password, role=role)
    except auth.UserError as e:
        return _page(request, admin, 409 if "已存在" in str(e) else 400, error=str(e))
    return _done(request, f"已添加用户 {name.strip()}（{auth.ROLES[role]}）")


@router.post("/users/{name:path}/role", response_class=HTMLResponse)
def change_role(request: Request, name: str, role: str = Form(...), admin: str = Depends(require_admin_write)):
    label = auth.ROLES.get(role, role)
    return _change(request, admin, name, lambda e: auth.set_role(e, name, role),
                   f"用户 {name} 的角色改为{label}（其已登录的会话立即失效）")


@router.post("/users/{name:path}/disable", response_class=HTMLResponse)
def disable(request: Request, name: str, admin: str = Depends(require_admin_write)):
    return _change(request, admin, name, lambda e: auth.set_disabled(e, name, True),
                   f"已停用用户 {name}（其已登录的会话立即失效）")


@router.post("/users/{name:path}/enable", response_class=HTMLResponse)
def enable(request: Request, name: str, admin: str = Depends(require_admin_write)):
    return _change(request, admin, name, lambda e: auth.set_disabled(e, name, False), f"已启用用户 {name}")


@router.post("/users/{name:path}/remove", response_class=HTMLResponse)
def remove(request: Request, name: str, admin: str = Depends(require_admin_write)):
    return _change(request, admin, name, lambda e: auth.remove_user(e, name),
                   f"已删除用户 {name}（留痕中的操作人名字保留）")


@router.post("/users/{name:path}/password", response_class=HTMLResponse)
def reset_password(request: Request, name: str, password: str = Form(...),
                   admin: str = Depends(require_admin_write)):
    # one's own password may be reset here too (the session then ends: log in again with the new one)
    return _change(request, admin, name, lambda e: auth.set_password(e, name, password),
                   f"已重设用户 {name} 的密码（其已登录的会话立即失效）", self_ok=True)
