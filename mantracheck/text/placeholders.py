"""Template placeholders, URLs and email addresses: found in the source, never flagged.

A value placeholder (``{{ first_name }}``, ``%{ticket.number}``), a URL or an email address
becomes one stand-in word in the clean text; a block tag (``{% if %}``, ``{{#if}}``) or a
template comment becomes a space. Template comments are also where inline suppression
directives live (``{# mantracheck: disable=... #}``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from mantracheck.text.offsets import TextBuilder

#: What a value placeholder becomes in the clean text: one ordinary, capitalised word, so
#: that "Hi {{ first_name }}," reads as a greeting with a name.
STAND_IN = "Placeholder"

# Template comments stand for no word (and may hold directives).
# No pattern may scan past the next opener of its own kind ((?:(?!\{\{).)*? rather than .*?,
# [^{}]* rather than [^}]*): with ".*?", each of n unclosed "{{" would search to the end of the
# text, n * n steps (20,000 of them took minutes). This way every character is looked at a
# bounded number of times. A placeholder never holds its own opener, so nothing else changes.
_COMMENT = [
    r"\{#(?:(?!\{#).)*?#\}",  # Jinja / Twig comments
    r"\{\{!--(?:(?!\{\{!--).)*?--\}\}",  # Handlebars comments
    r"\{\{![^{}]*\}\}",  # Mustache / Handlebars comments
    r"<%#(?:(?!<%).)*?%>",  # ERB comments
    r"\{%-?\s*comment\s*-?%\}(?:(?!\{%-?\s*comment\b).)*?\{%-?\s*endcomment\s*-?%\}",  # Liquid comments
]
# Block tags stand for no word: they become a space (never glue words together).
_BLOCK = [
    r"\{%-?(?:(?!\{%).)*?-?%\}",  # Jinja / Liquid / Twig tags
    r"\{\{~?[#/^>][^{}]*\}\}",  # Handlebars / Mustache sections and partials
    r"\{\{~?\s*else\b[^{}]*\}\}",  # Handlebars else / else if
    r"<%(?![=#])-?(?:(?!<%).)*?-?%>",  # ERB statements
]
# Value placeholders stand for a word.
_VALUE = [
    r"\{\{\{(?:(?!\{\{).)*?\}\}\}",  # triple-stash
    r"\{\{(?:(?!\{\{).)*?\}\}",  # Jinja / Liquid / Handlebars / Mustache / Twig variables
    r"<%=(?:(?!<%).)*?%>",  # ERB output
    r"\$\{[^{}\n]*\}",  # ${var}
    r"%\{[^{}\n]*\}",  # osTicket %{var}
    r"%\([A-Za-z_][\w.]*\)[sdif]",  # %(var)s
    r"\[\[[^\[\]\n]*\]\]",  # [[var]]
    r"\{[A-Za-z_][\w.]*(?:=[\w.|-]*)?\}",  # {var}, {contactfield=firstname} (Mautic; Python and ICU formats)
]
# URLs and email addresses are opaque words too: nothing inside them is prose.
_LINKS = [
    r"(?:\b(?:https?|ftp)://|\bmailto:|\bwww\.)[^\s<>\"'`{}\[\]()]*[^\s<>\"'`{}\[\]().,;:!?*_~]",
    r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
]


def _alternation(prefix: str, patterns: list[str]) -> list[str]:
    return [f"(?P<{prefix}{i}>{p})" for i, p in enumerate(patterns)]


_DEFAULT_PARTS = _alternation("c", _COMMENT) + _alternation("b", _BLOCK) + _alternation("v", _VALUE)
_DEFAULT = re.compile("|".join(_DEFAULT_PARTS + _alternation("u", _LINKS)), re.DOTALL)


_DEFAULT_BRANCHES = _DEFAULT_PARTS + _alternation("u", _LINKS)
_pruned: dict[tuple[bool, ...], re.Pattern[str]] = {}
_triggers: list[frozenset[str] | None] | None = None


def _branch_triggers() -> list[frozenset[str] | None]:
    """Per branch of the default regex, strings one of which each of its matches contains
    (read off the parsed pattern; None when there are none to read)."""
    global _triggers
    if _triggers is None:
        from mantracheck.engine.matching import literal_prefixes

        _triggers = [literal_prefixes(branch, case_sensitive=True) for branch in _DEFAULT_BRANCHES]
    return _triggers


_plan: list[str | tuple[str, ...] | None] = []


def _make_plan() -> list[str | tuple[str, ...] | None]:
    """The triggers as pruned_for tests them: one string alone, else a tuple (or None)."""
    _plan[:] = [None if t is None else next(iter(t)) if len(t) == 1 else tuple(sorted(t)) for t in _branch_triggers()]
    return _plan


def pruned_for(text: str) -> re.Pattern[str] | None:
    """The default placeholder regex without the branches that cannot match in ``text``
    (none of their required strings occurs in it); None when no branch can.

    ``finditer`` gives the same matches: at each position the first branch that matches
    wins, and a dropped branch matches nowhere in the text. Scanning with the full
    alternation (16 branches tried at every character) was a tenth of a lint run.
    """
    plan = _plan or _make_plan()
    keep = tuple([w in text if type(w) is str else (w is None or any(x in text for x in w)) for w in plan])
    if not any(keep):
        return None
    compiled = _pruned.get(keep)
    if compiled is None:
        branches = [b for b, k in zip(_DEFAULT_BRANCHES, keep) if k]
        compiled = _pruned[keep] = re.compile("|".join(branches), re.DOTALL)
    return compiled


def compile_placeholders(extra: Iterable[str] = ()) -> Placeholders:
    """The placeholder regex, with a team's extra value-placeholder patterns added (they are
    tried after the built-in placeholders and before URLs and email addresses)."""
    extra = tuple(extra)
    return _team(extra) if extra else _DEFAULT


@lru_cache(maxsize=32)
def _team(extra: tuple[str, ...]) -> TeamPlaceholders:
    return TeamPlaceholders(extra)


class TeamPlaceholders:
    """The built-in placeholders, a team's own and the links, as one alternation would find
    them (at each position, the first kind that matches there, then on from its end), with the
    team's patterns run by RE2: a regex from a repository's config may not take more than
    linear time (Python's re is backtracking; '\\w+\\s*\\w+\\s*\\w+' alone is cubic)."""

    def __init__(self, extra: tuple[str, ...]) -> None:
        from mantracheck.engine.regex import compile_re2

        self.extra = extra
        self._streams: list[tuple[str, Any]] = [
            ("", re.compile("|".join(_DEFAULT_PARTS), re.DOTALL)),
            ("x", compile_re2("|".join(f"(?:{p})" for p in extra), case_sensitive=True, dot_all=True)),
            ("u", re.compile("|".join(_LINKS), re.DOTALL)),
        ]

    def masks(self, text: str) -> Iterator[Mask]:
        """Every placeholder, URL and address of ``text``, in order, none overlapping."""
        team = _Utf8Search(self._streams[1][1].raw, text)  # (the re2 package encodes a str per call)
        searches = [self._streams[0][1].search, team.search, self._streams[2][1].search]
        found: list[Any] = [search(text, 0) for search in searches]
        pos = 0
        while pos <= len(text):
            best = None
            for i, match in enumerate(found):
                if match is not None and match.start() < pos:  # overlapped by the last one kept
                    match = found[i] = searches[i](text, pos)
                    if match is not None and match.start() < pos:  # (an empty match it gives again at the end)
                        match = found[i] = None
                if match is not None and (best is None or match.start() < found[best].start()):
                    best = i
            if best is None:
                return
            match = found[best]
            start, end = match.start(), match.end()
            group = self._streams[best][0] or (match.lastgroup or "")
            if end > start:
                yield Mask(start, end, group.startswith(("b", "c")), group.startswith("c"))
            pos = max(end, start + 1)


def is_block(match: re.Match[str]) -> bool:
    """A block tag or a template comment: stands for no word."""
    return (match.lastgroup or "").startswith(("b", "c"))


def is_comment(match: re.Match[str]) -> bool:
    return (match.lastgroup or "").startswith("c")


class Mask(NamedTuple):
    start: int
    end: int
    block: bool
    comment: bool
    #: what it becomes when not the default (a space for a block, ``STAND_IN`` for a value):
    #: "" for the call around a translated string (``{{ __('`` ... ``') }}``)
    stand_in: str | None = None
    #: an escape in a string literal (``\'``): decoded text, not an opaque stand-in
    decoded: bool = False


class _Span(NamedTuple):
    begin: int
    finish: int

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish


class _Utf8Search:
    """An RE2 pattern searched from any position of one text in time linear in what it reads:
    the text is encoded to UTF-8 once (the ``re2`` package encodes a ``str`` again, and maps
    offsets from its start, on every call), and byte offsets are turned into characters
    through the positions of the text's non-ASCII characters (none in most texts)."""

    def __init__(self, raw: Any, text: str) -> None:
        self._raw = raw
        self._data = text.encode("utf-8", "surrogatepass")
        self._chars: list[int] = []  # character index of each non-ASCII character
        self._extra: list[int] = [0]  # bytes beyond one a character, before each of them and in all
        if len(self._data) != len(text):
            for i, c in enumerate(text):
                if c > "\x7f":
                    self._chars.append(i)
                    self._extra.append(self._extra[-1] + len(c.encode("utf-8", "surrogatepass")) - 1)
        self._bytes = [c + e for c, e in zip(self._chars, self._extra)]  # byte index of each

    def _byte(self, char: int) -> int:
        return char + self._extra[bisect.bisect_left(self._chars, char)]

    def _char(self, byte: int) -> int:
        return byte - self._extra[bisect.bisect_left(self._bytes, byte)]

    def search(self, text: str, pos: int) -> _Span | None:
        match = self._raw.search(self._data, self._byte(pos))
        if match is None:
            return None
        start, end = match.span()
        return _Span(self._char(start), self._char(end))


#: What finds the placeholders of a text: the built-in regex, or it with a team's own.
Placeholders = re.Pattern[str] | TeamPlaceholders


class Masker:
    """Every placeholder, URL and email address of one text, found once, before any markup
    parser sees the text.

    ``masked`` is the text with each of them overwritten by ``x`` (line breaks kept), same
    length, so that an HTML or Markdown parser never reads ``<%= name %>`` as a tag or
    ``{{ first_name }}`` as emphasis, and every offset the parser reports is still an offset
    into the text. ``emit`` then copies a range of the *original* text into a builder, turning
    what was found into opaque stand-ins.
    """

    def __init__(self, text: str, pattern: Placeholders, template: Sequence[Mask] = (), quoted: Sequence[tuple[int, int]] = ()) -> None:
        """``template``: what a template reader (Blade) found first, in order; placeholders
        are then looked for around it. ``quoted``: the spans of string literals read as text
        (copied as ``quoted``: never rewritten)."""
        self.text = text
        scan = _blanked(text, template) if template else text
        if isinstance(pattern, TeamPlaceholders):
            self.masks = list(pattern.masks(scan))
        else:
            found = pruned_for(scan) if pattern is _DEFAULT else pattern
            matches = found.finditer(scan) if found is not None else ()
            self.masks = [Mask(m.start(), m.end(), is_block(m), is_comment(m)) for m in matches if m.end() > m.start()]
        if template:
            self.masks = sorted([*template, *(m for m in self.masks if not _overlaps(template, m))])
        self._starts = [m.start for m in self.masks]
        self._quoted = list(quoted)
        parts, pos = [], 0
        for m in self.masks:
            parts.append(text[pos : m.start])
            piece = text[m.start : m.end]
            parts.append(re.sub(r"[^\r\n]", "x", piece) if "\n" in piece or "\r" in piece else "x" * len(piece))
            pos = m.end
        parts.append(text[pos:])
        self.masked = "".join(parts)

    @property
    def comments(self) -> tuple[tuple[int, int, str], ...]:
        return tuple((m.start, m.end, self.text[m.start : m.end]) for m in self.masks if m.comment)

    def emit(self, builder: TextBuilder, start: int, end: int) -> None:
        """Copy ``text[start:end]`` into ``builder`` (whose source is ``text``)."""
        import bisect

        pos = start
        i = max(bisect.bisect_right(self._starts, start) - 1, 0)
        while i < len(self.masks) and pos < end:
            m = self.masks[i]
            i += 1
            if m.end <= pos:
                continue
            if m.start >= end:
                break
            self._copy(builder, pos, max(m.start, pos))
            lo, hi = max(m.start, pos), min(m.end, end)
            if m.decoded:
                builder.replace(m.stand_in or "", lo, hi)
            else:
                builder.opaque(m.stand_in if m.stand_in is not None else " " if m.block else STAND_IN, lo, hi)
            pos = hi
        self._copy(builder, pos, end)

    def _copy(self, builder: TextBuilder, start: int, end: int) -> None:
        """``builder.copy``, quoted inside the string literals read as text."""
        i = max(bisect.bisect_right(self._quoted, (start, end)) - 1, 0)
        for lo, hi in self._quoted[i:]:
            if lo >= end:
                break
            if hi > start:
                builder.copy(start, max(lo, start))
                builder.copy(max(lo, start), min(hi, end), quoted=True)
                start = min(hi, end)
        builder.copy(start, end)


def _blanked(text: str, masks: Sequence[Mask]) -> str:
    """``text`` with ``masks`` overwritten by spaces (line breaks kept), for the placeholder
    search around them."""
    parts, pos = [], 0
    for m in masks:
        parts.append(text[pos : m.start])
        parts.append(re.sub(r"[^\r\n]", " ", text[m.start : m.end]))
        pos = m.end
    parts.append(text[pos:])
    return "".join(parts)


def _overlaps(masks: Sequence[Mask], mask: Mask) -> bool:
    i = bisect.bisect_left(masks, (mask.end,)) - 1
    return i >= 0 and masks[i].end > mask.start


def add_text(builder: TextBuilder, source: str, start: int, end: int, placeholders: Placeholders) -> None:
    """Copy ``source[start:end]`` into ``builder``, turning placeholders into stand-ins."""
    Masker(source, placeholders).emit(builder, start, end)
