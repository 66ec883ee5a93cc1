"""Work functions for ParsePool tests. They run in the pool's worker processes, which import them by
module name (tests/ is on their path): a test module would drag pytest into every worker."""
from __future__ import annotations

import gc
import os
import struct
import time

POISON = 1


def dies_while_sending_its_result(item: int):
    """Item POISON kills its worker in the middle of sending a result, as a kill -9 or the OOM
    killer can: the result pipe's lock taken, a message header sent that promises more bytes than
    follow. The other items are parsed normally (an int stands for a report)."""
    if item != POISON:
        time.sleep(0.05)
        return item
    from multiprocessing.queues import SimpleQueue

    results = next(o for o in gc.get_objects()
                   if isinstance(o, SimpleQueue) and getattr(o, "_wlock", None) is not None)
    results._wlock.acquire()
    os.write(results._writer.fileno(), struct.pack("!i", 1000) + b"x" * 10)
    os._exit(1)


def name_of(item: int) -> str:
    return f"file{item}.pdf"

