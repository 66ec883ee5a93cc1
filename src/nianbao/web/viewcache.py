"""Rendered views and figures over the whole store, kept while the store holds the same reports.

Why: the dashboard, the report list and /api/reports are the same for every viewer until a report is
stored, superseded, deleted or re-audited; 20 reviewers opening the dashboard would otherwise each
repeat its GROUP BYs and its rendering. An entry is valid while Backend.data_version() (counts and
highest ids of reports and findings: one query on indexes) is unchanged, and for at most `ttl`
seconds, which bounds what a change the fingerprint cannot see (an agency's region learned from an
earlier report, say) can leave stale.

    html = view(request.app, ("index", year, q, page), lambda: render_body(...))
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..lru import LRU

T = TypeVar("T")


def new_view_cache() -> LRU:
    """The app's cache of views (web.app keeps one in app.state.view_cache)."""
    return LRU(size=512, ttl=30.0)


def view(app, key: tuple, compute: Callable[[], T], version: tuple | None = None) -> T:
    """The cached value of `key` for the store's current data version, computed when missing."""
    cache = app.state.view_cache
    version = version if version is not None else app.state.backend.data_version()
    got = cache.get(key, version)
    if got is None:
        got = compute()
        cache.put(key, got, version)
    return got


async def view_async(app, key: tuple, compute: Callable[[], T], version: tuple | None = None) -> T:
    """`view` for an async route: a hit is answered on the event loop (no thread hand-off, whose cost
    under 20 concurrent clients exceeds the lookup's), a miss is computed on the thread pool."""
    from starlette.concurrency import run_in_threadpool

    cache = app.state.view_cache
    version = version if version is not None else app.state.backend.data_version()
    got = cache.get(key, version)
    if got is None:
        got = await run_in_threadpool(compute)
        cache.put(key, got, version)
    return got
