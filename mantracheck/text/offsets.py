"""Clean text and its exact map back to the source (sqlfluff's templated-file slices).

An extractor builds the clean text piece by piece with a ``TextBuilder``:

- ``copy(start, end)``: source characters kept as they are (mapped one to one);
- ``replace(text, start, end)``: clean ``text`` standing for source ``[start, end)``, such as a
  decoded HTML entity (``&amp;`` -> ``&``); a span touching it maps to the whole source piece;
- ``opaque(text, start, end)``: a stand-in for something that must never be flagged, such as a
  placeholder (``{{ first_name }}`` -> ``Placeholder``); a hit overlapping it is dropped;
- ``gap(text)``: clean text with no source at all (a sentence break between two HTML blocks).

Every hit found in the clean text maps back to a source span with ``OffsetMap.to_source``;
nothing ever searches the source again for the matched words.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

COPY, REPLACE, OPAQUE, GAP = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Piece:
    clean_start: int
    clean_end: int
    src_start: int
    src_end: int
    kind: int


class OffsetMap:
    """Maps clean-text spans to source spans. Pieces are contiguous and sorted in clean text."""

    __slots__ = ("_pieces", "_starts")

    def __init__(self, pieces: list[Piece]) -> None:
        self._pieces = pieces
        self._starts = [p.clean_start for p in pieces]

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls([Piece(0, length, 0, length, COPY)] if length else [])

    def _piece_at(self, offset: int) -> Piece | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        return self._pieces[i]

    def _pieces_in(self, start: int, end: int) -> list[Piece]:
        lo = max(bisect.bisect_right(self._starts, start) - 1, 0)
        hi = bisect.bisect_left(self._starts, end)
        return [p for p in self._pieces[lo:hi] if p.clean_end > start and p.clean_start < end]

    def touches_opaque(self, start: int, end: int) -> bool:
        return any(p.kind == OPAQUE for p in self._pieces_in(start, max(end, start + 1)))

    def to_source(self, start: int, end: int) -> tuple[int, int] | None:
        """The source span for clean ``[start, end)``, or None if it touches an opaque piece
        or lies wholly in text that has no source."""
        pieces = self._pieces_in(start, max(end, start + 1))
        if not pieces or any(p.kind == OPAQUE for p in pieces):
            return None
        real = [p for p in pieces if p.kind != GAP]
        if not real:
            return None
        first, last = real[0], real[-1]
        if first.kind == COPY and first.clean_start <= start:
            src_start = first.src_start + (start - first.clean_start)
        else:
            src_start = first.src_start
        if last.kind == COPY and last.clean_end >= end:
            src_end = last.src_start + (end - last.clean_start)
        else:
            src_end = last.src_end
        return src_start, max(src_end, src_start)

    def clean_to_source_offset(self, offset: int) -> int:
        """A single position (for reporting a region start); snaps into replaced pieces."""
        piece = self._piece_at(offset)
        if piece is None:
            return 0
        if piece.kind == COPY:
            return piece.src_start + min(offset - piece.clean_start, piece.src_end - piece.src_start)
        return piece.src_start

    def source_to_clean(self, src_offset: int) -> int | None:
        """The clean offset of a source position that was copied verbatim, else None."""
        for p in self._pieces:
            if p.kind == COPY and p.src_start <= src_offset < p.src_end:
                return p.clean_start + (src_offset - p.src_start)
        return None

    @property
    def pieces(self) -> tuple[Piece, ...]:
        return tuple(self._pieces)


class TextBuilder:
    def __init__(self, source: str) -> None:
        self.source = source
        self._parts: list[str] = []
        self._pieces: list[Piece] = []
        self._len = 0
        self._src_pos = 0  # end of the last source piece consumed (for gap anchoring)

    def _add(self, text: str, src_start: int, src_end: int, kind: int) -> None:
        if not text:
            return
        if kind == COPY and self._pieces:
            last = self._pieces[-1]
            if last.kind == COPY and last.src_end == src_start and last.clean_end == self._len:
                self._pieces[-1] = Piece(last.clean_start, self._len + len(text), last.src_start, src_end, COPY)
                self._parts.append(text)
                self._len += len(text)
                self._src_pos = src_end
                return
        self._pieces.append(Piece(self._len, self._len + len(text), src_start, src_end, kind))
        self._parts.append(text)
        self._len += len(text)
        if kind != GAP:
            self._src_pos = src_end

    def copy(self, start: int, end: int) -> None:
        if end > start:
            self._add(self.source[start:end], start, end, COPY)

    def replace(self, text: str, start: int, end: int) -> None:
        self._add(text, start, end, REPLACE)

    def opaque(self, text: str, start: int, end: int) -> None:
        self._add(text, start, end, OPAQUE)

    def gap(self, text: str) -> None:
        self._add(text, self._src_pos, self._src_pos, GAP)

    @property
    def clean_length(self) -> int:
        return self._len

    def build(self, **kwargs: object) -> Extracted:
        return Extracted(clean="".join(self._parts), offsets=OffsetMap(self._pieces), **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Extracted:
    """One lintable text taken from a source file.

    ``base`` is where this text's source starts in the whole file (for YAML/JSON fields), so
    that the map's source offsets are relative to ``source`` and ``base + offset`` indexes the
    file.
    """

    clean: str
    offsets: OffsetMap
    base: int = 0
    label: str | None = None
    comments: tuple[tuple[int, int, str], ...] = field(default=())


class LineIndex:
    """1-based line and column (in characters) of offsets into a text. CRLF, CR and LF end lines."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        i, n = 0, len(text)
        while True:
            j = _next_break(text, i)
            if j < 0:
                break
            if text[j] == "\r" and j + 1 < n and text[j + 1] == "\n":
                j += 1
            starts.append(j + 1)
            i = j + 1
        self._starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        return self._starts[line - 1]


def _next_break(text: str, start: int) -> int:
    lf = text.find("\n", start)
    cr = text.find("\r", start)
    if lf < 0:
        return cr
    if cr < 0:
        return lf
    return min(lf, cr)
