"""Copied text between reports: one measure for X002 (the same agency's previous year) and X005
(a sibling agency's report of the same year), an index that finds the candidate pairs among
thousands of reports of one year, and the copied passages of a pair for highlighting.

The measure (`share`): the share of this text's character 5-grams (shingles) that also occur in
the other text — containment, not Jaccard, because the question is "how much of this report was
already written elsewhere", whatever the other's length. Text is normalised first (NFKC, no
whitespace, punctuation or digits), so a template filled in with other counts
still matches; only sections 一 总体情况 and 五 存在的主要问题及改进情况 are compared, the two an
agency writes in its own words. 5 characters are about two or three words of Chinese: long enough
that shared vocabulary (政府信息公开, 主动公开) alone makes no match, short enough to survive edits.
Real reports of different agencies of one sector share at most ~0.13 of their shingles; a
template filled in with another agency's name and counts shares 0.8 or more.

The index (`CopyIndex`): MinHash signatures (datasketch) in a MinHashLSH, queried with a Jaccard
threshold low enough for every pair whose containment can reach the configured share (the other
text at most `SIZE_RATIO` times longer); the LSH only proposes candidates, the exact share decides.
So the number of exact comparisons stays near the number of real matches, not n².

    idx = CopyIndex(threshold=0.5, min_chars=200)
    idx.add(12, text_a, group=("department", 7)); idx.add(13, text_b, group=("department", 7))
    idx.matches(12)          # [Match(key=12, other=13, share=0.91, other_share=0.88)]
    copied_spans(text_a, text_b)  # ([(start, end), …] in text_a, […] in text_b) for <mark>
"""
from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

SECTIONS = (1, 5)
NGRAM = 5
# X002's documented defaults before the jurisdiction configuration (oversight/config.py) gives its own
SIZE_RATIO = 2.0           # the LSH proposes pairs whose other text is up to this many times longer
NUM_PERM = 128
MIN_RUN = 10               # a highlighted passage has at least this many characters (normalised)

_NON_TEXT = re.compile(r"[\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")
_DROP_CHAR = re.compile(r"[\W_]|\d", re.UNICODE)


# ------------------------------------------------------------------ the measure
def normalise_text(text: str) -> str:
    """NFKC, then no digits, whitespace, punctuation or underscore (a template filled in with other
    counts and dates reads the same)."""
    return _NON_TEXT.sub("", _DIGITS.sub("", unicodedata.normalize("NFKC", text or "")))


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """`normalise_text` one character at a time, with the offset in `text` of every character kept
    (the highlighting maps copied shingles back to the printed text)."""
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text or ""):
        for c in unicodedata.normalize("NFKC", ch):
            if not _DROP_CHAR.fullmatch(c):
                out.append(c)
                offsets.append(i)
    return "".join(out), offsets


def shingles(normalised: str, n: int = NGRAM) -> set[str]:
    """The character n-grams of an already normalised text."""
    return {normalised[i:i + n] for i in range(len(normalised) - n + 1)}


def share(this: set[str], other: set[str]) -> float:
    """Share of `this` shingle set found in `other` (0 when `this` is empty)."""
    return len(this & other) / len(this) if this else 0.0


def containment(this: str, other: str, n: int = NGRAM) -> float:
    """Share of `this` text's n-grams that occur in `other` (both normalised first)."""
    return share(shingles(normalise_text(this), n), shingles(normalise_text(other), n))


def section_texts(report: Any) -> dict[int, str]:
    """The compared sections of a Report (or of a report model dict), by number."""
    sections = (report.get("sections") or []) if isinstance(report, dict) else report.sections
    out: dict[int, str] = {}
    for s in sections:
        no, text = (s.get("no"), s.get("text")) if isinstance(s, dict) else (s.no, s.text)
        if no in SECTIONS and text:
            out[no] = out[no] + "\n" + text if no in out else text
    return out


def sections_text(report: Any) -> str:
    """Sections 一 and 五 as one text (what the measure compares)."""
    return "\n".join(t for _, t in sorted(section_texts(report).items()))


@dataclass(frozen=True, slots=True)
class Comparison:
    """One report's compared text against another's: the share overall and per section."""
    share: float
    by_section: dict[str, float]
    chars: int                      # normalised length of this text


def compare_reports(this: Any, other: Any) -> Comparison:
    """`this` report's sections 一/五 against `other`'s (Reports or model dicts)."""
    a, b = section_texts(this), section_texts(other)
    this_text, other_text = "\n".join(a[k] for k in sorted(a)), "\n".join(b[k] for k in sorted(b))
    na = normalise_text(this_text)
    other_set = shingles(normalise_text(other_text))
    by = {str(no): round(share(shingles(normalise_text(t)), shingles(normalise_text(b[no]))), 3)
          for no, t in sorted(a.items()) if no in b and normalise_text(t)}
    return Comparison(share(shingles(na), other_set), by, len(na))


@dataclass(frozen=True, slots=True)
class SiblingText:
    """Another agency's report of the same year, region and kind whose sections 一/五 were compared
    with this report's (AuditContext.siblings, read by X005): `share` of this report's text found
    in it, `other_share` the reverse."""
    report_id: int
    agency: str
    year: int | None
    share: float
    other_share: float
    by_section: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "agency": self.agency, "year": self.year, "share": self.share,
                "other_share": self.other_share, "by_section": dict(self.by_section)}


# ------------------------------------------------------------------ the index
@dataclass(frozen=True, slots=True)
class Match:
    """`key`'s text found in `other`'s: `share` of key's shingles in other, `other_share` the reverse."""
    key: Hashable
    other: Hashable
    share: float
    other_share: float


@dataclass(slots=True)
class _Item:
    group: Hashable
    shingles: set[str]
    chars: int
    minhash: Any = None


def candidate_jaccard(threshold: float, size_ratio: float = SIZE_RATIO) -> float:
    """The lowest Jaccard similarity of two shingle sets where the smaller one has `threshold` of
    its shingles in the other and the other is at most `size_ratio` times larger:
    |A∩B| = t|A|, |A∪B| ≤ |A| + r|A| − t|A|."""
    return threshold / (1 + size_ratio - threshold)


@dataclass
class CopyIndex:
    """Texts by key (report ids), grouped (only texts of one group are compared: same year, region
    and kind); `matches()` gives the pairs whose share reaches `threshold`. Texts shorter than
    `min_chars` (normalised) are too short to judge: indexed as others, never judged themselves."""
    threshold: float = 0.5
    min_chars: int = 200
    num_perm: int = NUM_PERM
    size_ratio: float = SIZE_RATIO
    comparisons: int = 0            # exact share computations done (the LSH keeps this near the matches)
    candidates: int = 0             # pairs the LSH proposed (within the text's group)
    _items: dict[Hashable, _Item] = field(default_factory=dict)
    _lsh: Any = None

    def add(self, key: Hashable, text: str, group: Hashable = None) -> None:
        norm = normalise_text(text)
        self._items[key] = _Item(group, shingles(norm), len(norm))
        self._lsh = None

    def add_many(self, items: Iterable[tuple[Hashable, str, Hashable]]) -> None:
        for key, text, group in items:
            self.add(key, text, group)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def _build(self) -> None:
        from datasketch import MinHash, MinHashLSH

        keys = [k for k, it in self._items.items() if it.shingles]
        # crc32 (C) as the base hash: the MinHash's own random permutations do the mixing, and a
        # province's ~3.5 million shingles hash in a third of SHA-1's time
        hashes = MinHash.bulk([[s.encode("utf-8") for s in self._items[k].shingles] for k in keys],
                              num_perm=self.num_perm, hashfunc=zlib.crc32)
        # recall over precision: a missed candidate is a missed finding, an extra one costs one comparison
        bands = MinHashLSH(threshold=candidate_jaccard(self.threshold, self.size_ratio), num_perm=self.num_perm,
                           weights=(0.3, 0.7))
        # one LSH per group with the same bands: a query proposes only texts of its own group (the
        # same candidates as one index filtered by group, without walking the other groups' ones)
        lshs: dict[Hashable, Any] = {}
        for k, m in zip(keys, hashes):
            it = self._items[k]
            it.minhash = m
            lsh = lshs.get(it.group)
            if lsh is None:
                lsh = lshs[it.group] = MinHashLSH(num_perm=self.num_perm, params=(bands.b, bands.r))
            lsh.insert(k, m, check_duplication=False)
        self._lsh = lshs

    def judged(self, key: Hashable) -> bool:
        """Whether `key`'s text is long enough to be judged."""
        it = self._items.get(key)
        return it is not None and it.chars >= self.min_chars and bool(it.shingles)

    def matches(self, key: Hashable | None = None) -> list[Match]:
        """Matches of one key (or of every key), best first: other texts of the same group that
        hold at least `threshold` of this text's shingles."""
        if self._lsh is None:
            self._build()
        keys = [key] if key is not None else list(self._items)
        out: list[Match] = []
        for k in keys:
            if not self.judged(k):
                continue
            it = self._items[k]
            found = []
            cands = self._lsh[it.group].query(it.minhash)
            self.candidates += len(cands) - 1
            for o in cands:
                if o == k:
                    continue
                other = self._items[o]
                if other.group != it.group:
                    continue
                self.comparisons += 1
                s = share(it.shingles, other.shingles)
                if s >= self.threshold:
                    found.append(Match(k, o, round(s, 3), round(share(other.shingles, it.shingles), 3)))
            out.extend(sorted(found, key=lambda m: (-m.share, str(m.other))))
        return out


# ------------------------------------------------------------------ highlighting
def _runs(norm: str, other: set[str], n: int, min_run: int) -> list[tuple[int, int]]:
    covered = bytearray(len(norm))
    for i in range(len(norm) - n + 1):
        if norm[i:i + n] in other:
            covered[i:i + n] = b"\x01" * n
    runs, start = [], None
    for i, c in enumerate(covered):
        if c and start is None:
            start = i
        elif not c and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(norm)))
    return [(a, b) for a, b in runs if b - a >= min_run]


def highlight(text: str, other_shingles: set[str], n: int = NGRAM, min_run: int = MIN_RUN) -> list[tuple[int, int]]:
    """Spans (start, end) of `text` covered by shingles found in the other text, merged, at least
    `min_run` normalised characters long, mapped back to offsets in the printed `text`."""
    norm, offsets = normalise_with_offsets(text)
    return [(offsets[a], offsets[b - 1] + 1) for a, b in _runs(norm, other_shingles, n, min_run)]


def copied_spans(this: str, other: str, n: int = NGRAM, min_run: int = MIN_RUN
                 ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The copied passages of two texts: spans in `this` and spans in `other`."""
    a, b = shingles(normalise_text(this), n), shingles(normalise_text(other), n)
    return highlight(this, b, n, min_run), highlight(other, a, n, min_run)


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, copied) for rendering with <mark>."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for a, b in sorted(spans):
        if a > pos:
            out.append((text[pos:a], False))
        if b > max(a, pos):
            out.append((text[max(a, pos):b], True))
        pos = max(pos, b)
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def side_by_side(this: Any, other: Any, min_run: int = MIN_RUN) -> dict[str, Any]:
    """Sections 一/五 of two reports, each cut into (piece, copied) segments: what of each section
    occurs anywhere in the other report's sections 一/五 (a passage may have moved between them)."""
    a, b = section_texts(this), section_texts(other)
    sa = shingles(normalise_text("\n".join(a[k] for k in sorted(a))))
    sb = shingles(normalise_text("\n".join(b[k] for k in sorted(b))))
    cmp = compare_reports(this, other)
    back = compare_reports(other, this)
    return {
        "share": round(cmp.share, 3), "other_share": round(back.share, 3),
        "by_section": cmp.by_section, "other_by_section": back.by_section,
        "sections": [{"no": no,
                      "this": segments(a.get(no, ""), highlight(a.get(no, ""), sb, min_run=min_run)),
                      "other": segments(b.get(no, ""), highlight(b.get(no, ""), sa, min_run=min_run))}
                     for no in SECTIONS],
    }
