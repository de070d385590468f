"""Score, explain and rank candidate customer-service mantras.

    text -> features (measured facts, mantra_features) -> weights and target ranges from
    rules/mantra-score.yaml -> sub-scores with the facts behind them -> suggestions

``score_mantra(text)`` scores one candidate; ``rank_mantras(texts)`` scores many in one
batch (``nlp.pipe``; the word tables, the pipeline and the overpromise rules are loaded
once per process) and returns them best first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mantracheck.nlp import built_on_pipelines
from mantracheck.scoring.mantra_features import Features, measure
from mantracheck.scoring.mantra_model import MantraModel, load_model

__all__ = ["MantraReport", "MantraScorer", "SubScore", "rank_mantras", "score_mantra", "scorer"]

FactValue = Any  # int | float | str | tuple[str, ...]
#: at most this many long or rare words get a suggestion each
MAX_WORD_SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class SubScore:
    """One sub-score (0-100) and the measured facts behind it, in a fixed order."""

    name: str
    value: int
    facts: tuple[tuple[str, FactValue], ...]

    def fact(self, name: str) -> FactValue:
        for key, value in self.facts:
            if key == name:
                return value
        raise KeyError(name)

    def facts_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.facts}


@dataclass(frozen=True, slots=True)
class MantraReport:
    """A scored candidate: overall score, the four sub-scores, and what to change.

    ``index`` is the candidate's position in the input (0-based), so a ranking can say
    where each one came from.
    """

    text: str
    score: int
    subscores: tuple[SubScore, ...]
    suggestions: tuple[str, ...]
    index: int = 0

    def subscore(self, name: str) -> SubScore:
        for sub in self.subscores:
            if sub.name == name:
                return sub
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The one machine-readable form (JSON, CSV and the API all use it)."""
        return {
            "text": self.text,
            "score": self.score,
            "subscores": {s.name: s.value for s in self.subscores},
            "facts": {s.name: s.facts_dict() for s in self.subscores},
            "suggestions": list(self.suggestions),
        }


def _clip(value: float) -> int:
    return round(min(100.0, max(0.0, value)))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _phone(symbol: str) -> str:
    return {"HH": "h", "JH": "j", "DH": "th"}.get(symbol, symbol.lower())


@dataclass(frozen=True)
class _Hit:
    rule: str
    text: str
    severity: str
    advice: str


class MantraScorer:
    """Scores mantras with one model and one pipeline; build once, score many."""

    def __init__(self, model: MantraModel | None = None, pipeline: str | None = None) -> None:
        from mantracheck.engine.loader import load_rules
        from mantracheck.nlp import language
        from mantracheck.scoring.mantra_lexicon import frequency_table

        self.model = model or load_model()
        self.pipeline = pipeline
        self.nlp = language(pipeline)
        self.freq = frequency_table(self.model.simplicity.max_rank)
        self.ruleset = load_rules()
        self.rules = self.ruleset.by_id()
        self.hedges = self.ruleset.cues.hedges

    # -- the parts -------------------------------------------------------------------------
    def features(self, text: str, doc: Any) -> Features:
        return measure(text, doc, self.model, self.freq, self.hedges)

    def overpromises(self, text: str, doc: Any) -> list[_Hit]:
        """The overpromise rules, run by the lint engine on this Doc (rules loaded once)."""
        from mantracheck.scoring.courtesy_overpromise import overpromise_hits

        focus = self.model.focus
        rules = self.rules
        hits = []
        for hit in sorted(overpromise_hits(text, doc, focus.overpromise_packs, profile=focus.overpromise_profile, pipeline=self.pipeline), key=lambda h: (h.start, h.rule)):
            rule = rules[hit.rule]
            advice = rule.suggestions[0] if rule.suggestions else rule.one_line()
            hits.append(_Hit(hit.rule, text[hit.start : hit.end], str(hit.severity), advice))
        return hits

    # -- scoring ---------------------------------------------------------------------------
    def parts(self, text: str, doc: Any) -> tuple[Features, list[_Hit]]:
        """The measured facts and the overpromise findings a report is made of."""
        return self.features(text, doc), self.overpromises(text, doc)

    def subscores(self, f: Features, hits: Sequence[_Hit]) -> tuple[SubScore, ...]:
        return (self._brevity(f), self._simplicity(f), self._memorability(f), self._focus(f, hits))

    def score_doc(self, text: str, doc: Any, index: int = 0) -> MantraReport:
        f, hits = self.parts(text, doc)
        subs = self.subscores(f, hits)
        overall = self.overall({s.name: s.value for s in subs}, [h.severity for h in hits])
        return MantraReport(text=text, score=overall, subscores=subs, suggestions=self._suggest(f, hits), index=index)

    def overall(self, values: Mapping[str, float], severities: Iterable[str] = ()) -> int:
        """The weighted mean of the sub-scores times (brevity / 100) ** brevity_gate, kept at or
        below the cap of each overpromise severity found (a mantra is the one line every
        employee repeats to customers: a promise that cannot be kept fails it)."""
        m = self.model
        value = sum(m.weights[name] * v for name, v in values.items()) * (values["brevity"] / 100.0) ** m.brevity_gate
        for severity in severities:
            value = min(value, m.overpromise_cap[severity])
        return _clip(value)

    def score(self, text: str) -> MantraReport:
        return self.score_doc(text, self.nlp(text))

    def score_many(self, texts: Sequence[str]) -> list[MantraReport]:
        docs = self.nlp.pipe(texts, batch_size=256)
        return [self.score_doc(text, doc, i) for i, (text, doc) in enumerate(zip(texts, docs))]

    def _brevity(self, f: Features) -> SubScore:
        b = self.model.brevity
        facts = {"words": f.n_words, "syllables": f.syllables, "characters": f.characters, "sentences": f.lines}
        value = sum(b.weights[k] * b.targets[k].score(v) for k, v in facts.items()) if f.n_words else 0.0
        # "sentences" scores the lines a reader sees: a run of short fragments is one line
        return SubScore("brevity", _clip(value), (*facts.items(), ("fragments", f.fragments), ("syllables_from_spelling", f.spelled_words)))

    def _simplicity(self, f: Features) -> SubScore:
        s = self.model.simplicity
        n = max(f.n_words, 1)
        measured = {
            "familiar_words": f.familiar_share,
            "reading_ease": f.reading_ease,
            "long_words": len(f.long_words) / n,
        }
        value = sum(s.weights[k] * s.targets[k].score(v) for k, v in measured.items()) - s.jargon_penalty * len(f.jargon)
        facts = (
            ("familiar_words", round(f.familiar_share, 2)),
            ("reading_ease", f.reading_ease),
            ("long_words", tuple(w for w, _ in f.long_words)),
            ("rare_words", f.rare_words),
            ("jargon", tuple(f"{w} -> {p}" if p else f"{w} -> (drop)" for w, p in f.jargon)),
            ("names", f.names),
        )
        return SubScore("simplicity", _clip(value) if f.n_words else 0, facts)

    def memorability_inputs(self, f: Features) -> dict[str, float]:
        m = self.model.memorability
        return f.inputs(m.device_words, m.device_cap)

    def memorability_logit(self, f: Features, features: Mapping[str, Any] | None = None) -> float:
        """The memorability logit: each feature's weight times its standardised value, less
        ``length_penalty`` per word beyond ``device_words`` (``features``: other weights)."""
        m = self.model.memorability
        inputs = self.memorability_inputs(f)
        fitted = features if features is not None else m.features
        return sum(fitted[k].logit(inputs[k]) for k in fitted) - m.length_penalty * max(0, f.n_words - m.device_words)

    def memorability_value(self, f: Features, features: Mapping[str, Any] | None = None) -> int:
        if not f.n_words:
            return 0
        return _clip(100.0 * _sigmoid(self.model.memorability.spread * self.memorability_logit(f, features)))

    def _memorability(self, f: Features) -> SubScore:
        end = set(f.end_rhymes)
        facts = (
            ("alliteration", tuple(f"{_phone(o)}: {', '.join(ws)}" for o, ws in f.alliteration)),
            ("end_rhyme", tuple(f"{a} / {b}" for a, b in f.end_rhymes)),
            ("internal_rhyme", tuple(f"{a} / {b}" for a, b in f.internal_rhymes if (a, b) not in end)),
            ("assonance", tuple(f"{_phone(v)}: {', '.join(ws)}" for v, ws in f.assonance)),
            ("repetition", tuple(f"{w} x{n}" for w, n in f.repeated_words)),
            ("parallel", f.parallel),
            ("stress_pattern", f.stress_pattern),
            ("rhythm", f.alternation),
            ("instruction", f.imperative),
            ("verbs", f.verbs),
            ("benefits", f.benefits),
            ("abstract_words", f.abstract),
            ("familiarity", round(f.mean_familiarity, 2)),
            ("word_logprob", round(f.content_logprob, 2)),
            ("function_words", round(f.function_share, 2)),
            ("indefinite_articles", len(f.indefinite_articles)),
            ("personal_pronouns", len(f.first_second) + len(f.third_person)),
            ("third_person_pronouns", len(f.third_person)),
            ("present_tense", len(f.present_tense)),
            ("past_tense", len(f.past_tense)),
            ("past_tense_words", f.past_tense),
        )
        return SubScore("memorability", self.memorability_value(f), facts)

    def _focus(self, f: Features, hits: Sequence[_Hit]) -> SubScore:
        c = self.model.focus
        cap = self.model.overpromise_cap
        line = min(1.0, c.line_words / max(f.n_words, 1))
        value = c.base + line * ((c.people_points if f.people else 0) + (c.action_points if f.actions else 0))
        value -= c.self_penalty * len(f.self_talk) + c.passive_penalty * len(f.passive) + c.hedge_penalty * len(f.hedges)
        value -= sum(c.overpromise_penalty[h.severity] for h in hits)
        facts = (
            ("people", f.people),
            ("actions", f.actions),
            ("about_us", f.self_talk),
            ("passive", f.passive),
            ("hedges", f.hedges),
            ("overpromises", tuple(f"{h.text} ({h.rule}, {h.severity})" for h in hits)),
            # the highest overall score these overpromises allow (overall.overpromise_cap; 100: none)
            ("score_cap", round(min([100.0, *(cap[h.severity] for h in hits)]))),
        )
        return SubScore("focus", _clip(value) if f.n_words else 0, facts)

    # -- suggestions -----------------------------------------------------------------------
    def _suggest(self, f: Features, hits: Sequence[_Hit]) -> tuple[str, ...]:
        m = self.model
        out: list[str] = []
        lo, hi = (int(x) for x in m.brevity.targets["words"].best)
        if f.n_words > hi:
            out.append(m.message("cut_words", count=_plural(f.n_words - hi, "word"), lo=lo, hi=hi))
        elif f.n_words < lo:
            out.append(m.message("add_words", count=_plural(f.n_words, "word")))
        if f.lines > m.brevity.targets["sentences"].best[1]:
            out.append(m.message("one_sentence", sentences=f.lines))
        jargon_words = set()
        for word, plain in f.jargon:
            jargon_words.update(word.split())
            jargon_words.add(word)
            out.append(m.message("jargon", word=word, plain=plain) if plain else m.message("jargon_drop", word=word))
        syllables = dict(f.long_words)
        rare = [w for w in f.rare_words if w not in jargon_words]
        for word in rare[:MAX_WORD_SUGGESTIONS]:
            if syllables.get(word, 0):
                out.append(m.message("long_word", word=word, syllables=syllables[word]))
            else:
                out.append(m.message("rare_word", word=word))
        if f.n_words and not f.people:
            out.append(m.message("people"))
        if f.n_words and not f.actions:
            out.append(m.message("action"))
        out += [m.message("self", phrase=p) for p in f.self_talk]
        out += [m.message("passive", phrase=p) for p in f.passive]
        out += [m.message("hedge", phrase=p) for p in f.hedges]
        out += [m.message("overpromise", phrase=h.text, rule=h.rule, message=h.advice) for h in hits]
        if f.n_words and not (f.alliteration or f.end_rhymes or f.internal_rhymes or f.repeated_words or f.parallel):
            out.append(m.message("sound"))
        if f.third_person:
            out.append(m.message("third_person", word=f.third_person[0]))
        if f.past_tense:
            out.append(m.message("past", word=f.past_tense[0]))
        return tuple(dict.fromkeys(out))


_scorers: dict[tuple[str | None, str | None], MantraScorer] = built_on_pipelines({})


def scorer(model_path: str | None = None, pipeline: str | None = None) -> MantraScorer:
    """The scorer for a data file and pipeline, built once per process."""
    key = (model_path, pipeline)
    found = _scorers.get(key)
    if found is None:
        found = _scorers[key] = MantraScorer(load_model(model_path), pipeline)
    return found


def score_mantra(text: str, *, model_path: str | None = None, pipeline: str | None = None) -> MantraReport:
    """Score one candidate mantra: overall 0-100, sub-scores with facts, suggestions."""
    return scorer(model_path, pipeline).score(text)


def rank_mantras(texts: Iterable[str], *, model_path: str | None = None, pipeline: str | None = None) -> tuple[MantraReport, ...]:
    """Score many candidates in one batch; best first (ties keep the input order)."""
    reports = scorer(model_path, pipeline).score_many(list(texts))
    return tuple(sorted(reports, key=lambda r: (-r.score, r.index)))

