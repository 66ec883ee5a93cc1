"""Collect reports from government websites (`nianbao fetch`).

- client: polite async HTTP (robots.txt, per-host limits and delay, retries, size cap, redirects,
  conditional requests).
- pages: listing vs report page vs attachment, pagination, report links by title, CMS metadata.
- state: per-URL fetch state and fetch runs in the store (resume, conditional requests).
- crawl: the run itself — `fetch(seeds, store, year=…)` → FetchResult.
"""
from .client import FetchError, Settings
from .crawl import Failure, FetchResult, Found, Seed, fetch, fill_from_page

__all__ = ["FetchError", "Settings", "Failure", "FetchResult", "Found", "Seed", "fetch", "fill_from_page"]
