"""Batch ingest: files, folders and .zip archives → parse + audit in worker processes → the store.

    from nianbao.ingest import ingest
    result = ingest(["reports/", "2023.zip"], store, jobs=4)

The inputs are the files named and, in folders and archives, the report files (REPORT_SUFFIXES:
PDF, Word, HTML, text); what else lies beside them (JSON data, images, spreadsheets …) is skipped
and counted (IngestResult.skipped), and no JSON is ever read as a report. The parent process
enumerates the inputs, hashes them as a stream (it never holds a file's bytes)
and skips what the store holds already (so a re-run after a crash only parses what is missing);
worker processes read each file by its path, parse and audit it (the single-report rules); the
parent writes each report in its own transaction, where the cross-year rules run against the store
(Store.save_report). What is in flight is bounded by count and by bytes (MAX_INFLIGHT_BYTES).
The workers are a `ParsePool`: the same pool parses the web's uploads (Library.add_file).

Every input gets exactly one outcome: "stored", "duplicate" (already stored — by an earlier run,
or by an earlier copy in this batch that was stored) or "failed" with its reason; a second copy of
a bad file fails with the first copy's reason. A bad file is recorded and the batch goes on. A
database that cannot be written (disk full, read-only) stops the batch: the files not stored are
named, and `IngestResult.store_error` says what happened (one line). Being killed halfway leaves
every finished report stored once and nothing half-written, and the run shows as interrupted with
its counts so far; running again completes the rest. Two ingests of overlapping inputs at once
store each report once (unique sha256; the loser of a race counts it as a duplicate). Which of
several versions of one agency and year is current follows Store's stated rule (publication date,
then the file's modification time, then SHA-256), whatever order the workers finish in.
"""
from __future__ import annotations

import calendar
import errno
import hashlib
import multiprocessing
import os
import signal
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
import threading
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from .errors import InputError, StoreError, os_error_message
from .lifeline import exit_with
from .model import Report
from .readers import MAX_BYTES

# .zip archives: refuse what no set of annual reports needs (zip bombs, path tricks)
ZIP_MAX_MEMBERS = 20_000
ZIP_MAX_TOTAL = 4 * 2**30          # uncompressed bytes per archive
ZIP_MAX_RATIO = 200                # uncompressed / compressed per member
SKIP_NAMES = {"__MACOSX", "Thumbs.db", ".DS_Store", "desktop.ini"}
# never reports: our own database files (`nianbao ingest .` next to nianbao.db), Office lock files
SKIP_SUFFIXES = (".db", ".db-wal", ".db-shm", ".db-journal", ".sqlite", ".sqlite3", ".tmp")
# what a folder or an archive is searched for: the formats an annual report comes in. Anything else
# lying beside the reports (JSON data, images, spreadsheets, scripts) is skipped and counted, never
# parsed; a file named on the command line is read whatever its name (its reader says what it is).
REPORT_SUFFIXES = (".pdf", ".docx", ".doc", ".wps", ".html", ".htm", ".shtml", ".txt", ".md", ".markdown")
NOT_A_REPORT = "不是年度报告格式"
REPORT_FILES = "PDF、Word（.docx/.doc/.wps）、网页（.html）、文本（.txt/.md）"
REPORT_FORMATS = REPORT_FILES + "及其 .zip 压缩包"
MAX_INFLIGHT_BYTES = 256 * 2**20   # sizes of the files dispatched and not yet saved (at least one file)
CHECKPOINT_SECONDS = 5.0           # how often a run's counts so far are recorded (a killed run keeps them)
_CHUNK = 2**20


def _skipped(name: str) -> bool:
    return name.lower().endswith(SKIP_SUFFIXES) or name.startswith("~$")


def is_report_name(name: str) -> bool:
    """A file name a folder walk (or an archive) takes as a report: one of REPORT_SUFFIXES."""
    return name.lower().endswith(REPORT_SUFFIXES)


def skipped_summary(names: Iterable[str], done: str = "入库 " + REPORT_FORMATS) -> str | None:
    """One line for the files a walk skipped as no report format: how many, of which kinds, and why
    (`done`: what is done with which files — ingest's by default; parse and audit read no archives)."""
    kinds: dict[str, int] = {}
    for n in names:
        base = PurePosixPath(n.replace("\\", "/")).name.lower()
        kind = "." + base.rsplit(".", 1)[1] if "." in base.lstrip(".") else "无扩展名"
        kinds[kind] = kinds.get(kind, 0) + 1
    if not kinds:
        return None
    total = sum(kinds.values())
    shown = "、".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"已跳过 {total} 个文件：{NOT_A_REPORT}（{shown}）；只{done}"


@dataclass
class Source:
    """One input: a file, or a member of a .zip archive ("a.zip!2023/x.docx")."""
    name: str
    path: Path
    member: str | None = None

    def read(self) -> bytes:
        if self.member is None:
            from .api import read_path
            return read_path(self.path)
        zf = _open_zip(self.path)
        return _read_member(zf, zf.getinfo(self.member), self.name)

    def fingerprint(self) -> tuple[str, int, float | None]:
        """(sha256, size, modification time) read as a stream: never the whole file in memory."""
        h = hashlib.sha256()
        size = 0
        try:
            if self.member is None:
                st = self.path.stat()
                if st.st_size > MAX_BYTES:
                    raise InputError(f"文件过大（上限 {MAX_BYTES // 2**20} MB）", self.name)
                mtime: float | None = st.st_mtime
                f = open(self.path, "rb")
            else:
                zf = _open_zip(self.path)
                info = zf.getinfo(self.member)
                _check_member(info, self.name)
                mtime = float(calendar.timegm((*info.date_time, 0, 0, 0)))
                f = zf.open(info)
            with f:
                while chunk := f.read(_CHUNK):
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise InputError(f"文件过大（上限 {MAX_BYTES // 2**20} MB）", self.name)
                    h.update(chunk)
        except InputError:
            raise
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as e:
            raise InputError(f"无法解压（{e}）", self.name) from None
        except OSError as e:
            raise InputError(_os_message(e), self.name) from None
        return h.hexdigest(), size, mtime


def _one_line(e: BaseException) -> str:
    """A library error as one line: the driver's own message, without SQL or "Background on this error"."""
    orig = getattr(e, "orig", None) or e
    text = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {text[0]}" if text else type(orig).__name__


def _os_message(e: OSError) -> str:
    if e.errno == errno.ELOOP:
        return "符号链接循环（链接指向自身），无法读取"
    if e.errno == errno.ENOENT:
        return "文件不存在（或符号链接指向的文件不存在）"
    return os_error_message(e)


_ZIPS: dict[str, zipfile.ZipFile] = {}


def _open_zip(path: Path) -> zipfile.ZipFile:
    """An archive opened once per process (its central directory is read once, not once per member)."""
    key = str(path)
    zf = _ZIPS.get(key)
    if zf is None:
        if len(_ZIPS) >= 4:
            _ZIPS.pop(next(iter(_ZIPS))).close()
        zf = _ZIPS[key] = zipfile.ZipFile(path)
    return zf


def _close_zips() -> None:
    while _ZIPS:
        _ZIPS.popitem()[1].close()


@dataclass
class Outcome:
    name: str
    status: str                       # "stored", "duplicate" or "failed"
    report_id: int | None = None
    agency: str | None = None
    year: int | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    is_current: bool | None = None
    message: str | None = None        # why it failed (or a note on a stored file)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class IngestResult:
    run_id: int | None
    outcomes: list[Outcome] = field(default_factory=list)
    elapsed: float = 0.0
    store_error: str | None = None    # the database failed (disk full, read-only …): the batch stopped
    skipped: list[str] = field(default_factory=list)   # files in folders/archives that are no report format

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def to_dict(self) -> dict[str, Any]:
        n = len(self.outcomes)
        return {"run_id": self.run_id, "files": n, "stored": self.count("stored"),
                "duplicates": self.count("duplicate"), "failed": self.count("failed"),
                "elapsed_s": round(self.elapsed, 3),
                "files_per_s": round(n / self.elapsed, 2) if self.elapsed else None,
                "reports": [o.to_dict() for o in self.outcomes if o.status != "failed"],
                "errors": [{"file": o.name, "message": o.message} for o in self.failed],
                "skipped": len(self.skipped), "skipped_files": list(self.skipped)} \
            | ({"skipped_note": skipped_summary(self.skipped)} if self.skipped else {}) \
            | ({"store_error": self.store_error} if self.store_error else {})


# ---------------------------------------------------------------- finding the inputs
def _member_name(info: zipfile.ZipInfo) -> str:
    """Member names written by Chinese Windows tools are GBK without the UTF-8 flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _check_member(info: zipfile.ZipInfo, name: str) -> None:
    if info.file_size > MAX_BYTES:
        raise InputError(f"压缩包内文件过大（上限 {MAX_BYTES // 2**20} MB）", name)
    if info.compress_size and info.file_size / info.compress_size > ZIP_MAX_RATIO and info.file_size > 2**20:
        raise InputError("压缩比异常（疑似压缩炸弹），已跳过", name)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    _check_member(info, name)
    try:
        with zf.open(info) as f:
            data = f.read(MAX_BYTES + 1)   # never trust the header's size
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as e:
        raise InputError(f"无法解压（{e}）", name) from None
    if len(data) > MAX_BYTES:
        raise InputError(f"压缩包内文件过大（上限 {MAX_BYTES // 2**20} MB）", name)
    return data


def _nothing_to_ingest(where: str, skipped: list[str], has_files: bool) -> str:
    """Why a folder or an archive named on the command line yields nothing: the web upload's wording."""
    if skipped:
        return f"{where}内没有年度报告：{skipped_summary(skipped)}"
    return f"{where}内没有年度报告" if has_files else f"{where}内没有文件"


def _named_zip_sources(path: Path, skipped: list[str]) -> Iterator[Source | InputError]:
    """An archive named on the command line: one that holds no report file is a failure of that input
    (one line naming it and what it skipped, as the web's upload refuses it), not an empty success."""
    own: list[str] = []
    yielded = False
    for item in _zip_sources(path, own):
        yielded = True
        yield item
    if yielded:
        skipped.extend(own)
        return
    try:
        with zipfile.ZipFile(path) as zf:
            has_files = any(not i.is_dir() for i in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        has_files = True
    yield InputError(_nothing_to_ingest("压缩包", own, has_files), str(path))


def _zip_sources(path: Path, skipped: list[str]) -> Iterator[Source | InputError]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        yield InputError(f"不是有效的 zip 压缩包（{e}）", str(path))
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > ZIP_MAX_MEMBERS:
            yield InputError(f"压缩包内文件过多（{len(infos)} 个，上限 {ZIP_MAX_MEMBERS}）", str(path))
            return
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            shown = _member_name(info)
            name = f"{path}!{shown}"
            parts = PurePosixPath(shown.replace("\\", "/")).parts
            if shown.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                yield InputError("压缩包内路径不安全（绝对路径或 ..），已跳过", name)
                continue
            if any(p in SKIP_NAMES or p.startswith(".") for p in parts) or _skipped(parts[-1]):
                continue
            if shown.lower().endswith(".zip"):
                yield InputError("不支持嵌套的压缩包，请先解压", name)
                continue
            if not is_report_name(parts[-1]):
                skipped.append(name)
                continue
            total += info.file_size
            if total > ZIP_MAX_TOTAL:
                yield InputError(f"压缩包解压后过大（上限 {ZIP_MAX_TOTAL // 2**30} GB），其余文件已跳过", str(path))
                return
            yield Source(name, path, info.filename)


def iter_sources(paths: Iterable[str | Path], skipped: list[str] | None = None) -> Iterator[Source | InputError]:
    """Every input file: files named, the report files in folders (recursive, sorted), the report
    members of .zip archives. What a folder or an archive holds besides reports (REPORT_SUFFIXES: no
    JSON, images, spreadsheets …) is appended to `skipped`, not yielded; a file named is yielded
    whatever its name. A folder or an archive named that holds no report file is one InputError naming
    it (with what it skipped), so the batch counts it failed and goes on."""
    skipped = [] if skipped is None else skipped
    for p in map(Path, paths):
        if p.is_dir():
            files = []
            own: list[str] = []
            walked = [f for f in p.rglob("*") if f.is_file() or _dangling(f)]
            for f in sorted(f for f in walked if not _skipped(f.name)
                            and not any(part.startswith(".") or part in SKIP_NAMES
                                        for part in f.relative_to(p).parts)):
                if is_report_name(f.name) or f.suffix.lower() == ".zip":
                    files.append(f)
                else:
                    own.append(str(f))
            if not files:
                yield InputError(_nothing_to_ingest("文件夹", own, bool(walked)), str(p))
                continue
            skipped.extend(own)
        elif p.exists():
            files = [p]
        elif p.is_symlink():
            files = [p]          # a symlink loop or a dangling link: its outcome says which
        else:
            yield InputError("文件不存在", str(p))
            continue
        for f in files:
            if _dangling(f):
                try:
                    f.stat()
                except OSError as e:
                    yield InputError(_os_message(e), str(f))
                    continue
            if f.suffix.lower() == ".zip":
                yield from (_named_zip_sources if f == p else _zip_sources)(f, skipped)
            else:
                yield Source(str(f), f)


def _dangling(f: Path) -> bool:
    """A symlink that leads nowhere: to itself (a loop) or to a missing file."""
    try:
        return f.is_symlink() and not f.exists()
    except OSError:
        return True


# ---------------------------------------------------------------- the work of one file
def parse_and_audit(data: bytes, name: str) -> Report:
    """Bytes → Report with the single-report findings (runs in a worker process).

    Only report files are read: a JSON file — even the canonical model `nianbao parse --json` writes —
    is refused as `nianbao parse` refuses it ("是 JSON 数据文件，不是年度报告"). A model dump holds no
    original to show findings in, its SHA-256 is not the report file's, and imported beside the file it
    came from it would become a second version of that agency-year (and, being the newer file, the
    current one); ingest the original instead."""
    from . import api

    return api.audit(api.parse_bytes(data, name))


def _guarded(name: str, read: Callable[[], bytes]) -> Report | InputError:
    """Parse and audit in a worker: every failure is this file's one-line InputError (returned, so it
    crosses the process boundary with its file name), never the batch's or the server's."""
    try:
        return parse_and_audit(read(), name)
    except InputError as e:
        e.file = name
        return e
    except MemoryError:
        return InputError("文件内容异常庞大，解析时内存不足", name)
    except Exception as e:  # noqa: BLE001 — a bug or an unforeseen file: one line, the batch goes on
        return InputError(f"无法处理（{type(e).__name__}: {e}）", name)


def _work(src: Source) -> Report | InputError:
    """Read one input by its path (in the worker: the parent never holds the bytes), parse, audit."""
    return _guarded(src.name, src.read)


def _work_bytes(data: bytes, name: str) -> Report | InputError:
    """One uploaded file's bytes (the web), parsed and audited like an ingested file."""
    return _guarded(name, lambda: data)


def _work_item(item: _Item) -> Report | InputError:
    return _work(item.src)


def _context():
    # forkserver: the parent runs threads (progress, the web server) and holds database connections;
    # forking that is unsafe
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["nianbao.api", "nianbao.extract", "nianbao.audit.registry"])
        return ctx
    return multiprocessing.get_context("spawn")      # Windows


def _worker_start(owner: int) -> None:
    """Each parse worker: Ctrl-C in the terminal reaches the whole process group, but stopping is the
    owner's business (it shuts the pool down) — a worker would only print a KeyboardInterrupt
    traceback; and the worker ends itself when its owner is gone (lifeline)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with(owner)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_worker_start,
                               initargs=(os.getpid(),))


BROKEN = "解析进程异常退出（文件可能触发了解析器崩溃或内存耗尽）"
T = TypeVar("T")
STUCK_CHECK_S = 2.0           # how often a wait looks for a dead worker that left the pool stuck


def _unstick(ex: ProcessPoolExecutor) -> None:
    """Break a pool one of whose workers died without the pool noticing. A worker killed while
    sending a result (the OOM killer, a kill -9) leaves a half-written message in the result pipe
    and the pipe's lock held: the executor reads on, waiting for the rest of the message (CPython
    3.11 does not look at the workers while it reads), and the other workers wait for the lock.
    Killing the workers and closing this process's end of the pipe ends the read; the executor
    then marks the pool broken and its files are retried as after any crash. `_processes` and
    `_result_queue` are the executor's own (it has no public handle on them)."""
    procs = list((getattr(ex, "_processes", None) or {}).values())
    if not any(p.exitcode is not None for p in procs):
        return
    for p in procs:
        if p.exitcode is None:
            p.kill()
    queue = getattr(ex, "_result_queue", None)
    if queue is not None:
        queue._writer.close()


def _wait(ex: ProcessPoolExecutor, fs, return_when=ALL_COMPLETED):
    """concurrent.futures.wait that cannot hang on a pool stuck by a dead worker (_unstick)."""
    while True:
        done, not_done = wait(fs, timeout=STUCK_CHECK_S, return_when=return_when)
        if not not_done or (done and return_when == FIRST_COMPLETED):
            return done, not_done
        _unstick(ex)


class ParsePool:
    """Worker processes that parse and audit files: one implementation for the command line's batch
    ingest (`map`: bounded in flight, results saved as they come) and the web's uploads (`parse`:
    one file, from any thread). Started on first use; `shutdown()` when done.

    A worker that dies (a parser crash, out of memory, killed) breaks every file in flight with it.
    Those files are parsed again one at a time in a worker of their own, so only the file that really
    kills its worker fails; the pool starts afresh for the next ones."""

    def __init__(self, workers: int = 2):
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = _new_pool(self.workers)
            return self._pool

    def _discard(self, broken: ProcessPoolExecutor) -> None:
        """Drop a broken executor (once, whichever thread sees it first); the next call starts a new one."""
        with self._lock:
            if self._pool is broken:
                self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)

    def _submit(self, fn, *args) -> tuple[ProcessPoolExecutor, Future]:
        ex = self._executor()
        try:
            return ex, ex.submit(fn, *args)
        except (BrokenProcessPool, RuntimeError):      # broke (or was shut down) since: once more, afresh
            self._discard(ex)
            ex = self._executor()
            return ex, ex.submit(fn, *args)

    @staticmethod
    def _isolated(name: str, fn, *args) -> Report | InputError:
        """Parse one file in a worker of its own (after a worker died with it in flight)."""
        with _new_pool(1) as pool:
            try:
                fut = pool.submit(fn, *args)
                _wait(pool, [fut])
                return fut.result()
            except BrokenProcessPool:
                return InputError(BROKEN, name)

    def parse(self, data: bytes, name: str) -> Report:
        """One file's bytes → the audited Report (single-report rules), in a worker process, so a
        heavy or crashing parse never stalls the caller. InputError (with `name`) when it is not a
        readable report."""
        ex, fut = self._submit(_work_bytes, data, name)
        try:
            _wait(ex, [fut])
            got = fut.result()
        except BrokenProcessPool:
            self._discard(ex)
            got = self._isolated(name, _work_bytes, data, name)
        if isinstance(got, InputError):
            raise InputError(got.message, name)
        return got

    def map(self, items: Iterable[T], work: Callable[[T], Report | InputError],
            save: Callable[[T, Report | InputError], None], *, name: Callable[[T], str],
            size: Callable[[T], int] = lambda _: 0, max_bytes: int = MAX_INFLIGHT_BYTES) -> None:
        """`work(item)` in the workers (a picklable top-level function returning the report or the
        file's InputError), `save(item, result)` here as results come. In flight: at most workers × 4
        items and `max_bytes` of them by `size` (always at least one)."""
        ex = self._executor()
        pending: dict[Future, T] = {}
        suspects: list[T] = []

        def collect(futures) -> None:
            for fut in futures:
                item = pending.pop(fut)
                try:
                    got = fut.result()
                except BrokenProcessPool:
                    suspects.append(item)
                    continue
                except Exception as e:  # noqa: BLE001 — cancelled or unforeseen: that file fails, the batch goes on
                    got = InputError(f"处理进程异常（{type(e).__name__}: {e}）", name(item))
                save(item, got)

        def recover() -> ProcessPoolExecutor:
            """The executor broke: let the rest of its files finish (or fail), retry the suspects alone."""
            _wait(ex, pending)
            collect(list(pending))
            self._discard(ex)
            for it in suspects:
                save(it, self._isolated(name(it), work, it))
            suspects.clear()
            return self._executor()

        for item in items:
            try:
                pending[ex.submit(work, item)] = item
            except (BrokenProcessPool, RuntimeError):
                suspects.append(item)
            while pending and (len(pending) >= self.workers * 4 or suspects
                               or sum(size(it) for it in pending.values()) > max_bytes):
                done, _ = _wait(ex, pending, FIRST_COMPLETED)
                collect(done)
                if suspects:
                    ex = recover()
            if suspects and not pending:
                ex = recover()
        _wait(ex, pending)
        collect(list(pending))
        if suspects:
            recover()

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------- the batch
ProgressFn = Callable[[Outcome], None]


@dataclass
class _Item:
    """One input dispatched for parsing: the source (read by the worker), its hash, size and time."""
    src: Source
    sha: str
    size: int
    mtime: float | None


_SHORT = {"full": "磁盘空间已满", "readonly": "数据库只读", "io": "磁盘读写错误", "corrupt": "数据库已损坏",
          "cantopen": "无法打开数据库", "busy": "数据库被长时间占用"}


class _Abort(Exception):
    """The store cannot be written: stop dispatching, name what was not stored."""

    def __init__(self, error: StoreError):
        super().__init__(error.message)
        self.error = error


def ingest(paths: Iterable[str | Path], store, *, jobs: int | None = None, on_outcome: ProgressFn | None = None,
           on_total: Callable[[int], None] | None = None, history: bool = True,
           keep: Callable[[str, bytes], Any] | None = None, pool: ParsePool | None = None) -> IngestResult:
    """Ingest every report under `paths` into `store` (a nianbao.store.Store). Returns the outcome per
    file; never raises for a bad file, nor for a database that fails (`IngestResult.store_error`).
    `jobs`: worker processes (default: all CPUs; 1 = in process); `pool`: parse in this ParsePool
    (the Library's) instead of one of `jobs` workers for this batch. `keep(sha256, data)` is called
    for each file stored (e.g. Originals.save, so the web shows findings in the original)."""
    paths = [str(p) for p in paths]
    jobs = pool.workers if pool is not None and jobs is None else max(1, jobs or os.cpu_count() or 1)
    t0 = time.perf_counter()
    skipped: list[str] = []
    sources = list(iter_sources(paths, skipped))
    if on_total:
        on_total(len(sources))
    result = IngestResult(None, skipped=skipped)
    decided: set[int] = set()                  # indexes of the sources that have their outcome
    checkpoint = [time.monotonic()]

    def record(i: int, o: Outcome) -> None:
        decided.add(i)
        result.outcomes.append(o)
        if on_outcome:
            on_outcome(o)

    def counts(finished: bool) -> None:
        store.finish_run(result.run_id, files=len(result.outcomes), stored=result.count("stored"),
                         duplicates=result.count("duplicate"), failed=result.count("failed"),
                         errors=[{"file": o.name, "message": o.message} for o in result.failed], finished=finished)

    try:
        result.run_id = store.start_run(paths)
    except StoreError as e:
        result.store_error = e.message
        for i, src in enumerate(sources):
            name = src.file or "" if isinstance(src, InputError) else src.name
            record(i, Outcome(name, "failed", message=src.message if isinstance(src, InputError)
                              else "未入库（数据库无法写入，入库未开始）"))
        result.elapsed = time.perf_counter() - t0
        return result

    first: dict[str, tuple[int, Outcome | None]] = {}     # sha → (first copy's index, its outcome once known)
    followers: dict[str, list[tuple[int, Source]]] = {}   # later copies waiting for the first copy's outcome
    index_of: dict[int, int] = {}                          # id(item) → source index

    def copy_outcome(i: int, src: Source, o: Outcome) -> None:
        if o.status == "failed":
            record(i, Outcome(src.name, "failed", message=o.message))
        else:
            record(i, Outcome(src.name, "duplicate", o.report_id, o.agency, o.year, is_current=o.is_current))

    def decide(i: int, item: _Item, o: Outcome) -> None:
        record(i, o)
        first[item.sha] = (i, o)
        for j, src in followers.pop(item.sha, []):
            copy_outcome(j, src, o)

    def save(item: _Item, got: Report | InputError) -> None:
        i = index_of.pop(id(item))
        name = item.src.name
        if isinstance(got, InputError):
            decide(i, item, Outcome(name, "failed", message=got.message))
            return
        try:
            res = store.save_report(got, run_id=result.run_id, history=history, mtime=item.mtime)
        except StoreError as e:
            decide(i, item, Outcome(name, "failed", message=f"未入库（数据库写入失败：{_SHORT.get(e.kind, e.kind)}）"))
            raise _Abort(e) from None
        except Exception as e:  # noqa: BLE001 — a database problem with one report must not stop the batch
            decide(i, item, Outcome(name, "failed", message=f"入库失败（{_one_line(e)}）"))
            return
        message = None
        if keep is not None and res.status == "stored" and got.source.sha256:
            try:
                keep(got.source.sha256, item.src.read())
            except (OSError, InputError) as e:     # the report is stored; only its original is missing
                message = f"已入库，但原文件未能保存（{e}）"
        decide(i, item, Outcome(name, res.status, res.report_id, got.meta.agency, res.year, is_current=res.is_current,
                                errors=res.errors, warnings=res.warnings, infos=res.infos, message=message))
        if time.monotonic() - checkpoint[0] > CHECKPOINT_SECONDS:
            checkpoint[0] = time.monotonic()
            try:
                counts(finished=False)
            except StoreError as e:
                raise _Abort(e) from None

    def dispatched() -> Iterator[_Item]:
        """The inputs the store does not hold yet; the rest are recorded here."""
        chunk: list[tuple[int, Source, str, int, float | None]] = []

        def flush() -> Iterator[_Item]:
            known = store.known_sha256(sha for _, _, sha, _, _ in chunk)
            for i, src, sha, size, mtime in chunk:
                if sha in first:                       # a copy of a file of this batch
                    j, o = first[sha]
                    if o is None:
                        followers.setdefault(sha, []).append((i, src))
                    else:
                        copy_outcome(i, src, o)
                elif sha in known:
                    record(i, Outcome(src.name, "duplicate", store.report_id_by_sha256(sha)))
                else:
                    first[sha] = (i, None)
                    item = _Item(src, sha, size, mtime)
                    index_of[id(item)] = i
                    yield item
            chunk.clear()

        for i, src in enumerate(sources):
            if isinstance(src, InputError):
                record(i, Outcome(src.file or "", "failed", message=src.message))
                continue
            try:
                sha, size, mtime = src.fingerprint()
            except InputError as e:
                record(i, Outcome(src.name, "failed", message=e.message))
                continue
            chunk.append((i, src, sha, size, mtime))
            if len(chunk) >= 64:
                yield from flush()
        yield from flush()

    try:
        if jobs == 1 and pool is None:
            for item in dispatched():
                save(item, _work(item.src))
        else:
            own = pool is None
            workers = ParsePool(jobs) if own else pool
            try:
                workers.map(dispatched(), _work_item, save, name=lambda it: it.src.name, size=lambda it: it.size)
            finally:
                if own:
                    workers.shutdown()
    except _Abort as e:
        result.store_error = e.error.message
    except StoreError as e:                    # the store failed while checking what it holds
        result.store_error = e.message
    finally:
        _close_zips()
        if result.store_error:
            reason = "未处理（数据库无法写入，入库已中止）"
            for i, src in enumerate(sources):
                if i not in decided:
                    record(i, Outcome(src.file or "" if isinstance(src, InputError) else src.name, "failed",
                                      message=src.message if isinstance(src, InputError) else reason))
        result.elapsed = time.perf_counter() - t0
        try:
            counts(finished=True)
        except StoreError as e:
            result.store_error = result.store_error or e.message
    return result
