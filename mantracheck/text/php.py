"""PHP language arrays (OpenCart's ``$_['key'] = '...';``, Laravel's ``return ['key' => '...'];``)
and PHP string literals, which Blade's ``__('...')`` reads too.

Each string value is its own text, labelled with its key path (``checkout.text_success``,
``list[0]``). Single- and double-quoted strings are decoded piece by piece (an escape is one
replaced piece, everything else is copied), so positions are exact; a variable in a
double-quoted string, a ``sprintf`` placeholder (``%s``, ``%1$d``), a Laravel placeholder
(``:name``) and any operand of a concatenation that is not a string (``'Hi ' . $name``) stand
for one word. Only statements at the top level of the file are read (not code inside a class
or function); anything else is skipped, never an error.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mantracheck.text.offsets import Extracted, TextBuilder
from mantracheck.text.placeholders import STAND_IN, Mask, Placeholders

#: ``sprintf`` conversions and Laravel's ``:name`` (not a time, "10:30", nor "Note: ...").
_FORMAT = r"%(?:\d+\$)?[-+0#']?\d*(?:\.\d+)?[bcdeEfFgGosuxX](?![A-Za-z])|(?<![\w:]):[A-Za-z_]\w*"
_SINGLE = re.compile(rf"(?P<esc>\\[\\'])|(?P<fmt>{_FORMAT})")
_DOUBLE = re.compile(
    r"(?P<esc>\\(?:[ntrvef\\$\"]|[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|u\{[0-9A-Fa-f]+\}))"
    r"|(?P<var>\{\$[^{}]*\}|\$\{[^{}]*\}|\$[A-Za-z_]\w*(?:\[[^\]\s]*\]|->[A-Za-z_]\w*)?)"
    rf"|(?P<fmt>{_FORMAT})"
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "e": "\x1b", "f": "\f", "\\": "\\", "$": "$", '"': '"'}


def _decode(escape: str) -> str:
    code = escape[1:]
    if code in _ESCAPES or code == "'":
        return _ESCAPES.get(code, code)
    if code[0] == "x":
        return chr(int(code[1:], 16))
    if code[0] == "u":
        return chr(min(int(code[2:-1], 16), 0x10FFFF))
    return chr(int(code, 8) & 0xFF)


def literal_masks(text: str, start: int, end: int, quote: str) -> list[Mask]:
    """The escapes (decoded), variables and placeholders (one word each) in the content
    ``text[start:end]`` of a PHP string literal quoted with ``quote``."""
    out = []
    for m in (_SINGLE if quote == "'" else _DOUBLE).finditer(text, start, end):
        if m.lastgroup == "esc":
            out.append(Mask(m.start(), m.end(), False, False, _decode(m.group()), decoded=True))
        else:
            out.append(Mask(m.start(), m.end(), False, False))
    return out


def literal_into(builder: TextBuilder, text: str, start: int, end: int, quote: str) -> None:
    """Add the content of a string literal to ``builder`` (whose source is ``text``)."""
    pos = start
    for m in literal_masks(text, start, end, quote):
        builder.copy(pos, m.start)
        if m.decoded:
            builder.replace(m.stand_in or "", m.start, m.end)
        else:
            builder.opaque(STAND_IN, m.start, m.end)
        pos = m.end
    builder.copy(pos, end)


# -- the language array ------------------------------------------------------------------
_TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<comment>//[^\r\n]*|\#(?!\[)[^\r\n]*|/\*.*?(?:\*/|\Z))
    |(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    |(?P<heredoc><<<[ \t]*(?P<q>['"]?)(?P<id>[A-Za-z_]\w*)(?P=q)\r?\n(?:(?!<<<).)*?^[ \t]*(?P=id)\b)
    |(?P<html>\?>.*?(?:<\?php|<\?=?|\Z))
    |(?P<word>\$?\w+(?:\.\d+)?)
    |(?P<op>=>|::|->|\?\?|.)""",
    re.DOTALL | re.VERBOSE | re.MULTILINE,
)
_CLOSE = {"[": "]", "(": ")", "{": "}"}
#: Arrays nested deeper than this are not read (a language file nests two or three levels).
MAX_DEPTH = 32
_ENDS = frozenset({",", ";", "=>", ")", "]", "}"})


class Token(NamedTuple):
    kind: str
    text: str
    start: int
    end: int


class Value(NamedTuple):
    """A string value: its key path and the operands of its concatenation (tokens; a run of
    tokens that is not one string literal stands for one word)."""

    label: str
    operands: list[list[Token]]


def tokens(source: str) -> tuple[list[Token], list[tuple[int, int, str]]]:
    """The tokens of ``source`` after its opening ``<?php``, and its comments."""
    opening = source.find("<?php")
    out, comments = [], []
    for m in _TOKEN.finditer(source, opening + 5 if opening >= 0 else 0):
        kind = m.lastgroup or "op"
        if kind == "comment":
            comments.append((m.start(), m.end(), m.group()))
        elif kind != "space":
            out.append(Token(kind, m.group(), m.start(), m.end()))
    return out, comments


class _Parser:
    def __init__(self, toks: list[Token]) -> None:
        self.toks = toks
        self.values: list[Value] = []

    def at(self, i: int) -> str:
        return self.toks[i].text if i < len(self.toks) else ""

    def statements(self) -> list[Value]:
        """``$var['key']... = value;`` and ``return value;`` at the top level."""
        depth, i = 0, 0
        while i < len(self.toks):
            tok = self.toks[i]
            if tok.text in ("{", "}"):
                depth += 1 if tok.text == "{" else -1
            elif depth == 0 and tok.kind == "word" and tok.text.startswith("$") and self.at(i + 1) == "[":
                keys, j = [], i + 1
                while self.at(j) == "[" and self.at(j + 2) == "]":
                    keys.append(_key(self.toks[j + 1]))
                    j += 3
                if keys and self.at(j) == "=":
                    i = self.value(j + 1, ".".join(keys))
                    continue
            elif depth == 0 and tok.text.lower() == "return":
                i = self.value(i + 1, "")
                continue
            i += 1
        return self.values

    def value(self, i: int, label: str, depth: int = 0) -> int:
        """Read the value at ``i`` (an array, or a concatenation); the index after it."""
        if depth < MAX_DEPTH and (self.at(i) == "[" or (self.at(i).lower() == "array" and self.at(i + 1) == "(")):
            return self.array(i + (self.at(i) != "["), label, depth + 1)
        end = self.skip(i)
        operands: list[list[Token]] = [[]]
        nesting = 0
        for tok in self.toks[i:end]:
            if nesting == 0 and tok.text == ".":
                operands.append([])
                continue
            nesting += (tok.text in _CLOSE) - (tok.text in _CLOSE.values())
            operands[-1].append(tok)
        if any(len(o) == 1 and o[0].kind == "str" for o in operands):
            self.values.append(Value(label, [o for o in operands if o]))
        return end

    def array(self, i: int, label: str, depth: int) -> int:
        close, j, index = _CLOSE[self.at(i)], i + 1, 0
        while j < len(self.toks) and self.at(j) != close:
            end = self.skip(j)
            if self.at(end) == "=>":
                key = _key(self.toks[j]) if end == j + 1 else " ".join(t.text for t in self.toks[j:end])
                end = self.value(end + 1, f"{label}.{key}" if label else key, depth)
            elif end > j:
                end = self.value(j, f"{label}[{index}]", depth)
                index += 1
            if self.at(end) not in (",", close):  # not an array after all: skip the rest
                end = self.skip(end + 1)
            j = end + (self.at(end) == ",")
        return j + 1

    def skip(self, i: int) -> int:
        """The index of the token that ends the expression starting at ``i``."""
        depth = 0
        while i < len(self.toks):
            text = self.toks[i].text
            if depth == 0 and text in _ENDS:
                return i
            depth += (text in _CLOSE) - (text in _CLOSE.values())
            i += 1
        return i


def _key(tok: Token) -> str:
    """A key as PHP reads it: a string's escapes decoded (nothing else), anything else as written."""
    if tok.kind != "str":
        return tok.text
    out, pos, end = [], 1, len(tok.text) - 1
    for m in literal_masks(tok.text, 1, end, tok.text[0]):
        if m.decoded:
            out += [tok.text[pos : m.start], m.stand_in or ""]
            pos = m.end
    return "".join(out) + tok.text[pos:end]


def values(source: str) -> tuple[list[Value], list[tuple[int, int, str]]]:
    toks, comments = tokens(source)
    return _Parser(toks).statements(), comments


def value_map(source: str, value: Value) -> Extracted:
    """The text of one value, mapped to ``source``: string literals decoded, any other
    operand one word."""
    builder = TextBuilder(source)
    for operand in value.operands:
        first, last = operand[0], operand[-1]
        if len(operand) == 1 and first.kind == "str":
            literal_into(builder, source, first.start + 1, first.end - 1, first.text[0])
        else:
            builder.opaque(STAND_IN, first.start, last.end)
    return builder.build()


def extract_php(source: str, placeholders: Placeholders) -> tuple[list[Extracted], tuple[tuple[int, int, str], ...]]:
    """A text per string value, and the file's comments (where directives live)."""
    from mantracheck.text.fields import value_text

    found, comments = values(source)
    texts = []
    for value in found:
        outer = value_map(source, value)
        if outer.clean.strip():
            texts.append(value_text(outer.clean, outer.offsets, placeholders, value.label or None))
    return texts, tuple(comments)
