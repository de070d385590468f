"""Markdown: prose only. Code (fenced, indented, inline), front matter, link and image targets
and HTML comments are left out; raw HTML blocks go through the HTML extractor.

Parsed with ``markdown-it-py`` (CommonMark, plus tables and strikethrough), or, for text that
uses only headings, paragraphs, strong emphasis and inline links, by ``md_subset``, which
gives the same tokens. The parser gives
each block its source lines and each inline token its text and markup, in order; each inline
block's text is placed on its source lines (every line is checked to be the very characters
of the source there) and the tokens are then consumed left to right, so every piece of clean
text has an exact source span. A block whose tokens cannot be placed exactly is left out
rather than guessed.

markdown-it stops nesting blocks at ``MAX_NESTING`` levels (a quote is one, a list item two)
and then skips the rest of the enclosing block, which for a list is the rest of the file.
Here a block nested deeper than that is read as plain text instead (its lines from where
their content starts: an item's text after its marker, a quote's after its ``>``s), and the
parse goes on after it, so what follows is linted as Markdown and nothing is skipped.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import Any

from mantracheck.text.defuse import defuse_unclosed_tags
from mantracheck.text.html import html_into
from mantracheck.text.md_subset import simple_tokens
from mantracheck.text.offsets import Extracted, TextBuilder
from mantracheck.text.placeholders import STAND_IN, Masker, Placeholders
from mantracheck.text.plain import plain_into

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*(?:\r\n|\r|\n).*?(?:\r\n|\r|\n)(?:---|\.\.\.|\+\+\+)[ \t]*(?:\r\n|\r|\n|\Z)", re.DOTALL)


class _Misplaced(Exception):
    """The tokens of a block do not line up with its source: leave the block out."""


#: The deepest nesting markdown-it parses (the commonmark preset's, ten lists deep). Not
#: raised: markdown-it's time grows with it (a paragraph continued lazily under deep quotes,
#: a run of '[': five times longer at its default preset's 100).
MAX_NESTING = 20
#: The token standing for a block nested deeper than that (read as plain text).
TOO_DEEP = "mantracheck_too_deep"


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
    md.disable("text_join")  # keep escapes and entities as their own tokens, with their markup
    tokenize = md.block.tokenize

    def guarded(state: Any, start: int, end: int) -> None:
        if state.level < MAX_NESTING or start >= end:
            tokenize(state, start, end)
        else:
            _too_deep(state, start, end)

    md.block.tokenize = guarded  # type: ignore[method-assign,assignment]  # (quotes and list items parse their content through it)
    return md


def _too_deep(state: Any, start: int, end: int) -> None:
    """Where markdown-it would skip to ``end`` (for a list item, the end of the file): one
    TOO_DEEP token for the lines of the block, which end as markdown-it ends a nested block,
    at the first line indented less than the block (at least the first line, so that the
    parse moves on); its ``meta`` holds the column each line's content starts at."""
    line = start
    while line < end:
        line = state.skipEmptyLines(line)
        if line >= end or state.sCount[line] < state.blkIndent:
            break
        line += 1
    line = max(min(line, end), start + 1)
    token = state.push(TOO_DEEP, "", 0)
    token.map = [start, line]
    # (state.src has every line break as one LF: a column in it is the column in the source)
    token.meta = {"columns": [min(state.bMarks[i] + state.tShift[i], state.eMarks[i]) - (state.eMarks[i - 1] + 1 if i else 0) for i in range(start, line)]}
    state.line = line


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end of content, end with the line break) for every line."""
    out: list[tuple[int, int, int]] = []
    for m in _LINE.finditer(text):
        if m.start() == len(text) and out:
            break
        body = m.group().rstrip("\r\n")
        out.append((m.start(), m.start() + len(body), m.end()))
    return out


class _Placed:
    """An inline block's text, with the source offset of each character (line breaks map to
    the start of the source line break)."""

    def __init__(self, content: str, positions: list[int], breaks: dict[int, tuple[int, int]]) -> None:
        self.content = content
        self.pos = positions
        self.breaks = breaks  # content index of a "\n" -> source span of that line break
        self.break_at = sorted(breaks)


def _place(content: str, masked: str, lines: list[tuple[int, int, int]], first: int, cursor: int | None) -> tuple[_Placed, int]:
    """Put ``content`` on source lines starting at line ``first``. Each content line must be
    the exact source text at the place found (a line's end, or after ``cursor`` in a table
    row). Returns the placement and where the last line ended."""
    pos: list[int] = []
    breaks: dict[int, tuple[int, int]] = {}
    end = 0
    for j, part in enumerate(content.split("\n")):
        if first + j >= len(lines):
            raise _Misplaced
        start, stop, _after = lines[first + j]
        line = masked[start:stop]
        if cursor is not None and j == 0:
            k = line.find(part, cursor - start) if part else cursor - start
        elif line.endswith(part):
            k = len(line) - len(part)
        elif line.rstrip().endswith(part):
            k = len(line.rstrip()) - len(part)
        else:
            k = line.find(part)
        if k < 0:
            raise _Misplaced
        if j:
            _prev_start, prev_stop, prev_after = lines[first + j - 1]
            breaks[len(pos)] = (prev_stop, prev_after)
            pos.append(prev_stop)
        pos.extend(range(start + k, start + k + len(part)))
        end = start + k + len(part)
    return _Placed(content, pos, breaks), end


class _Inline:
    """Consumes one inline block's tokens left to right, writing clean text."""

    def __init__(self, builder: TextBuilder, masker: Masker, placed: Any, comments: list[tuple[int, int, str]]) -> None:
        self.b, self.m, self.p, self.comments = builder, masker, placed, comments
        self.c = 0

    def _src(self, a: int, b: int) -> tuple[int, int]:
        if b <= a:
            s = self.p.pos[a] if a < len(self.p.pos) else (self.p.pos[-1] + 1 if self.p.pos else 0)
            return s, s
        last = b - 1
        end = self.p.breaks[last][1] if last in self.p.breaks else self.p.pos[last] + 1
        return self.p.pos[a], end

    def _expect(self, text: str) -> None:
        if not self.p.content.startswith(text, self.c):
            raise _Misplaced
        self.c += len(text)

    def _copy(self, a: int, b: int) -> None:
        """Copy content ``[a, b)``: each stretch between line breaks as its source range, each
        line break as the source's."""
        breaks, at, pos = self.p.breaks, self.p.break_at, self.p.pos
        k = bisect.bisect_left(at, a)
        i = a
        while i < b:
            if k < len(at) and at[k] == i:
                self.b.copy(*breaks[i])
                i += 1
                k += 1
                continue
            j = min(at[k], b) if k < len(at) else b  # the next line break, or the end
            self.m.emit(self.b, pos[i], pos[j - 1] + 1)
            i = j

    def _hide(self, a: int, b: int, stand_in: str = "") -> None:
        if b > a:
            self.b.opaque(stand_in, *self._src(a, b))

    def _skip_target(self, hide: bool = True) -> None:
        """After a link's or image's ``]``: skip ``(destination "title")`` or ``[label]``."""
        text, i = self.p.content, self.c
        if i < len(text) and text[i] == "(":
            depth, i = 1, i + 1
            while i < len(text) and depth:
                ch = text[i]
                if ch == "\\":
                    i += 1
                elif ch == "<" and text[i - 1] == "(":
                    close = text.find(">", i)
                    i = close if close > 0 else i
                elif ch in "\"'" and text[i - 1] in " \t\n":
                    close = text.find(ch, i + 1)
                    i = close if close > 0 else i
                elif ch == "(":
                    depth += 1
                elif ch == ")":
                    depth -= 1
                i += 1
            if depth:
                raise _Misplaced
        elif i < len(text) and text[i] == "[":
            close = text.find("]", i)
            if close < 0:
                raise _Misplaced
            i = close + 1
        if hide:
            self._hide(self.c, i)
        self.c = i

    def _brackets(self, i: int) -> int:
        """The index just past the ``]`` closing the ``[`` at ``i``."""
        text, depth = self.p.content, 0
        while i < len(text):
            ch = text[i]
            if ch == "\\":
                i += 1
            elif ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        raise _Misplaced

    def run(self, children: list[Any]) -> None:
        content = self.p.content
        i = 0
        link_at = 0  # where the text of the link being read starts (clean offset)
        while i < len(children):
            tok = children[i]
            i += 1
            kind, c = tok.type, self.c
            if kind == "text":
                self._expect(tok.content)
                self._copy(c, self.c)
            elif kind == "text_special":
                self._expect(tok.markup)
                self.b.replace(tok.content, *self._src(c, self.c))
            elif kind in ("softbreak", "hardbreak"):
                # (markdown-it's text tokens leave out the spaces before a line break, the
                # backslash of a hard one, and the indentation of the next line: hidden here)
                while self.c < len(content) and content[self.c] in (" \t\\" if kind == "hardbreak" else " \t"):
                    self.c += 1
                self._hide(c, self.c)
                c = self.c
                self._expect("\n")
                self._copy(c, self.c)
                c = self.c
                while self.c < len(content) and content[self.c] in " \t":
                    self.c += 1
                self._hide(c, self.c)
            elif kind == "code_inline":
                self._expect(tok.markup)
                close = self.c
                while True:
                    close = content.find(tok.markup, close)
                    if close < 0:
                        raise _Misplaced
                    run_end = close + len(tok.markup)
                    if (close == 0 or content[close - 1] != "`") and (run_end >= len(content) or content[run_end] != "`"):
                        break
                    close = run_end
                    while close < len(content) and content[close] == "`":
                        close += 1
                self.c = close + len(tok.markup)
                self._hide(c, self.c, STAND_IN)
            elif kind == "html_inline":
                self._expect(tok.content)
                s, e = self._src(c, self.c)
                if tok.content.startswith("<!--"):
                    self.comments.append((s, e, self.m.text[s:e]))
                self._hide(c, self.c)
            elif kind in ("em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"):
                self._expect(tok.markup)
                self._hide(c, self.c)
            elif kind == "link_open" and tok.markup == "autolink":
                close = content.find(">", c)
                if close < 0 or content[c] != "<":
                    raise _Misplaced
                self.c = close + 1
                self._hide(c, self.c, STAND_IN)
                while i < len(children) and children[i - 1].type != "link_close":
                    i += 1
            elif kind == "link_open":
                self._expect("[")
                self._hide(c, self.c)
                link_at = self.b.clean_length
            elif kind == "link_close":
                self._expect("]")
                self.b.controls.append((link_at, self.b.clean_length))
                self._hide(c, self.c)
                self._skip_target()
            elif kind == "image":
                if not content.startswith("!", c):
                    raise _Misplaced
                self.c = self._brackets(c + 1)
                self._skip_target(hide=False)
                self._hide(c, self.c, " ")
            else:
                raise _Misplaced
        if self.c != len(content):
            raise _Misplaced


def markdown_into(builder: TextBuilder, masker: Masker, comments: list[tuple[int, int, str]]) -> None:
    masked = masker.masked
    front = _FRONT_MATTER.match(masked)
    if front:
        masked = re.sub(r"[^\r\n]", " ", masked[: front.end()]) + masked[front.end() :]
    masked = defuse_unclosed_tags(masked)  # thousands of unclosed '<!--' are quadratic
    lines = _lines(masked)
    # Headings, paragraphs, **strong** and [links] only: the same tokens, a quarter of the time.
    tokens: Any = simple_tokens(masked)
    if tokens is None:
        tokens = _parser().parse(masked)
    row_cursor: dict[int, int] = {}
    for index, tok in enumerate(tokens):
        if tok.map is None:
            continue
        first, stop = tok.map
        if tok.type == "html_block":
            start = lines[first][0]
            end = lines[stop - 1][2] if stop - 1 < len(lines) else len(masked)
            builder.gap("\n\n")
            html_into(builder, masker, start, end, comments)
            continue
        if tok.type == TOO_DEEP:
            builder.gap("\n\n")
            for line, column in zip(lines[first:stop], tok.meta["columns"]):
                plain_into(builder, masker, min(line[0] + column, line[1]), line[2], comments)
            continue
        if tok.type != "inline" or not tok.children:
            continue
        in_table = index > 0 and tokens[index - 1].type in ("th_open", "td_open")
        cursor = row_cursor.get(first, lines[first][0]) if in_table else None
        state = builder.checkpoint()
        builder.gap("\n\n")
        walker = _Inline(builder, masker, None, [])
        try:
            walker.p, end = _place(tok.content, masked, lines, first, cursor)
            walker.run(tok.children)
        except _Misplaced:
            builder.rollback(state)
            continue
        if in_table:
            row_cursor[first] = end
        comments.extend(walker.comments)


def extract_markdown(source: str, placeholders: Placeholders) -> Extracted:
    masker = Masker(source, placeholders)
    builder = TextBuilder(source)
    comments = list(masker.comments)
    markdown_into(builder, masker, comments)
    return builder.build(comments=tuple(sorted(comments)))
