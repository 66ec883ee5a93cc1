"""A polite HTTP client for government sites (httpx, async).

    async with Client(Settings(delay=1.0)) as c:
        r = await c.get("https://www.example.gov.cn/zwgk/ndbg/", etag='"abc"')

- robots.txt is read once per host (urllib.robotparser) and obeyed; its Crawl-delay lengthens ours.
- At most `per_host` requests to one host at a time, and `delay` seconds between the starts of
  two requests to the same host.
- Timeouts, connection errors, 5xx and 429 are retried with exponential backoff (Retry-After is
  honoured up to a bound); other 4xx are not retried.
- Bodies are streamed and cut at `max_bytes`; redirects are followed by hand, at most
  `max_redirects`, and a redirect back to a URL already visited is named a loop.
- Conditional requests: given an ETag / Last-Modified, a 304 comes back as `not_modified`.

Every failure is a FetchError whose `reason` (Chinese, one line) says what happened.
"""
from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from ..readers import MAX_BYTES

USER_AGENT = "nianbao-fetch/0.1 (collects government information disclosure annual reports)"


@dataclass
class Settings:
    timeout: float = 30.0            # seconds per request (connect, read)
    delay: float = 1.0               # seconds between two requests to one host
    per_host: int = 2                # concurrent requests per host (1–2 is polite)
    retries: int = 3                 # extra attempts after a timeout, a connection error or a 5xx
    backoff: float = 2.0             # first wait before a retry; doubles each time
    max_retry_after: float = 60.0    # the longest Retry-After we wait for
    max_bytes: int = MAX_BYTES       # the largest body we read (no annual report is larger)
    max_redirects: int = 5
    robots: bool = True
    user_agent: str = USER_AGENT


@dataclass
class Response:
    url: str                          # the URL asked for
    final_url: str                    # after redirects
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False        # 304: the validators sent still hold
    redirects: list[str] = field(default_factory=list)
    retry_after: float | None = None  # seconds a 429/503 asked us to wait

    @property
    def charset(self) -> str | None:
        for part in self.content_type.split(";")[1:]:
            k, _, v = part.strip().partition("=")
            if k.lower() == "charset" and v:
                return v.strip("\"' ").lower()
        return None


class FetchError(Exception):
    def __init__(self, url: str, reason: str, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status = url, reason, status


_STATUS_WORDS = {400: "请求无效", 401: "需要登录", 403: "禁止访问", 404: "页面不存在", 410: "页面已删除",
                 429: "请求过于频繁", 500: "服务器内部错误", 502: "网关错误", 503: "服务暂不可用", 504: "网关超时"}


def _status_reason(status: int) -> str:
    return f"HTTP {status}（{_STATUS_WORDS.get(status, '服务器错误' if status >= 500 else '请求被拒绝')}）"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _Host:
    """One host's politeness: a semaphore for concurrency, the time the next request may start."""

    def __init__(self, per_host: int):
        self.sem = asyncio.Semaphore(max(1, per_host))
        self.lock = asyncio.Lock()
        self.next_start = 0.0
        self.robots: RobotFileParser | None = None
        self.robots_checked = False
        self.delay: float | None = None


class Client:
    def __init__(self, settings: Settings | None = None, *, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = s = settings or Settings()
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(s.timeout), follow_redirects=False, transport=transport,
            headers={"User-Agent": s.user_agent, "Accept": "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8",
                     "Accept-Language": "zh-CN,zh;q=0.9"},
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16))
        self._hosts: dict[str, _Host] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self.requests = 0

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        h = self._hosts.get(key)
        if h is None:
            h = self._hosts[key] = _Host(self.settings.per_host)
        return h

    # ------------------------------------------------------------ robots.txt
    async def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch `url` (read once per host; unreachable → allowed)."""
        if not self.settings.robots:
            return True
        h = self._host(url)
        key = urlsplit(url).netloc.lower()
        lock = self._robots_locks.setdefault(key, asyncio.Lock())
        async with lock:
            if not h.robots_checked:
                h.robots = await self._read_robots(url, h)
                h.robots_checked = True
        if h.robots is None:
            return True
        return h.robots.can_fetch(self.settings.user_agent, url)

    async def _read_robots(self, url: str, h: _Host) -> RobotFileParser | None:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        rp = RobotFileParser(robots_url)
        try:
            r = await self._request(robots_url, {}, h, retries=1)
            for _ in range(self.settings.max_redirects):   # http → https, www → bare host …
                if r.status not in (301, 302, 303, 307, 308):
                    break
                r = await self._request(r.final_url, {}, self._host(r.final_url), retries=1)
        except FetchError as e:
            if e.status in (401, 403):      # the site refuses robots.txt itself: take it as "keep out"
                rp.disallow_all = True
                return rp
            return None                     # missing (404) or unreachable: no rules
        if r.status != 200:
            return None
        rp.parse(r.content.decode("utf-8", "replace").splitlines())
        delay = rp.crawl_delay(self.settings.user_agent)
        if delay:
            h.delay = min(float(delay), 30.0)
        return rp

    # ------------------------------------------------------------ requests
    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET `url` politely, following redirects; raises FetchError with the reason."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            parts = urlsplit(url)
        except ValueError as e:
            raise FetchError(url, f"网址无效（{e}）") from None
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError(url, "网址无效（只支持 http/https 网址）")
        chain = [url]
        current = url
        for _ in range(self.settings.max_redirects + 1):
            if not await self.allowed(current):
                raise FetchError(url, "robots.txt 不允许抓取（未请求）" if current == url
                                 else f"重定向到 {current}，robots.txt 不允许抓取（未请求）")
            r = await self._request(current, headers, self._host(current))
            if r.status in (301, 302, 303, 307, 308):
                nxt = r.final_url.split("#", 1)[0]
                try:
                    ok = urlsplit(nxt).scheme in ("http", "https")
                except ValueError:
                    ok = False
                if not ok:
                    raise FetchError(url, f"重定向到无效网址（{nxt}）", r.status)
                if nxt in chain:
                    raise FetchError(url, "重定向循环（" + " → ".join([*chain, nxt]) + "）", r.status)
                chain.append(nxt)
                current = nxt
                continue
            r.url, r.redirects = url, chain[1:]
            return r
        raise FetchError(url, f"重定向次数过多（超过 {self.settings.max_redirects} 次：{' → '.join(chain[:4])} …）")

    async def _wait_turn(self, h: _Host) -> None:
        delay = max(self.settings.delay, h.delay or 0.0)
        async with h.lock:
            now = time.monotonic()
            start = max(now, h.next_start)
            h.next_start = start + delay
        if start > now:
            await asyncio.sleep(start - now)

    async def _request(self, url: str, headers: dict[str, str], h: _Host, *, retries: int | None = None) -> Response:
        """One URL, no redirects followed: retried on timeouts, connection errors, 5xx and 429."""
        s = self.settings
        retries = s.retries if retries is None else retries
        last = ""
        status = None
        retry_after = None
        for attempt in range(retries + 1):
            wait = s.backoff * (2 ** (attempt - 1)) if attempt else 0.0
            if attempt and retry_after is not None:
                wait = max(wait, min(retry_after, s.max_retry_after))
            if wait:
                await asyncio.sleep(wait)
            async with h.sem:
                await self._wait_turn(h)
                self.requests += 1
                try:
                    r = await self._once(url, headers)
                except (httpx.InvalidURL, httpx.UnsupportedProtocol) as e:
                    raise FetchError(url, f"网址无效（{e}）") from None
                except httpx.TimeoutException:
                    last, status, retry_after = f"超时（{s.timeout:g} 秒内没有响应）", None, None
                    continue
                except httpx.TransportError as e:
                    last, status, retry_after = f"无法连接（{type(e).__name__}: {e}）", None, None
                    continue
                except httpx.RequestError as e:      # a body that does not decode (bad gzip …): no retry
                    raise FetchError(url, f"无法读取响应（{type(e).__name__}: {e}）") from None
            if r.status >= 500 or r.status == 429:
                last, status = _status_reason(r.status), r.status
                retry_after = r.retry_after
                continue
            if r.status >= 400:
                raise FetchError(url, _status_reason(r.status), r.status)
            return r
        tries = f"，共尝试 {retries + 1} 次" if retries else ""
        raise FetchError(url, last + tries, status)

    async def _once(self, url: str, headers: dict[str, str]) -> Response:
        s = self.settings
        async with self._http.stream("GET", url, headers=headers) as resp:
            status = resp.status_code
            ctype = resp.headers.get("content-type", "")
            etag, lm = resp.headers.get("etag"), resp.headers.get("last-modified")
            if status in (301, 302, 303, 307, 308):
                loc = resp.headers.get("location")
                if not loc:
                    raise FetchError(url, f"HTTP {status} 重定向但没有目标地址", status)
                return Response(url, urljoin(url, loc), status, content_type=ctype)
            if status == 304:
                return Response(url, url, status, content_type=ctype, etag=etag, last_modified=lm, not_modified=True)
            if status >= 400:
                return Response(url, url, status, content_type=ctype,
                                retry_after=_retry_after(resp.headers.get("retry-after")))
            length = resp.headers.get("content-length")
            if length and length.isdigit() and int(length) > s.max_bytes:
                raise FetchError(url, f"文件过大（{int(length) // 2**20} MB，上限 {s.max_bytes // 2**20} MB）")
            body = bytearray()
            async for chunk in resp.aiter_bytes():
                body += chunk
                if len(body) > s.max_bytes:
                    raise FetchError(url, f"文件过大（超过 {s.max_bytes // 2**20} MB，已停止下载）")
            return Response(url, url, status, bytes(body), ctype, etag, lm)
