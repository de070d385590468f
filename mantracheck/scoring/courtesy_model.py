"""The courtesy-score data file (rules/courtesy-score.yaml): loaded and validated once.

Every problem is a ``RuleError`` naming the file, the key and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mantracheck.scoring.datafile import Check, builtin_path, load_data
from mantracheck.scoring.datafile import join as _join
from mantracheck.scoring.datafile import show as _show

FILE_NAME = "courtesy-score.yaml"
SIDES = ("polite", "impolite")
POSITIONS = ("anywhere", "sentence_start", "not_sentence_start", "sentence_opening")
REGIONS = ("whole", "opening", "closing")
SEVERITIES = ("error", "warning", "info")
NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
#: A lexicon entry: one lower-cased token, or two separated by one space ("thanks in", "? i").
LEXICON_ENTRY = re.compile(r"^[^\sA-Z]+(?: [^\sA-Z]+)?$")

TOP_KEYS = ("version", "strategies", "expected", "overpromise", "fitted")
STRATEGY_KEYS = ("side", "paper", "detect", "words", "lemmas", "tokens", "regex", "position", "opening_words")
EXPECTED_KEYS = ("message", "strategy", "words", "region", "sentences", "min_words", "when")
OVERPROMISE_KEYS = ("packs", "severity_weights")
FITTED_KEYS = ("intercept", "weights", "lexicon")


@dataclass(frozen=True, slots=True)
class Strategy:
    """One politeness strategy: how to find it, where it may sit, and its fitted weight."""

    name: str
    side: str
    detect: str
    paper: str | None
    words: tuple[str, ...]
    lemmas: tuple[str, ...]
    tokens: tuple[tuple[Mapping[str, Any], ...], ...]
    regex: tuple[re.Pattern[str], ...]
    position: str
    opening_words: int
    weight: float

    def single_words(self) -> frozenset[str]:
        """The one-word entries (so that the learned lexicon never counts them twice)."""
        return frozenset(w for w in (*self.words, *self.lemmas) if " " not in w)


@dataclass(frozen=True, slots=True)
class Expected:
    """An element a courteous text usually has, reported as missing when absent."""

    name: str
    message: str
    strategy: str | None
    words: tuple[str, ...]
    region: str
    sentences: int
    min_words: int
    when: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CourtesyModel:
    path: str
    strategies: tuple[Strategy, ...]
    expected: tuple[Expected, ...]
    intercept: float
    lexicon: Mapping[str, float]
    overpromise_packs: tuple[str, ...]
    severity_weights: Mapping[str, float]

    def strategy_words(self) -> frozenset[str]:
        out: set[str] = set()
        for strategy in self.strategies:
            out |= strategy.single_words()
        return frozenset(out)


class _Check(Check):
    """The courtesy data's own field readers."""

    def text(self, raw: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
        value = raw.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(_join(where, key), f"expected a non-empty string, got {_show(value)}")
        return " ".join(value.split())

    def strings(self, raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(_join(where, key), f"expected a list of quoted words or phrases, got {_show(value)}")
        return tuple(" ".join(v.lower().replace("\u2019", "'").split()) for v in value)

    def integer(self, raw: Mapping[str, Any], key: str, where: str, default: int, minimum: int = 0) -> int:
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(_join(where, key), f"expected a whole number >= {minimum}, got {_show(value)}")
        return value

    def choice(self, raw: Mapping[str, Any], key: str, where: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        value = raw.get(key, default)
        if value not in allowed:
            raise self.fail(_join(where, key), f"expected one of {', '.join(allowed)}, got {_show(value)}")
        return str(value)


def _tokens(check: _Check, value: Any, where: str) -> tuple[tuple[Mapping[str, Any], ...], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise check.fail(where, f"expected a list of spaCy token patterns (lists of mappings), got {_show(value)}")
    out = []
    for i, pattern in enumerate(value):
        if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) and t for t in pattern):
            raise check.fail(f"{where}[{i}]", f"expected a list of token mappings like {{LOWER: you}}, got {_show(pattern)}")
        for spec in pattern:
            for attr in spec:
                if str(attr).upper() in {"POS", "TAG", "MORPH", "DEP", "HEAD", "ENT_TYPE"}:
                    raise check.fail(f"{where}[{i}]", f"{attr} is not available on the blank pipeline; use LOWER, LEMMA, IS_* or sentence position")
        out.append(tuple(pattern))
    return tuple(out)


def _regexes(check: _Check, value: Any, where: str) -> tuple[re.Pattern[str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise check.fail(where, f"expected a list of quoted regular expressions, got {_show(value)}")
    out = []
    for i, source in enumerate(value):
        try:
            out.append(re.compile(source, re.I))
        except re.error as exc:
            raise check.fail(f"{where}[{i}]", f"invalid regular expression {source!r}: {exc}") from None
    return tuple(out)


def _strategy(check: _Check, name: str, raw: Any, weights: Mapping[str, Any], fitting: bool) -> Strategy:
    where = f"strategies.{name}"
    if not NAME.match(name):
        raise check.fail(where, "strategy names are lower-case words joined by '_'")
    raw = check.mapping(raw, where, STRATEGY_KEYS)
    words = check.strings(raw, "words", where)
    lemmas = check.strings(raw, "lemmas", where)
    tokens = _tokens(check, raw.get("tokens"), f"{where}.tokens")
    regex = _regexes(check, raw.get("regex"), f"{where}.regex")
    if not (words or lemmas or tokens or regex):
        raise check.fail(where, "expected at least one of words, lemmas, tokens, regex")
    position = check.choice(raw, "position", where, POSITIONS, "anywhere")
    opening = check.integer(raw, "opening_words", where, 1, minimum=1)
    if name not in weights and not fitting:
        raise check.fail(f"fitted.weights.{name}", "missing; every strategy needs a fitted weight (run python eval/courtesy.py --write)")
    return Strategy(
        name=name,
        side=check.choice(raw, "side", where, SIDES),
        detect=check.text(raw, "detect", where) or "",
        paper=check.text(raw, "paper", where, required=False),
        words=words,
        lemmas=lemmas,
        tokens=tokens,
        regex=regex,
        position=position,
        opening_words=opening,
        weight=check.number(weights.get(name, 0.0), f"fitted.weights.{name}", minimum=-20, maximum=20),
    )


def _expected(check: _Check, name: str, raw: Any, strategies: Mapping[str, Strategy]) -> Expected:
    where = f"expected.{name}"
    raw = check.mapping(raw, where, EXPECTED_KEYS)
    strategy = raw.get("strategy")
    words = check.strings(raw, "words", where)
    if strategy is not None and strategy not in strategies:
        raise check.fail(f"{where}.strategy", f"unknown strategy {strategy!r}; expected one of {', '.join(strategies)}")
    if (strategy is None) == (not words):
        raise check.fail(where, "expected exactly one of 'strategy' (a strategy name) or 'words' (phrases)")
    return Expected(
        name=name,
        message=check.text(raw, "message", where) or "",
        strategy=strategy,
        words=words,
        region=check.choice(raw, "region", where, REGIONS, "whole"),
        sentences=check.integer(raw, "sentences", where, 2, minimum=1),
        min_words=check.integer(raw, "min_words", where, 0),
        when=check.strings(raw, "when", where),
    )


def parse_model(raw: Any, path: str, *, fitting: bool = False) -> CourtesyModel:
    """Validate the data file. ``fitting``: strategies may lack a weight (eval/courtesy.py)."""
    check = _Check(path)
    top = check.mapping(raw, None, TOP_KEYS)
    if top.get("version") != 1:
        raise check.fail("version", f"expected 1, got {_show(top.get('version'))}")
    fitted = check.mapping(top.get("fitted"), "fitted", FITTED_KEYS)
    weights = check.mapping(fitted.get("weights", {}), "fitted.weights")
    strategies_raw = check.mapping(top.get("strategies"), "strategies")
    if not strategies_raw:
        raise check.fail("strategies", "expected at least one strategy")
    strategies = {str(name): _strategy(check, str(name), value, weights, fitting) for name, value in strategies_raw.items()}
    for name in weights:
        if name not in strategies:
            raise check.fail(f"fitted.weights.{name}", f"weight for unknown strategy; expected one of {', '.join(strategies)}")
    expected = tuple(_expected(check, str(n), v, strategies) for n, v in check.mapping(top.get("expected", {}), "expected").items())

    taken = frozenset().union(*(s.single_words() for s in strategies.values()))
    lexicon: dict[str, float] = {}
    for word, weight in check.mapping(fitted.get("lexicon", {}), "fitted.lexicon").items():
        key = f"fitted.lexicon.{word}"
        if not isinstance(word, str) or not LEXICON_ENTRY.match(word):
            raise check.fail(key, "expected one lower-case token or two separated by one space")
        if word in taken:
            raise check.fail(key, "the word already belongs to a strategy; it would be counted twice")
        lexicon[word] = check.number(weight, key, minimum=-20, maximum=20)

    over = check.mapping(top.get("overpromise"), "overpromise", OVERPROMISE_KEYS)
    packs = check.strings(over, "packs", "overpromise")
    if not packs:
        raise check.fail("overpromise.packs", "expected a list of rule packs, e.g. [overpromise]")
    sev = check.mapping(over.get("severity_weights"), "overpromise.severity_weights", SEVERITIES)
    severity_weights = {}
    for name in SEVERITIES:
        if name not in sev:
            raise check.fail(f"overpromise.severity_weights.{name}", "missing; expected a number from 0 to 1")
        severity_weights[name] = check.number(sev[name], f"overpromise.severity_weights.{name}", minimum=0, maximum=1)
    return CourtesyModel(
        path=path,
        strategies=tuple(strategies.values()),
        expected=expected,
        intercept=check.number(fitted.get("intercept"), "fitted.intercept", minimum=-20, maximum=20),
        lexicon=lexicon,
        overpromise_packs=packs,
        severity_weights=severity_weights,
    )


def default_path() -> Path:
    return builtin_path(FILE_NAME)


@lru_cache(maxsize=8)
def load_model(path: str | None = None) -> CourtesyModel:
    """The courtesy model from ``path`` (default: the built-in rules/courtesy-score.yaml)."""
    return load_data(path or default_path(), parse_model)
