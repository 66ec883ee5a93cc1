"""Errors a user can act on. The CLI prints them as one line naming the file; never a traceback."""


class InputError(Exception):
    """A file nianbao cannot use: empty, unreadable, not an annual report, too large …"""

    def __init__(self, message: str, file: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" if self.file else self.message


class StoreError(Exception):
    """The database cannot be used or written: disk full, read-only, unreachable, damaged.

    One line saying what happened, which database, and what to do (no library text beyond the
    driver's own short message); the CLI prints it and exits 2."""

    def __init__(self, message: str, kind: str = "other"):
        super().__init__(message)
        self.message = message
        self.kind = kind        # "full", "readonly", "cantopen", "io", "busy", "corrupt", "schema", "other"

    def __str__(self) -> str:
        return self.message


# OSError numbers a user can act on → what they mean, in Chinese (strerror is English and says less)
_OS_MESSAGES = {
    "ENOENT": "文件不存在",
    "EISDIR": "是目录，不是文件",
    "ENOTDIR": "路径中有一级不是目录",
    "ELOOP": "符号链接循环（链接指向自身），无法{verb}",
    "ENAMETOOLONG": "文件名过长",
    "ENOSPC": "磁盘已满，无法{verb}",
    "EDQUOT": "磁盘配额已满，无法{verb}",
    "EROFS": "文件系统只读，无法{verb}",
    "EEXIST": "文件已存在",
    "EBUSY": "文件正被占用，无法{verb}",
    "EFBIG": "文件过大，无法{verb}",
}


def os_error_message(e: OSError, verb: str = "读取") -> str:
    """An OSError as a short Chinese phrase (without the file name: the caller names the file).

    `verb`: what was being done, 读取 or 写入 — permission denied says which right is missing; an
    error without a known meaning names its errno symbol rather than the OS's English text."""
    import errno as _errno

    name = _errno.errorcode.get(e.errno or 0, "")
    if name in ("EACCES", "EPERM"):
        return f"没有{verb}权限"
    if name in _OS_MESSAGES:
        return _OS_MESSAGES[name].format(verb=verb)
    return f"无法{verb}（系统错误 {name}）" if name else f"无法{verb}（{type(e).__name__}）"
