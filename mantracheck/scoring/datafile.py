"""Scoring data files (rules/courtesy-score.yaml, rules/mantra-score.yaml): where the built-in
one lives and how any one is read, so that an error always names the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from mantracheck.errors import RuleError
from mantracheck.yamlio import YamlError, load_yaml_file

T = TypeVar("T")


def builtin_path(file_name: str) -> Path:
    from mantracheck.engine.loader import builtin_rules_dir

    return builtin_rules_dir() / file_name


def load_data(path: str | Path, parse: Callable[[Any, str], T]) -> T:
    """``parse(raw, where)`` of the YAML at ``path``; unreadable YAML is a RuleError naming it."""
    where = str(path)
    try:
        raw = load_yaml_file(where)
    except YamlError as exc:
        raise RuleError(where, None, str(exc)) from None
    return parse(raw, where)
