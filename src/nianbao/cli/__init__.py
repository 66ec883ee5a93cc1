"""Command-line interface: a thin layer over nianbao's Python API.

Each module registers its commands on the shared Typer app.
"""
from .app import app
from . import parse, audit, store, vetoes, web, fetch, review, indicators  # noqa: F401,E402  (registration by import)
from . import scorecard  # noqa: F401,E402  (registration by import)
from . import rollup  # noqa: F401,E402  (registration by import)
from . import registry  # noqa: F401,E402  (registration by import)


def main() -> None:
    """The `nianbao` command: click's usage errors become one Chinese line and exit 2."""
    import sys

    import typer

    from .app import EXIT_INPUT, report_error
    from .usage import ce, chinese_usage_error

    try:
        code = app(standalone_mode=False)
    except ce.NoArgsIsHelpError as e:        # `nianbao` alone, or a group without its command: the help
        e.show()
        sys.exit(EXIT_INPUT)
    except ce.UsageError as e:
        report_error(chinese_usage_error(e))
        sys.exit(EXIT_INPUT)
    except OSError as e:                    # a file read or written outside a command's own checks
        from ..errors import InputError, os_error_message

        report_error(InputError(os_error_message(e, "访问"), e.filename and str(e.filename)))
        sys.exit(EXIT_INPUT)
    except typer.Abort:                     # EOF at a prompt
        report_error("已中断")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
