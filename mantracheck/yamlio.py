"""YAML as data only: safe loading, with limits on size and alias expansion."""

from __future__ import annotations

from typing import Any

import yaml

try:  # the C parser when PyYAML was built with it
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader  # type: ignore[assignment]

MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 100


class YamlError(Exception):
    """A one-line reason a YAML document cannot be used."""


def load_yaml_text(text: str) -> Any:
    if len(text) > MAX_YAML_BYTES:
        raise YamlError(f"file is larger than the {MAX_YAML_BYTES // 1024} KiB limit for rule and config files")
    try:
        aliases = 0
        for event in yaml.parse(text, Loader=SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise YamlError(f"more than {MAX_ALIASES} aliases (a YAML bomb?); refusing to expand it")
        return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - SafeLoader constructs plain data only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise YamlError(f"invalid YAML at {where}{exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None


def load_yaml_file(path: str) -> Any:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_YAML_BYTES + 1)
    except OSError as exc:
        raise YamlError(f"cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    return load_yaml_text(text)
