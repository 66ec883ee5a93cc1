"""The app's routes: each one is what its own path and method reach. Routers are included in an
order chosen for speed (the pages first: a request walks the routes in order), so a route with a
path parameter must never swallow another router's path ("/reports/{id}" before "/reports/new")."""
from __future__ import annotations

import re

from starlette.routing import Match, Mount

from web_support import make_app


def _flat(routes) -> list:
    out = []
    for r in routes:
        inner = getattr(r, "original_router", None)       # an included router
        out += _flat(inner.routes) if inner is not None else [r]
    return out


def test_every_route_is_reached_by_its_own_path_and_method(tmp_path):
    app = make_app(tmp_path)
    routes = _flat(app.router.routes)
    assert len(routes) > 50
    checked = 0
    for route in routes:
        path = getattr(route, "path", None)
        if not path or isinstance(route, Mount):       # /static: its files, not a route of its own
            continue
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            concrete = re.sub(r"\{[^}]+\}", "1", path)
            scope = {"type": "http", "path": concrete, "method": method, "root_path": "", "headers": []}
            first = next(r for r in routes if r.matches(dict(scope))[0] == Match.FULL)
            assert (getattr(first, "path", None), method) == (path, method), \
                f"{method} {path} is answered by {first.path}"
            checked += 1
    assert checked > 50
