"""The mantra-score data file (rules/mantra-score.yaml): loaded and validated once.

Every problem is a ``RuleError`` naming the file, the key and what was expected, so the
command line reports it on one line and exits 2.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mantracheck.scoring.datafile import Check, builtin_path, load_data
from mantracheck.scoring.datafile import show as _show

FILE_NAME = "mantra-score.yaml"
SUBSCORES = ("brevity", "simplicity", "memorability", "focus")
BREVITY_FACTS = ("words", "syllables", "characters", "sentences")
SIMPLICITY_FACTS = ("familiar_words", "reading_ease", "long_words")
#: The memorability model's features, in the data file's order (mantra_features.Features.inputs)
MEMORABILITY_FEATURES = (
    "words_log", "familiarity", "content_logprob", "syllables_per_word", "function_share",
    "indefinite_rate", "third_person_rate", "first_second_rate", "past_rate", "present_rate",
    "sound", "structure", "rhythm", "imperative", "verb", "benefit", "abstract_rate",
)
WORD_LISTS = ("indefinite_articles", "third_person_pronouns", "first_second_pronouns", "present_tense", "function_words", "benefit_words", "verb_leads")
SEVERITIES = ("error", "warning", "info")
#: suggestion name -> the fields its message may use
SUGGESTIONS: dict[str, frozenset[str]] = {
    "cut_words": frozenset({"count", "lo", "hi"}),
    "add_words": frozenset({"count"}),
    "one_sentence": frozenset({"sentences"}),
    "jargon": frozenset({"word", "plain"}),
    "jargon_drop": frozenset({"word"}),
    "long_word": frozenset({"word", "syllables"}),
    "rare_word": frozenset({"word"}),
    "people": frozenset(),
    "action": frozenset(),
    "self": frozenset({"phrase"}),
    "passive": frozenset({"phrase"}),
    "hedge": frozenset({"phrase"}),
    "overpromise": frozenset({"phrase", "rule", "message"}),
    "sound": frozenset(),
    "third_person": frozenset({"word"}),
    "past": frozenset({"word"}),
}


@dataclass(frozen=True, slots=True)
class Target:
    """Scores 100 inside ``best``, falling linearly to 0 at the ``zero`` bounds."""

    best: tuple[float, float]
    zero: tuple[float, float]

    def score(self, value: float) -> float:
        lo, hi = self.best
        zlo, zhi = self.zero
        if lo <= value <= hi:
            return 100.0
        if value < lo:
            return 0.0 if value <= zlo else 100.0 * (value - zlo) / (lo - zlo)
        return 0.0 if value >= zhi else 100.0 * (zhi - value) / (zhi - hi)


@dataclass(frozen=True, slots=True)
class Fitted:
    """One memorability feature: standardised (x - center) / scale, kept within +-clip, times
    weight; ``prior`` is the weight the fit starts from and is pulled towards (see the data
    file's memorability.fit)."""

    center: float
    scale: float
    weight: float
    prior: float = 0.0
    #: standardised values are kept within +-clip (a paragraph is far outside the fit's data)
    clip: float = 2.0

    def logit(self, value: float) -> float:
        z = (value - self.center) / self.scale
        return self.weight * max(-self.clip, min(self.clip, z))


@dataclass(frozen=True, slots=True)
class Brevity:
    weights: Mapping[str, float]
    targets: Mapping[str, Target]


@dataclass(frozen=True, slots=True)
class Simplicity:
    weights: Mapping[str, float]
    targets: Mapping[str, Target]
    familiar_logprob: float
    max_rank: int
    long_word_syllables: int
    jargon_penalty: float
    jargon: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Memorability:
    features: Mapping[str, Fitted]
    #: how the weights were fitted (read by eval/mantra.py; the scorer does not use them)
    fit: Mapping[str, float]
    device_words: int
    device_cap: int
    length_penalty: float
    spread: float
    alliteration_window: int
    assonance_min: int
    fragment_words: int
    words: Mapping[str, frozenset[str]]
    abstract_suffixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Focus:
    base: float
    people_points: float
    action_points: float
    self_penalty: float
    passive_penalty: float
    hedge_penalty: float
    line_words: int
    overpromise_penalty: Mapping[str, float]
    overpromise_packs: tuple[str, ...]
    overpromise_profile: str | None
    people: frozenset[str]
    actions: frozenset[str]
    not_actions: frozenset[str]
    self_words: tuple[str, ...]
    passive_be: frozenset[str]
    passive_participles: frozenset[str]
    not_participles: frozenset[str]


@dataclass(frozen=True, slots=True)
class MantraModel:
    path: str
    weights: Mapping[str, float]
    brevity_gate: float
    #: the highest overall score a mantra with an overpromise of each severity can get
    overpromise_cap: Mapping[str, float]
    brevity: Brevity
    simplicity: Simplicity
    memorability: Memorability
    focus: Focus
    messages: Mapping[str, str]

    def message(self, name: str, **fields: Any) -> str:
        return self.messages[name].format(**fields)


class _Check(Check):
    """The mantra data's own field readers."""

    def integer(self, value: Any, key: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(key, f"expected a whole number >= {minimum}, got {_show(value)}")
        return value

    def words(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, f"expected a non-empty list of words or phrases, got {_show(value)}")
        return tuple(" ".join(v.lower().replace("\u2019", "'").split()) for v in value)

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected a non-empty string, got {_show(value)}")
        return value

    def weights(self, value: Any, key: str, names: tuple[str, ...]) -> dict[str, float]:
        raw = self.mapping(value, key, names, names)
        out = {n: self.number(raw[n], f"{key}.{n}", 0, 1) for n in names}
        if not math.isclose(sum(out.values()), 1.0, abs_tol=1e-6):
            raise self.fail(key, f"the weights must add up to 1, got {sum(out.values()):g}")
        return out

    def target(self, value: Any, key: str) -> Target:
        raw = self.mapping(value, key, ("best", "zero"), ("best", "zero"))
        pairs = []
        for part in ("best", "zero"):
            pair = raw[part]
            if not isinstance(pair, list) or len(pair) != 2:
                raise self.fail(f"{key}.{part}", f"expected [low, high], got {_show(pair)}")
            pairs.append((self.number(pair[0], f"{key}.{part}"), self.number(pair[1], f"{key}.{part}")))
        (lo, hi), (zlo, zhi) = pairs
        if not (zlo <= lo <= hi <= zhi):
            raise self.fail(key, f"expected zero[0] <= best[0] <= best[1] <= zero[1], got best {[lo, hi]} zero {[zlo, zhi]}")
        return Target((lo, hi), (zlo, zhi))

    def targets(self, value: Any, key: str, names: tuple[str, ...]) -> dict[str, Target]:
        raw = self.mapping(value, key, names, names)
        return {n: self.target(raw[n], f"{key}.{n}") for n in names}


def _brevity(c: _Check, raw: Any) -> Brevity:
    raw = c.mapping(raw, "brevity", ("rationale", "weights", "targets"), ("rationale", "weights", "targets"))
    c.text(raw["rationale"], "brevity.rationale")
    return Brevity(c.weights(raw["weights"], "brevity.weights", BREVITY_FACTS), c.targets(raw["targets"], "brevity.targets", BREVITY_FACTS))


def _simplicity(c: _Check, raw: Any) -> Simplicity:
    keys = ("rationale", "familiar_logprob", "max_rank", "long_word_syllables", "weights", "targets", "jargon_penalty", "jargon")
    raw = c.mapping(raw, "simplicity", keys, keys)
    c.text(raw["rationale"], "simplicity.rationale")
    jargon_raw = c.mapping(raw["jargon"], "simplicity.jargon")
    jargon = {}
    for word, plain in jargon_raw.items():
        if not isinstance(word, str) or not word.strip() or word != word.lower():
            raise c.fail(f"simplicity.jargon.{word}", "expected a lower-case word or phrase as the key")
        if not isinstance(plain, str):
            raise c.fail(f"simplicity.jargon.{word}", f"expected the plainer word as a string ('' to drop it), got {_show(plain)}")
        jargon[" ".join(word.split())] = plain
    return Simplicity(
        weights=c.weights(raw["weights"], "simplicity.weights", SIMPLICITY_FACTS),
        targets=c.targets(raw["targets"], "simplicity.targets", SIMPLICITY_FACTS),
        familiar_logprob=c.number(raw["familiar_logprob"], "simplicity.familiar_logprob", -30, 0),
        max_rank=c.integer(raw["max_rank"], "simplicity.max_rank", 1000),
        long_word_syllables=c.integer(raw["long_word_syllables"], "simplicity.long_word_syllables", 2),
        jargon_penalty=c.number(raw["jargon_penalty"], "simplicity.jargon_penalty", 0, 100),
        jargon=jargon,
    )


FIT_KEYS = ("folds", "clip", "prior_strength", "slogan_weight")


def _memorability(c: _Check, raw: Any) -> Memorability:
    keys = (
        "rationale", "fit", "features", "device_words", "device_cap", "length_penalty", "spread",
        "alliteration_window", "assonance_min", "fragment_words", "words", "abstract_suffixes",
    )
    raw = c.mapping(raw, "memorability", keys, keys)
    c.text(raw["rationale"], "memorability.rationale")
    fit_raw = c.mapping(raw["fit"], "memorability.fit", FIT_KEYS, FIT_KEYS)
    fit = {k: c.number(fit_raw[k], f"memorability.fit.{k}", 0, 1000) for k in FIT_KEYS}
    clip = fit["clip"]
    if clip <= 0:
        raise c.fail("memorability.fit.clip", f"expected a positive number, got {clip:g}")
    words_raw = c.mapping(raw["words"], "memorability.words", WORD_LISTS, WORD_LISTS)
    words = {n: frozenset(c.words(words_raw[n], f"memorability.words.{n}")) for n in WORD_LISTS}
    feats = c.mapping(raw["features"], "memorability.features", MEMORABILITY_FEATURES, MEMORABILITY_FEATURES)
    fitted = {}
    for name in MEMORABILITY_FEATURES:
        key = f"memorability.features.{name}"
        f = c.mapping(feats[name], key, ("center", "scale", "weight", "prior"), ("center", "scale", "weight", "prior"))
        scale = c.number(f["scale"], f"{key}.scale")
        if scale <= 0:
            raise c.fail(f"{key}.scale", f"expected a positive number, got {scale:g}")
        fitted[name] = Fitted(c.number(f["center"], f"{key}.center"), scale, c.number(f["weight"], f"{key}.weight", -10, 10), c.number(f["prior"], f"{key}.prior", -10, 10), clip)
    return Memorability(
        features=fitted,
        fit=fit,
        device_words=c.integer(raw["device_words"], "memorability.device_words", 1),
        device_cap=c.integer(raw["device_cap"], "memorability.device_cap", 1),
        length_penalty=c.number(raw["length_penalty"], "memorability.length_penalty", 0, 10),
        spread=c.number(raw["spread"], "memorability.spread", 0.01, 100),
        alliteration_window=c.integer(raw["alliteration_window"], "memorability.alliteration_window", 1),
        assonance_min=c.integer(raw["assonance_min"], "memorability.assonance_min", 2),
        fragment_words=c.integer(raw["fragment_words"], "memorability.fragment_words", 1),
        words=words,
        abstract_suffixes=c.words(raw["abstract_suffixes"], "memorability.abstract_suffixes"),
    )


def _focus(c: _Check, raw: Any) -> Focus:
    numbers = ("base", "people_points", "action_points", "self_penalty", "passive_penalty", "hedge_penalty")
    lists = ("people", "actions", "not_actions", "self_words", "passive_be", "passive_participles", "not_participles")
    keys = ("rationale", *numbers, "line_words", "overpromise_penalty", "overpromise_packs", "overpromise_profile", *lists)
    raw = c.mapping(raw, "focus", keys, tuple(k for k in keys if k != "overpromise_profile"))
    c.text(raw["rationale"], "focus.rationale")
    nums = {n: c.number(raw[n], f"focus.{n}", 0, 100) for n in numbers}
    pen = c.mapping(raw["overpromise_penalty"], "focus.overpromise_penalty", SEVERITIES, SEVERITIES)
    profile = raw.get("overpromise_profile")
    if profile is not None and not isinstance(profile, str):
        raise c.fail("focus.overpromise_profile", f"expected a profile name, got {_show(profile)}")
    w = {n: c.words(raw[n], f"focus.{n}") for n in lists}
    return Focus(
        **nums,
        line_words=c.integer(raw["line_words"], "focus.line_words", 1),
        overpromise_penalty={s: c.number(pen[s], f"focus.overpromise_penalty.{s}", 0, 100) for s in SEVERITIES},
        overpromise_packs=c.words(raw["overpromise_packs"], "focus.overpromise_packs"),
        overpromise_profile=profile,
        people=frozenset(w["people"]),
        actions=frozenset(w["actions"]),
        not_actions=frozenset(w["not_actions"]),
        self_words=w["self_words"],
        passive_be=frozenset(w["passive_be"]),
        passive_participles=frozenset(w["passive_participles"]),
        not_participles=frozenset(w["not_participles"]),
    )


def _messages(c: _Check, raw: Any) -> dict[str, str]:
    raw = c.mapping(raw, "suggestions", ("rationale", "messages"), ("rationale", "messages"))
    c.text(raw["rationale"], "suggestions.rationale")
    names = tuple(SUGGESTIONS)
    messages = c.mapping(raw["messages"], "suggestions.messages", names, names)
    out = {}
    for name in names:
        key = f"suggestions.messages.{name}"
        text = c.text(messages[name], key)
        try:
            used = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        except ValueError as exc:
            raise c.fail(key, f"invalid message template: {exc}") from None
        unknown = sorted(used - SUGGESTIONS[name])
        if unknown:
            allowed = ", ".join(sorted(SUGGESTIONS[name])) or "none"
            raise c.fail(key, f"unknown field {{{unknown[0]}}}; this message may use: {allowed}")
        out[name] = text
    return out


def parse_model(raw: Any, path: str) -> MantraModel:
    """Validate the data file's contents."""
    c = _Check(path)
    top = c.mapping(raw, None, ("version", "overall", *SUBSCORES, "suggestions"), ("version", "overall", *SUBSCORES, "suggestions"))
    if top["version"] == 1:  # before issue 21: hand-set devices, memorability.fitted
        raise c.fail("version", "expected 2, got 1 (the layout before the memorability model of memorability.features; start again from a copy of the built-in rules/mantra-score.yaml)")
    if top["version"] != 2:
        raise c.fail("version", f"expected 2, got {_show(top['version'])}")
    overall_keys = ("rationale", "weights", "brevity_gate", "overpromise_cap")
    overall = c.mapping(top["overall"], "overall", overall_keys, overall_keys)
    c.text(overall["rationale"], "overall.rationale")
    cap = c.mapping(overall["overpromise_cap"], "overall.overpromise_cap", SEVERITIES, SEVERITIES)
    return MantraModel(
        path=path,
        weights=c.weights(overall["weights"], "overall.weights", SUBSCORES),
        brevity_gate=c.number(overall["brevity_gate"], "overall.brevity_gate", 0, 5),
        overpromise_cap={s: c.number(cap[s], f"overall.overpromise_cap.{s}", 0, 100) for s in SEVERITIES},
        brevity=_brevity(c, top["brevity"]),
        simplicity=_simplicity(c, top["simplicity"]),
        memorability=_memorability(c, top["memorability"]),
        focus=_focus(c, top["focus"]),
        messages=_messages(c, top["suggestions"]),
    )


def default_path() -> Path:
    return builtin_path(FILE_NAME)


@lru_cache(maxsize=8)
def load_model(path: str | None = None) -> MantraModel:
    """The mantra model from ``path`` (default: the built-in rules/mantra-score.yaml)."""
    return load_data(path or default_path(), parse_model)
