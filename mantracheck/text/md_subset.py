"""The token stream markdown-it would give, without markdown-it, for Markdown that uses only
ATX headings, paragraphs, ``**strong**`` and ``[inline](links)``: most marketing emails and
macros. Anything else (a list, a quote, code, HTML, an entity, an escape, a single ``*``, an
underscore, a table, a setext heading, indentation...) returns None, and markdown-it parses the
text as before.

Only what ``markdown.markdown_into`` reads is produced: for each block, the ``inline`` token
with its source lines (``map``), its ``content`` and its ``children`` (``text``,
``softbreak``, ``strong_open``/``strong_close`` with markup ``**``, ``link_open``/
``link_close``); not the blocks' open and close tokens, which it skips. The children are markdown-it's to
the letter, empty text tokens included (where its emphasis pass leaves a delimiter's twin
empty and nothing merges it away); tests/test_md_subset.py compares the two streams on the
bench corpus, the shared data and generated documents. Tokenizing such a text this way takes
about a quarter of markdown-it's time (0.1 against 0.4 ms for a bench email).
"""

from __future__ import annotations

import re

# Characters that would call on a rule outside the subset, anywhere in the text: code,
# HTML and autolinks, entities, escapes, tables, strikethrough, underscore emphasis; tabs,
# carriage returns and other control characters (indentation, normalisation).
_OUTSIDE = re.compile(r"[`<>&\\|~_\x00-\x09\x0b-\x1f\x7f]")
_HEADING = re.compile(r"(#{1,6}) (\S(?:.*\S)?)\Z")
#: A paragraph line's first character: a letter, a digit or harmless punctuation (no list,
#: quote, heading, rule or setext marker can start with one of these).
_FIRST = re.compile(r"[A-Za-z0-9\"'(\[{$%@!?.,:;\u0080-\U0010ffff]|\*\*[^*\s]")
_ORDERED = re.compile(r"[0-9]{1,9}[.)](?: |\Z)")
#: The inline pieces the subset knows: a ``**`` run, an inline link, a line break.
_INLINE = re.compile(r"\*+|!?\[|\]|\n")
#: An inline link with a plain label and a destination of no space, parenthesis, quote or
#: colon (no scheme for markdown-it's validateLink to refuse; URLs are masked to x's anyway).
_LINK = re.compile(r"\[([^\[\]\n*]+)\]\(([^\s()\[\]*\"':]+)\)")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


class Tok:
    """The fields of a markdown-it ``Token`` that the Markdown walker reads."""

    __slots__ = ("children", "content", "map", "markup", "type")

    def __init__(self, type: str, map: list[int] | None = None, content: str = "", markup: str = "", children: list[Tok] | None = None) -> None:
        self.type, self.map, self.content, self.markup, self.children = type, map, content, markup, children


def simple_tokens(text: str) -> list[Tok] | None:
    """markdown-it's ``inline`` tokens for ``text`` (the only ones the walker reads: each
    block's open and close tokens carry nothing it uses) when the text keeps to the subset,
    else None."""
    if _OUTSIDE.search(text):
        return None
    lines = text.split("\n")  # (a final empty line, after the last line break, is skipped)
    out: list[Tok] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        if line[0] == "#":
            heading = _HEADING.match(line)
            if heading is None or heading.group(2).endswith("#"):
                return None
            children = _inline(heading.group(2))
            if children is None:
                return None
            out.append(Tok("inline", [i, i + 1], heading.group(2), children=children))
            i += 1
            continue
        first = i
        while i < len(lines) and lines[i] and lines[i][0] != "#":
            if not _plain_line(lines[i]):
                return None
            i += 1
        content = "\n".join(lines[first:i])
        children = _inline(content)
        if children is None:
            return None
        out.append(Tok("inline", [first, i], content, children=children))
    return out


def _plain_line(line: str) -> bool:
    # (markdown-it strips a paragraph with str.strip, which knows every Unicode space)
    if line[0].isspace() or line[-1].isspace() or not _FIRST.match(line):
        return False
    return line[0] not in "0123456789" or not _ORDERED.match(line)


def _inline(content: str) -> list[Tok] | None:
    """markdown-it's inline children of ``content``, or None outside the subset. Text is
    pending until a token that is not text comes, as in markdown-it; adjacent text tokens
    are joined (its fragments_join), so a ``**`` delimiter's emptied twin survives as an
    empty text token only next to no other text."""
    if _INLINE.search(content) is None:
        return [Tok("text", content=content)] if content else []
    out: list[Tok] = []
    pos = 0
    opened = False
    n = len(content)
    for m in _INLINE.finditer(content):
        start, token = m.start(), m.group()
        if start < pos:  # inside a link already consumed
            continue
        if start > pos:
            _text(out, content[pos:start])
        if token == "\n":
            out.append(Tok("softbreak"))
            pos = m.end()
        elif token == "**":
            before = content[start - 1] if start else " "
            after = content[start + 2] if start + 2 < n else " "
            if not (before.isascii() and after.isascii()):
                return None
            can_open = _left_flanking(before, after)
            can_close = _left_flanking(after, before)  # right-flanking: the mirror image
            if can_open == can_close or can_open == opened:
                return None  # ambiguous, or not alternating open, close, open...
            if can_open:
                _text(out, "")  # the emptied twin
                out.append(Tok("strong_open", markup="**"))
            else:
                out.append(Tok("strong_close", markup="**"))
                _text(out, "")
            opened = can_open
            pos = m.end()
        elif token == "[":
            link = _LINK.match(content, start)
            if link is None:
                return None
            out.append(Tok("link_open"))  # (no href: the walker skips the destination in the source)
            out.append(Tok("text", content=link.group(1)))
            out.append(Tok("link_close"))
            pos = link.end()
        else:  # a lone ']', an image, a run of one or three or more '*'
            return None
    if opened:
        return None
    if pos < n:
        _text(out, content[pos:])
    return out


def _text(out: list[Tok], piece: str) -> None:
    if out and out[-1].type == "text":
        out[-1].content += piece
    else:
        out.append(Tok("text", content=piece))


def _left_flanking(before: str, after: str) -> bool:
    """CommonMark's left-flanking delimiter run, for ASCII neighbours (line ends count as
    whitespace): not followed by whitespace, and not followed by punctuation unless
    preceded by whitespace or punctuation."""
    if after.isspace():
        return False
    return after not in _ASCII_PUNCT or before.isspace() or before in _ASCII_PUNCT
