"""Plain text (and text templates): placeholders masked, directive lines set aside."""

from __future__ import annotations

import re

from mantracheck.text.offsets import Extracted, TextBuilder
from mantracheck.text.placeholders import Masker, Placeholders

#: A line that holds only a suppression directive, optionally behind a comment marker
#: (``# mantracheck: disable-next-line=overpromise``): a comment, not prose.
#: (One run of blanks, then an optional marker with its own: two adjacent runs of blanks would
#: let a line of n spaces be split n * n ways before failing.)
DIRECTIVE_LINE = re.compile(r"^[ \t]*(?:(?:#|//|--|;|%|\*)[ \t]*)?mantracheck:[^\r\n]*", re.MULTILINE)


def plain_into(builder: TextBuilder, masker: Masker, start: int, end: int, comments: list[tuple[int, int, str]]) -> None:
    """Copy ``[start, end)`` of a plain text; directive lines become comments."""
    text = masker.text
    pos = start
    for line in DIRECTIVE_LINE.finditer(masker.masked, start, end):
        if line.end() == line.start() or not line.group().strip():
            continue
        masker.emit(builder, pos, line.start())
        builder.opaque(" ", line.start(), line.end())
        comments.append((line.start(), line.end(), text[line.start() : line.end()]))
        pos = line.end()
    masker.emit(builder, pos, end)


def extract_plain(source: str, placeholders: Placeholders) -> Extracted:
    masker = Masker(source, placeholders)
    builder = TextBuilder(source)
    comments = list(masker.comments)
    plain_into(builder, masker, 0, len(source), comments)
    return builder.build(comments=tuple(sorted(comments)))
