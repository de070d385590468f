"""Offsets into a document (code points, as the engine counts) <-> LSP positions.

An LSP position is a 0-based line and a ``character`` counted in the code units of the
negotiated ``positionEncoding``: UTF-16 unless the client offered another (LSP 3.17), and
pygls picks the client's first choice among utf-8, utf-16 and utf-32. mantracheck's findings
count code points (a column is a character), so a character outside the Basic Multilingual
Plane (an emoji) is one column to mantracheck and two UTF-16 units to the editor.

Lines end at LF, CRLF or CR, as in the LSP and ``mantracheck.text.LineIndex`` (never at a
form feed or U+2028, which Python's ``str.splitlines`` would split on).
"""

from __future__ import annotations

import bisect

from lsprotocol import types

from mantracheck.text.offsets import LineIndex

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def encoding_name(kind: object) -> str:
    """``utf-8``, ``utf-16`` or ``utf-32`` for a negotiated ``PositionEncodingKind`` (UTF-16
    for anything else: the protocol's default)."""
    value = getattr(kind, "value", kind)
    return value if value in (UTF8, UTF32) else UTF16


def _units(text: str, encoding: str) -> int:
    """The code units of ``text`` in ``encoding``."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


def _width(char: str, encoding: str) -> int:
    if encoding == UTF32:
        return 1
    code = ord(char)
    if encoding == UTF16:
        return 2 if code > 0xFFFF else 1
    return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4


class TextIndex:
    """Line starts of one text, and conversions between its offsets and LSP positions."""

    __slots__ = ("_ascii", "_starts", "encoding", "text")

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self._ascii = text.isascii()  # (then every encoding counts code points)
        self._starts = LineIndex(text).starts  # (line ends as the protocol has them: \n, \r\n, \r)

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        """The offset where 0-based ``line`` starts (the text's end past the last line)."""
        return self._starts[line] if line < len(self._starts) else len(self.text)

    def line_end(self, line: int) -> int:
        """The offset just before ``line``'s line break (or the end of the text)."""
        if line + 1 >= len(self._starts):
            return len(self.text)
        end = self._starts[line + 1] - 1
        if self.text[end] == "\n" and end > self._starts[line] and self.text[end - 1] == "\r":
            end -= 1
        return end

    def line_text(self, line: int) -> str:
        return self.text[self.line_start(line) : self.line_end(line)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) - 1

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        start = self._starts[line]
        character = offset - start if self._ascii else _units(self.text[start:offset], self.encoding)
        return types.Position(line=line, character=character)

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        """The offset of an LSP position; a character past the line's end means its end (as
        the protocol says), a line past the last means the end of the text."""
        if position.line >= len(self._starts):
            return len(self.text)
        start, end = self._starts[position.line], self.line_end(position.line)
        wanted = max(0, position.character)
        if self.encoding == UTF32 or self._ascii:
            return min(start + wanted, end)
        units, i = 0, start
        while i < end and units < wanted:
            units += _width(self.text[i], self.encoding)
            i += 1
        return i

    def offset_of(self, line: int, column: int) -> int:
        """The offset of a finding's 1-based ``line`` and 1-based ``column`` (code points)."""
        return self.line_start(line - 1) + column - 1
