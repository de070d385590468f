"""Clean text and its exact map back to the source (sqlfluff's templated-file slices).

An extractor builds the clean text piece by piece with a ``TextBuilder``:

- ``copy(start, end)``: source characters kept as they are (mapped one to one); with
  ``quoted=True`` they sit inside a string literal of the template language (Blade's
  ``__('...')``): mapped one to one, but never rewritten by a fix, which could break the quoting;
- ``replace(text, start, end)``: clean ``text`` standing for source ``[start, end)``, such as a
  decoded HTML entity (``&amp;`` -> ``&``); a span touching it maps to the whole source piece;
- ``opaque(text, start, end)``: a stand-in for something that must never be flagged, such as a
  placeholder (``{{ first_name }}`` -> ``Placeholder``); a hit overlapping it is dropped. The
  stand-in may be empty (an inline HTML tag such as ``<b>``): a hit that runs across it is
  dropped, a hit that only ends or starts next to it is kept;
- ``gap(text)``: clean text with no source at all (a sentence break between two HTML blocks).

Every hit found in the clean text maps back to a source span with ``OffsetMap.to_source``;
nothing ever searches the source again for the matched words.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

COPY, REPLACE, OPAQUE, GAP, QUOTED = 0, 1, 2, 3, 4
#: The kinds whose characters are the source's own, one for one.
VERBATIM = (COPY, QUOTED)


class Piece(NamedTuple):
    """A stretch of clean text and the source it stands for (a tuple: made for every piece
    of every text, at a third of a frozen dataclass's cost)."""

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

    def source_extent(self) -> tuple[int, int] | None:
        """The source span from the first piece's start to the last one's end, or None."""
        if not self._pieces:
            return None
        return min(p.src_start for p in self._pieces), max(p.src_end for p in self._pieces)

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
        i = bisect.bisect_right(self._starts, start) - 1
        if i >= 0:
            p = self._pieces[i]
            if p.kind in VERBATIM and max(end, start + 1) <= p.clean_end:  # in one piece, one for one
                return p.src_start + start - p.clean_start, p.src_start + max(end, start) - p.clean_start
        pieces = self._pieces_in(start, max(end, start + 1))
        if not pieces or any(p.kind == OPAQUE for p in pieces):
            return None
        return _span(pieces, start, end)

    def region_runs(self, start: int, end: int) -> list[tuple[int, int]]:
        """The source spans of the runs of real text in clean ``[start, end)``, split at every
        opaque piece (placeholder, tag, URL) and every gap.

        For spans that name a place rather than matched words (a sentence lacking a greeting):
        a placeholder inside the place must not hide it, and the reported span must not cover
        the placeholder either, so the caller reports one of these runs.
        """
        runs: list[tuple[int, int]] = []
        current: list[Piece] = []
        for p in [*self._pieces_in(start, max(end, start + 1)), None]:
            if p is None or p.kind in (OPAQUE, GAP):
                if current:
                    span = _span(current, start, end)
                    if span is not None and span[1] > span[0]:
                        runs.append(span)
                current = []
            else:
                current.append(p)
        return runs

    def is_copy(self, start: int, end: int) -> bool:
        """True when clean ``[start, end)`` is the source text itself, in one stretch (safe to
        rewrite: not across the quotes and dots that join two PHP strings, say)."""
        pieces = self._pieces_in(start, max(end, start + 1))
        return bool(pieces) and all(p.kind == COPY for p in pieces) and all(a.src_end == b.src_start for a, b in itertools.pairwise(pieces))

    def clean_to_source_offset(self, offset: int) -> int:
        """A single position (for reporting a region start); snaps into replaced pieces."""
        piece = self._piece_at(offset)
        if piece is None:
            return 0
        if piece.kind in VERBATIM:
            return piece.src_start + min(offset - piece.clean_start, piece.src_end - piece.src_start)
        return piece.src_start

    def source_to_clean(self, src_offset: int) -> int | None:
        """The clean offset of a source position that was copied verbatim, else None."""
        for p in self._pieces:
            if p.kind in VERBATIM and p.src_start <= src_offset < p.src_end:
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
        self._last_gap: tuple[int, str] | None = None  # (clean length after it, its text)
        #: clean spans of the text of links and buttons (the HTML reader records them)
        self.controls: list[tuple[int, int]] = []

    def _add(self, text: str, src_start: int, src_end: int, kind: int) -> None:
        if not text and not (kind == OPAQUE and src_end > src_start):
            return
        if self._pieces and (kind in VERBATIM or (kind == OPAQUE and not text)):
            # a copy right after a copy, or markup that stands for nothing right after such
            # markup (a run of tags), extends the last piece
            last = self._pieces[-1]
            if last.kind == kind and last.src_end == src_start and last.clean_end == self._len and (kind in VERBATIM or last.clean_start == self._len):
                self._pieces[-1] = Piece(last.clean_start, self._len + len(text), last.src_start, src_end, kind)
                self._parts.append(text)
                self._len += len(text)
                self._src_pos = src_end
                return
        self._pieces.append(Piece(self._len, self._len + len(text), src_start, src_end, kind))
        self._parts.append(text)
        self._len += len(text)
        if kind != GAP:
            self._src_pos = src_end

    def copy(self, start: int, end: int, quoted: bool = False) -> None:
        if end > start:
            self._add(self.source[start:end], start, end, QUOTED if quoted else COPY)

    def replace(self, text: str, start: int, end: int) -> None:
        self._add(text, start, end, REPLACE)

    def opaque(self, text: str, start: int, end: int) -> None:
        self._add(text, start, end, OPAQUE)

    def gap(self, text: str) -> None:
        # a break right after the same break (only markup that stands for nothing between,
        # as in '<p><p>') adds nothing: the text is already broken there
        if self._last_gap == (self._len, text):
            return
        self._add(text, self._src_pos, self._src_pos, GAP)
        self._last_gap = (self._len, text)

    @property
    def clean_length(self) -> int:
        return self._len

    def checkpoint(self) -> tuple[int, int, int, int, Piece | None]:
        """A state to ``rollback`` to if what follows turns out not to be placeable."""
        last = self._pieces[-1] if self._pieces else None
        return len(self._parts), len(self._pieces), self._len, self._src_pos, last

    def rollback(self, state: tuple[int, int, int, int, Piece | None]) -> None:
        parts, pieces, length, src_pos, last = state
        text = "".join(self._parts)[:length]
        self._parts = [text] if text else []
        del self._pieces[pieces:]
        if last is not None:
            self._pieces[-1] = last
        self._len, self._src_pos = length, src_pos
        self._last_gap = None
        self.controls = [c for c in self.controls if c[1] <= length]

    def build(self, **kwargs: object) -> Extracted:
        clean = "".join(self._parts)
        return Extracted(clean=clean, offsets=OffsetMap(self._pieces), controls=standalone(clean, self.controls), **kwargs)  # type: ignore[arg-type]


#: A blank line, where a paragraph ends (what a block element leaves; CRLF and white space on
#: the line count too).
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_INK = re.compile(r"\S")
_ALNUM = re.compile(r"[^\W_]")


def standalone(clean: str, spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """The spans, trimmed of white space, that hold a letter or digit and are all the text of
    their paragraph (sorted, each once). One scan for the blank lines, and each paragraph's
    first and last printing character found once: linear in the text and the spans."""
    if not spans:
        return ()
    blanks = [m.span() for m in _BLANK_LINE.finditer(clean)]
    blank_starts = [s for s, _ in blanks]
    edges: dict[int, tuple[int, int]] = {}  # paragraph -> (its first printing character, the end of its last)
    out = set()
    for start, end in spans:
        ink = _INK.search(clean, start, end)
        if ink is None:
            continue
        start = ink.start()
        while clean[end - 1].isspace():
            end -= 1
        i = bisect.bisect_left(blank_starts, start)  # the paragraph: after blank i - 1, before blank i
        para_end = blanks[i][0] if i < len(blanks) else len(clean)
        if end > para_end or not _ALNUM.search(clean, start, end):
            continue  # runs over a blank line (a link around blocks), or no word
        found = edges.get(i)
        if found is None:
            para_start = blanks[i - 1][1] if i else 0
            first = _INK.search(clean, para_start, para_end)
            last = len(clean[para_start:para_end].rstrip()) + para_start
            found = edges[i] = (first.start() if first else para_end, last)
        if found == (start, end):
            out.add((start, end))
    return tuple(sorted(out))


@dataclass(frozen=True)
class Extracted:
    """One lintable text taken from a source file.

    ``comments`` are (start, end, text) of the comments met on the way (where directives
    live), in the same source coordinates as the map.

    ``base`` is where this text's source starts in the whole file (for YAML/JSON fields), so
    that the map's source offsets are relative to ``source`` and ``base + offset`` indexes the
    file.
    """

    clean: str
    offsets: OffsetMap
    base: int = 0
    label: str | None = None
    comments: tuple[tuple[int, int, str], ...] = field(default=())
    #: False when rewriting the source could break its syntax (a quoted YAML or JSON string);
    #: fixes are offered only where the text is fixable and the span was copied verbatim.
    fixable: bool = True
    #: Clean spans of the text of links and buttons that stand alone in their paragraph
    #: ("Verify email address." as an HTML link of its own): a label to click, not a
    #: sentence to the reader (the skip condition ``link_text``).
    controls: tuple[tuple[int, int], ...] = ()


def _span(pieces: list[Piece], start: int, end: int) -> tuple[int, int] | None:
    """The source span covered by ``pieces`` (no opaque ones) clipped to clean ``[start, end)``."""
    real = [p for p in pieces if p.kind != GAP]
    if not real:
        return None
    first, last = real[0], real[-1]
    if first.kind in VERBATIM and first.clean_start <= start:
        src_start = first.src_start + (start - first.clean_start)
    else:
        src_start = first.src_start
    if last.kind in VERBATIM and last.clean_end >= end:
        src_end = last.src_start + (end - last.clean_start)
    else:
        src_end = last.src_end
    return src_start, max(src_end, src_start)


def compose(inner: OffsetMap, outer: OffsetMap) -> OffsetMap:
    """Chain two maps: ``inner`` maps clean text to a *value* (say a YAML block scalar after
    its indentation was removed), ``outer`` maps that value to the file. The result maps clean
    text straight to the file. A copied span stays a copy only where the value itself was
    copied from the file (quoted if either copy was); elsewhere it takes the kind and whole
    source span of the outer piece.
    """
    out: list[Piece] = []

    def add(piece: Piece) -> None:
        if out and piece.kind in VERBATIM:
            last = out[-1]
            if last.kind == piece.kind and last.clean_end == piece.clean_start and last.src_end == piece.src_start:
                out[-1] = Piece(last.clean_start, piece.clean_end, last.src_start, piece.src_end, piece.kind)
                return
        out.append(piece)

    for p in inner.pieces:
        if p.kind == GAP:
            anchor = outer.clean_to_source_offset(p.src_start)
            add(Piece(p.clean_start, p.clean_end, anchor, anchor, GAP))
        elif p.kind not in VERBATIM:
            lo, hi = _envelope(outer, p.src_start, p.src_end)
            add(Piece(p.clean_start, p.clean_end, lo, hi, p.kind))
        else:
            for q in outer._pieces_in(p.src_start, p.src_end):
                v0, v1 = max(p.src_start, q.clean_start), min(p.src_end, q.clean_end)
                c0, c1 = p.clean_start + (v0 - p.src_start), p.clean_start + (v1 - p.src_start)
                if q.kind in VERBATIM:
                    s0 = q.src_start + (v0 - q.clean_start)
                    add(Piece(c0, c1, s0, s0 + (v1 - v0), COPY if p.kind == q.kind == COPY else QUOTED))
                else:
                    add(Piece(c0, c1, q.src_start, q.src_end, q.kind))
    return OffsetMap(out)


def _envelope(outer: OffsetMap, start: int, end: int) -> tuple[int, int]:
    """The smallest source span that holds everything value ``[start, end)`` came from."""
    real = [q for q in outer._pieces_in(start, max(end, start + 1)) if q.kind != GAP]
    if not real:
        anchor = outer.clean_to_source_offset(start)
        return anchor, anchor
    first, last = real[0], real[-1]
    lo = first.src_start + max(start - first.clean_start, 0) if first.kind in VERBATIM else first.src_start
    hi = last.src_start + (min(end, last.clean_end) - last.clean_start) if last.kind in VERBATIM else last.src_end
    return lo, max(hi, lo)


def map_comments(comments: tuple[tuple[int, int, str], ...], outer: OffsetMap) -> tuple[tuple[int, int, str], ...]:
    """Comment spans found in a value, moved to the file through ``outer``."""
    return tuple((*_envelope(outer, s, e), text) for s, e, text in comments)


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

    @property
    def starts(self) -> list[int]:
        """The offset each line starts at (after "\n", "\r\n" or a lone "\r"). Do not change it."""
        return self._starts

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
