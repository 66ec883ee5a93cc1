"""The original files of stored reports, kept so a finding can be shown where it comes from and a
reviewer can download what the agency sent.

The store keeps the parsed model and the file's sha256, not the bytes; the originals live under a
data directory as `<data_dir>/sources/ab/abcdef….bin`, so the model's `source.sha256` is the
mapping and no user-chosen name ever reaches the file system.

    originals = originals_store("sqlite:///nianbao.db")     # ./nianbao-files/sources/…
    originals.save(report.source.sha256, data)
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_SHA = re.compile(r"^[0-9a-f]{64}$")


def default_data_dir(url: str, data_dir: str | os.PathLike | None = None) -> Path:
    """Where originals (and the web's session key) live: the argument, $NIANBAO_DATA_DIR, beside a
    SQLite file (`nianbao.db` → `nianbao-files`), else ~/.local/share/nianbao."""
    if data_dir:
        return Path(data_dir)
    if env := os.environ.get("NIANBAO_DATA_DIR"):
        return Path(env)
    if url.startswith("sqlite:///") and ":memory:" not in url:
        db = Path(url.removeprefix("sqlite:///"))
        return db.with_name(db.stem + "-files")
    return Path.home() / ".local" / "share" / "nianbao"


class Originals:
    """Original files by sha256 under `<root>/sources`."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root) / "sources"

    def path(self, sha256: str) -> Path | None:
        if not sha256 or not _SHA.match(sha256):
            return None
        return self.root / sha256[:2] / f"{sha256}.bin"

    def save(self, sha256: str, data: bytes) -> Path:
        path = self.path(sha256)
        if path is None:
            raise ValueError("bad sha256")
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".up-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)    # whole file or nothing
        return path

    def load(self, sha256: str | None) -> bytes | None:
        path = self.path(sha256 or "")
        return path.read_bytes() if path and path.exists() else None

    def has(self, sha256: str | None) -> bool:
        path = self.path(sha256 or "")
        return bool(path and path.exists())

    def delete(self, sha256: str | None) -> None:
        path = self.path(sha256 or "")
        if path and path.exists():
            path.unlink()


def originals_store(url: str, data_dir: str | os.PathLike | None = None) -> Originals:
    """Where `nianbao serve --db url [--data-dir …]` keeps and looks for uploaded originals."""
    return Originals(default_data_dir(url, data_dir))
