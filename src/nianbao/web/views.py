"""What every page module shares: a template rendered with the signed-in user and the CSRF token,
and the request's application façade (the Library that web.app builds once)."""
from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from . import auth


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    ctx.update(user=auth.current_user(request), csrf=auth.csrf_token(request))
    return request.app.state.templates.TemplateResponse(request, name, ctx, status_code=status)


def library(request: Request):
    """The Library over the web's store and originals."""
    return request.app.state.backend.library
