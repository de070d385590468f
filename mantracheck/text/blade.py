"""Blade (Laravel) templates: read as HTML once Blade's own syntax is masked.

``{{ $x }}`` and ``{!! $x !!}`` stand for one word, ``{{-- --}}`` is a comment (directives
live there), ``@if (...)``, ``@endif``, ``@php ... @endphp`` and ``<?php ?>`` stand for no
word. The English copy of a Laravel view usually sits in a translation call,
``{{ __('Welcome to the team!') }}`` or ``@lang('...')``: the first argument's text is read
(its escapes decoded, ``:name`` placeholders one word) and the call around it is an empty
stand-in; that text is never rewritten by ``--fix``, which could break its quoting.
"""

from __future__ import annotations

import re

from mantracheck.text.offsets import Extracted
from mantracheck.text.php import literal_masks
from mantracheck.text.placeholders import Mask, Masker, Placeholders

_SYNTAX = re.compile(
    r"(?P<comment>\{\{--(?:(?!\{\{--).)*?--\}\})"
    r"|(?P<echo>\{!!(?:(?!\{!!).)*?!!\}|\{\{(?:(?!\{\{).)*?\}\})"
    r"|(?P<php>(?<!@)@php\b(?![ \t]*\()(?:(?!@php\b).)*?@endphp\b|<\?php(?:(?!<\?php).)*?(?:\?>|\Z))"
    r"|(?P<directive>(?<![\w@.])@[A-Za-z_]\w*(?:::\w+)?)",
    re.DOTALL,
)
#: A translation call whose first argument is a string literal: that string is copy.
_CALL = re.compile(r"""\s*(?:__|trans|\\?Lang::get|@lang)[ \t]*\([ \t]*(?P<literal>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")[ \t]*[,)]""")
_OPEN = re.compile(r"[ \t]*\(")
_ARGUMENT = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[()]""", re.DOTALL)
#: How far a directive's arguments are looked for (an unclosed "(" must not make each
#: directive read to the end of the file).
MAX_ARGUMENTS = 1000


def _arguments_end(text: str, start: int) -> int | None:
    """The end of the parenthesised arguments opening at ``text[start]``, or None."""
    depth = 0
    for m in _ARGUMENT.finditer(text, start, min(len(text), start + MAX_ARGUMENTS)):
        if m.group() == "(":
            depth += 1
        elif m.group() == ")":
            depth -= 1
            if depth == 0:
                return m.end()
    return None


def _translated(text: str, start: int, end: int, call_at: int, masks: list[Mask], quoted: list[tuple[int, int]]) -> bool:
    """Mask ``text[start:end]`` around the string of a translation call at ``call_at``."""
    call = _CALL.match(text, call_at, end)
    if call is None:
        return False
    lo, hi = call.start("literal") + 1, call.end("literal") - 1
    masks.append(Mask(start, lo, False, False, ""))
    masks.extend(literal_masks(text, lo, hi, text[lo - 1]))
    masks.append(Mask(hi, end, False, False, ""))
    quoted.append((lo, hi))
    return True


def blade_masks(text: str) -> tuple[list[Mask], list[tuple[int, int]]]:
    """Blade's syntax in ``text`` as masks, in order, and the spans of translated strings."""
    masks: list[Mask] = []
    quoted: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = _SYNTAX.search(text, pos)
        if m is None:
            return masks, quoted
        start, end = m.span()
        kind = m.lastgroup
        if kind == "directive":
            after = _OPEN.match(text, end)
            close = _arguments_end(text, after.end() - 1) if after else None
            end = close or end
            if not (m.group() == "@lang" and close and _translated(text, start, end, start, masks, quoted)):
                masks.append(Mask(start, end, True, False))
        elif kind == "echo":
            opener = 3 if text.startswith("{!!", start) else 2
            if not _translated(text, start, end, start + opener, masks, quoted):
                masks.append(Mask(start, end, False, False))
        else:
            masks.append(Mask(start, end, True, kind == "comment"))
        pos = end


def extract_blade(source: str, placeholders: Placeholders) -> Extracted:
    from mantracheck.text.html import extract_html

    masks, quoted = blade_masks(source)
    return extract_html(source, placeholders, masker=Masker(source, placeholders, masks, quoted))
