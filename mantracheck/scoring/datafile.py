"""Scoring data files (rules/courtesy-score.yaml, rules/mantra-score.yaml): where the built-in
one lives and how any one is read, so that an error always names the file."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
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


class Check:
    """Validation helpers for a scoring data file: each failure is a RuleError naming the file
    and the dotted key. The scoring models add their own field readers on top."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, key: str | None, problem: str) -> RuleError:
        return RuleError(self.path, key, problem)

    def mapping(self, value: Any, key: str | None, allowed: tuple[str, ...] | None = None, required: tuple[str, ...] = ()) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a mapping, got {show(value)}")
        if allowed is not None:
            for name in value:
                if name not in allowed:
                    raise self.fail(join(key, str(name)), f"unknown key; expected one of {', '.join(allowed)}")
        for name in required:
            if name not in value:
                raise self.fail(join(key, name), "missing")
        return value

    def number(self, value: Any, key: str, minimum: float | None = None, maximum: float | None = None) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(key, f"expected a number, got {show(value)}")
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise self.fail(key, f"expected a number from {minimum} to {maximum}, got {value}")
        return float(value)


def join(where: str | None, key: str) -> str:
    return f"{where}.{key}" if where else key


def show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
