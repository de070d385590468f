"""YAML and JSON exports: chosen string fields, each linted as its own text.

A field spec is a key name, matched at any depth (``body``), optionally with a condition on a
sibling key (``value[field=comment_value]``: the ``value`` of a mapping whose ``field`` is
``comment_value``, as in Zendesk macro ``actions``). A field's value is HTML when it holds a
tag (osTicket bodies), plain text otherwise.

Every field value is rebuilt from its source characters with a map back to the file (block
scalars line by line without their indentation, escapes as decoded pieces) and the rebuilt
value is checked against what the YAML or JSON parser read. If they differ (a YAML construct
the mapper does not model), the field is still linted, but as one piece: its findings point
at the start of the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Union

from mantracheck.errors import InputError
from mantracheck.text.html import html_into
from mantracheck.text.offsets import Extracted, OffsetMap, TextBuilder, compose, map_comments
from mantracheck.text.placeholders import Masker, Placeholders
from mantracheck.text.plain import plain_into

#: osTicket templates (``subject``, ``body``, ticket ``message``; canned ``response``) and Zendesk-style macro
#: exports (``actions[].value`` where ``field`` is ``comment_value`` or ``comment_value_html``).
DEFAULT_FIELDS = ("subject", "body", "message", "response", "value[field=comment_value]", "value[field=comment_value_html]")
_SPEC = re.compile(r"^(?P<key>[^\[\]=]+)(?:\[(?P<sib>[^\[\]=]+)=(?P<val>[^\[\]]*)\])?$")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|<!--")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    sibling: str | None = None
    equals: str | None = None

    @classmethod
    def parse(cls, spec: str) -> FieldSpec:
        m = _SPEC.match(spec.strip())
        if not m:
            raise ValueError(f"invalid field spec {spec!r}; expected KEY or KEY[SIBLING=VALUE]")
        return cls(m["key"].strip(), m["sib"] and m["sib"].strip(), m["val"])


@dataclass
class Leaf:
    """A string scalar: the parser's value and how to rebuild it from the source."""

    value: str
    start: int
    end: int
    style: str | None  # YAML: None (plain), "'", '"', "|", ">"; JSON: '"'


Node = Union[dict[str, "Node"], list["Node"], Leaf, None]


def select(tree: Node, specs: Sequence[FieldSpec], path: str = "") -> Iterator[tuple[str, Leaf]]:
    if isinstance(tree, dict):
        for key, child in tree.items():
            label = f"{path}.{key}" if path else key
            chosen = (isinstance(child, (Leaf, list))) and any(_matches(s, key, tree) for s in specs)
            if chosen and isinstance(child, Leaf):
                yield label, child
            elif chosen and isinstance(child, list):
                # a field holding a list of strings (body: [line, line]): each is copy
                for i, item in enumerate(child):
                    if isinstance(item, Leaf):
                        yield f"{label}[{i}]", item
                    else:
                        yield from select(item, specs, f"{label}[{i}]")
            else:
                yield from select(child, specs, label)
    elif isinstance(tree, list):
        for i, child in enumerate(tree):
            yield from select(child, specs, f"{path}[{i}]")


def _matches(spec: FieldSpec, key: str, siblings: dict[str, Node]) -> bool:
    if key != spec.key:
        return False
    if spec.sibling is None:
        return True
    other = siblings.get(spec.sibling)
    return isinstance(other, Leaf) and other.value == spec.equals


# -- JSON --------------------------------------------------------------------------------
_WS = re.compile(r"[ \t\n\r]*")
_LITERAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.", re.DOTALL)


def parse_json(text: str) -> Node:
    try:
        node, i = _json_value(text, _WS.match(text, 0).end())  # type: ignore[union-attr]
    except RecursionError:
        raise InputError("JSON nested too deeply to read (hundreds of levels)") from None
    except (ValueError, IndexError) as exc:
        raise InputError(f"invalid JSON: {exc}") from None
    if _WS.match(text, i).end() != len(text):  # type: ignore[union-attr]
        raise InputError(f"invalid JSON: extra data at offset {i}")
    return node


def _json_value(text: str, i: int) -> tuple[Node, int]:
    ch = text[i]
    if ch == "{":
        out: dict[str, Node] = {}
        i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        if text[i] == "}":
            return out, i + 1
        while True:
            if text[i] != '"':
                raise ValueError(f"expected a key at offset {i}")
            key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i] != ":":
                raise ValueError(f"expected ':' at offset {i}")
            out[key], i = _json_value(text, _WS.match(text, i + 1).end())  # type: ignore[union-attr]
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i] == "}":
                return out, i + 1
            if text[i] != ",":
                raise ValueError(f"expected ',' or '}}' at offset {i}")
            i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
    if ch == "[":
        items: list[Node] = []
        i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        if text[i] == "]":
            return items, i + 1
        while True:
            item, i = _json_value(text, i)
            items.append(item)
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i] == "]":
                return items, i + 1
            if text[i] != ",":
                raise ValueError(f"expected ',' or ']' at offset {i}")
            i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
    if ch == '"':
        value, end = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
        return Leaf(value, i, end, '"'), end
    m = _LITERAL.match(text, i)
    if not m:
        raise ValueError(f"unexpected {ch!r} at offset {i}")
    return None, m.end()


def _rebuild_json(text: str, leaf: Leaf, builder: TextBuilder) -> None:
    pos = leaf.start + 1
    for m in _ESCAPE.finditer(text, pos, leaf.end - 1):
        builder.copy(pos, m.start())
        builder.replace(json.loads('"' + m.group() + '"'), m.start(), m.end())
        pos = m.end()
    builder.copy(pos, leaf.end - 1)


# -- YAML --------------------------------------------------------------------------------
#: PyYAML composes nested nodes recursively (a few frames a level, Python allows 1,000).
YAML_MAX_DEPTH = 150


def parse_yaml(text: str) -> Node:
    import yaml

    from mantracheck.yamlio import MAX_EXPORT_NODES, YamlError, check_limits, one_line

    try:
        check_limits(text, max_aliases=None, max_nodes=MAX_EXPORT_NODES, max_depth=YAML_MAX_DEPTH)  # a YAML bomb fails here, fast
        trees = list(_yaml_trees(text))
    except YamlError as exc:
        raise InputError(f"YAML {exc}") from None
    except RecursionError:
        raise InputError(f"YAML nested more than {YAML_MAX_DEPTH} levels deep") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise InputError(f"invalid YAML{where}: {exc.problem or one_line(exc)}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {one_line(exc)}") from None
    return trees[0] if len(trees) == 1 else trees


_STR_TAG = "tag:yaml.org,2002:str"


def _yaml_trees(text: str) -> Iterator[Node]:
    """Each document of ``text`` as mappings, lists and a ``Leaf`` per string, built from the
    parser's events as they come: composing PyYAML's node tree first (a node and two marks
    per value) took about 40 bytes of memory per byte of an export."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        loader.get_event()  # stream start
        while not loader.check_event(yaml.StreamEndEvent):
            loader.get_event()  # document start
            tree = _yaml_value(loader, {}, 0)[0]
            loader.get_event()  # document end
            yield tree
    finally:
        loader.dispose()


def _yaml_value(loader: Any, anchors: dict[str, tuple[Node, str | None]], depth: int) -> tuple[Node, str | None]:
    """The next value of the event stream, and its text when it is a scalar (a mapping key is
    read as written: a key that is not a scalar is left out, as is a value that is not a
    string)."""
    import yaml

    event = loader.get_event()
    if isinstance(event, yaml.AliasEvent):
        if event.anchor not in anchors:
            raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
        return anchors[event.anchor]
    if depth > YAML_MAX_DEPTH:
        raise InputError(f"YAML nested more than {YAML_MAX_DEPTH} levels deep")
    built: tuple[Node, str | None]
    if isinstance(event, yaml.ScalarEvent):
        tag = event.tag
        if tag is None or tag == "!":
            tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        start = _after_properties(loader, event)
        built = (Leaf(event.value, start, event.end_mark.index, event.style) if tag == _STR_TAG else None, event.value)
    elif isinstance(event, yaml.SequenceStartEvent):
        items: list[Node] = []
        while not loader.check_event(yaml.SequenceEndEvent):
            items.append(_yaml_value(loader, anchors, depth + 1)[0])
        loader.get_event()
        built = (items, None)
    else:  # a mapping
        mapping: dict[str, Node] = {}
        while not loader.check_event(yaml.MappingEndEvent):
            key = _yaml_value(loader, anchors, depth + 1)[1]
            value = _yaml_value(loader, anchors, depth + 1)[0]
            if key is not None:
                mapping[key] = value
        loader.get_event()
        built = (mapping, None)
    if event.anchor is not None:
        anchors[event.anchor] = built
    return built


#: A node's properties before its scalar: an anchor (&name) or a tag (!x, !!str, !<uri>).
_PROPERTY = re.compile(r"(?:!<[^>]*>|[&!][^\s,\[\]{}]*)\s*")


def _after_properties(loader: Any, event: Any) -> int:
    """Where a scalar's own text starts: its event starts at its anchor or tag, if it has
    one ("&greeting 'Hi...'"); the rebuild reads from the quote. (A wrong guess costs
    nothing: the rebuild is checked against the parser's value.)"""
    i = event.start_mark.index
    text = loader.buffer  # the whole text (parse_yaml reads a str), as the marks count it
    while i < event.end_mark.index and text[i] in "&!":
        m = _PROPERTY.match(text, i)
        if m is None or m.end() <= i:
            break
        i = m.end()
    return i


_BREAK = re.compile(r"\r\n|\r|\n")
_DQ_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


def _rebuild_yaml(text: str, leaf: Leaf, b: TextBuilder) -> None:
    if leaf.style in ("|", ">"):
        _rebuild_block(text, leaf, b)
    else:
        _rebuild_flow(text, leaf, b)


def _rebuild_block(text: str, leaf: Leaf, b: TextBuilder) -> None:
    """A literal or folded block scalar: each line without its indentation (a port of
    PyYAML's ``scan_block_scalar``, with positions)."""
    header_end = _BREAK.search(text, leaf.start, leaf.end)
    if header_end is None:
        return
    header = text[leaf.start : header_end.start()].split("#")[0].strip()
    chomp = "+" if "+" in header else "-" if "-" in header else ""
    folded = header.startswith(">")
    lines: list[tuple[int, int, int, int]] = []  # (content start, content end, break start, break end)
    i = header_end.end()
    while i < leaf.end or (i == leaf.end < len(text) and not lines):
        m = _BREAK.search(text, i)
        stop = m.start() if m else len(text)
        lines.append((i, stop, *((m.start(), m.end()) if m else (stop, stop))))
        if not m:
            break
        i = m.end()
    spaces = [len(text[s:e]) - len(text[s:e].lstrip(" ")) for s, e, _, _ in lines]
    k = 0
    while k < len(lines) and not text[lines[k][0] : lines[k][1]].strip(" "):
        k += 1
    if k == len(lines):
        return
    indent = max([spaces[k], 1] + [lines[j][1] - lines[j][0] for j in range(k)])
    breaks = [(bs, be) for _, _, bs, be in lines[:k]]
    line_break = (0, 0)
    while k < len(lines) and spaces[k] >= indent and lines[k][1] > lines[k][0] + indent - 1:
        s, e, bs, be = lines[k]
        if e - s <= indent and not text[s:e].strip(" "):
            break
        for ps, pe in breaks:
            _newline(b, text, ps, pe)
        leading_non_space = text[s + indent] not in " \t"
        b.copy(s + indent, e)
        line_break = (bs, be)
        breaks = []
        k += 1
        while k < len(lines) and lines[k][1] - lines[k][0] <= indent and not text[lines[k][0] : lines[k][1]].strip(" ") and lines[k][3] > lines[k][2]:
            breaks.append(lines[k][2:4])
            k += 1
        if k < len(lines) and spaces[k] >= indent and lines[k][1] - lines[k][0] > indent:
            if folded and text[bs:be] in ("\n", "\r\n", "\r") and leading_non_space and text[lines[k][0] + indent] not in " \t":
                if not breaks:
                    b.replace(" ", bs, be)
            else:
                _newline(b, text, bs, be)
        else:
            break
    if chomp != "-":
        _newline(b, text, *line_break)
    if chomp == "+":
        for ps, pe in breaks:
            _newline(b, text, ps, pe)


def _newline(b: TextBuilder, text: str, start: int, end: int) -> None:
    if text[start:end] == "\n":
        b.copy(start, end)
    elif end > start:
        b.replace("\n", start, end)


def _rebuild_flow(text: str, leaf: Leaf, b: TextBuilder) -> None:
    """Plain, single- and double-quoted scalars: folded lines, quotes and escapes."""
    quote = leaf.style if leaf.style in ("'", '"') else None
    start, end = (leaf.start + 1, leaf.end - 1) if quote else (leaf.start, leaf.end)
    lines = []
    pos = start
    for m in _BREAK.finditer(text, start, end):
        lines.append((pos, m.start(), m.start(), m.end()))
        pos = m.end()
    lines.append((pos, end, end, end))
    blank_breaks: list[tuple[int, int]] = []
    prev_break: tuple[int, int] | None = None
    for n, (s, e, bs, be) in enumerate(lines):
        if n:
            s += len(text[s:e]) - len(text[s:e].lstrip(" \t"))
        if n < len(lines) - 1:
            e -= len(text[s:e]) - len(text[s:e].rstrip(" \t"))
        if n and s >= e and n < len(lines) - 1:
            blank_breaks.append((bs, be))
            continue
        if prev_break is not None:
            if blank_breaks:
                for ps, pe in blank_breaks:
                    _newline(b, text, ps, pe)
            else:
                b.replace(" ", prev_break[0], s)
        blank_breaks = []
        _rebuild_segment(text, s, e, quote, b)
        prev_break = (e, be)


def _rebuild_segment(text: str, start: int, end: int, quote: str | None, b: TextBuilder) -> None:
    if quote == "'":
        pos = start
        for m in re.finditer("''", text[start:end]):
            b.copy(pos, start + m.start())
            b.replace("'", start + m.start(), start + m.end())
            pos = start + m.end()
        b.copy(pos, end)
    elif quote == '"':
        pos = start
        for m in re.finditer(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", text[start:end]):
            code = m.group(1)
            value = chr(int(code[1:], 16)) if code[0] in "xuU" and len(code) > 1 else _DQ_ESCAPES.get(code, code)
            b.copy(pos, start + m.start())
            b.replace(value, start + m.start(), start + m.end())
            pos = start + m.end()
        b.copy(pos, end)
    else:
        b.copy(start, end)


# -- fields to texts ---------------------------------------------------------------------
def _value_map(text: str, leaf: Leaf, json_style: bool) -> OffsetMap:
    builder = TextBuilder(text)
    try:
        (_rebuild_json if json_style else _rebuild_yaml)(text, leaf, builder)
        built = builder.build()
    except (ValueError, IndexError):
        built = None
    if built is not None and built.clean == leaf.value:
        return built.offsets
    fallback = TextBuilder(text)
    fallback.replace(leaf.value, leaf.start, leaf.end)
    return fallback.build().offsets


def fields_to_texts(text: str, tree: Node, specs: Sequence[FieldSpec], placeholders: Placeholders, json_style: bool) -> list[Extracted]:
    from mantracheck.text.reader import MAX_BYTES

    out = []
    total = 0
    seen: set[int] = set()  # a YAML alias is the anchored node again: its text is linted once, where it is written
    for label, leaf in select(tree, specs):
        if not leaf.value.strip() or id(leaf) in seen:
            continue
        seen.add(id(leaf))
        total += len(leaf.value)
        if total > MAX_BYTES:  # decoded text counts towards the limit: aliases repeat a value
            raise InputError(f"its text fields add up to more than the {MAX_BYTES // (1024 * 1024)} MiB limit (YAML aliases repeat a value?); not linted")
        fixable = not json_style and leaf.style in ("|", ">")
        out.append(value_text(leaf.value, _value_map(text, leaf, json_style), placeholders, label, fixable))
    return out


def value_text(value: str, outer: OffsetMap, placeholders: Placeholders, label: str | None, fixable: bool = False) -> Extracted:
    """The text of one string ``value`` (HTML when it holds a tag, plain otherwise), mapped
    to the file through ``outer`` (the value's own map back to its source)."""
    masker = Masker(value, placeholders)
    builder = TextBuilder(value)
    comments = list(masker.comments)
    if _HTML_TAG.search(masker.masked):
        html_into(builder, masker, 0, len(value), comments)
    else:
        plain_into(builder, masker, 0, len(value), comments)
    inner = builder.build()
    # A lone surrogate (a "\ud800" escape) is no character; spaCy cannot hash it. One
    # character for one keeps every offset.
    clean = _LONE_SURROGATE.sub("\ufffd", inner.clean)
    return Extracted(clean, compose(inner.offsets, outer), label=label, comments=map_comments(tuple(sorted(comments)), outer), fixable=fixable, controls=inner.controls)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_YAML_COMMENT = re.compile(r"(?:(?<=[ \t])|^)#[^\r\n]*", re.MULTILINE)


def yaml_comments(text: str, tree: Node) -> tuple[tuple[int, int, str], ...]:
    """``#`` comments outside every string value (a ``#`` inside a block scalar is text)."""
    spans = sorted((leaf.start, leaf.end) for leaf in _leaves(tree))
    out = []
    for m in _YAML_COMMENT.finditer(text):
        if not any(s <= m.start() < e for s, e in spans):
            out.append((m.start(), m.end(), m.group()))
    return tuple(out)


def _leaves(tree: Node) -> Iterator[Leaf]:
    if isinstance(tree, Leaf):
        yield tree
    elif isinstance(tree, dict):
        for child in tree.values():
            yield from _leaves(child)
    elif isinstance(tree, list):
        for child in tree:
            yield from _leaves(child)
