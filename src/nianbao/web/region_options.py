"""The region pickers of the regional pages as ready HTML: a province's registry has ~1,650 regions,
and a template loop escaping each name (and, in the missing page's <select>, testing three ways
whether it is the one chosen) cost ~5–10 ms of CPU on every view. The options are built once per
list of regions (kept while the very same list — the region scope's cached choices, the registry's
cached tree — is asked for again) and the chosen one marked per request.

    datalist_options(region_choices(lib))            # <option value="…"> for a <datalist>
    select_options(registry.regions(), "中卫市")      # <option value="id" [selected]>full name</option>
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

_lock = threading.Lock()
_datalist: tuple[tuple[str, ...], Markup] | None = None
_select: tuple[tuple[Any, ...], list[str], list[str], dict[str, list[int]]] | None = None


def datalist_options(choices: Sequence[str]) -> Markup:
    """<option value="…"> of each choice (as `{% for g in regions %}<option value="{{ g }}">` gives)."""
    global _datalist
    key = tuple(choices)
    got = _datalist
    if got is not None and got[0] == key:
        return got[1]
    html = Markup("".join(f'<option value="{escape(g)}">' for g in key))
    with _lock:
        _datalist = (key, html)
    return html


def select_options(regions: Sequence[Any], chosen: str | None) -> Markup:
    """<option value="{id}">{full name}</option> of each registry region, `selected` on every one
    that `chosen` names by id, name or full name (as the missing page's template tested them)."""
    global _select
    got = _select
    if got is None or len(got[0]) != len(regions) or any(a is not b for a, b in zip(got[0], regions)):
        plain, marked, by = [], [], {}
        for i, r in enumerate(regions):
            value, text = escape(str(r.id)), escape(r.full_name)
            plain.append(f'<option value="{value}" >{text}</option>')
            marked.append(f'<option value="{value}" selected>{text}</option>')
            for k in dict.fromkeys((str(r.id), r.name, r.full_name)):
                by.setdefault(k, []).append(i)
        got = (tuple(regions), plain, marked, by)
        with _lock:
            _select = got
    _, plain, marked, by = got
    hits = by.get(chosen or "", []) if chosen is not None else []
    if not hits:
        return Markup("".join(plain))
    out = list(plain)
    for i in hits:
        out[i] = marked[i]
    return Markup("".join(out))
