"""Batch ingest: files, folders and .zip archives → parse + audit in worker processes → the store.

    from nianbao.ingest import ingest
    result = ingest(["reports/", "2023.zip"], store, jobs=4)

The parent process enumerates and reads the inputs, hashes them and skips what the store holds
already (so a re-run after a crash only parses what is missing); worker processes parse and audit
(the single-report rules); the parent writes each report in its own transaction, where the
cross-year rules run against the store (Store.save_report). A bad file is recorded with its message
and the batch goes on. Being killed halfway leaves every finished report stored once and nothing
half-written; running again completes the rest. Two ingests of overlapping inputs at once store each
report once (unique sha256; the loser of a race counts it as a duplicate).
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import InputError
from .model import Report
from .readers import MAX_BYTES

# .zip archives: refuse what no set of annual reports needs (zip bombs, path tricks)
ZIP_MAX_MEMBERS = 20_000
ZIP_MAX_TOTAL = 4 * 2**30          # uncompressed bytes per archive
ZIP_MAX_RATIO = 200                # uncompressed / compressed per member
SKIP_NAMES = {"__MACOSX", "Thumbs.db", ".DS_Store", "desktop.ini"}
# never reports: our own database files (`nianbao ingest .` next to nianbao.db), Office lock files
SKIP_SUFFIXES = (".db", ".db-wal", ".db-shm", ".db-journal", ".sqlite", ".sqlite3", ".tmp")


def _skipped(name: str) -> bool:
    return name.lower().endswith(SKIP_SUFFIXES) or name.startswith("~$")


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
        with zipfile.ZipFile(self.path) as zf:
            return _read_member(zf, zf.getinfo(self.member), self.name)


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
                "errors": [{"file": o.name, "message": o.message} for o in self.failed]}


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


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    if info.file_size > MAX_BYTES:
        raise InputError(f"压缩包内文件过大（上限 {MAX_BYTES // 2**20} MB）", name)
    if info.compress_size and info.file_size / info.compress_size > ZIP_MAX_RATIO and info.file_size > 2**20:
        raise InputError("压缩比异常（疑似压缩炸弹），已跳过", name)
    try:
        with zf.open(info) as f:
            data = f.read(MAX_BYTES + 1)   # never trust the header's size
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as e:
        raise InputError(f"无法解压（{e}）", name) from None
    if len(data) > MAX_BYTES:
        raise InputError(f"压缩包内文件过大（上限 {MAX_BYTES // 2**20} MB）", name)
    return data


def _zip_sources(path: Path) -> Iterator[Source | InputError]:
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
            total += info.file_size
            if total > ZIP_MAX_TOTAL:
                yield InputError(f"压缩包解压后过大（上限 {ZIP_MAX_TOTAL // 2**30} GB），其余文件已跳过", str(path))
                return
            yield Source(name, path, info.filename)


def iter_sources(paths: Iterable[str | Path]) -> Iterator[Source | InputError]:
    """Every input file: files named, files in folders (recursive, sorted), members of .zip archives."""
    for p in map(Path, paths):
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and not _skipped(f.name)
                           and not any(part.startswith(".") or part in SKIP_NAMES for part in f.relative_to(p).parts))
        elif p.exists():
            files = [p]
        else:
            yield InputError("文件不存在", str(p))
            continue
        for f in files:
            if f.suffix.lower() == ".zip":
                yield from _zip_sources(f)
            else:
                yield Source(str(f), f)


# ---------------------------------------------------------------- the work of one file
def parse_and_audit(data: bytes, name: str) -> Report:
    """Bytes → Report with the single-report findings (runs in a worker process).

    A `.json` file holding a report model (`nianbao parse --json` output) is taken as it is."""
    from . import api

    if name.lower().endswith(".json"):
        try:
            report = Report.model_validate_json(data)
        except ValueError:
            raise InputError("不是 nianbao 报告 JSON", name) from None
        report.source.sha256 = hashlib.sha256(data).hexdigest()
        report.source.file = report.source.file or Path(name).name
        return api.audit(report)
    return api.audit(api.parse_bytes(data, name))


def _work(data: bytes, name: str) -> Report | InputError:
    try:
        return parse_and_audit(data, name)
    except InputError as e:
        e.file = name
        return e
    except Exception as e:  # noqa: BLE001 — a bug or an unforeseen file: one line, the batch goes on
        return InputError(f"无法处理（{type(e).__name__}: {e}）", name)


def _pool(jobs: int) -> ProcessPoolExecutor:
    # forkserver: the parent runs a progress thread and holds database connections; forking that is unsafe
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["nianbao.api", "nianbao.extract", "nianbao.audit.registry"])
    else:   # Windows
        ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)


# ---------------------------------------------------------------- the batch
ProgressFn = Callable[[Outcome], None]


def ingest(paths: Iterable[str | Path], store, *, jobs: int | None = None, on_outcome: ProgressFn | None = None,
           on_total: Callable[[int], None] | None = None, history: bool = True,
           keep: Callable[[str, bytes], Any] | None = None) -> IngestResult:
    """Ingest every report under `paths` into `store` (a nianbao.store.Store). Returns the outcome per
    file; never raises for a bad file. `jobs`: worker processes (default: all CPUs; 1 = in process).
    `keep(sha256, data)` is called for each file stored (e.g. web.sources.SourceFiles.save, so the
    web shows findings in the original)."""
    paths = [str(p) for p in paths]
    jobs = max(1, jobs or os.cpu_count() or 1)
    t0 = time.perf_counter()
    sources = list(iter_sources(paths))
    if on_total:
        on_total(len(sources))
    run_id = store.start_run(paths)
    result = IngestResult(run_id)

    def record(o: Outcome) -> None:
        result.outcomes.append(o)
        if on_outcome:
            on_outcome(o)

    in_flight: dict[str, bytes] = {}          # name → bytes, for `keep`, until saved

    def save(name: str, got: Report | InputError) -> None:
        data = in_flight.pop(name, None)
        if isinstance(got, InputError):
            record(Outcome(name, "failed", message=got.message))
            return
        try:
            res = store.save_report(got, run_id=run_id, history=history)
        except Exception as e:  # noqa: BLE001 — a database problem with one report must not stop the batch
            record(Outcome(name, "failed", message=f"入库失败（{type(e).__name__}: {e}）"))
            return
        message = None
        if keep is not None and data is not None and res.status == "stored" and got.source.sha256:
            try:
                keep(got.source.sha256, data)
            except OSError as e:                 # the report is stored; only its original is missing
                message = f"已入库，但原文件未能保存（{e}）"
        record(Outcome(name, res.status, res.report_id, got.meta.agency, res.year, is_current=res.is_current,
                       errors=res.errors, warnings=res.warnings, infos=res.infos, message=message))

    def loaded() -> Iterator[tuple[str, bytes]]:
        """(name, bytes) of the inputs the store does not hold yet; the rest are recorded here."""
        seen: dict[str, str] = {}
        chunk: list[tuple[Source, bytes, str]] = []

        def flush() -> Iterator[tuple[str, bytes]]:
            known = store.known_sha256(sha for _, _, sha in chunk)
            for src, data, sha in chunk:
                if sha in known or sha in seen:
                    rid = store.report_id_by_sha256(sha)
                    record(Outcome(src.name, "duplicate", rid, message=None))
                else:
                    seen[sha] = src.name
                    if keep is not None:
                        in_flight[src.name] = data
                    yield src.name, data
            chunk.clear()

        for src in sources:
            if isinstance(src, InputError):
                record(Outcome(src.file or "", "failed", message=src.message))
                continue
            try:
                data = src.read()
            except InputError as e:
                record(Outcome(src.name, "failed", message=e.message))
                continue
            chunk.append((src, data, hashlib.sha256(data).hexdigest()))
            if len(chunk) >= 64:
                yield from flush()
        yield from flush()

    try:
        if jobs == 1:
            for name, data in loaded():
                save(name, _work(data, name))
        else:
            _run_pool(loaded(), jobs, save)
    finally:
        result.elapsed = time.perf_counter() - t0
        store.finish_run(run_id, files=len(result.outcomes), stored=result.count("stored"),
                         duplicates=result.count("duplicate"), failed=result.count("failed"),
                         errors=[{"file": o.name, "message": o.message} for o in result.failed])
    return result


def _run_pool(items: Iterator[tuple[str, bytes]], jobs: int,
              save: Callable[[str, Report | InputError], None]) -> None:
    """Parse in `jobs` worker processes, saving results as they come (at most jobs × 4 in flight).

    A worker that dies (a parser crash, out of memory, killed) breaks the whole pool and every file
    in flight with it. Those files are then parsed again one at a time in a fresh single worker, so
    only the file that really kills its worker fails; the batch goes on with a new pool."""
    pool = _pool(jobs)
    pending: dict[Future, tuple[str, bytes]] = {}

    def collect(futures) -> bool:
        """Save finished results; True when the pool broke (its files are parked in `suspects`)."""
        broken = False
        for fut in futures:
            name, data = pending.pop(fut)
            try:
                got = fut.result()
            except BrokenProcessPool:
                suspects.append((name, data))
                broken = True
                continue
            except Exception as e:  # noqa: BLE001 — cancelled or unforeseen: that file fails, the batch goes on
                got = InputError(f"处理进程异常（{type(e).__name__}: {e}）", name)
            save(name, got)
        return broken

    suspects: list[tuple[str, bytes]] = []
    try:
        for name, data in items:
            try:
                pending[pool.submit(_work, data, name)] = (name, data)
            except BrokenProcessPool:
                suspects.append((name, data))
            if len(pending) >= jobs * 4 or suspects:      # bounded: memory stays flat on big batches
                done, _ = wait(pending, return_when=FIRST_COMPLETED) if pending else (set(), set())
                if collect(done) or suspects:
                    wait(pending)
                    collect(list(pending))
                    pool.shutdown(wait=True, cancel_futures=True)
                    for n, d in suspects:
                        save(n, _isolated(d, n))
                    suspects.clear()
                    pool = _pool(jobs)
        wait(pending)
        if collect(list(pending)):
            for n, d in suspects:
                save(n, _isolated(d, n))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _isolated(data: bytes, name: str) -> Report | InputError:
    """Parse one file in a worker of its own (after a worker died with it in flight)."""
    with _pool(1) as pool:
        try:
            return pool.submit(_work, data, name).result()
        except BrokenProcessPool:
            return InputError("解析进程异常退出（文件可能触发了解析器崩溃或内存耗尽）", name)
