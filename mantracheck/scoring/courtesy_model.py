"""The courtesy-score data file (rules/courtesy-score.yaml): loaded and validated once.

Every problem is a ``RuleError`` naming the file, the key and what was expected. The
sentiment lexicon it names is read from an installed package's own data file, never fetched.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
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
#: A lexicon entry: one to three lower-cased lemmas separated by single spaces ("thanks for",
#: "what do you", "? i").
LEXICON_ENTRY = re.compile(r"^[^\sA-Z]+(?: [^\sA-Z]+){0,2}$")
#: The sentiment lexicon file: one entry a line, ``token<TAB>mean valence<TAB>...`` (VADER's format).
SENTIMENT_LINE = re.compile(r"^([^\t]+)\t(-?\d+(?:\.\d+)?)\t")

TOP_KEYS = ("version", "strategies", "lemma_exceptions", "expected", "sentiment", "overpromise", "fitted")
#: a word and the form lexicon entries use for it (one lower-case token each)
WORD = re.compile(r"^[^\sA-Z]+$")
STRATEGY_KEYS = ("side", "paper", "detect", "words", "lemmas", "tokens", "regex", "position", "opening_words")
EXPECTED_KEYS = ("message", "strategy", "words", "region", "sentences", "min_words", "when")
SENTIMENT_KEYS = ("package", "file", "licence", "min_valence", "detect")
OVERPROMISE_KEYS = ("packs", "severity_weights")
FITTED_KEYS = ("intercept", "weights", "sentiment", "lexicon")
FITTED_SENTIMENT_KEYS = ("positive", "negative")


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
class Sentiment:
    """Word valences from a sentiment lexicon shipped inside an installed package, and the two
    fitted weights that turn them into markers: a word of valence v (-4..+4) weighs
    ``positive * v / 4`` when v > 0 and ``negative * -v / 4`` when v < 0."""

    package: str
    file: str
    min_valence: float
    valences: Mapping[str, float]
    positive: float
    negative: float

    def weight(self, valence: float) -> float:
        """A word's marker weight, rounded as the data file's weights are."""
        return round((self.positive if valence > 0 else self.negative) * abs(valence) / 4.0, 4)


@dataclass(frozen=True, slots=True)
class CourtesyModel:
    path: str
    strategies: tuple[Strategy, ...]
    expected: tuple[Expected, ...]
    intercept: float
    lexicon: Mapping[str, float]
    overpromise_packs: tuple[str, ...]
    severity_weights: Mapping[str, float]
    sentiment: Sentiment | None = None
    #: lower-cased word -> the form lexicon entries use instead of its lookup lemma
    lemma_exceptions: Mapping[str, str] = field(default_factory=dict)

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


@lru_cache(maxsize=4)
def read_sentiment_file(package: str, file: str) -> dict[str, float] | None:
    """Valence per token from ``file`` inside the installed ``package`` (found without importing
    it); None when the package is not installed or the file is not in it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in locations:
        path = Path(folder) / file
        if path.is_file():
            out: dict[str, float] = {}
            with open(path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    found = SENTIMENT_LINE.match(line)
                    if found and " " not in found.group(1):
                        out[found.group(1)] = float(found.group(2))
            return out
    return None


def _sentiment(check: _Check, raw: Any, fitted: Mapping[str, Any], fitting: bool) -> Sentiment | None:
    if raw is None:
        return None
    raw = check.mapping(raw, "sentiment", SENTIMENT_KEYS, required=("package", "file"))
    package = check.text(raw, "package", "sentiment") or ""
    file = check.text(raw, "file", "sentiment") or ""
    check.text(raw, "licence", "sentiment", required=False)
    check.text(raw, "detect", "sentiment", required=False)
    minimum = check.number(raw.get("min_valence", 0.0), "sentiment.min_valence", minimum=0, maximum=4)
    weights = check.mapping(fitted.get("sentiment", {}), "fitted.sentiment", FITTED_SENTIMENT_KEYS)
    if not fitting:
        for side in FITTED_SENTIMENT_KEYS:
            if side not in weights:
                raise check.fail(f"fitted.sentiment.{side}", "missing; run python eval/courtesy.py --write")
    valences = read_sentiment_file(package, file)
    if valences is None:
        raise check.fail("sentiment.package", f"the file {file!r} of the package {package!r} was not found; install the package (python -m pip install {package})")
    return Sentiment(
        package=package,
        file=file,
        min_valence=minimum,
        valences={w: v for w, v in valences.items() if abs(v) >= minimum},
        positive=check.number(weights.get("positive", 0.0), "fitted.sentiment.positive", minimum=-20, maximum=20),
        negative=check.number(weights.get("negative", 0.0), "fitted.sentiment.negative", minimum=-20, maximum=20),
    )


def _lemma_exceptions(check: _Check, raw: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for word, form in check.mapping(raw if raw is not None else {}, "lemma_exceptions").items():
        key = f"lemma_exceptions.{word}"
        if not isinstance(word, str) or not WORD.match(word) or not isinstance(form, str) or not WORD.match(form):
            raise check.fail(key, f"expected a lower-case word mapped to a lower-case word, got {_show(word)}: {_show(form)}")
        out[word] = form
    return out


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
            raise check.fail(key, "expected one to three lower-case lemmas separated by single spaces")
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
        sentiment=_sentiment(check, top.get("sentiment"), fitted, fitting),
        lemma_exceptions=_lemma_exceptions(check, top.get("lemma_exceptions")),
    )


def default_path() -> Path:
    return builtin_path(FILE_NAME)


@lru_cache(maxsize=8)
def load_model(path: str | None = None) -> CourtesyModel:
    """The courtesy model from ``path`` (default: the built-in rules/courtesy-score.yaml)."""
    return load_data(path or default_path(), parse_model)
