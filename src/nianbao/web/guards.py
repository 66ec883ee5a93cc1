"""Refuse what an anonymous client may not send before its body is read.

Uploads (the report upload paths and any other multipart body) need a login, but FastAPI parses
(and spools to disk) a multipart body before the route's login check runs: an anonymous client
could make the server take in up to the whole request limit for nothing. This middleware sits
inside the session middleware and answers 401 at once when the session holds no valid user
(checked against the database, as every request is: auth.session_account), and 403 when the user
may only read.
"""
from __future__ import annotations

from fastapi import Request

from . import auth

UPLOAD_PATHS = ("/upload", "/api/upload")


def _takes_files(scope) -> bool:
    """An upload: the report upload paths, or any multipart body (the registry import …) but a login's."""
    if scope["path"] in UPLOAD_PATHS:
        return True
    ctype = dict(scope["headers"]).get(b"content-type", b"")
    return ctype.startswith(b"multipart/form-data") and scope["path"] not in ("/login", "/logout")


class RefuseAnonymousUploads:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH") and _takes_files(scope):
            from starlette.concurrency import run_in_threadpool

            request = Request(scope)
            account = await run_in_threadpool(auth.session_account, request)
            if account is None or account[1] not in auth.WRITERS:
                from .app import _error

                status, message = (401, "请先登录") if account is None else (403, auth.READ_ONLY)
                return await _error(request, status, message)(scope, receive, send)
        await self.app(scope, receive, send)
