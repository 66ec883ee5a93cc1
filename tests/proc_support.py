"""Processes of a test seen through Linux's /proc: the workers a server or a parse pool started."""
from __future__ import annotations

import socket
from pathlib import Path


def descendants(pid: int) -> dict[int, int]:
    """{pid: depth} of the processes below `pid` (1: its children, 2: theirs, …)."""
    parents = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            parents[int(d.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    out, frontier, depth = {}, [pid], 0
    while frontier:
        depth += 1
        frontier = [c for c, p in parents.items() if p in frontier]
        out.update({c: depth for c in frontier})
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
