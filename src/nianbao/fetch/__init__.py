"""Collect reports from government websites (`nianbao fetch`).

- client: polite async HTTP (robots.txt, per-host limits and delay, retries, size cap, redirects,
  conditional requests).
- pages: listing vs report page vs attachment, pagination, report links by title, CMS metadata,
  and page metadata into a report (also used by api.parse_bytes for saved pages).
- state: per-URL fetch state and fetch runs in the store (resume, conditional requests).
- crawl: the run itself — `fetch(seeds, store, year=…)` → FetchResult.

Names are imported on first use: parsing a saved page needs `pages` only, not the HTTP client.
"""
from __future__ import annotations

import importlib

_WHERE = {"FetchError": "client", "Settings": "client", "Failure": "crawl", "FetchResult": "crawl", "Found": "crawl",
          "Seed": "crawl", "fetch": "crawl", "fill_from_html": "pages", "fill_from_page": "pages"}
__all__ = list(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(name)
