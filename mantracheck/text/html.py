"""HTML: the text a reader sees, with block elements ending sentences and entities decoded.

Parsed with the standard library's ``html.parser.HTMLParser``; every event's position comes
from the parser (``getpos()``), so the map back to the source is exact. Tags become empty
opaque pieces (a hit running across ``<b>`` is dropped, one ending next to it is kept); a
block element also adds a paragraph break that has no source (``gap``) so that sentences do
not run from one block into the next; ``<br>`` becomes a line break. ``script``, ``style``,
``template``, ``title`` and comments are left out (comments are kept for directives), and
``code``, ``kbd``, ``samp`` and ``var`` become one stand-in word, as Markdown's code spans do. A
``Dialect`` adds an email markup language's blocks and skipped elements (MJML, Inky).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from mantracheck.text.defuse import defuse_unclosed_tags
from mantracheck.text.offsets import Extracted, TextBuilder
from mantracheck.text.placeholders import STAND_IN, Masker, Placeholders

SKIPPED = frozenset({"script", "style", "template", "title", "head"})
BLOCKS = frozenset(
    """address article aside blockquote body caption center dd details div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre
    section summary table tbody td tfoot th thead tr ul""".split()
)
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
#: Inline code, keyboard input, program output and variables: not prose, and never fixed;
#: each reads as one stand-in word in its sentence (as Markdown's `code` does).
CODE = frozenset({"code", "kbd", "samp", "var"})
#: What a <head> holds; any other element ends one whose end tag was left out.
_IN_HEAD = frozenset({"title", "meta", "link", "style", "script", "base", "noscript", "template", "object"})
#: Elements whose text is something to click: a link or a button (HTML, MJML, Inky).
CONTROLS = frozenset({"a", "button", "mj-button", "mj-navbar-link"})


@dataclass(frozen=True)
class Dialect:
    """What an email markup language adds to HTML: elements that end sentences, and
    elements whose content is never text."""

    blocks: frozenset[str] = BLOCKS
    skipped: frozenset[str] = SKIPPED


HTML = Dialect()
#: MJML: each mj- element is a block; styles, attribute defaults, fonts and the title are not text.
MJML = Dialect(
    BLOCKS | {"mjml", "mj-body", "mj-head", "mj-preview", "mj-section", "mj-column", "mj-group", "mj-wrapper", "mj-hero", "mj-text", "mj-button", "mj-image", "mj-divider", "mj-spacer", "mj-table", "mj-navbar", "mj-navbar-link", "mj-social", "mj-social-element", "mj-accordion", "mj-accordion-element", "mj-accordion-title", "mj-accordion-text", "mj-carousel", "mj-carousel-image", "mj-raw"},
    SKIPPED | {"mj-style", "mj-attributes", "mj-font", "mj-breakpoint", "mj-html-attributes", "mj-title", "mj-include"},
)
#: Inky (Foundation for Emails): its layout and button elements are blocks.
INKY = Dialect(BLOCKS | {"container", "wrapper", "row", "columns", "callout", "spacer", "button", "menu", "item", "h-line", "block-grid"})
#: Quoted earlier messages in HTML email (Gmail, Thunderbird, Yahoo).
QUOTE_CLASSES = frozenset({"gmail_quote", "gmail_attr", "moz-cite-prefix", "yahoo_quoted"})


_NO_ATTRS: list[tuple[str, str | None]] = []  # shared by every event without attributes (never changed)


Event = tuple[int, str, str, list[tuple[str, str | None]]]


class _Events(HTMLParser):
    """Hands (offset, kind, tag, attrs) of every parser event to ``sink`` as it comes (a list
    of them all would take a few hundred bytes per tag)."""

    def __init__(self, text: str, sink: Callable[[Event], None]) -> None:
        super().__init__(convert_charrefs=False)
        self._lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self._sink = sink

    def _at(self) -> int:
        line, col = self.getpos()
        return self._lines[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._sink((self._at(), "start", tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._sink((self._at(), "startend", tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self._sink((self._at(), "end", tag, _NO_ATTRS))

    def handle_data(self, data: str) -> None:
        self._sink((self._at(), "data", data, _NO_ATTRS))

    def handle_entityref(self, name: str) -> None:
        self._sink((self._at(), "entity", name, _NO_ATTRS))

    def handle_charref(self, name: str) -> None:
        self._sink((self._at(), "entity", "#" + name, _NO_ATTRS))

    def handle_comment(self, data: str) -> None:
        self._sink((self._at(), "comment", "", _NO_ATTRS))

    def handle_decl(self, decl: str) -> None:
        self._sink((self._at(), "other", "", _NO_ATTRS))

    def handle_pi(self, data: str) -> None:
        self._sink((self._at(), "other", "", _NO_ATTRS))

    def unknown_decl(self, data: str) -> None:
        self._sink((self._at(), "other", "", _NO_ATTRS))


def _is_quote(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    if tag == "blockquote":
        return True
    classes = " ".join(v or "" for k, v in attrs if k == "class").split()
    return any(c in QUOTE_CLASSES for c in classes)


def _parse(readable: str, sink: Callable[[Event], None]) -> None:
    parser = _Events(readable, sink)
    parser.feed(readable)
    parser.close()


_MARKED_SECTION = re.compile(r"<!\[(?!CDATA\[)")


def html_into(
    builder: TextBuilder,
    masker: Masker,
    start: int,
    end: int,
    comments: list[tuple[int, int, str]],
    skip_quotes: bool = False,
    dialect: Dialect = HTML,
) -> None:
    """Add the readable text of ``masker.text[start:end]`` (HTML) to ``builder``."""
    readable = defuse_unclosed_tags(masker.masked[start:end])
    state, n_comments = builder.checkpoint(), len(comments)
    try:
        _events_into(builder, masker, readable, start, end, comments, skip_quotes, dialect)
    except AssertionError:
        # CPython's HTMLParser asserts on a '<![' marked section it cannot name ('<![%x',
        # '<![ifif'); read every '<![' but CDATA as text then (same length, same offsets).
        builder.rollback(state)
        del comments[n_comments:]
        _events_into(builder, masker, _MARKED_SECTION.sub(" ![", readable), start, end, comments, skip_quotes, dialect)


def _events_into(
    builder: TextBuilder,
    masker: Masker,
    readable: str,
    start: int,
    end: int,
    comments: list[tuple[int, int, str]],
    skip_quotes: bool,
    dialect: Dialect,
) -> None:
    """Each event of ``readable`` into ``builder``, once the next one tells where it ends."""
    text = masker.text
    skipping: list[str] = []  # the element being skipped, once per nesting level
    held: list[Event] = []  # the event before the one the parser gives now
    controls: list[tuple[str, int]] = []  # the links and buttons open: (tag, where their text starts)

    def add(event: Event, e: int) -> None:
        rel, kind, name, attrs = event
        s = start + rel
        if kind == "data":
            e = s + len(name)
        elif kind == "entity":
            e = s + 1 + len(name)
            if e < end and text[e] == ";":
                e += 1
        if kind == "comment":
            comments.append((s, e, text[s:e]))
        if skipping and skipping[0] in CODE and kind in ("start", "startend", "end") and (name in dialect.blocks or name == "br"):
            skipping.clear()  # (an unclosed <code> ends where its block does, as a browser ends it)
        elif skipping == ["head"] and kind in ("start", "startend") and name not in _IN_HEAD:
            skipping.clear()  # (</head> may be left out: <body>, or any element a head cannot hold, ends it)
        if skipping:
            if kind == "start" and name == skipping[0] and name not in VOID:
                skipping.append(name)
            elif kind == "end" and name == skipping[0]:
                skipping.pop()
            return
        if kind == "data":
            masker.emit(builder, s, e)
        elif kind == "entity":
            builder.replace(html.unescape(text[s:e]), s, e)
        elif kind in ("start", "startend", "end"):
            if kind == "end" and name in CONTROLS:
                for i in range(len(controls) - 1, -1, -1):
                    if controls[i][0] == name:
                        builder.controls.append((controls[i][1], builder.clean_length))
                        del controls[i:]
                        break
            if kind == "start" and name in CODE:
                builder.opaque(STAND_IN, s, e)
                skipping.append(name)
            elif kind == "start" and (name in dialect.skipped or (skip_quotes and _is_quote(name, attrs))):
                builder.opaque("", s, e)
                builder.gap("\n\n")
                skipping.append(name)
            elif name == "br":
                builder.opaque("\n", s, e)
            elif name in dialect.blocks:
                builder.opaque("", s, e)
                builder.gap("\n\n")
            else:
                builder.opaque("", s, e)
            if kind == "start" and name in CONTROLS and not skipping:
                controls.append((name, builder.clean_length))
        else:
            builder.opaque("", s, e)

    def sink(event: Event) -> None:
        if held:
            add(held[0], start + event[0])
            held[0] = event
        else:
            held.append(event)

    _parse(readable, sink)
    if held:
        add(held[0], end)


def extract_html(source: str, placeholders: Placeholders, skip_quotes: bool = False, dialect: Dialect = HTML, masker: Masker | None = None) -> Extracted:
    """``masker``: the placeholders found already (by a template reader such as Blade's)."""
    masker = masker or Masker(source, placeholders)
    builder = TextBuilder(source)
    comments = list(masker.comments)
    html_into(builder, masker, 0, len(source), comments, skip_quotes, dialect)
    return builder.build(comments=tuple(sorted(comments)))
