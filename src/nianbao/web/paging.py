"""Paging of every list the web answers: `?page=` (from 1) and `?limit=` (default 50, at most 500).

Why: a list endpoint that returns everything by default costs seconds at a few thousand reports.
Each list is one page; the JSON API keeps the list as the body and says where it is in headers
(as GitHub's API does): `X-Total-Count`, `X-Page`, `X-Limit` and a `Link` header with rel
next / prev / first / last. A page number or limit that is not a small positive integer (`1e17`,
`10**30`, `-1`) is a 400 with a Chinese message, never a 500.

    @router.get("/api/things")
    def things(request: Request, response: Response, p: Paging = Depends(paging)):
        total = store.count_things()
        rows = store.things(limit=p.limit, offset=p.offset)
        p.headers(request, response, total)
        return rows
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query, Request, Response

from .params import int_param

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_PAGE = 1_000_000          # 500 million rows in: far beyond any store, and within every integer type

PAGE_HEADERS = {
    "X-Total-Count": {"description": "符合条件的总条数", "schema": {"type": "integer"}},
    "X-Page": {"description": "当前页码（从 1 起）", "schema": {"type": "integer"}},
    "X-Limit": {"description": "每页条数", "schema": {"type": "integer"}},
    "Link": {"description": "相邻页的地址（rel=\"next\"、\"prev\"、\"first\"、\"last\"）", "schema": {"type": "string"}},
}


@dataclass(frozen=True)
class Paging:
    page: int = 1
    limit: int = DEFAULT_LIMIT
    offset_given: int | None = None      # ?offset= (older clients): rows to skip, instead of a page

    @property
    def offset(self) -> int:
        return self.offset_given if self.offset_given is not None else (self.page - 1) * self.limit

    def pages(self, total: int) -> int:
        return max(1, -(-total // self.limit))

    def links(self, request: Request, total: int) -> dict[str, str]:
        """rel → URL of the neighbouring pages (the request's other parameters kept)."""
        def url(page: int) -> str:
            params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "offset")]
            q = "&".join(f"{k}={_quote(v)}" for k, v in [*params, ("page", str(page))])
            return f"{request.url.path}?{q}"

        out = {"first": url(1), "last": url(self.pages(total))}
        if self.offset + self.limit < total:
            out["next"] = url(self.offset // self.limit + 2)
        if self.offset > 0:
            out["prev"] = url(max(1, -(-self.offset // self.limit)))
        return out

    def headers(self, request: Request, response: Response, total: int) -> None:
        response.headers["X-Total-Count"] = str(total)
        response.headers["X-Page"] = str(self.offset // self.limit + 1)
        response.headers["X-Limit"] = str(self.limit)
        response.headers["Link"] = ", ".join(f'<{u}>; rel="{rel}"' for rel, u in self.links(request, total).items())


def _quote(v: str) -> str:
    from urllib.parse import quote

    return quote(v, safe="")


def parse(page: str | None, limit: str | None, offset: str | None = None, *, default: int = DEFAULT_LIMIT,
          max_limit: int = MAX_LIMIT) -> Paging:
    """Paging from raw query values; HTTPException 400 (Chinese) for anything but small positive integers."""
    n = int_param(page, "页码 page ", 1, MAX_PAGE) or 1
    size = int_param(limit, "每页条数 limit ", 1, max_limit) or default
    off = int_param(offset, "偏移 offset ", 0, MAX_PAGE * MAX_LIMIT)
    return Paging(n, size, off)


def paging(page: Annotated[str | None, Query(description=f"页码，从 1 起（至多 {MAX_PAGE}）", examples=["1"])] = None,
           limit: Annotated[str | None, Query(description=f"每页条数，默认 {DEFAULT_LIMIT}，至多 {MAX_LIMIT}",
                                              examples=[str(DEFAULT_LIMIT)])] = None,
           offset: Annotated[str | None, Query(description="跳过的条数（代替 page，兼容旧客户端）")] = None) -> Paging:
    """FastAPI dependency: `p: Paging = Depends(paging)`."""
    return parse(page, limit, offset)


def page_number(raw: str | None) -> int:
    """A page number from a page's own query (`?page=`): 1 when empty, else 400 (Chinese)."""
    return int_param(raw, "页码 page ", 1, MAX_PAGE) or 1


def with_offset(page: str | None, limit: int, offset: int = 0) -> Paging:
    """Paging for a route that validates its own `limit`/`offset` (older review routes): `page`,
    when given, takes the place of `offset`."""
    n = int_param(page, "页码 page ", 1, MAX_PAGE)
    return Paging(n or 1, limit, None if n is not None else offset)


PAGE_PARAM = Query(None, description=f"页码，从 1 起（至多 {MAX_PAGE}；给出时代替 offset）", examples=["1"])
