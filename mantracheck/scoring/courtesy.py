"""Per-text courtesy (0-100) and overpromise-risk (0-100) scores, with their evidence.

The markers, weights and formulas live in rules/courtesy-score.yaml (see its header);
this module only applies them. Every marker that moves a score is listed with its
clean-text span and weight, so a value can always be traced back to the words behind it:

    courtesy = round(100 * sigmoid(intercept + sum(marker.weight)))   (50: neutral)
    overpromise_risk = round(100 * (1 - prod(1 - marker.weight)))

Use ``score_text(clean, doc)`` when the clean text and its Doc are already at hand (the
lint runner), ``score_courtesy(text)`` otherwise.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mantracheck.models import Severity
from mantracheck.nlp import built_on_pipelines
from mantracheck.scoring.courtesy_markers import Detector, Tokens
from mantracheck.scoring.courtesy_model import CourtesyModel, Expected, load_model
from mantracheck.scoring.courtesy_overpromise import OverpromiseHit, overpromise_hits

__all__ = [
    "CourtesyScore",
    "Marker",
    "Missing",
    "OverpromiseHit",
    "OverpromiseScore",
    "TextScores",
    "courtesy_score",
    "overpromise_risk",
    "score_courtesy",
    "score_text",
]


@dataclass(frozen=True, slots=True)
class Marker:
    """Evidence for a score: what was found, where in the clean text, and its weight."""

    name: str
    start: int
    end: int
    text: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "start": self.start, "end": self.end, "text": self.text, "weight": self.weight}


@dataclass(frozen=True, slots=True)
class Missing:
    """An element a courteous text usually has and this one lacks."""

    name: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "message": self.message}


@dataclass(frozen=True, slots=True)
class CourtesyScore:
    value: int
    markers: tuple[Marker, ...]
    missing: tuple[Missing, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "markers": [m.to_dict() for m in self.markers],
            "missing": [m.to_dict() for m in self.missing],
        }


@dataclass(frozen=True, slots=True)
class OverpromiseScore:
    value: int
    markers: tuple[Marker, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "markers": [m.to_dict() for m in self.markers]}


@dataclass(frozen=True, slots=True)
class TextScores:
    courtesy: CourtesyScore
    overpromise_risk: OverpromiseScore

    def to_dict(self) -> dict[str, Any]:
        """The value of ``"scores"`` in the JSON output."""
        return {"courtesy": self.courtesy.to_dict(), "overpromise_risk": self.overpromise_risk.to_dict()}


# -- courtesy ------------------------------------------------------------------------------
_detectors: dict[tuple[int, int], Detector] = built_on_pipelines({})


def detector(model: CourtesyModel, nlp: Any) -> Detector:
    """The model's strategies compiled for ``nlp`` (cached per model and pipeline)."""
    key = (id(model), id(nlp))
    found = _detectors.get(key)
    if found is None or found.model is not model:
        found = _detectors[key] = Detector(model, nlp)
    return found


def _pipeline_nlp(pipeline: str | None) -> Any:
    from mantracheck.nlp import language

    return language(pipeline)


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def courtesy_score(clean: str, doc: Any, *, model: CourtesyModel | None = None, pipeline: str | None = None) -> CourtesyScore:
    """The courtesy score of one clean text and its Doc (from the pipeline named ``pipeline``)."""
    model = model or load_model()
    det = detector(model, _pipeline_nlp(pipeline))
    tokens = det.tokens(doc)
    weights = {s.name: s.weight for s in model.strategies}
    found = det.strategies_in(clean, doc, tokens)
    # (start, end, marker name, what counts once per text, weight)
    items: list[tuple[int, int, str, str, float]] = [(f.start, f.end, f.name, f.name, weights[f.name]) for f in found]
    items += [(s, e, "lexicon", w, model.lexicon[w]) for w, s, e in det.lexicon_in(tokens)]
    if model.sentiment is not None:
        for word, valence, s, e in det.sentiment_in(tokens, found):
            name = "positive_word" if valence > 0 else "negative_word"
            items.append((s, e, name, word, model.sentiment.weight(valence)))
    items.sort()
    counted: set[tuple[str, str]] = set()
    markers = []
    for start, end, name, entry, weight in items:
        if (name, entry) in counted:
            weight = 0.0  # each strategy, lexicon entry and sentiment word counts once per text
        counted.add((name, entry))
        markers.append(Marker(name, start, end, clean[start:end], weight))
    logit = model.intercept + sum(m.weight for m in markers)
    missing = tuple(Missing(e.name, e.message) for e in model.expected if _is_missing(e, clean, tokens, markers))
    return CourtesyScore(round(100 * sigmoid(logit)), tuple(markers), missing)


@functools.lru_cache(maxsize=256)
def _phrases(phrases: tuple[str, ...], anchored: bool) -> re.Pattern[str]:
    alts = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
    lead = r"^[^\w]*" if anchored else r"(?<![\w'])"
    return re.compile(lead + "(?:" + alts + r")(?![\w'])", re.I | re.M)


def _is_missing(expected: Expected, clean: str, tokens: Tokens, markers: Sequence[Marker]) -> bool:
    if tokens.n_words < expected.min_words:
        return False
    text = clean.replace("\u2019", "'")
    if expected.when and not _phrases(tuple(expected.when), anchored=False).search(text):
        return False
    sentences = tokens.sentences
    if not sentences:
        return False
    if expected.region == "opening":
        region = [(0, sentences[min(expected.sentences, len(sentences)) - 1][1])]
    elif expected.region == "closing":
        region = sentences[-expected.sentences :]
    else:
        region = [(0, len(clean))]
    if expected.strategy is not None:
        return not any(m.name == expected.strategy and any(s <= m.start < e for s, e in region) for m in markers)
    # Phrases (a sign-off) must open a sentence or a line of the region.
    regex = _phrases(tuple(expected.words), anchored=True)
    for start, end in region:
        pieces = [text[start:end], *text[start:end].splitlines()]
        if any(regex.search(piece) for piece in pieces):
            return False
    return True


# -- overpromise risk ----------------------------------------------------------------------
def overpromise_risk(
    clean: str,
    doc: Any,
    *,
    profile: str | None = None,
    hits: Sequence[OverpromiseHit] | None = None,
    model: CourtesyModel | None = None,
    pipeline: str | None = None,
) -> OverpromiseScore:
    """The overpromise risk: ``hits`` from the lint run, or the overpromise rules run here."""
    model = model or load_model()
    if hits is None:
        hits = overpromise_hits(clean, doc, model.overpromise_packs, profile=profile, pipeline=pipeline)
    markers = []
    keep = 1.0
    for hit in sorted(hits, key=lambda h: (h.start, h.end, h.rule)):
        p = model.severity_weights[str(Severity(hit.severity))]
        keep *= 1.0 - p
        markers.append(Marker(hit.rule, hit.start, hit.end, clean[hit.start : hit.end], p))
    return OverpromiseScore(round(100 * (1.0 - keep)), tuple(markers))


# -- both ----------------------------------------------------------------------------------
def score_text(
    clean: str,
    doc: Any,
    *,
    profile: str | None = None,
    overpromise: Sequence[OverpromiseHit] | None = None,
    model: CourtesyModel | None = None,
    pipeline: str | None = None,
) -> TextScores:
    """Both scores for one clean text and its spaCy Doc.

    ``doc`` must come from the pipeline named ``pipeline`` (None: the built-in blank one).
    ``overpromise``: the overpromise hits the lint run already found (clean-text spans);
    when None, the overpromise rules of ``profile`` are run here on ``doc``.
    """
    model = model or load_model()
    return TextScores(
        courtesy=courtesy_score(clean, doc, model=model, pipeline=pipeline),
        overpromise_risk=overpromise_risk(clean, doc, profile=profile, hits=overpromise, model=model, pipeline=pipeline),
    )


def score_courtesy(text: str, *, profile: str | None = None, pipeline: str | None = None, model: CourtesyModel | None = None) -> TextScores:
    """Both scores for a plain text: builds the Doc with the pipeline, then ``score_text``."""
    doc = _pipeline_nlp(pipeline)(text)
    return score_text(text, doc, profile=profile, model=model, pipeline=pipeline)
