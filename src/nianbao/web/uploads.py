"""Checking uploaded files before anything parses them: size, type by content, zip archives.

Every refusal is an InputError with a Chinese message naming the file, shown
per file on the upload page and returned as a 4xx by the API.
"""
from __future__ import annotations

import io
import secrets
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine

from ..errors import InputError
from ..ingest import is_report_name, skipped_summary
from ..readers import sniff
from .db import HEARTBEAT, STALE, Keepalive, exclusive, upload_reservations_table, writing

DEFAULT_MAX_MB = 50
MAX_ZIP_ENTRIES = 500
DEFAULT_MAX_EXPANDED_MB = 200    # one archive, every entry inflated
DEFAULT_USER_BUDGET_MB = 600     # one user's uploads in flight, all requests together (≥ one full request)
MAX_USER_FILES = 1000            # files of one user in flight
SUPPORTED = "支持 PDF、DOCX、DOC、HTML、TXT、Markdown 文件及其 ZIP 压缩包"


class Refused(InputError):
    """An upload refused before parsing; `status` is the HTTP status the API answers with."""

    def __init__(self, message: str, file: str | None = None, status: int = 422):
        super().__init__(message, file)
        self.status = status


class Skipped(Refused):
    """Not a refusal: the members of an archive that are no report format (JSON data, images,
    spreadsheets …), skipped unread as `nianbao ingest` skips them in a folder — one notice per
    archive, its message the one line saying how many and why; `state` is the upload job's row state."""
    state = "skipped"

    def __init__(self, archive: str, names: list[str]):
        super().__init__(skipped_summary(names) or "", archive, 200)
        self.names = names


@dataclass
class Upload:
    name: str
    data: bytes


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def check_size(name: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise Refused(f"文件过大（{_mb(size)}，上限 {max_bytes // 2**20} MB）", name, 413)


def _looks_like_text(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head:
        return False
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError as e:
            if e.start >= len(head) - 4:     # a character cut at the sample's end
                text = head[:e.start].decode(enc, errors="ignore")
            else:
                continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
        return controls <= len(text) // 100
    return False


def is_zip_archive(data: bytes) -> bool:
    """A zip that is not itself an Office document (a .docx is a zip too)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" not in names and "word/document.xml" not in names


def check_type(name: str, data: bytes) -> str:
    """The reader format for a file, or InputError when it is not a report file nianbao reads."""
    if not data or not data.strip():
        raise Refused("文件为空", name, 422)
    fmt = sniff(data, name)
    if fmt in ("text", "markdown") and not _looks_like_text(data):
        raise Refused(f"不支持的文件类型（内容不是文本、PDF 或 Word 文档；{SUPPORTED}）", name, 415)
    return fmt


def _zip_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:         # no UTF-8 flag: Chinese Windows zips use GBK
        try:
            name = name.encode("cp437").decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _entries(name: str, z: zipfile.ZipFile, max_expanded: int, max_entries: int) -> list[zipfile.ZipInfo]:
    """The archive's files, refused as a whole when there are too many or, by the sizes its directory
    declares, they would inflate beyond `max_expanded` — checked before a byte is inflated (zipfile never
    yields more than an entry's declared size, so the declared total bounds the memory; a zip bomb of
    1 MB declaring gigabytes is refused at once)."""
    infos = [i for i in z.infolist() if not i.is_dir()]
    if len(infos) > max_entries:
        raise Refused(f"压缩包内文件过多（{len(infos)} 个，上限 {max_entries}）", name, 413)
    total = sum(i.file_size for i in infos)
    if total > max_expanded:
        raise Refused(f"压缩包解压后过大（共 {_mb(total)}，上限 {max_expanded // 2**20} MB），未解压", name, 413)
    return infos


def footprint(name: str, data: bytes, max_bytes: int, max_expanded: int = DEFAULT_MAX_EXPANDED_MB * 2**20,
              max_entries: int = MAX_ZIP_ENTRIES) -> tuple[int, int]:
    """(bytes, files) an upload will hold once expanded, read from a zip's directory without inflating
    anything; Refused when the upload alone is over its bounds."""
    check_size(name, len(data), max_bytes)
    if not is_zip_archive(data):
        return len(data), 1
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = _entries(name, z, max_expanded, max_entries)
    except zipfile.BadZipFile:
        raise Refused("ZIP 压缩包已损坏", name, 422) from None
    return sum(i.file_size for i in infos), len(infos)


def expand(name: str, data: bytes, max_bytes: int, max_expanded: int = DEFAULT_MAX_EXPANDED_MB * 2**20,
           max_entries: int = MAX_ZIP_ENTRIES) -> tuple[list[Upload], list[InputError]]:
    """The files an upload holds: itself, or the report entries of a zip (each checked on its own; the
    archive as a whole bounded in entries and inflated bytes). Entries that are no report format by
    their name (ingest.REPORT_SUFFIXES) are not inflated: one Skipped notice among the errors names them."""
    check_size(name, len(data), max_bytes)
    if not is_zip_archive(data):
        check_type(name, data)
        return [Upload(name, data)], []
    files: list[Upload] = []
    errors: list[InputError] = []
    skipped: list[str] = []
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Refused("ZIP 压缩包已损坏", name, 422) from None
    with z:
        infos = _entries(name, z, max_expanded, max_entries)
        for info in infos:
            inner = _zip_name(info)
            base = PurePosixPath(inner).name
            if not base or base.startswith(".") or inner.startswith("__MACOSX/"):
                continue
            label = f"{name}/{inner}"
            if base.lower().endswith(".zip"):
                errors.append(Refused("压缩包内嵌套的压缩包不予处理", label, 415))
                continue
            if not is_report_name(base):
                skipped.append(label)
                continue
            try:
                check_size(label, info.file_size, max_bytes)     # declared size: refuse before inflating
                with z.open(info) as f:
                    content = f.read(max_bytes + 1)
                check_size(label, len(content), max_bytes)
                if is_zip_archive(content):
                    raise Refused("压缩包内嵌套的压缩包不予处理", label, 415)
                check_type(label, content)
                files.append(Upload(label, content))
            except InputError as e:
                errors.append(e)
            except RuntimeError:               # zipfile: an encrypted entry needs a password
                errors.append(Refused("无法解压（文件已加密）", label, 422))
            except (zipfile.BadZipFile, OSError, EOFError):
                # damaged, or more data than its declared size (a lying bomb): zipfile stops at the
                # declared size and the checksum then fails
                errors.append(Refused("无法解压（文件已损坏，或内容与压缩包记录的大小不符）", label, 422))
    if not files and not errors:
        if skipped:
            raise Refused(f"压缩包内没有年度报告：{skipped_summary(skipped)}", name, 415)
        raise Refused("压缩包内没有文件", name, 422)
    if skipped:
        errors.append(Skipped(name, skipped))
    return files, errors


# ------------------------------------------------------------------ per-user budget
class UploadBudget:
    """What one user's uploads may hold in memory at once, all requests together: a second (or
    tenth) concurrent upload shares the first one's budget instead of getting its own. Bytes and
    files are reserved from the sizes an upload declares before anything is inflated.

    The reservations are rows of a table (web_upload_reservations), so the budget is the user's across
    every server process of `nianbao serve --processes N`; a reservation is checked and taken in one
    transaction that runs alone (db.exclusive). The process holding it vouches for it (db.Keepalive)
    until it is released: a crashed process's reservations stop counting after db.STALE seconds."""

    def __init__(self, engine: Engine, max_bytes: int = DEFAULT_USER_BUDGET_MB * 2**20,
                 max_files: int = MAX_USER_FILES, clock: Callable[[], float] = time.time, stale: float = STALE,
                 heartbeat: float = HEARTBEAT):
        self.engine, self.max_bytes, self.max_files = engine, max_bytes, max_files
        self.clock, self.stale = clock, stale
        self._keepalive = Keepalive(self._touch, heartbeat)

    def _held(self, conn, user: str, now: float) -> tuple[int, int]:
        t = upload_reservations_table
        b, n = conn.execute(select(func.coalesce(func.sum(t.c.nbytes), 0), func.coalesce(func.sum(t.c.nfiles), 0))
                            .where(t.c.user == user, t.c.seen >= now - self.stale)).one()
        return int(b), int(n)

    def held(self, user: str) -> tuple[int, int]:
        with self.engine.connect() as c:
            return self._held(c, user, self.clock())

    def reserve(self, user: str, nbytes: int, nfiles: int) -> Callable[[], None]:
        """Take (nbytes, nfiles) for `user`, or Refused (429) when that would pass the budget; returns
        the release function (idempotent)."""
        t, now, rid = upload_reservations_table, self.clock(), secrets.token_hex(16)
        with exclusive(self.engine, "upload_budget") as c:
            c.execute(delete(t).where(t.c.seen < now - self.stale))      # crashed processes' reservations
            b, n = self._held(c, user, now)
            if (b, n) == (0, 0) and (nbytes > self.max_bytes or nfiles > self.max_files):
                # nothing else in flight: this upload alone is too large, waiting would not help
                raise Refused(f"本次上传解压后共 {_mb(nbytes)}、{nfiles} 个文件，超过每位用户同时处理的上限"
                              f"（{self.max_bytes // 2**20} MB、{self.max_files} 个），请分批上传", None, 413)
            if b + nbytes > self.max_bytes or n + nfiles > self.max_files:
                raise Refused(f"您同时进行的上传过多（处理中 {_mb(b)}、{n} 个文件，本次 {_mb(nbytes)}、{nfiles} 个；"
                              f"上限 {self.max_bytes // 2**20} MB、{self.max_files} 个），请等当前上传完成后再试",
                              None, 429)
            c.execute(insert(t).values(id=rid, user=user, nbytes=nbytes, nfiles=nfiles, seen=now))
        self._keepalive.add(rid)
        released = False
        lock = threading.Lock()

        def release() -> None:
            nonlocal released
            with lock:
                if released:
                    return
                released = True
            self._keepalive.discard(rid)
            with writing(self.engine) as c:
                c.execute(delete(t).where(t.c.id == rid))
        return release

    def _touch(self, ids: set[str]) -> None:
        t = upload_reservations_table
        with writing(self.engine) as c:
            c.execute(update(t).where(t.c.id.in_(ids)).values(seen=self.clock()))

    def close(self) -> None:
        """This process stops: its reservations go (nothing of theirs is in flight any more)."""
        self._keepalive.stop()
        ids = self._keepalive.live()
        if ids:
            with writing(self.engine) as c:
                c.execute(delete(upload_reservations_table).where(upload_reservations_table.c.id.in_(ids)))


@dataclass
class Limits:
    max_bytes: int                                   # one file
    max_expanded: int = DEFAULT_MAX_EXPANDED_MB * 2**20   # one archive inflated
    max_entries: int = MAX_ZIP_ENTRIES               # one archive's files


def expand_all(uploads: list[tuple[str, bytes]], limits: Limits, budget: UploadBudget,
               user: str) -> tuple[list[Upload], list[InputError], Callable[[], None]]:
    """Every file of one request's uploads (zips expanded), the refusals per upload, and the release
    of the user's budget, to call once the files are stored. Refused (429) for the whole request
    when the user's uploads in flight would pass the budget — before anything is inflated."""
    errors: list[InputError] = []
    sized: list[tuple[str, bytes]] = []
    nbytes = nfiles = 0
    for name, data in uploads:
        try:
            b, n = footprint(name, data, limits.max_bytes, limits.max_expanded, limits.max_entries)
        except InputError as e:
            errors.append(e)
            continue
        sized.append((name, data))
        nbytes, nfiles = nbytes + b, nfiles + n
    release = budget.reserve(user, nbytes, nfiles)
    files: list[Upload] = []
    try:
        for name, data in sized:
            try:
                got, errs = expand(name, data, limits.max_bytes, limits.max_expanded, limits.max_entries)
            except InputError as e:
                errors.append(e)
                continue
            files += got
            errors += errs
    except BaseException:
        release()
        raise
    return files, errors, release
