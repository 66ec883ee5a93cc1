"""What every reader returns: the document as blocks (paragraphs and table grids) with positions.

Readers know file formats, not the report format: they hand the extractor
plain text in reading order. A table is a rectangular-ish grid of rows; a cell
covered by another cell's span (DOCX gridSpan/vMerge, HTML colspan/rowspan, a
PDF merged cell) is kept as a slot with `covered=True` and the origin's text, so
the extractor can skip it while positions stay aligned. The text reader cannot
see spans; its rows just have the cells the conversion printed.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Loc:
    """Where a block or cell sits: a text line (1-based), a PDF page (1-based) and bbox,
    or a table/row/col index (0-based) in DOCX/HTML."""
    line: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("line", "page", "table", "row", "col") if getattr(self, k) is not None}
        if self.bbox is not None:
            d["bbox"] = [round(x, 1) for x in self.bbox]
        return d


@dataclass(slots=True)
class Paragraph:
    text: str
    loc: Loc = field(default_factory=Loc)


@dataclass(slots=True)
class Cell:
    text: str
    loc: Loc = field(default_factory=Loc)
    covered: bool = False     # a slot covered by a merged cell (its text repeats the origin's)


@dataclass(slots=True)
class Table:
    rows: list[list[Cell]]
    loc: Loc = field(default_factory=Loc)


@dataclass(slots=True)
class Removed:
    """Conversion debris a reader cleaned away (the audit reports it, A001)."""
    kind: str      # "bookmark", "markdown", "page_number", "fragment", "other"
    text: str
    loc: Loc = field(default_factory=Loc)


Block = Paragraph | Table


@dataclass(slots=True)
class Document:
    blocks: list[Block]
    reader: str                       # "text", "markdown", "docx", "html", "pdf"
    name: str = ""                    # file name, for messages
    removed: list[Removed] = field(default_factory=list)
    pages: int | None = None
    # characters the reader replaced with U+FFFD (bytes that did not decode, NULs): (count, their
    # positions, at most a few hundred) — the rest of the file was read (A002)
    replaced: tuple[int, list[Loc]] | None = None

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
