"""gettext catalogs (``.po``, ``.pot``): the English source text of each entry.

Each ``msgid`` (and ``msgid_plural``) is its own text, labelled with the msgid; the header
entry (the empty msgid), obsolete ``#~`` entries and the translations (``msgstr``) are not
read. A string split over several quoted lines is one text; each line's content is copied
and each escape decoded in place, so positions are exact. ``printf`` conversions (``%s``,
``%1$d``) stand for one word, as do the placeholders of every format (``{name}``,
``%(name)s``). ``#`` comments are where directives live. (polib reads the same entries, but
gives no character offsets, only the line of each.)
"""

from __future__ import annotations

import re

from mantracheck.text.offsets import Extracted, TextBuilder
from mantracheck.text.placeholders import STAND_IN, Placeholders

_LINE = re.compile(
    r"^[ \t]*(?:(?P<comment>#(?!~)[^\r\n]*)|(?P<obsolete>#~[^\r\n]*)"
    r"|(?:(?P<keyword>msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)[ \t]+)?(?P<string>\"(?:[^\"\\\r\n]|\\.)*\"))[ \t]*\r?$",
    re.MULTILINE,
)
_ESCAPE = r"\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|.)"
_PIECE = re.compile("(?P<esc>" + _ESCAPE + r")|(?P<fmt>%(?:\d+\$)?[-+0#']?\d*(?:\.\d+)?[bcdeEfFgGiosuxX](?![A-Za-z]))")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _decode(escape: str) -> str:
    code = escape[1:]
    if code[0] == "x":
        return chr(int(code[1:], 16)) if len(code) > 1 else "x"  # (a bare \x with no hex digit: read as the letter)
    if code[0] in "01234567":
        return chr(int(code, 8))
    return _ESCAPES.get(code, code)


def _string(builder: TextBuilder, source: str, start: int, end: int) -> None:
    """The content of one quoted line, ``source[start:end]`` without its quotes."""
    pos = start
    for m in _PIECE.finditer(source, start, end):
        builder.copy(pos, m.start())
        if m.lastgroup == "esc":
            builder.replace(_decode(m.group()), m.start(), m.end())
        else:
            builder.opaque(STAND_IN, m.start(), m.end())
        pos = m.end()
    builder.copy(pos, end)


def entries(source: str) -> tuple[list[tuple[str, list[tuple[int, int]]]], list[tuple[int, int, str]]]:
    """(keyword, the content spans of its quoted lines) of every field, and the comments."""
    fields: list[tuple[str, list[tuple[int, int]]]] = []
    comments = []
    current: list[tuple[int, int]] | None = None
    for m in _LINE.finditer(source):
        if m.group("comment") is not None:
            comments.append((m.start("comment"), m.end("comment"), m.group("comment")))
            current = None
        elif m.group("obsolete") is not None:
            current = None
        elif m.group("keyword"):
            current = []
            fields.append((m.group("keyword"), current))
            current.append((m.start("string") + 1, m.end("string") - 1))
        elif current is not None:
            current.append((m.start("string") + 1, m.end("string") - 1))
    return fields, comments


def extract_po(source: str, placeholders: Placeholders) -> tuple[list[Extracted], tuple[tuple[int, int, str], ...]]:
    """A text per ``msgid`` and ``msgid_plural``, labelled with the msgid, and the comments."""
    from mantracheck.text.fields import value_text

    fields, comments = entries(source)
    texts, msgid = [], ""
    for keyword, spans in fields:
        if keyword not in ("msgid", "msgid_plural"):
            continue
        builder = TextBuilder(source)
        for start, end in spans:
            _string(builder, source, start, end)
        outer = builder.build()
        if keyword == "msgid":
            msgid = "".join(re.sub(_ESCAPE, lambda m: _decode(m.group()), source[s:e]) for s, e in spans)
        if msgid.strip() and outer.clean.strip():  # (the header's msgid is empty)
            texts.append(value_text(outer.clean, outer.offsets, placeholders, msgid))
    return texts, tuple(comments)
