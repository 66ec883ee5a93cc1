"""A server process warms its caches right after it starts, in the background: the dashboard's
figures, the report list's order and the regional views' year data (every agency's indicators, the
registry matches, the year's cells) are computed once per process and store version, and the first
computation of a year's regional data takes a second or two — paid here, not by the first reviewer
who opens a page. The pages are asked through the app itself, so exactly what a request would keep
is kept; a failure only means a colder cache.

Then the process's garbage collector is settled (`settle_gc`): the warmed caches hold some 500,000
objects at 5,000 reports, and every full collection walked all of them — a 150–250 ms pause every
few dozen requests, the whole of the regional views' p95 tail. Frozen after warm-up (gc.freeze),
collections skip them; a larger first threshold makes collections rarer. A change to the store
(an upload, a decision, a registry edit) makes the caches stale: once the changes stop, the process
warms and settles again (`start(watch=…)`), and that settle collects what the last one froze and
has since become garbage."""
from __future__ import annotations

import asyncio
import gc
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


# young collections every 10,000 net allocations rather than 700: a request allocates thousands of
# short-lived objects, and each collection also walks what survived into the middle generation
GC_THRESHOLD = (10_000, 10, 10)
WATCH = 10.0        # seconds between two looks at the store's version (nianbao serve)


def settle_gc() -> None:
    """Collect everything once (what an earlier settle froze and has since become garbage too), then
    freeze what survives (the warmed caches, the code) out of later collections; raise the young
    generation's threshold."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def _version(app) -> tuple | None:
    """Everything the warmed pages read (reports, findings, decisions, registry, date)."""
    from ..oversight.scorecard import inputs_version

    try:
        return inputs_version(app.state.backend.library)
    except Exception as e:  # noqa: BLE001 — best effort: a failed look is a look without news
        log.warning("warm-up could not read the store's version: %s", e)
        return None


def _ask(app) -> None:
    async def ask() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://warm-up") as c:
            for path in _paths(app):
                try:
                    await c.get(path)
                except Exception as e:  # noqa: BLE001 — best effort: the page is computed on demand
                    log.warning("warm-up of %s failed: %s", path, e)

    asyncio.run(ask())


def start(app, *, settle: bool = False, watch: float | None = None,
          stop: threading.Event | None = None) -> threading.Thread:
    """Ask the pages of `app` in a daemon thread of its own (its own event loop), then, if `settle`,
    settle_gc() (a server process's own choice: it freezes the whole process). With `watch`, look at
    the store's version every `watch` seconds until `stop` is set, and once it has changed and then
    held still for a whole interval (a batch of uploads is over), warm and settle again: the caches
    the change made stale are recomputed here rather than by the next reviewer, and frozen again.
    app.state.warm_passes counts the passes done. Returns the thread."""
    stop = stop or threading.Event()
    app.state.warm_passes = 0

    def one_pass() -> tuple | None:
        seen = _version(app)
        _ask(app)
        if settle:
            settle_gc()
        app.state.warm_passes += 1
        return seen

    def run() -> None:
        seen = last = one_pass()
        while watch is not None and not stop.wait(watch):
            now = _version(app)
            if now is None or now == seen:
                continue
            if now != last:             # still changing: wait for a quiet interval
                last = now
                continue
            seen = last = one_pass()

    t = threading.Thread(target=run, name="nianbao-warm-up", daemon=True)
    t.start()
    return t
