"""Find the courtesy markers of rules/courtesy-score.yaml in one text (clean text + spaCy Doc).

Works on the blank pipeline: tokens, lookup lemmas and sentence boundaries only. Sentence
position is counted in word tokens (punctuation and white space skipped) from the start of
each sentence the sentencizer (and a blank line) gives.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from mantracheck.engine.token_matcher import TokenMatcher, supported
from mantracheck.errors import RuleError
from mantracheck.scoring.courtesy_model import CourtesyModel, Strategy


class Found(NamedTuple):
    """A strategy match: clean-text span ``[start, end)`` (a tuple: about a hundred are made
    for each email)."""

    name: str
    start: int
    end: int


def fold(word: str) -> str:
    return word.lower().replace("\u2019", "'").replace("\u2018", "'")


class Tokens:
    """What the scorer reads of a Doc's tokens, read once: texts, folded texts and lemmas,
    start offsets, word positions in sentences, word counts and sentence spans. Built from
    ``Doc.to_array`` and ``Doc.sents`` (a few spans), not from a Token object per token per use."""

    __slots__ = ("lemmas", "lowers", "n_words", "positions", "sentences", "spaces", "starts", "texts")

    def __init__(self, doc: Any, folds: dict[int, tuple[str, str]] | None = None) -> None:
        # folds: string hash -> (text, fold(text)), shared across Docs of one vocab
        from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, LEMMA, LIKE_NUM, ORTH

        bounds = [(s.start, s.end) for s in doc.sents]  # raises as doc.sents does when unset
        folds = {} if folds is None else folds
        strings = doc.vocab.strings
        rows = doc.to_array([ORTH, LEMMA, IDX, IS_SPACE, IS_PUNCT, IS_ALPHA, LIKE_NUM]).tolist() if len(doc) else []
        texts, lowers, lemmas, starts, spaces, words = [], [], [], [], [], []
        n_words = 0
        for orth, lemma, idx, space, punct, alpha, num in rows:
            text, low = folds.get(orth) or _fold_into(folds, strings, orth)
            texts.append(text)
            lowers.append(low)
            # Token.lemma_ or Token.text, folded
            lemmas.append(low if lemma == 0 or lemma == orth else (folds.get(lemma) or _fold_into(folds, strings, lemma))[1])
            starts.append(idx)
            spaces.append(space)
            words.append(not (space or punct))
            n_words += alpha or num
        positions = [-1] * len(rows)
        sentences = []
        for start, end in bounds:
            n = 0
            first = None
            for i in range(start, end):
                if words[i]:
                    positions[i] = n
                    # the @handles a social reply starts with address it: "@sam Hi" opens with "Hi"
                    if not (n == 0 and len(texts[i]) > 1 and texts[i][0] == "@"):
                        n += 1
                    if first is None:
                        first = i
            if first is not None:  # a sentence's span: its first word token to the end of its last token
                sentences.append((starts[first], starts[end - 1] + len(texts[end - 1])))
        self.texts: list[str] = texts
        self.lowers: list[str] = lowers
        self.lemmas: list[str] = lemmas
        self.starts: list[int] = starts
        self.spaces: list[int] = spaces
        self.positions: list[int] = positions
        self.n_words: int = n_words
        self.sentences: list[tuple[int, int]] = sentences

    def end(self, i: int) -> int:
        return self.starts[i] + len(self.texts[i])


def _fold_into(folds: dict[int, tuple[str, str]], strings: Any, key: int) -> tuple[str, str]:
    text = strings[key]
    entry = folds[key] = (text, fold(text))
    return entry


def word_positions(doc: Any) -> list[int]:
    """Per token: its index among the word tokens of its sentence (-1 for punctuation/space)."""
    return Tokens(doc).positions


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
        self._has_patterns = any(s.tokens for s in model.strategies)
        # The patterns run on the engine's array matcher when it can express them all (the
        # same spans as spaCy's Matcher, which stays for validation and for the rest).
        self._fast: TokenMatcher | None = None
        patterns = [(s.name, p) for s in model.strategies for p in s.tokens]
        if patterns and all(supported([dict(spec) for spec in p]) for _, p in patterns):
            self._fast = TokenMatcher(nlp.vocab.strings)
            for name, pattern in patterns:
                self._fast.add(name, [dict(spec) for spec in pattern])
        self._regex_strategies = [s for s in model.strategies if s.regex]
        #: the longest lexicon entry, in lemmas (the scorer builds no longer runs)
        self._longest = max((entry.count(" ") + 1 for entry in model.lexicon), default=1)
        self._folds: dict[int, tuple[str, str]] = {}  # string hash (ORTH, LEMMA) -> (text, folded text)
        #: every run of lemmas some lexicon entry starts with ("thank", "thank you")
        self._heads = {entry[:i] for entry in model.lexicon for i, c in enumerate(entry) if c == " "}

    def tokens(self, doc: Any) -> Tokens:
        """The Doc's tokens as the scorer reads them (folded texts cached per word)."""
        return Tokens(doc, self._folds)

    def strategies_in(self, clean: str, doc: Any, tokens: Tokens | None = None) -> list[Found]:
        """Every strategy match allowed at its sentence position, sorted by span."""
        view = tokens if tokens is not None else self.tokens(doc)
        positions = view.positions
        found: set[Found] = set()

        def add(name: str, first: int, last: int) -> None:
            if _allowed(self.strategies[name], positions[first]):
                found.add(Found(name, view.starts[first], view.end(last)))

        for seq, index in ((view.lowers, self._words), (view.lemmas, self._lemmas)):
            for i in [i for i, key in enumerate(seq) if key in index]:
                for toks, name in index[seq[i]]:
                    if len(toks) == 1 or tuple(seq[i : i + len(toks)]) == toks:  # (the first is the key)
                        add(name, i, i + len(toks) - 1)
        if self._fast is not None:
            for name, start, end in self._fast(doc):
                add(name, start, end - 1)
        elif self._has_patterns:
            for match_id, start, end in self._matcher(doc):
                add(self._strings[match_id], start, end - 1)
        for s in self._regex_strategies:
            for regex in s.regex:
                for m in regex.finditer(clean):
                    if m.end() <= m.start():
                        continue
                    first = _token_at(view.starts, m.start())
                    position = positions[first] if first is not None else -1
                    if s.position == "anywhere" or _allowed(s, position):
                        found.add(Found(s.name, m.start(), m.end()))
        return sorted(found, key=lambda f: (f.start, f.end, f.name))

    def words_in(self, doc: Any, tokens: Tokens | None = None, longest: int | None = None) -> Iterator[tuple[str, int, int]]:
        """Candidate lexicon entries with their spans: runs of one to ``longest`` (default: the
        longest entry of the model's lexicon) adjacent lemmas, lower-cased, white space skipped
        and punctuation kept ("thank for", "what do you", "? i"), a word of the model's
        ``lemma_exceptions`` as given there ("could", not the lookup's "can"); a single lemma that belongs to a
        strategy is not a candidate (the strategy already counts it). The lexicon learned from
        the ratings is drawn from these, and the scorer looks its entries up here, so both see
        the same features."""
        view = tokens if tokens is not None else self.tokens(doc)
        most = self._longest if longest is None else longest
        words = self._word_tokens(view)
        for k, (lemma, lower, start, end) in enumerate(words):
            if lemma not in self._taken and lower not in self._taken:
                yield lemma, start, end
            entry = lemma
            for n in range(2, most + 1):
                if k + n > len(words):
                    break
                entry += " " + words[k + n - 1][0]
                yield entry, start, words[k + n - 1][3]

    def _word_tokens(self, view: Tokens) -> list[tuple[str, str, int, int]]:
        """(lemma, lower-cased text, start, end) of each token but white space; the lemma of a
        word in the model's ``lemma_exceptions`` as given there."""
        fix = self.model.lemma_exceptions
        return [(fix.get(view.lowers[i], view.lemmas[i]), view.lowers[i], view.starts[i], view.end(i)) for i, space in enumerate(view.spaces) if not space]

    def lexicon_in(self, tokens: Tokens) -> Iterator[tuple[str, int, int]]:
        """The candidates of ``words_in`` that are entries of the model's lexicon, in the same
        order, found without building the rest: a run grows only while some entry starts
        with it (a 2 KB email has about 1,100 candidates and 250 entries)."""
        lexicon, heads, taken = self.model.lexicon, self._heads, self._taken
        words = self._word_tokens(tokens)
        most = self._longest
        for k, (lemma, lower, start, end) in enumerate(words):
            if lemma in lexicon and lemma not in taken and lower not in taken:
                yield lemma, start, end
            entry = lemma
            for word in words[k + 1 : k + most]:
                if entry not in heads:
                    break
                entry += " " + word[0]
                if entry in lexicon:
                    yield entry, start, word[3]

    def sentiment_in(self, tokens: Tokens, found: Sequence[Found]) -> Iterator[tuple[str, float, int, int]]:
        """Words of the sentiment lexicon with their valence and span: a token looked up as
        written (":D"), then lower-cased, skipping tokens inside a strategy's match in ``found``
        (the strategy explains them): "no problem" is reassurance, not two negative words, and
        "thanks" is gratitude, not also a positive word."""
        sentiment = self.model.sentiment
        if sentiment is None:
            return
        valences = sentiment.valences
        covered: list[list[int]] = []  # the strategy matches, merged into disjoint spans
        for start, end in sorted((f.start, f.end) for f in found):
            if covered and start <= covered[-1][1]:
                covered[-1][1] = max(covered[-1][1], end)
            else:
                covered.append([start, end])
        firsts = [span[0] for span in covered]
        for i, space in enumerate(tokens.spaces):
            if space:
                continue
            text, lower = tokens.texts[i], tokens.lowers[i]
            valence = valences.get(text)
            if valence is None:
                valence = valences.get(lower)
            if valence is None:
                continue
            start = tokens.starts[i]
            k = bisect.bisect_right(firsts, start) - 1
            if k >= 0 and start < covered[k][1]:
                continue
            yield lower, valence, start, tokens.end(i)


def _token_at(starts: Sequence[int], offset: int) -> int | None:
    i = bisect.bisect_right(starts, offset) - 1
    return i if 0 <= i < len(starts) else None
