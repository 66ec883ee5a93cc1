"""One reader per file format; each turns bytes into a `Document`. `detect.read` picks one by content."""
from .detect import MAX_BYTES, read, sniff

__all__ = ["read", "sniff", "MAX_BYTES"]
