"""Errors a user can act on. The CLI prints them as one line naming the file; never a traceback."""


class InputError(Exception):
    """A file nianbao cannot use: empty, unreadable, not an annual report, too large …"""

    def __init__(self, message: str, file: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" if self.file else self.message
