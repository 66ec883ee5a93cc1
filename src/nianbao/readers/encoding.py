"""Bytes → text that survives damage: a few bad bytes become U+FFFD and are counted, not fatal.

A report downloaded with one flipped byte, a stray NUL or its last character cut in half is still
a report: every other character decodes. `decode` picks the encoding under which the bytes are
overwhelmingly valid (UTF-8, UTF-16 by BOM or by shape, GB18030, or an encoding the caller
names), replaces each byte sequence that does not decode (and each control character that no
text holds, such as NUL) with U+FFFD — one U+FFFD for a run of them (4 KB of zeros left by a
broken download is one damaged place) — and says how many characters it replaced and where: the
offsets and the lines (1-based; "\\r\\n", "\\r" and "\\n" each end a line) of the damaged places.
Whether that is still text is the caller's question: `Decoded.is_text` says no when damaged places
number more than 2% of the characters (and more than 8) — random bytes, an image or an archive
renamed to .txt.

    d = decode("一、总体情况\\n二、".encode() + b"\\xff")
    d.text, d.encoding, d.count, d.lines      # ("一、总体情况\\n二、\\ufffd", "utf-8", 1, [2])

The work is linear in the input: a strict decode first (the common, undamaged case); only when
it fails does a second pass count and place the replacements, and it stops counting once the
input can no longer be text.
"""
from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass, field

REPLACEMENT = "\ufffd"
# control characters no report holds (tab, line breaks, form feed and vertical tab are text)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_PLAUSIBLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\x20-\x7e\s\u2010-\u201f\u00a0]")
MAX_POSITIONS = 200          # positions kept for the finding; the count stays exact
TEXT_SHARE = 0.02            # damaged places in more than 2% of the characters (and more than MIN_BAD): not text
MIN_BAD = 8


@dataclass
class Decoded:
    """The decoded text, the encoding chosen and what was replaced (offsets into `text`, lines)."""
    text: str
    encoding: str
    count: int = 0                                      # characters replaced
    runs: int = 0                                       # damaged places: runs of replaced characters
    offsets: list[int] = field(default_factory=list)    # where each run's one U+FFFD is in `text` (first few hundred)
    lines: list[int] = field(default_factory=list)      # their lines (1-based)

    @property
    def is_text(self) -> bool:
        return self.runs <= max(MIN_BAD, len(self.text) * TEXT_SHARE)


class _TooMany(Exception):
    pass


_local = threading.local()


def _record(e: UnicodeDecodeError) -> tuple[str, int]:
    spans = _local.spans
    if not spans or spans[-1][1] != e.start:     # a new damaged place (adjacent bad bytes are one)
        _local.runs += 1
        if _local.runs > _local.limit:
            raise _TooMany
    spans.append((e.start, e.end))
    return REPLACEMENT, e.end


codecs.register_error("nianbao-record", _record)


def _surely_too_many(data: bytes, limit: int) -> bool:
    """UTF-8 only: more than `limit` runs of bad sequences, told at C speed (a GB18030 file read as
    UTF-8 has hundreds, each a Python call in `_record`). "replace" puts one U+FFFD per bad sequence
    as `_record` does; a U+FFFD the file really holds (EF BF BD) can join two runs or make one, so
    the runs of U+FFFD less those are a floor of the true count."""
    pieces = data.decode("utf-8", errors="replace").split(REPLACEMENT)
    k = len(pieces) - 1                          # U+FFFDs; each after an empty piece continues a run
    runs = k - pieces[1:k].count("")
    return runs - data.count(b"\xef\xbf\xbd") > limit


def _decode_counting(data: bytes, encoding: str, limit: int) -> tuple[str, list[tuple[int, int]], int] | None:
    """`data` decoded with each bad sequence replaced, the byte spans of those sequences and the
    number of runs they form; None when more than `limit` runs are bad (wrong encoding, not text)."""
    if encoding == "utf-8" and _surely_too_many(data, limit):
        return None
    _local.spans, _local.limit, _local.runs = [], limit, 0
    try:
        text = data.decode(encoding, errors="nianbao-record")
    except _TooMany:
        return None
    except LookupError:
        return None
    finally:
        spans, _local.spans = _local.spans, []
    return text, spans, _local.runs


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: NUL bytes in the head, and one byte order reads as Chinese/ASCII."""
    head = data[:4096]
    if b"\x00" not in head or len(head) < 8:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = head[: len(head) // 2 * 2].decode(enc)
        except UnicodeDecodeError:
            continue
        if text and len(_PLAUSIBLE.findall(text)) >= 0.95 * len(text):
            return enc
    return None


def _mostly_utf8(text: str, bad: list[tuple[int, int]], n_bytes: int) -> bool:
    """The bad sequences are a damaged UTF-8 file's, not another encoding's: only a character cut
    at the very end, or several valid multi-byte characters per bad sequence."""
    inner = sum(1 for _, end in bad if end < n_bytes)
    if not inner:
        return True
    multibyte = sum(1 for ch in text if ch > "\x7f") - len(bad)
    return multibyte >= 4 * inner


def _limit(n_bytes: int) -> int:
    return max(MIN_BAD, int(n_bytes * TEXT_SHARE))


def decode(data: bytes, encodings: tuple[str, ...] = ("utf-8", "gb18030")) -> Decoded:
    """Decode `data` by BOM, else UTF-16 by shape, else the first of `encodings` that decodes
    cleanly, else the one with the fewest bad byte sequences (replaced and recorded). Control
    characters (NUL …) are replaced and recorded too."""
    chosen: tuple[str, str, list[tuple[int, int]]] | None = None    # (encoding, text, bad byte spans)
    best = 0                                                          # the chosen one's damaged runs
    body, base = data, 0
    if data.startswith(codecs.BOM_UTF8):
        body, base, candidates = data[3:], 3, ("utf-8",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    elif utf16 := _utf16_without_bom(data):
        candidates = (utf16,)
    else:
        candidates = tuple(dict.fromkeys(encodings))
    for enc in candidates:                      # fast path: an undamaged file
        try:
            chosen = (enc, body.decode(enc), [])
            break
        except (UnicodeDecodeError, LookupError):
            pass
        if enc == "utf-8":
            # UTF-8 with a few bad bytes is UTF-8, even where GB18030 would decode the same bytes
            # without error (it decodes most byte pairs: a cut "年度报告。" reads as "骞村害鎶ュ憡銆")
            got = _decode_counting(body, enc, _limit(len(body)))
            if got is not None and _mostly_utf8(got[0], got[1], len(body)):
                chosen = (enc, got[0], got[1])
                break
    if chosen is None:
        limit = _limit(len(body))
        for enc in candidates:
            got = _decode_counting(body, enc, limit)
            if got is not None and (chosen is None or got[2] < best):
                chosen, best = (enc, got[0], got[1]), got[2]
                limit = best - 1                # a later encoding must do strictly better
        if chosen is None:                      # nothing is close: replace everything, count it all
            enc = candidates[0]
            text = body.decode(enc, errors="replace")
            return _finish(Decoded(text, enc), None, text.count(REPLACEMENT))
    enc, text, bad = chosen
    return _finish(Decoded(text, enc), (body, enc, bad), None)


def _finish(d: Decoded, source: tuple[bytes, str, list[tuple[int, int]]] | None, count: int | None) -> Decoded:
    """Place the replacements in the text (offsets, lines) and replace control characters."""
    offsets: list[int] = []
    if source is not None and source[2]:
        body, enc, bad = source
        # each bad sequence became exactly one U+FFFD: walk the text, skipping genuine U+FFFDs that
        # the valid bytes between two bad sequences decode to
        pos, prev = 0, 0
        for start, end in bad:
            pos += len(body[prev:start].decode(enc, errors="replace"))
            offsets.append(pos)
            pos += 1
            prev = end
    controls = [m.start() for m in _CONTROL.finditer(d.text)] if _CONTROL.search(d.text) else []
    if controls:
        d.text = _CONTROL.sub(REPLACEMENT, d.text)
    offsets = sorted(offsets + controls)
    if count is not None:                       # not text at all: nothing to place
        d.count = d.runs = count
        return d
    d.count = len(offsets)
    d.text, starts = _collapse(d.text, offsets)
    d.runs = len(starts)
    d.offsets = starts[:MAX_POSITIONS]
    d.lines = lines_of(d.text, d.offsets)
    return d


def _collapse(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """One U+FFFD per run of replaced characters (a stretch of zeros from a broken download is one
    damaged place, not four thousand): the text and the runs' offsets in it."""
    if not offsets:
        return text, []
    pieces: list[str] = []
    starts: list[int] = []
    length = prev = 0
    i = 0
    while i < len(offsets):
        j = i
        while j + 1 < len(offsets) and offsets[j + 1] == offsets[j] + 1:
            j += 1
        chunk = text[prev:offsets[i]]
        pieces.append(chunk)
        length += len(chunk)
        starts.append(length)
        pieces.append(REPLACEMENT)
        length += 1
        prev = offsets[j] + 1
        i = j + 1
    pieces.append(text[prev:])
    return "".join(pieces), starts


_BREAK = re.compile(r"\r\n|\r|\n")


def lines_of(text: str, offsets: list[int]) -> list[int]:
    """The 1-based line of each offset (sorted) in `text`."""
    out: list[int] = []
    line, pos = 1, 0
    for off in offsets:
        for m in _BREAK.finditer(text, pos, off):
            line += 1
        pos = max(pos, off)
        out.append(line)
    return out
