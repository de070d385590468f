"""Find the courtesy markers of rules/courtesy-score.yaml in one text (clean text + spaCy Doc).

Works on the blank pipeline: tokens, lookup lemmas and sentence boundaries only. Sentence
position is counted in word tokens (punctuation and white space skipped) from the start of
each sentence the sentencizer (and a blank line) gives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from mantracheck.errors import RuleError
from mantracheck.scoring.courtesy_model import CourtesyModel, Strategy


@dataclass(frozen=True, slots=True)
class Found:
    """A strategy match: clean-text span ``[start, end)``."""

    name: str
    start: int
    end: int


def fold(word: str) -> str:
    return word.lower().replace("\u2019", "'").replace("\u2018", "'")


def word_positions(doc: Any) -> list[int]:
    """Per token: its index among the word tokens of its sentence (-1 for punctuation/space)."""
    positions = [-1] * len(doc)
    for sent in doc.sents:
        n = 0
        for token in sent:
            if token.is_space or token.is_punct:
                continue
            positions[token.i] = n
            n += 1
    return positions


def _allowed(strategy: Strategy, position: int) -> bool:
    if position < 0:
        return False
    if strategy.position == "sentence_start":
        return position == 0
    if strategy.position == "not_sentence_start":
        return position > 0
    if strategy.position == "sentence_opening":
        return position < strategy.opening_words
    return True


class Detector:
    """The strategies of one model compiled against one spaCy pipeline."""

    def __init__(self, model: CourtesyModel, nlp: Any) -> None:
        from spacy.matcher import Matcher

        self.model = model
        self.strategies = {s.name: s for s in model.strategies}
        # first token -> [(token tuple, strategy)] for words (on LOWER) and lemmas (on LEMMA)
        self._words: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self._lemmas: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self._matcher = Matcher(nlp.vocab, validate=True)
        self._strings = nlp.vocab.strings
        for s in model.strategies:
            for phrase in s.words:
                toks = tuple(fold(t.text) for t in nlp.tokenizer(phrase) if not t.is_space)
                self._words[toks[0]].append((toks, s.name))
            for phrase in s.lemmas:
                toks = tuple(fold(t.lemma_ or t.text) for t in nlp(phrase) if not t.is_space)
                self._lemmas[toks[0]].append((toks, s.name))
            for i, pattern in enumerate(s.tokens):
                try:
                    self._matcher.add(s.name, [[dict(spec) for spec in pattern]])
                except Exception as exc:  # spaCy raises ValueError / MatchPatternError
                    detail = " ".join(str(exc).split())[:300]
                    raise RuleError(model.path, f"strategies.{s.name}.tokens[{i}]", f"invalid spaCy token pattern: {detail}") from None
        self._taken = model.strategy_words()

    def strategies_in(self, clean: str, doc: Any) -> list[Found]:
        """Every strategy match allowed at its sentence position, sorted by span."""
        positions = word_positions(doc)
        lowers = [fold(t.text) for t in doc]
        lemmas = [fold(t.lemma_ or t.text) for t in doc]
        found: set[Found] = set()

        def add(name: str, first: int, last: int) -> None:
            if _allowed(self.strategies[name], positions[first]):
                found.add(Found(name, doc[first].idx, doc[last].idx + len(doc[last].text)))

        for seq, index in ((lowers, self._words), (lemmas, self._lemmas)):
            for i, key in enumerate(seq):
                for toks, name in index.get(key, ()):
                    if tuple(seq[i : i + len(toks)]) == toks:
                        add(name, i, i + len(toks) - 1)
        for match_id, start, end in self._matcher(doc):
            add(self._strings[match_id], start, end - 1)
        starts = [t.idx for t in doc]
        for s in self.model.strategies:
            for regex in s.regex:
                for m in regex.finditer(clean):
                    if m.end() <= m.start():
                        continue
                    first = _token_at(doc, starts, m.start())
                    position = positions[first] if first is not None else -1
                    if s.position == "anywhere" or _allowed(s, position):
                        found.add(Found(s.name, m.start(), m.end()))
        return sorted(found, key=lambda f: (f.start, f.end, f.name))

    def words_in(self, doc: Any) -> Iterator[tuple[str, int, int]]:
        """Candidate lexicon entries with their spans: every lower-cased token (punctuation
        included) that belongs to no strategy, and every pair of adjacent tokens ("thanks
        in", "? i"), white space skipped. The lexicon learned from the ratings is drawn from
        these, and the scorer looks its entries up here, so both see the same features."""
        tokens = [(fold(t.text), t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]
        for word, start, end in tokens:
            if word not in self._taken:
                yield word, start, end
        for (a, start, _), (b, _, end) in zip(tokens, tokens[1:]):
            yield f"{a} {b}", start, end


def _token_at(doc: Any, starts: Sequence[int], offset: int) -> int | None:
    import bisect

    i = bisect.bisect_right(starts, offset) - 1
    return i if 0 <= i < len(doc) else None
