"""A process that must not outlive another: a web server process its supervisor, a parse worker the
process whose pool started it. Killed outright (SIGKILL, the OOM killer), a process cannot stop what
it started; left alone, a server process would go on serving the port and parse workers would wait
on their queue forever (they hold both ends of its pipes, so they never see it close), keeping the
forkserver and the resource tracker alive with them."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path


def alive(pid: int) -> bool:
    """The process exists and is not a zombie (dead, waiting for its parent to collect it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True         # no /proc here: os.kill found it


def when_gone(pid: int, then: Callable[[], None], every: float = 1.0) -> None:
    """Call `then` (in a daemon thread) once process `pid` is gone."""
    def watch() -> None:
        while alive(pid):
            time.sleep(every)
        then()

    threading.Thread(target=watch, name=f"nianbao-lifeline-{pid}", daemon=True).start()


def exit_with(owner: int) -> None:
    """For a worker process's initializer: end this process at once when `owner` is gone."""
    when_gone(owner, lambda: os._exit(0))
