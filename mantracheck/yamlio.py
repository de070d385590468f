"""YAML as data only: safe loading, with limits on size, nesting and alias expansion.

``SafeLoader`` builds plain data (mappings, lists, strings, numbers, booleans, null, dates)
and refuses every tag that would construct an object (``!!python/object``...). Before the
document is built, its events are counted as if every alias were expanded: a "billion
laughs" file (nine anchors of nine aliases each) names more than a billion nodes while being
a few hundred bytes long, and is refused after reading it once, in milliseconds.
"""

from __future__ import annotations

from typing import Any

import yaml

try:  # the C parser when PyYAML was built with it
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader  # type: ignore[assignment]

MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 100
#: Nodes a rule or config file would have with every alias expanded (they have hundreds).
MAX_EXPANDED_NODES = 100_000
#: The same for a YAML export being linted (a 16 MiB export has well under this).
MAX_EXPORT_NODES = 2_000_000
#: Levels of nested mappings and lists (PyYAML builds them recursively).
MAX_DEPTH = 100


class YamlError(Exception):
    """A one-line reason a YAML document cannot be used."""


def check_limits(text: str, *, max_aliases: int | None = MAX_ALIASES, max_nodes: int = MAX_EXPANDED_NODES, max_depth: int = MAX_DEPTH, loader: Any = SafeLoader) -> None:
    """Raise YamlError when ``text`` has too many aliases, would expand to more than
    ``max_nodes`` nodes, or nests deeper than ``max_depth``; parse errors propagate as
    ``yaml.YAMLError``. Reads the event stream once and builds nothing."""
    sizes: dict[str, int] = {}  # anchor -> expanded size of the node it names
    stack: list[list[Any]] = []  # open collections: [anchor, size so far]
    total = aliases = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentStartEvent, yaml.DocumentEndEvent)):
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, size = stack.pop()
            if anchor is not None:
                sizes[anchor] = size
            if stack:
                stack[-1][1] += size
            continue
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if max_aliases is not None and aliases > max_aliases:
                raise YamlError(f"more than {max_aliases} aliases (a YAML bomb?); refusing to expand it")
            size = sizes.get(event.anchor, 1)  # an alias inside its own anchor is invalid anyway
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(stack) >= max_depth:
                raise YamlError(f"nested more than {max_depth} levels deep")
            stack.append([event.anchor, 1])
            total += 1
            continue
        else:  # a scalar
            size = 1
            if event.anchor is not None:  # type: ignore[attr-defined]
                sizes[event.anchor] = 1  # type: ignore[attr-defined]
        total += size
        if stack:
            stack[-1][1] += size
        if total > max_nodes:
            raise YamlError(f"aliases expand to more than {max_nodes:,} nodes (a \"billion laughs\" YAML bomb?); refusing to load it")


def one_line(exc: yaml.YAMLError) -> str:
    """A YAML error without PyYAML's second line ('  in "<unicode string>", position 0')."""
    if isinstance(exc, yaml.reader.ReaderError):
        return f"{exc.reason} (character {exc.position + 1})"
    lines = str(exc).splitlines()
    return lines[0] if lines else type(exc).__name__


def load_yaml_text(text: str) -> Any:
    if len(text) > MAX_YAML_BYTES:
        raise YamlError(f"file is larger than the {MAX_YAML_BYTES // 1024} KiB limit for rule and config files")
    try:
        check_limits(text)
        return yaml.load(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise YamlError(f"invalid YAML at {where}{exc.problem or one_line(exc)}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {one_line(exc)}") from None
    except RecursionError:
        raise YamlError(f"nested more than {MAX_DEPTH} levels deep") from None


def load_yaml_file(path: str) -> Any:
    from mantracheck.errors import InputError
    from mantracheck.text.reader import read_bytes

    try:
        data = read_bytes(path, MAX_YAML_BYTES)
    except InputError as exc:
        raise YamlError(f"cannot read: {exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    return load_yaml_text(text)
