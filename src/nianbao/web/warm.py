"""A server process warms its caches right after it starts, in the background: the dashboard's
figures, the report list's order and the regional views' year data (every agency's indicators, the
registry matches, the year's cells) are computed once per process and store version, and the first
computation of a year's regional data takes a second or two — paid here, not by the first reviewer
who opens a page. The pages are asked through the app itself, so exactly what a request would keep
is kept; a failure only means a colder cache."""
from __future__ import annotations

import asyncio
import logging
import threading
from urllib.parse import urlencode

import httpx

# what most requests ask first: the dashboard (busiest year, all years), the list, and the regional
# views of the whole registry (their year data serves every region's view)
PATHS = ("/dashboard", "/dashboard?year=all", "/", "/api/reports", "/regions/overview", "/compare/agencies",
         "/missing", "/scorecard", "/copied")

log = logging.getLogger(__name__)


def _paths(app) -> list[str]:
    """PATHS, and the scorecard of the registry's top region: the year's cells every region's card
    reads are read there (a scorecard without a region computes none)."""
    paths = list(PATHS)
    try:
        top = next((r for r in app.state.backend.library.registry.regions() if r.parent_id is None), None)
    except Exception as e:  # noqa: BLE001 — best effort, like the pages below
        log.warning("warm-up could not read the registry: %s", e)
        top = None
    if top is not None:
        paths.append("/scorecard?" + urlencode({"region": top.name}))
    return paths


def start(app) -> threading.Thread:
    """Ask the pages of `app` in a daemon thread of its own (its own event loop); returns the thread."""
    async def ask() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://warm-up") as c:
            for path in _paths(app):
                try:
                    await c.get(path)
                except Exception as e:  # noqa: BLE001 — best effort: the page is computed on demand
                    log.warning("warm-up of %s failed: %s", path, e)

    t = threading.Thread(target=lambda: asyncio.run(ask()), name="nianbao-warm-up", daemon=True)
    t.start()
    return t
