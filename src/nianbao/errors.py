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
