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
DEVICES = ("alliteration", "end_rhyme", "internal_rhyme", "assonance", "repetition", "parallel", "rhythm")
FITTED_FEATURES = (
    "content_logprob", "function_share", "word_length", "indefinite_rate",
    "third_person_rate", "first_second_rate", "past_rate", "present_rate",
)
WORD_LISTS = ("indefinite_articles", "third_person_pronouns", "first_second_pronouns", "present_tense", "past_tense", "function_words")
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
class Device:
    weight: float
    cap: float


@dataclass(frozen=True, slots=True)
class Fitted:
    center: float
    scale: float
    weight: float
    #: standardised values are kept within +-clip (the fit saw movie lines, not paragraphs)
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
    devices: Mapping[str, Device]
    device_words: int
    length_penalty: float
    spread: float
    alliteration_window: int
    assonance_min: int
    words: Mapping[str, frozenset[str]]
    past_suffix: str
    fitted: Mapping[str, Fitted]


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


def _memorability(c: _Check, raw: Any) -> Memorability:
    keys = ("rationale", "devices", "device_words", "length_penalty", "spread", "alliteration_window", "assonance_min", "words", "fitted")
    raw = c.mapping(raw, "memorability", keys, keys)
    c.text(raw["rationale"], "memorability.rationale")
    devices_raw = c.mapping(raw["devices"], "memorability.devices", DEVICES, DEVICES)
    devices = {}
    for name in DEVICES:
        key = f"memorability.devices.{name}"
        d = c.mapping(devices_raw[name], key, ("weight", "cap"), ("weight", "cap"))
        devices[name] = Device(c.number(d["weight"], f"{key}.weight", -10, 10), c.number(d["cap"], f"{key}.cap", 0, 100))
    words_raw = c.mapping(raw["words"], "memorability.words", (*WORD_LISTS, "past_suffix"), (*WORD_LISTS, "past_suffix"))
    words = {n: frozenset(c.words(words_raw[n], f"memorability.words.{n}")) for n in WORD_LISTS}
    fitted_raw = c.mapping(raw["fitted"], "memorability.fitted", ("clip", "features"), ("clip", "features"))
    clip = c.number(fitted_raw["clip"], "memorability.fitted.clip", 0.1, 100)
    feats = c.mapping(fitted_raw["features"], "memorability.fitted.features", FITTED_FEATURES, FITTED_FEATURES)
    fitted = {}
    for name in FITTED_FEATURES:
        key = f"memorability.fitted.features.{name}"
        f = c.mapping(feats[name], key, ("center", "scale", "weight"), ("center", "scale", "weight"))
        scale = c.number(f["scale"], f"{key}.scale")
        if scale <= 0:
            raise c.fail(f"{key}.scale", f"expected a positive number, got {scale:g}")
        fitted[name] = Fitted(c.number(f["center"], f"{key}.center"), scale, c.number(f["weight"], f"{key}.weight", -10, 10), clip)
    return Memorability(
        devices=devices,
        device_words=c.integer(raw["device_words"], "memorability.device_words", 1),
        length_penalty=c.number(raw["length_penalty"], "memorability.length_penalty", 0, 10),
        spread=c.number(raw["spread"], "memorability.spread", 0.01, 100),
        alliteration_window=c.integer(raw["alliteration_window"], "memorability.alliteration_window", 1),
        assonance_min=c.integer(raw["assonance_min"], "memorability.assonance_min", 2),
        words=words,
        past_suffix=c.text(words_raw["past_suffix"], "memorability.words.past_suffix").lower(),
        fitted=fitted,
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
    if top["version"] != 1:
        raise c.fail("version", f"expected 1, got {_show(top['version'])}")
    overall = c.mapping(top["overall"], "overall", ("rationale", "weights", "brevity_gate"), ("rationale", "weights", "brevity_gate"))
    c.text(overall["rationale"], "overall.rationale")
    return MantraModel(
        path=path,
        weights=c.weights(overall["weights"], "overall.weights", SUBSCORES),
        brevity_gate=c.number(overall["brevity_gate"], "overall.brevity_gate", 0, 5),
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
