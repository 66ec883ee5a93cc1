"""One reader per file format; each turns bytes into a `Document`. `detect.read` picks one by content.

The PDF libraries log every oddity of a damaged file (pdfminer: hundreds of warnings for one
broken PDF); the user gets the one-line InputError instead. Their log goes nowhere, or to the file
named by $NIANBAO_DEBUG_LOG (for whoever debugs a reader).
"""
import logging
import os

from .detect import MAX_BYTES, read, sniff

__all__ = ["read", "sniff", "MAX_BYTES", "LIBRARY_LOGGERS"]

LIBRARY_LOGGERS = ("pdfminer", "pdfplumber", "pypdfium2", "PIL", "fontTools")


def _route_library_logs() -> None:
    path = os.environ.get("NIANBAO_DEBUG_LOG")
    handler: logging.Handler
    if path:
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    else:
        handler = logging.NullHandler()
    for name in LIBRARY_LOGGERS:
        log = logging.getLogger(name)
        log.propagate = False           # never the root logger, never Python's last-resort stderr
        log.handlers[:] = [handler]
        if path:
            log.setLevel(logging.WARNING)   # their DEBUG is tens of thousands of lines per file


_route_library_logs()
