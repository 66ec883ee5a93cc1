"""Collect reports from websites into the store: `fetch(urls, store)`.

    from nianbao.fetch import Seed, fetch
    result = fetch([Seed("https://www.example.gov.cn/zwgk/ndbg/")], store, year=2024)
    result.new, result.unchanged, result.failures

A URL is a column (listing), a report page or an attachment; what it is comes from its bytes
and its page (fetch.pages). From a listing: its pages (next-page links, index_N.html, ?page=N)
and the links whose title names an annual report (of `year`). From a report page: its report
attachments (PDF, Word, WPS …); the article itself when it prints the report and no attachment
gave one. Each report file goes the way `nianbao ingest` takes a file: dedup by SHA-256, parse,
audit, Store.save_report — with its provenance (source.url, source.fetched_at, source.page) and,
where the report does not state them, the page's publication date and agency (noted in
extraction.notes), before the audit, so D004 judges the date the page gives.

Every URL is requested at most once per run. A URL fetched before is asked for conditionally
(If-None-Match / If-Modified-Since); on a 304 the links kept from last time are followed. A run
after an interrupted one (same URLs) takes what that run finished from the state, unrequested.
Failures never stop the run: each is recorded with its URL and reason.
"""
from __future__ import annotations

import asyncio
import email.utils
import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, StoreError
from ..model import Report
from . import state as fstate
from .client import Client, FetchError, Response, Settings
from .pages import Link, Page, document_name, fill_from_page, is_document, is_report_title, read_page

MAX_LISTING_PAGES = 500          # pages followed per column (a runaway pagination stops here)
WORKERS = 4                      # URLs in flight (each host still gets at most Settings.per_host)


@dataclass
class Seed:
    url: str
    agency: str | None = None    # from the CSV: the agency whose column this is (a last resort for meta)


@dataclass
class Found:
    """One report file found: stored now ("new"), held already ("unchanged") or not readable ("failed")."""
    url: str
    status: str
    report_id: int | None = None
    agency: str | None = None
    year: int | None = None
    published: str | None = None
    page: str | None = None          # the report page it came from
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Failure:
    url: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"url": self.url, "reason": self.reason}


@dataclass
class FetchResult:
    run_id: int | None = None
    reports: list[Found] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    urls: int = 0                     # URLs handled (requested or taken from the state)
    requests: int = 0                 # HTTP requests sent (retries and robots.txt included)
    resumed: bool = False
    elapsed: float = 0.0
    store_error: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.reports if r.status == status)

    @property
    def found(self) -> int:
        return len(self.reports)

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "found": self.found, "new": self.new, "unchanged": self.unchanged,
                "failed": len(self.failures), "urls": self.urls, "requests": self.requests, "resumed": self.resumed,
                "elapsed_s": round(self.elapsed, 3), "reports": [r.to_dict() for r in self.reports],
                "failures": [f.to_dict() for f in self.failures]} \
            | ({"store_error": self.store_error} if self.store_error else {})


@dataclass
class _Item:
    url: str
    role: str                          # "seed", "listing", "candidate" (a report link), "attachment"
    seed: Seed
    title: str | None = None           # the link's text where it was found
    listed: str | None = None          # the date the listing printed beside the link (ISO)
    page: dict[str, Any] | None = None # the report page's metadata (for an attachment)


class _Interrupt(Exception):
    """What the caller's callback raised, carried through the crawl's own error handling."""

    def __init__(self, error: BaseException):
        super().__init__(repr(error))
        self.error = error


EventFn = Callable[[str, Any], None]   # ("queued" | "done", url), ("report", Found), ("failed", Failure)


def _same_content(a: Report, b: Report) -> bool:
    """Whether two readings say the same: meta, sections and every table cell."""
    keys = {"meta", "sections", "tables", "format"}
    return a.model_dump(mode="json", include=keys) == b.model_dump(mode="json", include=keys)


def _mtime(r: Response) -> float:
    """The file's time for the store's version rule: Last-Modified, else now."""
    if r.last_modified:
        try:
            return email.utils.parsedate_to_datetime(r.last_modified).timestamp()
        except (TypeError, ValueError):
            pass
    return time.time()


class _Run:
    def __init__(self, store, seeds: list[Seed], *, year: int | None, settings: Settings, on_event: EventFn | None,
                 keep: Callable[[str, bytes], Any] | None, workers: int):
        self.store, self.seeds, self.year, self.settings = store, seeds, year, settings
        self._on_event = on_event or (lambda *_: None)
        self.keep = keep
        self.workers = workers
        self.result = FetchResult()
        self.seen: set[str] = set()
        self.listing_pages: dict[str, int] = {}
        self.since = None
        self.parse_lock = threading.Lock()    # one parse at a time (pdfium is not thread-safe)
        self.queue: asyncio.Queue[_Item] = asyncio.Queue()
        self.checkpoint = time.monotonic()

    # ------------------------------------------------------------ bookkeeping
    def on_event(self, kind: str, data: Any) -> None:
        """The caller's callback; what it raises (Ctrl-C, a test's interrupt) ends the run as it is."""
        try:
            self._on_event(kind, data)
        except BaseException as e:
            raise _Interrupt(e) from e

    def counts(self) -> fstate.Counts:
        r = self.result
        return fstate.Counts(r.found, r.new, r.unchanged,
                             [{"file": f.url, "message": f.reason} for f in r.failures])

    def fail(self, url: str, reason: str) -> None:
        f = Failure(url, reason)
        self.result.failures.append(f)
        self.on_event("failed", f)

    def report(self, found: Found) -> None:
        self.result.reports.append(found)
        if found.status == "failed":
            self.fail(found.url, found.message or "无法读取")
        self.on_event("report", found)
        if time.monotonic() - self.checkpoint > 5:
            self.checkpoint = time.monotonic()
            fstate.record_run(self.store, self.result.run_id, self.counts(), finished=False)

    def enqueue(self, item: _Item) -> None:
        if item.url in self.seen:
            return
        self.seen.add(item.url)
        self.queue.put_nowait(item)
        self.on_event("queued", item.url)

    # ------------------------------------------------------------ the crawl
    async def run(self) -> None:
        async with Client(self.settings) as client:
            self.client = client
            for s in self.seeds:
                self.enqueue(_Item(s.url, "seed", s))
            workers = [asyncio.create_task(self.worker()) for _ in range(self.workers)]
            joined = asyncio.create_task(self.queue.join())
            try:
                done, _ = await asyncio.wait([joined, *workers], return_when=asyncio.FIRST_COMPLETED)
                for t in done:
                    if t is not joined:
                        t.result()           # a worker died: its exception (an interrupt) ends the run
            finally:
                for t in [joined, *workers]:
                    t.cancel()
                await asyncio.gather(joined, *workers, return_exceptions=True)
                self.result.requests = client.requests

    async def worker(self) -> None:
        while True:
            item = await self.queue.get()
            try:
                try:
                    await self.handle(item)
                except (_Interrupt, StoreError):
                    raise
                except Exception as e:  # noqa: BLE001 — a page we did not foresee: named, the run goes on
                    self.fail(item.url, f"无法处理（{type(e).__name__}: {e}）")
                self.result.urls += 1
                self.on_event("done", item.url)
            except _Interrupt as e:
                raise e.error from None
            finally:
                self.queue.task_done()

    async def handle(self, item: _Item) -> str | None:
        """Fetch one URL and act on what it is; returns the status of the report it gave, if any."""
        st = fstate.get(self.store, item.url)
        if st is not None and st.ok and self.since is not None and st.checked_at is not None \
                and st.checked_at >= self.since:
            return await self.reuse(item, st)            # done by the interrupted run we resume
        validators = st is not None and st.ok and self._still_holds(st)
        try:
            r = await self.client.get(item.url, etag=st.etag if validators else None,
                                      last_modified=st.last_modified if validators else None)
        except FetchError as e:
            self.fail(item.url, e.reason)
            self.save_state(item.url, st, status=e.status, error=e.reason)
            if item.role in ("candidate", "attachment"):
                self.result.reports.append(Found(item.url, "failed", page=(item.page or {}).get("url"),
                                                 message=e.reason))
            return "failed"
        if r.not_modified and st is not None:
            self.save_state(item.url, st, status=304, checked=True)
            return await self.reuse(item, st)
        if r.final_url != item.url:
            self.seen.add(r.final_url)
        if is_document(r.content, r.content_type, r.final_url):
            return await self.document(item, r, st)
        page = read_page(r.content, r.final_url, r.charset)
        if item.role == "listing" or (item.role == "seed" and self._is_listing(page)):
            self.listing(item, page, r, st)
            return None
        return await self.report_page(item, page, r, st)

    def _still_holds(self, st: fstate.UrlState) -> bool:
        """Whether a 304 would be enough: the report this URL gave is still stored (it may have been
        deleted since); listings and pages that only lead elsewhere hold nothing themselves."""
        if st.kind == "document" or (st.kind == "page" and (st.links or {}).get("article")):
            return st.report_id is not None and self.store.get_info(st.report_id) is not None
        return True

    def _is_listing(self, page: Page) -> bool:
        if page.holds_report or any(is_report_title(a.text) for a in page.attachments):
            return False
        return bool(page.report_links(self.year) or page.next_pages)

    async def reuse(self, item: _Item, st: fstate.UrlState) -> str | None:
        """Act on a URL from its state (a 304, or done by the interrupted run resumed)."""
        links = st.links or {}
        if st.kind == "listing":
            self._follow_listing(item, links.get("next", []), [Link(*x) for x in links.get("reports", [])])
            return None
        if st.kind == "page":
            statuses = [await self.attachment(item, Link(*a), st.page) for a in links.get("attachments", [])]
            if links.get("article"):
                self.report(Found(item.url, "unchanged", st.report_id, page=item.url, **self._known(st.report_id)))
                return "unchanged"
            return "unchanged" if "unchanged" in statuses else None
        self.report(Found(item.url, "unchanged", st.report_id, page=(item.page or {}).get("url"),
                          **self._known(st.report_id)))
        return "unchanged"

    def _known(self, report_id: int | None) -> dict[str, Any]:
        info = self.store.get_info(report_id) if report_id else None
        return {"agency": info.agency_name, "year": info.year, "published": info.published} if info else {}

    def _follow_listing(self, item: _Item, nexts: list[str], reports: list[Link]) -> None:
        for url in nexts:
            n = self.listing_pages.get(item.seed.url, 0)
            if n >= MAX_LISTING_PAGES:
                break
            if url not in self.seen:
                self.listing_pages[item.seed.url] = n + 1
            self.enqueue(_Item(url, "listing", item.seed))
        for ln in reports:
            if is_report_title(ln.text, self.year):
                self.enqueue(_Item(ln.url, "candidate", item.seed, title=ln.text, listed=ln.date))

    def listing(self, item: _Item, page: Page, r: Response, st: fstate.UrlState | None) -> None:
        reports = page.report_links(None)          # all report links are kept; the year filter is per run
        self.save_state(item.url, st, response=r, kind="listing", page={"url": page.url, "title": page.title},
                        links={"next": page.next_pages, "reports": [ln.to_list() for ln in reports]})
        self._follow_listing(item, page.next_pages, reports)

    async def report_page(self, item: _Item, page: Page, r: Response, st: fstate.UrlState | None) -> str | None:
        meta = page.metadata()
        if item.title:
            meta.setdefault("列表标题", item.title)
        if item.listed:
            meta.setdefault("列表日期", item.listed)
        attachments = page.report_attachments()
        statuses = []
        for a in attachments:
            statuses.append(await self.attachment(item, a, meta))
        article = page.holds_report and not any(s in ("new", "unchanged") for s in statuses)
        report_id = sha = found = failure = None
        status = next((s for s in ("new", "unchanged") if s in statuses), None)
        if article:
            found = await self.ingest(item, r, meta, st.report_id if st else None)
            report_id, status = found.report_id, found.status
            if found.status == "failed":
                failure = found.message or "无法读取"
            else:
                sha = hashlib.sha256(r.content).hexdigest()
        elif not attachments:
            failure, status = "页面中没有找到报告（正文不是年度报告，也没有附件）", "failed"
        self.save_state(item.url, st, response=r, kind="page", page=meta, sha256=sha, report_id=report_id,
                        links={"attachments": [a.to_list() for a in attachments], "article": bool(article and report_id)},
                        error=failure)
        if found is not None:
            self.report(found)
        elif failure:
            self.fail(item.url, failure)
        return status

    async def attachment(self, parent: _Item, link: Link, meta: dict[str, Any] | None) -> str | None:
        if link.url in self.seen:
            return None
        self.seen.add(link.url)
        self.on_event("queued", link.url)
        status = await self.handle(_Item(link.url, "attachment", parent.seed, title=link.text, page=meta))
        self.result.urls += 1
        self.on_event("done", link.url)
        return status

    async def document(self, item: _Item, r: Response, st: fstate.UrlState | None) -> str:
        meta = item.page or {}
        if not meta and item.title:             # a file linked from the listing itself
            meta = {"url": item.url, "列表标题": item.title} | ({"列表日期": item.listed} if item.listed else {})
        found = await self.ingest(item, r, meta, st.report_id if st else None)
        self.save_state(item.url, st, response=r, kind="document", sha256=hashlib.sha256(r.content).hexdigest(),
                        report_id=found.report_id, page=meta or None,
                        error=found.message if found.status == "failed" else None)
        self.report(found)
        return found.status

    async def ingest(self, item: _Item, r: Response, meta: dict[str, Any], previous: int | None = None) -> Found:
        """One report file the way `nianbao ingest` takes a file: dedup, parse, audit, save. The caller
        records the URL's state, then reports the outcome (an interrupt then loses no state).
        `previous`: the report this URL gave last time — new bytes that read as the same report (a
        page's visit counter, a regenerated PDF) are unchanged, not a new version."""
        page_url = meta.get("url") if meta else None
        sha = hashlib.sha256(r.content).hexdigest()
        existing = self.store.report_id_by_sha256(sha)
        if existing is not None:
            return Found(item.url, "unchanged", existing, page=page_url, **self._known(existing))
        name = document_name(r.final_url, r.content)
        fetched_at = fstate.now().isoformat(timespec="seconds")
        try:
            report = await asyncio.to_thread(self._parse, r.content, name, meta, item, fetched_at)
        except InputError as e:
            return Found(item.url, "failed", page=page_url, message=e.message)
        except Exception as e:  # noqa: BLE001 — a reader bug on one file: named, the run goes on
            return Found(item.url, "failed", page=page_url, message=f"无法处理（{type(e).__name__}: {e}）")
        if previous is not None and (old := self.store.get_report(previous)) is not None \
                and _same_content(old.report, report):
            return Found(item.url, "unchanged", previous, page=page_url, **self._known(previous))
        try:
            res = self.store.save_report(report, run_id=self.result.run_id, mtime=_mtime(r))
        except StoreError:
            raise
        except Exception as e:  # noqa: BLE001
            return Found(item.url, "failed", page=page_url, message=f"入库失败（{type(e).__name__}: {e}）")
        message = None
        if self.keep is not None and res.status == "stored":
            try:
                self.keep(sha, r.content)
            except OSError as e:
                message = f"已入库，但原文件未能保存（{e}）"
        pub = report.meta.published.isoformat() if report.meta.published else None
        return Found(item.url, "new" if res.status == "stored" else "unchanged", res.report_id, report.meta.agency,
                     res.year, pub, page_url, message)

    def _parse(self, data: bytes, name: str, meta: dict[str, Any], item: _Item, fetched_at: str) -> Report:
        from .. import api

        with self.parse_lock:
            report = api.parse_bytes(data, name)
            fill_from_page(report, meta, link_title=item.title, agency_hint=item.seed.agency)
            report.source.url = item.url
            report.source.fetched_at = fetched_at
            report.source.page = meta or None
            return api.audit(report)

    def save_state(self, url: str, st: fstate.UrlState | None, *, response: Response | None = None,
                   status: int | None = None, kind: str | None = None, page: dict | None = None,
                   links: dict | None = None, sha256: str | None = None, report_id: int | None = None,
                   error: str | None = None, checked: bool = False) -> None:
        now = fstate.now()
        new = st or fstate.UrlState(url)
        new.run_id = self.result.run_id
        new.checked_at = now
        if checked:                     # a 304: the validators and what was learnt stay
            new.status, new.error = status, None
        elif response is None:          # a failure: keep what was known, say why
            new.status, new.error = status, error
        else:
            new.status, new.error = response.status, error
            new.final_url, new.content_type = response.final_url, response.content_type[:200]
            new.etag, new.last_modified = response.etag, response.last_modified
            new.fetched_at, new.kind, new.page, new.links = now, kind, page, links
            new.sha256, new.report_id = sha256, report_id
        fstate.save(self.store, new)


def _run_coroutine(make: Callable[[], Any]) -> None:
    """asyncio.run, or, where the calling thread already runs an event loop (a notebook, a web
    handler, Playwright's sync API), the same in a thread of its own; exceptions come through."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(make())
        return
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(make())
        except BaseException as e:          # handed to the caller's thread below
            errors.append(e)

    t = threading.Thread(target=target, name="nianbao-fetch")
    t.start()
    t.join()
    if errors:
        raise errors[0]


def fetch(seeds: Iterable[Seed | str], store, *, year: int | None = None, settings: Settings | None = None,
          on_event: EventFn | None = None, keep: Callable[[str, bytes], Any] | None = None,
          workers: int = WORKERS) -> FetchResult:
    """Collect the reports under `seeds` into `store`; never raises for a URL that fails. A run
    interrupted (an exception, Ctrl-C) keeps what it stored and stays unfinished: the next run of
    the same URLs resumes it."""
    seeds = [s if isinstance(s, Seed) else Seed(s) for s in seeds]
    seeds = list({s.url: s for s in seeds}.values())
    run = _Run(store, seeds, year=year, settings=settings or Settings(), on_event=on_event, keep=keep,
               workers=max(1, workers))
    t0 = time.perf_counter()
    urls = [s.url for s in seeds]
    run.since = fstate.resume_since(store, urls)
    run.result.resumed = run.since is not None
    run.result.run_id = fstate.start_run(store, urls)
    finished = False
    try:
        _run_coroutine(run.run)
        finished = True
    except StoreError as e:
        run.result.store_error = e.message
        finished = True
    finally:
        run.result.elapsed = time.perf_counter() - t0
        try:
            fstate.record_run(store, run.result.run_id, run.counts(), finished=finished)
        except StoreError as e:
            run.result.store_error = run.result.store_error or e.message
    return run.result
