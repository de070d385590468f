"""What a rule kind sees of one text: the clean text, the Doc, sentences, and pattern hits."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from mantracheck.nlp import COLUMN_NAMES, COLUMNS_KEY, SENTENCES_KEY, sentences_of
from mantracheck.text.offsets import OffsetMap

# Same-length normalisation so that regexes need not spell out typographic quotes.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
# Where a clause ends, for negation and hedging scope (looking left from a hit).
#: How far left of a match the words that can excuse it (a negator, a hedge, a condition) are
#: looked for, in a sentence longer than that: a clause is rarely longer, and a bound keeps
#: each look constant-time, so a sentence with thousands of matches is linted in linear time.
SCOPE = 200
_SPACE = re.compile(r"\s+")
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\s-\s|\b(?:but|however|although|though|yet|so|and then)\b", re.IGNORECASE)
#: Where a sentence ends inside what the pipeline read as one sentence, as when an
#: abbreviation or a lower-case start hid the boundary ("We tried to call U. Your refund is
#: GUARANTEED."): "." then space and a capital, digit or opening quote; "!" or "?" then space.
#: A title or a common abbreviation before the "." is not a sentence end ("Mr. Smith",
#: "e.g. Visa"). Nothing a skip condition looks for reaches across one.
_SENTENCE_BREAK = re.compile(
    r"(?=[.!?])"  # (first, so that the lookbehinds run only at a mark: 16 times faster)
    r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bvs)(?<!\bNo)(?<!\bno)(?<!\bInc)(?<!\bLtd)(?<!\bCo)"
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bapprox)"
    r"(?:\.+[\"')\]]*\s+(?=[\"'(]?[A-Z0-9])|[!?]+[\"')\]]*\s+)"
)
#: Where a condition stops governing: a condition's "if" clause reaches over commas ("If it
#: hasn't arrived by Friday, we'll send another"), not over a semicolon, a dash or a "but".
_CONDITION_BREAK = re.compile(r"[;\u2014]|\s[-\u2013]\s|\b(?:but|however|yet)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Hit:
    """A span of the clean text a rule kind reports, with values for its message."""

    start: int
    end: int
    values: Mapping[str, Any] = field(default_factory=dict)
    replacement: str | None = None
    #: The span names a place (a sentence, the opening), not matched words: placeholders
    #: inside it do not make it unreportable.
    region: bool = False


@dataclass(frozen=True)
class Cues:
    """Compiled cue lexicons (negators, hedges, conditionals) from rules/lexicons.yaml."""

    negators: re.Pattern[str]
    #: Every hedge of the lexicon (what the mantra scorer counts).
    hedges: re.Pattern[str]
    conditionals: re.Pattern[str]
    #: Hedges only before the claim ("applications can be approved within an hour"); after it
    #: they are part of it ("the best service you can buy").
    hedges_before: re.Pattern[str] = re.compile(r"(?!x)x")
    #: The hedges that hedge a figure, only before a number ("about 3 days", "up to 48 hours";
    #: not "the best service around", "questions about your order").
    approximations: re.Pattern[str] = re.compile(r"(?!x)x")
    #: The hedges that hedge a claim wherever they are in its clause: ``hedges`` but the
    #: approximations (the skip condition ``hedged`` reads these, and the two above).
    claim_hedges: re.Pattern[str] | None = None
    #: Negations that invite rather than deny ("don't miss", "never miss"): what follows them is
    #: not negated ("Don't miss the leading expo of the year" is a claim).
    invitations: re.Pattern[str] = re.compile(r"(?!x)x")

    def __post_init__(self) -> None:
        if self.claim_hedges is None:
            object.__setattr__(self, "claim_hedges", self.hedges)

    @classmethod
    def from_lists(
        cls,
        negators: Sequence[str],
        hedges: Sequence[str],
        conditionals: Sequence[str],
        hedges_before: Sequence[str] = (),
        approximations: Sequence[str] = (),
        invitations: Sequence[str] = (),
    ) -> Cues:
        approximate = {w.lower() for w in approximations}
        return cls(
            _cue_regex(negators),
            _cue_regex(hedges),
            _cue_regex(conditionals),
            _cue_regex(hedges_before),
            _cue_regex(approximations, _NUMBER_NEXT),
            _cue_regex([w for w in hedges if w.lower() not in approximate]),
            _cue_regex(invitations),
        )


#: What follows an approximation for it to hedge: a number ("about 3", "around a week").
_NUMBER_NEXT = (
    r"(?=\s*(?:\d|(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|ninety|hundred|few|couple|several|half)\b))"
)


def _cue_regex(words: Sequence[str], then: str = "") -> re.Pattern[str]:
    if not words:
        return re.compile(r"(?!x)x")
    alts = sorted({re.escape(w.lower().replace("\u2019", "'")).replace("'", "'") for w in words}, key=len, reverse=True)
    alts = [a.replace(r"\ ", r"\s+") for a in alts]
    return re.compile(r"(?<![\w'])(?:" + "|".join(alts) + r")(?![\w'])" + then, re.IGNORECASE)


class Columns:
    """A Doc's token columns from one ``Doc.to_array`` call, each as a list on demand.

    The first seven feed ``TextContext.sentences``; the string attributes (hashes, kept as
    uint64) and IS_TITLE feed the matchers."""

    NAMES = COLUMN_NAMES
    INDEX: ClassVar[dict[str, int]] = {name: i for i, name in enumerate(NAMES)}

    def __init__(self, doc: Any, use_stash: bool = False) -> None:
        # use_stash: the Doc comes straight from a pipeline whose last component is the
        # annotator (nlp.ArrayAnnotator), which left these very columns; nothing has changed
        # the Doc since (the caller vouches for that)
        stashed = doc.user_data.get(COLUMNS_KEY) if use_stash else None
        if stashed is not None and len(stashed) == len(doc):
            self.array = stashed
        else:
            from spacy.attrs import IDS

            self.array = doc.to_array([IDS[name] for name in self.NAMES]).reshape(len(doc), len(self.NAMES))
        self._lists: dict[str, list[int]] = {}
        self._sets: dict[str, set[int]] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.INDEX

    def list(self, name: str) -> list[int]:
        found = self._lists.get(name)
        if found is None:
            found = self._lists[name] = self.array[:, self.INDEX[name]].tolist()
        return found

    def set(self, name: str) -> set[int]:
        """The column's distinct values (asked for by several matchers: kept). Do not change it."""
        found = self._sets.get(name)
        if found is None:
            found = self._sets[name] = set(self.list(name))
        return found


class TextContext:
    def __init__(self, clean: str, doc: Any, offsets: OffsetMap | None, matches: Mapping[str, list[tuple[int, int]]], cues: Cues) -> None:
        self.clean = clean
        self.doc = doc
        self.offsets = offsets
        self.matches = matches
        self.cues = cues
        #: Spans of the text of links and buttons that stand alone (``Extracted.controls``:
        #: sorted, and apart, since each is the whole of its paragraph).
        self.controls: Sequence[tuple[int, int]] = ()
        self._control_starts: list[int] | None = None
        self._left: dict[int, str] = {}
        self._overlap_index: dict[str, tuple[list[int], list[int]]] = {}
        self._sentences_with: dict[str, set[int]] = {}

    @classmethod
    def from_parts(
        cls, clean: str, sentences: list[tuple[int, int]], words: int, matches: Mapping[str, list[tuple[int, int]]], cues: Cues
    ) -> TextContext:
        """A context without a Doc, for the rules that read a whole long text: its sentences,
        word count and matches as the runner gathered them from the text's pieces."""
        ctx = cls(clean, None, None, matches, cues)
        ctx.__dict__["_sentence_info"] = (sentences, words, 0)  # (the cached property's value)
        return ctx

    @cached_property
    def normalized(self) -> str:
        """The clean text with typographic quotes made plain (same length, same offsets)."""
        return self.clean.translate(_QUOTES)

    #: The runner sets it when the Doc is fresh from a pipeline ending in the annotator.
    use_stash = False

    @cached_property
    def table(self) -> Columns:
        """The Doc's token columns, read once for the sentences and the matchers."""
        return Columns(self.doc, self.use_stash)

    @property
    def columns(self) -> Any:
        """The Doc's columns, uint64 as ``Doc.to_array`` gives them (SENT_START -1 reads as
        2**64 - 1); the first seven are IDX, LENGTH, SENT_START, IS_SPACE, IS_PUNCT,
        IS_ALPHA, LIKE_NUM (no Token objects are made, nothing is copied)."""
        return self.table.array

    @cached_property
    def _sentence_info(self) -> tuple[list[tuple[int, int]], int, int]:
        """(sentences, word count, Doc length) by ``nlp.sentences_of``: as the annotator left
        them for its whole batch, where the Doc is fresh from it (``use_stash``, as for the
        columns), else computed from the columns."""
        n = len(self.doc)
        found = self.doc.user_data.get(SENTENCES_KEY) if self.use_stash else None
        if found is not None and found[2] == n:
            return found  # type: ignore[no-any-return]
        if n == 0:
            return [], 0, 0
        return sentences_of(self.columns, (0, n))[0]

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentence spans in the clean text, trimmed; sentences without a word are left out.

        A sentence runs from its first token that is neither space nor punctuation to the
        end of its last token (a trailing whitespace token ends it where that token starts).
        """
        return self._sentence_info[0]

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentences]

    @cached_property
    def word_count(self) -> int:
        return self._sentence_info[1]

    def sentence_at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i < 0:
            return (0, len(self.clean))
        return self.sentences[i]

    def sentence_index(self, offset: int) -> int:
        return max(bisect.bisect_right(self._sentence_starts, offset) - 1, 0)

    def spans(self, key: str) -> list[tuple[int, int]]:
        return self.matches.get(key, [])

    # -- conditions that excuse a hit -------------------------------------------------
    # Each condition reads the clause that governs a match, never the whole sentence: the words
    # from the start of its sentence (or of the sentence hidden inside it, see _SENTENCE_BREAK)
    # to the match, cut at the last clause break for negation and hedges; for a question, the
    # mark that ends that sentence. Every look is bounded (SCOPE, one bisect), so a sentence
    # with thousands of matches is still linted in linear time.
    @cached_property
    def _breaks(self) -> tuple[list[int], list[int]]:
        """(starts, ends) of the sentence ends inside the pipeline's sentences (one scan)."""
        found = [m.span() for m in _SENTENCE_BREAK.finditer(self.normalized)]
        return [s for s, _ in found], [e for _, e in found]

    def _sub_sentence(self, start: int) -> tuple[int, int]:
        """The span of the sentence a match at ``start`` is in: its pipeline sentence, narrowed
        to the sentence ends found inside it."""
        sent_start, sent_end = self.sentence_at(start)
        starts, ends = self._breaks
        i = bisect.bisect_right(ends, start) - 1  # the last break that ends at or before start
        if i >= 0 and ends[i] > sent_start:
            sent_start = ends[i]
        j = bisect.bisect_left(starts, start)  # the first break that starts at or after start
        if j < len(starts) and starts[j] < sent_end:
            sent_end = starts[j] + 1  # keep its mark: "?" says it is a question
        return sent_start, sent_end

    def _scope_start(self, start: int) -> int:
        """Where the words that can govern a match at ``start`` begin: its sentence's start,
        or ``SCOPE`` characters back (moved on to a word's start) in a longer sentence."""
        sent_start, _ = self._sub_sentence(start)
        lo = start - SCOPE
        if lo <= sent_start:
            return sent_start
        space = _SPACE.search(self.normalized, lo, start)
        return space.end() if space else start

    def _left_clause(self, start: int) -> str:
        """The text from the last clause break before ``start``, within its scope (asked for
        the same start by several rules and conditions: kept)."""
        found = self._left.get(start)
        if found is None:
            left = self.normalized[self._scope_start(start) : start]
            breaks = list(_CLAUSE_BREAK.finditer(left))
            found = self._left[start] = left[breaks[-1].end():] if breaks else left
        return found

    def is_negated(self, start: int) -> bool:
        left = self._left_clause(start)
        if self.cues.negators.search(left) is None:
            return False
        return self.cues.negators.search(self.cues.invitations.sub(" ", left)) is not None

    def is_hedged(self, start: int, end: int) -> bool:
        _, sent_end = self._sub_sentence(start)
        left = self._left_clause(start)
        hedges = self.cues.claim_hedges or self.cues.hedges
        if hedges.search(left) or self.cues.hedges_before.search(left) or self.cues.approximations.search(left):
            return True
        # A hedge right after the claim, in the same clause: "within 24 hours, usually" (the
        # first 60 characters; 80 are read so that a clause break is seen as in the whole).
        right = self.normalized[end : min(sent_end, end + 80)]
        cut = _CLAUSE_BREAK.search(right)
        right = right[: cut.start() + 40] if cut else right
        # an approximation hedges the figure it is next to, not a claim half a clause away
        return hedges.search(right[:60]) is not None or self.cues.approximations.search(right[:30]) is not None

    def is_question(self, start: int) -> bool:
        """Whether the sentence the match is in asks: it ends in "?" (or the next character is
        one, as when a sentence span stops before its mark)."""
        _, sent_end = self._sub_sentence(start)
        tail = self.clean[sent_end - 1 : sent_end + 1]
        return "?" in tail

    def is_conditional(self, start: int) -> bool:
        """Whether a condition governs the match: a conditional word to its left in its
        sentence, past commas ("If it's late, we'll refund you") but not past a semicolon, a
        dash or a "but"."""
        left = self.normalized[self._scope_start(start) : start]
        cut = None
        for cut in _CONDITION_BREAK.finditer(left):
            pass
        if cut is not None:
            left = left[cut.end() :]
        return self.cues.conditionals.search(left) is not None

    def is_link_text(self, start: int, end: int) -> bool:
        """Whether the match lies in the text of a link or button that is all of its paragraph
        (a label to click, such as "Verify email address."; the HTML readers find them)."""
        if not self.controls:
            return False
        if self._control_starts is None:
            self._control_starts = [lo for lo, _ in self.controls]
        i = bisect.bisect_right(self._control_starts, start) - 1  # the last that starts at or before
        return i >= 0 and end <= self.controls[i][1]

    def excused(self, start: int, end: int, conditions: Sequence[str]) -> bool:
        for condition in conditions:
            if condition == "negated" and self.is_negated(start):
                return True
            if condition == "hedged" and self.is_hedged(start, end):
                return True
            if condition == "question" and self.is_question(start):
                return True
            if condition == "conditional" and self.is_conditional(start):
                return True
            if condition == "link_text" and self.is_link_text(start, end):
                return True
        return False

    def overlaps(self, start: int, end: int, key: str) -> bool:
        """Whether a span of ``key`` overlaps [start, end): a look-up, not a scan."""
        found = self._overlap_index.get(key)
        if found is None:
            spans = sorted(self.spans(key))
            reach = list(itertools.accumulate((e for _, e in spans), max))
            found = self._overlap_index[key] = ([s for s, _ in spans], reach)
        starts, reach = found
        before = bisect.bisect_left(starts, end)  # the spans that start before ``end``
        return before > 0 and reach[before - 1] > start

    def in_same_sentence(self, start: int, key: str) -> bool:
        found = self._sentences_with.get(key)
        if found is None:
            found = self._sentences_with[key] = {self.sentence_index(s) for s, _ in self.spans(key)}
        return self.sentence_index(start) in found


def drop_overlaps(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep the earliest, then longest, of overlapping spans."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return kept
