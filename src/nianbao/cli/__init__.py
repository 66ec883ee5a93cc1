"""Command-line interface: a thin layer over nianbao's Python API.

Each module registers its commands on the shared Typer app.
"""
from .app import app
from . import parse, audit, store, vetoes, web, fetch, review, indicators  # noqa: F401,E402  (registration by import)
from . import scorecard  # noqa: F401,E402  (registration by import)
from . import rollup  # noqa: F401,E402  (registration by import)
from . import registry  # noqa: F401,E402  (registration by import)


def main() -> None:
    app()
